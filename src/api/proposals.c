/* PLACEHOLDER: replaced by the real handlers. */
#include "api/api.h"

void api_proposal_create(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_proposal_withdraw(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_proposal_accept(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_proposal_reject(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

void api_proposals_by_freelancer(http_req_t *req)
{
    http_reply_error(req, 501, "not_implemented", "not implemented yet", NULL);
}

