/* The PostgreSQL engine behind db.h (libpq): a bounded pool of connections
 * opened on demand, statements prepared once per connection under a name
 * and cached by the address of their SQL, '?' placeholders rewritten to $n,
 * results read in text form and typed from the column's type. */
#include "store/db.h"

#include <errno.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "config.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/db_engine.h"
#include "store/rows.h"
#include "store/stmt_cache.h"

#define MAX_PARAMS 64        /* placeholders one statement may use */
#define ERRMSG_LEN 512

/* Type OIDs of pg_type that decide how a column is read. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700

/* The key of the transaction-scoped advisory lock that write transactions
 * take (db_pg_begin): "FH" and 1. */
#define WRITE_LOCK_KEY 0x46480001

struct db_stmt {
    const db_ops_t *ops;      /* first: see db_engine.h */
    db_t *db;
    const char *sql;          /* the cache key: the caller's static string */
    char *text;               /* sql with $n placeholders */
    char pname[16];           /* server-side name, "fh_<n>" */
    bool prepared;            /* PQprepare done on this connection */
    int nparams;
    char *values[MAX_PARAMS]; /* bound values as text; NULL = SQL NULL */
    Oid types[MAX_PARAMS];    /* from the first binding; 0 = infer */
    bool seen[MAX_PARAMS];    /* bound before the statement was prepared */
    const char *name;         /* for slow-query logs */
    PGresult *res;            /* rows of the current run; NULL = not run */
    int row;                  /* current row of res; -1 before the first */
    double started_ms;        /* monotonic time of the run; 0 = idle */
};

struct db {
    const db_ops_t *ops;      /* first: see db_engine.h */
    PGconn *conn;
    stmt_cache_t stmts;
    unsigned next_name;       /* for the next statement's pname */
    bool broken;              /* the connection was lost: drop on release */
    bool pooled;              /* handed out by the pool */
    int64_t changes;          /* rows changed by the last command */
    char errmsg[ERRMSG_LEN];
    db_t *next_idle;          /* in the pool's idle list */
};

/* The engine's side of db_engine.h, in the order of db_ops_t. */
static int pg_setup(const char *url);
static int pg_open(const char *url, db_t **out);
static void pg_close(db_t *db);
static int pg_acquire(db_t **out);
static void pg_release(db_t *db);
static void pg_teardown(void);
static void pg_pool_stats(int *open, int *in_use);
static int pg_prepare(db_t *db, const char *sql, db_stmt_t **out);
static void pg_reset(db_stmt_t *st);
static int pg_exec(db_t *db, const char *sql);

/* The pool: at most `size` connections, idle ones on a stack. */
static struct {
    pthread_mutex_t lock;
    pthread_cond_t freed;     /* a connection went idle, or a slot opened */
    char url[1024];
    int size;                 /* DB_POOL_SIZE */
    int open;                 /* connections open or being opened */
    int in_use;               /* of those, held by a caller */
    db_t *idle;
} pool = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool pg_accepts(const char *url)
{
    return strncmp(url, "postgresql://", 13) == 0 ||
           strncmp(url, "postgres://", 11) == 0;
}

/* Copies the connection's error text, one line, for db_errmsg(). */
static void keep_errmsg(db_t *db, const char *msg)
{
    snprintf(db->errmsg, sizeof(db->errmsg), "%s", msg ? msg : "");
    db->errmsg[strcspn(db->errmsg, "\n")] = '\0';
}

/* Maps a failed result (or none) to an fh_err; marks the connection broken
 * when it is lost, so that the pool drops it on release. */
static int map_result(db_t *db, const PGresult *res, const char *stmt)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

    keep_errmsg(db, res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn));
    if (PQstatus(db->conn) == CONNECTION_BAD || state == NULL ||
        strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        db->broken = true;
        log_warn("database connection lost", "s:stmt", stmt,
                 "s:error", db->errmsg);
        return FH_EUNAVAILABLE;
    }
    if (strcmp(state, "23505") == 0 || strcmp(state, "23514") == 0 ||
        strcmp(state, "23P01") == 0)
        return FH_ECONFLICT;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
        strcmp(state, "55P03") == 0 || strcmp(state, "53300") == 0) {
        log_warn("statement failed", "s:stmt", stmt, "s:sqlstate", state,
                 "s:error", db->errmsg);
        return FH_EUNAVAILABLE;
    }
    log_error("statement failed", "s:stmt", stmt, "s:sqlstate", state,
              "s:error", db->errmsg);
    return FH_EDB;
}

