/* The process's response cache: the in-process store and, when REDIS_URL
 * is set, the Redis tier that makes instances share entries and
 * invalidations. Started once with the server; read by the HTTP layer, the
 * write handlers (tags.h) and the admin endpoint. */
#ifndef FH_CACHE_TIER_H
#define FH_CACHE_TIER_H

#include <stdbool.h>
#include <stdint.h>

#include "cache/cache.h"
#include "cache/redis.h"
#include "config.h"

typedef struct cache_tier_stats {
    bool enabled;
    bool redis_configured;
    cache_stats_t local;
    cache_redis_stats_t redis;
    uint64_t bypassed;        /* lookups that skipped the cache: Redis down */
    uint64_t invalidations;   /* tags moved by writes */
    uint64_t shared_hits;     /* misses answered by another instance's fill */
    int ttl_s[CACHE_NCATS];   /* 0: the category is not cached */
} cache_tier_stats_t;

/* Starts the cache from cfg (nothing when CACHE_ENABLED is false) and adds
 * its part to /metrics. Returns 0, or a negative fh_err with the reason
 * logged. */
int cache_tier_start(const config_t *cfg);

bool cache_tier_enabled(void);

/* The TTL of category in seconds; 0 means it is not cached. */
int cache_tier_ttl_s(int category);

/* The current versions of tags (local, or from Redis). FH_EUNAVAILABLE
 * while Redis is configured but down: the caller then bypasses the cache,
 * since another instance's writes cannot be seen. */
int cache_tier_versions(const cache_tag_t *tags, size_t n, uint64_t *vers);

/* cache_lookup, then on a miss the entry another instance shared, if its
 * versions match. p must have its key, hash, category, tags and vers set. */
cache_entry_t *cache_tier_lookup(cache_probe_t *p);

/* Stores item locally and shares it through Redis; the entry comes back
 * with a reference for the caller, or NULL when it was not kept. */
cache_entry_t *cache_tier_fill(cache_probe_t *p, const cache_item_t *item);

/* Ends p's single flight, if it has one. */
void cache_tier_done(cache_probe_t *p);

void cache_tier_stats(cache_tier_stats_t *out);

/* Stops the cache; call after the worker threads stopped. */
void cache_tier_stop(void);

#endif
