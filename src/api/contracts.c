/* GET /contracts/{id}, POST /contracts/{id}/complete|cancel and
 * GET /contracts/freelancer/{profile_id}: the work agreed on accepted
 * proposals. */
#include "api/api.h"

#include "cache/tags.h"
#include "common/err.h"
#include "store/contracts.h"
#include "store/proposals.h"

void api_contract_get(http_req_t *req)
{
    static const char *const no_params[] = {NULL};
    const char *why = NULL;
    json_t *out;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        http_query_check(req, no_params) < 0 ||
        api_db(req, &db) < 0)
        return;

    rc = store_contract_get(db, req->ids[0], req->user_id,
                            req->role == ROLE_ADMIN, &out);
    if (rc == FH_ENOTFOUND)
        why = "no contract has this id";
    else if (rc == FH_EFORBIDDEN)
        why = "only the contract's parties may read it";
    if (rc < 0) {
        api_fail(req, rc, why, NULL);
        return;
    }
    http_reply_data(req, 200, out);
}

typedef int (*contract_step_fn)(db_t *db, int64_t user_id, int64_t id,
                                json_t **out, const char **why);

static int64_t member_int(const json_t *obj, const char *name)
{
    return json_integer_value(json_object_get(obj, name));
}

/* After a contract ended: the contract, its job (searches and counts
 * too), the freelancer's lists, both dashboards, the analytics, and when
 * completed the freelancer's profile (completed jobs, earnings). */
static void contract_invalidate(const json_t *c, bool completed)
{
    int64_t profile = member_int(c, "freelancer_id");
    cache_tag_t tags[] = {
        CACHE_TAG(CONTRACT, member_int(c, "id")),
        CACHE_TAG(JOB, member_int(c, "job_posting_id")),
        CACHE_TAG(JOBS, 0), CACHE_TAG(FREELANCER, profile),
        CACHE_TAG(USER, member_int(c, "freelancer_user_id")),
        CACHE_TAG(USER, member_int(c, "client_id")), CACHE_TAG(MARKET, 0),
        CACHE_TAG(PROFILE, profile), CACHE_TAG(PROFILES, 0)};

    cache_invalidate(tags, completed ? 9 : 7);
}

/* A caller, no body members, one store call on the path's contract id,
 * the cache tags it touched. */
static void contract_step(http_req_t *req, contract_step_fn step,
                          bool completes)
{
    static const field_spec_t no_fields[] = {{.name = NULL}};
    const char *why = NULL;
    json_t *out;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, no_fields) < 0 || api_db(req, &db) < 0)
        return;

    rc = step(db, req->user_id, req->ids[0], &out, &why);
    if (rc < 0) {
        api_fail(req, rc, why, NULL);
        return;
    }
    contract_invalidate(out, completes);
    http_reply_data(req, 200, out);
}

void api_contract_complete(http_req_t *req)
{
    contract_step(req, store_contract_complete, true);
}

void api_contract_cancel(http_req_t *req)
{
    contract_step(req, store_contract_cancel, false);
}

void api_contracts_by_freelancer(http_req_t *req)
{
    static const char *const params[] = {"status", "page", "page_size", NULL};
    const char *status;
    int64_t total;
    json_t *items;
    page_t page;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        http_query_check(req, params) < 0 || api_page(req, &page) < 0 ||
        http_query_enum(req, "status", store_contract_statuses, NULL,
                        &status) < 0 ||
        api_db(req, &db) < 0)
        return;
    if (api_require_profile_owner(req, db, req->ids[0],
                                  "only this freelancer may list its contracts") < 0)
        return;

    rc = store_contracts_by_freelancer(db, req->ids[0], status,
                                       page.page_size, page.offset, &items,
                                       &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}
