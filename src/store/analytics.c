#include "store/analytics.h"

#include "common/err.h"
#include "common/util.h"
#include "store/rows.h"

#define DAY_SECONDS 86400
#define WEEK_SECONDS (7 * DAY_SECONDS)

/* Every figure is read from the counter tables of migration 0003, which
 * triggers keep right in the transaction of each write; no query here
 * reads more rows than there are categories, distinct money values per
 * category, skills or weeks.
 * LIMITATION: money averages and medians mix currencies as if they were
 * one, so a marketplace with several currencies gets figures that mean
 * little; grouping the counters by currency would fix it. */

/* A job or profile without a category is counted under category_key 0. */
static const char *sql_jobs_by_category =
    "SELECT NULLIF(a.k, 0) AS category_id,"
    "  COALESCE(c.name, 'Uncategorised') AS name,"
    "  a.open, a.in_progress, a.closed, a.cancelled, a.total"
    " FROM (SELECT category_key AS k,"
    "   CAST(SUM(CASE WHEN status = 'open' THEN jobs ELSE 0 END)"
    "    AS BIGINT) AS open,"
    "   CAST(SUM(CASE WHEN status = 'in_progress' THEN jobs ELSE 0 END)"
    "    AS BIGINT) AS in_progress,"
    "   CAST(SUM(CASE WHEN status = 'closed' THEN jobs ELSE 0 END)"
    "    AS BIGINT) AS closed,"
    "   CAST(SUM(CASE WHEN status = 'cancelled' THEN jobs ELSE 0 END)"
    "    AS BIGINT) AS cancelled,"
    "   CAST(SUM(jobs) AS BIGINT) AS total"
    "  FROM analytics_jobs GROUP BY category_key) a"
    " LEFT JOIN categories c ON c.id = NULLIF(a.k, 0)"
    " WHERE a.total > 0"
    " ORDER BY a.total DESC, name, category_id";

/* Money by category: the count and the average from the per-category
 * count and sum, the median by money_medians_set(), which walks one
 * category's (value -> count) rows in order (sql_*_walk, ?1 the category
 * key) until the running count reaches the middle ranks. Averages and
 * medians are whole cents rounded halves up, in exact integer arithmetic
 * (the values are never negative). A running count by window function
 * took 4 ms over 2,500 values in SQLite; the walk steps through half as
 * many rows of the primary key in a twentieth of that.
 * LIMITATION: the walk reads half of each category's distinct values:
 * 2,566 (category, budget) pairs in all at 100,000 seeded jobs (the seed
 * rounds budgets), but where every budget differs it steps through half
 * of the fixed jobs on every uncached request, far past the 5 ms target
 * at 1,000,000 jobs. Counts per coarse value bucket, walked first, would
 * bound it. */
static const char *sql_rates_by_category =
    "SELECT NULLIF(r.category_key, 0) AS category_id,"
    "  COALESCE(c.name, 'Uncategorised') AS name,"
    "  r.profiles AS freelancers,"
    "  (2 * r.total_cents + r.profiles) / (2 * r.profiles)"
    "   AS avg_hourly_rate_cents"
    " FROM analytics_rates r"
    " LEFT JOIN categories c ON c.id = NULLIF(r.category_key, 0)"
    " WHERE r.profiles > 0"
    " ORDER BY freelancers DESC, name, category_id";

static const char *sql_rates_walk =
    "SELECT value, profiles FROM analytics_rate_values"
    " WHERE category_key = ?1 AND profiles > 0 ORDER BY value";

static const char *sql_budgets_by_category =
    "SELECT NULLIF(b.category_key, 0) AS category_id,"
    "  COALESCE(c.name, 'Uncategorised') AS name,"
    "  b.jobs AS jobs,"
    "  (2 * b.total_cents + b.jobs) / (2 * b.jobs) AS avg_budget_cents"
    " FROM analytics_budgets b"
    " LEFT JOIN categories c ON c.id = NULLIF(b.category_key, 0)"
    " WHERE b.jobs > 0"
    " ORDER BY jobs DESC, name, category_id";

