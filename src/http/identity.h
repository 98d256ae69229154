/* Who is calling. The caller is named by the X-User-Id header: the one place
 * that a session lookup replaces. */
#ifndef FH_HTTP_IDENTITY_H
#define FH_HTTP_IDENTITY_H

#include "http/request.h"

/* Sets req->user_id and req->role from the request. An absent header leaves
 * the caller anonymous; a malformed one or an unknown user replies 401 and
 * returns a negative fh_err. */
int http_identity_resolve(http_req_t *req);

#endif
