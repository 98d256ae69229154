/* freelance-hub seed: fills an empty database with a demo marketplace.
 * The same seed and the same --now day give the same rows; without --now
 * the history ends at the start of the current UTC day.
 *
 * A million jobs (with 5 million proposals) load in about a minute on
 * two cores: the proposals, the largest table, are written and indexed
 * in a scratch database by a second thread while this one writes and
 * indexes the rest, then copied across in index order; every index is
 * built once from its finished table, with short sorter runs; derived
 * counts are recomputed from covering indexes. */
#include "tools/tools.h"

#include <sqlite3.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "store/analytics.h"
#include "store/sessions.h"
#include "tools/pg_load.h"
#include "tools/seed.h"

#define SEED_MAX_JOBS 20000000
#define SEED_MAX_PEOPLE 10000000
#define SEED_EXIT_USAGE 2
#define SEED_EXIT_FAILED 1
/* Page caches during the load, per job: a job adds about 1.7 KiB to the
 * main database besides its proposals and 1.6 KiB of proposals to the
 * scratch one, most of it appended; 1 KiB each keeps the indexes written
 * at random places in memory. Each within [32 MiB, 1 GiB]. */
#define SEED_MAIN_CACHE_KIB_PER_JOB 1
#define SEED_WRITER_CACHE_KIB_PER_JOB 1
#define SEED_CACHE_KIB_MIN 32768
#define SEED_CACHE_KIB_MAX 1048576

static const char *sql_has_rows =
    "SELECT EXISTS (SELECT 1 FROM users)"
    " OR EXISTS (SELECT 1 FROM freelance_job_postings)";
static const char *sql_attach = "ATTACH ? AS seed_scratch";
/* The scratch database is read once, in order, at the end: through a
 * memory map instead of a read() per page (a third of the copy's system
 * time). */
static const char *sql_scratch_mmap =
    "PRAGMA seed_scratch.mmap_size=" DB_SQLITE_MMAP_BYTES;
static const char *sql_detach = "DETACH seed_scratch";
/* Moves the proposals from the writer's scratch database. Both tables come
 * from the same migrations, this one is empty and has no triggers while
 * the load runs, so SQLite copies records and index entries in order
 * instead of inserting them one by one. */
static const char *sql_move_proposals =
    "INSERT INTO main.freelance_proposals"
    " SELECT * FROM seed_scratch.freelance_proposals";
/* The full-text index keeps up to hashsize bytes of new terms in memory
 * before it writes them out as a segment, which it later merges with
 * others. The default (1 MiB) means a thousand small segments per million
 * jobs, and merging them was more than half of the index's cost; 128 MiB
 * writes few large ones. The setting is put back afterwards, in the same
 * transaction: the value that was stored, else the default. */
#define SEED_FTS_HASHSIZE_LOAD 134217728
#define SEED_FTS_HASHSIZE_DEFAULT 1048576
static const char *sql_fts_hash_get =
    "SELECT v FROM jobs_fts_config WHERE k = 'hashsize'";
static const char *sql_fts_hash_set =
    "INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('hashsize', ?)";
static const char *sql_fts_rebuild =
    "INSERT INTO jobs_fts (jobs_fts) VALUES ('rebuild')";

/* ---- arguments ---- */

static int usage_error(const char *what)
{
    fprintf(stderr, "seed: %s (usage: freelance-hub seed --jobs N "
                    "[--freelancers N] [--clients N] [--seed S] "
                    "[--now DATE])\n", what);
    return FH_EINVAL;
}

/* Reads a whole number in [lo, hi] for flag, or prints why not. */
static int parse_count(const char *flag, const char *value, int64_t lo,
                       int64_t hi, int64_t *out)
{
    char msg[160];

    if (fh_parse_int64(value, out) < 0 || *out < lo || *out > hi) {
        snprintf(msg, sizeof(msg),
                 "%s must be a whole number from %lld to %lld", flag,
                 (long long)lo, (long long)hi);
        return usage_error(msg);
    }
    return 0;
}

