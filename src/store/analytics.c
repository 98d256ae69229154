#include "store/analytics.h"

#include "common/err.h"
#include "common/util.h"
#include "store/rows.h"

#define DAY_SECONDS 86400
#define WEEK_SECONDS (7 * DAY_SECONDS)

/* LIMITATION: every aggregate is recomputed from the tables on each call
 * (scans of all jobs, proposals and profiles), and money averages and
 * medians mix currencies as if they were one. A call took about 0.9 s with
 * 100,000 jobs and 320,000 proposals on a 2-core machine, so past small
 * marketplaces only the response cache (CACHE_TTL_ANALYTICS) keeps this
 * endpoint fast, and a marketplace with several currencies gets averages
 * that mean little. Counters kept current by the writes would fix the
 * first, grouping by currency the second. */

/* Jobs counted by status with the covering index (status, category_id,
 * ...), then turned into one row per category. */
static const char *sql_jobs_by_category =
    "WITH g AS ("
    "  SELECT category_id, status, COUNT(*) AS n"
    "  FROM freelance_job_postings GROUP BY status, category_id)"
    " SELECT g.category_id, COALESCE(c.name, 'Uncategorised') AS name,"
    "  CAST(SUM(CASE WHEN g.status = 'open' THEN g.n ELSE 0 END) AS BIGINT) AS open,"
    "  CAST(SUM(CASE WHEN g.status = 'in_progress' THEN g.n ELSE 0 END) AS BIGINT)"
    "   AS in_progress,"
    "  CAST(SUM(CASE WHEN g.status = 'closed' THEN g.n ELSE 0 END) AS BIGINT) AS closed,"
    "  CAST(SUM(CASE WHEN g.status = 'cancelled' THEN g.n ELSE 0 END) AS BIGINT)"
    "   AS cancelled,"
    "  CAST(SUM(g.n) AS BIGINT) AS total"
    " FROM g LEFT JOIN categories c ON c.id = g.category_id"
    " GROUP BY g.category_id, c.name"
    " ORDER BY total DESC, name, g.category_id";

/* Medians: each value's rank in its category and the size of the category,
 * from one window (one sort); the median is the mean of the values ranked
 * (n+1)/2 and (n+2)/2 in integer division, one rank when n is odd and the
 * middle two when even. Equal values may take their ranks in any order
 * without changing the result. Averages and medians are rounded to whole
 * cents, halves up. */
static const char *sql_rates_by_category =
    "WITH r AS ("
    "  SELECT category_id, hourly_rate_cents AS v,"
    "   ROW_NUMBER() OVER w AS rn,"
    "   COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING"
    "    AND UNBOUNDED FOLLOWING) AS n"
    "  FROM freelance_profiles WHERE hourly_rate_cents IS NOT NULL"
    "  WINDOW w AS (PARTITION BY category_id ORDER BY hourly_rate_cents))"
    " SELECT r.category_id, COALESCE(c.name, 'Uncategorised') AS name,"
    "  COUNT(*) AS freelancers,"
    "  CAST(ROUND(AVG(r.v)) AS BIGINT) AS avg_hourly_rate_cents,"
    "  CAST(ROUND(AVG(CASE WHEN r.rn IN ((r.n + 1) / 2, (r.n + 2) / 2)"
    "   THEN r.v END)) AS BIGINT) AS median_hourly_rate_cents"
    " FROM r LEFT JOIN categories c ON c.id = r.category_id"
    " GROUP BY r.category_id, c.name"
    " ORDER BY freelancers DESC, name, r.category_id";

static const char *sql_budgets_by_category =
    "WITH b AS ("
    "  SELECT category_id, budget_max_cents AS v,"
    "   ROW_NUMBER() OVER w AS rn,"
    "   COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING"
    "    AND UNBOUNDED FOLLOWING) AS n"
    "  FROM freelance_job_postings"
    "  WHERE budget_type = 'fixed' AND budget_max_cents IS NOT NULL"
    "  WINDOW w AS (PARTITION BY category_id ORDER BY budget_max_cents))"
    " SELECT b.category_id, COALESCE(c.name, 'Uncategorised') AS name,"
    "  COUNT(*) AS jobs,"
    "  CAST(ROUND(AVG(b.v)) AS BIGINT) AS avg_budget_cents,"
    "  CAST(ROUND(AVG(CASE WHEN b.rn IN ((b.n + 1) / 2, (b.n + 2) / 2)"
    "   THEN b.v END)) AS BIGINT) AS median_budget_cents"
    " FROM b LEFT JOIN categories c ON c.id = b.category_id"
    " GROUP BY b.category_id, c.name"
    " ORDER BY jobs DESC, name, b.category_id";

