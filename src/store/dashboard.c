#include "store/dashboard.h"

#include <string.h>

#include "common/err.h"
#include "store/dialect.h"
#include "store/rows.h"

#define STATUS_MAX 4  /* the most values a status column takes */

/* Counts (and sums of one money column) by status, filled from the rows of
 * a GROUP BY status statement. */
typedef struct tally {
    const char *const *names;  /* the statuses, NULL-terminated */
    int64_t count[STATUS_MAX];
    int64_t sum[STATUS_MAX];   /* the third column when the query has one */
} tally_t;

static const char *const proposal_statuses[] = {"pending", "accepted",
                                                "rejected", "withdrawn", NULL};
static const char *const contract_statuses[] = {"active", "completed",
                                                "cancelled", NULL};
static const char *const job_statuses[] = {"open", "in_progress", "closed",
                                           "cancelled", NULL};

enum { CONTRACT_ACTIVE = 0, CONTRACT_COMPLETED = 1 };  /* in contract_statuses */

/* Runs sql (named name in the slow-query log), whose one parameter is id
 * and whose rows are (status, count) or (status, count, sum), into t. */
static int tally_query(db_t *db, const char *sql, const char *name,
                       int64_t id, tally_t *t)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, name);
    db_bind_int64(st, 1, id);
    while ((rc = db_step(st)) == 1) {
        const char *status = db_col_text(st, 0);
        for (int i = 0; status && t->names[i]; i++) {
            if (strcmp(status, t->names[i]) != 0)
                continue;
            t->count[i] = db_col_int64(st, 1);
            if (db_column_count(st) > 2)
                t->sum[i] = db_col_int64(st, 2);
        }
    }
    db_reset(st);
    return rc;
}

/* {"<status>": count, ..., "total": n} with every status present; NULL
 * when out of memory. */
static json_t *tally_json(const tally_t *t)
{
    json_t *obj = json_object();
    int64_t total = 0;
    int bad = obj == NULL;

    for (int i = 0; !bad && t->names[i]; i++) {
        bad |= json_object_set_new(obj, t->names[i],
                                   json_integer(t->count[i])) < 0;
        total += t->count[i];
    }
    if (!bad)
        bad |= json_object_set_new(obj, "total", json_integer(total)) < 0;
    if (bad) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

/* Sets key in dash to the rows of sql (named name in the slow-query log),
 * run with id and the list limit. */
static int list_set(db_t *db, const char *sql, const char *name, int64_t id,
                    json_t *dash, const char *key)
{
    db_stmt_t *st;
    json_t *rows;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, name);
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, DASHBOARD_LIST_MAX);
    rc = rows_array(st, &rows);
    if (rc < 0)
        return rc;
    return json_object_set_new(dash, key, rows) < 0 ? FH_ENOMEM : 0;
}

/* A column as an integer, or null when it is NULL. */
static json_t *col_int_or_null(db_stmt_t *st, int col)
{
    return db_col_is_null(st, col) ? json_null()
                                   : json_integer(db_col_int64(st, col));
}

/* {"average": <2 decimals> | null, "count": n} from the columns count and
 * average of st. */
static json_t *rating_json(db_stmt_t *st, int count_col, int avg_col)
{
    json_t *avg = db_col_is_null(st, avg_col)
                      ? json_null()
                      : json_real(db_col_double(st, avg_col));

    return json_pack("{s:o,s:I}", "average", avg, "count",
                     (json_int_t)db_col_int64(st, count_col));
}

/* ---- the freelancer's dashboard ---- */

/* The average is the one the profile page shows: the kept rating_avg. */
#define FL_PROFILE(ROUND2)                                                  \
    "SELECT id, title, rating_count, " ROUND2("rating_avg") ","             \
    " completed_jobs, total_earnings_cents, hourly_rate_cents, currency"    \
    " FROM freelance_profiles WHERE user_id = ?"

static const char *sql_fl_profile = FL_PROFILE(SQ_ROUND2);
static const char *sql_fl_profile_pg = FL_PROFILE(PG_ROUND2);

/* Starts the dashboard object with the profile of user_id; *profile_id
 * gets its id. FH_ENOTFOUND when the user has no profile. */