static const char *sql_budgets_walk =
    "SELECT value, jobs FROM analytics_budget_values"
    " WHERE category_key = ?1 AND jobs > 0 ORDER BY value";

/* One row even when there are no proposals; the rate is null when no
 * proposal has been decided. PostgreSQL rounds only NUMERIC to decimals;
 * its SUM of BIGINT is NUMERIC, cast back. */
#define PROPOSALS_SQL(NUM)                                                  \
    "WITH t AS ("                                                           \
    "  SELECT CAST(COALESCE(SUM(proposals), 0) AS BIGINT) AS total,"        \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'accepted' THEN proposals"     \
    "    END), 0) AS BIGINT) AS accepted,"                                  \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'rejected' THEN proposals"     \
    "    END), 0) AS BIGINT) AS rejected,"                                  \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'withdrawn' THEN proposals"    \
    "    END), 0) AS BIGINT) AS withdrawn,"                                 \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN proposals"      \
    "    END), 0) AS BIGINT) AS pending"                                    \
    "  FROM analytics_proposals)"                                           \
    " SELECT total, accepted, rejected, withdrawn, pending,"                \
    "  ROUND(CAST(accepted AS " NUM ") / NULLIF(accepted + rejected, 0), 4)"\
    "   AS acceptance_rate"                                                 \
    " FROM t"

static const char *sql_proposals = PROPOSALS_SQL("REAL");
static const char *sql_proposals_pg = PROPOSALS_SQL("NUMERIC");

/* Ties on the count are broken by name, then id; the index on the count
 * hands the rows over biggest first, so only the tied tail is sorted. */
static const char *sql_top_skills_demand =
    "SELECT s.name AS skill, d.jobs FROM analytics_skill_demand d"
    " JOIN skills s ON s.id = d.skill_id WHERE d.jobs > 0"
    " ORDER BY d.jobs DESC, s.name, s.id LIMIT ?";

static const char *sql_top_skills_supply =
    "SELECT s.name AS skill, d.profiles FROM analytics_skill_supply d"
    " JOIN skills s ON s.id = d.skill_id WHERE d.profiles > 0"
    " ORDER BY d.profiles DESC, s.name, s.id LIMIT ?";

/* ?1 is the first week's start, ?2 the number of weeks; the weeks are
 * generated so that empty ones count as 0. */
static const char *sql_jobs_per_week =
    "WITH RECURSIVE weeks(n, week_start) AS ("
    "  SELECT 0, ?1"
    "  UNION ALL SELECT n + 1, week_start + 604800 FROM weeks"
    "  WHERE n + 1 < ?2)"
    " SELECT w.week_start, COALESCE(a.jobs, 0)"
    " FROM weeks w LEFT JOIN analytics_job_weeks a"
    "  ON a.week_start = w.week_start"
    " ORDER BY w.n";

static const char *sql_totals =
    "SELECT"
    " (SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM analytics_jobs)"
    "  AS jobs,"
    " (SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM analytics_jobs"
    "  WHERE status = 'open') AS open_jobs,"
    " (SELECT CAST(COALESCE(SUM(users), 0) AS BIGINT) FROM analytics_users"
    "  WHERE role = 'freelancer') AS freelancers,"
    " (SELECT CAST(COALESCE(SUM(users), 0) AS BIGINT) FROM analytics_users"
    "  WHERE role = 'client') AS clients,"
    " (SELECT CAST(COALESCE(SUM(contracts), 0) AS BIGINT)"
    "  FROM analytics_contracts) AS contracts,"
    " (SELECT CAST(COALESCE(SUM(contracts), 0) AS BIGINT)"
    "  FROM analytics_contracts WHERE status = 'completed')"
    "  AS completed_contracts";

/* Empties every counter and counts again what the back-fills of
 * migrations 0003 and 0004 count, shaped so that a large database is read
 * as little as possible: groups taken in the order of a covering index
 * (no sort, no visit to the table) and regrouped when the key is
 * COALESCEd; the sums per category derived from the counts per value
 * instead of a second pass over the table. The unary + keeps the budget
 * filter off jobs_status_budget, through which the planner would fetch
 * every job's row out of order instead of reading the table straight. */
