#include "ratelimit/limiter.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "common/err.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "ratelimit/redis.h"

static const char *const tier_names[RL_NTIERS] = {
    "standard", "strict", "lenient", "auth", "search",
};

static struct {
    bool enabled;
    rl_rate_t rates[RL_NTIERS];
    int periods[RL_NTIERS];
    rl_proxies_t proxies;
    rl_table_t *table;
    rl_stats_t *stats;
    rl_redis_t *redis;       /* NULL without REDIS_URL */
    int64_t (*clock)(void);  /* NULL: CLOCK_MONOTONIC */
} rl;

static int64_t now_us(void)
{
    struct timespec ts;

    if (rl.clock)
        return rl.clock();
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * RL_US + ts.tv_nsec / 1000;
}

static int64_t now_minute(void)
{
    return now_us() / (60 * RL_US);
}

void rl_clock_set(int64_t (*fn)(void))
{
    rl.clock = fn;
}

const char *rl_tier_name(int tier)
{
    return tier >= 0 && tier < RL_NTIERS ? tier_names[tier] : "none";
}

int rl_start(const config_t *cfg)
{
    const int limits[RL_NTIERS] = {
        cfg->rate_limit_standard, cfg->rate_limit_strict,
        cfg->rate_limit_lenient, cfg->rate_limit_auth, cfg->rate_limit_search,
    };
    char err[160];

    memset(&rl.proxies, 0, sizeof(rl.proxies));
    rl.enabled = cfg->rate_limit_enabled;
    for (int i = 0; i < RL_NTIERS; i++) {
        rl.periods[i] = i == RL_TIER_AUTH ? 300 : 60;
        rl_rate_init(&rl.rates[i], limits[i], rl.periods[i]);
    }
    if (!rl.enabled)
        return 0;
    if (rl_proxies_parse(cfg->trusted_proxies, &rl.proxies, err,
                         sizeof(err)) < 0) {
        log_error("bad TRUSTED_PROXIES", "s:reason", err);
        return FH_EINVAL;
    }
    rl.table = rl_table_new((size_t)cfg->rate_limit_max_buckets);
    rl.stats = rl_stats_new(RL_NTIERS);
    if (rl.table == NULL || rl.stats == NULL)
        goto fail_memory;
    if (cfg->redis_url[0]) {
        rl.redis = rl_redis_new(cfg->redis_url);
        if (rl.redis == NULL)
            goto fail_memory;
    }
    return 0;

fail_memory:
    rl_stop();
    return FH_ENOMEM;
}

void rl_stop(void)
{
    rl_redis_free(rl.redis);
    rl_stats_free(rl.stats);
    rl_table_free(rl.table);
    rl.redis = NULL;
    rl.stats = NULL;
    rl.table = NULL;
    rl.enabled = false;
}

bool rl_is_enabled(void)
{
    return rl.enabled;
}

const rl_proxies_t *rl_proxies(void)
{
    return &rl.proxies;
}

void rl_take(int tier, const char *key, rl_verdict_t *v)
{
    const rl_rate_t *rate = &rl.rates[tier];
    char buf[300], name[64];
    int64_t debt = 0;
    bool ok = true;

    if (!rl.enabled) {
        rl_verdict_make(rate, true, 0, v);
        return;
    }
    int n = snprintf(buf, sizeof(buf), "%s\n%s", tier_names[tier], key);
    XXH128_hash_t h = XXH3_128bits(buf, (size_t)n < sizeof(buf) ? (size_t)n
                                                               : sizeof(buf) - 1);
    if (rl.redis) {
        /* Hashed, so that no address or email is stored in Redis. */
        snprintf(name, sizeof(name), "fh:rl:%s:%016llx%016llx",
                 tier_names[tier], (unsigned long long)h.high64,
                 (unsigned long long)h.low64);
        if (rl_redis_take(rl.redis, name, rate, &ok, &debt) == 0) {
            rl_verdict_make(rate, ok, debt, v);
            return;
        }
    }
    /* LIMITATION: while Redis is unreachable each instance keeps its own
     * buckets, which start full: for the length of an outage, n instances
     * let a client through up to n times its limit. Bites only with
     * REDIS_URL set and Redis down. */
    ok = rl_table_take(rl.table, h.low64, h.high64, rate, now_us(), &debt);
    rl_verdict_make(rate, ok, debt, v);
}

void rl_note_request(int tier)
{
    if (rl.stats)
        rl_stats_request(rl.stats, tier, now_minute());
    metrics_ratelimit_request(tier);
}

void rl_note_refusal(int tier, const char *client)
{
    if (rl.stats)
        rl_stats_refusal(rl.stats, tier, client, now_minute());
    metrics_ratelimit_refusal(tier);
}

void rl_snapshot(rl_snapshot_t *out)
{
    int64_t minute = now_minute();

    memset(out, 0, sizeof(*out));
    out->enabled = rl.enabled;
    out->redis_configured = rl.redis != NULL;
    out->redis_up = rl.redis != NULL && rl_redis_is_up(rl.redis);
    for (int i = 0; i < RL_NTIERS; i++) {
        out->tiers[i].limit = rl.rates[i].limit;
        out->tiers[i].period_s = rl.periods[i];
        if (rl.stats)
            rl_stats_tier(rl.stats, i, minute, &out->tiers[i].requests,
                          &out->tiers[i].refused);
    }
    if (rl.stats)
        out->ntop = rl_stats_top(rl.stats, minute, out->top);
    if (rl.table)
        rl_table_stats(rl.table, &out->local);
}
