/* What the operators see: the rate limiter's decisions over the last hour
 * (requests and refusals per tier, the clients refused most) and the
 * memory its buckets hold. Admins only. */
#include "api/api.h"

#include "ratelimit/limiter.h"

json_t *api_rl_tiers_json(const rl_snapshot_t *s)
{
    json_t *tiers = json_array();

    for (int i = 0; tiers && i < RL_NTIERS; i++)
        json_array_append_new(tiers, json_pack(
            "{ss si si sI sI}", "tier", rl_tier_name(i),
            "limit", s->tiers[i].limit,
            "period_seconds", s->tiers[i].period_s,
            "requests", (json_int_t)s->tiers[i].requests,
            "refused", (json_int_t)s->tiers[i].refused));
    return tiers;
}

json_t *api_rl_top_json(const rl_snapshot_t *s)
{
    json_t *top = json_array();

    for (int i = 0; top && i < s->ntop; i++)
        json_array_append_new(top, json_pack(
            "{ss sI}", "client", s->top[i].key,
            "refused", (json_int_t)s->top[i].refused));
    return top;
}

void api_admin_rate_limits(http_req_t *req)
{
    static const char *const params[] = {NULL};
    rl_snapshot_t s;

    if (api_require_caller(req, ROLE_ADMIN) < 0 ||
        http_query_check(req, params) < 0)
        return;
    rl_snapshot(&s);
    const char *store = !s.redis_configured ? "local"
                        : s.redis_up ? "redis" : "local (redis unreachable)";
    json_t *local = json_pack(
        "{sI sI sI sI}", "buckets", (json_int_t)s.local.buckets,
        "capacity", (json_int_t)s.local.capacity,
        "bytes", (json_int_t)s.local.bytes,
        "evictions", (json_int_t)s.local.evictions);
    http_reply_header(req, "Cache-Control", "no-store");
    http_reply_data(req, 200, json_pack(
        "{sb ss si so so so}", "enabled", s.enabled, "store", store,
        "window_seconds", RL_STATS_MINUTES * 60, "tiers", api_rl_tiers_json(&s),
        "top_refused", api_rl_top_json(&s), "local_buckets", local));
}
