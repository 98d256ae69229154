/* The bulk load of the demo marketplace: the catalogue, then every job
 * with its skills, proposals, contract and reviews, then the people with
 * the counters the jobs left them. Rows go in through prepared statements
 * reused for every row, texts are built in fixed buffers, and nothing is
 * allocated per row. */
#include "tools/seed.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "store/catalog.h"

#define DAY 86400
#define HISTORY_DAYS 540     /* jobs are posted over this many days */
#define MAX_PROPOSALS 400    /* the most proposals one job draws */
#define MAX_JOB_SKILLS 6
#define MAX_PROFILE_SKILLS 9
#define MAX_SKILLS 512       /* the catalogue's size, with room */
#define JOB_BATCH 131072     /* jobs staged before they move across */
#define PROGRESS_EVERY 4096  /* jobs or people between progress reports */
/* Rough rows written per job (with its skills, proposals, contract and
 * reviews) and per freelancer (user, profile, skills, portfolio), to weigh
 * the phases in progress reports. */
#define ROWS_PER_JOB 11.0
#define ROWS_PER_FREELANCER 9.0

/* Streams of the random source, one per phase. */
enum { STREAM_PEOPLE = 1, STREAM_JOBS, STREAM_PROFILES };

enum { LEVEL_ENTRY, LEVEL_INTERMEDIATE, LEVEL_EXPERT };
static const char *const level_names[] = {"entry", "intermediate", "expert"};
static const char *const level_adjs[] = {"Junior", "Mid-level", "Senior"};
static const uint16_t freelancer_level_weights[] = {30, 45, 25};
static const uint16_t job_level_weights[] = {30, 50, 20};

enum { JOB_OPEN, JOB_IN_PROGRESS, JOB_CLOSED, JOB_CANCELLED };
static const char *const job_status_names[] = {"open", "in_progress",
                                               "closed", "cancelled"};
/* Status weights by the job's age: under a week, under 60 days, older. */
static const uint16_t job_status_weights[3][4] = {
    {960, 30, 7, 3}, {750, 150, 70, 30}, {500, 140, 290, 70}};

enum { PROP_PENDING, PROP_ACCEPTED, PROP_REJECTED, PROP_WITHDRAWN };
static const char *const prop_status_names[] = {"pending", "accepted",
                                                "rejected", "withdrawn"};

static const char *const availability_names[] = {"available", "busy",
                                                 "unavailable"};
static const uint16_t availability_weights[] = {72, 20, 8};

/* Ratings 1..5 a client gives, by the freelancer's quality tier, and the
 * ratings freelancers give clients. */
static const uint16_t quality_weights[] = {10, 60, 30};
static const uint16_t rating_weights[3][5] = {
    {10, 15, 25, 30, 20}, {1, 2, 7, 30, 60}, {0, 1, 3, 16, 80}};
static const uint16_t client_rating_weights[5] = {2, 3, 8, 27, 60};

static const uint16_t job_skill_count_weights[] = {40, 30, 15, 10, 5};
static const uint16_t portfolio_count_weights[] = {25, 20, 20, 15, 12, 8};

typedef struct freelancer {
    int64_t earnings_cents;   /* completed contracts' amounts */
    int32_t rating_sum;       /* reviews received */
    int32_t rating_count;
    int32_t completed;        /* completed contracts */
    int32_t rate_cents;       /* hourly rate */
    uint8_t category;         /* index into seed_categories */
    uint8_t level;
    uint8_t quality;          /* tier of rating_weights */
    uint8_t country;
} freelancer_t;

typedef struct client {
    int32_t rating_sum;       /* reviews received from freelancers */
    int32_t rating_count;
    uint8_t country;
} client_t;

/* One proposal of the job being built. */
typedef struct slot {
    uint32_t freelancer;      /* index into fl */
    int status;
    int64_t created_at;
    int64_t updated_at;
    int64_t bid_cents;
    int days;                 /* estimated duration */
    bool resubmitted;         /* a second try after a withdrawal */
} slot_t;

typedef struct job {
    int64_t id;
    uint32_t client;
    int category;
    int level;
    int status;
    bool fixed;
    bool hired;               /* has a contract */
    int64_t budget_min, budget_max;
    int64_t posted_at, decided_at, ended_at, updated_at;
    int skills[MAX_JOB_SKILLS];  /* indices into skill_ids */
    int nskills;
    int nslots;
    int accepted;             /* slot index, or -1 */
} job_t;

typedef struct loader {
    sqlite3 *conn;
    const seed_opts_t *opts;
    seed_stats_t *stats;
    seed_progress_fn progress;
    seed_rng_t rng;
    int64_t start;            /* first moment of the history */

    int64_t category_ids[64];
    int cat_first_skill[64];  /* each category's skills are contiguous */
    int cat_nskills[64];
    int64_t skill_ids[MAX_SKILLS];
    const char *skill_names[MAX_SKILLS];
    int nskills;
    uint16_t demand[64], supply[64];
    uint16_t fl_country_w[64], cl_country_w[64];

    freelancer_t *fl;
    client_t *cl;
    uint32_t *client_order;   /* a shuffle, so busy clients are spread */
    uint32_t *pool_all;       /* freelancers, permuted as they are drawn */
    uint32_t *pool_cat;       /* freelancers grouped by category */
    int64_t cat_off[65];

    int64_t next_proposal, next_contract, next_review, next_portfolio;
    job_t job;
    slot_t slots[MAX_PROPOSALS + 1];
    uint32_t chosen[MAX_PROPOSALS + 1];
    seed_text_t title, text;

    sqlite3_stmt *ins_category, *get_category, *ins_skill, *get_skill;
    sqlite3_stmt *ins_user, *ins_profile, *ins_profile_skill, *ins_portfolio;
    sqlite3_stmt *ins_job, *ins_job_skill, *ins_proposal, *ins_contract;
    sqlite3_stmt *ins_review, *move_jobs, *clear_jobs;
} loader_t;

