/* The indexes and triggers a bulk load sets aside. A table without them
 * takes each row as an append; an index built afterwards from the whole
 * table is one sort instead of a search and an insert per row; a trigger
 * that keeps something derived (the full-text index, counters) is
 * replaced by one rebuild. Each is put back from the very SQL text that
 * sqlite_master recorded, so the schema ends as the migrations made it,
 * whatever they define; a unique index checks the rows as it is built.
 * Each table's indexes and triggers come back in their first order (the
 * planner and the firing order follow it), after the indexes of its
 * constraints as before; only their place among other tables' moves.
 * The indexes SQLite makes for UNIQUE and PRIMARY KEY constraints have
 * no SQL and cannot be dropped: they stay, and the rows reach them in
 * their own order or are few. */
#include "tools/seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

typedef struct seed_schema_item {
    char *name;
    char *table;
    char *sql;            /* as sqlite_master recorded it */
    bool is_trigger;
    bool restored;
} seed_schema_item_t;

struct seed_schema {
    seed_schema_item_t *items;
    int n;
};

/* Every index and trigger with SQL of the connection's main database, in
 * the order they were created. */
static const char *sql_schema_list =
    "SELECT type = 'trigger', name, tbl_name, sql FROM main.sqlite_master"
    " WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid";

static int schema_fail(sqlite3 *conn, const char *what)
{
    fprintf(stderr, "seed: %s: %s\n", what, sqlite3_errmsg(conn));
    return FH_EDB;
}

static char *dup_column(sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);

    return s ? strdup(s) : NULL;
}

/* Reads the list into s. */
static int schema_read(sqlite3 *conn, seed_schema_t *s)
{
    sqlite3_stmt *st;
    int cap = 0, rc;

    if (sqlite3_prepare_v2(conn, sql_schema_list, -1, &st, NULL) != SQLITE_OK)
        return schema_fail(conn, "cannot read the schema");
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (s->n == cap) {
            int ncap = cap ? cap * 2 : 32;
            void *p = realloc(s->items, (size_t)ncap * sizeof(*s->items));
            if (p == NULL) {
                rc = SQLITE_NOMEM;
                break;
            }
            s->items = p;
            cap = ncap;
        }
        seed_schema_item_t *it = &s->items[s->n];
        memset(it, 0, sizeof(*it));
        it->is_trigger = sqlite3_column_int(st, 0) != 0;
        it->name = dup_column(st, 1);
        it->table = dup_column(st, 2);
        it->sql = dup_column(st, 3);
        s->n++;
        if (!it->name || !it->table || !it->sql) {
            rc = SQLITE_NOMEM;
            break;
        }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_NOMEM) {
        fprintf(stderr, "seed: out of memory\n");
        return FH_ENOMEM;
    }
    return rc == SQLITE_DONE ? 0 : schema_fail(conn, "cannot read the schema");
}

/* Drops one item. The statement names an object sqlite_master holds,
 * quoted as an identifier; it is not built from anything outside the
 * database. */
static int schema_drop(sqlite3 *conn, const seed_schema_item_t *it)
{
    char *sql = sqlite3_mprintf(it->is_trigger ? "DROP TRIGGER main.\"%w\""
                                               : "DROP INDEX main.\"%w\"",
                                it->name);
    int rc;

    if (sql == NULL)
        return FH_ENOMEM;
    rc = sqlite3_exec(conn, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc == SQLITE_OK ? 0 : schema_fail(conn, "cannot set aside");
}

int seed_schema_set_aside(sqlite3 *conn, seed_schema_t **out)
{
    seed_schema_t *s = calloc(1, sizeof(*s));
    int rc;

    *out = s;
    if (s == NULL)
        return FH_ENOMEM;
    rc = schema_read(conn, s);
    /* Triggers first: one may name an index in its body. */
    for (int i = 0; i < s->n && rc == 0; i++)
        if (s->items[i].is_trigger)
            rc = schema_drop(conn, &s->items[i]);
    for (int i = 0; i < s->n && rc == 0; i++)
        if (!s->items[i].is_trigger)
            rc = schema_drop(conn, &s->items[i]);
    return rc;
}

static bool schema_wanted(const seed_schema_item_t *it, bool triggers,
                          const char *table)
{
    return !it->restored && it->is_trigger == triggers &&
           (table == NULL || strcmp(it->table, table) == 0);
}

/* SQLite sizes the runs its sorter sorts in memory (before it merges
 * them from temporary files) by the connection's page cache. A load's
 * cache of hundreds of MiB makes one run of a whole table's keys: a merge
 * sort of a linked list spread over all that memory, a cache miss at
 * every step. Runs of about 2 MiB sort within the processor's caches and
 * then merge in a stream; an index over 5 million rows built that way
 * took 4.4 s instead of 11.8. The cache is that small only while indexes
 * are built, and put back after them. Temporary files must be allowed
 * (temp_store not MEMORY): with them kept in memory, the sorter makes a
 * single run whatever the cache. */
#define SEED_SORT_RUN_KIB 2048

static const char *sql_cache_get = "PRAGMA main.cache_size";

static int cache_size_set(sqlite3 *conn, int64_t size)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "PRAGMA main.cache_size=%lld", (long long)size);
    if (sqlite3_exec(conn, sql, NULL, NULL, NULL) != SQLITE_OK)
        return schema_fail(conn, "cannot size the cache");
    return 0;
}

/* Sets the cache for short sorter runs; *saved gets the one to put back. */
static int sort_runs_short(sqlite3 *conn, int64_t *saved)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(conn, sql_cache_get, -1, &st, NULL) != SQLITE_OK)
        return schema_fail(conn, "cannot read the cache size");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *saved = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return schema_fail(conn, "cannot read the cache size");
    return cache_size_set(conn, -SEED_SORT_RUN_KIB);
}

int seed_schema_restore(sqlite3 *conn, seed_schema_t *s, bool triggers,
                        const char *table, void (*done)(double share))
{
    int64_t cache = 0;
    int total = 0, n = 0;
    int rc = triggers ? 0 : sort_runs_short(conn, &cache);
    bool shrunk = !triggers && rc == 0;

    for (int i = 0; s != NULL && i < s->n; i++)
        total += schema_wanted(&s->items[i], triggers, table);
    for (int i = 0; rc == 0 && s != NULL && i < s->n; i++) {
        seed_schema_item_t *it = &s->items[i];
        if (!schema_wanted(it, triggers, table))
            continue;
        if (sqlite3_exec(conn, it->sql, NULL, NULL, NULL) != SQLITE_OK) {
            fprintf(stderr, "seed: cannot rebuild %s: %s\n", it->name,
                    sqlite3_errmsg(conn));
            rc = FH_EDB;
            break;
        }
        it->restored = true;
        if (done != NULL)
            done((double)++n / (double)total);
    }
    if (shrunk && cache_size_set(conn, cache) < 0 && rc == 0)
        rc = FH_EDB;
    return rc;
}

void seed_schema_free(seed_schema_t *s)
{
    if (s == NULL)
        return;
    for (int i = 0; i < s->n; i++) {
        free(s->items[i].name);
        free(s->items[i].table);
        free(s->items[i].sql);
    }
    free(s->items);
    free(s);
}