/* Splits "--name=value" or "--name value"; *i moves past what was used. */
static int take_flag(int argc, char **argv, int *i, const char **name,
                     size_t *name_len, const char **value)
{
    const char *arg = argv[*i];
    const char *eq = strchr(arg, '=');
    char msg[160];

    if (strncmp(arg, "--", 2) != 0) {
        snprintf(msg, sizeof(msg), "unexpected argument \"%.60s\"", arg);
        return usage_error(msg);
    }
    *name = arg;
    *name_len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (eq) {
        *value = eq + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        snprintf(msg, sizeof(msg), "%.60s needs a value", arg);
        return usage_error(msg);
    }
    return 0;
}

static bool flag_is(const char *name, size_t len, const char *flag)
{
    return strlen(flag) == len && strncmp(name, flag, len) == 0;
}

/* Fills opts from argv; defaults follow from --jobs. */
static int parse_args(int argc, char **argv, seed_opts_t *opts)
{
    int64_t jobs = -1, freelancers = -1, clients = -1, seed = 1;
    int64_t now = fh_now();
    char msg[160];
    int rc = 0;

    for (int i = 0; i < argc && rc == 0; i++) {
        const char *name, *value;
        size_t len;
        rc = take_flag(argc, argv, &i, &name, &len, &value);
        if (rc < 0)
            break;
        if (flag_is(name, len, "--jobs")) {
            rc = parse_count("--jobs", value, 1, SEED_MAX_JOBS, &jobs);
        } else if (flag_is(name, len, "--freelancers")) {
            rc = parse_count("--freelancers", value, 1, SEED_MAX_PEOPLE,
                             &freelancers);
        } else if (flag_is(name, len, "--clients")) {
            rc = parse_count("--clients", value, 1, SEED_MAX_PEOPLE, &clients);
        } else if (flag_is(name, len, "--seed")) {
            rc = parse_count("--seed", value, 0, INT64_MAX, &seed);
        } else if (flag_is(name, len, "--now")) {
            /* Pins the moment the history ends, for identical databases
             * on different days; a whole day (UTC) by default. */
            if (fh_time_parse(value, &now) < 0 || now < 946684800 ||
                now > 4102444800) {
                rc = usage_error("--now must be an RFC 3339 time or a date "
                                 "between 2000 and 2100");
            }
        } else {
            snprintf(msg, sizeof(msg), "unknown option %.*s", (int)len, name);
            rc = usage_error(msg);
        }
    }
    if (rc < 0)
        return rc;
    if (jobs < 0)
        return usage_error("--jobs is required");
    opts->jobs = jobs;
    opts->freelancers = freelancers > 0 ? freelancers
                                        : (jobs / 10 > 10 ? jobs / 10 : 10);
    opts->clients = clients > 0 ? clients : (jobs / 20 > 5 ? jobs / 20 : 5);
    opts->seed = (uint64_t)seed;
    opts->now = now - now % 86400;
    return 0;
}

/* ---- progress ---- */

static bool progress_tty;
static double progress_started_ms;
static double progress_last_ms;
static int progress_last_tenth;
static bool progress_pending;  /* a terminal line waits for its newline */

/* Ends an unfinished progress line, so that what follows starts afresh. */
static void progress_break(void)
{
    if (progress_pending)
        fputc('\n', stderr);
    progress_pending = false;
}

static void on_progress(const char *phase, double done)
{
    double now = fh_mono_ms();
    double secs = (now - progress_started_ms) / 1000.0;
    int pct = (int)(done * 100.0);

    if (progress_tty) {
        if (now - progress_last_ms < 200.0 && done < 1.0)
            return;
        progress_last_ms = now;
        fprintf(stderr, "\rseed: %3d%% %-9s %6.1f s ", pct, phase, secs);
        progress_pending = done < 1.0;
        if (!progress_pending)
            fputc('\n', stderr);
        fflush(stderr);
        return;
    }
    if ((int)(done * 10.0) > progress_last_tenth) {
        progress_last_tenth = (int)(done * 10.0);
        fprintf(stderr, "seed: %d%% (%s) %.1f s\n", pct, phase, secs);
    }
}

