/* GET /admin/cache: the response cache's statistics, for admins. */
#include "api/api.h"

#include "cache/tier.h"

/* hits / (hits + misses), or null before any lookup. */
static json_t *hit_rate(uint64_t hits, uint64_t misses)
{
    if (hits + misses == 0)
        return json_null();
    return json_real((double)(int64_t)(hits * 10000 / (hits + misses)) /
                     10000.0);
}

static json_t *categories_json(const cache_tier_stats_t *st)
{
    json_t *out = json_object();

    for (int k = 0; out && k < CACHE_NCATS; k++) {
        const cache_cat_stats_t *c = &st->local.cat[k];
        json_object_set_new(out, cache_category_names[k],
                            json_pack("{sI sI so si}",
                                      "hits", (json_int_t)c->hits,
                                      "misses", (json_int_t)c->misses,
                                      "hit_rate", hit_rate(c->hits, c->misses),
                                      "ttl_seconds", st->ttl_s[k]));
    }
    return out;
}

static json_t *redis_json(const cache_tier_stats_t *st)
{
    if (!st->redis_configured)
        return json_pack("{ss}", "state", "off");
    return json_pack("{ss sI sI sI sI sI}",
                     "state", st->redis.up ? "up" : "down",
                     "outages", (json_int_t)st->redis.outages,
                     "errors", (json_int_t)st->redis.errors,
                     "entries_shared", (json_int_t)st->redis.entries_put,
                     "entries_received", (json_int_t)st->redis.entries_got,
                     "bypassed", (json_int_t)st->bypassed);
}

json_t *api_cache_summary_json(void)
{
    cache_tier_stats_t st;

    cache_tier_stats(&st);
    return json_pack("{sb sI sI so}", "enabled", st.enabled,
                     "hits", (json_int_t)st.local.hits,
                     "misses", (json_int_t)st.local.misses,
                     "hit_rate", hit_rate(st.local.hits, st.local.misses));
}

void api_admin_cache(http_req_t *req)
{
    static const char *const no_params[] = {NULL};
    cache_tier_stats_t st;
    const cache_stats_t *l = &st.local;

    if (api_require_caller(req, ROLE_ADMIN) < 0 ||
        http_query_check(req, no_params) < 0)
        return;

    cache_tier_stats(&st);
    http_reply_data(req, 200, json_pack(
        "{sb sI sI sI so sI sI sI sI sI sI sI sI so so}",
        "enabled", st.enabled,
        "hits", (json_int_t)l->hits,
        "misses", (json_int_t)l->misses,
        "shared_hits", (json_int_t)st.shared_hits,
        "hit_rate", hit_rate(l->hits, l->misses),
        "entries", (json_int_t)l->entries,
        "bytes", (json_int_t)l->bytes,
        "max_bytes", (json_int_t)l->max_bytes,
        "evictions", (json_int_t)l->evictions,
        "expired", (json_int_t)l->expired,
        "invalidated", (json_int_t)l->stale,
        "invalidations", (json_int_t)st.invalidations,
        "single_flight_waits", (json_int_t)l->flight_waits,
        "categories", categories_json(&st),
        "redis", redis_json(&st)));
}