static const char *sql_ins_category =
    "INSERT INTO categories (name, slug) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char *sql_get_category = "SELECT id FROM categories WHERE slug = ?";
static const char *sql_ins_skill =
    "INSERT INTO skills (name, slug) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char *sql_get_skill = "SELECT id FROM skills WHERE slug = ?";
static const char *sql_ins_user =
    "INSERT INTO users (id, email, name, role, country, rating_sum,"
    " rating_count, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
static const char *sql_ins_profile =
    "INSERT INTO freelance_profiles (id, user_id, title, bio,"
    " hourly_rate_cents, currency, availability, experience_level,"
    " category_id, country, rating_avg, rating_sum, rating_count,"
    " completed_jobs, total_earnings_cents, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char *sql_ins_profile_skill =
    "INSERT INTO profile_skills (profile_id, skill_id) VALUES (?, ?)";
static const char *sql_ins_portfolio =
    "INSERT INTO portfolio_items (id, profile_id, title, description, url,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?)";
/* Jobs go through a staging table first: the full-text trigger on the jobs
 * table flushes its index at every statement (each opens a savepoint), so
 * jobs are moved across in one statement per batch instead of one per
 * row. */
static const char *sql_stage_jobs_create =
    "CREATE TEMP TABLE seed_jobs (id INTEGER PRIMARY KEY, client_id INTEGER,"
    " title TEXT, description TEXT, category_id INTEGER, budget_type TEXT,"
    " budget_min_cents INTEGER, budget_max_cents INTEGER,"
    " experience_level TEXT, status TEXT, client_country TEXT,"
    " proposal_count INTEGER, posted_at INTEGER, updated_at INTEGER)";
static const char *sql_stage_jobs_drop = "DROP TABLE IF EXISTS temp.seed_jobs";
static const char *sql_ins_job =
    "INSERT INTO temp.seed_jobs (id, client_id, title, description,"
    " category_id, budget_type, budget_min_cents, budget_max_cents,"
    " experience_level, status, client_country, proposal_count, posted_at,"
    " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char *sql_move_jobs =
    "INSERT INTO freelance_job_postings (id, client_id, title, description,"
    " category_id, budget_type, budget_min_cents, budget_max_cents, currency,"
    " experience_level, status, client_country, proposal_count, posted_at,"
    " updated_at)"
    " SELECT id, client_id, title, description, category_id, budget_type,"
    " budget_min_cents, budget_max_cents, 'USD', experience_level, status,"
    " client_country, proposal_count, posted_at, updated_at"
    " FROM temp.seed_jobs ORDER BY id";
static const char *sql_clear_jobs = "DELETE FROM temp.seed_jobs";
/* The full-text index keeps up to hashsize bytes of new terms in memory
 * before it writes them out as a segment, which it later merges with
 * others. The default (1 MiB) means a thousand small segments per million
 * jobs, and merging them is more than half of the index's cost; 128 MiB
 * writes few large ones. Put back to the default after the load, in the
 * same transaction. */
static const char *sql_fts_hash_big =
    "INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('hashsize', 134217728)";
static const char *sql_fts_hash_default =
    "INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('hashsize', 1048576)";
static const char *sql_ins_job_skill =
    "INSERT INTO job_skills (job_id, skill_id) VALUES (?, ?)";
static const char *sql_ins_proposal =
    "INSERT INTO freelance_proposals (id, job_posting_id, freelancer_id,"
    " cover_letter, bid_amount_cents, currency, estimated_duration_days,"
    " status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?)";
static const char *sql_ins_contract =
    "INSERT INTO freelance_contracts (id, proposal_id, job_posting_id,"
    " freelancer_id, client_id, amount_cents, currency, status, started_at,"
    " ended_at) VALUES (?, ?, ?, ?, ?, ?, 'USD', ?, ?, ?)";
static const char *sql_ins_review =
    "INSERT INTO reviews (id, contract_id, reviewer_id, reviewee_id, rating,"
    " comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";

/* ---- statements ---- */

