/* What each database engine gives db.c: one table of functions. Private to
 * src/store/db*.c; everyone else calls the db_* functions of db.h. */
#ifndef FH_STORE_DB_ENGINE_H
#define FH_STORE_DB_ENGINE_H

#include "store/db.h"

typedef struct db_ops {
    enum db_engine engine;
    const char *name;  /* for logs: "sqlite", "postgres" */

    /* Whether url names a database of this engine. */
    bool (*accepts)(const char *url);
    int (*setup)(const char *url);
    int (*open)(const char *url, db_t **out);
    void (*close)(db_t *db);
    int (*acquire)(db_t **out);
    void (*release)(db_t *db);
    void (*teardown)(void);
    void (*pool_stats)(int *open, int *in_use);

    int (*prepare)(db_t *db, const char *sql, db_stmt_t **out);
    void (*stmt_name)(db_stmt_t *st, const char *name);
    int (*bind_int64)(db_stmt_t *st, int idx, int64_t v);
    int (*bind_double)(db_stmt_t *st, int idx, double v);
    int (*bind_text)(db_stmt_t *st, int idx, const char *s);
    int (*bind_null)(db_stmt_t *st, int idx);
    int (*step)(db_stmt_t *st);
    void (*reset)(db_stmt_t *st);
    int (*run)(db_stmt_t *st);
    int (*column_count)(db_stmt_t *st);
    enum db_type (*col_type)(db_stmt_t *st, int col);
    const char *(*column_name)(db_stmt_t *st, int col);
    bool (*col_is_null)(db_stmt_t *st, int col);
    int64_t (*col_int64)(db_stmt_t *st, int col);
    double (*col_double)(db_stmt_t *st, int col);
    const char *(*col_text)(db_stmt_t *st, int col);

    int (*exec)(db_t *db, const char *sql);
    int (*begin)(db_t *db);
    int (*begin_read)(db_t *db);
    int (*commit)(db_t *db);
    void (*rollback)(db_t *db);
    int (*ping)(db_t *db);
    int (*query_plan)(db_t *db, const char *sql, json_t *lines);
    int (*index_stats)(db_t *db, json_t **out);
    int64_t (*changes)(db_t *db);
    const char *(*errmsg)(db_t *db);
} db_ops_t;

/* Each engine's struct db and struct db_stmt begin with this pointer, so
 * that db.c can find the table of any connection or statement. */
#define DB_OPS_OF(p) (*(const db_ops_t *const *)(const void *)(p))

/* Counts a statement that ran dur_ms in the query histogram, and logs it
 * with its SQL template (never its values) when it ran longer than
 * SLOW_QUERY_MS. name may be NULL. */
void db_note_query(const char *name, const char *sql, double dur_ms,
                   int64_t rows);

extern const db_ops_t db_sqlite_ops;
extern const db_ops_t db_pg_ops;

#endif
