#include "store/proposals.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/contracts.h"
#include "store/rows.h"

const char *const store_proposal_statuses[] = {"pending", "accepted",
                                               "rejected", "withdrawn", NULL};

#define PROPOSAL_COLS                                                       \
    "id, job_posting_id, freelancer_id, cover_letter, bid_amount_cents,"    \
    " currency, estimated_duration_days, status, created_at, updated_at"

static void set_why(const char **why, const char *message)
{
    if (why)
        *why = message;
}

/* Runs st to its end: FH_ECONFLICT unless it changed exactly one row. */
static int run_one_change(db_t *db, db_stmt_t *st)
{
    int rc = db_run(st);

    if (rc < 0)
        return rc;
    return db_changes(db) == 1 ? 0 : FH_ECONFLICT;
}

static const char *sql_proposal_get =
    "SELECT " PROPOSAL_COLS " FROM freelance_proposals WHERE id = ?";

static int proposal_get(db_t *db, int64_t id, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_proposal_get, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    return rows_one(st, out);
}

static const char *sql_profile_of_user =
    "SELECT id FROM freelance_profiles WHERE user_id = ?";
static const char *sql_profile_user =
    "SELECT user_id FROM freelance_profiles WHERE id = ?";

/* Runs a one-integer lookup: *out gets the first column of the row that
 * sql finds for key, FH_ENOTFOUND when there is none. */
static int lookup_int(db_t *db, const char *sql, int64_t key, int64_t *out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, key);
    rc = db_step(st);
    if (rc == 1)
        *out = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_ENOTFOUND);
}

int store_proposals_profile_user(db_t *db, int64_t profile_id,
                                 int64_t *user_id)
{
    return lookup_int(db, sql_profile_user, profile_id, user_id);
}

static const char *sql_job_state =
    "SELECT status, currency FROM freelance_job_postings WHERE id = ?";

/* Checks that job_id exists and is open; *currency gets the job's currency
 * (at most 15 bytes). */
static int job_check_open(db_t *db, int64_t job_id, char currency[16],
                          const char **why)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_job_state, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    rc = db_step(st);
    if (rc == 1) {
        const char *cur = db_col_text(st, 1);
        rc = strcmp(db_col_text(st, 0), "open") == 0 ? 0 : FH_ECONFLICT;
        snprintf(currency, 16, "%s", cur ? cur : "USD");
    } else if (rc == 0) {
        rc = FH_ENOTFOUND;
    }
    db_reset(st);
    if (rc == FH_ENOTFOUND)
        set_why(why, "no job posting has this id");
    else if (rc == FH_ECONFLICT)
        set_why(why, "the job is not open for proposals");
    return rc;
}

static const char *sql_proposal_insert =
    "INSERT INTO freelance_proposals (job_posting_id, freelancer_id,"
    " cover_letter, bid_amount_cents, currency, estimated_duration_days,"
    " status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING " PROPOSAL_COLS;
static const char *sql_job_count_proposal =
    "UPDATE freelance_job_postings SET proposal_count = proposal_count + 1"
    " WHERE id = ? AND status = 'open'";

/* Inserts the proposal of profile_id; FH_ECONFLICT when the freelancer
 * already has a live one on the job (the proposals_one_active index). */
static int proposal_insert(db_t *db, int64_t profile_id,
                           const proposal_new_t *in, const char *currency,
                           json_t **out)
{
    int64_t now = fh_now();
    db_stmt_t *st;
    int rc = db_prepare(db, sql_proposal_insert, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "proposal_insert");
    db_bind_int64(st, 1, in->job_posting_id);
    db_bind_int64(st, 2, profile_id);
    db_bind_text(st, 3, in->cover_letter);
    db_bind_int64(st, 4, in->bid_amount_cents);
    db_bind_text(st, 5, currency);
    db_bind_int64(st, 6, in->estimated_duration_days);
    db_bind_int64(st, 7, now);
    db_bind_int64(st, 8, now);
    rc = rows_one(st, out);
    return rc == FH_ENOTFOUND ? FH_EDB : rc;
}

