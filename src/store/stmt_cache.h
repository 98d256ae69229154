/* A connection's prepared statements, found by the address of their SQL.
 * Every statement text in this program is a static string, so its address
 * names it: a lookup hashes a pointer and compares pointers, never text.
 * Open addressing with linear probing; the table is never more than three
 * quarters full, so a probe always ends at an empty slot. Used by both
 * database engines; one cache belongs to one connection and is used by one
 * thread at a time. */
#ifndef FH_STORE_STMT_CACHE_H
#define FH_STORE_STMT_CACHE_H

#include <stdbool.h>
#include <stddef.h>

#define STMT_CACHE_SLOTS 4096  /* a power of two */

typedef struct stmt_cache_entry {
    const char *sql;  /* NULL: empty */
    void *stmt;       /* the engine's statement */
} stmt_cache_entry_t;

typedef struct stmt_cache {
    stmt_cache_entry_t slots[STMT_CACHE_SLOTS];
    int n;
} stmt_cache_t;

/* The statement prepared for sql, or NULL. */
void *stmt_cache_find(const stmt_cache_t *c, const char *sql);

/* 0 when one more statement fits; FH_EDB, logged, when the cache is three
 * quarters full. Asked before preparing, so that nothing is prepared in
 * vain. */
int stmt_cache_room(const stmt_cache_t *c);

/* Keeps stmt as sql's statement: sql is not in the cache yet, and
 * stmt_cache_room() said there is room. */
void stmt_cache_add(stmt_cache_t *c, const char *sql, void *stmt);

/* Past half full: time to start over, between requests, before a request
 * with many new statement shapes meets a full cache in its middle. */
bool stmt_cache_crowded(const stmt_cache_t *c);

/* Empties the cache, handing each statement to drop. Only while none of
 * them is in use. */
void stmt_cache_clear(stmt_cache_t *c, void (*drop)(void *stmt));

#endif