static const char *sql_rebuild =
    "DELETE FROM analytics_jobs;"
    "DELETE FROM analytics_budgets;"
    "DELETE FROM analytics_budget_values;"
    "DELETE FROM analytics_rates;"
    "DELETE FROM analytics_rate_values;"
    "DELETE FROM analytics_proposals;"
    "DELETE FROM analytics_users;"
    "DELETE FROM analytics_contracts;"
    "DELETE FROM analytics_skill_demand;"
    "DELETE FROM analytics_skill_supply;"
    "DELETE FROM analytics_job_weeks;"
    "INSERT INTO analytics_jobs (category_key, status, jobs)"
    " SELECT category_key, status, SUM(n) FROM ("
    "  SELECT COALESCE(category_id, 0) AS category_key, status,"
    "   COUNT(*) AS n"
    "  FROM freelance_job_postings GROUP BY status, category_id) AS g"
    " GROUP BY 1, 2;"
    "INSERT INTO analytics_budget_values (category_key, value, jobs)"
    " SELECT COALESCE(category_id, 0), budget_max_cents, COUNT(*)"
    " FROM freelance_job_postings"
    " WHERE budget_type = 'fixed' AND +budget_max_cents IS NOT NULL"
    " GROUP BY 1, 2;"
    "INSERT INTO analytics_budgets (category_key, jobs, total_cents)"
    " SELECT category_key, SUM(jobs), SUM(value * jobs)"
    " FROM analytics_budget_values GROUP BY 1;"
    "INSERT INTO analytics_rate_values (category_key, value, profiles)"
    " SELECT COALESCE(category_id, 0), hourly_rate_cents, COUNT(*)"
    " FROM freelance_profiles WHERE hourly_rate_cents IS NOT NULL"
    " GROUP BY 1, 2;"
    "INSERT INTO analytics_rates (category_key, profiles, total_cents)"
    " SELECT category_key, SUM(profiles), SUM(value * profiles)"
    " FROM analytics_rate_values GROUP BY 1;"
    "INSERT INTO analytics_proposals (status, proposals)"
    " SELECT status, SUM(n) FROM ("
    "  SELECT status, COUNT(*) AS n FROM freelance_proposals"
    "  GROUP BY freelancer_id, status) AS g"
    " GROUP BY 1;"
    "INSERT INTO analytics_users (role, users)"
    " SELECT role, COUNT(*) FROM users GROUP BY 1;"
    "INSERT INTO analytics_contracts (status, contracts)"
    " SELECT status, COUNT(*) FROM freelance_contracts GROUP BY 1;"
    "INSERT INTO analytics_skill_demand (skill_id, jobs)"
    " SELECT js.skill_id, COUNT(*) FROM job_skills js"
    " JOIN freelance_job_postings j ON j.id = js.job_id"
    " WHERE j.status = 'open' GROUP BY 1;"
    "INSERT INTO analytics_skill_supply (skill_id, profiles)"
    " SELECT skill_id, COUNT(*) FROM profile_skills GROUP BY 1;"
    "INSERT INTO analytics_job_weeks (week_start, jobs)"
    " SELECT posted_at"
    "  - ((posted_at - 345600) % 604800 + 604800) % 604800, COUNT(*)"
    " FROM freelance_job_postings GROUP BY 1;"
    /* Not analytics, but kept the same way: the job search's totals. */
    "DELETE FROM job_counts;"
    "INSERT INTO job_counts (status, category_key, level_key, jobs)"
    " SELECT status, category_key, level_key, SUM(n) FROM ("
    "  SELECT status, COALESCE(category_id, 0) AS category_key,"
    "   COALESCE(experience_level, '') AS level_key, COUNT(*) AS n"
    "  FROM freelance_job_postings"
    "  GROUP BY status, category_id, experience_level) AS g"
    " GROUP BY 1, 2, 3;";