static int prepare(loader_t *ld, const char *sql, sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(ld->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: cannot prepare a statement: %s\n",
                sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    return 0;
}

static int prepare_all(loader_t *ld)
{
    const struct {
        const char *sql;
        sqlite3_stmt **st;
    } all[] = {
        {sql_ins_category, &ld->ins_category},
        {sql_get_category, &ld->get_category},
        {sql_ins_skill, &ld->ins_skill},
        {sql_get_skill, &ld->get_skill},
        {sql_ins_user, &ld->ins_user},
        {sql_ins_profile, &ld->ins_profile},
        {sql_ins_profile_skill, &ld->ins_profile_skill},
        {sql_ins_portfolio, &ld->ins_portfolio},
        {sql_ins_job, &ld->ins_job},
        {sql_ins_job_skill, &ld->ins_job_skill},
        {sql_ins_proposal, &ld->ins_proposal},
        {sql_ins_contract, &ld->ins_contract},
        {sql_ins_review, &ld->ins_review},
        {sql_move_jobs, &ld->move_jobs},
        {sql_clear_jobs, &ld->clear_jobs},
    };

    if (sqlite3_exec(ld->conn, sql_stage_jobs_create, NULL, NULL, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "seed: cannot create the staging table: %s\n",
                sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (prepare(ld, all[i].sql, all[i].st) < 0)
            return FH_EDB;
    return 0;
}

static void finalize_all(loader_t *ld)
{
    sqlite3_stmt *all[] = {
        ld->ins_category, ld->get_category, ld->ins_skill, ld->get_skill,
        ld->ins_user, ld->ins_profile, ld->ins_profile_skill,
        ld->ins_portfolio, ld->ins_job, ld->ins_job_skill, ld->ins_proposal,
        ld->ins_contract, ld->ins_review, ld->move_jobs, ld->clear_jobs,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    sqlite3_exec(ld->conn, sql_stage_jobs_drop, NULL, NULL, NULL);
}

/* Runs an insert whose parameters are bound, then resets it. */
static int run(loader_t *ld, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);

    if (rc != SQLITE_DONE) {
        fprintf(stderr, "seed: insert failed: %s\n", sqlite3_errmsg(ld->conn));
        sqlite3_reset(st);
        return FH_EDB;
    }
    sqlite3_reset(st);
    return 0;
}

/* Runs a statement without parameters. */
static int exec(loader_t *ld, const char *sql)
{
    if (sqlite3_exec(ld->conn, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: %s\n", sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

static void bind_buf(sqlite3_stmt *st, int idx, const seed_text_t *t)
{
    sqlite3_bind_text(st, idx, t->s, (int)t->len, SQLITE_STATIC);
}

/* ---- the catalogue ---- */

/* Inserts name into a catalogue table unless its slug is there, and
 * returns the row's id either way. */
static int catalog_put(loader_t *ld, sqlite3_stmt *ins, sqlite3_stmt *get,
                       const char *name, int64_t *id)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
    int rc;

    if (!catalog_normalise(name, display, slug))
        return FH_EINVAL;
    bind_text(ins, 1, display);
    bind_text(ins, 2, slug);
    rc = run(ld, ins);
    if (rc < 0)
        return rc;
    bind_text(get, 1, slug);
    rc = sqlite3_step(get);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(get, 0);
    sqlite3_reset(get);
    if (rc != SQLITE_ROW) {
        fprintf(stderr, "seed: catalogue lookup failed: %s\n",
                sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    return 0;
}

static int load_catalog(loader_t *ld)
{
    int rc;

    for (int c = 0; c < seed_ncategories; c++) {
        const seed_category_t *cat = &seed_categories[c];
        rc = catalog_put(ld, ld->ins_category, ld->get_category, cat->name,
                         &ld->category_ids[c]);
        if (rc < 0)
            return rc;
        ld->demand[c] = cat->demand;
        ld->supply[c] = cat->supply;
        ld->cat_first_skill[c] = ld->nskills;
        for (int k = 0; cat->skills[k] != NULL; k++) {
            if (ld->nskills >= MAX_SKILLS)
                return FH_EINVAL;
            rc = catalog_put(ld, ld->ins_skill, ld->get_skill, cat->skills[k],
                             &ld->skill_ids[ld->nskills]);
            if (rc < 0)
                return rc;
            ld->skill_names[ld->nskills++] = cat->skills[k];
        }
        ld->cat_nskills[c] = ld->nskills - ld->cat_first_skill[c];
    }
    ld->stats->categories = seed_ncategories;
    ld->stats->skills = ld->nskills;
    return 0;
}

/* The share of the load done after jobs jobs and freelancers
 * freelancers. */
static double share_done(const loader_t *ld, int64_t jobs, int64_t freelancers)
{
    double total = ROWS_PER_JOB * (double)ld->opts->jobs +
                   ROWS_PER_FREELANCER * (double)ld->opts->freelancers;

    return (ROWS_PER_JOB * (double)jobs +
            ROWS_PER_FREELANCER * (double)freelancers) / total;
}

/* ---- people, drawn before the jobs and written after them ---- */

static int64_t round_to(double v, int64_t step)
{
    int64_t r = (int64_t)(v / (double)step + 0.5) * step;

    return r < step ? step : r;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* An hourly rate: log-normal around a median set by the level, scaled by
 * the category, in whole dollars. */
static int32_t draw_rate(seed_rng_t *r, int level, int category)
{
    static const double median_cents[] = {1800, 3500, 6500};
    double v = seed_rng_lognormal(r, log(median_cents[level]), 0.35) *
               seed_categories[category].rate_pct / 100.0;

    return (int32_t)clamp64(round_to(v, v >= 5000 ? 500 : 100), 500, 50000);
}

/* Draws each person's lasting traits and sets up the pools proposals are
 * drawn from. */
static int draw_people(loader_t *ld)
{
    int64_t nf = ld->opts->freelancers, nc = ld->opts->clients;
    seed_rng_t *r = &ld->rng;

    ld->fl = calloc((size_t)nf, sizeof(*ld->fl));
    ld->cl = calloc((size_t)nc, sizeof(*ld->cl));
    ld->client_order = malloc((size_t)nc * sizeof(uint32_t));
    ld->pool_all = malloc((size_t)nf * sizeof(uint32_t));
    ld->pool_cat = malloc((size_t)nf * sizeof(uint32_t));
    if (!ld->fl || !ld->cl || !ld->client_order || !ld->pool_all ||
        !ld->pool_cat)
        return FH_ENOMEM;

    for (int i = 0; i < seed_ncountries; i++) {
        ld->fl_country_w[i] = seed_countries[i].freelancers;
        ld->cl_country_w[i] = seed_countries[i].clients;
    }
    seed_rng_init(r, ld->opts->seed, STREAM_PEOPLE);
    for (int64_t i = 0; i < nf; i++) {
        freelancer_t *f = &ld->fl[i];
        f->category = (uint8_t)seed_rng_weighted(r, ld->supply,
                                                 seed_ncategories);
        f->level = (uint8_t)seed_rng_weighted(r, freelancer_level_weights, 3);
        f->quality = (uint8_t)seed_rng_weighted(r, quality_weights, 3);
        f->country = (uint8_t)seed_rng_weighted(r, ld->fl_country_w,
                                                seed_ncountries);
        f->rate_cents = draw_rate(r, f->level, f->category);
        ld->pool_all[i] = (uint32_t)i;
    }
    for (int64_t i = 0; i < nc; i++) {
        ld->cl[i].country = (uint8_t)seed_rng_weighted(r, ld->cl_country_w,
                                                       seed_ncountries);
        ld->client_order[i] = (uint32_t)i;
    }
    for (int64_t i = nc - 1; i > 0; i--) {
        uint32_t j = seed_rng_below(r, (uint32_t)(i + 1));
        uint32_t t = ld->client_order[i];
        ld->client_order[i] = ld->client_order[j];
        ld->client_order[j] = t;
    }

    /* Counting sort of the freelancers by category. */
    int64_t fill[65] = {0};
    for (int64_t i = 0; i < nf; i++)
        ld->cat_off[ld->fl[i].category + 1]++;
    for (int c = 0; c < seed_ncategories; c++)
        ld->cat_off[c + 1] += ld->cat_off[c];
    for (int64_t i = 0; i < nf; i++) {
        int c = ld->fl[i].category;
        ld->pool_cat[ld->cat_off[c] + fill[c]++] = (uint32_t)i;
    }
    return 0;
}

static int64_t client_user_id(uint32_t client)
{
    return 2 + (int64_t)client;  /* the admin is user 1 */
}

static int64_t freelancer_user_id(const loader_t *ld, uint32_t f)
{
    return 2 + ld->opts->clients + (int64_t)f;
}

/* Builds "<role><n>@demo.freelance-hub.test" into buf. */
static void demo_email(char *buf, size_t size, const char *role, int64_t n)
{
    snprintf(buf, size, "%s%lld@demo.freelance-hub.test", role, (long long)n);
}

static void person_name(seed_rng_t *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s", seed_pick(r, &seed_first_names),
             seed_pick(r, &seed_last_names));
}

/* Users join over the year before the history starts. */
static int64_t joined_at(loader_t *ld)
{
    return ld->start - seed_rng_range(&ld->rng, DAY, 400 * DAY);
}

static int insert_user(loader_t *ld, int64_t id, const char *email,
                       const char *name, const char *role, const char *country,
                       int32_t rating_sum, int32_t rating_count,
                       int64_t created_at)
{
    sqlite3_stmt *st = ld->ins_user;

    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, email);
    bind_text(st, 3, name);
    bind_text(st, 4, role);
    if (country)
        bind_text(st, 5, country);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int(st, 6, rating_sum);
    sqlite3_bind_int(st, 7, rating_count);
    sqlite3_bind_int64(st, 8, created_at);
    ld->stats->users++;
    return run(ld, st);
}

/* Picks n distinct skills for a profile, mostly from its category. */
static int profile_skills(loader_t *ld, int category, int *out)
{
    seed_rng_t *r = &ld->rng;
    int n = (int)seed_rng_range(r, 3, 8);
    int first = ld->cat_first_skill[category];
    int own = ld->cat_nskills[category];
    int k = 0;

    if (n > own + 1)
        n = own + 1;
    while (k < n) {
        int s;
        if (k == n - 1 && seed_rng_chance(r, 0.3))
            s = (int)seed_rng_below(r, (uint32_t)ld->nskills);
        else
            s = first + (int)seed_rng_below(r, (uint32_t)own);
        bool seen = false;
        for (int i = 0; i < k; i++)
            seen |= out[i] == s;
        if (!seen)
            out[k++] = s;
    }
    return n;
}

static void words_for(loader_t *ld, seed_words_t *w, int category,
                      const int *skills, int nskills, int level)
{
    seed_rng_t *r = &ld->rng;
    const seed_category_t *cat = &seed_categories[category];
    int nproj = 0;

    while (cat->projects[nproj] != NULL)
        nproj++;
    for (int i = 0; i < 3; i++)
        w->skill[i] = ld->skill_names[skills[i % nskills]];
    w->role = cat->role;
    w->role_lc = cat->role_lc;
    w->project = cat->projects[seed_rng_below(r, (uint32_t)nproj)];
    w->business = seed_pick(r, &seed_businesses);
    w->business2 = seed_pick(r, &seed_businesses);
    w->level = level_adjs[level];
    w->years = 2 + level * 3 + (int)seed_rng_below(r, 5);
    w->days = (int)seed_rng_range(r, 3, 30);
    w->weeks = (int)seed_rng_range(r, 2, 16);
    w->hours = 5 * (int)seed_rng_range(r, 2, 8);
}

static int insert_portfolio(loader_t *ld, int64_t profile_id,
                            const seed_words_t *w, int64_t created_at)
{
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_portfolio;
    int64_t id = ++ld->next_portfolio;
    char url[96];

    seed_text_reset(&ld->title);
    seed_text_expand(&ld->title, seed_pick(r, &seed_portfolio_titles), w,
                     false);
    seed_text_reset(&ld->text);
    seed_text_expand(&ld->text, seed_pick(r, &seed_portfolio_texts), w, false);
    snprintf(url, sizeof(url),
             "https://portfolio.demo.freelance-hub.test/%lld/%lld",
             (long long)profile_id, (long long)id);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, profile_id);
    bind_buf(st, 3, &ld->title);
    bind_buf(st, 4, &ld->text);
    bind_text(st, 5, url);
    sqlite3_bind_int64(st, 6, created_at);
    ld->stats->portfolio_items++;
    return run(ld, st);
}

/* Writes freelancer f: its user, profile (with the counters the jobs left),
 * skills and portfolio. */
static int insert_freelancer(loader_t *ld, uint32_t f)
{
    const freelancer_t *fr = &ld->fl[f];
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_profile;
    int64_t user_id = freelancer_user_id(ld, f), profile_id = f + 1;
    int skills[MAX_PROFILE_SKILLS];
    char email[96], name[64];
    seed_words_t w;
    int rc;

    demo_email(email, sizeof(email), "freelancer", (int64_t)f + 1);
    person_name(r, name, sizeof(name));
    int64_t joined = joined_at(ld);
    const char *country = seed_countries[fr->country].name;
    rc = insert_user(ld, user_id, email, name, "freelancer", country, 0, 0,
                     joined);
    if (rc < 0)
        return rc;

    int nskills = profile_skills(ld, fr->category, skills);
    words_for(ld, &w, fr->category, skills, nskills, fr->level);
    seed_text_reset(&ld->title);
    seed_text_expand(&ld->title, seed_pick(r, &seed_profile_titles), &w,
                     false);
    seed_text_reset(&ld->text);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_openers), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_middles), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_closers), &w, true);
    int64_t created = joined + seed_rng_range(r, 600, 3 * DAY);

    sqlite3_bind_int64(st, 1, profile_id);
    sqlite3_bind_int64(st, 2, user_id);
    bind_buf(st, 3, &ld->title);
    bind_buf(st, 4, &ld->text);
    sqlite3_bind_int64(st, 5, fr->rate_cents);
    bind_text(st, 6, availability_names[seed_rng_weighted(
                         r, availability_weights, 3)]);
    bind_text(st, 7, level_names[fr->level]);
    sqlite3_bind_int64(st, 8, ld->category_ids[fr->category]);
    bind_text(st, 9, country);
    if (fr->rating_count > 0)
        sqlite3_bind_double(st, 10,
                            (double)fr->rating_sum / (double)fr->rating_count);
    else
        sqlite3_bind_null(st, 10);
    sqlite3_bind_int(st, 11, fr->rating_sum);
    sqlite3_bind_int(st, 12, fr->rating_count);
    sqlite3_bind_int(st, 13, fr->completed);
    sqlite3_bind_int64(st, 14, fr->earnings_cents);
    sqlite3_bind_int64(st, 15, created);
    sqlite3_bind_int64(st, 16, created);
    rc = run(ld, st);
    if (rc < 0)
        return rc;
    ld->stats->profiles++;

    for (int i = 0; i < nskills; i++) {
        sqlite3_bind_int64(ld->ins_profile_skill, 1, profile_id);
        sqlite3_bind_int64(ld->ins_profile_skill, 2, ld->skill_ids[skills[i]]);
        rc = run(ld, ld->ins_profile_skill);
        if (rc < 0)
            return rc;
    }
    int nitems = seed_rng_weighted(r, portfolio_count_weights, 6);
    for (int i = 0; i < nitems && rc == 0; i++) {
        words_for(ld, &w, fr->category, skills, nskills, fr->level);
        rc = insert_portfolio(ld, profile_id, &w,
                              created + seed_rng_range(r, DAY, 90 * DAY));
    }
    return rc;
}

static int load_people(loader_t *ld)
{
    char email[96], name[64];
    int rc;

    seed_rng_init(&ld->rng, ld->opts->seed, STREAM_PROFILES);
    rc = insert_user(ld, 1, "admin@demo.freelance-hub.test", "Demo Admin",
                     "admin", NULL, 0, 0, ld->start - 420 * DAY);
    for (int64_t i = 0; i < ld->opts->clients && rc == 0; i++) {
        const client_t *c = &ld->cl[i];
        demo_email(email, sizeof(email), "client", i + 1);
        person_name(&ld->rng, name, sizeof(name));
        rc = insert_user(ld, client_user_id((uint32_t)i), email, name,
                         "client", seed_countries[c->country].name,
                         c->rating_sum, c->rating_count, joined_at(ld));
    }
    for (int64_t i = 0; i < ld->opts->freelancers && rc == 0; i++) {
        rc = insert_freelancer(ld, (uint32_t)i);
        if (ld->progress && (i + 1) % PROGRESS_EVERY == 0)
            ld->progress("people", share_done(ld, ld->opts->jobs, i + 1));
    }
    if (rc == 0 && ld->progress)
        ld->progress("people", 1.0);
    return rc;
}

/* ---- jobs ---- */

/* A job's time of posting: id order is time order, and the marketplace
 * grows, so the density of postings rises threefold over the history. */
static int64_t posted_at(loader_t *ld, int64_t idx)
{
    double x = ((double)idx + seed_rng_unit(&ld->rng)) /
               (double)ld->opts->jobs;
    double t = (sqrt(1.0 + 8.0 * x) - 1.0) / 2.0;
    int64_t span = (int64_t)HISTORY_DAYS * DAY - 600;

    return ld->start + (int64_t)(t * (double)span);
}

static void draw_budget(loader_t *ld, job_t *job)
{
    static const double level_shift[] = {-0.4, 0.0, 0.5};
    seed_rng_t *r = &ld->rng;
    double scale = seed_categories[job->category].rate_pct / 100.0;

    job->fixed = seed_rng_chance(r, 0.65);
    if (job->fixed) {
        double v = seed_rng_lognormal(r, log(50000) + level_shift[job->level],
                                      1.1) * scale;
        int64_t step = v < 10000 ? 500 : v < 100000 ? 2500 : 10000;
        job->budget_min = clamp64(round_to(v, step), 2500, 10000000);
        job->budget_max = job->budget_min;
    } else {
        double v = seed_rng_lognormal(r, log(2500) + level_shift[job->level],
                                      0.4) * scale;
        job->budget_min = clamp64(round_to(v, 100), 500, 30000);
        job->budget_max = round_to((double)job->budget_min *
                                   (1.3 + 0.9 * seed_rng_unit(r)), 100);
    }
}

static void draw_job_skills(loader_t *ld, job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int first = ld->cat_first_skill[job->category];
    int own = ld->cat_nskills[job->category];
    int n = 2 + seed_rng_weighted(r, job_skill_count_weights, 5);

    if (n > own)
        n = own;
    job->nskills = 0;
    while (job->nskills < n) {
        int s;
        if (job->nskills == n - 1 && n > 2 && seed_rng_chance(r, 0.2))
            s = (int)seed_rng_below(r, (uint32_t)ld->nskills);
        else
            s = first + (int)seed_rng_below(r, (uint32_t)own);
        bool seen = false;
        for (int i = 0; i < job->nskills; i++)
            seen |= job->skills[i] == s;
        if (!seen)
            job->skills[job->nskills++] = s;
    }
}

/* Draws k distinct freelancers into ld->chosen: about three in four from
 * the job's category, the rest from elsewhere. The pools are partially
 * shuffled in place (Fisher-Yates), so each draw costs O(k) and the pools
 * stay permutations. Returns how many were drawn (k, or fewer when the
 * marketplace has fewer freelancers). */
static int draw_freelancers(loader_t *ld, int category, int k)
{
    seed_rng_t *r = &ld->rng;
    uint32_t *cat = ld->pool_cat + ld->cat_off[category];
    uint32_t ncat = (uint32_t)(ld->cat_off[category + 1] -
                               ld->cat_off[category]);
    uint32_t nall = (uint32_t)ld->opts->freelancers;
    uint32_t want_in = (uint32_t)((double)k * 0.75 + seed_rng_unit(r));
    int got = 0;

    if (want_in > ncat)
        want_in = ncat;
    for (uint32_t i = 0; i < want_in; i++) {
        uint32_t j = i + seed_rng_below(r, ncat - i);
        uint32_t t = cat[j];
        cat[j] = cat[i];
        cat[i] = t;
        ld->chosen[got++] = t;
    }
    for (uint32_t i = 0; i < nall && got < k; i++) {
        uint32_t j = i + seed_rng_below(r, nall - i);
        uint32_t t = ld->pool_all[j];
        ld->pool_all[j] = ld->pool_all[i];
        ld->pool_all[i] = t;
        if (ld->fl[t].category != category)
            ld->chosen[got++] = t;
    }
    for (int i = got - 1; i > 0; i--) {
        uint32_t j = seed_rng_below(r, (uint32_t)i + 1);
        uint32_t t = ld->chosen[i];
        ld->chosen[i] = ld->chosen[j];
        ld->chosen[j] = t;
    }
    return got;
}

/* How many proposals a job draws: log-normal, so most jobs get a few and
 * a few get many; about five on average. */
static int draw_proposal_count(loader_t *ld)
{
    double v = seed_rng_lognormal(&ld->rng, 1.02, 1.15);
    int64_t cap = ld->opts->freelancers < MAX_PROPOSALS
                      ? ld->opts->freelancers : MAX_PROPOSALS;

    return (int)(v >= (double)cap ? cap : v);
}

static int64_t draw_bid(loader_t *ld, const job_t *job, uint32_t f)
{
    seed_rng_t *r = &ld->rng;

    if (job->fixed)
        return round_to((double)job->budget_max *
                        (0.7 + 0.45 * seed_rng_unit(r)), 500);
    double rate = (double)clamp64(ld->fl[f].rate_cents,
                                  job->budget_min * 85 / 100,
                                  job->budget_max * 110 / 100);
    return round_to(rate * (0.95 + 0.1 * seed_rng_unit(r)), 100);
}

/* Decides the job's fate and the times that follow from it: when it was
 * decided (hire or close) and when its contract ended. */
static void draw_fate(loader_t *ld, job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int64_t now = ld->opts->now;
    int64_t age = now - job->posted_at;
    int band = age < 7 * DAY ? 0 : age < 60 * DAY ? 1 : 2;

    job->status = seed_rng_weighted(r, job_status_weights[band], 4);
    job->hired = job->status != JOB_OPEN &&
                 !(job->status == JOB_CLOSED && seed_rng_chance(r, 0.12));
    job->decided_at = job->ended_at = 0;
    job->updated_at = job->posted_at;
    if (job->status == JOB_OPEN)
        return;

    double window = (double)age * 0.4;
    if (window > 12.0 * DAY)
        window = 12.0 * DAY;
    window *= 0.4 + 0.6 * seed_rng_unit(r);
    job->decided_at = job->posted_at + 60 + (int64_t)window;
    job->updated_at = job->decided_at;
    if (job->status == JOB_IN_PROGRESS || !job->hired)
        return;

    double left = (double)(now - job->decided_at);
    double took = seed_rng_lognormal(r, log(14.0 * DAY), 0.7);
    if (took > left * 0.95)
        took = left * (0.5 + 0.45 * seed_rng_unit(r));
    job->ended_at = job->decided_at + 1 + (int64_t)took;
    job->updated_at = job->ended_at;
}

/* Fills the job's proposal slots: freelancers, times, bids and statuses,
 * consistent with the job's fate. */
static void draw_slots(loader_t *ld, job_t *job)
{
    seed_rng_t *r = &ld->rng;
    int64_t now = ld->opts->now;
    int k = draw_proposal_count(ld);

    if (job->hired && k == 0)
        k = 1;
    k = draw_freelancers(ld, job->category, k);
    job->nslots = k;
    job->accepted = -1;
    if (k == 0)
        return;

    /* Arrivals crowd the first days of the window. */
    int64_t first = job->posted_at + 60;
    int64_t end = job->status == JOB_OPEN ? now : job->decided_at;
    double window = (double)(end - first);
    if (job->status == JOB_OPEN && window > 21.0 * DAY)
        window = 21.0 * DAY;
    for (int i = 0; i < k; i++) {
        slot_t *s = &ld->slots[i];
        double g = ((double)i + seed_rng_unit(r)) / (double)k;
        s->freelancer = ld->chosen[i];
        s->created_at = first + (int64_t)(window * g * g);
        s->bid_cents = draw_bid(ld, job, s->freelancer);
        s->days = job->fixed
            ? (int)clamp64((int64_t)seed_rng_lognormal(r, log(12.0), 0.7),
                           1, 180)
            : (int)clamp64((int64_t)seed_rng_lognormal(r, log(45.0), 0.6),
                           7, 365);
        s->status = seed_rng_chance(r, 0.06) ? PROP_WITHDRAWN : PROP_PENDING;
        s->resubmitted = false;
    }

    /* Some who withdrew try again later: the later slot goes to them, so
     * the pair has one withdrawn and one live proposal. */
    for (int i = 0; i < k; i++) {
        slot_t *s = &ld->slots[i];
        int64_t until = job->status == JOB_OPEN ? now : job->decided_at;
        if (s->status != PROP_WITHDRAWN)
            continue;
        if (seed_rng_chance(r, 0.25)) {
            for (int j = i + 1; j < k; j++) {
                slot_t *t = &ld->slots[j];
                if (t->status == PROP_WITHDRAWN || t->resubmitted)
                    continue;
                t->freelancer = s->freelancer;
                t->resubmitted = true;
                until = t->created_at;
                break;
            }
        }
        s->updated_at = s->created_at +
            (int64_t)((double)(until - s->created_at) * seed_rng_unit(r));
    }

    if (job->hired) {
        int live = 0;
        for (int i = 0; i < k; i++)
            live += ld->slots[i].status != PROP_WITHDRAWN;
        if (live == 0) {
            ld->slots[0].status = PROP_PENDING;
            live = 1;
        }
        int pick = (int)seed_rng_below(r, (uint32_t)live);
        for (int i = 0; i < k; i++) {
            if (ld->slots[i].status != PROP_WITHDRAWN && pick-- == 0) {
                job->accepted = i;
                break;
            }
        }
    }

    for (int i = 0; i < k; i++) {
        slot_t *s = &ld->slots[i];
        if (s->status == PROP_WITHDRAWN)
            continue;
        if (i == job->accepted) {
            s->status = PROP_ACCEPTED;
            s->updated_at = job->decided_at;
        } else if (job->status != JOB_OPEN) {
            /* Accepting or closing rejects what was still pending. */
            s->status = PROP_REJECTED;
            s->updated_at = job->decided_at;
        } else if (seed_rng_chance(r, 0.12)) {
            s->status = PROP_REJECTED;
            s->updated_at = s->created_at +
                (int64_t)((double)(now - s->created_at) * 0.5 *
                          seed_rng_unit(r));
        } else {
            s->updated_at = s->created_at;
        }
    }
}

static void build_job_text(loader_t *ld, const job_t *job)
{
    seed_rng_t *r = &ld->rng;
    seed_words_t w;

    words_for(ld, &w, job->category, job->skills, job->nskills, job->level);
    seed_text_reset(&ld->title);
    seed_text_expand(&ld->title, seed_pick(r, &seed_job_titles), &w, false);
    seed_text_reset(&ld->text);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_intros), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_scopes), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_needs), &w, true);
    if (seed_rng_chance(r, 0.5))
        seed_text_expand(&ld->text, seed_pick(r, &seed_job_needs), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_times), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_job_closings), &w, true);
}

