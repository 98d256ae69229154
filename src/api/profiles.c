/* PLACEHOLDER: replaced by the real handlers. */
#include "api/api.h"

void api_profile_create(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_profile_get(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_profile_update(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_portfolio_add(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_portfolio_delete(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_freelancers_search(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

