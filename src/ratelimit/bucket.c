#include "ratelimit/bucket.h"

#include <assert.h>

void rl_rate_init(rl_rate_t *r, int limit, int period_s)
{
    assert(limit >= 1 && period_s >= 1);
    r->limit = limit;
    r->interval_us = (int64_t)period_s * RL_US / limit;
    if (r->interval_us < 1)
        r->interval_us = 1;
    /* tau is a whole number of intervals, so that exactly limit takes
     * pass on a full bucket whatever the rounding of the interval. */
    r->tau_us = r->interval_us * limit;
}

bool rl_bucket_take(int64_t *full_at, const rl_rate_t *r, int64_t now_us,
                    int64_t *debt_us)
{
    int64_t start = *full_at > now_us ? *full_at : now_us;
    int64_t next = start + r->interval_us;

    if (next - now_us > r->tau_us) {
        *debt_us = start - now_us;
        return false;
    }
    *full_at = next;
    *debt_us = next - now_us;
    return true;
}

static int ceil_seconds(int64_t us)
{
    int64_t s = (us + RL_US - 1) / RL_US;

    return s > 0x7fffffff ? 0x7fffffff : (int)s;
}

void rl_verdict_make(const rl_rate_t *r, bool allowed, int64_t debt_us,
                     rl_verdict_t *v)
{
    int64_t left;

    if (debt_us < 0)
        debt_us = 0;
    if (debt_us > r->tau_us)
        debt_us = r->tau_us;
    left = (r->tau_us - debt_us) / r->interval_us;
    v->allowed = allowed;
    v->limit = r->limit;
    v->remaining = (int)(left > r->limit ? r->limit : left);
    v->reset_s = ceil_seconds(debt_us);
    v->retry_after_s = 0;
    if (!allowed) {
        /* The take passes once debt + interval <= tau again. */
        int64_t wait = debt_us + r->interval_us - r->tau_us;
        v->retry_after_s = wait > 0 ? ceil_seconds(wait) : 1;
        if (v->retry_after_s < 1)
            v->retry_after_s = 1;
        v->remaining = 0;
    }
}
