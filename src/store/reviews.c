#include "store/reviews.h"

#include <stdbool.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/rows.h"

static void set_why(const char **why, const char *message)
{
    if (why)
        *why = message;
}

/* Who a contract's parties are, and whether it may be reviewed. */
typedef struct review_target {
    bool completed;
    int64_t client_id;
    int64_t freelancer_user_id;
    int64_t freelancer_id;   /* the profile */
} review_target_t;

static const char *sql_review_target =
    "SELECT c.status, c.client_id, f.user_id, c.freelancer_id"
    " FROM freelance_contracts c"
    " JOIN freelance_profiles f ON f.id = c.freelancer_id WHERE c.id = ?";

static int review_target(db_t *db, int64_t contract_id, review_target_t *t)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_review_target, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, contract_id);
    rc = db_step(st);
    if (rc == 1) {
        t->completed = strcmp(db_col_text(st, 0), "completed") == 0;
        t->client_id = db_col_int64(st, 1);
        t->freelancer_user_id = db_col_int64(st, 2);
        t->freelancer_id = db_col_int64(st, 3);
    }
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_ENOTFOUND);
}

static const char *sql_review_insert =
    "INSERT INTO reviews (contract_id, reviewer_id, reviewee_id, rating,"
    " comment, created_at) VALUES (?, ?, ?, ?, ?, ?)"
    " RETURNING id, contract_id, reviewer_id, reviewee_id, rating, comment,"
    " created_at";

/* Inserts the review; FH_ECONFLICT when the reviewer has one on the
 * contract already (UNIQUE (contract_id, reviewer_id)). */
static int review_insert(db_t *db, int64_t contract_id, int64_t reviewer,
                         int64_t reviewee, int64_t rating,
                         const char *comment, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_review_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, contract_id);
    db_bind_int64(st, 2, reviewer);
    db_bind_int64(st, 3, reviewee);
    db_bind_int64(st, 4, rating);
    db_bind_text(st, 5, comment ? comment : "");
    db_bind_int64(st, 6, fh_now());
    rc = rows_one(st, out);
    return rc == FH_ENOTFOUND ? FH_EDB : rc;  /* RETURNING gives a row */
}

/* The average is recomputed from the new sum and count in the same
 * statement (the right-hand sides see the row as it was). */
static const char *sql_profile_rate =
    "UPDATE freelance_profiles SET rating_sum = rating_sum + ?,"
    " rating_count = rating_count + 1,"
    " rating_avg = CAST(rating_sum + ? AS DOUBLE PRECISION)"
    " / (rating_count + 1) WHERE id = ?";
static const char *sql_user_rate =
    "UPDATE users SET rating_sum = rating_sum + ?,"
    " rating_count = rating_count + 1 WHERE id = ?";

/* Adds rating to the aggregates of the reviewee: the freelancer profile
 * when the client wrote it, else the client user. */
static int reviewee_rate(db_t *db, const review_target_t *t, bool of_freelancer,
                         int64_t rating)
{
    db_stmt_t *st;
    int rc;

    if (of_freelancer) {
        rc = db_prepare(db, sql_profile_rate, &st);
        if (rc < 0)
            return rc;
        db_bind_int64(st, 1, rating);
        db_bind_int64(st, 2, rating);
        db_bind_int64(st, 3, t->freelancer_id);
    } else {
        rc = db_prepare(db, sql_user_rate, &st);
        if (rc < 0)
            return rc;
        db_bind_int64(st, 1, rating);
        db_bind_int64(st, 2, t->client_id);
    }
    rc = db_run(st);
    if (rc == 0 && db_changes(db) != 1)
        rc = FH_EDB;
    return rc;
}

int store_review_create(db_t *db, int64_t user_id, int64_t contract_id,
                        int64_t rating, const char *comment, json_t **out,
                        const char **why)
{
    review_target_t t;
    json_t *review = NULL;
    bool by_client;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = review_target(db, contract_id, &t);
    if (rc == FH_ENOTFOUND)
        set_why(why, "no contract has this id");
    if (rc < 0)
        goto rollback;
    by_client = t.client_id == user_id;
    if (!by_client && t.freelancer_user_id != user_id) {
        set_why(why, "only a party to the contract may review it");
        rc = FH_EFORBIDDEN;
        goto rollback;
    }
    if (!t.completed) {
        set_why(why, "only a completed contract can be reviewed");
        rc = FH_ECONFLICT;
        goto rollback;
    }

    rc = review_insert(db, contract_id, user_id,
                       by_client ? t.freelancer_user_id : t.client_id, rating,
                       comment, &review);
    if (rc == FH_ECONFLICT)
        set_why(why, "you have already reviewed this contract");
    if (rc == 0)
        rc = reviewee_rate(db, &t, by_client, rating);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    *out = review;
    return 0;

rollback:
    db_rollback(db);
    json_decref(review);
    return rc;
}

static const char *sql_reviews_of_contract =
    "SELECT r.id, r.reviewer_id, u.name AS reviewer_name, r.reviewee_id,"
    " r.rating, r.comment, r.created_at FROM reviews r"
    " JOIN users u ON u.id = r.reviewer_id"
    " WHERE r.contract_id = ? ORDER BY r.created_at, r.id";

int store_reviews_by_contract(db_t *db, int64_t contract_id, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_reviews_of_contract, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, contract_id);
    return rows_array(st, out);
}