static int insert_job(loader_t *ld, const job_t *job)
{
    sqlite3_stmt *st = ld->ins_job;
    int rc;

    sqlite3_bind_int64(st, 1, job->id);
    sqlite3_bind_int64(st, 2, client_user_id(job->client));
    bind_buf(st, 3, &ld->title);
    bind_buf(st, 4, &ld->text);
    sqlite3_bind_int64(st, 5, ld->category_ids[job->category]);
    bind_text(st, 6, job->fixed ? "fixed" : "hourly");
    sqlite3_bind_int64(st, 7, job->budget_min);
    sqlite3_bind_int64(st, 8, job->budget_max);
    bind_text(st, 9, level_names[job->level]);
    bind_text(st, 10, job_status_names[job->status]);
    bind_text(st, 11, seed_countries[ld->cl[job->client].country].name);
    sqlite3_bind_int(st, 12, job->nslots);
    sqlite3_bind_int64(st, 13, job->posted_at);
    sqlite3_bind_int64(st, 14, job->updated_at);
    rc = run(ld, st);
    if (rc < 0)
        return rc;
    ld->stats->jobs++;

    for (int i = 0; i < job->nskills; i++) {
        sqlite3_bind_int64(ld->ins_job_skill, 1, job->id);
        sqlite3_bind_int64(ld->ins_job_skill, 2,
                           ld->skill_ids[job->skills[i]]);
        rc = run(ld, ld->ins_job_skill);
        if (rc < 0)
            return rc;
    }
    ld->stats->job_skills += job->nskills;
    return 0;
}