static int pg_setup(const char *url)
{
    int threads = fh_config.threads > 0
                      ? fh_config.threads
                      : (int)sysconf(_SC_NPROCESSORS_ONLN);

    snprintf(pool.url, sizeof(pool.url), "%s", url);
    pool.size = fh_config.db_pool_size > 0 ? fh_config.db_pool_size
                                           : (threads > 0 ? threads : 1) + 2;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool.freed, &attr);
    pthread_condattr_destroy(&attr);
    return 0;
}

/* Notices and warnings of the server (such as "there is no transaction in
 * progress") are not errors of ours. */
static void on_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static int pg_open(const char *url, db_t **out)
{
    /* The URL comes last so that its own connect_timeout wins. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname",
                          NULL};
    const char *values[] = {"3", "freelance-hub", url, NULL};
    db_t *db = calloc(1, sizeof(*db));

    if (db == NULL)
        return FH_ENOMEM;
    db->ops = &db_pg_ops;
    db->conn = PQconnectdbParams(keys, values, 1);
    if (db->conn == NULL) {
        free(db);
        return FH_ENOMEM;
    }
    if (PQstatus(db->conn) != CONNECTION_OK) {
        keep_errmsg(db, PQerrorMessage(db->conn));
        log_warn("database connect failed", "s:error", db->errmsg);
        PQfinish(db->conn);
        free(db);
        return FH_EUNAVAILABLE;
    }
    PQsetNoticeProcessor(db->conn, on_notice, NULL);
    int rc = pg_exec(db, "SET TIME ZONE 'UTC'");
    if (rc < 0) {
        pg_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

/* Frees one cached statement (a db_stmt_t), for stmt_cache_clear(). */
static void stmt_drop(void *p)
{
    db_stmt_t *s = p;

    PQclear(s->res);
    for (int i = 0; i < s->nparams; i++)
        free(s->values[i]);
    free(s->text);
    free(s);
}

/* Forgets every cached statement, here and on the server. Only while none
 * of them is in use. */
static void stmt_cache_drop_all(db_t *db)
{
    stmt_cache_clear(&db->stmts, stmt_drop);
    if (!db->broken)
        PQclear(PQexec(db->conn, "DEALLOCATE ALL"));
}

static void pg_close(db_t *db)
{
    if (db == NULL)
        return;
    db->broken = true;  /* no DEALLOCATE on the way out */
    stmt_cache_drop_all(db);
    PQfinish(db->conn);
    free(db);
}

/* Whether an idle pooled connection is still usable: reads whatever the
 * server sent while it sat idle (a termination notice, end of file). */
static bool idle_is_alive(db_t *db)
{
    if (db->broken || PQstatus(db->conn) != CONNECTION_OK)
        return false;
    if (PQconsumeInput(db->conn) == 0)
        return false;
    return PQstatus(db->conn) == CONNECTION_OK;
}

/* Takes a slot or an idle connection, waiting until deadline. With the lock
 * held. Returns the idle connection in *out, or NULL in *out with a slot
 * reserved (pool.open counts it), or FH_EUNAVAILABLE at the deadline. */
static int pool_take(const struct timespec *deadline, db_t **out)
{
    for (;;) {
        if (pool.idle) {
            *out = pool.idle;
            pool.idle = pool.idle->next_idle;
            return 0;
        }
        if (pool.open < pool.size) {
            pool.open++;
            *out = NULL;
            return 0;
        }
        int rc = pthread_cond_timedwait(&pool.freed, &pool.lock, deadline);
        if (rc == ETIMEDOUT && pool.idle == NULL && pool.open >= pool.size)
            return FH_EUNAVAILABLE;
    }
}

static int pg_acquire(db_t **out)
{
    double t0 = fh_mono_ms();
    struct timespec deadline =
        fh_deadline_in(CLOCK_MONOTONIC, fh_config.db_pool_timeout_ms);
    db_t *db;
    int rc;

    pthread_mutex_lock(&pool.lock);
    bool waited = pool.idle == NULL && pool.open >= pool.size;
    rc = pool_take(&deadline, &db);
    if (rc == 0)
        pool.in_use++;
    pthread_mutex_unlock(&pool.lock);
    if (waited)
        metrics_db_pool_wait(fh_mono_ms() - t0, rc < 0);
    if (rc < 0) {
        log_warn("no database connection free", "i:pool_size",
                 (int64_t)pool.size, "i:timeout_ms",
                 (int64_t)fh_config.db_pool_timeout_ms);
        return rc;
    }

    if (db != NULL && !idle_is_alive(db)) {
        pg_close(db);  /* lost while idle: its slot is reused below */
        db = NULL;
    }
    if (db == NULL) {
        rc = pg_open(pool.url, &db);
        if (rc < 0) {
            pthread_mutex_lock(&pool.lock);
            pool.open--;
            pool.in_use--;
            pthread_cond_signal(&pool.freed);
            pthread_mutex_unlock(&pool.lock);
            return rc;
        }
        db->pooled = true;
    }
    *out = db;
    return 0;
}

static void pg_release(db_t *db)
{
    if (db == NULL)
        return;
    if (!db->broken && PQtransactionStatus(db->conn) != PQTRANS_IDLE) {
        /* A caller that left a transaction open is a bug; never hand the
         * connection on with it. */
        log_error("connection released inside a transaction");
        PQclear(PQexec(db->conn, "ROLLBACK"));
    }
    if (!db->broken && stmt_cache_crowded(&db->stmts))
        stmt_cache_drop_all(db);
    if (db->broken || PQstatus(db->conn) != CONNECTION_OK) {
        pg_close(db);
        db = NULL;
    }
    pthread_mutex_lock(&pool.lock);
    pool.in_use--;
    if (db) {
        db->next_idle = pool.idle;
        pool.idle = db;
    } else {
        pool.open--;
    }
    pthread_cond_signal(&pool.freed);
    pthread_mutex_unlock(&pool.lock);
}

static void pg_teardown(void)
{
    pthread_mutex_lock(&pool.lock);
    while (pool.idle) {
        db_t *db = pool.idle;
        pool.idle = db->next_idle;
        pool.open--;
        pg_close(db);
    }
    pthread_mutex_unlock(&pool.lock);
}

static void pg_pool_stats(int *open, int *in_use)
{
    pthread_mutex_lock(&pool.lock);
    *open = pool.open;
    *in_use = pool.in_use;
    pthread_mutex_unlock(&pool.lock);
}

/* Rewrites SQLite's placeholders ('?' numbered by position, '?NNN') to
 * PostgreSQL's '$NNN', leaving quoted text and comments alone. Returns a
 * malloc'd string, or NULL when out of memory or past MAX_PARAMS; *nparams
 * gets the highest number used. */
static char *placeholders_rewrite(const char *sql, int *nparams)
{
    size_t len = strlen(sql);
    char *out = malloc(len * 3 + 1);  /* "?" becomes at most "$64" */
    char *o = out;
    int highest = 0;
    char quote = 0;

    if (out == NULL)
        return NULL;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
            *o++ = *p;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            *o++ = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                *o++ = *p++;
            if (*p == '\0')
                break;
            *o++ = *p;
        } else if (*p == '?') {
            int n;
            if (p[1] >= '0' && p[1] <= '9') {
                char *end;
                n = (int)strtol(p + 1, &end, 10);
                p = end - 1;
            } else {
                n = highest + 1;
            }
            if (n < 1 || n > MAX_PARAMS) {
                free(out);
                return NULL;
            }
            if (n > highest)
                highest = n;
            o += sprintf(o, "$%d", n);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    *nparams = highest;
    return out;
}

static int pg_prepare(db_t *db, const char *sql, db_stmt_t **out)
{
    db_stmt_t *s = stmt_cache_find(&db->stmts, sql);
    int rc;

    if (s != NULL) {
        pg_reset(s);
        for (int k = 0; k < s->nparams; k++) {
            free(s->values[k]);
            s->values[k] = NULL;
        }
        *out = s;
        return 0;
    }
    rc = stmt_cache_room(&db->stmts);
    if (rc < 0)
        return rc;
    s = calloc(1, sizeof(*s));
    if (s == NULL)
        return FH_ENOMEM;
    s->text = placeholders_rewrite(sql, &s->nparams);
    if (s->text == NULL) {
        log_error("statement has too many placeholders", "s:sql", sql);
        free(s);
        return FH_EDB;
    }
    s->ops = &db_pg_ops;
    s->db = db;
    s->sql = sql;
    s->row = -1;
    snprintf(s->pname, sizeof(s->pname), "fh_%u", db->next_name++);
    stmt_cache_add(&db->stmts, sql, s);
    *out = s;
    return 0;
}

static void pg_stmt_name(db_stmt_t *st, const char *name)
{
    st->name = name;
}

/* Keeps v (text, or NULL for SQL NULL) as parameter idx. The type of the
 * first binding becomes the parameter's declared type when the statement
 * is prepared; 0 lets the server infer it. */
static int bind_value(db_stmt_t *st, int idx, const char *v, Oid type)
{
    if (idx < 1 || idx > st->nparams)
        return FH_EDB;
    char *copy = NULL;
    if (v && (copy = strdup(v)) == NULL)
        return FH_ENOMEM;
    free(st->values[idx - 1]);
    st->values[idx - 1] = copy;
    if (!st->prepared && !st->seen[idx - 1]) {
        st->types[idx - 1] = type;
        st->seen[idx - 1] = true;
    }
    return 0;
}

static int pg_bind_int64(db_stmt_t *st, int idx, int64_t v)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return bind_value(st, idx, buf, OID_INT8);
}

