#include "store/stmt_cache.h"

#include <stdint.h>

#include "common/err.h"
#include "obs/log.h"

#define SLOT_MASK (STMT_CACHE_SLOTS - 1)

/* Mixes the address so that neighbouring strings spread over the table. */
static size_t slot_of(const char *sql)
{
    uintptr_t h = (uintptr_t)sql;

    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 40) & SLOT_MASK;
}

void *stmt_cache_find(const stmt_cache_t *c, const char *sql)
{
    for (size_t i = slot_of(sql);; i = (i + 1) & SLOT_MASK) {
        const stmt_cache_entry_t *e = &c->slots[i];
        if (e->sql == sql)
            return e->stmt;
        if (e->sql == NULL)
            return NULL;
    }
}

int stmt_cache_room(const stmt_cache_t *c)
{
    if (c->n < STMT_CACHE_SLOTS * 3 / 4)
        return 0;
    log_error("statement cache full", "i:slots", (int64_t)STMT_CACHE_SLOTS);
    return FH_EDB;
}

bool stmt_cache_crowded(const stmt_cache_t *c)
{
    return c->n >= STMT_CACHE_SLOTS / 2;
}

void stmt_cache_add(stmt_cache_t *c, const char *sql, void *stmt)
{
    size_t i = slot_of(sql);

    while (c->slots[i].sql != NULL)
        i = (i + 1) & SLOT_MASK;
    c->slots[i].sql = sql;
    c->slots[i].stmt = stmt;
    c->n++;
}

void stmt_cache_clear(stmt_cache_t *c, void (*drop)(void *stmt))
{
    for (size_t i = 0; i < STMT_CACHE_SLOTS && c->n > 0; i++) {
        if (c->slots[i].sql != NULL) {
            drop(c->slots[i].stmt);
            c->slots[i].sql = NULL;
            c->slots[i].stmt = NULL;
            c->n--;
        }
    }
}