/* ---- the database ---- */

/* The load runs two threads with a connection each, never sharing one, so
 * SQLite's per-connection mutexes and memory statistics are pure overhead
 * (a quarter of the time of a row). They can only be switched off while
 * the library is shut down, which it may be here: every connection main()
 * opened is closed. When it fails the load only runs slower. */
static void sqlite_tune_threads(void)
{
    if (sqlite3_shutdown() != SQLITE_OK)
        return;
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static int exec(sqlite3 *conn, const char *sql)
{
    char *msg = NULL;

    if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "seed: database error: %s\n",
                msg ? msg : sqlite3_errmsg(conn));
        sqlite3_free(msg);
        return FH_EDB;
    }
    return 0;
}

/* Runs sql with one text parameter. */
static int exec_text(sqlite3 *conn, const char *sql, const char *text)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "seed: database error: %s\n", sqlite3_errmsg(conn));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : FH_EDB;
}

/* 1 when the database holds users or jobs, 0 when it holds neither. */
static int has_rows(sqlite3 *conn)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(conn, sql_has_rows, -1, &st, NULL);

    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
    if (rc != SQLITE_ROW)
        fprintf(stderr, "seed: cannot read the database: %s\n",
                sqlite3_errmsg(conn));
    sqlite3_finalize(st);
    if (found)
        fprintf(stderr, "seed: the database already holds users or jobs; "
                        "seed fills an empty database only\n");
    return rc != SQLITE_ROW ? FH_EDB : found;
}

static int64_t cache_kib(int64_t jobs, int64_t per_job)
{
    int64_t kib = jobs * per_job;

    return kib < SEED_CACHE_KIB_MIN ? SEED_CACHE_KIB_MIN
         : kib > SEED_CACHE_KIB_MAX ? SEED_CACHE_KIB_MAX : kib;
}

/* Settings for one big write nobody else reads: a rollback journal (it
 * keeps only the few pages that existed before, so it costs almost
 * nothing and still undoes a failed load), no syncs, a large cache,
 * reads through a memory map (each index build reads a whole table),
 * and neither foreign-key lookups nor CHECK constraints: the generator
 * writes only valid references and enumerations (the tests verify both),
 * and each "x IN (...)" check builds a small table per statement, which
 * was two thirds of the cost of a proposal row. Temporary files stay
 * allowed: the index builds sort through them (seed_schema.c). */
static int settings_for_load(sqlite3 *conn, int64_t jobs)
{
    char sql[64];
    int rc = exec(conn, "PRAGMA journal_mode=DELETE");

    snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%lld",
             (long long)cache_kib(jobs, SEED_MAIN_CACHE_KIB_PER_JOB));
    if (rc == 0)
        rc = exec(conn, "PRAGMA synchronous=OFF;"
                        "PRAGMA mmap_size=" DB_SQLITE_MMAP_BYTES ";"
                        "PRAGMA foreign_keys=OFF;"
                        "PRAGMA ignore_check_constraints=ON;");
    return rc == 0 ? exec(conn, sql) : rc;
}

/* Every demo user signs in with SEED_DEMO_PASSWORD. One hash serves them
 * all, with a salt drawn from the seed so that the same seed still gives
 * the same rows. */
static int demo_password_hash(uint64_t seed, char *hash, size_t size)
{
    unsigned char salt[crypto_pwhash_SALTBYTES];
    seed_rng_t rng;

    seed_rng_init(&rng, seed, 0x70617373u);
    for (size_t i = 0; i < sizeof(salt); i++)
        salt[i] = (unsigned char)seed_rng_next(&rng);
    if (store_password_hash_salted(SEED_DEMO_PASSWORD, salt, hash, size) < 0)
        return FH_ENOMEM;
    return 0;
}

