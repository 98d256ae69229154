/* POST /proposals/create, POST /proposals/{id}/withdraw|reject|accept and
 * GET /proposals/freelancer/{profile_id}: the bidding side of the
 * marketplace. */
#include "api/api.h"

#include <stdint.h>

#include "cache/tags.h"
#include "common/err.h"
#include "store/jobs.h"
#include "store/proposals.h"

/* Replies 422 naming currency unless it is three upper-case letters. */
static int check_currency(http_req_t *req, const char *currency)
{
    if (currency == NULL)
        return 0;
    for (int i = 0; i < 3; i++) {
        if (currency[i] < 'A' || currency[i] > 'Z') {
            http_reply_error(req, 422, "validation_failed",
                             "currency must be three upper-case letters",
                             "currency");
            return FH_EINVAL;
        }
    }
    return 0;
}

static int64_t member_int(const json_t *obj, const char *name)
{
    return json_integer_value(json_object_get(obj, name));
}

/* After a write to proposal prop: its job (page, proposal list, and with
 * counted the proposal count that searches show), its freelancer's lists,
 * both parties' dashboards and the analytics. A party's user id that is 0
 * is read back; when that fails, every cached answer is dropped. */
static void proposal_invalidate(db_t *db, const json_t *prop,
                                int64_t freelancer_user, int64_t client_user,
                                bool counted)
{
    int64_t job = member_int(prop, "job_posting_id");
    int64_t profile = member_int(prop, "freelancer_id");
    int rc = 0;

    if (client_user == 0)
        rc = store_job_owner(db, job, &client_user);
    if (rc == 0 && freelancer_user == 0)
        rc = store_proposals_profile_user(db, profile, &freelancer_user);
    if (rc < 0) {
        CACHE_INVALIDATE(CACHE_TAG(ALL, 0));
        return;
    }
    cache_tag_t tags[] = {
        CACHE_TAG(JOB, job), CACHE_TAG(FREELANCER, profile),
        CACHE_TAG(USER, freelancer_user), CACHE_TAG(USER, client_user),
        CACHE_TAG(MARKET, 0), CACHE_TAG(JOBS, 0)};
    cache_invalidate(tags, counted ? 6 : 5);
}

void api_proposal_create(http_req_t *req)
{
    static const field_spec_t specs[] = {
        {.name = "job_posting_id", .type = FIELD_INT, .required = true,
         .min = 1, .max = INT64_MAX},
        {.name = "cover_letter", .type = FIELD_STRING, .required = true,
         .min = 1, .max = PROPOSAL_COVER_MAX},
        {.name = "bid_amount_cents", .type = FIELD_INT, .required = true,
         .min = 1, .max = PROPOSAL_BID_MAX},
        {.name = "estimated_duration_days", .type = FIELD_INT,
         .required = true, .min = 1, .max = PROPOSAL_DAYS_MAX},
        {.name = "currency", .type = FIELD_STRING, .min = 3, .max = 3},
        {.name = NULL},
    };
    const char *why = NULL;
    proposal_new_t in;
    json_t *out;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_FREELANCER) < 0 ||
        api_body_check(req, specs) < 0 ||
        check_currency(req, api_body_str(req, "currency")) < 0 ||
        api_db(req, &db) < 0)
        return;
    in.job_posting_id = api_body_int(req, "job_posting_id", 0);
    in.cover_letter = api_body_str(req, "cover_letter");
    in.bid_amount_cents = api_body_int(req, "bid_amount_cents", 0);
    in.estimated_duration_days = api_body_int(req, "estimated_duration_days",
                                              0);
    in.currency = api_body_str(req, "currency");

    rc = store_proposal_create(db, req->user_id, &in, &out, &why);
    if (rc < 0) {
        api_fail(req, rc, why,
                 rc == FH_ENOTFOUND || rc == FH_ECONFLICT ? "job_posting_id"
                                                          : NULL);
        return;
    }
    proposal_invalidate(db, out, req->user_id, 0, true);
    http_reply_data(req, 201, out);
}

typedef int (*proposal_step_fn)(db_t *db, int64_t user_id, int64_t id,
                                json_t **out, const char **why);

/* Moves the cache tags a transition touched, given what it returned. */
typedef void (*proposal_after_fn)(http_req_t *req, db_t *db,
                                  const json_t *out);

static void after_withdraw(http_req_t *req, db_t *db, const json_t *prop)
{
    proposal_invalidate(db, prop, req->user_id, 0, false);
}

static void after_reject(http_req_t *req, db_t *db, const json_t *prop)
{
    proposal_invalidate(db, prop, 0, req->user_id, false);
}

/* An accept opens a contract, starts the job and rejects the job's other
 * proposals, whose freelancers are not known here. */
static void after_accept(http_req_t *req, db_t *db, const json_t *contract)
{
    (void)req;
    (void)db;
    CACHE_INVALIDATE(CACHE_TAG(JOB, member_int(contract, "job_posting_id")),
                     CACHE_TAG(JOBS, 0),
                     CACHE_TAG(FREELANCER, member_int(contract,
                                                      "freelancer_id")),
                     CACHE_TAG(USER, member_int(contract,
                                                "freelancer_user_id")),
                     CACHE_TAG(USER, member_int(contract, "client_id")),
                     CACHE_TAG(CONTRACT, member_int(contract, "id")),
                     CACHE_TAG(BIDDERS, 0), CACHE_TAG(MARKET, 0));
}

/* The shape every transition shares: a caller, no body members, one store
 * call on the path's proposal id, the cache tags it touched, status on
 * success. */
static void proposal_step(http_req_t *req, proposal_step_fn step,
                          proposal_after_fn after, int status)
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
    after(req, db, out);
    http_reply_data(req, status, out);
}

void api_proposal_withdraw(http_req_t *req)
{
    proposal_step(req, store_proposal_withdraw, after_withdraw, 200);
}

void api_proposal_accept(http_req_t *req)
{
    proposal_step(req, store_proposal_accept, after_accept, 201);
}

void api_proposal_reject(http_req_t *req)
{
    proposal_step(req, store_proposal_reject, after_reject, 200);
}

void api_proposals_by_freelancer(http_req_t *req)
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
        http_query_enum(req, "status", store_proposal_statuses, NULL,
                        &status) < 0 ||
        api_db(req, &db) < 0)
        return;
    if (api_require_profile_owner(req, db, req->ids[0],
                                  "only this freelancer may list its proposals") < 0)
        return;

    rc = store_proposals_by_freelancer(db, req->ids[0], status, page.page_size,
                                       page.offset, &items, &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}
