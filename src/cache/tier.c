#include "cache/tier.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "cache/tags.h"
#include "common/err.h"
#include "obs/log.h"
#include "obs/metrics.h"

#define REDIS_TIMEOUT_MS 250   /* longest a Redis call may hold a request */

/* Set once by cache_tier_start before serving, read-only until stop. */
static cache_t *local;
static cache_redis_t *redis;
static int ttl_s[CACHE_NCATS];

static atomic_uint_fast64_t bypassed, invalidations, shared_hits;
static bool metrics_added;

bool cache_tier_enabled(void)
{
    return local != NULL;
}

int cache_tier_ttl_s(int category)
{
    return category >= 0 && category < CACHE_NCATS ? ttl_s[category] : 0;
}

int cache_tier_versions(const cache_tag_t *tags, size_t n, uint64_t *vers)
{
    int rc;

    if (local == NULL)
        return FH_EUNAVAILABLE;
    if (redis == NULL) {
        cache_versions_local(local, tags, n, vers);
        return 0;
    }
    rc = cache_redis_versions(redis, tags, n, vers);
    if (rc < 0)
        atomic_fetch_add_explicit(&bypassed, 1, memory_order_relaxed);
    return rc;
}

/* LIMITATION: with Redis, a hit costs one round trip to it (the MGET of the
 * entry's tag versions in cache_tier_versions): that is what keeps a write
 * on another instance from being followed by a stale read here. Hits stay
 * far cheaper than the query, but not as cheap as without Redis. */
cache_entry_t *cache_tier_lookup(cache_probe_t *p)
{
    cache_entry_t *e = cache_lookup(local, p);
    cache_item_t item;
    int64_t ttl_ms;
    void *blob;

    if (e || redis == NULL)
        return e;
    if (cache_redis_entry_get(redis, p, &item, &ttl_ms, &blob) < 0)
        return NULL;
    e = cache_fill(local, p, &item, ttl_ms);
    free(blob);
    if (e) {
        cache_note_shared_hit(local, p);
        atomic_fetch_add_explicit(&shared_hits, 1, memory_order_relaxed);
    }
    return e;
}

cache_entry_t *cache_tier_fill(cache_probe_t *p, const cache_item_t *item)
{
    int64_t ttl_ms = (int64_t)cache_tier_ttl_s(p->category) * 1000;
    cache_entry_t *e = cache_fill(local, p, item, ttl_ms);

    if (redis && e)
        cache_redis_entry_put(redis, p, item, ttl_ms);
    return e;
}

void cache_tier_done(cache_probe_t *p)
{
    if (local)
        cache_done(local, p);
}

void cache_invalidate(const cache_tag_t *tags, size_t n)
{
    if (local == NULL)
        return;
    cache_bump_local(local, tags, n);
    if (redis)
        cache_redis_invalidate(redis, tags, n);
    atomic_fetch_add_explicit(&invalidations, n, memory_order_relaxed);
}

void cache_tier_stats(cache_tier_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    out->enabled = local != NULL;
    out->redis_configured = redis != NULL;
    memcpy(out->ttl_s, ttl_s, sizeof(ttl_s));
    if (local)
        cache_stats(local, &out->local);
    if (redis)
        cache_redis_stats(redis, &out->redis);
    out->bypassed = atomic_load(&bypassed);
    out->invalidations = atomic_load(&invalidations);
    out->shared_hits = atomic_load(&shared_hits);
}

