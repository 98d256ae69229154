/* The bulk load of the demo marketplace, first half: the catalogue, the
 * people's lasting traits (drawn before the jobs, which need them), and
 * after the jobs the people's rows with the counters the jobs left them.
 * Rows go in through prepared statements reused for every row, texts are
 * built in fixed buffers, and nothing is allocated per row. */
#include "tools/seed_loader.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "store/catalog.h"

#define MAX_PROFILE_SKILLS 9

const char *const seed_level_names[3] = {"entry", "intermediate", "expert"};
const char *const seed_level_adjs[3] = {"Junior", "Mid-level", "Senior"};
static const uint16_t freelancer_level_weights[] = {30, 45, 25};
static const uint16_t quality_weights[] = {10, 60, 30};  /* see seed_jobs.c */
static const char *const availability_names[] = {"available", "busy",
                                                 "unavailable"};
static const uint16_t availability_weights[] = {72, 20, 8};
static const uint16_t portfolio_count_weights[] = {25, 20, 20, 15, 12, 8};

static const char *sql_ins_category =
    "INSERT INTO categories (name, slug) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char *sql_get_category =
    "SELECT id FROM categories WHERE slug = ?";
static const char *sql_ins_skill =
    "INSERT INTO skills (name, slug) VALUES (?, ?) ON CONFLICT DO NOTHING";
static const char *sql_get_skill = "SELECT id FROM skills WHERE slug = ?";
static const char *sql_ins_user =
    "INSERT INTO users (id, email, name, role, country, rating_sum,"
    " rating_count, created_at, password_hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
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

/* ---- statements ---- */

