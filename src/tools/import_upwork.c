/* Upwork job postings: the search-result cards of
 * upwork_jobs_dev_search.csv and the RSS items of
 * upwork_jobs_powerbi_rss.csv become open jobs, each owned by a synthetic
 * client per source and country. */
#include "tools/import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/catalog.h"
#include "tools/import_html.h"

#define IMPORT_JOB_SKILLS_MAX 64  /* skills kept per job */

/* The search cards carry no date. They were scraped shortly before the
 * file was committed, on 2025-01-19 (SOURCES.md), so that day at midnight
 * UTC stands in for every one of them and re-runs stay identical.
 * LIMITATION: all 5,051 search jobs share this posted_at, so "newest"
 * orders them by id only and posted_after filters take or drop them all
 * at once; it bites whoever sorts or filters imported jobs by date. */
#define IMPORT_SEARCH_POSTED_AT INT64_C(1737244800)

static XXH128_hash_t hash_text(const char *s)
{
    return XXH3_128bits(s, strlen(s));
}

/* Lower-case ASCII letters and digits of s, other runs as one '-'. */
static void slugify(const char *s, char *out, size_t size)
{
    size_t n = 0;
    bool dash = false;

    for (; *s && n + 2 < size; s++) {
        if (isalnum((unsigned char)*s)) {
            if (dash && n > 0)
                out[n++] = '-';
            out[n++] = (char)tolower((unsigned char)*s);
            dash = false;
        } else {
            dash = true;
        }
    }
    out[n] = '\0';
}

/* ---- jobs ---- */

/* The synthetic client that owns the jobs of one source and country:
 * client-<slug>@import.freelance-hub.test. Remembered for the file. */
static int client_ensure(import_run_t *run, const char *source_slug,
                         const char *source_name, const char *country,
                         int64_t *id)
{
    char slug[96], country_slug[64] = "", email[160], name[160];
    int rc;

    if (country)
        slugify(country, country_slug, sizeof(country_slug));
    snprintf(slug, sizeof(slug), "%s%s%s", source_slug,
             country_slug[0] ? "-" : "", country_slug);
    for (size_t i = 0; i < run->nclients; i++) {
        if (strcmp(run->clients[i].slug, slug) == 0) {
            *id = run->clients[i].id;
            return 0;
        }
    }
    if (run->nclients == run->clients_cap) {
        size_t cap = run->clients_cap ? run->clients_cap * 2 : 32;
        import_client_t *c = realloc(run->clients, cap * sizeof(*c));
        if (c == NULL)
            return FH_ENOMEM;
        run->clients = c;
        run->clients_cap = cap;
    }
    snprintf(email, sizeof(email), "client-%s@" IMPORT_EMAIL_DOMAIN, slug);
    snprintf(name, sizeof(name), "%s client (%s)", source_name,
             country_slug[0] ? country : "no country given");
    rc = import_user_ensure(run, email, name, "client",
                            country_slug[0] ? country : NULL, id);
    if (rc < 0)
        return rc;
    snprintf(run->clients[run->nclients].slug, sizeof(slug), "%s", slug);
    run->clients[run->nclients++].id = *id;
    return 0;
}

typedef struct import_job {
    const char *title;
    const char *description;
    const char *budget_type;   /* "fixed" or "hourly" */
    bool has_budget;           /* else both amounts are NULL */
    int64_t min_cents, max_cents;
    const char *level;         /* entry, intermediate, expert, or NULL */
    const char *country;
    int64_t category_id;       /* 0 = none */
    int64_t posted_at;
    const char *source;
    bool repaired;             /* budget taken from the RSS footer */
    char source_key[96];
    const char *skills[IMPORT_JOB_SKILLS_MAX];
    size_t nskills;
} import_job_t;

static const char *sql_job_insert =
    "INSERT INTO freelance_job_postings (client_id, title, description,"
    " category_id, budget_type, budget_min_cents, budget_max_cents, currency,"
    " experience_level, status, client_country, posted_at, updated_at,"
    " source, source_key)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, 'USD', ?, 'open', ?, ?, ?, ?, ?)"
    " ON CONFLICT (source_key) DO NOTHING RETURNING id";
static const char *sql_job_skill_insert =
    "INSERT INTO job_skills (job_id, skill_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING";

