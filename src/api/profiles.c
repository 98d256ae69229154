/* Freelancer profiles: POST /profiles, GET and PATCH /profile/{id}, the
 * portfolio under it, and GET /freelancers/search. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/tags.h"
#include "common/err.h"
#include "store/catalog.h"
#include "store/profiles.h"

#define RATE_MAX_CENTS 100000000   /* hourly rate ceiling */
#define SKILL_NAME_MAX 50          /* characters in a skill name */

static const char *const availabilities[] = {"available", "busy",
                                             "unavailable", NULL};

/* The fields of POST /profiles; PATCH takes the same, all optional. Rate,
 * level, category and country take null to clear them. */
#define PROFILE_FIELDS(title_required)                                      \
    {"title", FIELD_STRING, title_required, false, 1, 120, NULL, 0},        \
    {"bio", FIELD_STRING, false, false, 0, 5000, NULL, 0},                  \
    {"hourly_rate_cents", FIELD_INT, false, true, 0, RATE_MAX_CENTS, NULL,  \
     0},                                                                    \
    {"currency", FIELD_STRING, false, false, 3, 3, NULL, 0},                \
    {"skills", FIELD_STRINGS, false, false, 0, 30, NULL, SKILL_NAME_MAX},   \
    {"availability", FIELD_ENUM, false, false, 0, 0, availabilities, 0},    \
    {"experience_level", FIELD_ENUM, false, true, 0, 0,                     \
     api_experience_levels, 0},                                             \
    {"category_id", FIELD_INT, false, true, 1, INT64_MAX, NULL, 0},         \
    {"country", FIELD_STRING, false, true, 0, 64, NULL, 0},                 \
    {NULL, FIELD_STRING, false, false, 0, 0, NULL, 0}

static const field_spec_t profile_create_fields[] = {PROFILE_FIELDS(true)};
static const field_spec_t profile_update_fields[] = {PROFILE_FIELDS(false)};

static const field_spec_t portfolio_fields[] = {
    {"title", FIELD_STRING, true, false, 1, 120, NULL, 0},
    {"description", FIELD_STRING, false, false, 0, 2000, NULL, 0},
    {"url", FIELD_URL, false, true, 0, 2048, NULL, 0},
    {NULL, FIELD_STRING, false, false, 0, 0, NULL, 0},
};

static int reply_invalid(http_req_t *req, const char *message,
                         const char *field)
{
    http_reply_error(req, 422, "validation_failed", message, field);
    return FH_EINVAL;
}

static bool is_blank(const char *s)
{
    return s[strspn(s, " \t\r\n")] == '\0';
}

/* Checks what the field table cannot: the currency's letters, a title
 * that is not only spaces, skill names that are not blank. */