int store_proposal_create(db_t *db, int64_t user_id, const proposal_new_t *in,
                          json_t **out, const char **why)
{
    char job_currency[16];
    int64_t profile_id;
    json_t *prop = NULL;
    db_stmt_t *st;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = lookup_int(db, sql_profile_of_user, user_id, &profile_id);
    if (rc == FH_ENOTFOUND) {
        set_why(why, "create your freelancer profile (POST /profiles)"
                     " before sending proposals");
        rc = FH_EFORBIDDEN;
    }
    if (rc < 0)
        goto rollback;
    rc = job_check_open(db, in->job_posting_id, job_currency, why);
    if (rc < 0)
        goto rollback;

    rc = proposal_insert(db, profile_id, in,
                         in->currency ? in->currency : job_currency, &prop);
    if (rc == FH_ECONFLICT)
        set_why(why, "you already have a live proposal on this job");
    if (rc < 0)
        goto rollback;
    rc = db_prepare(db, sql_job_count_proposal, &st);
    if (rc == 0) {
        db_bind_int64(st, 1, in->job_posting_id);
        rc = run_one_change(db, st);
        if (rc == FH_ECONFLICT)
            set_why(why, "the job is not open for proposals");
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    *out = prop;
    return 0;

rollback:
    db_rollback(db);
    json_decref(prop);
    return rc;
}

static const char *sql_proposal_parties =
    "SELECT p.status, f.user_id, j.client_id FROM freelance_proposals p"
    " JOIN freelance_profiles f ON f.id = p.freelancer_id"
    " JOIN freelance_job_postings j ON j.id = p.job_posting_id"
    " WHERE p.id = ?";
static const char *sql_proposal_set_status =
    "UPDATE freelance_proposals SET status = ?, updated_at = ?"
    " WHERE id = ? AND status = 'pending'";

/* Moves pending proposal id to status `to` for its freelancer (by_client
 * false) or for its job's client (by_client true), in one transaction. */
static int proposal_move(db_t *db, int64_t user_id, int64_t id,
                         bool by_client, const char *to, json_t **out,
                         const char **why)
{
    int64_t owner = 0;
    db_stmt_t *st;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = db_prepare(db, sql_proposal_parties, &st);
    if (rc < 0)
        goto rollback;
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    if (rc == 1)
        owner = db_col_int64(st, by_client ? 2 : 1);
    db_reset(st);
    if (rc == 0) {
        set_why(why, "no proposal has this id");
        rc = FH_ENOTFOUND;
    } else if (rc == 1 && owner != user_id) {
        set_why(why, by_client ? "only the job's client may do this"
                               : "only the proposal's freelancer may do this");
        rc = FH_EFORBIDDEN;
    }
    if (rc < 0)
        goto rollback;

    rc = db_prepare(db, sql_proposal_set_status, &st);
    if (rc < 0)
        goto rollback;
    db_bind_text(st, 1, to);
    db_bind_int64(st, 2, fh_now());
    db_bind_int64(st, 3, id);
    rc = run_one_change(db, st);
    if (rc == FH_ECONFLICT)
        set_why(why, "the proposal is no longer pending");
    if (rc == 0)
        rc = proposal_get(db, id, out);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    return 0;

rollback:
    db_rollback(db);
    return rc;
}

int store_proposal_withdraw(db_t *db, int64_t user_id, int64_t id,
                            json_t **out, const char **why)
{
    json_t *prop = NULL;
    int rc = proposal_move(db, user_id, id, false, "withdrawn", &prop, why);

    if (rc < 0) {
        json_decref(prop);
        return rc;
    }
    *out = prop;
    return 0;
}

int store_proposal_reject(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why)
{
    json_t *prop = NULL;
    int rc = proposal_move(db, user_id, id, true, "rejected", &prop, why);

    if (rc < 0) {
        json_decref(prop);
        return rc;
    }
    *out = prop;
    return 0;
}

static const char *sql_accept_state =
    "SELECT p.status, p.job_posting_id, p.freelancer_id, p.bid_amount_cents,"
    " p.currency, j.client_id, j.status"
    " FROM freelance_proposals p"
    " JOIN freelance_job_postings j ON j.id = p.job_posting_id"
    " WHERE p.id = ?";

/* Reads what accepting proposal id needs into *c and checks, in order: it
 * exists, user_id is the job's client, it is pending, the job is open. */
static int accept_check(db_t *db, int64_t user_id, int64_t id,
                        contract_new_t *c, char currency[16],
                        const char **why)
{
    bool pending = false, open = false;
    db_stmt_t *st;
    int rc = db_prepare(db, sql_accept_state, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    if (rc == 1) {
        pending = strcmp(db_col_text(st, 0), "pending") == 0;
        c->proposal_id = id;
        c->job_posting_id = db_col_int64(st, 1);
        c->freelancer_id = db_col_int64(st, 2);
        c->amount_cents = db_col_int64(st, 3);
        snprintf(currency, 16, "%s", db_col_text(st, 4));
        c->currency = currency;
        c->client_id = db_col_int64(st, 5);
        open = strcmp(db_col_text(st, 6), "open") == 0;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        set_why(why, "no proposal has this id");
        return FH_ENOTFOUND;
    }
    if (c->client_id != user_id) {
        set_why(why, "only the job's client may accept its proposals");
        return FH_EFORBIDDEN;
    }
    if (!pending) {
        set_why(why, "the proposal is no longer pending");
        return FH_ECONFLICT;
    }
    if (!open) {
        set_why(why, "the job is no longer open");
        return FH_ECONFLICT;
    }
    return 0;
}

static const char *sql_proposal_accept =
    "UPDATE freelance_proposals SET status = 'accepted', updated_at = ?"
    " WHERE id = ? AND status = 'pending'";
static const char *sql_job_start =
    "UPDATE freelance_job_postings SET status = 'in_progress', updated_at = ?"
    " WHERE id = ? AND status = 'open'";
static const char *sql_proposals_reject_others =
    "UPDATE freelance_proposals SET status = 'rejected', updated_at = ?"
    " WHERE job_posting_id = ? AND status = 'pending' AND id <> ?";

/* Runs one of the accept statements, bound (now, a) or, when b is not 0
 * (ids are positive), (now, a, b); exactly_one as in run_one_change. */
static int run_bound(db_t *db, const char *sql, int64_t now, int64_t a,
                     int64_t b, bool exactly_one)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, now);
    db_bind_int64(st, 2, a);
    if (b)
        db_bind_int64(st, 3, b);
    return exactly_one ? run_one_change(db, st) : db_run(st);
}