static int pg_bind_double(db_stmt_t *st, int idx, double v)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%.17g", v);
    return bind_value(st, idx, buf, OID_FLOAT8);
}

static int pg_bind_text(db_stmt_t *st, int idx, const char *s)
{
    return bind_value(st, idx, s, 0);
}

static int pg_bind_null(db_stmt_t *st, int idx)
{
    return bind_value(st, idx, NULL, 0);
}

/* Logs the statement when it ran longer than SLOW_QUERY_MS. */
static void check_slow(db_stmt_t *st)
{
    if (st->started_ms == 0)
        return;
    db_note_query(st->name, st->sql, fh_mono_ms() - st->started_ms,
                  (int64_t)(st->res ? PQntuples(st->res) : 0));
    st->started_ms = 0;
}

/* Prepares st on its connection (once) and runs it; st->res holds every
 * row of the answer. */
static int stmt_execute(db_stmt_t *st)
{
    db_t *db = st->db;
    const char *stmt = st->name ? st->name : st->pname;
    PGresult *res;

    if (db->broken)
        return FH_EUNAVAILABLE;
    if (!st->prepared) {
        /* A placeholder no variant of the caller binds (a filter left
         * out) still needs a type: text, which it never meets. */
        for (int i = 0; i < st->nparams; i++)
            if (!st->seen[i])
                st->types[i] = OID_TEXT;
        res = PQprepare(db->conn, st->pname, st->text, st->nparams,
                        st->types);
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            int rc = map_result(db, res, stmt);
            if (rc == FH_EDB)
                log_error("prepare failed", "s:sql", st->sql);
            PQclear(res);
            return rc;
        }
        PQclear(res);
        st->prepared = true;
    }
    res = PQexecPrepared(db->conn, st->pname, st->nparams,
                         (const char *const *)st->values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        int rc = map_result(db, res, stmt);
        PQclear(res);
        return rc;
    }
    const char *n = PQcmdTuples(res);
    db->changes = n[0] ? strtoll(n, NULL, 10) : 0;
    st->res = res;
    st->row = -1;
    return 0;
}

