/* Job postings: POST /jobs, GET and PATCH /jobs/{id}, POST
 * /jobs/{id}/close, GET /jobs/{id}/proposals and GET /jobs/search. */
#include "api/api.h"

#include <stdint.h>
#include <string.h>

#include "cache/tags.h"
#include "common/err.h"
#include "store/jobs.h"

#define JOB_BUDGET_MAX 10000000000LL  /* cents in a budget bound */
#define JOB_SKILL_MAX 50              /* characters in a skill name */

static const char *const budget_types[] = {"fixed", "hourly", NULL};
static const char *const job_statuses[] = {"open", "in_progress", "closed",
                                           "cancelled", NULL};
static const char *const proposal_statuses[] = {"pending", "accepted",
                                                "rejected", "withdrawn", NULL};
/* In the order of enum job_sort. */
static const char *const job_sorts[] = {"newest", "budget_asc", "budget_desc",
                                        "relevance", NULL};

#define JOB_FIELDS(req)                                                     \
    {"title", FIELD_STRING, req, false, 1, 200, NULL, 0},                   \
    {"description", FIELD_STRING, false, false, 0, 20000, NULL, 0},         \
    {"category_id", FIELD_INT, false, true, 1, INT64_MAX, NULL, 0},         \
    {"budget_type", FIELD_ENUM, req, false, 0, 0, budget_types, 0},         \
    {"budget_min_cents", FIELD_INT, false, true, 0, JOB_BUDGET_MAX, NULL, 0}, \
    {"budget_max_cents", FIELD_INT, false, true, 0, JOB_BUDGET_MAX, NULL, 0}, \
    {"currency", FIELD_STRING, false, false, 3, 3, NULL, 0},                \
    {"experience_level", FIELD_ENUM, false, true, 0, 0,                     \
     api_experience_levels, 0},                                             \
    {"skills", FIELD_STRINGS, false, false, 0, 20, NULL, JOB_SKILL_MAX},    \
    {NULL, 0, false, false, 0, 0, NULL, 0}

static const field_spec_t job_create_fields[] = {JOB_FIELDS(true)};
static const field_spec_t job_update_fields[] = {JOB_FIELDS(false)};
static const field_spec_t no_fields[] = {
    {NULL, 0, false, false, 0, 0, NULL, 0}};

/* The position of value in values, which it was taken from. */
static int enum_index(const char *const *values, const char *value)
{
    for (int i = 0; values[i]; i++)
        if (values[i] == value)
            return i;
    return 0;
}

static bool is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && !(*s >= '\t' && *s <= '\r'))
            return false;
    return true;
}

/* What the field table cannot say: a title is not blank and a currency is
 * three upper-case letters. Replies 422 and returns FH_EINVAL otherwise. */
static int job_body_check_text(http_req_t *req)
{
    const char *title = api_body_str(req, "title");
    const char *cur = api_body_str(req, "currency");

    if (title && is_blank(title)) {
        http_reply_error(req, 422, "validation_failed",
                         "title must not be blank", "title");
        return FH_EINVAL;
    }
    if (cur && !(cur[0] >= 'A' && cur[0] <= 'Z' && cur[1] >= 'A' &&
                 cur[1] <= 'Z' && cur[2] >= 'A' && cur[2] <= 'Z')) {
        http_reply_error(req, 422, "validation_failed",
                         "currency must be three upper-case letters",
                         "currency");
        return FH_EINVAL;
    }
    return 0;
}

/* Replies the error of a failed job store call; field is set for
 * FH_EINVAL. */
static void job_fail(http_req_t *req, int rc, const char *field)
{
    const char *msg = NULL;

    switch (rc) {
    case FH_EINVAL:
        if (field && strcmp(field, "category_id") == 0)
            msg = "category_id names no category";
        else if (field && strcmp(field, "budget_max_cents") == 0)
            msg = "budget_max_cents must not be below budget_min_cents";
        else if (field && strcmp(field, "skills") == 0)
            msg = "skills must not hold blank names";
        break;
    case FH_ENOTFOUND:
        msg = "no job with this id";
        break;
    case FH_EFORBIDDEN:
        msg = "this job belongs to another client";
        break;
    case FH_ECONFLICT:
        msg = "only an open job can be changed";
        break;
    }
    api_fail(req, rc, msg, field);
}

/* After a write to a job by its client: the job, the searches and counts,
 * the client's dashboard and the analytics. An edit or a close also
 * reaches the freelancers who bid (the title they see, the proposals a
 * close rejects), who are not known here. */
static void job_invalidate(http_req_t *req, const json_t *job, bool bidders)
{
    int64_t id = json_integer_value(json_object_get(job, "id"));

    if (bidders)
        CACHE_INVALIDATE(CACHE_TAG(JOB, id), CACHE_TAG(JOBS, 0),
                         CACHE_TAG(USER, req->user_id),
                         CACHE_TAG(BIDDERS, 0), CACHE_TAG(MARKET, 0));
    else
        CACHE_INVALIDATE(CACHE_TAG(JOB, id), CACHE_TAG(JOBS, 0),
                         CACHE_TAG(USER, req->user_id),
                         CACHE_TAG(MARKET, 0));
}