/* The server's settings again. */
static int settings_after_load(sqlite3 *conn)
{
    return exec(conn, "PRAGMA journal_mode=WAL;"
                      "PRAGMA synchronous=NORMAL;"
                      "PRAGMA foreign_keys=ON;"
                      "PRAGMA ignore_check_constraints=OFF;");
}

/* Runs sql with one integer parameter. */
static int exec_int(sqlite3 *conn, const char *sql, int64_t v)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(conn, sql, -1, &st, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, v);
        rc = sqlite3_step(st);
    }
    if (rc != SQLITE_DONE)
        fprintf(stderr, "seed: database error: %s\n", sqlite3_errmsg(conn));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : FH_EDB;
}

/* Builds the full-text index from all the jobs in one pass, with a large
 * hashsize that is then put back. */
static int rebuild_search(sqlite3 *conn)
{
    int64_t hashsize = SEED_FTS_HASHSIZE_DEFAULT;
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(conn, sql_fts_hash_get, -1, &st, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "seed: database error: %s\n", sqlite3_errmsg(conn));
        return FH_EDB;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        hashsize = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    rc = exec_int(conn, sql_fts_hash_set, SEED_FTS_HASHSIZE_LOAD);
    if (rc == 0)
        rc = exec(conn, sql_fts_rebuild);
    return rc == 0 ? exec_int(conn, sql_fts_hash_set, hashsize) : rc;
}

/* Recomputes what depends on all the loaded rows together, with the
 * triggers back and before the commit, so that a failure undoes the whole
 * load: the planner's statistics (sampled, so that ANALYZE stays quick on
 * large tables). This is the one place for such whole-table rebuilds; a
 * counter table that triggers keep (set aside during the load) is rebuilt
 * here too. */
/* What the triggers set aside during the load would have kept: the
 * analytics counters, recomputed from the loaded rows; then the planner's
 * statistics. */
static int rebuild_derived(sqlite3 *conn)
{
    int rc = exec(conn, store_analytics_rebuild_sql());

    if (rc == 0)
        rc = exec(conn, "PRAGMA analysis_limit=1000; ANALYZE main;");
    return rc;
}

static void on_index_built(double share)
{
    on_progress("indexes", SEED_SHARE_PEOPLE +
                (SEED_SHARE_INDEXES - SEED_SHARE_PEOPLE) * share);
}

/* Writes everything in one transaction: a failure leaves the database as
 * it was (the rollback journal keeps the few pages that existed before,
 * schema changes included). The transaction starts deferred: an
 * immediate one would also lock the attached scratch database that the
 * writer thread fills; the first statement checks again that the
 * database is empty, and a writer that slips in before the load's first
 * write makes the load fail whole. Indexes and triggers are set aside
 * for the load and put back from their recorded SQL; the proposals
 * arrive last, with their index entries, once their table's indexes are
 * back (empty) and its triggers are not. */
static int load(sqlite3 *conn, seed_writer_t *writer, const seed_opts_t *opts,
                seed_stats_t *stats)
{
    seed_schema_t *schema = NULL;
    int rc = exec(conn, "BEGIN");

    if (rc < 0)
        return rc;
    rc = has_rows(conn);
    if (rc == 1)
        rc = FH_ECONFLICT;
    if (rc == 0)
        rc = seed_schema_set_aside(conn, &schema);
    if (rc == 0)
        rc = seed_load(conn, writer, opts, on_progress, stats);
    if (rc == 0) {
        on_progress("indexes", SEED_SHARE_PEOPLE);
        rc = seed_schema_restore(conn, schema, false, NULL, on_index_built);
    }
    if (rc == 0) {
        on_progress("search", SEED_SHARE_INDEXES);
        rc = rebuild_search(conn);
    }
    if (rc == 0) {
        on_progress("proposals", SEED_SHARE_SEARCH);
        rc = seed_writer_finish(writer);
    }
    if (rc == 0)
        rc = exec(conn, sql_move_proposals);
    if (rc == 0)
        rc = seed_schema_restore(conn, schema, true, NULL, NULL);
    if (rc == 0) {
        on_progress("analyze", SEED_SHARE_PROPOSALS);
        rc = rebuild_derived(conn);
    }
    if (rc == 0) {
        on_progress("commit", SEED_SHARE_DERIVED);
        rc = exec(conn, "COMMIT");
    }
    if (rc < 0)
        sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
    seed_schema_free(schema);
    return rc;
}

