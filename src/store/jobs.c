#include "store/jobs.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"
#include "store/catalog.h"
#include "store/dialect.h"
#include "store/rows.h"

/* ---- reading one job ---- */

/* The columns of a job as the API shows it, with the description column
 * (whole, or a snippet) given by the caller. The nested objects come out of
 * *_json columns (see rows.h); a job with no category gets JSON null. The
 * per-row subqueries run only for the rows returned, after OFFSET. */
#define JOB_COLUMNS(OBJ, SKILLS, description)                               \
    "SELECT j.id,"                                                          \
    " (SELECT " OBJ "('id', u.id, 'name', u.name,"                          \
    "   'country', COALESCE(j.client_country, u.country))"                  \
    "  FROM users u WHERE u.id = j.client_id) AS client_json,"              \
    " j.title, " description ","                                            \
    " COALESCE((SELECT " OBJ "('id', c.id, 'name', c.name)"                 \
    "  FROM categories c WHERE c.id = j.category_id), 'null')"              \
    "  AS category_json,"                                                   \
    " j.budget_type, j.budget_min_cents, j.budget_max_cents, j.currency,"   \
    " j.experience_level, j.status, " SKILLS " AS skills_json,"             \
    " j.proposal_count, j.posted_at, j.updated_at"
/* The job's skill names in the order of their ids. On PostgreSQL each name
 * is looked up by its key: a join lets the planner hash the whole skills
 * table once per job. */
#define SQ_JOB_SKILLS                                                       \
    "(SELECT json_group_array(sn) FROM"                                     \
    "  (SELECT s.name AS sn FROM job_skills js"                             \
    "   JOIN skills s ON s.id = js.skill_id"                                \
    "   WHERE js.job_id = j.id ORDER BY js.skill_id))"
#define PG_JOB_SKILLS                                                       \
    "(SELECT json_agg((SELECT s.name FROM skills s WHERE s.id = js.skill_id)"\
    "   ORDER BY js.skill_id)"                                              \
    "  FROM job_skills js WHERE js.job_id = j.id)"
#define SQ_JOB_COLUMNS(description) \
    JOB_COLUMNS(SQ_JSON_OBJECT, SQ_JOB_SKILLS, description)
#define PG_JOB_COLUMNS(description) \
    JOB_COLUMNS(PG_JSON_OBJECT, PG_JOB_SKILLS, description)

static const char *sql_job_get =
    SQ_JOB_COLUMNS("j.description")
    " FROM freelance_job_postings j WHERE j.id = ?";
static const char *sql_job_get_pg =
    PG_JOB_COLUMNS("j.description")
    " FROM freelance_job_postings j WHERE j.id = ?";

int store_job_get(db_t *db, int64_t job_id, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, db_pick(db, sql_job_get, sql_job_get_pg), &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "job_get");
    db_bind_int64(st, 1, job_id);
    return rows_one(st, out);
}

static const char *sql_job_owner =
    "SELECT client_id FROM freelance_job_postings WHERE id = ?";

int store_job_owner(db_t *db, int64_t job_id, int64_t *client_id)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_job_owner, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    rc = db_step(st);
    if (rc == 1) {
        *client_id = db_col_int64(st, 0);
        rc = 0;
    } else if (rc == 0) {
        rc = FH_ENOTFOUND;
    }
    db_reset(st);
    return rc;
}

/* ---- writing ---- */

/* Binds a member of values: a string, an integer, or NULL when the member
 * is absent or null. */
static void bind_member(db_stmt_t *st, int idx, json_t *values,
                        const char *name)
{
    json_t *v = json_object_get(values, name);

    if (json_is_integer(v))
        db_bind_int64(st, idx, (int64_t)json_integer_value(v));
    else if (json_is_string(v))
        db_bind_text(st, idx, json_string_value(v));
    else
        db_bind_null(st, idx);
}

/* Checks what the body checks cannot: the category exists and the budget
 * range is not upside down. FH_EINVAL sets *field. */
static int values_check(db_t *db, json_t *values, const char **field)
{
    json_t *cat = json_object_get(values, "category_id");
    json_t *lo = json_object_get(values, "budget_min_cents");
    json_t *hi = json_object_get(values, "budget_max_cents");

    if (json_is_integer(cat)) {
        int rc = store_category_exists(db, json_integer_value(cat));
        if (rc == FH_ENOTFOUND) {
            *field = "category_id";
            return FH_EINVAL;
        }
        if (rc < 0)
            return rc;
    }
    if (json_is_integer(lo) && json_is_integer(hi) &&
        json_integer_value(lo) > json_integer_value(hi)) {
        *field = "budget_max_cents";
        return FH_EINVAL;
    }
    return 0;
}

static const char *sql_skills_clear = "DELETE FROM job_skills WHERE job_id = ?";
static const char *sql_skill_add =
    "INSERT INTO job_skills (job_id, skill_id) VALUES (?, ?)";