static int profile_body_extra_check(http_req_t *req)
{
    const char *title = api_body_str(req, "title");
    const char *currency = api_body_str(req, "currency");
    json_t *skills = json_object_get(req->json, "skills");
    json_t *name;
    size_t i;

    if (title && is_blank(title))
        return reply_invalid(req, "title must not be blank", "title");
    if (currency && strspn(currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
        return reply_invalid(req, "currency must be 3 upper-case letters",
                             "currency");
    json_array_foreach(skills, i, name) {
        char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
        if (!catalog_normalise(json_string_value(name), display, slug))
            return reply_invalid(req, "skills must not hold blank names",
                                 "skills");
    }
    return 0;
}

/* Fills in from the checked body. */
static void profile_input_read(http_req_t *req, profile_input_t *in)
{
    memset(in, 0, sizeof(*in));
    if (api_body_has(req, "title")) {
        in->set |= PROFILE_TITLE;
        in->title = api_body_str(req, "title");
    }
    if (api_body_has(req, "bio")) {
        in->set |= PROFILE_BIO;
        in->bio = api_body_str(req, "bio");
    }
    if (api_body_has(req, "hourly_rate_cents")) {
        in->set |= PROFILE_RATE;
        in->hourly_rate_cents = api_body_int(req, "hourly_rate_cents", -1);
    }
    if (api_body_has(req, "currency")) {
        in->set |= PROFILE_CURRENCY;
        in->currency = api_body_str(req, "currency");
    }
    if (api_body_has(req, "availability")) {
        in->set |= PROFILE_AVAILABILITY;
        in->availability = api_body_str(req, "availability");
    }
    if (api_body_has(req, "experience_level")) {
        in->set |= PROFILE_LEVEL;
        in->experience_level = api_body_str(req, "experience_level");
    }
    if (api_body_has(req, "category_id")) {
        in->set |= PROFILE_CATEGORY;
        in->category_id = api_body_int(req, "category_id", 0);
    }
    if (api_body_has(req, "country")) {
        in->set |= PROFILE_COUNTRY;
        in->country = api_body_str(req, "country");
    }
    if (api_body_has(req, "skills")) {
        in->set |= PROFILE_SKILLS;
        in->skills = json_object_get(req->json, "skills");
    }
}

/* After a write to profile_id by its owner: the page, the searches and
 * skill counts, the owner's dashboard and the analytics show it. */
static void profile_invalidate(http_req_t *req, int64_t profile_id)
{
    CACHE_INVALIDATE(CACHE_TAG(PROFILE, profile_id), CACHE_TAG(PROFILES, 0),
                     CACHE_TAG(USER, req->user_id), CACHE_TAG(MARKET, 0));
}

/* Replies the error of a profile write. */
static void reply_write_error(http_req_t *req, int rc)
{
    switch (rc) {
    case FH_ECONFLICT:
        api_fail(req, rc, "this freelancer already has a profile", NULL);
        return;
    case FH_EFORBIDDEN:
        api_fail(req, rc, "only the profile's owner may change it", NULL);
        return;
    case FH_ENOTFOUND:
        api_fail(req, rc, "no profile has this id", "id");
        return;
    case FH_EINVAL:
        api_fail(req, rc, "category_id names no category", "category_id");
        return;
    default:
        api_fail(req, rc, NULL, NULL);
    }
}

void api_profile_create(http_req_t *req)
{
    profile_input_t in;
    json_t *profile;
    int64_t id;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_FREELANCER) < 0 ||
        api_body_check(req, profile_create_fields) < 0 ||
        profile_body_extra_check(req) < 0 || api_db(req, &db) < 0)
        return;
    profile_input_read(req, &in);

    rc = store_profile_create(db, req->user_id, &in, &id);
    if (rc < 0) {
        reply_write_error(req, rc);
        return;
    }
    profile_invalidate(req, id);
    rc = store_profile_get(db, id, &profile);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 201, profile);
}

void api_profile_get(http_req_t *req)
{
    static const char *const params[] = {NULL};
    json_t *profile;
    db_t *db;
    int rc;

    if (http_query_check(req, params) < 0 || api_db(req, &db) < 0)
        return;
    rc = store_profile_get(db, req->ids[0], &profile);
    if (rc < 0) {
        api_fail(req, rc, rc == FH_ENOTFOUND ? "no profile has this id" : NULL,
                 rc == FH_ENOTFOUND ? "id" : NULL);
        return;
    }
    http_reply_data(req, 200, profile);
}

void api_profile_update(http_req_t *req)
{
    profile_input_t in;
    json_t *profile;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, profile_update_fields) < 0 ||
        profile_body_extra_check(req) < 0 || api_db(req, &db) < 0)
        return;
    profile_input_read(req, &in);

    rc = store_profile_update(db, req->ids[0], req->user_id, &in);
    if (rc < 0) {
        reply_write_error(req, rc);
        return;
    }
    profile_invalidate(req, req->ids[0]);
    rc = store_profile_get(db, req->ids[0], &profile);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 200, profile);
}

void api_portfolio_add(http_req_t *req)
{
    portfolio_input_t in;
    json_t *item;
    char msg[96];
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 ||
        api_body_check(req, portfolio_fields) < 0 || api_db(req, &db) < 0)
        return;
    in.title = api_body_str(req, "title");
    in.description = api_body_str(req, "description");
    in.url = api_body_str(req, "url");
    if (is_blank(in.title)) {
        reply_invalid(req, "title must not be blank", "title");
        return;
    }

    rc = store_portfolio_add(db, req->ids[0], req->user_id, &in, &item);
    if (rc == FH_EINVAL) {
        snprintf(msg, sizeof(msg), "a portfolio holds at most %d items",
                 PROFILE_PORTFOLIO_MAX);
        reply_invalid(req, msg, "portfolio");
        return;
    }
    if (rc < 0) {
        reply_write_error(req, rc);
        return;
    }
    CACHE_INVALIDATE(CACHE_TAG(PROFILE, req->ids[0]));
    http_reply_data(req, 201, item);
}

