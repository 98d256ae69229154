/* Operational routes at the root: liveness, readiness, metrics. */
#include "api/api.h"

#include <stdlib.h>

#include "common/err.h"
#include "obs/metrics.h"

void api_healthz(http_req_t *req)
{
    http_reply_data(req, 200, json_pack("{ss}", "status", "ok"));
}

void api_readyz(http_req_t *req)
{
    db_t *db = req->db;  /* already held when a bearer token came along */
    int rc = db ? 0 : db_acquire(&db);

    if (rc == 0) {
        req->db = db;
        rc = db_ping(db);
    }
    if (rc < 0) {
        http_reply_error(req, 503, "service_unavailable",
                         "the database does not answer", NULL);
        return;
    }
    http_reply_data(req, 200, json_pack("{ss ss}", "status", "ready",
                                         "database", "ok"));
}

void api_metrics(http_req_t *req)
{
    size_t len;
    char *text = metrics_render(&len);

    if (text == NULL) {
        http_reply_fh(req, FH_ENOMEM, NULL, NULL);
        return;
    }
    http_reply_raw(req, 200, "text/plain; version=0.0.4; charset=utf-8",
                   text, len);
    free(text);
}
