/* Internals of the demo-marketplace generator (seed*.c): its random
 * source, its word lists, its text builder and its bulk loader. */
#ifndef FH_TOOLS_SEED_H
#define FH_TOOLS_SEED_H

/* The password of every demo user (documented in the README). */
#define SEED_DEMO_PASSWORD "demo-password"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* ---- random source: xoshiro256** seeded through splitmix64 ---- */

typedef struct seed_rng {
    uint64_t s[4];
} seed_rng_t;

/* Starts a stream from the user's seed and a stream number, so that each
 * phase draws from its own sequence and stays the same when another phase
 * changes. */
void seed_rng_init(seed_rng_t *r, uint64_t seed, uint64_t stream);
uint64_t seed_rng_next(seed_rng_t *r);
/* Uniform in [0, n); n >= 1. */
uint32_t seed_rng_below(seed_rng_t *r, uint32_t n);
/* Uniform in [lo, hi]. */
int64_t seed_rng_range(seed_rng_t *r, int64_t lo, int64_t hi);
/* Uniform in [0, 1). */
double seed_rng_unit(seed_rng_t *r);
bool seed_rng_chance(seed_rng_t *r, double p);
/* Standard normal (mean 0, deviation 1). */
double seed_rng_normal(seed_rng_t *r);
/* exp(mu + sigma * N(0,1)): a log-normal draw with median exp(mu). */
double seed_rng_lognormal(seed_rng_t *r, double mu, double sigma);
/* An index in [0, n) drawn with the given weights (their sum > 0). */
int seed_rng_weighted(seed_rng_t *r, const uint16_t *weights, int n);

/* ---- word lists (seed_words.c) ---- */

#define SEED_MAX_CATEGORY_SKILLS 16

typedef struct seed_category {
    const char *name;          /* "Web Development" */
    const char *role;          /* a person doing it, capitalised: "Developer" */
    const char *role_lc;       /* the same inside a sentence: "developer" */
    uint16_t demand;           /* relative share of jobs */
    uint16_t supply;           /* relative share of freelancers */
    uint16_t rate_pct;         /* hourly rates against the average, percent */
    const char *skills[SEED_MAX_CATEGORY_SKILLS];  /* NULL-terminated */
    const char *projects[8];   /* lower-case noun phrases, NULL-terminated */
} seed_category_t;

extern const seed_category_t seed_categories[];
extern const int seed_ncategories;

typedef struct seed_wordlist {
    const char *const *words;
    int n;
} seed_wordlist_t;

typedef struct seed_country {
    const char *name;
    uint16_t freelancers;  /* relative share among freelancers */
    uint16_t clients;      /* relative share among clients */
} seed_country_t;

extern const seed_country_t seed_countries[];
extern const int seed_ncountries;

extern const seed_wordlist_t seed_first_names, seed_last_names,
    seed_businesses;

/* Sentence templates (see seed_text_expand) by purpose. */
extern const seed_wordlist_t seed_job_titles, seed_job_intros,
    seed_job_scopes, seed_job_needs, seed_job_times, seed_job_closings,
    seed_profile_titles, seed_bio_openers, seed_bio_middles, seed_bio_closers,
    seed_cover_openers, seed_cover_middles, seed_cover_times,
    seed_cover_closers, seed_portfolio_titles, seed_portfolio_texts;

/* Review comments by rating (index 1..5); index 0 is unused. */
extern const seed_wordlist_t seed_reviews_of_freelancers[6];
extern const seed_wordlist_t seed_reviews_of_clients[6];

/* ---- text builder (seed_text.c) ---- */

#define SEED_TEXT_MAX 2048  /* bytes in one generated text */

typedef struct seed_text {
    char s[SEED_TEXT_MAX];
    size_t len;
} seed_text_t;

/* What a template's placeholders stand for. */
typedef struct seed_words {
    const char *skill[3];     /* %s %t %u */
    const char *role;         /* %R; %r is role_lc */
    const char *role_lc;
    const char *project;      /* %p; %P capitalises it */
    const char *business;     /* %b; %c is business2 */
    const char *business2;
    const char *level;        /* %l: Junior, Mid-level, Senior */
    int years;                /* %n */
    int days;                 /* %d */
    int weeks;                /* %w */
    int hours;                /* %h hours a week */
} seed_words_t;

static inline void seed_text_reset(seed_text_t *t)
{
    t->len = 0;
    t->s[0] = '\0';
}

/* Appends tmpl with its placeholders replaced from w; text that would not
 * fit is cut at a byte boundary of an ASCII character (all lists are
 * ASCII). A space is put before tmpl when the text is not empty and
 * sep is true. */
void seed_text_expand(seed_text_t *t, const char *tmpl, const seed_words_t *w,
                      bool sep);

