/* GET /admin/stats: what an operator watches — per-endpoint latency
 * percentiles over the last 5 and 60 minutes, slow queries, the database
 * connections, what the engine says of its indexes, the cache hit rate and
 * the rate limiter's refusals. */
#include "api/api.h"

#include "common/err.h"
#include "obs/metrics.h"
#include "ratelimit/limiter.h"

void api_admin_stats(http_req_t *req)
{
    static const char *const params[] = {NULL};
    json_t *indexes, *data;
    rl_snapshot_t rl;
    int open, in_use;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_ADMIN) < 0 ||
        http_query_check(req, params) < 0 || api_db(req, &db) < 0)
        return;

    rc = db_index_stats(db, &indexes);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    db_pool_stats(&open, &in_use);
    rl_snapshot(&rl);
    data = json_pack("{s{s o s o} sI sI s{ss si si} so so s{so so}}",
                     "endpoints",
                     "last_5_minutes", metrics_window_json(5),
                     "last_60_minutes", metrics_window_json(60),
                     "requests_total", (json_int_t)metrics_requests_total(),
                     "slow_queries_total", (json_int_t)metrics_slow_queries(),
                     "database", "engine",
                     db_engine(db) == DB_POSTGRES ? "postgresql" : "sqlite",
                     "connections_open", open, "connections_in_use", in_use,
                     "indexes", indexes,
                     "cache", api_cache_summary_json(),
                     "rate_limits", "last_hour_by_tier", api_rl_tiers_json(&rl),
                     "top_refused", api_rl_top_json(&rl));
    http_reply_header(req, "Cache-Control", "private, no-cache");
    http_reply_data(req, 200, data);
}