int store_proposal_accept(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why)
{
    contract_new_t c;
    char currency[16];
    int64_t contract_id, now = fh_now();
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = accept_check(db, user_id, id, &c, currency, why);
    if (rc < 0)
        goto rollback;

    /* The conditional updates re-check the states the read saw, so that a
     * concurrent accept on an engine without a write lock still loses. */
    rc = run_bound(db, sql_proposal_accept, now, id, 0, true);
    if (rc == FH_ECONFLICT)
        set_why(why, "the proposal is no longer pending");
    if (rc < 0)
        goto rollback;
    rc = run_bound(db, sql_job_start, now, c.job_posting_id, 0, true);
    if (rc == FH_ECONFLICT)
        set_why(why, "the job is no longer open");
    if (rc < 0)
        goto rollback;
    rc = store_contract_insert(db, &c, &contract_id);
    if (rc == FH_ECONFLICT)
        set_why(why, "the proposal already has a contract");
    if (rc < 0)
        goto rollback;
    rc = run_bound(db, sql_proposals_reject_others, now, c.job_posting_id, id,
                   false);
    if (rc == 0)
        rc = store_contract_view(db, contract_id, out);
    if (rc == 0) {
        rc = db_commit(db);
        if (rc < 0) {
            json_decref(*out);
            *out = NULL;
        }
    }
    if (rc < 0)
        goto rollback;
    return 0;

rollback:
    db_rollback(db);
    return rc;
}

/* The list statements: a count and a page, with and without the status
 * filter. Served by proposals_freelancer (freelancer_id, created_at, id)
 * and proposals_freelancer_status (freelancer_id, status, created_at, id),
 * walked backwards for the order. */
#define PROPOSAL_LIST_COLS                                                   \
    "p.id, p.job_posting_id, j.title AS job_title, p.freelancer_id,"        \
    " p.cover_letter, p.bid_amount_cents, p.currency,"                      \
    " p.estimated_duration_days, p.status, p.created_at, p.updated_at"

static const char *sql_props_count =
    "SELECT COUNT(*) FROM freelance_proposals WHERE freelancer_id = ?";
static const char *sql_props_count_status =
    "SELECT COUNT(*) FROM freelance_proposals"
    " WHERE freelancer_id = ? AND status = ?";
static const char *sql_props_page =
    "SELECT " PROPOSAL_LIST_COLS " FROM freelance_proposals p"
    " JOIN freelance_job_postings j ON j.id = p.job_posting_id"
    " WHERE p.freelancer_id = ?"
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?";
static const char *sql_props_page_status =
    "SELECT " PROPOSAL_LIST_COLS " FROM freelance_proposals p"
    " JOIN freelance_job_postings j ON j.id = p.job_posting_id"
    " WHERE p.freelancer_id = ? AND p.status = ?"
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?";

static const struct {
    const char *name;
    const char *const *sql;
} hot_queries[] = {
    {"proposals_by_freelancer_count", &sql_props_count},
    {"proposals_by_freelancer_count_status", &sql_props_count_status},
    {"proposals_by_freelancer_page", &sql_props_page},
    {"proposals_by_freelancer_page_status", &sql_props_page_status},
};

int store_proposals_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql)
{
    if (index < 0 ||
        (size_t)index >= sizeof(hot_queries) / sizeof(hot_queries[0]))
        return FH_ENOTFOUND;
    *name = hot_queries[index].name;
    *sql = *hot_queries[index].sql;
    return 0;
}

int store_proposals_by_freelancer(db_t *db, int64_t profile_id,
                                  const char *status, int64_t limit,
                                  int64_t offset, json_t **items,
                                  int64_t *total)
{
    int rc = db_begin_read(db);

    if (rc < 0)
        return rc;
    if (status)
        rc = rows_keyed_page(db, sql_props_count_status, sql_props_page_status,
                             "proposals_by_freelancer", profile_id, status,
                             limit, offset, items, total);
    else
        rc = rows_keyed_page(db, sql_props_count, sql_props_page,
                             "proposals_by_freelancer", profile_id, NULL,
                             limit, offset, items, total);
    if (rc == 0) {
        rc = db_commit(db);
        if (rc < 0) {
            json_decref(*items);
            *items = NULL;
        }
    }
    if (rc < 0)
        db_rollback(db);
    return rc;
}