/* Binds an id, or NULL for 0. */
static void bind_id(db_stmt_t *st, int idx, int64_t id)
{
    if (id > 0)
        db_bind_int64(st, idx, id);
    else
        db_bind_null(st, idx);
}

/* Inserts the job and its skills unless its source_key is known. */
static int job_insert(import_run_t *run, const import_job_t *job,
                      int64_t client_id)
{
    db_stmt_t *st;
    int64_t job_id = 0;
    int rc = db_prepare(run->db, sql_job_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, client_id);
    db_bind_text(st, 2, job->title);
    db_bind_text(st, 3, job->description);
    bind_id(st, 4, job->category_id);
    db_bind_text(st, 5, job->budget_type);
    if (job->has_budget) {
        db_bind_int64(st, 6, job->min_cents);
        db_bind_int64(st, 7, job->max_cents);
    } else {
        /* Bound, not left unbound: PostgreSQL types a placeholder nothing
         * was bound to as text. */
        db_bind_null(st, 6);
        db_bind_null(st, 7);
    }
    db_bind_text(st, 8, job->level);
    db_bind_text(st, 9, job->country);
    db_bind_int64(st, 10, job->posted_at);
    db_bind_int64(st, 11, job->posted_at);
    db_bind_text(st, 12, job->source);
    db_bind_text(st, 13, job->source_key);
    rc = db_step(st);
    if (rc == 1)
        job_id = db_col_int64(st, 0);
    db_reset(st);
    if (rc <= 0)
        return rc < 0 ? rc : IMPORT_PRESENT;

    for (size_t i = 0; i < job->nskills; i++) {
        int64_t skill_id;
        rc = store_skill_ensure(run->db, job->skills[i], &skill_id);
        if (rc < 0)
            return rc;
        rc = db_prepare(run->db, sql_job_skill_insert, &st);
        if (rc < 0)
            return rc;
        db_bind_int64(st, 1, job_id);
        db_bind_int64(st, 2, skill_id);
        rc = db_run(st);
        if (rc < 0)
            return rc;
    }
    return IMPORT_ADDED;
}

/* Adds name to the job's skills when it makes a plausible skill. */
static void job_skill_add(import_job_t *job, const char *name)
{
    if (job->nskills < IMPORT_JOB_SKILLS_MAX && import_skill_name_ok(name))
        job->skills[job->nskills++] = name;
}

/* ---- upwork_jobs_dev_search.csv ---- */

static const char *const search_columns[] = {
    "Job Title", "Hourly/Fixed", "Budget", "Level", "Skills",
};

/* Reads the budget of a search card into job. The type column is
 * "Fixed price", "Hourly" or "Hourly: $25.00 - $35.00"; a fixed card's
 * budget is "Est. budget:\n$1,000.00". No range means NULL amounts. */
static int search_budget(char *type, char *budget, import_job_t *job)
{
    type = import_trim(type);
    budget = import_trim(budget);
    if (strcmp(type, "Fixed price") == 0) {
        job->budget_type = "fixed";
        if (strcmp(budget, "N/A") == 0 || budget[0] == '\0')
            return 0;
        const char *colon = strchr(budget, ':');
        if (colon == NULL ||
            import_money_parse(colon + 1, &job->min_cents) < 0)
            return FH_EMALFORMED;
        job->max_cents = job->min_cents;
        job->has_budget = true;
        return 0;
    }
    if (strncmp(type, "Hourly", 6) != 0)
        return FH_EMALFORMED;
    job->budget_type = "hourly";
    const char *p = import_skip_spaces(type + 6);
    if (*p == '\0')
        return 0;
    if (*p != ':' ||
        import_money_range_parse(p + 1, &job->min_cents, &job->max_cents) < 0)
        return FH_EMALFORMED;
    job->has_budget = true;
    return 0;
}

static const char *level_of(const char *s)
{
    if (strcmp(s, "Entry Level") == 0)
        return "entry";
    if (strcmp(s, "Intermediate") == 0)
        return "intermediate";
    if (strcmp(s, "Expert") == 0)
        return "expert";
    return NULL;
}

/* One search card. Its identity is the hash of the whole row, since the
 * file has no job id.
 * LIMITATION: a card whose text changes in a newer copy of the file gets
 * a new hash and is imported as a second job beside the old one; it bites
 * only when the data set is replaced by a re-scrape. */
