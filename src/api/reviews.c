/* PLACEHOLDER: replaced by the real handlers. */
#include "api/api.h"

void api_review_create(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

