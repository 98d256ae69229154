/* The SQLite engine behind db.h: one connection per worker thread, WAL,
 * foreign keys on, statements prepared once per connection and reused. */
#include "store/db.h"
#include "store/db_engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/err.h"
#include "common/util.h"
#include "config.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/rows.h"
#include "store/stmt_cache.h"

struct db_stmt {
    const db_ops_t *ops;  /* first: see db_engine.h */
    sqlite3_stmt *st;
    db_t *db;
    const char *sql;     /* the cache key: the caller's static string */
    const char *name;    /* for slow-query logs */
    double started_ms;   /* monotonic time of the first step; 0 = idle */
    int64_t rows;        /* rows returned since the first step */
};

struct db {
    const db_ops_t *ops;  /* first: see db_engine.h */
    sqlite3 *conn;
    stmt_cache_t stmts;
    db_t *next_thread_db;  /* in the list of per-thread connections */
    bool writing;          /* holds write_lock: a write transaction is open */
};

/* The engine's side of db_engine.h, in the order of db_ops_t. */
static int sq_setup(const char *url);
static int sq_open(const char *url, db_t **out);
static void sq_close(db_t *db);
static int sq_acquire(db_t **out);
static void sq_release(db_t *db);
static void sq_pool_stats(int *open, int *in_use);
static int sq_index_stats(db_t *db, json_t **out);
static void sq_teardown(void);
static int sq_prepare(db_t *db, const char *sql, db_stmt_t **out);
static void sq_stmt_name(db_stmt_t *st, const char *name);
static int sq_bind_int64(db_stmt_t *st, int idx, int64_t v);
static int sq_bind_double(db_stmt_t *st, int idx, double v);
static int sq_bind_text(db_stmt_t *st, int idx, const char *s);
static int sq_bind_null(db_stmt_t *st, int idx);
static int sq_step(db_stmt_t *st);
static void sq_reset(db_stmt_t *st);
static int sq_run(db_stmt_t *st);
static int sq_column_count(db_stmt_t *st);
static const char *sq_column_name(db_stmt_t *st, int col);
static enum db_type sq_col_type(db_stmt_t *st, int col);
static bool sq_col_is_null(db_stmt_t *st, int col);
static int64_t sq_col_int64(db_stmt_t *st, int col);
static double sq_col_double(db_stmt_t *st, int col);
static const char *sq_col_text(db_stmt_t *st, int col);
static int sq_exec(db_t *db, const char *sql);
static int sq_begin(db_t *db);
static int sq_begin_read(db_t *db);
static int sq_commit(db_t *db);
static void sq_rollback(db_t *db);
static int sq_ping(db_t *db);
static int sq_query_plan(db_t *db, const char *sql, json_t *lines);
static int64_t sq_changes(db_t *db);
static const char *sq_errmsg(db_t *db);

static char db_url[1024];
static _Thread_local db_t *thread_db;
static db_t *thread_dbs;  /* every per-thread connection, for db_teardown */
static atomic_int pool_open;     /* per-thread connections opened */
static atomic_int pool_in_use;   /* of those, held by a request now */
static pthread_mutex_t thread_dbs_lock = PTHREAD_MUTEX_INITIALIZER;
/* The writers of this process queue here for SQLite's single write lock.
 * Without it a thread that finds the lock taken sleeps in SQLite's busy
 * handler, in steps that grow to 100 ms, and wakes long after the lock
 * came free: a write's p99 was a quarter of a second under load while its
 * median was 10 ms. Writers in other processes on the same file still
 * meet the busy handler. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
#define WRITE_LOCK_WAIT_MS 5000  /* as long as the busy handler waits */

static int sq_setup(const char *url)
{
    if (strncmp(url, "sqlite:", 7) != 0) {
        log_error("unsupported database url", "s:url", "postgresql");
        return FH_EINVAL;
    }
    snprintf(db_url, sizeof(db_url), "%s", url);
    return 0;
}

/* Maps an SQLite result code to an fh_err. */
static int map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return 0;
    case SQLITE_CONSTRAINT:
        return FH_ECONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
        return FH_EUNAVAILABLE;
    case SQLITE_NOMEM:
        return FH_ENOMEM;
    default:
        return FH_EDB;
    }
}

