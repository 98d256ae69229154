#include "store/contracts.h"

#include <stddef.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/reviews.h"
#include "store/rows.h"

const char *const store_contract_statuses[] = {"active", "completed",
                                               "cancelled", NULL};

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

static const char *sql_contract_insert =
    "INSERT INTO freelance_contracts (proposal_id, job_posting_id,"
    " freelancer_id, client_id, amount_cents, currency, status, started_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'active', ?) RETURNING id";

int store_contract_insert(db_t *db, const contract_new_t *in, int64_t *id_out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_contract_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, in->proposal_id);
    db_bind_int64(st, 2, in->job_posting_id);
    db_bind_int64(st, 3, in->freelancer_id);
    db_bind_int64(st, 4, in->client_id);
    db_bind_int64(st, 5, in->amount_cents);
    db_bind_text(st, 6, in->currency);
    db_bind_int64(st, 7, fh_now());
    rc = db_step(st);
    if (rc == 1)
        *id_out = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}

#define CONTRACT_COLS                                                        \
    "c.id, c.proposal_id, c.job_posting_id, j.title AS job_title,"          \
    " c.freelancer_id, f.user_id AS freelancer_user_id, c.client_id,"       \
    " c.amount_cents, c.currency, c.status, c.started_at, c.ended_at"
#define CONTRACT_FROM                                                        \
    " FROM freelance_contracts c"                                           \
    " JOIN freelance_job_postings j ON j.id = c.job_posting_id"             \
    " JOIN freelance_profiles f ON f.id = c.freelancer_id"

static const char *sql_contract_view =
    "SELECT " CONTRACT_COLS CONTRACT_FROM " WHERE c.id = ?";

int store_contract_view(db_t *db, int64_t id, json_t **out)
{
    json_t *obj = NULL, *reviews = NULL;
    db_stmt_t *st;
    int rc = db_prepare(db, sql_contract_view, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    rc = rows_one(st, &obj);
    if (rc == 0)
        rc = store_reviews_by_contract(db, id, &reviews);
    if (rc == 0 && json_object_set_new(obj, "reviews", reviews) < 0)
        rc = FH_ENOMEM;
    if (rc < 0) {
        json_decref(obj);
        return rc;
    }
    *out = obj;
    return 0;
}

static int64_t member_int(json_t *obj, const char *name)
{
    return (int64_t)json_integer_value(json_object_get(obj, name));
}

int store_contract_get(db_t *db, int64_t id, int64_t user_id, bool any_reader,
                       json_t **out)
{
    json_t *obj = NULL;
    int rc = db_begin_read(db);

    if (rc < 0)
        return rc;
    rc = store_contract_view(db, id, &obj);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        json_decref(obj);
        return rc;
    }
    if (!any_reader && member_int(obj, "client_id") != user_id &&
        member_int(obj, "freelancer_user_id") != user_id) {
        json_decref(obj);
        return FH_EFORBIDDEN;
    }
    *out = obj;
    return 0;
}

/* What ending a contract needs to know about it. */
typedef struct contract_state {
    bool active;
    int64_t client_id;
    int64_t freelancer_user_id;
    int64_t freelancer_id;
    int64_t job_posting_id;
    int64_t amount_cents;
} contract_state_t;

static const char *sql_contract_state =
    "SELECT c.status, c.client_id, f.user_id, c.freelancer_id,"
    " c.job_posting_id, c.amount_cents FROM freelance_contracts c"
    " JOIN freelance_profiles f ON f.id = c.freelancer_id WHERE c.id = ?";

static int contract_state(db_t *db, int64_t id, contract_state_t *s)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_contract_state, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    if (rc == 1) {
        s->active = strcmp(db_col_text(st, 0), "active") == 0;
        s->client_id = db_col_int64(st, 1);
        s->freelancer_user_id = db_col_int64(st, 2);
        s->freelancer_id = db_col_int64(st, 3);
        s->job_posting_id = db_col_int64(st, 4);
        s->amount_cents = db_col_int64(st, 5);
    }
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_ENOTFOUND);
}

static const char *sql_contract_end =
    "UPDATE freelance_contracts SET status = ?, ended_at = ?"
    " WHERE id = ? AND status = 'active'";
/* An active contract's job is in progress; a job already moved on by some
 * other path keeps the state it has. */
static const char *sql_job_end =
    "UPDATE freelance_job_postings SET status = ?, updated_at = ?"
    " WHERE id = ? AND status = 'in_progress'";
/* LIMITATION: total_earnings_cents adds contract amounts whatever their
 * currency, so a freelancer paid in several currencies sees one meaningless
 * sum. Bites only when a profile's contracts mix currencies; per-currency
 * totals need their own table. */
static const char *sql_profile_credit =
    "UPDATE freelance_profiles SET completed_jobs = completed_jobs + 1,"
    " total_earnings_cents = total_earnings_cents + ? WHERE id = ?";

/* The changes of ending contract id (state s) as `to` ("completed" or
 * "cancelled"), inside the caller's transaction. */
