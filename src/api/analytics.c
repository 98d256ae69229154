/* GET /analytics/marketplace: public aggregates over the whole
 * marketplace, computed by the database. */
#include "api/api.h"

#include "common/util.h"
#include "store/analytics.h"

void api_analytics_marketplace(http_req_t *req)
{
    static const char *const params[] = {NULL};
    json_t *data;
    db_t *db;
    int rc;

    if (http_query_check(req, params) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_analytics_marketplace(db, fh_now(), &data);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 200, data);
}
