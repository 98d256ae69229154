/* The rate limiter: a token bucket per client and tier, in Redis when
 * REDIS_URL is set (shared by every instance), in process memory otherwise
 * or while Redis is away; and what it decided over the last hour. */
#ifndef FH_RATELIMIT_LIMITER_H
#define FH_RATELIMIT_LIMITER_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "ratelimit/bucket.h"
#include "ratelimit/client.h"
#include "ratelimit/stats.h"
#include "ratelimit/table.h"

/* The tiers, in the order of enum route_tier (http/router.h). */
enum rl_tier { RL_TIER_STANDARD, RL_TIER_STRICT, RL_TIER_LENIENT,
               RL_TIER_AUTH, RL_TIER_SEARCH, RL_NTIERS };

/* What the admin view shows. */
typedef struct rl_snapshot {
    bool enabled;
    bool redis_configured;
    bool redis_up;
    struct {
        int limit;
        int period_s;
        uint64_t requests;  /* over the last hour */
        uint64_t refused;
    } tiers[RL_NTIERS];
    rl_stats_client_t top[RL_STATS_TOP];
    int ntop;
    rl_table_stats_t local;  /* the process's own buckets */
} rl_snapshot_t;

/* Reads the limits, the trusted proxies and REDIS_URL from cfg and sets up
 * the buckets; with RATE_LIMIT_ENABLED false every take passes and nothing
 * is kept. Returns 0, or a negative fh_err with the reason logged. */
int rl_start(const config_t *cfg);

/* Frees everything rl_start set up. */
void rl_stop(void);

bool rl_is_enabled(void);

/* The trusted proxies rl_start parsed. */
const rl_proxies_t *rl_proxies(void);

/* Replaces the monotonic microsecond clock of the local buckets and the
 * statistics (tests); NULL restores the real one. Redis keeps its own. */
void rl_clock_set(int64_t (*now_us)(void));

/* "standard", "strict", "lenient", "auth", "search". */
const char *rl_tier_name(int tier);

/* Takes one token of tier from the bucket of key ("user:42", "ip:10.0.0.1",
 * "account:a@b.c") and fills *v. Thread-safe and atomic: concurrent takes
 * never share a token. */
void rl_take(int tier, const char *key, rl_verdict_t *v);

/* Counts a request of tier in the statistics and the metrics. */
void rl_note_request(int tier);

/* Counts a refusal of tier for client (a key as given to rl_take). */
void rl_note_refusal(int tier, const char *client);

void rl_snapshot(rl_snapshot_t *out);

#endif