int64_t store_analytics_week_start(int64_t now)
{
    int64_t day = now / DAY_SECONDS - (now % DAY_SECONDS < 0);
    int64_t since_monday = ((day + 3) % 7 + 7) % 7;  /* day 0 is a Thursday */

    return (day - since_monday) * DAY_SECONDS;
}

/* Prepares sql, names it for the slow-query log and binds its nargs
 * integer parameters. */
static int prepare_args(db_t *db, const char *sql, const char *name,
                        int nargs, const int64_t *args, db_stmt_t **st)
{
    int rc = db_prepare(db, sql, st);

    if (rc == 0)
        db_stmt_name(*st, name);
    for (int i = 0; rc == 0 && i < nargs; i++)
        rc = db_bind_int64(*st, i + 1, args[i]);
    return rc;
}

/* Sets key in obj to the rows of sql as an array of objects; key also
 * names the statement. */
static int rows_set(db_t *db, const char *sql, int nargs, const int64_t *args,
                    json_t *obj, const char *key)
{
    db_stmt_t *st;
    json_t *rows;
    int rc = prepare_args(db, sql, key, nargs, args, &st);

    if (rc == 0)
        rc = rows_array(st, &rows);
    if (rc < 0)
        return rc;
    return json_object_set_new(obj, key, rows) < 0 ? FH_ENOMEM : 0;
}

/* Sets key in obj to the one row of sql, which takes no parameters; key
 * also names the statement. */
static int row_set(db_t *db, const char *sql, json_t *obj, const char *key)
{
    db_stmt_t *st;
    json_t *row = NULL;
    int rc = prepare_args(db, sql, key, 0, NULL, &st);

    if (rc < 0)
        return rc;
    rc = db_step(st);
    if (rc == 1)
        row = rows_object(st);
    db_reset(st);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return FH_EDB;  /* an aggregate without GROUP BY gives one row */
    return json_object_set_new(obj, key, row) < 0 ? FH_ENOMEM : 0;
}

/* The median of the n values counted under category key k by walk (see
 * sql_rates_by_category): the mean of the values ranked (n+1)/2 and
 * (n+2)/2 in integer division, one rank when n is odd and the middle two
 * when even; the value at rank r is the first whose running count
 * reaches r. */
static int median_walk(db_t *db, const char *walk, int64_t k, int64_t n,
                       int64_t *out)
{
    int64_t lo_rank = (n + 1) / 2, hi_rank = (n + 2) / 2;
    int64_t cum = 0, lo = -1;
    db_stmt_t *st = NULL;
    int rc = prepare_args(db, walk, "analytics_median", 1, &k, &st);

    if (rc < 0)
        return rc;
    while ((rc = db_step(st)) == 1) {
        int64_t v = db_col_int64(st, 0);

        cum += db_col_int64(st, 1);
        if (lo < 0 && cum >= lo_rank)
            lo = v;
        if (cum >= hi_rank) {
            *out = (lo + v + 1) / 2;
            break;
        }
    }
    db_reset(st);
    /* The walk stops on the middle row; running out of rows means that
     * the count and the values disagree, which one snapshot of the
     * counters rules out. */
    return rc == 1 ? 0 : rc < 0 ? rc : FH_EDB;
}

/* Adds median_key to every row of rows (category_id and count_key set),
 * walking each category's values with walk. */
static int money_medians_set(db_t *db, const char *walk, json_t *rows,
                             const char *count_key, const char *median_key)
{
    size_t i;
    json_t *row;

    json_array_foreach(rows, i, row) {
        json_t *cat = json_object_get(row, "category_id");
        int64_t k = json_is_integer(cat) ? json_integer_value(cat) : 0;
        int64_t n = json_integer_value(json_object_get(row, count_key));
        int64_t median = 0;
        int rc = median_walk(db, walk, k, n, &median);

        if (rc < 0)
            return rc;
        if (json_object_set_new(row, median_key, json_integer(median)) < 0)
            return FH_ENOMEM;
    }
    return 0;
}

/* Sets key in obj to the rows of sql (money by category) with the median
 * of each category added as median_key. */
