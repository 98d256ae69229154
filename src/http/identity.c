#include "http/identity.h"

#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/util.h"
#include "http/reply.h"
#include "store/sessions.h"
#include "store/users.h"

static int refuse(http_req_t *req, const char *challenge, const char *message)
{
    http_reply_header(req, "WWW-Authenticate", challenge);
    http_reply_error(req, 401, "unauthorized", message, "Authorization");
    return FH_EUNAUTHORIZED;
}

static int resolve_bearer(http_req_t *req, const char *h)
{
    db_t *db;
    int rc;

    if (strncasecmp(h, "Bearer ", 7) != 0)
        return refuse(req, "Bearer error=\"invalid_request\"",
                      "Authorization must be \"Bearer TOKEN\"");
    h += 7;
    while (*h == ' ')
        h++;
    rc = db_acquire(&db);
    if (rc < 0) {
        http_reply_fh(req, FH_EUNAVAILABLE, NULL, NULL);
        return rc;
    }
    req->db = db;
    rc = store_session_lookup(db, h, &req->user_id, &req->role);
    if (rc == FH_EUNAUTHORIZED) {
        req->user_id = 0;
        return refuse(req, "Bearer error=\"invalid_token\"",
                      "the session token is unknown, expired or ended");
    }
    if (rc < 0) {
        http_reply_fh(req, rc, NULL, NULL);
        return rc;
    }
    req->token = h;
    return 0;
}

/* The stand-in identity from before sessions: X-User-Id names the user. */
static int resolve_user_header(http_req_t *req, const char *h)
{
    int64_t id;
    db_t *db;
    int rc;

    if (fh_parse_int64(h, &id) < 0 || id <= 0) {
        http_reply_error(req, 401, "unauthorized",
                         "X-User-Id must be a positive integer naming a user",
                         "X-User-Id");
        return FH_EUNAUTHORIZED;
    }
    rc = db_acquire(&db);
    if (rc < 0) {
        http_reply_fh(req, FH_EUNAVAILABLE, NULL, NULL);
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

int http_identity_resolve(http_req_t *req)
{
    const char *h = http_header(req, "Authorization");

    if (h != NULL)
        return resolve_bearer(req, h);
    h = http_header(req, "X-User-Id");
    if (h != NULL)
        return resolve_user_header(req, h);
    return 0;
}