/* Makes the job's skills the ones named in names (created when missing).
 * A blank name is FH_EINVAL with *field "skills". */
static int skills_replace(db_t *db, int64_t job_id, json_t *names,
                          const char **field)
{
    json_t *ids = NULL, *id;
    db_stmt_t *st;
    size_t i;
    int rc;

    rc = db_prepare(db, sql_skills_clear, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    rc = db_run(st);
    if (rc < 0)
        return rc;

    rc = store_skills_resolve(db, names, &ids);
    if (rc == FH_EINVAL)
        *field = "skills";
    if (rc < 0)
        return rc;
    json_array_foreach(ids, i, id) {
        rc = db_prepare(db, sql_skill_add, &st);
        if (rc < 0)
            break;
        db_bind_int64(st, 1, job_id);
        db_bind_int64(st, 2, (int64_t)json_integer_value(id));
        rc = db_run(st);
        if (rc < 0)
            break;
    }
    json_decref(ids);
    return rc;
}

static const char *sql_job_insert =
    "INSERT INTO freelance_job_postings (client_id, title, description,"
    " category_id, budget_type, budget_min_cents, budget_max_cents, currency,"
    " experience_level, client_country, posted_at, updated_at)"
    " SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, u.country, ?10, ?10"
    " FROM users u WHERE u.id = ?1"
    " RETURNING id";

/* Inserts the job row from values; *id_out gets its id. */
static int job_insert(db_t *db, int64_t client_id, json_t *values,
                      int64_t *id_out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_job_insert, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "job_insert");
    db_bind_int64(st, 1, client_id);
    bind_member(st, 2, values, "title");
    bind_member(st, 3, values, "description");
    bind_member(st, 4, values, "category_id");
    bind_member(st, 5, values, "budget_type");
    bind_member(st, 6, values, "budget_min_cents");
    bind_member(st, 7, values, "budget_max_cents");
    bind_member(st, 8, values, "currency");
    bind_member(st, 9, values, "experience_level");
    db_bind_int64(st, 10, fh_now());
    rc = db_step(st);
    if (rc == 1)
        *id_out = db_col_int64(st, 0);
    db_reset(st);
    if (rc == 0)
        return FH_ENOTFOUND;  /* the client vanished */
    return rc < 0 ? rc : 0;
}

int store_job_create(db_t *db, int64_t client_id, json_t *body,
                     const char **field, json_t **out)
{
    json_t *values = json_pack("{ss ss}", "description", "",
                               "currency", "USD");
    json_t *skills = json_object_get(body, "skills");
    json_t *job = NULL;
    int64_t job_id = 0;
    int rc;

    if (values == NULL || json_object_update(values, body) < 0) {
        json_decref(values);
        return FH_ENOMEM;
    }
    rc = db_begin(db);
    if (rc < 0)
        goto out;
    rc = values_check(db, values, field);
    if (rc == 0)
        rc = job_insert(db, client_id, values, &job_id);
    if (rc == 0 && skills != NULL)
        rc = skills_replace(db, job_id, skills, field);
    if (rc == 0)
        rc = store_job_get(db, job_id, &job);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        json_decref(job);
        goto out;
    }
    *out = job;
out:
    json_decref(values);
    return rc;
}

static const char *sql_job_editable =
    "SELECT client_id, status, title, description, category_id, budget_type,"
    " budget_min_cents, budget_max_cents, currency, experience_level"
    " FROM freelance_job_postings WHERE id = ?";

/* Inside a write transaction: loads the editable fields of job_id when
 * client_id owns it and it is open, as an object in *out (NULL: not
 * wanted). FH_ENOTFOUND, FH_EFORBIDDEN or FH_ECONFLICT otherwise. */
static int job_load_own_open(db_t *db, int64_t job_id, int64_t client_id,
                             json_t **out)
{
    json_t *row = NULL;
    db_stmt_t *st;
    int rc = db_prepare(db, sql_job_editable, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    rc = db_step(st);
    if (rc == 0) {
        rc = FH_ENOTFOUND;
    } else if (rc == 1) {
        if (db_col_int64(st, 0) != client_id)
            rc = FH_EFORBIDDEN;
        else if (strcmp(db_col_text(st, 1), "open") != 0)
            rc = FH_ECONFLICT;
        else if (out == NULL)
            rc = 0;
        else
            rc = (row = rows_object(st)) ? 0 : FH_ENOMEM;
    }
    db_reset(st);
    if (rc == 0 && out != NULL) {
        json_object_del(row, "client_id");
        json_object_del(row, "status");
        *out = row;
    }
    return rc;
}

static const char *sql_job_rewrite =
    "UPDATE freelance_job_postings SET title = ?2, description = ?3,"
    " category_id = ?4, budget_type = ?5, budget_min_cents = ?6,"
    " budget_max_cents = ?7, currency = ?8, experience_level = ?9,"
    " updated_at = ?10"
    " WHERE id = ?1";

static int job_rewrite(db_t *db, int64_t job_id, json_t *values)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_job_rewrite, &st);

    if (rc < 0)
        return rc;
    db_stmt_name(st, "job_rewrite");
    db_bind_int64(st, 1, job_id);
    bind_member(st, 2, values, "title");
    bind_member(st, 3, values, "description");
    bind_member(st, 4, values, "category_id");
    bind_member(st, 5, values, "budget_type");
    bind_member(st, 6, values, "budget_min_cents");
    bind_member(st, 7, values, "budget_max_cents");
    bind_member(st, 8, values, "currency");
    bind_member(st, 9, values, "experience_level");
    db_bind_int64(st, 10, fh_now());
    return db_run(st);
}

