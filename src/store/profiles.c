#include "store/profiles.h"

#include <assert.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/catalog.h"
#include "store/dialect.h"
#include "store/rows.h"

/* ---- small helpers ---- */

/* Sets key on obj to v, taking v; clears *ok when either is missing. */
static void put(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (json_object_set_new(obj, key, v) < 0)
        *ok = false;
}

static json_t *col_text_or_null(db_stmt_t *st, int col)
{
    return db_col_is_null(st, col) ? json_null()
                                   : json_string(db_col_text(st, col));
}

static json_t *col_int_or_null(db_stmt_t *st, int col)
{
    return db_col_is_null(st, col) ? json_null()
                                   : json_integer(db_col_int64(st, col));
}

static json_t *col_time(db_stmt_t *st, int col)
{
    char buf[FH_TIME_BUF];

    fh_time_format(db_col_int64(st, col), buf);
    return json_string(buf);
}

/* A stored average rounded to 2 decimals, or null when col is NULL. */
static json_t *col_rating(db_stmt_t *st, int col)
{
    if (db_col_is_null(st, col))
        return json_null();
    return json_real(round(db_col_double(st, col) * 100.0) / 100.0);
}

/* {average, count} from the rating_avg and rating_count columns. */
static json_t *rating_object(db_stmt_t *st, int avg_col, int count_col)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (o) {
        put(o, "average", col_rating(st, avg_col), &ok);
        put(o, "count", json_integer(db_col_int64(st, count_col)), &ok);
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Runs st, bound by the caller, expecting one row with one integer. */
static int step_int(db_stmt_t *st, int64_t *out)
{
    int rc = db_step(st);

    if (rc == 1)
        *out = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_ENOTFOUND);
}

/* ---- writes ---- */

static const char *sql_profile_owner =
    "SELECT user_id FROM freelance_profiles WHERE id = ?";

/* 0 when profile_id exists and belongs to user_id. */
static int profile_check_owner(db_t *db, int64_t profile_id, int64_t user_id)
{
    db_stmt_t *st;
    int64_t owner;
    int rc = db_prepare(db, sql_profile_owner, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, profile_id);
    rc = step_int(st, &owner);
    if (rc < 0)
        return rc;
    return owner == user_id ? 0 : FH_EFORBIDDEN;
}

/* 0 when the category in `in` (if one is set) exists, else FH_EINVAL. */
static int check_category(db_t *db, const profile_input_t *in)
{
    int rc;

    if (!(in->set & PROFILE_CATEGORY) || in->category_id <= 0)
        return 0;
    rc = store_category_exists(db, in->category_id);
    return rc == FH_ENOTFOUND ? FH_EINVAL : rc;
}

static const char *sql_skills_clear =
    "DELETE FROM profile_skills WHERE profile_id = ?";
static const char *sql_skill_link =
    "INSERT INTO profile_skills (profile_id, skill_id) VALUES (?, ?)";

/* Makes names (created when unknown) the skills of profile_id. */
static int skills_replace(db_t *db, int64_t profile_id, json_t *names)
{
    json_t *ids = NULL, *id;
    db_stmt_t *st;
    size_t i;
    int rc;

    rc = db_prepare(db, sql_skills_clear, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, profile_id);
    rc = db_run(st);
    if (rc < 0)
        return rc;

    rc = store_skills_resolve(db, names, &ids);
    if (rc < 0)
        return rc;
    json_array_foreach(ids, i, id) {
        rc = db_prepare(db, sql_skill_link, &st);
        if (rc < 0)
            break;
        db_bind_int64(st, 1, profile_id);
        db_bind_int64(st, 2, json_integer_value(id));
        rc = db_run(st);
        if (rc < 0)
            break;
    }
    json_decref(ids);
    return rc;
}

/* Binds a rate that may be unstated. */
static void bind_rate(db_stmt_t *st, int idx, int64_t cents)
{
    if (cents < 0)
        db_bind_null(st, idx);
    else
        db_bind_int64(st, idx, cents);
}

static void bind_category(db_stmt_t *st, int idx, int64_t category_id)
{
    if (category_id <= 0)
        db_bind_null(st, idx);
    else
        db_bind_int64(st, idx, category_id);
}