void api_job_create(http_req_t *req)
{
    const char *field = NULL;
    json_t *job;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_CLIENT) < 0 ||
        api_body_check(req, job_create_fields) < 0 ||
        job_body_check_text(req) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_job_create(db, req->user_id, req->json, &field, &job);
    if (rc < 0) {
        job_fail(req, rc, field);
        return;
    }
    job_invalidate(req, job, false);
    http_reply_data(req, 201, job);
}

void api_job_get(http_req_t *req)
{
    static const char *const params[] = {NULL};
    json_t *job;
    db_t *db;
    int rc;

    if (http_query_check(req, params) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_job_get(db, req->ids[0], &job);
    if (rc < 0) {
        job_fail(req, rc, NULL);
        return;
    }
    http_reply_data(req, 200, job);
}

void api_job_update(http_req_t *req)
{
    const char *field = NULL;
    json_t *job;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, job_update_fields) < 0 ||
        job_body_check_text(req) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_job_update(db, req->ids[0], req->user_id, req->json, &field,
                          &job);
    if (rc < 0) {
        job_fail(req, rc, field);
        return;
    }
    job_invalidate(req, job, true);
    http_reply_data(req, 200, job);
}

void api_job_close(http_req_t *req)
{
    json_t *job;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, no_fields) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_job_close(db, req->ids[0], req->user_id, &job);
    if (rc < 0) {
        job_fail(req, rc, NULL);
        return;
    }
    job_invalidate(req, job, true);
    http_reply_data(req, 200, job);
}

void api_job_proposals(http_req_t *req)
{
    static const char *const params[] = {"status", "page", "page_size", NULL};
    const char *status;
    int64_t client_id, total;
    json_t *items;
    page_t page;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        http_query_check(req, params) < 0 ||
        http_query_enum(req, "status", proposal_statuses, NULL, &status) < 0 ||
        api_page(req, &page) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_job_owner(db, req->ids[0], &client_id);
    if (rc == 0 && client_id != req->user_id && req->role != ROLE_ADMIN)
        rc = FH_EFORBIDDEN;
    if (rc == 0)
        rc = store_job_proposals(db, req->ids[0], status, page.page_size,
                                 page.offset, &items, &total);
    if (rc < 0) {
        job_fail(req, rc, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}

/* Reads the optional integer parameter name in [0, max]: *has tells
 * whether it was given. */
static int query_opt_int(http_req_t *req, const char *name, int64_t max,
                         bool *has, int64_t *out)
{
    int rc = http_query_int(req, name, 0, max, -1, out);

    *has = rc == 0 && *out >= 0;
    return rc;
}

/* Fills q from the query string of GET /jobs/search. Replies 400/422 and
 * returns a negative fh_err on bad input. */
static int search_params_read(http_req_t *req, job_search_t *q, page_t *page)
{
    static const char *const params[] = {
        "q", "category_id", "skill", "experience_level", "budget_min_cents",
        "budget_max_cents", "status", "posted_after", "sort", "page",
        "page_size", NULL};
    const char *sort;

    memset(q, 0, sizeof(*q));
    if (http_query_check(req, params) < 0 || api_page(req, page) < 0 ||
        http_query_str(req, "q", JOBS_TEXT_MAX, &q->text) < 0 ||
        http_query_int(req, "category_id", 1, INT64_MAX, 0,
                       &q->category_id) < 0 ||
        http_query_str(req, "skill", JOB_SKILL_MAX, &q->skill) < 0 ||
        http_query_enum(req, "experience_level", api_experience_levels, NULL,
                        &q->experience_level) < 0 ||
        query_opt_int(req, "budget_min_cents", JOB_BUDGET_MAX,
                      &q->has_budget_min, &q->budget_min_cents) < 0 ||
        query_opt_int(req, "budget_max_cents", JOB_BUDGET_MAX,
                      &q->has_budget_max, &q->budget_max_cents) < 0 ||
        http_query_enum(req, "status", job_statuses, "open", &q->status) < 0 ||
        http_query_time(req, "posted_after", &q->posted_after) < 0 ||
        http_query_enum(req, "sort", job_sorts, "newest", &sort) < 0)
        return FH_EINVAL;

    if (q->has_budget_min && q->has_budget_max &&
        q->budget_min_cents > q->budget_max_cents) {
        http_reply_error(req, 422, "validation_failed",
                         "budget_max_cents must not be below budget_min_cents",
                         "budget_max_cents");
        return FH_EINVAL;
    }
    q->has_posted_after = http_query(req, "posted_after", NULL) != NULL;
    if (q->skill && is_blank(q->skill))
        q->skill = NULL;  /* like a blank q: no filter */
    q->sort = (enum job_sort)enum_index(job_sorts, sort);
    q->limit = page->page_size;
    q->offset = page->offset;
    return 0;
}

void api_jobs_search(http_req_t *req)
{
    job_search_t q;
    int64_t total;
    json_t *items;
    page_t page;
    db_t *db;
    int rc;

    if (search_params_read(req, &q, &page) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_jobs_search(db, &q, &items, &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}