int store_job_update(db_t *db, int64_t job_id, int64_t client_id,
                     json_t *patch, const char **field, json_t **out)
{
    json_t *skills = json_object_get(patch, "skills");
    json_t *values = NULL, *job = NULL;
    int rc;

    rc = db_begin(db);
    if (rc < 0)
        return rc;
    rc = job_load_own_open(db, job_id, client_id, &values);
    if (rc < 0)
        goto rollback;

    /* The patch wins member by member; a null clears the column. */
    if (json_object_update(values, patch) < 0) {
        rc = FH_ENOMEM;
        goto rollback;
    }
    rc = values_check(db, values, field);
    if (rc == 0)
        rc = job_rewrite(db, job_id, values);
    if (rc == 0 && skills != NULL)
        rc = skills_replace(db, job_id, skills, field);
    if (rc == 0)
        rc = store_job_get(db, job_id, &job);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    json_decref(values);
    *out = job;
    return 0;

rollback:
    db_rollback(db);
    json_decref(values);
    json_decref(job);
    return rc;
}

static const char *sql_job_close =
    "UPDATE freelance_job_postings SET status = 'closed', updated_at = ?2"
    " WHERE id = ?1";
static const char *sql_job_reject_pending =
    "UPDATE freelance_proposals SET status = 'rejected', updated_at = ?2"
    " WHERE job_posting_id = ?1 AND status = 'pending'";

/* Runs one of the close statements on job_id at time now. */
static int run_close_step(db_t *db, const char *sql, int64_t job_id,
                          int64_t now)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    db_bind_int64(st, 2, now);
    return db_run(st);
}

int store_job_close(db_t *db, int64_t job_id, int64_t client_id,
                    json_t **out)
{
    int64_t now = fh_now();
    json_t *job = NULL;
    int rc;

    rc = db_begin(db);
    if (rc < 0)
        return rc;
    rc = job_load_own_open(db, job_id, client_id, NULL);
    if (rc == 0)
        rc = run_close_step(db, sql_job_close, job_id, now);
    if (rc == 0)
        rc = run_close_step(db, sql_job_reject_pending, job_id, now);
    if (rc == 0)
        rc = store_job_get(db, job_id, &job);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        json_decref(job);
        return rc;
    }
    *out = job;
    return 0;
}

/* ---- a job's proposals ---- */

#define PROPOSAL_COLUMNS(OBJ, AVG2)                                         \
    "SELECT p.id, p.job_posting_id, p.freelancer_id, p.cover_letter,"       \
    " p.bid_amount_cents, p.currency, p.estimated_duration_days, p.status," \
    " p.created_at, p.updated_at,"                                          \
    " " OBJ "('id', f.id, 'name', u.name, 'title', f.title,"                \
    "  'rating', " OBJ "('average', CASE WHEN f.rating_count > 0"           \
    "   THEN " AVG2("f.rating_sum", "f.rating_count") " END,"               \
    "   'count', f.rating_count)) AS freelancer_json"                       \
    " FROM freelance_proposals p"                                           \
    " JOIN freelance_profiles f ON f.id = p.freelancer_id"                  \
    " JOIN users u ON u.id = f.user_id"
#define PROPOSALS_PAGE(OBJ, AVG2)                                           \
    PROPOSAL_COLUMNS(OBJ, AVG2) " WHERE p.job_posting_id = ?1"              \
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ?3 OFFSET ?4"
#define PROPOSALS_PAGE_STATUS(OBJ, AVG2)                                    \
    PROPOSAL_COLUMNS(OBJ, AVG2)                                             \
    " WHERE p.job_posting_id = ?1 AND p.status = ?2"                        \
    " ORDER BY p.created_at DESC, p.id DESC LIMIT ?3 OFFSET ?4"

static const char *sql_proposals_page = PROPOSALS_PAGE(SQ_JSON_OBJECT, SQ_AVG2);
static const char *sql_proposals_page_pg =
    PROPOSALS_PAGE(PG_JSON_OBJECT, PG_AVG2);
static const char *sql_proposals_page_status =
    PROPOSALS_PAGE_STATUS(SQ_JSON_OBJECT, SQ_AVG2);
static const char *sql_proposals_page_status_pg =
    PROPOSALS_PAGE_STATUS(PG_JSON_OBJECT, PG_AVG2);
