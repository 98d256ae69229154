/* PLACEHOLDER: replaced by the real handlers. */
#include "api/api.h"

void api_dashboard_freelancer(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_dashboard_client(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