static int sq_open(const char *url, db_t **out)
{
    const char *path;
    db_t *db;
    int rc;

    if (strncmp(url, "sqlite:", 7) != 0)
        return FH_EINVAL;
    path = url + 7;
    db = calloc(1, sizeof(*db));
    if (db == NULL)
        return FH_ENOMEM;
    db->ops = &db_sqlite_ops;
    rc = sqlite3_open_v2(path, &db->conn,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                         SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        log_error("database open failed", "s:error",
                  db->conn ? sqlite3_errmsg(db->conn) : "no memory");
        sqlite3_close(db->conn);
        free(db);
        return FH_EUNAVAILABLE;
    }
    sqlite3_busy_timeout(db->conn, 5000);
    rc = sq_exec(db,
                 "PRAGMA journal_mode=WAL;"
                 "PRAGMA synchronous=NORMAL;"
                 "PRAGMA foreign_keys=ON;"
                 "PRAGMA temp_store=MEMORY;"
                 "PRAGMA cache_size=-32768;"
                 "PRAGMA mmap_size=" DB_SQLITE_MMAP_BYTES ";");
    if (rc < 0) {
        sq_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* Frees one cached statement (a db_stmt_t), for stmt_cache_clear(). */
static void stmt_drop(void *p)
{
    db_stmt_t *s = p;

    sqlite3_finalize(s->st);
    free(s);
}

/* Finalizes every cached statement; each is prepared again on its next
 * db_prepare. Only while none of them is in use. */
static void stmt_cache_drop_all(db_t *db)
{
    stmt_cache_clear(&db->stmts, stmt_drop);
}

/* Takes write_lock, waiting at most WRITE_LOCK_WAIT_MS: FH_EUNAVAILABLE
 * after that, as a busy database gives. */
static int write_lock_take(void)
{
    struct timespec until = fh_deadline_in(CLOCK_REALTIME, WRITE_LOCK_WAIT_MS);

    return pthread_mutex_timedlock(&write_lock, &until) == 0
               ? 0 : FH_EUNAVAILABLE;
}

static void write_lock_give(db_t *db)
{
    if (db->writing) {
        db->writing = false;
        pthread_mutex_unlock(&write_lock);
    }
}

static void sq_close(db_t *db)
{
    if (db == NULL)
        return;
    write_lock_give(db);
    stmt_cache_drop_all(db);
    sqlite3_close_v2(db->conn);
    free(db);
}

static int sq_acquire(db_t **out)
{
    if (thread_db == NULL) {
        int rc = sq_open(db_url, &thread_db);
        if (rc < 0)
            return rc;
        pthread_mutex_lock(&thread_dbs_lock);
        thread_db->next_thread_db = thread_dbs;
        thread_dbs = thread_db;
        pthread_mutex_unlock(&thread_dbs_lock);
        atomic_fetch_add(&pool_open, 1);
    }
    atomic_fetch_add(&pool_in_use, 1);
    *out = thread_db;
    return 0;
}

static void sq_release(db_t *db)
{
    /* The connection stays with its thread. Between requests no statement
     * is in use, so a cache grown past half (queries with many shapes, such
     * as the job search's filter combinations) starts over here instead of
     * filling up in the middle of a request. */
    if (db == NULL)
        return;
    if (db->writing) {
        log_error("connection released inside a write transaction");
        sq_rollback(db);
    }
    atomic_fetch_sub(&pool_in_use, 1);
    if (stmt_cache_crowded(&db->stmts))
        stmt_cache_drop_all(db);
}

static void sq_pool_stats(int *open, int *in_use)
{
    *open = atomic_load(&pool_open);
    *in_use = atomic_load(&pool_in_use);
}

static const char *sql_index_stats =
    "SELECT tbl AS table_name, idx AS index_name, stat FROM sqlite_stat1"
    " WHERE idx IS NOT NULL ORDER BY tbl, idx";

static int sq_index_stats(db_t *db, json_t **out)
{
    db_stmt_t *st;
    int rc;

    /* sqlite_stat1 exists only once ANALYZE (freelance-hub maintain) ran. */
    if (sqlite3_table_column_metadata(db->conn, "main", "sqlite_stat1", "tbl",
                                      NULL, NULL, NULL, NULL, NULL) != SQLITE_OK) {
        *out = json_array();
        return *out ? 0 : FH_ENOMEM;
    }
    rc = sq_prepare(db, sql_index_stats, &st);
    if (rc < 0)
        return rc;
    return rows_array(st, out);
}

static void sq_teardown(void)
{
    pthread_mutex_lock(&thread_dbs_lock);
    while (thread_dbs) {
        db_t *db = thread_dbs;
        thread_dbs = db->next_thread_db;
        sq_close(db);
    }
    pthread_mutex_unlock(&thread_dbs_lock);
}

static int sq_prepare(db_t *db, const char *sql, db_stmt_t **out)
{
    db_stmt_t *s = stmt_cache_find(&db->stmts, sql);

    if (s != NULL) {
        sq_reset(s);
        sqlite3_clear_bindings(s->st);
        *out = s;
        return 0;
    }
    int rc = stmt_cache_room(&db->stmts);
    if (rc < 0)
        return rc;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return FH_ENOMEM;
    rc = sqlite3_prepare_v3(db->conn, sql, -1, SQLITE_PREPARE_PERSISTENT,
                            &s->st, NULL);
    if (rc != SQLITE_OK) {
        log_error("prepare failed", "s:error", sqlite3_errmsg(db->conn),
                  "s:sql", sql);
        free(s);
        return map_rc(rc) == 0 ? FH_EDB : map_rc(rc);
    }
    s->ops = &db_sqlite_ops;
    s->db = db;
    s->sql = sql;
    stmt_cache_add(&db->stmts, sql, s);
    *out = s;
    return 0;
}

static void sq_stmt_name(db_stmt_t *st, const char *name)
{
    st->name = name;
}

static int sq_bind_int64(db_stmt_t *st, int idx, int64_t v)
{
    return map_rc(sqlite3_bind_int64(st->st, idx, v));
}

static int sq_bind_double(db_stmt_t *st, int idx, double v)
{
    return map_rc(sqlite3_bind_double(st->st, idx, v));
}

static int sq_bind_text(db_stmt_t *st, int idx, const char *s)
{
    if (s == NULL)
        return map_rc(sqlite3_bind_null(st->st, idx));
    return map_rc(sqlite3_bind_text(st->st, idx, s, -1, SQLITE_TRANSIENT));
}

static int sq_bind_null(db_stmt_t *st, int idx)
{
    return map_rc(sqlite3_bind_null(st->st, idx));
}

/* Logs the statement when it ran longer than SLOW_QUERY_MS. */
static void check_slow(db_stmt_t *st)
{
    if (st->started_ms == 0)
        return;
    db_note_query(st->name, st->sql, fh_mono_ms() - st->started_ms,
                  st->rows);
    st->started_ms = 0;
    st->rows = 0;
}

static int sq_step(db_stmt_t *st)
{
    if (st->started_ms == 0)
        st->started_ms = fh_mono_ms();
    int rc = sqlite3_step(st->st);
    if (rc == SQLITE_ROW) {
        st->rows++;
        return 1;
    }
    check_slow(st);
    if (rc == SQLITE_DONE)
        return 0;
    int err = map_rc(sqlite3_extended_errcode(st->db->conn));
    if (err != FH_ECONFLICT)
        log_warn("statement failed", "s:stmt", st->name ? st->name : "",
                 "s:error", sqlite3_errmsg(st->db->conn));
    return err == 0 ? FH_EDB : err;
}

static void sq_reset(db_stmt_t *st)
{
    check_slow(st);
    sqlite3_reset(st->st);
}

static int sq_run(db_stmt_t *st)
{
    int rc;

    while ((rc = sq_step(st)) == 1)
        ;
    sqlite3_reset(st->st);
    return rc;
}

static int sq_column_count(db_stmt_t *st)
{
    return sqlite3_column_count(st->st);
}

static const char *sq_column_name(db_stmt_t *st, int col)
{
    return sqlite3_column_name(st->st, col);
}

static enum db_type sq_col_type(db_stmt_t *st, int col)
{
    switch (sqlite3_column_type(st->st, col)) {
    case SQLITE_INTEGER: return DB_INT;
    case SQLITE_FLOAT:   return DB_FLOAT;
    case SQLITE_NULL:    return DB_NULL;
    default:             return DB_TEXT;
    }
}

static bool sq_col_is_null(db_stmt_t *st, int col)
{
    return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int64(db_stmt_t *st, int col)
{
    return sqlite3_column_int64(st->st, col);
}

static double sq_col_double(db_stmt_t *st, int col)
{
    return sqlite3_column_double(st->st, col);
}

static const char *sq_col_text(db_stmt_t *st, int col)
{
    return (const char *)sqlite3_column_text(st->st, col);
}

static int sq_exec(db_t *db, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        log_warn("exec failed", "s:error", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        rc = map_rc(rc);
        return rc == 0 ? FH_EDB : rc;
    }
    return 0;
}

static int sq_begin(db_t *db)
{
    int rc;

    if (db->writing)
        return FH_EDB;  /* one write transaction at a time */
    rc = write_lock_take();
    if (rc < 0)
        return rc;
    db->writing = true;
    rc = sq_exec(db, "BEGIN IMMEDIATE");
    if (rc < 0)
        write_lock_give(db);
    return rc;
}

static int sq_begin_read(db_t *db)
{
    return sq_exec(db, "BEGIN");
}

/* A failed COMMIT leaves the transaction open for the caller's rollback,
 * which gives write_lock back. */
static int sq_commit(db_t *db)
{
    int rc = sq_exec(db, "COMMIT");

    if (sqlite3_get_autocommit(db->conn))
        write_lock_give(db);
    return rc;
}

static void sq_rollback(db_t *db)
{
    if (!sqlite3_get_autocommit(db->conn))
        sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
    write_lock_give(db);
}

static int sq_ping(db_t *db)
{
    const char *path = sqlite3_db_filename(db->conn, "main");
    struct stat sb;

    if (path && path[0] && stat(path, &sb) != 0)
        return FH_EUNAVAILABLE;
    if (sqlite3_exec(db->conn, "SELECT 1", NULL, NULL, NULL) != SQLITE_OK)
        return FH_EUNAVAILABLE;
    return 0;
}

static int sq_query_plan(db_t *db, const char *sql, json_t *lines)
{
    sqlite3_stmt *st;
    char *text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    int rc;

    if (text == NULL)
        return FH_ENOMEM;
    rc = sqlite3_prepare_v2(db->conn, text, -1, &st, NULL);
    sqlite3_free(text);
    if (rc != SQLITE_OK)
        return FH_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        json_array_append_new(lines,
                              json_string((const char *)sqlite3_column_text(st, 3)));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : map_rc(rc);
}

static int64_t sq_changes(db_t *db)
{
    return sqlite3_changes64(db->conn);
}

static const char *sq_errmsg(db_t *db)
{
    return sqlite3_errmsg(db->conn);
}

static bool sq_accepts(const char *url)
{
    return strncmp(url, "sqlite:", 7) == 0;
}

const db_ops_t db_sqlite_ops = {
    .engine = DB_SQLITE,
    .name = "sqlite",
    .accepts = sq_accepts,
    .setup = sq_setup,
    .open = sq_open,
    .close = sq_close,
    .acquire = sq_acquire,
    .release = sq_release,
    .teardown = sq_teardown,
    .pool_stats = sq_pool_stats,
    .prepare = sq_prepare,
    .stmt_name = sq_stmt_name,
    .bind_int64 = sq_bind_int64,
    .bind_double = sq_bind_double,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .reset = sq_reset,
    .run = sq_run,
    .column_count = sq_column_count,
    .col_type = sq_col_type,
    .column_name = sq_column_name,
    .col_is_null = sq_col_is_null,
    .col_int64 = sq_col_int64,
    .col_double = sq_col_double,
    .col_text = sq_col_text,
    .exec = sq_exec,
    .begin = sq_begin,
    .begin_read = sq_begin_read,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .ping = sq_ping,
    .query_plan = sq_query_plan,
    .index_stats = sq_index_stats,
    .changes = sq_changes,
    .errmsg = sq_errmsg,
};