/* Inserts the job's proposals; the accepted one's id goes to *accepted_id. */
static int insert_proposals(loader_t *ld, const job_t *job,
                            int64_t *accepted_id)
{
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_proposal;
    seed_words_t w;
    int rc;

    for (int i = 0; i < job->nslots; i++) {
        const slot_t *s = &ld->slots[i];
        const freelancer_t *f = &ld->fl[s->freelancer];
        int64_t id = ++ld->next_proposal;

        words_for(ld, &w, f->category, job->skills, job->nskills, f->level);
        w.days = s->days;
        seed_text_reset(&ld->text);
        seed_text_expand(&ld->text, seed_pick(r, &seed_cover_openers), &w,
                         true);
        seed_text_expand(&ld->text, seed_pick(r, &seed_cover_middles), &w,
                         true);
        seed_text_expand(&ld->text, seed_pick(r, &seed_cover_times), &w,
                         true);
        seed_text_expand(&ld->text, seed_pick(r, &seed_cover_closers), &w,
                         true);
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, job->id);
        sqlite3_bind_int64(st, 3, (int64_t)s->freelancer + 1);
        bind_buf(st, 4, &ld->text);
        sqlite3_bind_int64(st, 5, s->bid_cents);
        sqlite3_bind_int(st, 6, s->days);
        bind_text(st, 7, prop_status_names[s->status]);
        sqlite3_bind_int64(st, 8, s->created_at);
        sqlite3_bind_int64(st, 9, s->updated_at);
        rc = run(ld, st);
        if (rc < 0)
            return rc;
        if (i == job->accepted)
            *accepted_id = id;
    }
    ld->stats->proposals += job->nslots;
    return 0;
}