static int contract_end_rows(db_t *db, int64_t id, const contract_state_t *s,
                             const char *to, const char **why)
{
    bool completed = strcmp(to, "completed") == 0;
    int64_t now = fh_now();
    db_stmt_t *st;
    int rc = db_prepare(db, sql_contract_end, &st);

    if (rc < 0)
        return rc;
    db_bind_text(st, 1, to);
    db_bind_int64(st, 2, now);
    db_bind_int64(st, 3, id);
    rc = run_one_change(db, st);
    if (rc == FH_ECONFLICT)
        set_why(why, "the contract is no longer active");
    if (rc < 0)
        return rc;

    rc = db_prepare(db, sql_job_end, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, completed ? "closed" : "cancelled");
    db_bind_int64(st, 2, now);
    db_bind_int64(st, 3, s->job_posting_id);
    rc = db_run(st);
    if (rc < 0 || !completed)
        return rc;

    rc = db_prepare(db, sql_profile_credit, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, s->amount_cents);
    db_bind_int64(st, 2, s->freelancer_id);
    return run_one_change(db, st) == 0 ? 0 : FH_EDB;
}

/* Ends active contract id as `to` for user_id: by its client only when
 * client_only, else by either party. One transaction. */
static int contract_end(db_t *db, int64_t user_id, int64_t id,
                        bool client_only, const char *to, json_t **out,
                        const char **why)
{
    contract_state_t s;
    json_t *obj = NULL;
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = contract_state(db, id, &s);
    if (rc == FH_ENOTFOUND)
        set_why(why, "no contract has this id");
    if (rc < 0)
        goto rollback;
    if (s.client_id != user_id &&
        (client_only || s.freelancer_user_id != user_id)) {
        set_why(why, client_only ? "only the contract's client may do this"
                                 : "only a party to the contract may do this");
        rc = FH_EFORBIDDEN;
        goto rollback;
    }
    if (!s.active) {
        set_why(why, "the contract is no longer active");
        rc = FH_ECONFLICT;
        goto rollback;
    }

    rc = contract_end_rows(db, id, &s, to, why);
    if (rc == 0)
        rc = store_contract_view(db, id, &obj);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    *out = obj;
    return 0;

rollback:
    db_rollback(db);
    json_decref(obj);
    return rc;
}

int store_contract_complete(db_t *db, int64_t user_id, int64_t id,
                            json_t **out, const char **why)
{
    return contract_end(db, user_id, id, true, "completed", out, why);
}

int store_contract_cancel(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why)
{
    return contract_end(db, user_id, id, false, "cancelled", out, why);
}

/* The list statements: a count and a page, with and without the status
 * filter. Served by contracts_freelancer_started (freelancer_id,
 * started_at, id) and contracts_freelancer (freelancer_id, status,
 * started_at, id), walked backwards for the order. */
static const char *sql_contracts_count =
    "SELECT COUNT(*) FROM freelance_contracts WHERE freelancer_id = ?";
static const char *sql_contracts_count_status =
    "SELECT COUNT(*) FROM freelance_contracts"
    " WHERE freelancer_id = ? AND status = ?";
static const char *sql_contracts_page =
    "SELECT " CONTRACT_COLS CONTRACT_FROM
    " WHERE c.freelancer_id = ?"
    " ORDER BY c.started_at DESC, c.id DESC LIMIT ? OFFSET ?";
static const char *sql_contracts_page_status =
    "SELECT " CONTRACT_COLS CONTRACT_FROM
    " WHERE c.freelancer_id = ? AND c.status = ?"
    " ORDER BY c.started_at DESC, c.id DESC LIMIT ? OFFSET ?";

static const struct {
    const char *name;
    const char *const *sql;
} hot_queries[] = {
    {"contracts_by_freelancer_count", &sql_contracts_count},
    {"contracts_by_freelancer_count_status", &sql_contracts_count_status},
    {"contracts_by_freelancer_page", &sql_contracts_page},
    {"contracts_by_freelancer_page_status", &sql_contracts_page_status},
};

int store_contracts_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql)
{
    if (index < 0 ||
        (size_t)index >= sizeof(hot_queries) / sizeof(hot_queries[0]))
        return FH_ENOTFOUND;
    *name = hot_queries[index].name;
    *sql = *hot_queries[index].sql;
    return 0;
}

int store_contracts_by_freelancer(db_t *db, int64_t profile_id,
                                  const char *status, int64_t limit,
                                  int64_t offset, json_t **items,
                                  int64_t *total)
{
    int rc = db_begin_read(db);

    if (rc < 0)
        return rc;
    if (status)
        rc = rows_keyed_page(db, sql_contracts_count_status,
                             sql_contracts_page_status,
                             "contracts_by_freelancer", profile_id, status,
                             limit, offset, items, total);
    else
        rc = rows_keyed_page(db, sql_contracts_count, sql_contracts_page,
                             "contracts_by_freelancer", profile_id, NULL,
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