/* The cache's part of /metrics (each emit is one line or a few). */
static void on_metrics(metrics_emit_fn emit, void *ctx)
{
    cache_tier_stats_t st;

    cache_tier_stats(&st);
    emit(ctx, "# HELP fh_cache_requests_total Cacheable GETs by category "
              "and result.\n# TYPE fh_cache_requests_total counter\n");
    for (int k = 0; k < CACHE_NCATS; k++) {
        emit(ctx, "fh_cache_requests_total{category=\"%s\",result=\"hit\"}"
                  " %llu\n", cache_category_names[k],
             (unsigned long long)st.local.cat[k].hits);
        emit(ctx, "fh_cache_requests_total{category=\"%s\",result=\"miss\"}"
                  " %llu\n", cache_category_names[k],
             (unsigned long long)st.local.cat[k].misses);
    }
    emit(ctx, "# HELP fh_cache_evictions_total Entries dropped for room "
              "(LRU).\n# TYPE fh_cache_evictions_total counter\n"
              "fh_cache_evictions_total %llu\n",
         (unsigned long long)st.local.evictions);
    emit(ctx, "# HELP fh_cache_expired_total Entries whose TTL ran out.\n"
              "# TYPE fh_cache_expired_total counter\n"
              "fh_cache_expired_total %llu\n",
         (unsigned long long)st.local.expired);
    emit(ctx, "# HELP fh_cache_invalidations_total Tags moved by writes.\n"
              "# TYPE fh_cache_invalidations_total counter\n"
              "fh_cache_invalidations_total %llu\n",
         (unsigned long long)st.invalidations);
    emit(ctx, "# HELP fh_cache_bypassed_total Lookups skipped while Redis "
              "was down.\n# TYPE fh_cache_bypassed_total counter\n"
              "fh_cache_bypassed_total %llu\n",
         (unsigned long long)st.bypassed);
    emit(ctx, "# HELP fh_cache_entries Entries held.\n"
              "# TYPE fh_cache_entries gauge\nfh_cache_entries %llu\n",
         (unsigned long long)st.local.entries);
    emit(ctx, "# HELP fh_cache_bytes Bytes held, against "
              "fh_cache_max_bytes.\n# TYPE fh_cache_bytes gauge\n"
              "fh_cache_bytes %llu\n", (unsigned long long)st.local.bytes);
    emit(ctx, "# HELP fh_cache_max_bytes The budget (CACHE_MAX_MB).\n"
              "# TYPE fh_cache_max_bytes gauge\nfh_cache_max_bytes %llu\n",
         (unsigned long long)st.local.max_bytes);
    if (st.redis_configured) {
        emit(ctx, "# HELP fh_cache_redis_up Whether the cache's Redis tier "
                  "answers.\n# TYPE fh_cache_redis_up gauge\n"
                  "fh_cache_redis_up %d\n", st.redis.up ? 1 : 0);
        emit(ctx, "# HELP fh_cache_redis_errors_total Redis commands of the "
                  "cache that failed.\n"
                  "# TYPE fh_cache_redis_errors_total counter\n"
                  "fh_cache_redis_errors_total %llu\n",
             (unsigned long long)st.redis.errors);
    }
}

int cache_tier_start(const config_t *cfg)
{
    cache_opts_t o = {
        .max_bytes = (size_t)cfg->cache_max_mb << 20,
        .reap_stale = cfg->redis_url[0] == '\0',
    };
    int rc;

    if (!cfg->cache_enabled)
        return 0;
    ttl_s[CACHE_CAT_PROFILE] = cfg->cache_ttl_profile;
    ttl_s[CACHE_CAT_JOBS] = cfg->cache_ttl_jobs;
    ttl_s[CACHE_CAT_ANALYTICS] = cfg->cache_ttl_analytics;
    ttl_s[CACHE_CAT_MARKETPLACE] = cfg->cache_ttl_marketplace;
    ttl_s[CACHE_CAT_DEFAULT] = cfg->cache_default_ttl;
    rc = cache_new(&o, &local);
    if (rc < 0) {
        log_error("cannot start the response cache", "s:error",
                  fh_err_name(rc));
        return rc;
    }
    if (cfg->redis_url[0]) {
        rc = cache_redis_new(cfg->redis_url, REDIS_TIMEOUT_MS, &redis);
        if (rc < 0) {
            cache_free(local);
            local = NULL;
            return rc;
        }
    }
    if (!metrics_added) {  /* the metrics keep their sources for good */
        metrics_add_source(on_metrics);
        metrics_added = true;
    }
    return 0;
}

void cache_tier_stop(void)
{
    cache_redis_free(redis);
    redis = NULL;
    cache_free(local);
    local = NULL;
}