static const char *sql_profile_of_user =
    "SELECT id FROM freelance_profiles WHERE user_id = ?";
static const char *sql_profile_insert =
    "INSERT INTO freelance_profiles (user_id, title, bio, hourly_rate_cents,"
    " currency, availability, experience_level, category_id, country,"
    " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " RETURNING id";

/* Inserts the profile row of user_id with the fields of in or defaults. */
static int profile_insert(db_t *db, int64_t user_id,
                          const profile_input_t *in, int64_t *id_out)
{
    unsigned set = in->set;
    int64_t now = fh_now();
    db_stmt_t *st;
    int rc = db_prepare(db, sql_profile_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_text(st, 2, in->title);
    db_bind_text(st, 3, set & PROFILE_BIO ? in->bio : "");
    bind_rate(st, 4, set & PROFILE_RATE ? in->hourly_rate_cents : -1);
    db_bind_text(st, 5, set & PROFILE_CURRENCY ? in->currency : "USD");
    db_bind_text(st, 6, set & PROFILE_AVAILABILITY ? in->availability
                                                   : "available");
    db_bind_text(st, 7, set & PROFILE_LEVEL ? in->experience_level : NULL);
    bind_category(st, 8, set & PROFILE_CATEGORY ? in->category_id : 0);
    db_bind_text(st, 9, set & PROFILE_COUNTRY ? in->country : NULL);
    db_bind_int64(st, 10, now);
    db_bind_int64(st, 11, now);
    rc = step_int(st, id_out);
    return rc == FH_ENOTFOUND ? FH_EDB : rc;
}

int store_profile_create(db_t *db, int64_t user_id, const profile_input_t *in,
                         int64_t *id_out)
{
    db_stmt_t *st;
    int64_t existing, id = 0;
    int rc;

    assert(in->title != NULL);
    rc = db_begin(db);
    if (rc < 0)
        return rc;

    rc = db_prepare(db, sql_profile_of_user, &st);
    if (rc < 0)
        goto rollback;
    db_bind_int64(st, 1, user_id);
    rc = step_int(st, &existing);
    if (rc == 0)
        rc = FH_ECONFLICT;  /* one profile per freelancer */
    else if (rc == FH_ENOTFOUND)
        rc = 0;
    if (rc == 0)
        rc = check_category(db, in);
    if (rc == 0)
        rc = profile_insert(db, user_id, in, &id);
    if (rc == 0 && (in->set & PROFILE_SKILLS))
        rc = skills_replace(db, id, in->skills);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;

    *id_out = id;
    return 0;

rollback:
    db_rollback(db);
    return rc;
}

/* Each field is a pair: whether it is given, then its value. */
static const char *sql_profile_update =
    "UPDATE freelance_profiles SET"
    " title = CASE WHEN ? <> 0 THEN ? ELSE title END,"
    " bio = CASE WHEN ? <> 0 THEN ? ELSE bio END,"
    " hourly_rate_cents = CASE WHEN ? <> 0 THEN ? ELSE hourly_rate_cents END,"
    " currency = CASE WHEN ? <> 0 THEN ? ELSE currency END,"
    " availability = CASE WHEN ? <> 0 THEN ? ELSE availability END,"
    " experience_level = CASE WHEN ? <> 0 THEN ? ELSE experience_level END,"
    " category_id = CASE WHEN ? <> 0 THEN ? ELSE category_id END,"
    " country = CASE WHEN ? <> 0 THEN ? ELSE country END,"
    " updated_at = ?"
    " WHERE id = ?";

static int profile_apply(db_t *db, int64_t profile_id,
                         const profile_input_t *in)
{
    unsigned set = in->set;
    db_stmt_t *st;
    int rc = db_prepare(db, sql_profile_update, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, (set & PROFILE_TITLE) != 0);
    db_bind_text(st, 2, in->title);
    db_bind_int64(st, 3, (set & PROFILE_BIO) != 0);
    db_bind_text(st, 4, in->bio);
    db_bind_int64(st, 5, (set & PROFILE_RATE) != 0);
    bind_rate(st, 6, in->hourly_rate_cents);
    db_bind_int64(st, 7, (set & PROFILE_CURRENCY) != 0);
    db_bind_text(st, 8, in->currency);
    db_bind_int64(st, 9, (set & PROFILE_AVAILABILITY) != 0);
    db_bind_text(st, 10, in->availability);
    db_bind_int64(st, 11, (set & PROFILE_LEVEL) != 0);
    db_bind_text(st, 12, in->experience_level);
    db_bind_int64(st, 13, (set & PROFILE_CATEGORY) != 0);
    bind_category(st, 14, in->category_id);
    db_bind_int64(st, 15, (set & PROFILE_COUNTRY) != 0);
    db_bind_text(st, 16, in->country);
    db_bind_int64(st, 17, fh_now());
    db_bind_int64(st, 18, profile_id);
    return db_run(st);
}

int store_profile_update(db_t *db, int64_t profile_id, int64_t user_id,
                         const profile_input_t *in)
{
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = profile_check_owner(db, profile_id, user_id);
    if (rc == 0)
        rc = check_category(db, in);
    if (rc == 0 && in->set != 0)
        rc = profile_apply(db, profile_id, in);
    if (rc == 0 && (in->set & PROFILE_SKILLS))
        rc = skills_replace(db, profile_id, in->skills);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        db_rollback(db);
    return rc;
}

static const char *sql_profile_touch =
    "UPDATE freelance_profiles SET updated_at = ? WHERE id = ?";

static int profile_touch(db_t *db, int64_t profile_id)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_profile_touch, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, fh_now());
    db_bind_int64(st, 2, profile_id);
    return db_run(st);
}