/* One row even when there are no proposals; the rate is null when no
 * proposal has been decided. */
#define PROPOSALS_SQL(NUM)                                                  \
    "WITH s AS ("                                                           \
    "  SELECT status, COUNT(*) AS n FROM freelance_proposals"               \
    "  GROUP BY status),"                                                   \
    " t AS ("                                                               \
    "  SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS total,"                \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'accepted' THEN n END), 0)"    \
    "    AS BIGINT) AS accepted,"                                           \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'rejected' THEN n END), 0)"    \
    "    AS BIGINT) AS rejected,"                                           \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'withdrawn' THEN n END), 0)"   \
    "    AS BIGINT) AS withdrawn,"                                          \
    "   CAST(COALESCE(SUM(CASE WHEN status = 'pending' THEN n END), 0)"     \
    "    AS BIGINT) AS pending"                                             \
    "  FROM s)"                                                             \
    " SELECT total, accepted, rejected, withdrawn, pending,"                \
    "  ROUND(CAST(accepted AS " NUM ") / NULLIF(accepted + rejected, 0), 4)"\
    "   AS acceptance_rate"                                                 \
    " FROM t"

/* PostgreSQL rounds only NUMERIC to decimals. */
static const char *sql_proposals = PROPOSALS_SQL("REAL");
static const char *sql_proposals_pg = PROPOSALS_SQL("NUMERIC");

static const char *sql_top_skills_demand =
    "SELECT s.name AS skill, d.jobs FROM ("
    "  SELECT js.skill_id, COUNT(*) AS jobs FROM job_skills js"
    "  JOIN freelance_job_postings j ON j.id = js.job_id"
    "  WHERE j.status = 'open' GROUP BY js.skill_id) d"
    " JOIN skills s ON s.id = d.skill_id"
    " ORDER BY d.jobs DESC, s.name, s.id LIMIT ?";

static const char *sql_top_skills_supply =
    "SELECT s.name AS skill, d.profiles FROM ("
    "  SELECT skill_id, COUNT(*) AS profiles FROM profile_skills"
    "  GROUP BY skill_id) d"
    " JOIN skills s ON s.id = d.skill_id"
    " ORDER BY d.profiles DESC, s.name, s.id LIMIT ?";

/* ?1 is the first week's start, ?2 the number of weeks. Naming every
 * status (the column allows no others) lets each count be a range on
 * (status, posted_at); the weeks are generated so that empty ones count
 * as 0. */
static const char *sql_jobs_per_week =
    "WITH RECURSIVE weeks(n, week_start) AS ("
    "  SELECT 0, ?1"
    "  UNION ALL SELECT n + 1, week_start + 604800 FROM weeks"
    "  WHERE n + 1 < ?2),"
    " counts(n, jobs) AS ("
    "  SELECT (posted_at - ?1) / 604800, COUNT(*)"
    "  FROM freelance_job_postings"
    "  WHERE status IN ('open', 'in_progress', 'closed', 'cancelled')"
    "   AND posted_at >= ?1 AND posted_at < ?1 + ?2 * 604800"
    "  GROUP BY 1)"
    " SELECT w.week_start, COALESCE(c.jobs, 0)"
    " FROM weeks w LEFT JOIN counts c ON c.n = w.n ORDER BY w.n";

static const char *sql_totals =
    "SELECT"
    " (SELECT COUNT(*) FROM freelance_job_postings) AS jobs,"
    " (SELECT COUNT(*) FROM freelance_job_postings WHERE status = 'open')"
    "  AS open_jobs,"
    " (SELECT COUNT(*) FROM users WHERE role = 'freelancer') AS freelancers,"
    " (SELECT COUNT(*) FROM users WHERE role = 'client') AS clients,"
    " (SELECT COUNT(*) FROM freelance_contracts) AS contracts,"
    " (SELECT COUNT(*) FROM freelance_contracts WHERE status = 'completed')"
    "  AS completed_contracts";

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
        rc = rows_set(db, sql_rates_by_category, 0, NULL, obj,
                      "rates_by_category");
    if (rc == 0)
        rc = rows_set(db, sql_budgets_by_category, 0, NULL, obj,
                      "budgets_by_category");
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