static int search_row(import_run_t *run, char **f)
{
    import_job_t job = {.description = "", .source = "upwork_search",
                        .posted_at = IMPORT_SEARCH_POSTED_AT};
    int64_t client_id;
    char *save = NULL;
    int rc;

    strcpy(job.source_key, "upwork_search:");
    import_hash_hex(run->row_hash, 32, job.source_key + strlen(job.source_key));

    import_text_squash(f[0]);
    job.title = f[0];
    if (job.title[0] == '\0')
        return import_skip_row(run, IMPORT_SKIP_NO_TITLE);
    if (search_budget(f[1], f[2], &job) < 0)
        return import_skip_row(run, IMPORT_SKIP_BAD_BUDGET);
    job.level = level_of(import_trim(f[3]));

    /* "A, B, +3": the trailing +N counts skills the card did not show. */
    for (char *tok = strtok_r(f[4], ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok = import_trim(tok);
        if (tok[0] == '+' && tok[1] != '\0' &&
            strspn(tok + 1, "0123456789") == strlen(tok + 1))
            continue;
        job_skill_add(&job, tok);
    }

    rc = client_ensure(run, "upwork-search", "Upwork search", NULL,
                       &client_id);
    if (rc < 0)
        return rc;
    return job_insert(run, &job, client_id);
}

/* ---- upwork_jobs_powerbi_rss.csv ---- */

static const char *const rss_columns[] = {
    "title", "link", "country", "category", "skills", "posted_date",
    "is_hourly", "min_rate", "max_rate", "fixed_budget", "raw_description",
    "collection_date",
};

enum {
    RSS_TITLE, RSS_LINK, RSS_COUNTRY, RSS_CATEGORY, RSS_SKILLS, RSS_POSTED,
    RSS_HOURLY, RSS_MIN, RSS_MAX, RSS_FIXED, RSS_DESCRIPTION, RSS_COLLECTED,
};

/* Copies the job id of an Upwork link ("…_%7E01c839d932d942a650?…" or
 * "…~01…") into id as "~01…"; false when there is none. */
static bool rss_job_id(const char *link, char id[48])
{
    const char *p = strstr(link, "%7E01");
    size_t skip_len = 3, n;

    if (p == NULL)
        p = strstr(link, "%7e01");
    if (p == NULL) {
        p = strstr(link, "~01");
        skip_len = 1;
    }
    if (p == NULL)
        return false;
    p += skip_len;
    n = strspn(p, "0123456789abcdefABCDEF");
    if (n < 4 || n > 40)
        return false;
    id[0] = '~';
    for (size_t i = 0; i < n; i++)
        id[1 + i] = (char)tolower((unsigned char)p[i]);
    id[1 + n] = '\0';
    return true;
}

/* "2024-05-13" as 20240513, or 0. */
static int64_t date_number(const char *s)
{
    int64_t v = 0;

    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
            continue;
        }
        if (!isdigit((unsigned char)s[i]))
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* Chooses, for each job id, the row that the import keeps: the one from
 * the latest snapshot (the posting may have been edited in between), the
 * first on a tie, so that an exact duplicate never wins over its
 * original.
 * LIMITATION: the choice is made before the rows are checked, so when the
 * latest row of a job is unusable (an unparseable budget or date) the
 * earlier sightings are not tried and the job is left out. No row of the
 * current file is unusable. */
static int rss_prepass(import_run_t *run, import_csv_t *csv, const size_t *col)
{
    int rc;

    for (size_t record = 0; (rc = import_csv_next(csv)) == 1; record++) {
        const char *link = import_csv_field(csv, col[RSS_LINK]);
        const char *date = import_csv_field(csv, col[RSS_COLLECTED]);
        import_seen_entry_t *e;
        bool added;
        char id[48];

        if (link == NULL || date == NULL || !rss_job_id(link, id))
            continue;
        rc = import_seen_get(&run->postings, hash_text(id), &e, &added);
        if (rc < 0)
            return rc;
        if (added || date_number(date) > e->a) {
            e->a = date_number(date);
            e->b = (int64_t)record;
        }
    }
    return rc;
}

/* Where the metadata footer of an RSS description starts: at its budget
 * or hourly-range line when one directly precedes "<b>Posted On</b>:",
 * else at that label; the length of html when there is no footer. */
static size_t rss_footer_start(const char *html)
{
    static const char *const money_labels[] = {
        "<b>Budget</b>:", "<b>Hourly Range</b>:", NULL,
    };
    const char *posted = NULL, *best = NULL;

    for (const char *p = html; (p = strstr(p, "<b>Posted On</b>:")); p++)
        posted = p;
    if (posted == NULL)
        return strlen(html);
    for (int i = 0; money_labels[i]; i++) {
        for (const char *p = html; (p = strstr(p, money_labels[i])) &&
                                   p < posted; p++) {
            const char *q = p + strlen(money_labels[i]);
            q += strcspn(q, "<\n");
            for (;;) {
                q = import_skip_spaces(q);
                if (strncmp(q, "<br />", 6) == 0)
                    q += 6;
                else if (strncmp(q, "<br>", 4) == 0)
                    q += 4;
                else
                    break;
            }
            if (q == posted && (best == NULL || p < best))
                best = p;
        }
    }
    return (size_t)((best ? best : posted) - html);
}

/* The amounts after label in the footer, or FH_ENOTFOUND. */
static int rss_footer_money(const char *footer, const char *label,
                            int64_t *min, int64_t *max)
{
    const char *p = strstr(footer, label);
    char value[64];
    size_t n;

    if (p == NULL)
        return FH_ENOTFOUND;
    p += strlen(label);
    n = strcspn(p, "<\n");
    if (n >= sizeof(value))
        return FH_EMALFORMED;
    memcpy(value, p, n);
    value[n] = '\0';
    return import_money_range_parse(value, min, max);
}

/* Reads the budget of an RSS posting. Fixed budgets come from the footer
 * when it has one: the file's own column stops at the thousands comma
 * ("$1,500" became 1.0). Hourly ranges come from the columns, with the
 * footer as a fallback. */
static int rss_budget(char **f, const char *footer, import_job_t *job)
{
    const char *hourly = import_trim(f[RSS_HOURLY]);
    char *col_min = import_trim(f[RSS_MIN]), *col_max = import_trim(f[RSS_MAX]);
    char *col_fixed = import_trim(f[RSS_FIXED]);
    int64_t min, max, column;
    int rc;

    if (strcmp(hourly, "True") == 0) {
        job->budget_type = "hourly";
        if (col_min[0] && col_max[0]) {
            if (import_money_parse(col_min, &job->min_cents) < 0 ||
                import_money_parse(col_max, &job->max_cents) < 0 ||
                job->min_cents > job->max_cents)
                return FH_EMALFORMED;
            job->has_budget = true;
            return 0;
        }
        rc = rss_footer_money(footer, "<b>Hourly Range</b>:", &min, &max);
        if (rc == FH_ENOTFOUND)
            return 0;
        job->min_cents = min;
        job->max_cents = max;
        job->has_budget = rc == 0;
        return rc;
    }
    if (strcmp(hourly, "False") != 0)
        return FH_EMALFORMED;
    job->budget_type = "fixed";
    rc = rss_footer_money(footer, "<b>Budget</b>:", &min, &max);
    if (rc == 0 && min == max) {
        job->repaired = col_fixed[0] &&
                        import_money_parse(col_fixed, &column) == 0 &&
                        column != min;
        job->min_cents = job->max_cents = min;
        job->has_budget = true;
        return 0;
    }
    if (rc != FH_ENOTFOUND)
        return FH_EMALFORMED;
    if (col_fixed[0] == '\0')
        return 0;
    if (import_money_parse(col_fixed, &job->min_cents) < 0)
        return FH_EMALFORMED;
    job->max_cents = job->min_cents;
    job->has_budget = true;
    return 0;
}

/* Splits a Python list of strings, "['a', 'b']" (either quote, backslash
 * escapes), in place into job's skills after decoding entities. */
static int rss_skills(char *s, import_job_t *job)
{
    char *p = import_trim(s);

    if (*p++ != '[')
        return FH_EMALFORMED;
    p = (char *)import_skip_spaces(p);
    if (*p == ']')
        return *import_skip_spaces(p + 1) == '\0' ? 0 : FH_EMALFORMED;
    for (;;) {
        char quote = *p, *item, *w;
        if (quote != '\'' && quote != '"')
            return FH_EMALFORMED;
        item = w = ++p;
        while (*p && *p != quote) {
            if (*p == '\\' && p[1])
                p++;
            *w++ = *p++;
        }
        if (*p != quote)
            return FH_EMALFORMED;
        p = (char *)import_skip_spaces(p + 1);
        *w = '\0';
        import_html_decode(item);
        import_text_squash(item);
        job_skill_add(job, item);
        if (*p == ']')
            return *import_skip_spaces(p + 1) == '\0' ? 0 : FH_EMALFORMED;
        if (*p != ',')
            return FH_EMALFORMED;
        p = (char *)import_skip_spaces(p + 1);
    }
}

/* One RSS posting, identified by the job id in its link. */
static int rss_row(import_run_t *run, char **f)
{
    static const char suffix[] = " - Upwork";
    import_job_t job = {.source = "upwork_rss"};
    char id[48], posted[40];
    import_seen_entry_t *e;
    bool added;
    int64_t client_id;
    size_t n, footer;
    int rc;

    if (!rss_job_id(f[RSS_LINK], id))
        return import_skip_row(run, IMPORT_SKIP_NO_JOB_ID);
    rc = import_seen_get(&run->postings, hash_text(id), &e, &added);
    if (rc < 0)
        return rc;
    if (!added && e->b != (int64_t)run->record)
        return import_skip_row(run, IMPORT_SKIP_DUPLICATE_POSTING);
    snprintf(job.source_key, sizeof(job.source_key), "upwork_rss:%s", id);

    import_html_decode(f[RSS_TITLE]);
    n = import_text_squash(f[RSS_TITLE]);
    if (n >= sizeof(suffix) - 1 &&
        strcmp(f[RSS_TITLE] + n - (sizeof(suffix) - 1), suffix) == 0) {
        f[RSS_TITLE][n - (sizeof(suffix) - 1)] = '\0';
        import_text_squash(f[RSS_TITLE]);
    }
    job.title = f[RSS_TITLE];
    if (job.title[0] == '\0')
        return import_skip_row(run, IMPORT_SKIP_NO_TITLE);

    snprintf(posted, sizeof(posted), "%s", import_trim(f[RSS_POSTED]));
    if (fh_time_parse(posted, &job.posted_at) < 0) {
        snprintf(posted, sizeof(posted), "%sZ", import_trim(f[RSS_POSTED]));
        if (fh_time_parse(posted, &job.posted_at) < 0)
            return import_skip_row(run, IMPORT_SKIP_BAD_DATE);
    }

    footer = rss_footer_start(f[RSS_DESCRIPTION]);
    if (rss_budget(f, f[RSS_DESCRIPTION] + footer, &job) < 0)
        return import_skip_row(run, IMPORT_SKIP_BAD_BUDGET);
    if (rss_skills(f[RSS_SKILLS], &job) < 0)
        return import_skip_row(run, IMPORT_SKIP_BAD_SKILLS);
    f[RSS_DESCRIPTION][footer] = '\0';
    import_html_unescape_twice(f[RSS_DESCRIPTION]);
    import_html_to_text(f[RSS_DESCRIPTION]);
    job.description = f[RSS_DESCRIPTION];

    import_text_squash(f[RSS_COUNTRY]);
    job.country = f[RSS_COUNTRY][0] ? f[RSS_COUNTRY] : NULL;
    import_html_decode(f[RSS_CATEGORY]);
    import_text_squash(f[RSS_CATEGORY]);
    if (f[RSS_CATEGORY][0]) {
        rc = store_category_ensure(run->db, f[RSS_CATEGORY], &job.category_id);
        if (rc < 0)
            return rc;
    }

    rc = client_ensure(run, "upwork", "Upwork", job.country, &client_id);
    if (rc < 0)
        return rc;
    rc = job_insert(run, &job, client_id);
    if (rc == IMPORT_ADDED && job.repaired)
        run->stats->repaired++;
    return rc;
}

const import_source_t import_source_upwork_search = {
    "upwork_jobs_dev_search.csv", search_columns, 5, NULL, search_row,
};

const import_source_t import_source_upwork_rss = {
    "upwork_jobs_powerbi_rss.csv", rss_columns, 12, rss_prepass, rss_row,
};