/* A random entry of a list. */
const char *seed_pick(seed_rng_t *r, const seed_wordlist_t *list);

/* ---- indexes and triggers set aside for the load (seed_schema.c) ---- */

typedef struct seed_schema seed_schema_t;

/* Records every index and trigger of conn's main database that has SQL
 * (all but the indexes of UNIQUE and PRIMARY KEY constraints) and drops
 * them. *out is set even on failure; free it with seed_schema_free(). */
int seed_schema_set_aside(sqlite3 *conn, seed_schema_t **out);

/* Creates again, from the recorded SQL and in the recorded order, the
 * indexes (triggers false) or the triggers (true) not yet put back; only
 * those on table when it is not NULL. An index is built from the rows
 * already in its table. done, when not NULL, hears the share of them
 * created after each. Returns 0 or FH_EDB (said on standard error). */
int seed_schema_restore(sqlite3 *conn, seed_schema_t *s, bool triggers,
                        const char *table, void (*done)(double share));

/* NULL does nothing. */
void seed_schema_free(seed_schema_t *s);

/* ---- the proposal writer (seed_writer.c) ---- */

/* Proposals are most of the rows. A second thread writes them into a
 * scratch database with the same schema while the first writes everything
 * else, and builds their indexes there; the rows then move across in one
 * statement that copies records and index entries in order, far cheaper
 * than inserting them. */

enum seed_proposal_status {
    SEED_PENDING, SEED_ACCEPTED, SEED_REJECTED, SEED_WITHDRAWN
};

/* One proposal as the jobs phase drew it; the writer adds the letter. */
typedef struct seed_proposal {
    int64_t id;
    int64_t job_id;
    int64_t bid_cents;
    int64_t created_at;
    int64_t updated_at;
    const char *skill[3];    /* the job's skills, for the cover letter */
    int64_t profile_id;
    uint16_t days;           /* estimated duration */
    uint8_t status;          /* enum seed_proposal_status */
    uint8_t category;        /* the freelancer's, index of seed_categories */
} seed_proposal_t;

typedef struct seed_writer seed_writer_t;

/* Creates the scratch database at path (replacing a stale one) with the
 * schema of the migrations and starts the writer thread. cache_kib is its
 * page cache. The caller ends it with seed_writer_free(). */
int seed_writer_start(const char *path, uint64_t seed, int64_t cache_kib,
                      seed_writer_t **out);

/* The next record to fill, or NULL when the writer has failed (it said
 * why on standard error). Blocks while the writer is a batch behind. */
seed_proposal_t *seed_writer_next(seed_writer_t *w);

/* Hands over the last records and returns at once: the thread goes on to
 * write them, build the indexes and commit. */
void seed_writer_end(seed_writer_t *w);

/* Hands over the last records (unless seed_writer_end did), waits until
 * all are written, indexed and committed. Returns 0 or a negative
 * fh_err. */
int seed_writer_finish(seed_writer_t *w);

/* Stops the thread if it still runs, then closes and deletes the scratch
 * database. NULL does nothing. */
void seed_writer_free(seed_writer_t *w);

/* ---- the load (seed_load.c) ---- */

typedef struct seed_opts {
    int64_t jobs;
    int64_t freelancers;
    int64_t clients;
    uint64_t seed;
    int64_t now;         /* the newest time written; all times are before */
    const char *password_hash;  /* every demo user's */
} seed_opts_t;

typedef struct seed_stats {
    int64_t users, categories, skills, profiles, portfolio_items;
    int64_t jobs, job_skills, proposals, contracts, reviews;
} seed_stats_t;

/* Shares of the whole load's time done at the end of each phase, measured
 * on a million jobs: the jobs, the people, the indexes, the full-text
 * index, the wait for the proposals and their move, the statistics; the
 * commit takes the rest. */
#define SEED_SHARE_JOBS 0.20
#define SEED_SHARE_PEOPLE 0.25
#define SEED_SHARE_INDEXES 0.70
#define SEED_SHARE_SEARCH 0.80
#define SEED_SHARE_PROPOSALS 0.95
#define SEED_SHARE_DERIVED 0.97

/* Reports progress: phase is a short name, done the share of the whole
 * load finished so far, from 0 to 1. */
typedef void (*seed_progress_fn)(const char *phase, double done);

/* Writes the whole marketplace's rows through conn inside the transaction
 * the caller opened; proposals go to writer, which is told when the last
 * is drawn and still has them to write (they move across later). Returns
 * 0, or a negative fh_err with the reason printed on standard error. */
int seed_load(sqlite3 *conn, seed_writer_t *writer, const seed_opts_t *opts,
              seed_progress_fn progress, seed_stats_t *stats);

#endif
