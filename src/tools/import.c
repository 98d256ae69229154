/* freelance-hub import [DIR]: loads the three real data sets described in
 * shared/data/SOURCES.md. Upwork search cards and RSS postings become open
 * jobs of one synthetic client per source country; PeoplePerHour cards
 * become freelancers with profiles. Each file goes in one transaction, and
 * a source_key per row makes a second run add nothing. */
#include "tools/tools.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY  /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "common/err.h"
#include "common/util.h"
#include "store/catalog.h"
#include "store/db.h"
#include "tools/import_csv.h"
#include "tools/import_html.h"

#define IMPORT_FILE_MAX ((size_t)256 << 20)  /* bytes; the real files are ~3 MB */
#define IMPORT_SKILLS_MAX 64         /* skills kept per job */
#define IMPORT_PROFILE_SKILLS_MAX 10 /* skills derived per headline */
#define IMPORT_SKILL_CHARS_MAX 50    /* code points in a skill name */
#define IMPORT_MONEY_MAX_DOLLARS 100000000  /* 10^10 cents, the API's cap */
#define IMPORT_PROGRESS_EVERY 512    /* rows between progress updates */
#define IMPORT_EMAIL_DOMAIN "import.freelance-hub.test"

/* The search cards carry no date. They were scraped shortly before the
 * file was committed, on 2025-01-19 (SOURCES.md), so that day at midnight
 * UTC stands in for every one of them and re-runs stay identical. */
#define IMPORT_SEARCH_POSTED_AT INT64_C(1737244800)

/* ---- outcome counts ---- */

enum import_skip {
    SKIP_DUPLICATE_ROW,      /* the same values as an earlier row */
    SKIP_DUPLICATE_POSTING,  /* an RSS job seen again in another snapshot */
    SKIP_COLUMNS,
    SKIP_ENCODING,
    SKIP_NO_TITLE,
    SKIP_NO_JOB_ID,
    SKIP_BAD_BUDGET,
    SKIP_BAD_DATE,
    SKIP_BAD_SKILLS,
    SKIP_BAD_RATE,
    SKIP_BAD_RATING,
    SKIP_BAD_REVIEWS,
    SKIP_COUNT
};

static const char *const skip_names[SKIP_COUNT] = {
    "duplicate row", "duplicate posting", "wrong column count",
    "invalid UTF-8", "missing title", "missing job id",
    "unparseable budget", "unparseable date", "unparseable skills",
    "unparseable rate", "unparseable rating", "unparseable review count",
};

typedef struct import_stats {
    int64_t read;        /* data rows, the header not counted */
    int64_t imported;
    int64_t present;     /* already in the database from an earlier run */
    int64_t skipped[SKIP_COUNT];
    int64_t repaired;    /* RSS budgets taken from the description */
} import_stats_t;

enum row_result { ROW_ADDED, ROW_PRESENT, ROW_SKIPPED };

/* ---- a set of 128-bit row hashes, each with two values ---- */

typedef struct seen_entry {
    XXH128_hash_t key;
    int64_t a, b;
    bool used;
} seen_entry_t;

typedef struct seen {
    seen_entry_t *slots;
    size_t cap;   /* a power of two, or 0 */
    size_t n;
} seen_t;

