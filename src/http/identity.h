/* Who is calling: the session named by "Authorization: Bearer TOKEN". */
#ifndef FH_HTTP_IDENTITY_H
#define FH_HTTP_IDENTITY_H

#include "http/request.h"

/* Sets req->user_id, req->role and req->token from the request. No
 * Authorization header leaves the caller anonymous; a malformed header or a
 * token that is unknown, expired or ended replies 401 with
 * WWW-Authenticate and returns a negative fh_err. */
int http_identity_resolve(http_req_t *req);

#endif