static const char *sql_portfolio_count =
    "SELECT COUNT(*) FROM portfolio_items WHERE profile_id = ?";
static const char *sql_portfolio_insert =
    "INSERT INTO portfolio_items (profile_id, title, description, url,"
    " created_at) VALUES (?, ?, ?, ?, ?)"
    " RETURNING id, title, description, url, created_at";

/* Inserts the item unless the portfolio is full; *item_out gets it. */
static int portfolio_insert(db_t *db, int64_t profile_id,
                            const portfolio_input_t *in, json_t **item_out)
{
    db_stmt_t *st;
    int64_t count;
    int rc = db_prepare(db, sql_portfolio_count, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, profile_id);
    rc = step_int(st, &count);
    if (rc < 0)
        return rc;
    if (count >= PROFILE_PORTFOLIO_MAX)
        return FH_EINVAL;

    rc = db_prepare(db, sql_portfolio_insert, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, profile_id);
    db_bind_text(st, 2, in->title);
    db_bind_text(st, 3, in->description ? in->description : "");
    db_bind_text(st, 4, in->url);
    db_bind_int64(st, 5, fh_now());
    rc = db_step(st);
    if (rc == 1) {
        *item_out = rows_object(st);
        rc = *item_out ? 0 : FH_ENOMEM;
    } else if (rc == 0) {
        rc = FH_EDB;
    }
    db_reset(st);
    return rc;
}

int store_portfolio_add(db_t *db, int64_t profile_id, int64_t user_id,
                        const portfolio_input_t *in, json_t **item_out)
{
    json_t *item = NULL;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = profile_check_owner(db, profile_id, user_id);
    if (rc == 0)
        rc = portfolio_insert(db, profile_id, in, &item);
    if (rc == 0)
        rc = profile_touch(db, profile_id);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        json_decref(item);
        return rc;
    }
    *item_out = item;
    return 0;
}

static const char *sql_portfolio_delete =
    "DELETE FROM portfolio_items WHERE id = ? AND profile_id = ?";

int store_portfolio_delete(db_t *db, int64_t profile_id, int64_t item_id,
                           int64_t user_id)
{
    db_stmt_t *st;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = profile_check_owner(db, profile_id, user_id);
    if (rc == 0)
        rc = db_prepare(db, sql_portfolio_delete, &st);
    if (rc == 0) {
        db_bind_int64(st, 1, item_id);
        db_bind_int64(st, 2, profile_id);
        rc = db_run(st);
    }
    if (rc == 0 && db_changes(db) == 0)
        rc = FH_ENOTFOUND;  /* no such item, or another profile's */
    if (rc == 0)
        rc = profile_touch(db, profile_id);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        db_rollback(db);
    return rc;
}