static void seen_free(seen_t *s)
{
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static seen_entry_t *seen_slot(seen_entry_t *slots, size_t cap,
                               XXH128_hash_t key)
{
    size_t i = (size_t)key.low64 & (cap - 1);

    while (slots[i].used && !XXH128_isEqual(slots[i].key, key))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Finds key, adding it (with a and b zero) when missing. *added says
 * which. Returns 0 or FH_ENOMEM. */
static int seen_get(seen_t *s, XXH128_hash_t key, seen_entry_t **out,
                    bool *added)
{
    seen_entry_t *e;

    if ((s->n + 1) * 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 1024;
        seen_entry_t *slots = calloc(cap, sizeof(*slots));
        if (slots == NULL)
            return FH_ENOMEM;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i].used)
                *seen_slot(slots, cap, s->slots[i].key) = s->slots[i];
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    e = seen_slot(s->slots, s->cap, key);
    *added = !e->used;
    if (!e->used) {
        e->used = true;
        e->key = key;
        e->a = e->b = 0;
        s->n++;
    }
    *out = e;
    return 0;
}

static XXH128_hash_t hash_text(const char *s)
{
    return XXH3_128bits(s, strlen(s));
}

/* The row's identity: its fields with their lengths, so that ("ab", "c")
 * and ("a", "bc") differ. Two different rows sharing a 128-bit hash is
 * left out of account. */
static XXH128_hash_t hash_fields(char **f, const size_t *lens, size_t n)
{
    XXH3_state_t st;

    XXH3_128bits_reset(&st);
    for (size_t i = 0; i < n; i++) {
        uint64_t len = lens[i];
        XXH3_128bits_update(&st, &len, sizeof(len));
        XXH3_128bits_update(&st, f[i], lens[i]);
    }
    return XXH3_128bits_digest(&st);
}

/* Lower-case hex of the hash's canonical bytes; digits of them (even, at
 * most 32) into out. */
static void hash_hex(XXH128_hash_t h, size_t digits, char *out)
{
    XXH128_canonical_t c;

    XXH128_canonicalFromHash(&c, h);
    for (size_t i = 0; i < digits / 2; i++)
        sprintf(out + 2 * i, "%02x", c.digest[i]);
    out[digits] = '\0';
}

/* ---- one run over the files ---- */

typedef struct client_entry {
    char slug[96];
    int64_t id;
} client_entry_t;

typedef struct import_run {
    db_t *db;
    int64_t now;              /* created_at of the users and profiles */
    bool tty;                 /* progress as one updating line */
    size_t record;            /* 0-based index of the current data row */
    XXH128_hash_t row_hash;   /* of the current row's mapped fields */
    enum import_skip skip;    /* why the row function skipped its row */
    import_stats_t *stats;    /* of the current file */
    seen_t rows;              /* row hashes of the current file */
    seen_t postings;          /* RSS job id -> (snapshot date, winning row) */
    client_entry_t *clients;  /* synthetic clients made or found this file */
    size_t nclients, clients_cap;
} import_run_t;

typedef struct import_source {
    const char *file;
    const char *const *columns;  /* header names, in row-function order */
    size_t ncolumns;
    /* Reads the whole file once before the import when set. */
    int (*prepass)(import_run_t *run, import_csv_t *csv, const size_t *col);
    /* Maps one row; returns a row_result or a negative fh_err. */
    int (*row)(import_run_t *run, char **f);
} import_source_t;

static int skip(import_run_t *run, enum import_skip why)
{
    run->skip = why;
    return ROW_SKIPPED;
}

/* ---- field parsing ---- */

/* Trims white space at both ends of s in place; returns s moved past the
 * leading part. */
static char *trim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

static const char *skip_spaces(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* Reads a dollar amount at p: an optional '$', digits with optional
 * thousands commas, an optional fraction of one or two digits (zeros may
 * follow). Returns the end of it and the amount in *cents, or NULL. */
static const char *money_scan(const char *p, int64_t *cents)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;

    if (*p == '$')
        p++;
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            whole = whole * 10 + (*p - '0');
            if (whole > IMPORT_MONEY_MAX_DOLLARS)
                return NULL;
            digits++;
        } else if (!(*p == ',' && digits > 0 && isdigit((unsigned char)p[1]))) {
            break;
        }
    }
    if (digits == 0)
        return NULL;
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++) {
            if (fdigits == 2 && *p != '0')
                return NULL;
            if (fdigits < 2) {
                frac = frac * 10 + (*p - '0');
                fdigits++;
            }
        }
        if (fdigits == 0)
            return NULL;
        if (fdigits == 1)
            frac *= 10;
    }
    *cents = whole * 100 + frac;
    return p;
}

/* A whole field that is one dollar amount, white space around allowed. */
static int money_parse(const char *s, int64_t *cents)
{
    const char *end = money_scan(skip_spaces(s), cents);

    return end && *skip_spaces(end) == '\0' ? 0 : FH_EMALFORMED;
}

/* Reads "$min - $max" (or a single amount, then min = max) at p, up to
 * the end of the string or a '<'. */
static int money_range_parse(const char *p, int64_t *min, int64_t *max)
{
    p = money_scan(skip_spaces(p), min);
    if (p == NULL)
        return FH_EMALFORMED;
    p = skip_spaces(p);
    if (*p == '-') {
        p = money_scan(skip_spaces(p + 1), max);
        if (p == NULL)
            return FH_EMALFORMED;
        p = skip_spaces(p);
    } else {
        *max = *min;
    }
    return (*p == '\0' || *p == '<') && *min <= *max ? 0 : FH_EMALFORMED;
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

/* ---- writes ---- */

static const char *sql_user_insert =
    "INSERT INTO users (email, name, role, country, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id";
static const char *sql_user_find = "SELECT id FROM users WHERE email = ?";

/* The id of the user with this email, created with the other fields when
 * missing. */
static int user_ensure(import_run_t *run, const char *email,
                       const char *name, const char *role,
                       const char *country, int64_t *id)
{
    db_stmt_t *st;
    int rc = db_prepare(run->db, sql_user_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_text(st, 1, email);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, role);
    db_bind_text(st, 4, country);
    db_bind_int64(st, 5, run->now);
    rc = db_step(st);
    if (rc == 1)
        *id = db_col_int64(st, 0);
    db_reset(st);
    if (rc != 0)
        return rc < 0 ? rc : 0;

    rc = db_prepare(run->db, sql_user_find, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, email);
    rc = db_step(st);
    if (rc == 1)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}

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
        client_entry_t *c = realloc(run->clients, cap * sizeof(*c));
        if (c == NULL)
            return FH_ENOMEM;
        run->clients = c;
        run->clients_cap = cap;
    }
    snprintf(email, sizeof(email), "client-%s@" IMPORT_EMAIL_DOMAIN, slug);
    snprintf(name, sizeof(name), "%s client (%s)", source_name,
             country_slug[0] ? country : "no country given");
    rc = user_ensure(run, email, name, "client", country_slug[0] ? country
                                                                 : NULL, id);
    if (rc < 0)
        return rc;
    snprintf(run->clients[run->nclients].slug, sizeof(slug), "%s", slug);
    run->clients[run->nclients++].id = *id;
    return 0;
}