void api_portfolio_delete(http_req_t *req)
{
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 || api_db(req, &db) < 0)
        return;
    rc = store_portfolio_delete(db, req->ids[0], req->ids[1], req->user_id);
    if (rc == FH_ENOTFOUND) {
        /* the profile, or that item in it */
        api_fail(req, rc, "no such portfolio item in this profile",
                 "item_id");
        return;
    }
    if (rc < 0) {
        reply_write_error(req, rc);
        return;
    }
    CACHE_INVALIDATE(CACHE_TAG(PROFILE, req->ids[0]));
    http_reply_data(req, 200, json_pack("{sI sb}", "id",
                                        (json_int_t)req->ids[1], "deleted",
                                        1));
}

/* ---- search ---- */

/* Parses min_rating, a plain decimal such as 4 or 4.5 in 0..5. Replies
 * 400 when it is not a number and 422 when it is out of range. */
static int query_min_rating(http_req_t *req, profile_search_t *q)
{
    const char *v, *p;
    double d;

    if (http_query_str(req, "min_rating", 24, &v) < 0)
        return FH_EMALFORMED;
    if (v == NULL)
        return 0;
    p = v + (*v == '-' || *v == '+');
    size_t whole = strspn(p, "0123456789"), frac = 0;
    if (p[whole] == '.')
        frac = strspn(p + whole + 1, "0123456789");
    if (whole == 0 || p[whole + (p[whole] == '.' ? frac + 1 : 0)] != '\0' ||
        (p[whole] == '.' && frac == 0)) {
        http_reply_error(req, 400, "malformed_request",
                         "min_rating must be a number such as 4.5",
                         "min_rating");
        return FH_EMALFORMED;
    }
    d = strtod(v, NULL);
    if (d < 0.0 || d > 5.0) {
        reply_invalid(req, "min_rating must be between 0 and 5",
                      "min_rating");
        return FH_EINVAL;
    }
    q->has_min_rating = true;
    q->min_rating = d;
    return 0;
}

/* Reads every filter of the search into q; *skill gets the skill name. */
static int search_query_read(http_req_t *req, profile_search_t *q,
                             page_t *page, const char **skill)
{
    static const char *const params[] = {
        "skill", "category_id", "max_rate_cents", "min_rating",
        "availability", "sort", "page", "page_size", NULL};
    static const char *const avail_values[] = {
        "available", "busy", "unavailable", "any", NULL};
    static const char *const sorts[] = {"rating", "rate_asc", "rate_desc",
                                        "completed_jobs", NULL};
    const char *avail, *sort;

    memset(q, 0, sizeof(*q));
    if (http_query_check(req, params) < 0 ||
        http_query_str(req, "skill", SKILL_NAME_MAX, skill) < 0 ||
        http_query_int(req, "category_id", 1, INT64_MAX, 0,
                       &q->category_id) < 0 ||
        http_query_int(req, "max_rate_cents", 0, RATE_MAX_CENTS, -1,
                       &q->max_rate_cents) < 0 ||
        query_min_rating(req, q) < 0 ||
        http_query_enum(req, "availability", avail_values, "available",
                        &avail) < 0 ||
        http_query_enum(req, "sort", sorts, "rating", &sort) < 0 ||
        api_page(req, page) < 0)
        return FH_EINVAL;
    if (*skill && **skill == '\0')
        return reply_invalid(req, "skill must be 1 to 50 characters",
                             "skill");
    q->availability = strcmp(avail, "any") == 0 ? NULL : avail;
    for (int s = 0; sorts[s]; s++)
        if (strcmp(sorts[s], sort) == 0)
            q->sort = (enum profile_sort)s;
    q->limit = page->page_size;
    q->offset = page->offset;
    return 0;
}

void api_freelancers_search(http_req_t *req)
{
    profile_search_t q;
    const char *skill;
    json_t *items;
    int64_t total;
    page_t page;
    db_t *db;
    int rc;

    if (search_query_read(req, &q, &page, &skill) < 0 || api_db(req, &db) < 0)
        return;
    if (skill) {
        rc = store_skill_find(db, skill, &q.skill_id);
        if (rc == FH_ENOTFOUND) {  /* nobody has a skill nobody named */
            http_reply_list(req, json_array(), &page, 0);
            return;
        }
        if (rc < 0) {
            api_fail(req, rc, NULL, NULL);
            return;
        }
    }

    rc = store_freelancers_search(db, &q, &items, &total);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_list(req, items, &page, total);
}