/* ---- the profile page ---- */

enum {  /* columns of sql_profile_get */
    PG_ID, PG_USER_ID, PG_NAME, PG_TITLE, PG_BIO, PG_RATE, PG_CURRENCY,
    PG_AVAILABILITY, PG_LEVEL, PG_CATEGORY_ID, PG_CATEGORY_NAME, PG_COUNTRY,
    PG_RATING_AVG, PG_RATING_COUNT, PG_COMPLETED, PG_EARNINGS, PG_SOURCE,
    PG_SOURCE_RATING, PG_SOURCE_REVIEWS, PG_CREATED, PG_UPDATED
};

static const char *sql_profile_get =
    "SELECT p.id, p.user_id, u.name, p.title, p.bio, p.hourly_rate_cents,"
    " p.currency, p.availability, p.experience_level, p.category_id,"
    " c.name, p.country, p.rating_avg, p.rating_count, p.completed_jobs,"
    " p.total_earnings_cents, p.source, p.source_rating,"
    " p.source_review_count, p.created_at, p.updated_at"
    " FROM freelance_profiles p"
    " JOIN users u ON u.id = p.user_id"
    " LEFT JOIN categories c ON c.id = p.category_id"
    " WHERE p.id = ?";

/* Skills in the order of their ids (the order they first appeared), which
 * the key of profile_skills gives without a sort. */
static const char *sql_profile_skills =
    "SELECT s.name FROM profile_skills ps JOIN skills s ON s.id = ps.skill_id"
    " WHERE ps.profile_id = ? ORDER BY ps.skill_id";

static const char *sql_profile_portfolio =
    "SELECT id, title, description, url, created_at FROM portfolio_items"
    " WHERE profile_id = ? ORDER BY id";

/* Reviews received by the profile's user, newest first. */
static const char *sql_profile_reviews =
    "SELECT r.id, r.rating, r.comment, u.name AS reviewer_name, r.created_at"
    " FROM reviews r JOIN users u ON u.id = r.reviewer_id"
    " WHERE r.reviewee_id = ?"
    " ORDER BY r.created_at DESC, r.id DESC LIMIT ?";

static json_t *category_object(db_stmt_t *st)
{
    if (db_col_is_null(st, PG_CATEGORY_ID) ||
        db_col_is_null(st, PG_CATEGORY_NAME))
        return json_null();
    return json_pack("{sI ss}", "id",
                     (json_int_t)db_col_int64(st, PG_CATEGORY_ID), "name",
                     db_col_text(st, PG_CATEGORY_NAME));
}

