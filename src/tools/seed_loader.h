/* What the two halves of the demo-data load share: seed_load.c writes the
 * catalogue and the people, seed_jobs.c the jobs and all that hangs off
 * them (proposals through the writer). Internal to those two files. */
#ifndef FH_TOOLS_SEED_LOADER_H
#define FH_TOOLS_SEED_LOADER_H

#include "tools/seed.h"

#define SEED_DAY 86400
#define SEED_HISTORY_DAYS 540     /* jobs are posted over this many days */
#define SEED_MAX_PROPOSALS 400    /* the most proposals one job draws */
#define SEED_MAX_JOB_SKILLS 6
#define SEED_MAX_SKILLS 512       /* the catalogue's size, with room */
#define SEED_MAX_CATEGORIES 64
#define SEED_MAX_COUNTRIES 64
#define SEED_PROGRESS_EVERY 4096  /* most jobs or people between reports */

/* Streams of the random source, one per phase. */
enum { SEED_STREAM_PEOPLE = 1, SEED_STREAM_JOBS, SEED_STREAM_PROFILES };

enum { SEED_LEVEL_ENTRY, SEED_LEVEL_INTERMEDIATE, SEED_LEVEL_EXPERT };
extern const char *const seed_level_names[3];  /* entry, ... */
extern const char *const seed_level_adjs[3];   /* Junior, ... */

enum {
    SEED_JOB_OPEN, SEED_JOB_IN_PROGRESS, SEED_JOB_CLOSED, SEED_JOB_CANCELLED
};

typedef struct seed_freelancer {
    int64_t earnings_cents;   /* completed contracts' amounts */
    int32_t rating_sum;       /* reviews received */
    int32_t rating_count;
    int32_t completed;        /* completed contracts */
    int32_t rate_cents;       /* hourly rate */
    uint8_t category;         /* index into seed_categories */
    uint8_t level;
    uint8_t quality;          /* tier of rating_weights */
    uint8_t country;
} seed_freelancer_t;

typedef struct seed_client {
    int32_t rating_sum;       /* reviews received from freelancers */
    int32_t rating_count;
    uint8_t country;
} seed_client_t;

/* One proposal of the job being built. */
typedef struct seed_slot {
    uint32_t freelancer;      /* index into fl */
    int status;
    int64_t created_at;
    int64_t updated_at;
    int64_t bid_cents;
    int days;                 /* estimated duration */
    bool resubmitted;         /* a second try after a withdrawal */
} seed_slot_t;

typedef struct seed_job {
    int64_t id;
    uint32_t client;
    int category;
    int level;
    int status;
    bool fixed;
    bool hired;               /* has a contract */
    int64_t budget_min, budget_max;
    int64_t posted_at, decided_at, ended_at, updated_at;
    int skills[SEED_MAX_JOB_SKILLS];  /* indices into skill_ids */
    int nskills;
    int nslots;
    int accepted;             /* slot index, or -1 */
} seed_job_t;

typedef struct seed_loader {
    sqlite3 *conn;
    seed_writer_t *writer;
    const seed_opts_t *opts;
    seed_stats_t *stats;
    seed_progress_fn progress;
    seed_rng_t rng;
    int64_t start;            /* first moment of the history */

    int64_t category_ids[SEED_MAX_CATEGORIES];
    int cat_first_skill[SEED_MAX_CATEGORIES];  /* a category's skills are
                                                  contiguous */
    int cat_nskills[SEED_MAX_CATEGORIES];
    int64_t skill_ids[SEED_MAX_SKILLS];
    const char *skill_names[SEED_MAX_SKILLS];
    int nskills;
    uint16_t demand[SEED_MAX_CATEGORIES], supply[SEED_MAX_CATEGORIES];
    uint16_t fl_country_w[SEED_MAX_COUNTRIES];  /* by seed_countries */
    uint16_t cl_country_w[SEED_MAX_COUNTRIES];

    seed_freelancer_t *fl;
    seed_client_t *cl;
    uint32_t *client_order;   /* a shuffle, so busy clients are spread */
    uint32_t *pool_all;       /* freelancers, permuted as they are drawn */
    uint32_t *pool_cat;       /* freelancers grouped by category */
    int64_t cat_off[SEED_MAX_CATEGORIES + 1];

    int64_t next_proposal, next_contract, next_review, next_portfolio;
    seed_job_t job;
    seed_slot_t slots[SEED_MAX_PROPOSALS + 1];
    uint32_t chosen[SEED_MAX_PROPOSALS + 1];
    seed_text_t title, text;

    sqlite3_stmt *ins_category, *get_category, *ins_skill, *get_skill;
    sqlite3_stmt *ins_user, *ins_profile, *ins_profile_skill, *ins_portfolio;
    sqlite3_stmt *ins_job, *ins_job_skill, *ins_contract;
    sqlite3_stmt *ins_review;
} seed_loader_t;

static inline void seed_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC);
}

static inline void seed_bind_buf(sqlite3_stmt *st, int idx,
                                 const seed_text_t *t)
{
    sqlite3_bind_text(st, idx, t->s, (int)t->len, SQLITE_STATIC);
}

static inline int64_t seed_clamp64(int64_t v, int64_t lo, int64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* v rounded to a multiple of step, at least step. */
static inline int64_t seed_round_to(double v, int64_t step)
{
    int64_t r = (int64_t)(v / (double)step + 0.5) * step;

    return r < step ? step : r;
}

/* Users: the admin is 1, then the clients, then the freelancers. */
static inline int64_t seed_client_user_id(uint32_t client)
{
    return 2 + (int64_t)client;
}

static inline int64_t seed_freelancer_user_id(const seed_loader_t *ld,
                                              uint32_t f)
{
    return 2 + ld->opts->clients + (int64_t)f;
}

/* Prepares sql on the load's connection; says why on failure. */
int seed_loader_prepare(seed_loader_t *ld, const char *sql,
                        sqlite3_stmt **out);

/* Runs an insert whose parameters are bound, then resets it. */
int seed_loader_run(seed_loader_t *ld, sqlite3_stmt *st);

/* Runs a statement without parameters. */
int seed_loader_exec(seed_loader_t *ld, const char *sql);

/* Fills the placeholders' words for a text about category and skills. */
void seed_words_for(seed_loader_t *ld, seed_words_t *w, int category,
                    const int *skills, int nskills, int level);

/* How often to report progress over n units: a few hundred times in all,
 * and at least every SEED_PROGRESS_EVERY. */
static inline int64_t seed_progress_step(int64_t n)
{
    int64_t step = n / 256 + 1;

    return step < SEED_PROGRESS_EVERY ? step : SEED_PROGRESS_EVERY;
}


/* seed_jobs.c: statements, then every job with what hangs off it. */
int seed_jobs_prepare(seed_loader_t *ld);
void seed_jobs_finalize(seed_loader_t *ld);
int seed_jobs_load(seed_loader_t *ld);

#endif