static int pg_step(db_stmt_t *st)
{
    if (st->res == NULL) {
        st->started_ms = fh_mono_ms();
        int rc = stmt_execute(st);
        if (rc < 0) {
            check_slow(st);
            return rc;
        }
    }
    if (st->row + 1 < PQntuples(st->res)) {
        st->row++;
        return 1;
    }
    check_slow(st);
    return 0;
}

static void pg_reset(db_stmt_t *st)
{
    check_slow(st);
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
}

static int pg_run(db_stmt_t *st)
{
    int rc;

    while ((rc = pg_step(st)) == 1)
        ;
    pg_reset(st);
    return rc;
}

static int pg_column_count(db_stmt_t *st)
{
    return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(db_stmt_t *st, int col)
{
    return PQfname(st->res, col);
}

static bool pg_col_is_null(db_stmt_t *st, int col)
{
    return st->row < 0 || PQgetisnull(st->res, st->row, col);
}

static enum db_type pg_col_type(db_stmt_t *st, int col)
{
    if (pg_col_is_null(st, col))
        return DB_NULL;
    switch (PQftype(st->res, col)) {
    case OID_INT2:
    case OID_INT4:
    case OID_INT8:
    case OID_BOOL:
        return DB_INT;
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return DB_FLOAT;
    default:
        return DB_TEXT;
    }
}

static int64_t pg_col_int64(db_stmt_t *st, int col)
{
    if (pg_col_is_null(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    switch (PQftype(st->res, col)) {
    case OID_BOOL:
        return v[0] == 't';
    case OID_FLOAT4:
    case OID_FLOAT8:
    case OID_NUMERIC:
        return (int64_t)strtod(v, NULL);
    default:
        return strtoll(v, NULL, 10);
    }
}

static double pg_col_double(db_stmt_t *st, int col)
{
    if (pg_col_is_null(st, col))
        return 0;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (PQftype(st->res, col) == OID_BOOL)
        return v[0] == 't';
    return strtod(v, NULL);
}

static const char *pg_col_text(db_stmt_t *st, int col)
{
    if (pg_col_is_null(st, col))
        return NULL;
    return PQgetvalue(st->res, st->row, col);
}

static int pg_exec(db_t *db, const char *sql)
{
    if (db->broken)
        return FH_EUNAVAILABLE;
    PGresult *res = PQexec(db->conn, sql);
    ExecStatusType status = PQresultStatus(res);
    int rc = 0;

    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        rc = map_result(db, res, "exec");
    PQclear(res);
    return rc;
}

/* LIMITATION: every write transaction takes one advisory lock, so writers
 * run one at a time per database, as on SQLite (BEGIN IMMEDIATE). It keeps
 * what a transaction reads true until it commits without a row lock or a
 * retry in each write path, and it costs write throughput: a slow write
 * holds every other write back, across all instances sharing the
 * database. Reads never wait for it. */
static int pg_begin(db_t *db)
{
    static const char *sql = "BEGIN ISOLATION LEVEL READ COMMITTED;"
                             " SELECT pg_advisory_xact_lock(1179123713)";

    _Static_assert(WRITE_LOCK_KEY == 1179123713, "the key in sql");
    return pg_exec(db, sql);
}

static int pg_begin_read(db_t *db)
{
    return pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static int pg_commit(db_t *db)
{
    if (db->broken)
        return FH_EUNAVAILABLE;
    PGresult *res = PQexec(db->conn, "COMMIT");
    int rc = 0;

    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        rc = map_result(db, res, "commit");
    else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
        rc = FH_EDB;  /* the transaction had failed: it rolled back */
    PQclear(res);
    return rc;
}

static void pg_rollback(db_t *db)
{
    if (!db->broken && PQtransactionStatus(db->conn) != PQTRANS_IDLE)
        PQclear(PQexec(db->conn, "ROLLBACK"));
}

static int pg_ping(db_t *db)
{
    return pg_exec(db, "SELECT 1") < 0 ? FH_EUNAVAILABLE : 0;
}

/* EXPLAIN of a statement whose parameters have no values: prepared under a
 * name of its own and planned generically, so that no NULL value folds a
 * condition away. */
static int pg_query_plan(db_t *db, const char *sql, json_t *lines)
{
    int nparams;
    char *text = placeholders_rewrite(sql, &nparams);
    char call[64 + MAX_PARAMS * 6];
    PGresult *res;
    int rc = 0;

    if (text == NULL)
        return FH_ENOMEM;
    Oid types[MAX_PARAMS] = {0};

    PQclear(PQexec(db->conn, "DEALLOCATE fh_explain"));
    /* A placeholder that this text does not use has no type the server can
     * infer: give each such one text, as stmt_execute() does, and retry. */
    for (int tries = 0;; tries++) {
        res = PQprepare(db->conn, "fh_explain", text, nparams, types);
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
        const char *dollar = msg ? strchr(msg, '$') : NULL;
        int n = dollar ? atoi(dollar + 1) : 0;
        if (state == NULL || strcmp(state, "42P18") != 0 || n < 1 ||
            n > nparams || tries >= nparams)
            break;
        types[n - 1] = OID_TEXT;
        PQclear(res);
    }
    free(text);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rc = map_result(db, res, "explain");
        PQclear(res);
        return rc;
    }
    PQclear(res);
    size_t used = (size_t)snprintf(call, sizeof(call),
                                   "EXPLAIN (FORMAT TEXT) EXECUTE fh_explain");
    for (int i = 0; i < nparams; i++)
        used += (size_t)snprintf(call + used, sizeof(call) - used, "%sNULL",
                                 i == 0 ? "(" : ", ");
    if (nparams > 0)
        snprintf(call + used, sizeof(call) - used, ")");
    PQclear(PQexec(db->conn, "SET plan_cache_mode = force_generic_plan"));
    res = PQexec(db->conn, call);
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        for (int r = 0; r < PQntuples(res); r++)
            json_array_append_new(lines, json_string(PQgetvalue(res, r, 0)));
    } else {
        rc = map_result(db, res, "explain");
    }
    PQclear(res);
    PQclear(PQexec(db->conn, "RESET plan_cache_mode"));
    PQclear(PQexec(db->conn, "DEALLOCATE fh_explain"));
    return rc;
}

/* Usage counts since the statistics were last reset, in the one text
 * column that SQLite's sqlite_stat1 figures also fill. */
static const char *sql_index_stats =
    "SELECT relname AS table_name, indexrelname AS index_name,"
    " 'idx_scan=' || idx_scan || ' idx_tup_read=' || idx_tup_read"
    " || ' idx_tup_fetch=' || idx_tup_fetch AS stat"
    " FROM pg_stat_user_indexes ORDER BY relname, indexrelname";

static int pg_index_stats(db_t *db, json_t **out)
{
    db_stmt_t *st;
    int rc = pg_prepare(db, sql_index_stats, &st);

    if (rc < 0)
        return rc;
    return rows_array(st, out);
}

static int64_t pg_changes(db_t *db)
{
    return db->changes;
}

static const char *pg_errmsg(db_t *db)
{
    return db->errmsg;
}

const db_ops_t db_pg_ops = {
    .engine = DB_POSTGRES,
    .name = "postgres",
    .accepts = pg_accepts,
    .setup = pg_setup,
    .open = pg_open,
    .close = pg_close,
    .acquire = pg_acquire,
    .release = pg_release,
    .teardown = pg_teardown,
    .pool_stats = pg_pool_stats,
    .prepare = pg_prepare,
    .stmt_name = pg_stmt_name,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .reset = pg_reset,
    .run = pg_run,
    .column_count = pg_column_count,
    .col_type = pg_col_type,
    .column_name = pg_column_name,
    .col_is_null = pg_col_is_null,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .exec = pg_exec,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .ping = pg_ping,
    .query_plan = pg_query_plan,
    .index_stats = pg_index_stats,
    .changes = pg_changes,
    .errmsg = pg_errmsg,
};
