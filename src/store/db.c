/* The one place that chooses an engine: db_open() and db_setup() by the
 * URL's scheme; everything else by the table a connection or statement
 * carries (db_engine.h). */
#include "store/db.h"

#include <stddef.h>
#include <stdio.h>

#include "common/err.h"
#include "config.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/db_engine.h"

static const db_ops_t *const engines[] = {&db_sqlite_ops, &db_pg_ops};
static const db_ops_t *pool_ops = &db_sqlite_ops;  /* set by db_setup */

/* The engine whose URL scheme matches url, or NULL. */
static const db_ops_t *engine_of(const char *url)
{
    for (size_t i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
        if (engines[i]->accepts(url))
            return engines[i];
    return NULL;
}

int db_setup(const char *url)
{
    const db_ops_t *ops = engine_of(url);

    if (ops == NULL)
        return FH_EINVAL;
    pool_ops = ops;
    return ops->setup(url);
}

int db_open(const char *url, db_t **out)
{
    const db_ops_t *ops = engine_of(url);

    return ops ? ops->open(url, out) : FH_EINVAL;
}

void db_close(db_t *db)
{
    if (db)
        DB_OPS_OF(db)->close(db);
}

int db_acquire(db_t **out) { return pool_ops->acquire(out); }

void db_release(db_t *db)
{
    if (db)
        DB_OPS_OF(db)->release(db);
}

void db_teardown(void) { pool_ops->teardown(); }

void db_pool_stats(int *open, int *in_use)
{
    pool_ops->pool_stats(open, in_use);
}

enum db_engine db_engine(const db_t *db) { return DB_OPS_OF(db)->engine; }

const char *db_pick(const db_t *db, const char *sqlite_sql, const char *pg_sql)
{
    return DB_OPS_OF(db)->engine == DB_POSTGRES ? pg_sql : sqlite_sql;
}

int db_prepare(db_t *db, const char *sql, db_stmt_t **out)
{
    return DB_OPS_OF(db)->prepare(db, sql, out);
}

void db_stmt_name(db_stmt_t *st, const char *name)
{
    DB_OPS_OF(st)->stmt_name(st, name);
}

int db_bind_int64(db_stmt_t *st, int idx, int64_t v)
{
    return DB_OPS_OF(st)->bind_int64(st, idx, v);
}

int db_bind_double(db_stmt_t *st, int idx, double v)
{
    return DB_OPS_OF(st)->bind_double(st, idx, v);
}

int db_bind_text(db_stmt_t *st, int idx, const char *s)
{
    return DB_OPS_OF(st)->bind_text(st, idx, s);
}

int db_bind_null(db_stmt_t *st, int idx)
{
    return DB_OPS_OF(st)->bind_null(st, idx);
}

int db_step(db_stmt_t *st) { return DB_OPS_OF(st)->step(st); }
void db_reset(db_stmt_t *st) { DB_OPS_OF(st)->reset(st); }
int db_run(db_stmt_t *st) { return DB_OPS_OF(st)->run(st); }
int db_column_count(db_stmt_t *st) { return DB_OPS_OF(st)->column_count(st); }

enum db_type db_col_type(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->col_type(st, col);
}

const char *db_column_name(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->column_name(st, col);
}

bool db_col_is_null(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->col_is_null(st, col);
}

int64_t db_col_int64(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->col_int64(st, col);
}

double db_col_double(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->col_double(st, col);
}

const char *db_col_text(db_stmt_t *st, int col)
{
    return DB_OPS_OF(st)->col_text(st, col);
}

int db_exec(db_t *db, const char *sql) { return DB_OPS_OF(db)->exec(db, sql); }
int db_begin(db_t *db) { return DB_OPS_OF(db)->begin(db); }
int db_begin_read(db_t *db) { return DB_OPS_OF(db)->begin_read(db); }
int db_commit(db_t *db) { return DB_OPS_OF(db)->commit(db); }
void db_rollback(db_t *db) { DB_OPS_OF(db)->rollback(db); }
int db_ping(db_t *db) { return DB_OPS_OF(db)->ping(db); }

int db_query_plan(db_t *db, const char *sql, json_t *lines)
{
    return DB_OPS_OF(db)->query_plan(db, sql, lines);
}

int db_index_stats(db_t *db, json_t **out)
{
    return DB_OPS_OF(db)->index_stats(db, out);
}

int64_t db_changes(db_t *db) { return DB_OPS_OF(db)->changes(db); }
const char *db_errmsg(db_t *db) { return DB_OPS_OF(db)->errmsg(db); }

void db_note_query(const char *name, const char *sql, double dur_ms,
                   int64_t rows)
{
    char tmpl[161];

    metrics_db_query(dur_ms);
    if (dur_ms < fh_config.slow_query_ms)  /* 0 logs every statement */
        return;
    snprintf(tmpl, sizeof(tmpl), "%s", sql);
    for (char *p = tmpl; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    metrics_slow_query();
    log_warn("slow query", "s:stmt", name ? name : "", "s:sql", tmpl,
             "f:dur_ms", dur_ms, "i:rows", rows);
}
