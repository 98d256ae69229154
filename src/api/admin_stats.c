/* GET /admin/stats: what an operator watches — per-endpoint latency
 * percentiles over the last 5 and 60 minutes, slow queries, the database
 * connections, and what the engine says of its indexes. */
#include "api/api.h"

#include "common/err.h"
#include "obs/metrics.h"

void api_admin_stats(http_req_t *req)
{
    static const char *const params[] = {NULL};
    json_t *indexes, *data;
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
    data = json_pack("{s{s o s o} sI sI s{ss si si} so}",
                     "endpoints",
                     "last_5_minutes", metrics_window_json(5),
                     "last_60_minutes", metrics_window_json(60),
                     "requests_total", (json_int_t)metrics_requests_total(),
                     "slow_queries_total", (json_int_t)metrics_slow_queries(),
                     "database", "engine", "sqlite",
                     "connections_open", open, "connections_in_use", in_use,
                     "indexes", indexes);
    http_reply_header(req, "Cache-Control", "private, no-cache");
    http_reply_data(req, 200, data);
}