/* {source, rating, review_count} of an imported profile, else null. */
static json_t *imported_object(db_stmt_t *st)
{
    json_t *o;
    bool ok;

    if (db_col_is_null(st, PG_SOURCE))
        return json_null();
    o = json_object();
    ok = o != NULL;
    if (o) {
        put(o, "source", json_string(db_col_text(st, PG_SOURCE)), &ok);
        put(o, "rating", col_rating(st, PG_SOURCE_RATING), &ok);
        put(o, "review_count", col_int_or_null(st, PG_SOURCE_REVIEWS), &ok);
    }
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The page's scalar members from the current row of sql_profile_get. */
static json_t *profile_object(db_stmt_t *st)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (o == NULL)
        return NULL;
    put(o, "id", json_integer(db_col_int64(st, PG_ID)), &ok);
    put(o, "user_id", json_integer(db_col_int64(st, PG_USER_ID)), &ok);
    put(o, "name", json_string(db_col_text(st, PG_NAME)), &ok);
    put(o, "title", json_string(db_col_text(st, PG_TITLE)), &ok);
    put(o, "bio", json_string(db_col_text(st, PG_BIO)), &ok);
    put(o, "hourly_rate_cents", col_int_or_null(st, PG_RATE), &ok);
    put(o, "currency", json_string(db_col_text(st, PG_CURRENCY)), &ok);
    put(o, "availability", json_string(db_col_text(st, PG_AVAILABILITY)),
        &ok);
    put(o, "experience_level", col_text_or_null(st, PG_LEVEL), &ok);
    put(o, "category", category_object(st), &ok);
    put(o, "country", col_text_or_null(st, PG_COUNTRY), &ok);
    put(o, "rating", rating_object(st, PG_RATING_AVG, PG_RATING_COUNT), &ok);
    put(o, "completed_jobs", json_integer(db_col_int64(st, PG_COMPLETED)),
        &ok);
    put(o, "total_earnings_cents",
        json_integer(db_col_int64(st, PG_EARNINGS)), &ok);
    put(o, "imported", imported_object(st), &ok);
    put(o, "created_at", col_time(st, PG_CREATED), &ok);
    put(o, "updated_at", col_time(st, PG_UPDATED), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Reads the profile row; *user_id gets the owner, for the reviews. */
static int profile_row(db_t *db, int64_t profile_id, json_t **out,
                       int64_t *user_id)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_profile_get, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "profile_by_id");
    db_bind_int64(st, 1, profile_id);
    rc = db_step(st);
    if (rc == 1) {
        *user_id = db_col_int64(st, PG_USER_ID);
        *out = profile_object(st);
        rc = *out ? 0 : FH_ENOMEM;
    } else if (rc == 0) {
        rc = FH_ENOTFOUND;
    }
    db_reset(st);
    return rc;
}

/* Runs sql bound to one id (and limit when > 0) into a new array: of
 * strings when strings is set, else of row objects. */
static int list_by_id(db_t *db, const char *sql, int64_t id, int64_t limit,
                      bool strings, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    if (limit > 0)
        db_bind_int64(st, 2, limit);
    return strings ? rows_strings(st, out) : rows_array(st, out);
}

/* The four reads of the page, in one snapshot. */
static int profile_read(db_t *db, int64_t profile_id, json_t *page[4])
{
    int64_t user_id = 0;
    int rc = profile_row(db, profile_id, &page[0], &user_id);

    if (rc == 0)
        rc = list_by_id(db, sql_profile_skills, profile_id, 0, true,
                        &page[1]);
    if (rc == 0)
        rc = list_by_id(db, sql_profile_portfolio, profile_id, 0, false,
                        &page[2]);
    if (rc == 0)
        rc = list_by_id(db, sql_profile_reviews, user_id,
                        PROFILE_RECENT_REVIEWS, false, &page[3]);
    return rc;
}

int store_profile_get(db_t *db, int64_t profile_id, json_t **out)
{
    static const char *const keys[] = {NULL, "skills", "portfolio",
                                       "recent_reviews"};
    json_t *page[4] = {NULL, NULL, NULL, NULL};
    int rc = db_begin_read(db);

    if (rc < 0)
        return rc;
    rc = profile_read(db, profile_id, page);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        db_rollback(db);
    for (int i = 1; i < 4; i++) {
        /* set_new drops the list even when it fails */
        if (rc == 0 && json_object_set_new(page[0], keys[i], page[i]) < 0)
            rc = FH_ENOMEM;
        else if (rc < 0)
            json_decref(page[i]);
    }
    if (rc < 0) {
        json_decref(page[0]);
        return rc;
    }
    *out = page[0];
    return 0;
}

/* ---- the freelancer search ----
 *
 * Each optional filter is a fixed fragment; every combination of present
 * filters gets its own SQL text, built once from the fragments below (never
 * from input) so that the planner sees plain conditions it can match to
 * indexes. The page statement picks ids only, so that a sort carries narrow
 * rows; the items are then read one by one with sql_freelancer_card.
 *
 * LIMITATION: only sort=rating with an availability is served in order by
 * an index (profiles_available_rating). The rate and completed-jobs sorts,
 * availability=any, and counts with max_rate_cents read every matching
 * row (no index holds the hourly rate), and a popular skill filter
 * gathers all its profiles first: with 100,000 profiles such searches take
 * tens of milliseconds instead of under one. Bites on large data sets
 * only; an index on (availability, hourly_rate_cents, id) would serve the
 * rate sorts and filter. */

