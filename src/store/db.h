/* A thin interface over the database engines: connections, prepared
 * statements cached per connection, transactions. SQL uses '?' placeholders
 * numbered from 1 by position. Every function returns 0 or a negative
 * fh_err unless it says otherwise. */
#ifndef FH_STORE_DB_H
#define FH_STORE_DB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db db_t;
typedef struct db_stmt db_stmt_t;

enum db_engine { DB_SQLITE, DB_POSTGRES };

/* Every SQLite connection, the server's and the seed's, reads the database
 * through a memory map of up to this many bytes (SQLite's largest by
 * default, SQLITE_MAX_MMAP_SIZE): a page is then a pointer into the
 * operating system's page cache instead of a read() copied into the
 * connection's own cache. A search that visits tens of thousands of jobs
 * of a 3 GB database took half the time with the map over the whole file
 * as with 256 MB of it, and an index build reads a whole table. The map is
 * address space, not memory: the pages are the page cache's, shared by
 * every connection and process. */
#define DB_SQLITE_MMAP_BYTES "2147418112"

/* Remembers the URL that db_acquire() opens connections to. Call once
 * before serving. */
int db_setup(const char *url);

/* Opens a connection of its own, for tools and for the setup of a server.
 * The caller closes it with db_close(). */
int db_open(const char *url, db_t **out);
void db_close(db_t *db);

/* Hands out the connection of the calling thread, opening it on first use.
 * Release it with db_release() when the request is done and none of its
 * statements is in use: the release may finalize cached statements. */
int db_acquire(db_t **out);
void db_release(db_t *db);

/* Closes every connection db_acquire() opened. Call once the threads that
 * used them have stopped. */
void db_teardown(void);

enum db_engine db_engine(const db_t *db);

/* The SQL text for db's engine: sqlite_sql or pg_sql, both static strings
 * (see db_prepare), for statements whose dialects differ. */
const char *db_pick(const db_t *db, const char *sqlite_sql, const char *pg_sql);

/* Prepares sql, or takes it from this connection's cache. sql must be a
 * string with static storage: its address is the cache key. The statement
 * is reset and its bindings cleared; it stays owned by the connection. */
int db_prepare(db_t *db, const char *sql, db_stmt_t **out);

/* A name for sql in slow-query logs; optional. */
void db_stmt_name(db_stmt_t *st, const char *name);

int db_bind_int64(db_stmt_t *st, int idx, int64_t v);
int db_bind_double(db_stmt_t *st, int idx, double v);
int db_bind_text(db_stmt_t *st, int idx, const char *s); /* NULL binds NULL */
int db_bind_null(db_stmt_t *st, int idx);

/* Runs one step: 1 when a row is ready, 0 when done, or a negative fh_err
 * (FH_ECONFLICT on a unique or check violation, FH_EUNAVAILABLE when the
 * database is busy or gone). */
int db_step(db_stmt_t *st);

/* Ends use of the statement so that it holds no read lock. */
void db_reset(db_stmt_t *st);

/* Runs a statement that returns no rows (or ignores them) to completion
 * and resets it. */
int db_run(db_stmt_t *st);

enum db_type { DB_NULL, DB_INT, DB_FLOAT, DB_TEXT };

int db_column_count(db_stmt_t *st);
enum db_type db_col_type(db_stmt_t *st, int col);
const char *db_column_name(db_stmt_t *st, int col);
bool db_col_is_null(db_stmt_t *st, int col);
int64_t db_col_int64(db_stmt_t *st, int col);
double db_col_double(db_stmt_t *st, int col);
/* Valid until the next step or reset of st. */
const char *db_col_text(db_stmt_t *st, int col);

/* Runs one or more statements with no parameters. */
int db_exec(db_t *db, const char *sql);

/* Starts a write transaction that holds the write lock from its start,
 * so that what it reads stays true until it commits. */
int db_begin(db_t *db);
/* Starts a read-only snapshot. */
int db_begin_read(db_t *db);
int db_commit(db_t *db);
/* Never fails; safe to call when no transaction is open. */
void db_rollback(db_t *db);

/* Checks that the database answers: 0, or FH_EUNAVAILABLE. For SQLite the
 * file must also still be where DATABASE_URL says. */
int db_ping(db_t *db);

/* The engine's plan for sql, one line of text per step, appended to the
 * JSON array lines. Parameters are left unbound. */
int db_query_plan(db_t *db, const char *sql, json_t *lines);

/* How many connections db_acquire() has open, and of those how many are
 * held by a request right now. */
void db_pool_stats(int *open, int *in_use);

/* What the engine says of its indexes, as a JSON array of objects
 * {table_name, index_name, stat}: for SQLite the planner statistics of
 * ANALYZE (no usage counts are kept), for PostgreSQL the usage counts of
 * pg_stat_user_indexes. */
int db_index_stats(db_t *db, json_t **out);

/* Rows changed by the last statement that ran on db. */
int64_t db_changes(db_t *db);

/* The engine's last error text, for logs only, never for clients. */
const char *db_errmsg(db_t *db);

#endif