static const char *sql_proposals_count =
    "SELECT COUNT(*) FROM freelance_proposals WHERE job_posting_id = ?1";
static const char *sql_proposals_count_status =
    "SELECT COUNT(*) FROM freelance_proposals"
    " WHERE job_posting_id = ?1 AND status = ?2";

/* Runs a COUNT(*) statement bound with job_id and, when given, status. */
static int proposals_count(db_t *db, const char *sql, int64_t job_id,
                           const char *status, int64_t *total)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, job_id);
    if (status)
        db_bind_text(st, 2, status);
    rc = db_step(st);
    if (rc == 1)
        *total = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}

int store_job_proposals(db_t *db, int64_t job_id, const char *status,
                        int64_t limit, int64_t offset, json_t **items,
                        int64_t *total)
{
    db_stmt_t *st;
    int rc;

    rc = db_begin_read(db);
    if (rc < 0)
        return rc;
    rc = proposals_count(db, status ? sql_proposals_count_status
                                    : sql_proposals_count,
                         job_id, status, total);
    if (rc == 0)
        rc = db_prepare(db, status ? db_pick(db, sql_proposals_page_status,
                                             sql_proposals_page_status_pg)
                                   : db_pick(db, sql_proposals_page,
                                             sql_proposals_page_pg), &st);
    if (rc == 0) {
        db_stmt_name(st, "job_proposals");
        db_bind_int64(st, 1, job_id);
        if (status)
            db_bind_text(st, 2, status);
        db_bind_int64(st, 3, limit);
        db_bind_int64(st, 4, offset);
        rc = rows_array(st, items);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        return rc;
    }
    return 0;
}

/* ---- search ---- */

/* Whether an ASCII byte separates tokens for the jobs_fts tokenizer
 * (unicode61, tokenchars '+#'); other bytes are compared as they are. */