enum search_filter {  /* bit positions, and the order of the bindings */
    SF_AVAILABILITY,
    SF_CATEGORY,
    SF_SKILL,
    SF_MAX_RATE,
    SF_MIN_RATING,
    SF_COUNT
};

#define SEARCH_VARIANTS (1 << SF_COUNT)

static const char frag_availability[] = "p.availability = ?";
static const char frag_category[] = "p.category_id = ?";
static const char frag_skill[] =
    "p.id IN (SELECT ps.profile_id FROM profile_skills ps"
    " WHERE ps.skill_id = ?)";
static const char frag_max_rate[] = "p.hourly_rate_cents <= ?";
static const char frag_min_rating[] = "p.rating_avg >= ?";

static const char *const search_filter_frags[SF_COUNT] = {
    frag_availability, frag_category, frag_skill, frag_max_rate,
    frag_min_rating,
};

static const char frag_page_head[] = "SELECT p.id FROM freelance_profiles p";
static const char frag_count_head[] =
    "SELECT COUNT(*) FROM freelance_profiles p";
static const char frag_rating_order[] =
    " ORDER BY p.rating_avg DESC NULLS LAST, p.completed_jobs DESC, p.id";
static const char frag_rate_asc_order[] =
    " ORDER BY p.hourly_rate_cents ASC NULLS LAST, p.id";
static const char frag_rate_desc_order[] =
    " ORDER BY p.hourly_rate_cents DESC NULLS LAST, p.id";
static const char frag_jobs_order[] = " ORDER BY p.completed_jobs DESC, p.id";
static const char frag_page_tail[] = " LIMIT ? OFFSET ?";

static const char *const search_order_frags[PROFILE_SORT_COUNT] = {
    frag_rating_order, frag_rate_asc_order, frag_rate_desc_order,
    frag_jobs_order,
};

/* An upper bound on any variant's length: every fragment once, with its
 * " WHERE " or " AND " joint, the longest order and the tail. */
#define SEARCH_SQL_MAX                                                      \
    (sizeof(frag_count_head) + sizeof(frag_page_head) +                     \
     sizeof(frag_availability) + sizeof(frag_category) +                    \
     sizeof(frag_skill) + sizeof(frag_max_rate) + sizeof(frag_min_rating) + \
     SF_COUNT * sizeof(" WHERE ") + sizeof(frag_rating_order) +             \
     sizeof(frag_rate_asc_order) + sizeof(frag_rate_desc_order) +           \
     sizeof(frag_page_tail))

static char search_page_sql[SEARCH_VARIANTS][PROFILE_SORT_COUNT]
                           [SEARCH_SQL_MAX];
static char search_count_sql[SEARCH_VARIANTS][SEARCH_SQL_MAX];
static pthread_once_t search_sql_once = PTHREAD_ONCE_INIT;

static void append(char *buf, size_t *len, const char *s)
{
    size_t n = strlen(s);

    assert(*len + n < SEARCH_SQL_MAX);
    memcpy(buf + *len, s, n + 1);
    *len += n;
}

/* Appends the WHERE clause of the filters in mask. */
static void append_filters(char *buf, size_t *len, unsigned mask)
{
    bool first = true;

    for (int f = 0; f < SF_COUNT; f++) {
        if (!(mask & (1u << f)))
            continue;
        append(buf, len, first ? " WHERE " : " AND ");
        append(buf, len, search_filter_frags[f]);
        first = false;
    }
}

static void search_sql_build(void)
{
    for (unsigned mask = 0; mask < SEARCH_VARIANTS; mask++) {
        size_t len = 0;

        append(search_count_sql[mask], &len, frag_count_head);
        append_filters(search_count_sql[mask], &len, mask);
        for (int s = 0; s < PROFILE_SORT_COUNT; s++) {
            char *buf = search_page_sql[mask][s];

            len = 0;
            append(buf, &len, frag_page_head);
            append_filters(buf, &len, mask);
            append(buf, &len, search_order_frags[s]);
            append(buf, &len, frag_page_tail);
        }
    }
}