static int insert_review(loader_t *ld, int64_t contract_id,
                         int64_t reviewer, int64_t reviewee, int rating,
                         const seed_wordlist_t *comments, int64_t at)
{
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_review;
    const char *comment = seed_rng_chance(r, 0.12)
                              ? "" : seed_pick(r, &comments[rating]);

    sqlite3_bind_int64(st, 1, ++ld->next_review);
    sqlite3_bind_int64(st, 2, contract_id);
    sqlite3_bind_int64(st, 3, reviewer);
    sqlite3_bind_int64(st, 4, reviewee);
    sqlite3_bind_int(st, 5, rating);
    bind_text(st, 6, comment);
    sqlite3_bind_int64(st, 7, at);
    ld->stats->reviews++;
    return run(ld, st);
}

/* Inserts the contract of a hired job, its reviews when it completed, and
 * moves the counters the reviews and the completion change. */
static int insert_contract(loader_t *ld, const job_t *job, int64_t proposal_id)
{
    static const char *const names[] = {"", "active", "completed",
                                        "cancelled"};
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_contract;
    const slot_t *s = &ld->slots[job->accepted];
    freelancer_t *f = &ld->fl[s->freelancer];
    client_t *c = &ld->cl[job->client];
    int64_t id = ++ld->next_contract;
    int status = job->status;  /* JOB_IN_PROGRESS..JOB_CANCELLED: 1..3 */
    int rc;

    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, proposal_id);
    sqlite3_bind_int64(st, 3, job->id);
    sqlite3_bind_int64(st, 4, (int64_t)s->freelancer + 1);
    sqlite3_bind_int64(st, 5, client_user_id(job->client));
    sqlite3_bind_int64(st, 6, s->bid_cents);
    bind_text(st, 7, names[status]);
    sqlite3_bind_int64(st, 8, job->decided_at);
    if (job->ended_at)
        sqlite3_bind_int64(st, 9, job->ended_at);
    else
        sqlite3_bind_null(st, 9);
    rc = run(ld, st);
    if (rc < 0)
        return rc;
    ld->stats->contracts++;
    if (job->status != JOB_CLOSED)
        return 0;

    f->completed++;
    f->earnings_cents += s->bid_cents;
    int64_t wait = ld->opts->now - job->ended_at;
    if (wait > 10 * DAY)
        wait = 10 * DAY;
    int64_t fl_user = freelancer_user_id(ld, s->freelancer);
    int64_t cl_user = client_user_id(job->client);
    if (seed_rng_chance(r, 0.85)) {
        int rating = 1 + seed_rng_weighted(r, rating_weights[f->quality], 5);
        int64_t at = job->ended_at + (int64_t)(wait * seed_rng_unit(r));
        f->rating_sum += rating;
        f->rating_count++;
        rc = insert_review(ld, id, cl_user, fl_user, rating,
                           seed_reviews_of_freelancers, at);
        if (rc < 0)
            return rc;
    }
    if (seed_rng_chance(r, 0.65)) {
        int rating = 1 + seed_rng_weighted(r, client_rating_weights, 5);
        int64_t at = job->ended_at + (int64_t)(wait * seed_rng_unit(r));
        c->rating_sum += rating;
        c->rating_count++;
        rc = insert_review(ld, id, fl_user, cl_user, rating,
                           seed_reviews_of_clients, at);
    }
    return rc;
}

