/* The proposal writer: a thread with its own connection that writes the
 * proposals the jobs phase draws into a scratch database, so that the
 * machine's second core carries the largest table. Records arrive in two
 * alternating batches: the jobs phase fills one while the thread writes
 * the other. The scratch table takes them without its indexes; after the
 * last batch the thread builds those, while the first thread goes on
 * with the rest of the load. */
#include "tools/seed.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "store/migrate.h"

#define WRITER_BATCH 16384       /* records handed over at a time */
#define STREAM_LETTERS (1ULL << 40)  /* + proposal id: one stream each */

struct seed_writer {
    pthread_t thread;
    bool started;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    seed_proposal_t *batch[2];
    int fill[2];         /* records in each batch */
    bool full[2];        /* handed to the thread, not yet written */
    int filling;         /* the batch the jobs phase fills */
    bool done;           /* no more batches will come */
    bool failed;         /* the thread hit an error; later batches skipped */
    int rc;              /* the thread's result */

    sqlite3 *conn;
    seed_schema_t *schema;  /* the scratch's indexes and triggers */
    sqlite3_stmt *insert;
    uint64_t seed;
    seed_text_t letter;
    char path[1024];
};

static const char *sql_writer_insert =
    "INSERT INTO freelance_proposals (id, job_posting_id, freelancer_id,"
    " cover_letter, bid_amount_cents, currency, estimated_duration_days,"
    " status, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, 'USD', ?, ?, ?, ?)";

static const char *const status_names[] = {"pending", "accepted", "rejected",
                                           "withdrawn"};

static int writer_exec(seed_writer_t *w, const char *sql)
{
    if (sqlite3_exec(w->conn, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: scratch database: %s\n",
                sqlite3_errmsg(w->conn));
        return FH_EDB;
    }
    return 0;
}

/* Builds the cover letter of p from its own random stream, so that it
 * does not depend on the order in which the thread sees records. */
static void build_letter(seed_writer_t *w, const seed_proposal_t *p)
{
    const seed_category_t *cat = &seed_categories[p->category];
    seed_text_t *t = &w->letter;
    seed_words_t words;
    seed_rng_t r;
    int nproj = 0;

    seed_rng_init(&r, w->seed, STREAM_LETTERS + (uint64_t)p->id);
    while (cat->projects[nproj] != NULL)
        nproj++;
    memset(&words, 0, sizeof(words));
    memcpy(words.skill, p->skill, sizeof(words.skill));
    words.role = cat->role;
    words.role_lc = cat->role_lc;
    words.project = cat->projects[seed_rng_below(&r, (uint32_t)nproj)];
    words.business = seed_pick(&r, &seed_businesses);
    words.business2 = words.business;
    words.level = "";
    words.years = (int)seed_rng_range(&r, 2, 15);
    words.days = p->days;

    seed_text_reset(t);
    seed_text_expand(t, seed_pick(&r, &seed_cover_openers), &words, true);
    seed_text_expand(t, seed_pick(&r, &seed_cover_middles), &words, true);
    seed_text_expand(t, seed_pick(&r, &seed_cover_times), &words, true);
    seed_text_expand(t, seed_pick(&r, &seed_cover_closers), &words, true);
}

static int write_batch(seed_writer_t *w, const seed_proposal_t *batch, int n)
{
    sqlite3_stmt *st = w->insert;

    for (int i = 0; i < n; i++) {
        const seed_proposal_t *p = &batch[i];
        build_letter(w, p);
        sqlite3_bind_int64(st, 1, p->id);
        sqlite3_bind_int64(st, 2, p->job_id);
        sqlite3_bind_int64(st, 3, p->profile_id);
        sqlite3_bind_text(st, 4, w->letter.s, (int)w->letter.len,
                          SQLITE_STATIC);
        sqlite3_bind_int64(st, 5, p->bid_cents);
        sqlite3_bind_int(st, 6, p->days);
        sqlite3_bind_text(st, 7, status_names[p->status], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 8, p->created_at);
        sqlite3_bind_int64(st, 9, p->updated_at);
        if (sqlite3_step(st) != SQLITE_DONE) {
            fprintf(stderr, "seed: scratch insert failed: %s\n",
                    sqlite3_errmsg(w->conn));
            sqlite3_reset(st);
            return FH_EDB;
        }
        sqlite3_reset(st);
    }
    return 0;
}

/* The thread: writes batches in the order they were handed over until
 * the jobs phase is done, then builds the proposals' indexes and
 * commits. */
