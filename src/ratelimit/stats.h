/* What the limiter decided over the last hour: requests and refusals per
 * tier, counted per minute, and the clients refused most. Bounded: one hour
 * of minutes per tier and a fixed table of refused clients. */
#ifndef FH_RATELIMIT_STATS_H
#define FH_RATELIMIT_STATS_H

/* LIMITATION: the statistics are per instance: with several instances on
 * one Redis, the admin view counts what the answering instance decided.
 * The top list tracks RL_STATS_CLIENTS refused clients at once; under a
 * flood of more distinct refused clients the rarely refused give way first,
 * so the counts of the top ten are exact only while they stay tracked. */

#include <stdbool.h>
#include <stdint.h>

#define RL_STATS_MINUTES 60     /* the window: the last hour */
#define RL_STATS_CLIENTS 512    /* refused clients tracked at once */
#define RL_STATS_KEY_LEN 64     /* "user:123", "ip:2001:db8::/64" */
#define RL_STATS_TOP 10

typedef struct rl_stats rl_stats_t;

typedef struct rl_stats_client {
    char key[RL_STATS_KEY_LEN];
    uint64_t refused;
} rl_stats_client_t;

/* Counters for ntiers tiers. NULL when out of memory. */
rl_stats_t *rl_stats_new(int ntiers);

/* Records one request of tier at minute (any monotonic minute count). */
void rl_stats_request(rl_stats_t *s, int tier, int64_t minute);

/* Records one refusal of tier for client at minute. */
void rl_stats_refusal(rl_stats_t *s, int tier, const char *client,
                      int64_t minute);

/* Requests and refusals of tier over the RL_STATS_MINUTES ending at
 * minute. */
void rl_stats_tier(rl_stats_t *s, int tier, int64_t minute,
                   uint64_t *requests, uint64_t *refused);

/* The clients refused most over the hour ending at minute, most first (ties
 * by key), at most RL_STATS_TOP; returns how many were written. */
int rl_stats_top(rl_stats_t *s, int64_t minute, rl_stats_client_t *out);

void rl_stats_free(rl_stats_t *s);

#endif
