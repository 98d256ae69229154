/* POST /contracts/{id}/reviews: a party of a completed contract rates the
 * other, once. */
#include "api/api.h"

#include "common/err.h"
#include "store/reviews.h"

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
    http_reply_data(req, 201, out);
}
