/* GET /dashboard/freelancer and GET /dashboard/client: the caller's own
 * numbers. Private answers: never shared between callers by a cache. */
#include "api/api.h"

#include "common/err.h"
#include "store/dashboard.h"

/* Marks the reply, whatever it turns out to be, as the caller's own: no
 * shared cache may keep it, and it varies with the header that names the
 * caller. */
static void dashboard_private(http_req_t *req)
{
    http_reply_header(req, "Cache-Control", "private, no-cache");
    http_reply_header(req, "Vary", "Authorization");
}

/* The checks both dashboards share: a caller of role, no query parameters,
 * a database connection. Replies and returns a negative fh_err otherwise. */
static int dashboard_begin(http_req_t *req, enum user_role role, db_t **db)
{
    static const char *const params[] = {NULL};
    int rc;

    dashboard_private(req);
    rc = api_require_caller(req, role);
    if (rc == 0)
        rc = http_query_check(req, params);
    if (rc == 0)
        rc = api_db(req, db);
    return rc;
}

void api_dashboard_freelancer(http_req_t *req)
{
    json_t *data;
    db_t *db;
    int rc;

    if (dashboard_begin(req, ROLE_FREELANCER, &db) < 0)
        return;

    rc = store_dashboard_freelancer(db, req->user_id, &data);
    if (rc == FH_ENOTFOUND) {
        api_fail(req, rc, "you have no freelancer profile yet: create one "
                 "with POST /profiles", NULL);
        return;
    }
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 200, data);
}

void api_dashboard_client(http_req_t *req)
{
    json_t *data;
    db_t *db;
    int rc;

    if (dashboard_begin(req, ROLE_CLIENT, &db) < 0)
        return;

    rc = store_dashboard_client(db, req->user_id, &data);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 200, data);
}
