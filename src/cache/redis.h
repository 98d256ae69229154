/* The shared tier on Redis: tag versions that every instance reads on each
 * hit, invalidations every instance sees, and entries one instance fills
 * for the others. While Redis cannot be reached the tier says so and the
 * caller bypasses the cache; it reconnects by itself. */
#ifndef FH_CACHE_REDIS_H
#define FH_CACHE_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"

#define CACHE_REDIS_ERR_LEN 160

/* REDIS_URL taken apart: redis://[[user]:password@]host[:port][/db] or
 * unix:/path/to/socket[?db=N]. */
typedef struct cache_redis_url {
    char host[256];         /* empty for a socket */
    int port;               /* 6379 when not given */
    char socket[256];       /* unix socket path, or empty */
    char user[64];
    char password[256];
    int db;
} cache_redis_url_t;

typedef struct cache_redis cache_redis_t;

typedef struct cache_redis_stats {
    bool up;                /* the last command got through */
    uint64_t outages;       /* times it became unreachable */
    uint64_t errors;        /* commands that failed */
    uint64_t entries_put;   /* entries shared with other instances */
    uint64_t entries_got;   /* misses answered by another's entry */
} cache_redis_stats_t;

/* Parses url; on failure writes one line naming REDIS_URL into err and
 * returns FH_EINVAL. */
int cache_redis_url_parse(const char *url, cache_redis_url_t *out,
                          char err[CACHE_REDIS_ERR_LEN]);

/* Creates the tier for url and tries to connect once; an unreachable
 * Redis is not an error (it is logged, and retried later). timeout_ms
 * bounds every connect and command. */
int cache_redis_new(const char *url, int timeout_ms, cache_redis_t **out);

bool cache_redis_is_up(cache_redis_t *r);

/* The current version of each tag into vers[0..n); a tag with none yet
 * gets one. Returns 0, or FH_EUNAVAILABLE while Redis cannot be reached. */
int cache_redis_versions(cache_redis_t *r, const cache_tag_t *tags, size_t n,
                         uint64_t *vers);

/* Gives each tag a new version, in one round trip. FH_EUNAVAILABLE when
 * it did not get through: the tier is then down, and when it comes back it
 * moves the tag every entry carries, so nothing filled before is served. */
int cache_redis_invalidate(cache_redis_t *r, const cache_tag_t *tags,
                           size_t n);

/* Shares a filled entry with other instances for ttl_ms. Best effort. */
void cache_redis_entry_put(cache_redis_t *r, const cache_probe_t *p,
                           const cache_item_t *item, int64_t ttl_ms);

/* Fetches the entry another instance shared for p, if its key and tag
 * versions equal p's. Returns 0 with *item pointing into *blob (free it)
 * and *ttl_ms the time it has left, or FH_ENOTFOUND. */
int cache_redis_entry_get(cache_redis_t *r, const cache_probe_t *p,
                          cache_item_t *item, int64_t *ttl_ms, void **blob);

void cache_redis_stats(cache_redis_t *r, cache_redis_stats_t *out);

/* Closes every connection (the calling thread's and, as threads end,
 * theirs) and frees r. Call after the worker threads stopped. */
void cache_redis_free(cache_redis_t *r);

#endif
