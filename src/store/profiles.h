/* Freelancer profiles: creation and edits by their owner, portfolio items,
 * the public profile page and the freelancer search. */
#ifndef FH_STORE_PROFILES_H
#define FH_STORE_PROFILES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

#define PROFILE_PORTFOLIO_MAX 50  /* items one profile may hold */
#define PROFILE_RECENT_REVIEWS 5  /* reviews shown on the profile page */

/* Which members of a profile_input_t were given. */
enum profile_field {
    PROFILE_TITLE = 1 << 0,
    PROFILE_BIO = 1 << 1,
    PROFILE_RATE = 1 << 2,
    PROFILE_CURRENCY = 1 << 3,
    PROFILE_AVAILABILITY = 1 << 4,
    PROFILE_LEVEL = 1 << 5,
    PROFILE_CATEGORY = 1 << 6,
    PROFILE_COUNTRY = 1 << 7,
    PROFILE_SKILLS = 1 << 8,
};

/* The editable fields of a profile, already checked by the caller. A field
 * whose bit is not in set is left alone (on create: takes its default). */
typedef struct profile_input {
    unsigned set;                /* PROFILE_* bits */
    const char *title;
    const char *bio;
    int64_t hourly_rate_cents;   /* < 0: not stated (NULL) */
    const char *currency;
    const char *availability;
    const char *experience_level;/* NULL clears */
    int64_t category_id;         /* 0 clears */
    const char *country;         /* NULL clears */
    json_t *skills;              /* array of skill names, replaces all */
} profile_input_t;

typedef struct portfolio_input {
    const char *title;
    const char *description;     /* NULL: empty */
    const char *url;             /* NULL: none */
} portfolio_input_t;

enum profile_sort {
    PROFILE_SORT_RATING,         /* rating DESC NULLS LAST, jobs DESC, id */
    PROFILE_SORT_RATE_ASC,       /* hourly rate, unstated last, id */
    PROFILE_SORT_RATE_DESC,
    PROFILE_SORT_COMPLETED_JOBS, /* completed jobs DESC, id */
    PROFILE_SORT_COUNT
};

/* A freelancer search. Absent filters match everything. */
typedef struct profile_search {
    int64_t skill_id;            /* 0: any */
    int64_t category_id;         /* 0: any */
    int64_t max_rate_cents;      /* < 0: any */
    bool has_min_rating;
    double min_rating;           /* 0..5, against the 2-decimal average */
    const char *availability;    /* NULL: any */
    enum profile_sort sort;
    int64_t limit, offset;
} profile_search_t;

/* Creates the profile of user_id in one transaction: the row, then its
 * skills (unknown names are created). Returns FH_ECONFLICT when the user
 * has a profile already and FH_EINVAL when category_id names no category. */
int store_profile_create(db_t *db, int64_t user_id, const profile_input_t *in,
                         int64_t *id_out);

/* The public profile page as a new object (see DESIGN: id, user_id, name,
 * ..., skills, portfolio, rating, recent_reviews, imported), read in four
 * statements whatever the counts. FH_ENOTFOUND when there is no such
 * profile. The caller drops *out. */
int store_profile_get(db_t *db, int64_t profile_id, json_t **out);

/* Applies in to profile_id on behalf of user_id and sets updated_at, in one
 * transaction. FH_ENOTFOUND: no such profile; FH_EFORBIDDEN: not the
 * owner's; FH_EINVAL: category_id names no category. Nothing changes on
 * failure. */
int store_profile_update(db_t *db, int64_t profile_id, int64_t user_id,
                         const profile_input_t *in);

/* Adds an item to the portfolio of profile_id, owned by user_id. Errors as
 * store_profile_update(), and FH_EINVAL when the portfolio is full
 * (PROFILE_PORTFOLIO_MAX). *item_out gets the new item. */
int store_portfolio_add(db_t *db, int64_t profile_id, int64_t user_id,
                        const portfolio_input_t *in, json_t **item_out);

/* Deletes item_id from the portfolio of profile_id, owned by user_id.
 * FH_ENOTFOUND when the profile, or that item in it, does not exist. */
int store_portfolio_delete(db_t *db, int64_t profile_id, int64_t item_id,
                           int64_t user_id);

/* One page of freelancers matching q, in q->sort order with ties broken by
 * id, and the number that match. *items gets a new array of {id, user_id,
 * name, title, hourly_rate_cents, currency, rating, completed_jobs,
 * availability, country, skills}. */
int store_freelancers_search(db_t *db, const profile_search_t *q,
                             json_t **items, int64_t *total);

/* The SQL of the hot statements, for query-plan checks: index 0.. gives a
 * name and the exact text given to db_prepare. Returns 0, or FH_ENOTFOUND
 * once index is past the last. */
int store_profiles_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql);

#endif
