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

int http_identity_resolve(http_req_t *req)
{
    const char *h = http_header(req, "Authorization");

    return h != NULL ? resolve_bearer(req, h) : 0;
}