static int fl_profile(db_t *db, int64_t user_id, json_t **dash,
                      int64_t *profile_id)
{
    db_stmt_t *st;
    json_t *profile;
    int rc = db_prepare(db, db_pick(db, sql_fl_profile, sql_fl_profile_pg),
                        &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    rc = db_step(st);
    if (rc != 1) {
        db_reset(st);
        return rc < 0 ? rc : FH_ENOTFOUND;
    }
    *profile_id = db_col_int64(st, 0);
    profile = json_pack("{s:I,s:s,s:o,s:I,s:I,s:o,s:s}",
                        "id", (json_int_t)*profile_id,
                        "title", db_col_text(st, 1),
                        "rating", rating_json(st, 2, 3),
                        "completed_jobs", (json_int_t)db_col_int64(st, 4),
                        "total_earnings_cents",
                        (json_int_t)db_col_int64(st, 5),
                        "hourly_rate_cents", col_int_or_null(st, 6),
                        "currency", db_col_text(st, 7));
    db_reset(st);
    if (profile == NULL)
        return FH_ENOMEM;
    *dash = json_pack("{s:o}", "profile", profile);
    return *dash ? 0 : FH_ENOMEM;
}

/* Both counts use the index that leads with freelancer_id and status, so
 * each reads only this freelancer's entries. */
static const char *sql_fl_proposals_by_status =
    "SELECT status, COUNT(*) FROM freelance_proposals"
    " WHERE freelancer_id = ? GROUP BY status";
static const char *sql_fl_contracts_by_status =
    "SELECT status, COUNT(*), COALESCE(SUM(amount_cents), 0)"
    " FROM freelance_contracts WHERE freelancer_id = ? GROUP BY status";

/* Adds proposals, contracts and earnings_cents to dash. */
static int fl_counts(db_t *db, int64_t profile_id, json_t *dash)
{
    tally_t props = {.names = proposal_statuses};
    tally_t contracts = {.names = contract_statuses};
    int64_t earned;
    int rc;

    rc = tally_query(db, sql_fl_proposals_by_status,
                     "dashboard_fl_proposals", profile_id, &props);
    if (rc == 0)
        rc = tally_query(db, sql_fl_contracts_by_status,
                         "dashboard_fl_contracts", profile_id, &contracts);
    if (rc < 0)
        return rc;
    earned = contracts.sum[CONTRACT_COMPLETED];
    if (json_object_set_new(dash, "proposals", tally_json(&props)) < 0 ||
        json_object_set_new(dash, "contracts", tally_json(&contracts)) < 0 ||
        json_object_set_new(dash, "earnings_cents", json_integer(earned)) < 0)
        return FH_ENOMEM;
    return 0;
}

static const char *sql_fl_active_contracts =
    "SELECT c.id, c.job_posting_id, j.title AS job_title, c.client_id,"
    " c.amount_cents, c.currency, c.started_at"
    " FROM freelance_contracts c"
    " JOIN freelance_job_postings j ON j.id = c.job_posting_id"
    " WHERE c.freelancer_id = ? AND c.status = 'active'"
    " ORDER BY c.started_at DESC, c.id DESC LIMIT ?";
static const char *sql_fl_recent_proposals =
    "SELECT p.id, p.job_posting_id, j.title AS job_title,"
    " p.bid_amount_cents, p.currency, p.status, p.created_at"
    " FROM freelance_proposals p"
    " JOIN freelance_job_postings j ON j.id = p.job_posting_id"
    " WHERE p.freelancer_id = ?"
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ?";

int store_dashboard_freelancer(db_t *db, int64_t user_id, json_t **out)
{
    json_t *dash = NULL;
    int64_t profile_id = 0;
    int rc;

    rc = db_begin_read(db);
    if (rc < 0)
        return rc;
    rc = fl_profile(db, user_id, &dash, &profile_id);
    if (rc == 0)
        rc = fl_counts(db, profile_id, dash);
    if (rc == 0)
        rc = list_set(db, sql_fl_active_contracts, "dashboard_fl_active",
                      profile_id, dash, "active_contracts");
    if (rc == 0)
        rc = list_set(db, sql_fl_recent_proposals, "dashboard_fl_recent",
                      profile_id, dash, "recent_proposals");
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto fail;
    *out = dash;
    return 0;

fail:
    db_rollback(db);
    json_decref(dash);
    return rc;
}

/* ---- the client's dashboard ---- */

/* LIMITATION: jobs_client and proposals_job hold no status, so counting a
 * client's jobs and the proposals they received reads each of those rows
 * and groups them in a temporary b-tree. A client with 850 jobs and 4,000
 * proposals takes about 7 ms; a client with tens of thousands of jobs would
 * take far longer. Indexes on (client_id, status) and (job_posting_id,
 * status), or counters kept by the writes, would make it constant. */
static const char *sql_cl_jobs_by_status =
    "SELECT status, COUNT(*) FROM freelance_job_postings"
    " WHERE client_id = ? GROUP BY status";
static const char *sql_cl_proposals_by_status =
    "SELECT p.status, COUNT(*) FROM freelance_job_postings j"
    " JOIN freelance_proposals p ON p.job_posting_id = j.id"
    " WHERE j.client_id = ? GROUP BY p.status";
static const char *sql_cl_contracts_by_status =
    "SELECT status, COUNT(*), COALESCE(SUM(amount_cents), 0)"
    " FROM freelance_contracts WHERE client_id = ? GROUP BY status";

/* Adds jobs, proposals_received, contracts, spend_cents and
 * committed_cents to dash. */
static int cl_counts(db_t *db, int64_t user_id, json_t *dash)
{
    tally_t jobs = {.names = job_statuses};
    tally_t props = {.names = proposal_statuses};
    tally_t contracts = {.names = contract_statuses};
    int64_t spent, committed;
    int rc;

    rc = tally_query(db, sql_cl_jobs_by_status, "dashboard_cl_jobs",
                     user_id, &jobs);
    if (rc == 0)
        rc = tally_query(db, sql_cl_proposals_by_status,
                         "dashboard_cl_proposals", user_id, &props);
    if (rc == 0)
        rc = tally_query(db, sql_cl_contracts_by_status,
                         "dashboard_cl_contracts", user_id, &contracts);
    if (rc < 0)
        return rc;
    spent = contracts.sum[CONTRACT_COMPLETED];
    committed = contracts.sum[CONTRACT_ACTIVE];
    if (json_object_set_new(dash, "jobs", tally_json(&jobs)) < 0 ||
        json_object_set_new(dash, "proposals_received",
                            tally_json(&props)) < 0 ||
        json_object_set_new(dash, "contracts", tally_json(&contracts)) < 0 ||
        json_object_set_new(dash, "spend_cents", json_integer(spent)) < 0 ||
        json_object_set_new(dash, "committed_cents",
                            json_integer(committed)) < 0)
        return FH_ENOMEM;
    return 0;
}

#define CL_RATING(AVG2)                                                     \
    "SELECT rating_count, CASE WHEN rating_count > 0"                       \
    " THEN " AVG2("rating_sum", "rating_count") " END"                      \
    " FROM users WHERE id = ?"

static const char *sql_cl_rating = CL_RATING(SQ_AVG2);
static const char *sql_cl_rating_pg = CL_RATING(PG_AVG2);

/* Adds the rating client user_id received to dash. */
static int cl_rating(db_t *db, int64_t user_id, json_t *dash)
{
    db_stmt_t *st;
    json_t *rating = NULL;
    int rc = db_prepare(db, db_pick(db, sql_cl_rating, sql_cl_rating_pg), &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    rc = db_step(st);
    if (rc == 1)
        rating = rating_json(st, 0, 1);
    db_reset(st);
    if (rc != 1)
        return rc < 0 ? rc : FH_ENOTFOUND;
    return json_object_set_new(dash, "rating", rating) < 0 ? FH_ENOMEM : 0;
}

static const char *sql_cl_active_contracts =
    "SELECT c.id, c.job_posting_id, j.title AS job_title, c.freelancer_id,"
    " c.amount_cents, c.currency, c.started_at"
    " FROM freelance_contracts c"
    " JOIN freelance_job_postings j ON j.id = c.job_posting_id"
    " WHERE c.client_id = ? AND c.status = 'active'"
    " ORDER BY c.started_at DESC, c.id DESC LIMIT ?";
static const char *sql_cl_recent_jobs =
    "SELECT id, title, status, proposal_count, posted_at"
    " FROM freelance_job_postings WHERE client_id = ?"
    " ORDER BY posted_at DESC, id DESC LIMIT ?";

int store_dashboard_client(db_t *db, int64_t user_id, json_t **out)
{
    json_t *dash = json_object();
    int rc;

    if (dash == NULL)
        return FH_ENOMEM;
    rc = db_begin_read(db);
    if (rc < 0) {
        json_decref(dash);
        return rc;
    }
    rc = cl_counts(db, user_id, dash);
    if (rc == 0)
        rc = cl_rating(db, user_id, dash);
    if (rc == 0)
        rc = list_set(db, sql_cl_active_contracts, "dashboard_cl_active",
                      user_id, dash, "active_contracts");
    if (rc == 0)
        rc = list_set(db, sql_cl_recent_jobs, "dashboard_cl_recent", user_id,
                      dash, "recent_jobs");
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto fail;
    *out = dash;
    return 0;

fail:
    db_rollback(db);
    json_decref(dash);
    return rc;
}
