/* The token bucket's arithmetic, free of clocks and storage: a bucket is one
 * number, the time at which it is full again, so that a take is one compare
 * and one add, done the same way in process memory and in Redis. */
#ifndef FH_RATELIMIT_BUCKET_H
#define FH_RATELIMIT_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

#define RL_US 1000000LL  /* microseconds a second */

/* A limit of `limit` requests per `period_s`: one token comes back every
 * interval_us, and the bucket holds limit tokens, tau_us of refill. */
typedef struct rl_rate {
    int limit;           /* capacity, tokens */
    int64_t interval_us; /* refill time of one token */
    int64_t tau_us;      /* limit * interval_us: refill time of a full bucket */
} rl_rate_t;

/* What a take decided, in the units the reply headers use. */
typedef struct rl_verdict {
    bool allowed;
    int limit;           /* RateLimit-Limit */
    int remaining;       /* RateLimit-Remaining, 0..limit */
    int reset_s;         /* RateLimit-Reset: whole seconds until full */
    int retry_after_s;   /* refused only: whole seconds until a take passes */
} rl_verdict_t;

/* Fills r for limit (>= 1) requests per period_s (>= 1) seconds. */
void rl_rate_init(rl_rate_t *r, int limit, int period_s);

/* Takes one token from the bucket whose state is *full_at (microseconds on
 * the caller's clock; 0 = never used, i.e. full) at time now_us. On success
 * advances *full_at; a refusal leaves it as it was. *debt_us gets
 * full_at - now after the decision (0 .. tau_us), what rl_verdict_make
 * needs. Returns true when the take passes. */
bool rl_bucket_take(int64_t *full_at, const rl_rate_t *r, int64_t now_us,
                    int64_t *debt_us);

/* Turns a decision and the bucket's debt after it into the headers' values:
 * remaining tokens (floor), seconds until full (ceil), and for a refusal the
 * seconds after which the same take passes (ceil, at least 1). */
void rl_verdict_make(const rl_rate_t *r, bool allowed, int64_t debt_us,
                     rl_verdict_t *v);

#endif