/* Draws and writes job number idx (0-based) with everything hanging off
 * it. */
static int load_job(loader_t *ld, int64_t idx)
{
    seed_rng_t *r = &ld->rng;
    job_t *job = &ld->job;
    int64_t accepted_id = 0;
    int rc;

    job->id = idx + 1;
    double u = seed_rng_unit(r);
    job->client = ld->client_order[(uint32_t)(pow(u, 2.2) *
                                              (double)ld->opts->clients)];
    job->category = seed_rng_weighted(r, ld->demand, seed_ncategories);
    job->level = seed_rng_weighted(r, job_level_weights, 3);
    job->posted_at = posted_at(ld, idx);
    draw_budget(ld, job);
    draw_job_skills(ld, job);
    draw_fate(ld, job);
    draw_slots(ld, job);
    build_job_text(ld, job);

    rc = insert_job(ld, job);
    if (rc == 0)
        rc = insert_proposals(ld, job, &accepted_id);
    if (rc == 0 && job->hired)
        rc = insert_contract(ld, job, accepted_id);
    return rc;
}

/* Moves the staged jobs into the jobs table (and its full-text index). */
static int flush_jobs(loader_t *ld)
{
    int rc = run(ld, ld->move_jobs);

    return rc == 0 ? run(ld, ld->clear_jobs) : rc;
}

