#include "http/identity.h"

#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "http/reply.h"
#include "store/users.h"

int http_identity_resolve(http_req_t *req)
{
    const char *h = http_header(req, "X-User-Id");
    int64_t id;
    db_t *db;
    int rc;

    if (h == NULL)
        return 0;
    if (fh_parse_int64(h, &id) < 0 || id <= 0) {
        http_reply_error(req, 401, "unauthorized",
                         "X-User-Id must be a positive integer naming a user",
                         "X-User-Id");
        return FH_EUNAUTHORIZED;
    }
    rc = db_acquire(&db);
    if (rc < 0) {
        http_reply_fh(req, rc, NULL, NULL);
        return rc;
    }
    req->db = db;
    rc = store_user_role(db, id, &req->role);
    if (rc == FH_ENOTFOUND) {
        http_reply_error(req, 401, "unauthorized", "no user has this id",
                         "X-User-Id");
        return FH_EUNAUTHORIZED;
    }
    if (rc < 0) {
        http_reply_fh(req, rc, NULL, NULL);
        return rc;
    }
    req->user_id = id;
    return 0;
}