static unsigned search_mask(const profile_search_t *q)
{
    unsigned mask = 0;

    if (q->availability)
        mask |= 1u << SF_AVAILABILITY;
    if (q->category_id > 0)
        mask |= 1u << SF_CATEGORY;
    if (q->skill_id > 0)
        mask |= 1u << SF_SKILL;
    if (q->max_rate_cents >= 0)
        mask |= 1u << SF_MAX_RATE;
    if (q->has_min_rating)
        mask |= 1u << SF_MIN_RATING;
    return mask;
}

/* Binds the filters of q in fragment order; returns the next index. */
static int search_bind(db_stmt_t *st, const profile_search_t *q)
{
    int idx = 1;

    if (q->availability)
        db_bind_text(st, idx++, q->availability);
    if (q->category_id > 0)
        db_bind_int64(st, idx++, q->category_id);
    if (q->skill_id > 0)
        db_bind_int64(st, idx++, q->skill_id);
    if (q->max_rate_cents >= 0)
        db_bind_int64(st, idx++, q->max_rate_cents);
    if (q->has_min_rating) {
        /* Match what the page shows: an average that rounds to at least
         * min_rating at 2 decimals. */
        db_bind_double(st, idx++, q->min_rating - 0.005);
    }
    return idx;
}

#define FREELANCER_CARD(SKILLS)                                             \
    "SELECT p.id, p.user_id, u.name, p.title, p.hourly_rate_cents,"         \
    " p.currency, p.rating_avg, p.rating_count, p.completed_jobs,"          \
    " p.availability, p.country, COALESCE(" SKILLS ", '[]')"                \
    " FROM freelance_profiles p JOIN users u ON u.id = p.user_id"           \
    " WHERE p.id = ?"
/* The profile's skill names in the order of their ids; on PostgreSQL each
 * looked up by its key (see PG_JOB_SKILLS in jobs.c). */
#define SQ_CARD_SKILLS                                                      \
    "(SELECT json_group_array(name) FROM"                                   \
    "   (SELECT s.name FROM profile_skills ps"                              \
    "    JOIN skills s ON s.id = ps.skill_id"                               \
    "    WHERE ps.profile_id = p.id ORDER BY ps.skill_id))"
#define PG_CARD_SKILLS                                                      \
    "(SELECT json_agg((SELECT s.name FROM skills s WHERE s.id = ps.skill_id)"\
    "   ORDER BY ps.skill_id)"                                              \
    "  FROM profile_skills ps WHERE ps.profile_id = p.id)"

static const char *sql_freelancer_card = FREELANCER_CARD(SQ_CARD_SKILLS);
static const char *sql_freelancer_card_pg = FREELANCER_CARD(PG_CARD_SKILLS);

enum {  /* columns of sql_freelancer_card */
    FC_ID, FC_USER_ID, FC_NAME, FC_TITLE, FC_RATE, FC_CURRENCY,
    FC_RATING_AVG, FC_RATING_COUNT, FC_COMPLETED, FC_AVAILABILITY,
    FC_COUNTRY, FC_SKILLS
};