/* Opens the scratch database beside the real one and attaches it. */
static int start_writer(sqlite3 *conn, const char *db_path,
                        const seed_opts_t *opts, seed_writer_t **writer)
{
    char path[1100];
    int rc;

    snprintf(path, sizeof(path), "%s-seed-scratch", db_path);
    rc = seed_writer_start(path, opts->seed,
                           cache_kib(opts->jobs,
                                     SEED_WRITER_CACHE_KIB_PER_JOB),
                           writer);
    if (rc == 0)
        rc = exec_text(conn, sql_attach, path);
    return rc == 0 ? exec(conn, sql_scratch_mmap) : rc;
}

int seed_main(const config_t *cfg, int argc, char **argv)
{
    const char *path = cfg->database_url + 7;
    char hash[crypto_pwhash_STRBYTES];
    seed_writer_t *writer = NULL;
    sqlite3 *conn = NULL;
    seed_opts_t opts;
    seed_stats_t stats;
    int rc;

    if (parse_args(argc, argv, &opts) < 0)
        return SEED_EXIT_USAGE;
    opts.password_hash = hash;
    /* PostgreSQL: generated here into a scratch SQLite file, then copied. */
    if (pg_load_is_postgres(cfg->database_url))
        return pg_load_seed(cfg, argc, argv);
    progress_tty = isatty(STDERR_FILENO);
    progress_started_ms = fh_mono_ms();
    sqlite_tune_threads();

    if (sqlite3_open_v2(path, &conn, SQLITE_OPEN_READWRITE, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "seed: cannot open the database: %s\n",
                conn ? sqlite3_errmsg(conn) : "out of memory");
        sqlite3_close(conn);
        return SEED_EXIT_FAILED;
    }
    sqlite3_busy_timeout(conn, 5000);

    rc = has_rows(conn);
    if (rc == 1)
        rc = FH_ECONFLICT;
    if (rc == 0 && demo_password_hash(opts.seed, hash, sizeof(hash)) < 0) {
        fprintf(stderr, "seed: out of memory\n");
        rc = FH_ENOMEM;
    }
    if (rc == 0)
        rc = settings_for_load(conn, opts.jobs);
    if (rc == 0)
        rc = start_writer(conn, path, &opts, &writer);
    if (rc == 0) {
        rc = load(conn, writer, &opts, &stats);
        exec(conn, sql_detach);
    }
    seed_writer_free(writer);
    if (rc == 0)
        rc = settings_after_load(conn);
    if (rc < 0)
        goto fail;
    on_progress("done", 1.0);
    sqlite3_close(conn);

    printf("seeded %lld jobs, %lld proposals, %lld contracts, %lld reviews, "
           "%lld users (%lld freelancers, %lld clients), %lld categories, "
           "%lld skills in %.1f s\n",
           (long long)stats.jobs, (long long)stats.proposals,
           (long long)stats.contracts, (long long)stats.reviews,
           (long long)stats.users, (long long)opts.freelancers,
           (long long)opts.clients, (long long)stats.categories,
           (long long)stats.skills,
           (fh_mono_ms() - progress_started_ms) / 1000.0);
    return 0;

fail:
    progress_break();
    /* Whatever the load changed was rolled back; put the journal back. */
    sqlite3_exec(conn, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    sqlite3_close(conn);
    return SEED_EXIT_FAILED;
}