/* True when name is worth a skill: 1..IMPORT_SKILL_CHARS_MAX code points
 * once normalised. */
static bool skill_name_ok(const char *name)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];

    return catalog_normalise(name, display, slug) &&
           fh_utf8_len(display) <= IMPORT_SKILL_CHARS_MAX;
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
    const char *skills[IMPORT_SKILLS_MAX];
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
        return rc < 0 ? rc : ROW_PRESENT;

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
    return ROW_ADDED;
}

/* Adds name to the job's skills when it makes a plausible skill. */
static void job_skill_add(import_job_t *job, const char *name)
{
    if (job->nskills < IMPORT_SKILLS_MAX && skill_name_ok(name))
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
    type = trim(type);
    budget = trim(budget);
    if (strcmp(type, "Fixed price") == 0) {
        job->budget_type = "fixed";
        if (strcmp(budget, "N/A") == 0 || budget[0] == '\0')
            return 0;
        const char *colon = strchr(budget, ':');
        if (colon == NULL ||
            money_parse(colon + 1, &job->min_cents) < 0)
            return FH_EMALFORMED;
        job->max_cents = job->min_cents;
        job->has_budget = true;
        return 0;
    }
    if (strncmp(type, "Hourly", 6) != 0)
        return FH_EMALFORMED;
    job->budget_type = "hourly";
    const char *p = skip_spaces(type + 6);
    if (*p == '\0')
        return 0;
    if (*p != ':' ||
        money_range_parse(p + 1, &job->min_cents, &job->max_cents) < 0)
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
 * file has no job id. */
static int search_row(import_run_t *run, char **f)
{
    import_job_t job = {.description = "", .source = "upwork_search",
                        .posted_at = IMPORT_SEARCH_POSTED_AT};
    int64_t client_id;
    char *save = NULL;
    int rc;

    strcpy(job.source_key, "upwork_search:");
    hash_hex(run->row_hash, 32, job.source_key + strlen(job.source_key));

    import_text_squash(f[0]);
    job.title = f[0];
    if (job.title[0] == '\0')
        return skip(run, SKIP_NO_TITLE);
    if (search_budget(f[1], f[2], &job) < 0)
        return skip(run, SKIP_BAD_BUDGET);
    job.level = level_of(trim(f[3]));

    /* "A, B, +3": the trailing +N counts skills the card did not show. */
    for (char *tok = strtok_r(f[4], ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
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
 * original. */
static int rss_prepass(import_run_t *run, import_csv_t *csv, const size_t *col)
{
    int rc;

    for (size_t record = 0; (rc = import_csv_next(csv)) == 1; record++) {
        const char *link = import_csv_field(csv, col[RSS_LINK]);
        const char *date = import_csv_field(csv, col[RSS_COLLECTED]);
        seen_entry_t *e;
        bool added;
        char id[48];

        if (link == NULL || date == NULL || !rss_job_id(link, id))
            continue;
        rc = seen_get(&run->postings, hash_text(id), &e, &added);
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
                q = skip_spaces(q);
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
    return money_range_parse(value, min, max);
}

/* Reads the budget of an RSS posting. Fixed budgets come from the footer
 * when it has one: the file's own column stops at the thousands comma
 * ("$1,500" became 1.0). Hourly ranges come from the columns, with the
 * footer as a fallback. */
static int rss_budget(char **f, const char *footer, import_job_t *job)
{
    const char *hourly = trim(f[RSS_HOURLY]);
    char *col_min = trim(f[RSS_MIN]), *col_max = trim(f[RSS_MAX]);
    char *col_fixed = trim(f[RSS_FIXED]);
    int64_t min, max, column;
    int rc;

    if (strcmp(hourly, "True") == 0) {
        job->budget_type = "hourly";
        if (col_min[0] && col_max[0]) {
            if (money_parse(col_min, &job->min_cents) < 0 ||
                money_parse(col_max, &job->max_cents) < 0 ||
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
                        money_parse(col_fixed, &column) == 0 && column != min;
        job->min_cents = job->max_cents = min;
        job->has_budget = true;
        return 0;
    }
    if (rc != FH_ENOTFOUND)
        return FH_EMALFORMED;
    if (col_fixed[0] == '\0')
        return 0;
    if (money_parse(col_fixed, &job->min_cents) < 0)
        return FH_EMALFORMED;
    job->max_cents = job->min_cents;
    job->has_budget = true;
    return 0;
}

/* Splits a Python list of strings, "['a', 'b']" (either quote, backslash
 * escapes), in place into job's skills after decoding entities. */
static int rss_skills(char *s, import_job_t *job)
{
    char *p = trim(s);

    if (*p++ != '[')
        return FH_EMALFORMED;
    p = (char *)skip_spaces(p);
    if (*p == ']')
        return *skip_spaces(p + 1) == '\0' ? 0 : FH_EMALFORMED;
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
        p = (char *)skip_spaces(p + 1);
        *w = '\0';
        import_html_decode(item);
        import_text_squash(item);
        job_skill_add(job, item);
        if (*p == ']')
            return *skip_spaces(p + 1) == '\0' ? 0 : FH_EMALFORMED;
        if (*p != ',')
            return FH_EMALFORMED;
        p = (char *)skip_spaces(p + 1);
    }
}

/* One RSS posting, identified by the job id in its link. */
static int rss_row(import_run_t *run, char **f)
{
    static const char suffix[] = " - Upwork";
    import_job_t job = {.source = "upwork_rss"};
    char id[48], posted[40];
    seen_entry_t *e;
    bool added;
    int64_t client_id;
    size_t n, footer;
    int rc;

    if (!rss_job_id(f[RSS_LINK], id))
        return skip(run, SKIP_NO_JOB_ID);
    rc = seen_get(&run->postings, hash_text(id), &e, &added);
    if (rc < 0)
        return rc;
    if (!added && e->b != (int64_t)run->record)
        return skip(run, SKIP_DUPLICATE_POSTING);
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
        return skip(run, SKIP_NO_TITLE);

    snprintf(posted, sizeof(posted), "%s", trim(f[RSS_POSTED]));
    if (fh_time_parse(posted, &job.posted_at) < 0) {
        snprintf(posted, sizeof(posted), "%sZ", trim(f[RSS_POSTED]));
        if (fh_time_parse(posted, &job.posted_at) < 0)
            return skip(run, SKIP_BAD_DATE);
    }

    footer = rss_footer_start(f[RSS_DESCRIPTION]);
    if (rss_budget(f, f[RSS_DESCRIPTION] + footer, &job) < 0)
        return skip(run, SKIP_BAD_BUDGET);
    if (rss_skills(f[RSS_SKILLS], &job) < 0)
        return skip(run, SKIP_BAD_SKILLS);
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
    if (rc == ROW_ADDED && job.repaired)
        run->stats->repaired++;
    return rc;
}

/* ---- peopleperhour_freelancers.csv ---- */

static const char *const pph_columns[] = {
    "Description", "Nationality", "Price", "Rating", "Total Votes",
};

/* Bytes of the decorative code point at p (general punctuation, symbols,
 * arrows, dingbats, emoji, joiners and variation selectors), or 0. */
static size_t decoration_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (p[0] == 0xE2 && p[1] >= 0x80 && p[1] <= 0xAF && (p[2] & 0xC0) == 0x80)
        return 3;  /* U+2000..U+2BFF */
    if (p[0] == 0xEF && p[1] == 0xB8 && p[2] >= 0x80 && p[2] <= 0x8F)
        return 3;  /* variation selectors */
    if (p[0] == 0xF0 && p[1] == 0x9F && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80)
        return 4;  /* U+1F000..U+1FFFF */
    return 0;
}

/* Cuts decoration and punctuation from both ends of tok in place. A
 * leading '.' or '#' and a trailing '+' or '#' stay (".NET", "C++",
 * "C#"). */
static char *token_trim(char *tok)
{
    size_t n, d;

    for (;;) {
        if (*tok && strchr(" \t-_*~:;!?\"'()[]{}<>=", *tok))
            tok++;
        else if ((d = decoration_len(tok)) > 0)
            tok += d;
        else
            break;
    }
    n = strlen(tok);
    while (n > 0) {
        if (strchr(" \t-_*~:;!?\"'()[]{}<>=.,", tok[n - 1])) {
            n--;
            continue;
        }
        size_t start = n - 1;  /* the last code point */
        while (start > 0 && ((unsigned char)tok[start] & 0xC0) == 0x80)
            start--;
        if (decoration_len(tok + start) == n - start) {
            n = start;
            continue;
        }
        break;
    }
    tok[n] = '\0';
    return tok;
}

/* True when the first word of tok is one that starts no skill name: a
 * bare number ("10 Years Experience"; "3D" is fine) or a joining word
 * left over from a split sentence ("and games"). */
static bool token_starts_badly(const char *tok)
{
    static const char *const joiners[] = {"and", "or", "with", "for", "of",
                                          "in", "to", "the", "&", NULL};
    size_t first = strcspn(tok, " ");

    if (strspn(tok, "0123456789+") == first)
        return true;
    for (int i = 0; joiners[i]; i++)
        if (first == strlen(joiners[i]) &&
            strncasecmp(tok, joiners[i], first) == 0)
            return true;
    return false;
}

/* True when a headline token reads like a skill: 2..50 code points, a
 * letter in it, at most four words, a sensible first word, and none of the
 * marks of a slogan, an address or a cut ("#1", "100%", "@ Company",
 * "www.", "Artist: Concept art"). */
static bool token_is_skill(const char *tok)
{
    size_t chars = fh_utf8_len(tok), words = 1;
    bool letter = false;

    if (chars < 2 || chars > IMPORT_SKILL_CHARS_MAX)
        return false;
    if (strpbrk(tok, "%@:") || strstr(tok, "www.") ||
        strncasecmp(tok, "http", 4) == 0 || token_starts_badly(tok))
        return false;
    for (const char *p = tok; *p; p++) {
        if (isalpha((unsigned char)*p) || (unsigned char)*p >= 0xC0)
            letter = true;
        if (*p == ' ')
            words++;
        if (*p == '#' && isdigit((unsigned char)p[1]))
            return false;
    }
    return letter && words <= 4;
}

static const char *sql_profile_insert =
    "INSERT INTO freelance_profiles (user_id, title, hourly_rate_cents,"
    " currency, country, source, source_rating, source_review_count,"
    " source_key, created_at, updated_at)"
    " VALUES (?, ?, ?, 'USD', ?, 'peopleperhour', ?, ?, ?, ?, ?)"
    " ON CONFLICT (source_key) DO NOTHING RETURNING id";
static const char *sql_profile_skill_insert =
    "INSERT INTO profile_skills (profile_id, skill_id) VALUES (?, ?)"
    " ON CONFLICT DO NOTHING";

/* Derives up to ten skills from the headline, split on '|', '/' and ','.
 * headline is a copy the function may cut up. */
static int pph_skills(import_run_t *run, int64_t profile_id, char *headline)
{
    int64_t ids[IMPORT_PROFILE_SKILLS_MAX];
    size_t n = 0;
    char *save = NULL;

    for (char *tok = strtok_r(headline, "|/,", &save);
         tok && n < IMPORT_PROFILE_SKILLS_MAX;
         tok = strtok_r(NULL, "|/,", &save)) {
        int64_t id;
        bool dup = false;
        db_stmt_t *st;
        int rc;

        if (strstr(tok, "...") || strstr(tok, "\xE2\x80\xA6"))
            continue;  /* cut short by the listing */
        tok = token_trim(tok);
        import_text_squash(tok);
        if (!token_is_skill(tok))
            continue;
        rc = store_skill_ensure(run->db, tok, &id);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < n; i++)
            dup |= ids[i] == id;
        if (dup)
            continue;
        ids[n++] = id;
        rc = db_prepare(run->db, sql_profile_skill_insert, &st);
        if (rc < 0)
            return rc;
        db_bind_int64(st, 1, profile_id);
        db_bind_int64(st, 2, id);
        rc = db_run(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Parses the card's rate, rating and review count. The rating is empty
 * and the count "N/A" when the freelancer has no reviews; a count looks
 * like "128)\nCER": the digits, then scraper debris. */
static int pph_numbers(char **f, int64_t *rate, double *rating,
                       int64_t *reviews, enum import_skip *why)
{
    char *price = trim(f[2]), *stars = trim(f[3]), *votes = trim(f[4]);
    const char *end;
    char *dend;

    *rate = -1;
    *rating = -1;
    *reviews = -1;
    if (price[0]) {
        end = money_scan(price, rate);
        if (end == NULL || strcmp(end, "/hr") != 0) {
            *why = SKIP_BAD_RATE;
            return FH_EMALFORMED;
        }
    }
    if (stars[0]) {
        errno = 0;
        *rating = strtod(stars, &dend);
        if (errno || *dend != '\0' || !(*rating >= 0 && *rating <= 5)) {
            *why = SKIP_BAD_RATING;
            return FH_EMALFORMED;
        }
    }
    if (votes[0] && strcmp(votes, "N/A") != 0) {
        size_t digits = strspn(votes, "0123456789");
        if (digits == 0 || digits > 9) {
            *why = SKIP_BAD_REVIEWS;
            return FH_EMALFORMED;
        }
        votes[digits] = '\0';
        *reviews = atol(votes);
    }
    return 0;
}

/* One freelancer card: a user pph-<n>@import.freelance-hub.test, where n
 * is the first 16 hex digits of the row's hash, and a profile. */
static int pph_row(import_run_t *run, char **f)
{
    char n[17], email[96], name[64], key[64], *headline = NULL;
    enum import_skip why = SKIP_BAD_RATE;
    int64_t rate, reviews, user_id, profile_id = 0;
    double rating;
    db_stmt_t *st;
    int rc;

    hash_hex(run->row_hash, 16, n);
    snprintf(email, sizeof(email), "pph-%s@" IMPORT_EMAIL_DOMAIN, n);
    snprintf(name, sizeof(name), "PPH freelancer %s", n);
    snprintf(key, sizeof(key), "peopleperhour:%s", n);

    if (import_text_squash(f[0]) == 0)
        return skip(run, SKIP_NO_TITLE);
    if (pph_numbers(f, &rate, &rating, &reviews, &why) < 0)
        return skip(run, why);
    import_text_squash(f[1]);

    rc = user_ensure(run, email, name, "freelancer", f[1][0] ? f[1] : NULL,
                     &user_id);
    if (rc < 0)
        return rc;
    rc = db_prepare(run->db, sql_profile_insert, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_text(st, 2, f[0]);
    if (rate >= 0)
        db_bind_int64(st, 3, rate);
    db_bind_text(st, 4, f[1][0] ? f[1] : NULL);
    if (rating >= 0)
        db_bind_double(st, 5, rating);
    if (reviews >= 0)
        db_bind_int64(st, 6, reviews);
    db_bind_text(st, 7, key);
    db_bind_int64(st, 8, run->now);
    db_bind_int64(st, 9, run->now);
    rc = db_step(st);
    if (rc == 1)
        profile_id = db_col_int64(st, 0);
    db_reset(st);
    if (rc <= 0)
        return rc < 0 ? rc : ROW_PRESENT;

    headline = strdup(f[0]);
    if (headline == NULL)
        return FH_ENOMEM;
    rc = pph_skills(run, profile_id, headline);
    free(headline);
    return rc < 0 ? rc : ROW_ADDED;
}

/* ---- the driver ---- */

static const import_source_t import_sources[] = {
    {"upwork_jobs_dev_search.csv", search_columns, 5, NULL, search_row},
    {"upwork_jobs_powerbi_rss.csv", rss_columns, 12, rss_prepass, rss_row},
    {"peopleperhour_freelancers.csv", pph_columns, 5, NULL, pph_row},
};

#define IMPORT_SOURCE_COUNT (sizeof(import_sources) / sizeof(import_sources[0]))

/* Reads path into a new NUL-terminated buffer. On failure writes the
 * reason into err. */
static int file_load(const char *path, char **data, size_t *len,
                     char *err, size_t err_size)
{
    FILE *fp = fopen(path, "rb");
    struct stat sb;
    char *buf;

    if (fp == NULL) {
        snprintf(err, err_size, "%s", strerror(errno));
        return FH_ENOTFOUND;
    }
    if (fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode) ||
        (size_t)sb.st_size > IMPORT_FILE_MAX) {
        snprintf(err, err_size, "not a regular file of at most %zu MB",
                 IMPORT_FILE_MAX >> 20);
        fclose(fp);
        return FH_EINVAL;
    }
    buf = malloc((size_t)sb.st_size + 1);
    if (buf == NULL) {
        fclose(fp);
        snprintf(err, err_size, "out of memory");
        return FH_ENOMEM;
    }
    *len = fread(buf, 1, (size_t)sb.st_size, fp);
    if (ferror(fp)) {
        snprintf(err, err_size, "%s", strerror(errno));
        free(buf);
        fclose(fp);
        return FH_EINVAL;
    }
    fclose(fp);
    buf[*len] = '\0';
    *data = buf;
    return 0;
}

static void progress(const import_run_t *run, const char *file, size_t done,
                     size_t total)
{
    if (run->tty)
        fprintf(stderr, "\rimport: %-32s %3d%%", file,
                total ? (int)(done * 100 / total) : 100);
}

/* Finds each of the source's columns in the header; col[i] gets the
 * position of columns[i]. */
static int header_map(const import_source_t *src, import_csv_t *csv,
                      size_t *col, char *err, size_t err_size)
{
    for (size_t i = 0; i < src->ncolumns; i++) {
        col[i] = SIZE_MAX;
        for (size_t k = 0; k < csv->nfields; k++) {
            char *name = import_csv_field(csv, k);
            if (strcmp(trim(name), src->columns[i]) == 0)
                col[i] = k;
        }
        if (col[i] == SIZE_MAX) {
            snprintf(err, err_size, "the header has no \"%s\" column",
                     src->columns[i]);
            return FH_EMALFORMED;
        }
    }
    return 0;
}

/* Runs one row through the duplicate check and the row function. */
static int import_record(import_run_t *run, const import_source_t *src,
                         import_csv_t *csv, size_t header_fields,
                         const size_t *col)
{
    char *f[16];
    size_t lens[16];
    seen_entry_t *e;
    bool added;
    int rc;

    if (csv->nfields != header_fields)
        return skip(run, SKIP_COLUMNS);
    for (size_t i = 0; i < csv->nfields; i++)
        if (!fh_utf8_valid(import_csv_field(csv, i),
                           import_csv_field_len(csv, i)))
            return skip(run, SKIP_ENCODING);
    for (size_t i = 0; i < src->ncolumns; i++) {
        f[i] = import_csv_field(csv, col[i]);
        lens[i] = import_csv_field_len(csv, col[i]);
    }
    run->row_hash = hash_fields(f, lens, src->ncolumns);
    rc = seen_get(&run->rows, run->row_hash, &e, &added);
    if (rc < 0)
        return rc;
    if (!added)
        return skip(run, SKIP_DUPLICATE_ROW);
    return src->row(run, f);
}

/* Forgets what one file's import learnt, so that nothing survives a
 * rolled-back transaction. */
static void run_reset(import_run_t *run)
{
    seen_free(&run->rows);
    seen_free(&run->postings);
    run->nclients = 0;
    run->record = 0;
}

/* Describes a failed import of one file into err. */
static void failure_text(int rc, const import_csv_t *csv, db_t *db,
                         char *err, size_t err_size)
{
    if (rc == FH_ENOMEM)
        snprintf(err, err_size, "out of memory");
    else if (rc == FH_EMALFORMED && csv->error)
        snprintf(err, err_size, "line %zu: %s", csv->error_line, csv->error);
    else
        snprintf(err, err_size, "database %s (%s) at line %zu",
                 fh_err_name(rc), db_errmsg(db), csv->record_line);
}

/* Runs the source's prepass over a reader of its own. */
static int prepass_run(import_run_t *run, const import_source_t *src,
                       const import_csv_t *csv, const size_t *col,
                       char *err, size_t err_size)
{
    import_csv_t pre;
    int rc;

    import_csv_init(&pre, csv->data, csv->len);
    rc = import_csv_next(&pre);  /* the header, read before */
    if (rc == 1)
        rc = src->prepass(run, &pre, col);
    if (rc < 0)
        failure_text(rc, &pre, run->db, err, err_size);
    import_csv_cleanup(&pre);
    return rc;
}

/* Imports one file in one transaction. Returns 0, or a negative fh_err
 * with the reason in err (and nothing of the file kept). */
static int import_file(import_run_t *run, const char *dir,
                       const import_source_t *src, import_stats_t *stats,
                       char *err, size_t err_size)
{
    char path[4096], *data = NULL;
    size_t len = 0, col[16], header_fields, bom;
    import_csv_t csv;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, src->file);
    rc = file_load(path, &data, &len, err, err_size);
    if (rc < 0)
        return rc;
    bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    import_csv_init(&csv, data + bom, len - bom);
    run_reset(run);
    run->stats = stats;

    rc = import_csv_next(&csv);
    if (rc <= 0) {
        if (rc == 0)
            snprintf(err, err_size, "the file is empty");
        else
            failure_text(rc, &csv, run->db, err, err_size);
        rc = rc == 0 ? FH_EMALFORMED : rc;
        goto out;
    }
    header_fields = csv.nfields;
    rc = header_map(src, &csv, col, err, err_size);
    if (rc == 0 && src->prepass)
        rc = prepass_run(run, src, &csv, col, err, err_size);
    if (rc < 0)
        goto out;

    rc = db_begin(run->db);
    if (rc < 0) {
        failure_text(rc, &csv, run->db, err, err_size);
        goto out;
    }
    for (run->record = 0; (rc = import_csv_next(&csv)) == 1; run->record++) {
        stats->read++;
        rc = import_record(run, src, &csv, header_fields, col);
        if (rc < 0)
            break;
        if (rc == ROW_ADDED)
            stats->imported++;
        else if (rc == ROW_PRESENT)
            stats->present++;
        else
            stats->skipped[run->skip]++;
        if (stats->read % IMPORT_PROGRESS_EVERY == 0)
            progress(run, src->file, csv.pos, csv.len);
    }
    if (rc == 0)
        rc = db_commit(run->db);
    if (rc < 0) {
        failure_text(rc, &csv, run->db, err, err_size);
        db_rollback(run->db);
        goto out;
    }
    progress(run, src->file, csv.len, csv.len);

out:
    import_csv_cleanup(&csv);
    free(data);
    return rc;
}

/* ---- the summary ---- */

static void stats_add(import_stats_t *total, const import_stats_t *s)
{
    total->read += s->read;
    total->imported += s->imported;
    total->present += s->present;
    total->repaired += s->repaired;
    for (int i = 0; i < SKIP_COUNT; i++)
        total->skipped[i] += s->skipped[i];
}

/* One line: "NAME: R rows read, I imported, P already present, S skipped
 * (reason: n, ...)". */
static void stats_print(const char *name, const import_stats_t *s)
{
    int64_t skipped = 0;
    const char *sep = " (";

    for (int i = 0; i < SKIP_COUNT; i++)
        skipped += s->skipped[i];
    printf("%s: %lld rows read, %lld imported, %lld already present, "
           "%lld skipped", name, (long long)s->read, (long long)s->imported,
           (long long)s->present, (long long)skipped);
    for (int i = 0; i < SKIP_COUNT; i++) {
        if (s->skipped[i] == 0)
            continue;
        printf("%s%s: %lld", sep, skip_names[i], (long long)s->skipped[i]);
        sep = ", ";
    }
    if (skipped > 0)
        printf(")");
    if (s->repaired > 0)
        printf("; %lld truncated budgets repaired from the description",
               (long long)s->repaired);
    printf("\n");
}

/* ---- the command ---- */

static bool is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* DIR, else ../shared/data, else $FH_SHARED_DATA; NULL when none exists,
 * with the reason printed. */
static const char *data_dir(int argc, char **argv)
{
    const char *env = getenv("FH_SHARED_DATA");

    if (argc >= 1) {
        if (is_dir(argv[0]))
            return argv[0];
        fprintf(stderr, "import: data directory %s not found\n", argv[0]);
        return NULL;
    }
    if (is_dir("../shared/data"))
        return "../shared/data";
    if (env && env[0] && is_dir(env))
        return env;
    if (env && env[0])
        fprintf(stderr, "import: data directory not found: neither "
                        "../shared/data nor FH_SHARED_DATA=%s exists\n", env);
    else
        fprintf(stderr, "import: data directory not found: ../shared/data "
                        "does not exist and FH_SHARED_DATA is not set\n");
    return NULL;
}

/* Checks that every file is there before anything is imported. */
static bool files_present(const char *dir)
{
    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, import_sources[i].file);
        if (access(path, R_OK) < 0) {
            fprintf(stderr, "import: cannot read %s: %s\n", path,
                    strerror(errno));
            return false;
        }
    }
    return true;
}

int import_main(const config_t *cfg, int argc, char **argv)
{
    import_stats_t stats[IMPORT_SOURCE_COUNT] = {0}, total = {0};
    import_run_t run = {0};
    bool failed[IMPORT_SOURCE_COUNT] = {false};
    int code = 0;
    const char *dir;
    char err[512];
    double started = fh_mono_ms();

    if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
        fprintf(stderr, "usage: freelance-hub import [DIR]\n");
        return 2;
    }
    dir = data_dir(argc, argv);
    if (dir == NULL || !files_present(dir))
        return 1;
    if (db_open(cfg->database_url, &run.db) < 0) {
        fprintf(stderr, "import: cannot open the database\n");
        return 1;
    }
    run.now = fh_now();
    run.tty = isatty(STDERR_FILENO);

    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        const import_source_t *src = &import_sources[i];
        double t0 = fh_mono_ms();
        if (import_file(&run, dir, src, &stats[i], err, sizeof(err)) < 0) {
            if (run.tty)
                fprintf(stderr, "\r\033[K");
            fprintf(stderr, "import: %s: %s; nothing from this file was "
                            "kept\n", src->file, err);
            failed[i] = true;
            code = 1;
            continue;
        }
        if (!run.tty)
            fprintf(stderr, "import: %s: %lld rows in %.1f s\n", src->file,
                    (long long)stats[i].read, (fh_mono_ms() - t0) / 1000);
    }
    if (run.tty)
        fprintf(stderr, "\r\033[K");

    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        if (failed[i]) {
            printf("%s: failed, nothing imported\n", import_sources[i].file);
            continue;
        }
        stats_print(import_sources[i].file, &stats[i]);
        stats_add(&total, &stats[i]);
    }
    stats_print("total", &total);
    printf("took %.1f s\n", (fh_mono_ms() - started) / 1000);

    run_reset(&run);
    free(run.clients);
    db_close(run.db);
    return code;
}