static json_t *card_object(db_stmt_t *st)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    if (o == NULL)
        return NULL;
    put(o, "id", json_integer(db_col_int64(st, FC_ID)), &ok);
    put(o, "user_id", json_integer(db_col_int64(st, FC_USER_ID)), &ok);
    put(o, "name", json_string(db_col_text(st, FC_NAME)), &ok);
    put(o, "title", json_string(db_col_text(st, FC_TITLE)), &ok);
    put(o, "hourly_rate_cents", col_int_or_null(st, FC_RATE), &ok);
    put(o, "currency", json_string(db_col_text(st, FC_CURRENCY)), &ok);
    put(o, "rating", rating_object(st, FC_RATING_AVG, FC_RATING_COUNT), &ok);
    put(o, "completed_jobs", json_integer(db_col_int64(st, FC_COMPLETED)),
        &ok);
    put(o, "availability", json_string(db_col_text(st, FC_AVAILABILITY)),
        &ok);
    put(o, "country", col_text_or_null(st, FC_COUNTRY), &ok);
    put(o, "skills", json_loads(db_col_text(st, FC_SKILLS), 0, NULL), &ok);
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* Appends the card of each id in ids (in order) to items. */
static int search_cards(db_t *db, json_t *ids, json_t *items)
{
    json_t *id;
    size_t i;

    json_array_foreach(ids, i, id) {
        db_stmt_t *st;
        int rc = db_prepare(db, db_pick(db, sql_freelancer_card,
                                        sql_freelancer_card_pg), &st);

        if (rc < 0)
            return rc;
        db_stmt_name(st, "freelancer_card");
        db_bind_int64(st, 1, json_integer_value(id));
        rc = db_step(st);
        if (rc == 1) {
            json_t *card = card_object(st);
            rc = card && json_array_append_new(items, card) == 0
                     ? 0 : FH_ENOMEM;
        }
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* The ids of the page, in order. */
static int search_page_ids(db_t *db, const profile_search_t *q,
                           unsigned mask, json_t *ids)
{
    db_stmt_t *st;
    int idx, rc = db_prepare(db, search_page_sql[mask][q->sort], &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "freelancers_search_page");
    idx = search_bind(st, q);
    db_bind_int64(st, idx, q->limit);
    db_bind_int64(st, idx + 1, q->offset);
    while ((rc = db_step(st)) == 1) {
        if (json_array_append_new(ids, json_integer(db_col_int64(st, 0)))) {
            rc = FH_ENOMEM;
            break;
        }
    }
    db_reset(st);
    return rc;
}

/* The number of matches; skipped when the page itself proves it (a page
 * that is not full and not past the end ends the list). */
static int search_count(db_t *db, const profile_search_t *q, unsigned mask,
                        int64_t page_rows, int64_t *total)
{
    db_stmt_t *st;
    int rc;

    if (page_rows < q->limit && (page_rows > 0 || q->offset == 0)) {
        *total = q->offset + page_rows;
        return 0;
    }
    rc = db_prepare(db, search_count_sql[mask], &st);
    if (rc < 0)
        return rc;
    db_stmt_name(st, "freelancers_search_count");
    search_bind(st, q);
    rc = step_int(st, total);
    return rc == FH_ENOTFOUND ? FH_EDB : rc;
}

static int search_read(db_t *db, const profile_search_t *q, json_t *items,
                       int64_t *total)
{
    unsigned mask = search_mask(q);
    json_t *ids = json_array();
    int rc = ids ? 0 : FH_ENOMEM;

    if (rc == 0)
        rc = search_page_ids(db, q, mask, ids);
    if (rc == 0)
        rc = search_count(db, q, mask, (int64_t)json_array_size(ids), total);
    if (rc == 0)
        rc = search_cards(db, ids, items);
    json_decref(ids);
    return rc;
}

int store_freelancers_search(db_t *db, const profile_search_t *q,
                             json_t **items, int64_t *total)
{
    json_t *out;
    int rc;

    assert(q->sort >= 0 && q->sort < PROFILE_SORT_COUNT);
    assert(q->limit >= 1 && q->offset >= 0);
    pthread_once(&search_sql_once, search_sql_build);
    out = json_array();
    if (out == NULL)
        return FH_ENOMEM;
    rc = db_begin_read(db);
    if (rc == 0)
        rc = search_read(db, q, out, total);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        json_decref(out);
        return rc;
    }
    *items = out;
    return 0;
}

int store_profiles_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql)
{
    unsigned dflt = 1u << SF_AVAILABILITY;  /* available, sort=rating */

    pthread_once(&search_sql_once, search_sql_build);
    switch (index) {
    case 0:
        *name = "profile_by_id";
        *sql = sql_profile_get;
        return 0;
    case 1:
        *name = "freelancers_search_page";
        *sql = search_page_sql[dflt][PROFILE_SORT_RATING];
        return 0;
    case 2:
        *name = "freelancers_search_count";
        *sql = search_count_sql[dflt];
        return 0;
    case 3:
        *name = "freelancer_card";
        *sql = engine == DB_POSTGRES ? sql_freelancer_card_pg
                                     : sql_freelancer_card;
        return 0;
    }
    return FH_ENOTFOUND;
}
