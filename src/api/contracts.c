/* PLACEHOLDER: replaced by the real handlers. */
#include "api/api.h"

void api_contract_get(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_contract_complete(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_contract_cancel(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_contracts_by_freelancer(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