static bool is_token_gap(unsigned char c)
{
    return c < 0x80 && c != '+' && c != '#' &&
           !((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

/* Whether words [a, a_end) and [b, b_end) give the tokenizer the same
 * tokens: they differ at most in ASCII case and in the ASCII punctuation
 * around and between their tokens ("Go", "go," and "(go)"). Conservative:
 * words that differ in other characters count as different. */
static bool same_tokens(const unsigned char *a, const unsigned char *a_end,
                        const unsigned char *b, const unsigned char *b_end)
{
    for (;;) {
        while (a < a_end && is_token_gap(*a))
            a++;
        while (b < b_end && is_token_gap(*b))
            b++;
        if (a == a_end || b == b_end)
            return a == a_end && b == b_end;
        for (; a < a_end && !is_token_gap(*a); a++, b++) {
            if (b == b_end || is_token_gap(*b))
                return false;
            unsigned char x = *a, y = *b;
            if (x >= 'A' && x <= 'Z')
                x |= 0x20;
            if (y >= 'A' && y <= 'Z')
                y |= 0x20;
            if (x != y)
                return false;
        }
        if (b < b_end && !is_token_gap(*b))
            return false;
    }
}

int store_jobs_match_text(const char *text, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)text;
    const unsigned char *seen[JOBS_TEXT_WORDS_MAX + 1][2];
    size_t used = 0;
    int words = 0;

    if (cap == 0)
        return 0;
    while (*p && words <= JOBS_TEXT_WORDS_MAX) {
        const unsigned char *start, *end;
        bool wordy = false, repeated = false;
        size_t need = 3;  /* two quotes and a separating space */

        while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
            p++;
        start = p;
        while (*p && *p != ' ' && !(*p >= '\t' && *p <= '\r')) {
            /* LIMITATION: every non-ASCII character counts as a letter, so
             * a word made only of non-ASCII punctuation (an em dash) is
             * searched for and matches nothing, where ASCII punctuation
             * alone means no text filter. Bites only on such text. */
            if ((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' &&
                (*p | 0x20) <= 'z') || *p >= 0x80)
                wordy = true;
            need += *p == '"' ? 2 : 1;
            p++;
        }
        end = p;
        /* A repeated word adds nothing to the AND but one more phrase that
         * every match is checked and ranked against. */
        for (int i = 0; wordy && i < words && !repeated; i++)
            repeated = same_tokens(start, end, seen[i][0], seen[i][1]);
        if (!wordy || repeated)
            continue;
        if (used + need >= cap)
            break;  /* out of room: the words left are dropped */
        if (used > 0)
            out[used++] = ' ';
        out[used++] = '"';
        for (const unsigned char *c = start; c < end; c++) {
            if (*c == '"')
                out[used++] = '"';
            out[used++] = (char)*c;
        }
        out[used++] = '"';
        seen[words][0] = start;
        seen[words][1] = end;
        words++;
    }
    out[used] = '\0';
    return words;
}

/* Which optional filters a search has: each combination has SQL texts of
 * its own, so that every statement names only the columns it filters on
 * and the planner can read the matching index in order. */
enum {
    F_CATEGORY = 1 << 0,
    F_LEVEL = 1 << 1,
    F_SKILL = 1 << 2,
    F_BUDGET = 1 << 3,
    F_POSTED = 1 << 4,
    F_TEXT = 1 << 5,
    F_DRIVE = 1 << 6,   /* read the skill's jobs first (skill, no text) */
    F_COMBOS = 1 << 7,
};
#define JOB_SORTS 4

/* A skill filter is read one of two ways. Its jobs first, then sorted: the
 * count always (its cost follows the skill's jobs, not all jobs), and the
 * page when at most this many rows match. Otherwise the page walks the
 * sort order and probes each job's skills, which finds a page of a common
 * skill after a few rows. */
#define JOBS_SKILL_DRIVE_MAX 2000

/* Parameters are numbered so that every variant binds the same way:
 * ?1 status, ?2 text, ?3 category, ?4 level, ?5 skill, ?6 and ?7 the
 * budget bounds, ?8 posted_after, ?9 limit, ?10 offset. */
static const struct {
    unsigned flag;
    const char *name;
    const char *sql;
} search_filters[] = {
    {F_CATEGORY, "category", " AND j.category_id = ?3"},
    {F_LEVEL, "level", " AND j.experience_level = ?4"},
    {F_SKILL, "skill",
     " AND EXISTS (SELECT 1 FROM job_skills js"
     " WHERE js.job_id = j.id AND js.skill_id = ?5)"},
    /* Either budget bound keeps only jobs with both bounds stated; the
     * missing bound is bound to the widest value. */
    {F_BUDGET, "budget",
     " AND j.budget_max_cents >= ?6 AND j.budget_min_cents <= ?7"},
    {F_POSTED, "posted_after", " AND j.posted_at > ?8"},
};

static const char *const search_sort_names[JOB_SORTS] = {
    "newest", "budget_asc", "budget_desc", "relevance",
};

static const char *const search_orders[JOB_SORTS] = {
    " ORDER BY j.posted_at DESC, j.id DESC",
    " ORDER BY j.budget_max_cents ASC NULLS LAST, j.id ASC",
    " ORDER BY j.budget_max_cents DESC NULLS LAST, j.id DESC",
    NULL,  /* by the dialect's rank, then j.id DESC */
};

/* Two-step variants page through ids first; the outer query orders the
 * page's rows again by the same keys (relevance by the rank carried out). */
static const char *const search_outer_orders[JOB_SORTS] = {
    " ORDER BY j.posted_at DESC, j.id DESC",
    " ORDER BY j.budget_max_cents ASC NULLS LAST, j.id ASC",
    " ORDER BY j.budget_max_cents DESC NULLS LAST, j.id DESC",
    " ORDER BY p.prank, j.id DESC",
};

static const char *search_from =
    " FROM freelance_job_postings j WHERE j.status = ?1";

/* What the search statements of one engine spell their own way. */
typedef struct search_dialect {
    const char *columns;
    const char *from_text;   /* the text's matches, with ?1 and ?2 */
    const char *from_skill;  /* the skill's jobs first, with ?1 and ?5 */
    const char *rank;        /* relevance, best first in ascending order */
    bool one_step;           /* index-ordered variants read their page
                              * straight from the index (see add_page) */
} search_dialect_t;

#define SEARCH_SNIPPET "substr(j.description, 1, 200) AS description_snippet"

static const search_dialect_t search_dialects[2] = {
    /* CROSS JOIN keeps the join order in SQLite. The text's matches come
     * first: with the jobs outside, each job would run the MATCH again. */
    [DB_SQLITE] = {
        SQ_JOB_COLUMNS(SEARCH_SNIPPET),
        " FROM jobs_fts CROSS JOIN freelance_job_postings j"
        " ON j.id = jobs_fts.rowid WHERE jobs_fts MATCH ?2 AND j.status = ?1",
        " FROM job_skills js CROSS JOIN freelance_job_postings j"
        " ON j.id = js.job_id WHERE js.skill_id = ?5 AND j.status = ?1",
        "bm25(jobs_fts, 4.0, 1.0)",
        true,
    },
    /* The generated search_vector weighs the title (A) above the
     * description (B); ts_rank is higher for better matches.
     * LIMITATION: the words are ANDed like FTS5's phrases, but the parts of
     * one hyphenated or punctuated word ("full-stack") need not stand next
     * to each other as FTS5 requires, so a few more jobs match on
     * PostgreSQL. Bites only on searches for such words. */
    [DB_POSTGRES] = {
        PG_JOB_COLUMNS(SEARCH_SNIPPET),
        " FROM freelance_job_postings j"
        " WHERE j.search_vector @@"
        " plainto_tsquery('simple', fh_search_text(?2))"
        " AND j.status = ?1",
        " FROM job_skills js JOIN freelance_job_postings j"
        " ON j.id = js.job_id WHERE js.skill_id = ?5 AND j.status = ?1",
        "-ts_rank(j.search_vector,"
        " plainto_tsquery('simple', fh_search_text(?2)))",
        /* PostgreSQL computes the per-row subqueries of the columns for
         * every row an OFFSET skips: pages always go through ids first. */
        false,
    },
};

/* Built once by search_build(), per engine; never freed, like string
 * literals. */
static const char *search_sql[2][F_COMBOS][JOB_SORTS];  /* NULL: no such */
static const char *search_names[F_COMBOS][JOB_SORTS];
static const char *count_sql[2][F_COMBOS];
static const char *count_names[F_COMBOS];
static int search_build_rc;
static pthread_once_t search_once = PTHREAD_ONCE_INIT;

typedef struct strbuf {
    char *s;
    size_t len, cap;
    bool failed;
} strbuf_t;

static void sb_add(strbuf_t *b, const char *s)
{
    size_t n = strlen(s);

    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

/* The finished string, or NULL when an allocation failed. */
static const char *sb_take(strbuf_t *b)
{
    if (b->failed) {
        free(b->s);
        return NULL;
    }
    return b->s;
}

/* FROM and WHERE of the combination flags, into b. */
static void add_where(strbuf_t *b, const search_dialect_t *d, unsigned flags)
{
    if (flags & F_TEXT)
        sb_add(b, d->from_text);
    else if (flags & F_DRIVE)
        sb_add(b, d->from_skill);  /* which holds the skill filter */
    else
        sb_add(b, search_from);
    for (size_t i = 0; i < sizeof(search_filters) / sizeof(search_filters[0]);
         i++) {
        unsigned flag = search_filters[i].flag;
        if ((flags & flag) && !(flag == F_SKILL && (flags & F_DRIVE)))
            sb_add(b, search_filters[i].sql);
    }
}

/* "jobs_search+category+level:newest" and the like, for slow-query logs. */
static const char *variant_name(const char *stem, unsigned flags,
                                const char *sort)
{
    strbuf_t b = {0};

    sb_add(&b, stem);
    if (flags & F_TEXT)
        sb_add(&b, "+text");
    for (size_t i = 0; i < sizeof(search_filters) / sizeof(search_filters[0]);
         i++) {
        if (flags & search_filters[i].flag) {
            sb_add(&b, "+");
            sb_add(&b, search_filters[i].name);
        }
    }
    if (flags & F_DRIVE)
        sb_add(&b, "(first)");
    if (sort) {
        sb_add(&b, ":");
        sb_add(&b, sort);
    }
    return sb_take(&b);
}

/* True when an index hands out the rows of the variant in its order. Such
 * a page is read straight from the index. The others sort their matches,
 * and SQLite builds every result column of every match before it sorts, so
 * they page through ids first and build the columns of the page's rows
 * only. */
static bool variant_is_index_ordered(unsigned flags, int sort)
{
    if (sort == JOB_SORT_NEWEST)
        return !(flags & (F_TEXT | F_SKILL | F_BUDGET));
    if (sort == JOB_SORT_BUDGET_ASC || sort == JOB_SORT_BUDGET_DESC)
        return !(flags & ~(unsigned)(F_BUDGET | F_CATEGORY));
    return false;
}

/* The ORDER BY of a sort, into b. */
static void add_order(strbuf_t *b, const search_dialect_t *d, int sort)
{
    if (sort != JOB_SORT_RELEVANCE) {
        sb_add(b, search_orders[sort]);
        return;
    }
    sb_add(b, " ORDER BY ");
    sb_add(b, d->rank);
    sb_add(b, ", j.id DESC");
}

/* The page statement of a variant, into b. */
static void add_page(strbuf_t *b, const search_dialect_t *d, unsigned flags,
                     int sort)
{
    if (d->one_step && variant_is_index_ordered(flags, sort)) {
        sb_add(b, d->columns);
        add_where(b, d, flags);
        add_order(b, d, sort);
        sb_add(b, " LIMIT ?9 OFFSET ?10");
        return;
    }
    sb_add(b, d->columns);
    sb_add(b, " FROM (SELECT j.id AS pid");
    if (sort == JOB_SORT_RELEVANCE) {
        sb_add(b, ", ");
        sb_add(b, d->rank);
        sb_add(b, " AS prank");
    }
    add_where(b, d, flags);
    add_order(b, d, sort);
    sb_add(b, " LIMIT ?9 OFFSET ?10) AS p"
              " JOIN freelance_job_postings j ON j.id = p.pid");
    sb_add(b, search_outer_orders[sort]);
}

/* Builds every variant from the fixed fragments above; none of the text
 * comes from input. Runs once, under search_once. */
static void search_build(void)
{
    for (unsigned f = 0; f < F_COMBOS; f++) {
        if ((f & F_DRIVE) && (!(f & F_SKILL) || (f & F_TEXT)))
            continue;  /* only a skill without text drives */
        count_names[f] = variant_name("jobs_count", f, NULL);
        if (count_names[f] == NULL)
            search_build_rc = FH_ENOMEM;
        for (int e = 0; e < 2; e++) {
            strbuf_t count = {0};
            sb_add(&count, "SELECT COUNT(*)");
            add_where(&count, &search_dialects[e], f);
            count_sql[e][f] = sb_take(&count);
            if (count_sql[e][f] == NULL)
                search_build_rc = FH_ENOMEM;
        }

        for (int s = 0; s < JOB_SORTS; s++) {
            if (s == JOB_SORT_RELEVANCE && !(f & F_TEXT))
                continue;
            search_names[f][s] = variant_name("jobs_search", f,
                                              search_sort_names[s]);
            if (search_names[f][s] == NULL)
                search_build_rc = FH_ENOMEM;
            for (int e = 0; e < 2; e++) {
                strbuf_t page = {0};
                add_page(&page, &search_dialects[e], f, s);
                search_sql[e][f][s] = sb_take(&page);
                if (search_sql[e][f][s] == NULL)
                    search_build_rc = FH_ENOMEM;
            }
        }
    }
}

static int search_ready(void)
{
    pthread_once(&search_once, search_build);
    return search_build_rc;
}

/* Binds the filters of flags (never limit and offset) to st. */
static void bind_filters(db_stmt_t *st, bool pg, const job_search_t *q,
                         unsigned flags, const char *match, int64_t skill_id)
{
    db_bind_text(st, 1, q->status);
    if (flags & F_TEXT)  /* FTS5's phrases, or the words for plainto_tsquery */
        db_bind_text(st, 2, pg ? q->text : match);
    if (flags & F_CATEGORY)
        db_bind_int64(st, 3, q->category_id);
    if (flags & F_LEVEL)
        db_bind_text(st, 4, q->experience_level);
    if (flags & F_SKILL)
        db_bind_int64(st, 5, skill_id);
    if (flags & F_BUDGET) {
        db_bind_int64(st, 6, q->has_budget_min ? q->budget_min_cents
                                               : INT64_MIN);
        db_bind_int64(st, 7, q->has_budget_max ? q->budget_max_cents
                                               : INT64_MAX);
    }
    if (flags & F_POSTED)
        db_bind_int64(st, 8, q->posted_after);
}

/* Totals of the searches that filter on nothing but status, category and
 * experience level, read from the counts the job triggers keep (see
 * migration 0004) instead of counting every matching job. Indexed by
 * F_CATEGORY | F_LEVEL; the parameters are numbered in order. */
static const char *const kept_count_sql[4] = {
    "SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM job_counts"
    " WHERE status = ?",
    "SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM job_counts"
    " WHERE status = ? AND category_key = ?",
    "SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM job_counts"
    " WHERE status = ? AND level_key = ?",
    "SELECT CAST(COALESCE(SUM(jobs), 0) AS BIGINT) FROM job_counts"
    " WHERE status = ? AND category_key = ? AND level_key = ?",
};

/* The open jobs of one skill, without another filter: the demand the
 * analytics triggers keep per skill (see migration 0003) is that count. */
static const char *sql_kept_skill_count =
    "SELECT CAST(COALESCE((SELECT jobs FROM analytics_skill_demand"
    " WHERE skill_id = ?), 0) AS BIGINT)";

/* Prepares the count of a search: a kept total when its filters allow,
 * else the COUNT(*) of its variant (counted flags), bound. */
static int count_prepare(db_t *db, int e, const job_search_t *q,
                         unsigned flags, unsigned counted, const char *match,
                         int64_t skill_id, db_stmt_t **st)
{
    int rc, idx = 1;

    if (flags == F_SKILL && strcmp(q->status, "open") == 0) {
        rc = db_prepare(db, sql_kept_skill_count, st);
        if (rc < 0)
            return rc;
        db_stmt_name(*st, "jobs_count_kept_skill");
        return db_bind_int64(*st, 1, skill_id);
    }
    if (flags & ~(unsigned)(F_CATEGORY | F_LEVEL)) {
        rc = db_prepare(db, count_sql[e][counted], st);
        if (rc < 0)
            return rc;
        db_stmt_name(*st, count_names[counted]);
        bind_filters(*st, e == DB_POSTGRES, q, flags, match, skill_id);
        return 0;
    }
    rc = db_prepare(db, kept_count_sql[flags], st);
    if (rc < 0)
        return rc;
    db_stmt_name(*st, "jobs_count_kept");
    db_bind_text(*st, idx++, q->status);
    if (flags & F_CATEGORY)
        db_bind_int64(*st, idx++, q->category_id);
    if (flags & F_LEVEL)
        db_bind_text(*st, idx, q->experience_level);
    return 0;
}

/* The count and the page of one variant, inside the caller's snapshot. */
static int search_run(db_t *db, const job_search_t *q, unsigned flags,
                      int sort, const char *match, int64_t skill_id,
                      json_t **items, int64_t *total)
{
    int e = db_engine(db) == DB_POSTGRES ? DB_POSTGRES : DB_SQLITE;
    unsigned counted = flags;
    db_stmt_t *st;
    int rc;

    if ((flags & F_SKILL) && !(flags & F_TEXT))
        counted |= F_DRIVE;
    rc = count_prepare(db, e, q, flags, counted, match, skill_id, &st);
    if (rc < 0)
        return rc;
    rc = db_step(st);
    if (rc == 1)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc != 1)
        return rc < 0 ? rc : FH_EDB;

    if (q->offset >= *total) {  /* past the end: no need to look */
        *items = json_array();
        return *items ? 0 : FH_ENOMEM;
    }
    if (*total <= JOBS_SKILL_DRIVE_MAX)
        flags = counted;
    rc = db_prepare(db, search_sql[e][flags][sort], &st);
    if (rc < 0)
        return rc;
    db_stmt_name(st, search_names[flags][sort]);
    bind_filters(st, e == DB_POSTGRES, q, flags, match, skill_id);
    db_bind_int64(st, 9, q->limit);
    db_bind_int64(st, 10, q->offset);
    return rows_array(st, items);
}

/* Room for the MATCH text of JOBS_TEXT_MAX code points: each byte at most
 * doubled, plus quotes and a space per word. */
#define JOBS_MATCH_CAP (JOBS_TEXT_MAX * 4 * 5 + 1)

/* LIMITATION: unless a kept count serves it (count_prepare), the total is
 * an exact COUNT(*) and the text search reads every match, so their cost
 * grows with the number of matching jobs: on 200,000 jobs a count of
 * 180,000 open ones takes about 15 ms, and a word
 * found in all of them about 0.25 s sorted newest or 0.6 s by relevance
 * (bm25 of each match). Bites on broad searches at large scale; narrow
 * filters and rare words stay in single milliseconds. */
int store_jobs_search(db_t *db, const job_search_t *q, json_t **items,
                      int64_t *total)
{
    char match[JOBS_MATCH_CAP];
    int64_t skill_id = 0;
    unsigned flags = 0;
    int sort = (int)q->sort, words;
    int rc = search_ready();

    *items = NULL;
    if (rc < 0)
        return rc;
    if (q->text && fh_utf8_len(q->text) > JOBS_TEXT_MAX)
        return FH_EINVAL;
    words = q->text ? store_jobs_match_text(q->text, match, sizeof(match)) : 0;
    if (words > JOBS_TEXT_WORDS_MAX)
        return FH_EINVAL;
    if (words > 0)
        flags |= F_TEXT;
    if (q->category_id > 0)
        flags |= F_CATEGORY;
    if (q->experience_level)
        flags |= F_LEVEL;
    if (q->skill)
        flags |= F_SKILL;
    if (q->has_budget_min || q->has_budget_max)
        flags |= F_BUDGET;
    if (q->has_posted_after)
        flags |= F_POSTED;
    if (sort == JOB_SORT_RELEVANCE && !(flags & F_TEXT))
        sort = JOB_SORT_NEWEST;

    rc = db_begin_read(db);
    if (rc < 0)
        return rc;
    if (q->skill)
        rc = store_skill_find(db, q->skill, &skill_id);
    if (rc == FH_ENOTFOUND) {  /* no such skill: nothing has it */
        *total = 0;
        *items = json_array();
        rc = *items ? 0 : FH_ENOMEM;
    } else if (rc == 0) {
        rc = search_run(db, q, flags, sort, match, skill_id, items, total);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0) {
        db_rollback(db);
        if (*items) {
            json_decref(*items);
            *items = NULL;
        }
        return rc;
    }
    return 0;
}

int store_jobs_hot_queries(enum db_engine engine, int index, const char **name,
                           const char **sql)
{
    int e = engine == DB_POSTGRES ? DB_POSTGRES : DB_SQLITE;
    static const struct {
        unsigned flags;
        int sort;
    } hot[] = {
        {0, JOB_SORT_NEWEST},
        {F_CATEGORY, JOB_SORT_NEWEST},
        {F_CATEGORY | F_LEVEL, JOB_SORT_NEWEST},
        {F_LEVEL, JOB_SORT_NEWEST},
        {F_BUDGET, JOB_SORT_BUDGET_DESC},
        {F_CATEGORY | F_BUDGET, JOB_SORT_BUDGET_DESC},
    };
    const int nhot = (int)(sizeof(hot) / sizeof(hot[0]));
    int rc = search_ready();

    if (rc < 0)
        return rc;
    if (index < 0 || index > 2 * nhot)
        return FH_ENOTFOUND;
    if (index == 2 * nhot) {
        *name = "job_get";
        *sql = e == DB_POSTGRES ? sql_job_get_pg : sql_job_get;
    } else if (index % 2 == 0) {
        *name = search_names[hot[index / 2].flags][hot[index / 2].sort];
        *sql = search_sql[e][hot[index / 2].flags][hot[index / 2].sort];
    } else {
        *name = count_names[hot[index / 2].flags];
        *sql = count_sql[e][hot[index / 2].flags];
    }
    return 0;
}