static int money_set(db_t *db, const char *sql, const char *walk,
                     json_t *obj, const char *key, const char *count_key,
                     const char *median_key)
{
    int rc = rows_set(db, sql, 0, NULL, obj, key);

    if (rc == 0)
        rc = money_medians_set(db, walk, json_object_get(obj, key),
                               count_key, median_key);
    return rc;
}

/* Sets new_jobs_per_week: [{week_start, jobs}] for the ANALYTICS_WEEKS
 * weeks ending with the one that holds now, oldest first. */
static int weeks_set(db_t *db, int64_t now, json_t *obj)
{
    int64_t args[2] = {store_analytics_week_start(now) -
                           (ANALYTICS_WEEKS - 1) * (int64_t)WEEK_SECONDS,
                       ANALYTICS_WEEKS};
    json_t *weeks = json_array();
    db_stmt_t *st = NULL;
    int rc;

    if (weeks == NULL)
        return FH_ENOMEM;
    rc = prepare_args(db, sql_jobs_per_week, "new_jobs_per_week", 2, args,
                      &st);
    while (rc == 0 && (rc = db_step(st)) == 1) {
        char start[FH_TIME_BUF];
        fh_time_format(db_col_int64(st, 0), start);
        json_t *week = json_pack("{s:s,s:I}", "week_start", start, "jobs",
                                 (json_int_t)db_col_int64(st, 1));
        rc = json_array_append_new(weeks, week) < 0 ? FH_ENOMEM : 0;
    }
    if (st)
        db_reset(st);
    if (rc == 0 && json_object_set_new(obj, "new_jobs_per_week", weeks) < 0)
        return FH_ENOMEM;
    if (rc < 0)
        json_decref(weeks);
    return rc;
}

/* Adds every aggregate to obj, in the order of the reply. */
static int analytics_fill(db_t *db, int64_t now, json_t *obj)
{
    const int64_t top = ANALYTICS_TOP_SKILLS;
    char at[FH_TIME_BUF];
    int rc;

    rc = rows_set(db, sql_jobs_by_category, 0, NULL, obj, "jobs_by_category");
    if (rc == 0)
        rc = money_set(db, sql_rates_by_category, sql_rates_walk, obj,
                       "rates_by_category", "freelancers",
                       "median_hourly_rate_cents");
    if (rc == 0)
        rc = money_set(db, sql_budgets_by_category, sql_budgets_walk, obj,
                       "budgets_by_category", "jobs", "median_budget_cents");
    if (rc == 0)
        rc = row_set(db, db_pick(db, sql_proposals, sql_proposals_pg), obj,
                     "proposals");
    if (rc == 0)
        rc = rows_set(db, sql_top_skills_demand, 1, &top, obj,
                      "top_skills_demand");
    if (rc == 0)
        rc = rows_set(db, sql_top_skills_supply, 1, &top, obj,
                      "top_skills_supply");
    if (rc == 0)
        rc = weeks_set(db, now, obj);
    if (rc == 0)
        rc = row_set(db, sql_totals, obj, "totals");
    if (rc < 0)
        return rc;
    fh_time_format(now, at);
    return json_object_set_new(obj, "generated_at", json_string(at)) < 0
               ? FH_ENOMEM : 0;
}

int store_analytics_marketplace(db_t *db, int64_t now, json_t **out)
{
    json_t *obj = json_object();
    int rc;

    if (obj == NULL)
        return FH_ENOMEM;
    rc = db_begin_read(db);
    if (rc < 0)
        goto fail_begin;
    rc = analytics_fill(db, now, obj);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto fail;
    *out = obj;
    return 0;

fail:
    db_rollback(db);
fail_begin:
    json_decref(obj);
    return rc;
}

const char *store_analytics_rebuild_sql(void)
{
    return sql_rebuild;
}

int store_analytics_rebuild(db_t *db)
{
    int rc = db_begin(db);

    if (rc < 0)
        return rc;
    rc = db_exec(db, sql_rebuild);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        db_rollback(db);
    return rc;
}