int seed_loader_prepare(seed_loader_t *ld, const char *sql,
                        sqlite3_stmt **out)
{
    if (sqlite3_prepare_v3(ld->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
                           NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: cannot prepare a statement: %s\n",
                sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    return 0;
}

int seed_loader_run(seed_loader_t *ld, sqlite3_stmt *st)
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

int seed_loader_exec(seed_loader_t *ld, const char *sql)
{
    if (sqlite3_exec(ld->conn, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: %s\n", sqlite3_errmsg(ld->conn));
        return FH_EDB;
    }
    return 0;
}

static int prepare_all(seed_loader_t *ld)
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
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (seed_loader_prepare(ld, all[i].sql, all[i].st) < 0)
            return FH_EDB;
    return seed_jobs_prepare(ld);
}

static void finalize_all(seed_loader_t *ld)
{
    sqlite3_stmt *all[] = {
        ld->ins_category, ld->get_category, ld->ins_skill, ld->get_skill,
        ld->ins_user, ld->ins_profile, ld->ins_profile_skill,
        ld->ins_portfolio,
    };

    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    seed_jobs_finalize(ld);
}

/* ---- the catalogue ---- */

/* Inserts name into a catalogue table unless its slug is there, and
 * returns the row's id either way. */
static int catalog_put(seed_loader_t *ld, sqlite3_stmt *ins, sqlite3_stmt *get,
                       const char *name, int64_t *id)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
    int rc;

    if (!catalog_normalise(name, display, slug))
        return FH_EINVAL;
    seed_bind_text(ins, 1, display);
    seed_bind_text(ins, 2, slug);
    rc = seed_loader_run(ld, ins);
    if (rc < 0)
        return rc;
    seed_bind_text(get, 1, slug);
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

static int load_catalog(seed_loader_t *ld)
{
    int rc;

    /* The word lists fit the loader's tables. */
    assert(seed_ncategories <= SEED_MAX_CATEGORIES);
    assert(seed_ncountries <= SEED_MAX_COUNTRIES);
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
            assert(ld->nskills < SEED_MAX_SKILLS);
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

/* ---- people, drawn before the jobs and written after them ---- */

/* An hourly rate: log-normal around a median set by the level, scaled by
 * the category, in whole dollars. */
static int32_t draw_rate(seed_rng_t *r, int level, int category)
{
    static const double median_cents[] = {1800, 3500, 6500};
    double v = seed_rng_lognormal(r, log(median_cents[level]), 0.35) *
               seed_categories[category].rate_pct / 100.0;

    return (int32_t)seed_clamp64(seed_round_to(v, v >= 5000 ? 500 : 100),
                                 500, 50000);
}

/* Draws each person's lasting traits and sets up the pools proposals are
 * drawn from. */
static int draw_people(seed_loader_t *ld)
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
    seed_rng_init(r, ld->opts->seed, SEED_STREAM_PEOPLE);
    for (int64_t i = 0; i < nf; i++) {
        seed_freelancer_t *f = &ld->fl[i];
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
static int64_t joined_at(seed_loader_t *ld)
{
    return ld->start - seed_rng_range(&ld->rng, SEED_DAY, 400 * SEED_DAY);
}

static int insert_user(seed_loader_t *ld, int64_t id, const char *email,
                       const char *name, const char *role, const char *country,
                       int32_t rating_sum, int32_t rating_count,
                       int64_t created_at)
{
    sqlite3_stmt *st = ld->ins_user;

    sqlite3_bind_int64(st, 1, id);
    seed_bind_text(st, 2, email);
    seed_bind_text(st, 3, name);
    seed_bind_text(st, 4, role);
    if (country)
        seed_bind_text(st, 5, country);
    else
        sqlite3_bind_null(st, 5);
    sqlite3_bind_int(st, 6, rating_sum);
    sqlite3_bind_int(st, 7, rating_count);
    sqlite3_bind_int64(st, 8, created_at);
    seed_bind_text(st, 9, ld->opts->password_hash);
    ld->stats->users++;
    return seed_loader_run(ld, st);
}

/* Picks n distinct skills for a profile, mostly from its category. */
static int profile_skills(seed_loader_t *ld, int category, int *out)
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

void seed_words_for(seed_loader_t *ld, seed_words_t *w, int category,
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
    w->level = seed_level_adjs[level];
    w->years = 2 + level * 3 + (int)seed_rng_below(r, 5);
    w->days = (int)seed_rng_range(r, 3, 30);
    w->weeks = (int)seed_rng_range(r, 2, 16);
    w->hours = 5 * (int)seed_rng_range(r, 2, 8);
}

static int insert_portfolio(seed_loader_t *ld, int64_t profile_id,
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
    seed_bind_buf(st, 3, &ld->title);
    seed_bind_buf(st, 4, &ld->text);
    seed_bind_text(st, 5, url);
    sqlite3_bind_int64(st, 6, created_at);
    ld->stats->portfolio_items++;
    return seed_loader_run(ld, st);
}

/* Writes freelancer f's profile row, with the counters the jobs left. */
static int insert_profile(seed_loader_t *ld, uint32_t f, int64_t user_id,
                          const int *skills, int nskills, int64_t created)
{
    const seed_freelancer_t *fr = &ld->fl[f];
    seed_rng_t *r = &ld->rng;
    sqlite3_stmt *st = ld->ins_profile;
    int availability = seed_rng_weighted(r, availability_weights, 3);
    seed_words_t w;

    seed_words_for(ld, &w, fr->category, skills, nskills, fr->level);
    seed_text_reset(&ld->title);
    seed_text_expand(&ld->title, seed_pick(r, &seed_profile_titles), &w,
                     false);
    seed_text_reset(&ld->text);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_openers), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_middles), &w, true);
    seed_text_expand(&ld->text, seed_pick(r, &seed_bio_closers), &w, true);

    sqlite3_bind_int64(st, 1, (int64_t)f + 1);
    sqlite3_bind_int64(st, 2, user_id);
    seed_bind_buf(st, 3, &ld->title);
    seed_bind_buf(st, 4, &ld->text);
    sqlite3_bind_int64(st, 5, fr->rate_cents);
    seed_bind_text(st, 6, availability_names[availability]);
    seed_bind_text(st, 7, seed_level_names[fr->level]);
    sqlite3_bind_int64(st, 8, ld->category_ids[fr->category]);
    seed_bind_text(st, 9, seed_countries[fr->country].name);
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
    ld->stats->profiles++;
    return seed_loader_run(ld, st);
}

/* Writes freelancer f: its user, profile, skills and portfolio. */
static int insert_freelancer(seed_loader_t *ld, uint32_t f)
{
    const seed_freelancer_t *fr = &ld->fl[f];
    seed_rng_t *r = &ld->rng;
    int64_t user_id = seed_freelancer_user_id(ld, f), profile_id = f + 1;
    int skills[MAX_PROFILE_SKILLS];
    char email[96], name[64];
    seed_words_t w;
    int rc;

    demo_email(email, sizeof(email), "freelancer", (int64_t)f + 1);
    person_name(r, name, sizeof(name));
    int64_t joined = joined_at(ld);
    rc = insert_user(ld, user_id, email, name, "freelancer",
                     seed_countries[fr->country].name, 0, 0, joined);
    if (rc < 0)
        return rc;

    int nskills = profile_skills(ld, fr->category, skills);
    int64_t created = joined + seed_rng_range(r, 600, 3 * SEED_DAY);
    rc = insert_profile(ld, f, user_id, skills, nskills, created);
    for (int i = 0; i < nskills && rc == 0; i++) {
        sqlite3_bind_int64(ld->ins_profile_skill, 1, profile_id);
        sqlite3_bind_int64(ld->ins_profile_skill, 2, ld->skill_ids[skills[i]]);
        rc = seed_loader_run(ld, ld->ins_profile_skill);
    }
    int nitems = seed_rng_weighted(r, portfolio_count_weights, 6);
    for (int i = 0; i < nitems && rc == 0; i++) {
        seed_words_for(ld, &w, fr->category, skills, nskills, fr->level);
        rc = insert_portfolio(ld, profile_id, &w,
                              created + seed_rng_range(r, SEED_DAY,
                                                       90 * SEED_DAY));
    }
    return rc;
}

static int load_people(seed_loader_t *ld)
{
    char email[96], name[64];
    int rc;

    seed_rng_init(&ld->rng, ld->opts->seed, SEED_STREAM_PROFILES);
    rc = insert_user(ld, 1, "admin@demo.freelance-hub.test", "Demo Admin",
                     "admin", NULL, 0, 0, ld->start - 420 * SEED_DAY);
    for (int64_t i = 0; i < ld->opts->clients && rc == 0; i++) {
        const seed_client_t *c = &ld->cl[i];
        demo_email(email, sizeof(email), "client", i + 1);
        person_name(&ld->rng, name, sizeof(name));
        rc = insert_user(ld, seed_client_user_id((uint32_t)i), email, name,
                         "client", seed_countries[c->country].name,
                         c->rating_sum, c->rating_count, joined_at(ld));
    }
    int64_t step = seed_progress_step(ld->opts->freelancers);
    for (int64_t i = 0; i < ld->opts->freelancers && rc == 0; i++) {
        rc = insert_freelancer(ld, (uint32_t)i);
        if (ld->progress && (i + 1) % step == 0)
            ld->progress("people", SEED_SHARE_JOBS +
                         (SEED_SHARE_PEOPLE - SEED_SHARE_JOBS) *
                         (double)(i + 1) / (double)ld->opts->freelancers);
    }
    return rc;
}

int seed_load(sqlite3 *conn, seed_writer_t *writer, const seed_opts_t *opts,
              seed_progress_fn progress, seed_stats_t *stats)
{
    seed_loader_t *ld = calloc(1, sizeof(*ld));
    int rc;

    if (ld == NULL)
        return FH_ENOMEM;
    memset(stats, 0, sizeof(*stats));
    ld->conn = conn;
    ld->writer = writer;
    ld->opts = opts;
    ld->stats = stats;
    ld->progress = progress;
    ld->start = opts->now - (int64_t)SEED_HISTORY_DAYS * SEED_DAY;

    rc = prepare_all(ld);
    if (rc == 0)
        rc = load_catalog(ld);
    if (rc == 0)
        rc = draw_people(ld);
    if (rc == FH_ENOMEM)
        fprintf(stderr, "seed: out of memory\n");
    if (rc == 0)
        rc = seed_jobs_load(ld);
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