static int load_jobs(loader_t *ld)
{
    int64_t total = ld->opts->jobs;
    int rc = exec(ld, sql_fts_hash_big);

    seed_rng_init(&ld->rng, ld->opts->seed, STREAM_JOBS);
    for (int64_t i = 0; i < total && rc == 0; i++) {
        rc = load_job(ld, i);
        if (rc == 0 && (i + 1) % JOB_BATCH == 0)
            rc = flush_jobs(ld);
        if (ld->progress && (i + 1) % PROGRESS_EVERY == 0)
            ld->progress("jobs", share_done(ld, i + 1, 0));
    }
    if (rc == 0)
        rc = flush_jobs(ld);
    return rc == 0 ? exec(ld, sql_fts_hash_default) : rc;
}

int seed_load(sqlite3 *conn, const seed_opts_t *opts, seed_progress_fn progress,
              seed_stats_t *stats)
{
    loader_t *ld = calloc(1, sizeof(*ld));
    int rc;

    if (ld == NULL)
        return FH_ENOMEM;
    memset(stats, 0, sizeof(*stats));
    ld->conn = conn;
    ld->opts = opts;
    ld->stats = stats;
    ld->progress = progress;
    ld->start = opts->now - (int64_t)HISTORY_DAYS * DAY;

    rc = prepare_all(ld);
    if (rc == 0)
        rc = load_catalog(ld);
    if (rc == 0)
        rc = draw_people(ld);
    if (rc == FH_ENOMEM)
        fprintf(stderr, "seed: out of memory\n");
    if (rc == 0)
        rc = load_jobs(ld);
    if (rc == 0)
        rc = load_people(ld);

    finalize_all(ld);
    free(ld->fl);
    free(ld->cl);
    free(ld->client_order);
    free(ld->pool_all);
    free(ld->pool_cat);
    free(ld);
    return rc;
}
