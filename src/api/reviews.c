/* POST /contracts/{id}/reviews: a party of a completed contract rates the
 * other, once. */
#include "api/api.h"

#include "cache/tags.h"
#include "common/err.h"
#include "store/contracts.h"
#include "store/reviews.h"

static int64_t member_int(const json_t *obj, const char *name)
{
    return json_integer_value(json_object_get(obj, name));
}

/* After review of contract_id: the contract page, both parties'
 * dashboards, the analytics, and when the freelancer was rated its profile
 * and the searches that show ratings. The contract is read back for the
 * freelancer's profile; when that fails every cached answer is dropped. */
static void review_invalidate(db_t *db, int64_t contract_id,
                              const json_t *review)
{
    int64_t reviewee = member_int(review, "reviewee_id");
    cache_tag_t tags[] = {
        CACHE_TAG(CONTRACT, contract_id),
        CACHE_TAG(USER, member_int(review, "reviewer_id")),
        CACHE_TAG(USER, reviewee), CACHE_TAG(MARKET, 0),
        CACHE_TAG(PROFILES, 0), CACHE_TAG(PROFILE, 0)};
    size_t n = 4;
    json_t *contract;

    if (store_contract_view(db, contract_id, &contract) < 0) {
        CACHE_INVALIDATE(CACHE_TAG(ALL, 0));
        return;
    }
    if (member_int(contract, "freelancer_user_id") == reviewee) {
        tags[5].id = member_int(contract, "freelancer_id");
        n = 6;
    }
    json_decref(contract);
    cache_invalidate(tags, n);
}

void api_review_create(http_req_t *req)
{
    static const field_spec_t specs[] = {
        {.name = "rating", .type = FIELD_INT, .required = true,
         .min = REVIEW_RATING_MIN, .max = REVIEW_RATING_MAX},
        {.name = "comment", .type = FIELD_STRING, .min = 0,
         .max = REVIEW_COMMENT_MAX},
        {.name = NULL},
    };
    const char *why = NULL;
    json_t *out;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, specs) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_review_create(db, req->user_id, req->ids[0],
                             api_body_int(req, "rating", 0),
                             api_body_str(req, "comment"), &out, &why);
    if (rc < 0) {
        api_fail(req, rc, why, NULL);
        return;
    }
    review_invalidate(db, req->ids[0], out);
    http_reply_data(req, 201, out);
}