static void *writer_main(void *arg)
{
    seed_writer_t *w = arg;
    int rc = writer_exec(w, "BEGIN");
    int next = 0;

    pthread_mutex_lock(&w->lock);
    w->failed |= rc < 0;
    for (;;) {
        while (!w->full[next] && !w->done)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->full[next])
            break;
        bool skip = w->failed;
        pthread_mutex_unlock(&w->lock);
        if (!skip)
            rc = write_batch(w, w->batch[next], w->fill[next]);
        pthread_mutex_lock(&w->lock);
        w->failed |= rc < 0;
        w->full[next] = false;
        pthread_cond_broadcast(&w->cond);
        next ^= 1;
    }
    bool failed = w->failed;
    pthread_mutex_unlock(&w->lock);
    if (!failed)
        rc = seed_schema_restore(w->conn, w->schema, false,
                                 "freelance_proposals", NULL);
    if (!failed && rc == 0)
        rc = writer_exec(w, "COMMIT");
    w->rc = failed && rc == 0 ? FH_EDB : rc;
    return NULL;
}

static void remove_files(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char name[1100];

    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

/* Opens the scratch database with load settings and the migrations'
 * schema, so that its proposals table matches the real one exactly, then
 * sets its indexes and triggers aside. */
static int open_scratch(seed_writer_t *w, int64_t cache_kib)
{
    char sql[64];
    int rc;

    remove_files(w->path);
    if (sqlite3_open_v2(w->path, &w->conn,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                        NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: cannot create %s: %s\n", w->path,
                w->conn ? sqlite3_errmsg(w->conn) : "out of memory");
        return FH_EUNAVAILABLE;
    }
    sqlite3_busy_timeout(w->conn, 30000);
    snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%lld",
             (long long)cache_kib);
    rc = writer_exec(w, "PRAGMA journal_mode=OFF;"
                        "PRAGMA synchronous=OFF;"
                        "PRAGMA mmap_size=" DB_SQLITE_MMAP_BYTES ";"
                        "PRAGMA foreign_keys=OFF;"
                        "PRAGMA ignore_check_constraints=ON;");
    if (rc == 0)
        rc = writer_exec(w, sql);
    for (const migration_t *m = migrate_embedded; rc == 0 && m->sql; m++)
        if (m->engine != MIGRATE_POSTGRES)
            rc = writer_exec(w, m->sql);
    if (rc == 0)
        rc = seed_schema_set_aside(w->conn, &w->schema);
    if (rc == 0 && sqlite3_prepare_v3(w->conn, sql_writer_insert, -1,
                                      SQLITE_PREPARE_PERSISTENT, &w->insert,
                                      NULL) != SQLITE_OK) {
        fprintf(stderr, "seed: scratch database: %s\n",
                sqlite3_errmsg(w->conn));
        rc = FH_EDB;
    }
    return rc;
}

int seed_writer_start(const char *path, uint64_t seed, int64_t cache_kib,
                      seed_writer_t **out)
{
    seed_writer_t *w = calloc(1, sizeof(*w));
    int rc;

    if (w == NULL)
        return FH_ENOMEM;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->seed = seed;
    snprintf(w->path, sizeof(w->path), "%s", path);
    w->batch[0] = malloc(WRITER_BATCH * sizeof(seed_proposal_t));
    w->batch[1] = malloc(WRITER_BATCH * sizeof(seed_proposal_t));
    rc = w->batch[0] && w->batch[1] ? open_scratch(w, cache_kib) : FH_ENOMEM;
    if (rc == 0 && pthread_create(&w->thread, NULL, writer_main, w) != 0)
        rc = FH_ENOMEM;
    w->started = rc == 0;
    *out = w;
    return rc;
}

seed_proposal_t *seed_writer_next(seed_writer_t *w)
{
    if (w->fill[w->filling] == WRITER_BATCH) {
        bool failed;

        pthread_mutex_lock(&w->lock);
        w->full[w->filling] = true;
        pthread_cond_broadcast(&w->cond);
        w->filling ^= 1;
        while (w->full[w->filling])
            pthread_cond_wait(&w->cond, &w->lock);
        failed = w->failed;
        pthread_mutex_unlock(&w->lock);
        w->fill[w->filling] = 0;
        if (failed)
            return NULL;
    }
    return &w->batch[w->filling][w->fill[w->filling]++];
}

void seed_writer_end(seed_writer_t *w)
{
    if (!w->started)
        return;
    pthread_mutex_lock(&w->lock);
    if (w->fill[w->filling] > 0 && !w->done)
        w->full[w->filling] = true;
    w->done = true;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

/* Tells the thread that nothing more comes and waits for it. */
static void stop(seed_writer_t *w)
{
    if (!w->started)
        return;
    seed_writer_end(w);
    pthread_join(w->thread, NULL);
    w->started = false;
}

int seed_writer_finish(seed_writer_t *w)
{
    stop(w);
    return w->rc;
}

void seed_writer_free(seed_writer_t *w)
{
    if (w == NULL)
        return;
    if (w->started) {
        /* Abandoned: skip what is still queued. */
        pthread_mutex_lock(&w->lock);
        w->failed = true;
        pthread_mutex_unlock(&w->lock);
        stop(w);
    }
    sqlite3_finalize(w->insert);
    seed_schema_free(w->schema);
    sqlite3_close(w->conn);
    remove_files(w->path);
    free(w->batch[0]);
    free(w->batch[1]);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
