/* The in-process response cache: entries kept in sharded hash tables with a
 * least-recently-used order per shard, a byte budget, expiry, tag versions
 * that make invalidation O(1), and single flight for concurrent misses. */
#ifndef FH_CACHE_CACHE_H
#define FH_CACHE_CACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_MAX_TAGS 4         /* tags on one entry, CACHE_TAG_ALL included */
#define CACHE_ETAG_LEN 24        /* "\"0123456789abcdef-gz\"" and the NUL */

/* What kind of answer an entry holds, for TTLs and statistics. */
enum cache_category {
    CACHE_CAT_PROFILE,
    CACHE_CAT_JOBS,
    CACHE_CAT_ANALYTICS,
    CACHE_CAT_MARKETPLACE,
    CACHE_CAT_DEFAULT,
    CACHE_NCATS
};

/* "profile", "jobs", "analytics", "marketplace", "default". */
extern const char *const cache_category_names[CACHE_NCATS];

/* A tag names something a write may change: a kind (tags.h) and an id (0
 * for tags that cover a whole class). Kind 0 is reserved for the tag every
 * entry carries first, whose move drops everything. */
#define CACHE_TAG_ALL 0

typedef struct cache_tag {
    int kind;
    int64_t id;
} cache_tag_t;

typedef struct cache cache_t;
typedef struct cache_flight cache_flight_t;

/* One cached answer. Immutable once inserted; readers hold a reference
 * (cache_entry_release) for as long as they use its bytes. */
typedef struct cache_entry {
    struct cache_entry *hnext;           /* bucket chain */
    struct cache_entry *lprev, *lnext;   /* LRU order; head = most recent */
    atomic_int refs;                     /* the cache's own plus readers' */
    bool linked;                         /* in the table (under the lock) */
    uint64_t hash;                       /* of the key */
    int category;
    int64_t expires_ms;                  /* monotonic clock */
    size_t ntags;
    cache_tag_t tags[CACHE_MAX_TAGS];
    uint64_t vers[CACHE_MAX_TAGS];       /* tag versions at fill time */
    size_t size;                         /* bytes charged to the budget */
    const char *key;
    size_t key_len;
    const char *body;                    /* the identity body */
    size_t body_len;
    const char *gz;                      /* its gzip form, or NULL */
    size_t gz_len;
    const char *meta;                    /* opaque to the cache (headers) */
    size_t meta_len;
    uint64_t etag;                       /* xxh3 of body */
    char data[];                         /* key, body, gz, meta */
} cache_entry_t;

/* One request's part in a lookup and the fill that may follow. The caller
 * fills key, category, tags and vers (the tags' versions read BEFORE the
 * answer is computed, so that a write landing meanwhile makes the entry
 * stale). */
typedef struct cache_probe {
    const char *key;
    size_t key_len;
    uint64_t hash;                       /* set by cache_probe_hash */
    int category;
    size_t ntags;
    cache_tag_t tags[CACHE_MAX_TAGS];
    uint64_t vers[CACHE_MAX_TAGS];
    cache_flight_t *flight;              /* set when this probe must fill */
} cache_probe_t;

/* What a fill stores. gz may be NULL; meta is kept as given. */
typedef struct cache_item {
    const char *body;
    size_t body_len;
    const char *gz;
    size_t gz_len;
    const char *meta;
    size_t meta_len;
    uint64_t etag;
} cache_item_t;

typedef struct cache_opts {
    size_t max_bytes;         /* the budget for every entry together */
    unsigned shards;          /* a power of two; 0 = 64 */
    int flight_wait_ms;       /* longest wait for another's fill; 0 = 3000 */
    int reap_interval_ms;     /* expiry sweep period; 0 = 1000, < 0 = none */
    bool reap_stale;          /* the sweep also drops entries whose local
                                 tag versions moved */
} cache_opts_t;

typedef struct cache_cat_stats {
    uint64_t hits;
    uint64_t misses;
} cache_cat_stats_t;

typedef struct cache_stats {
    cache_cat_stats_t cat[CACHE_NCATS];
    uint64_t hits, misses;
    uint64_t fills;           /* entries stored */
    uint64_t evictions;       /* dropped for room, least recently used first */
    uint64_t expired;         /* dropped when their TTL ran out */
    uint64_t stale;           /* dropped because a tag they carry moved */
    uint64_t flight_waits;    /* misses that waited for another's fill */
    uint64_t too_large;       /* answers bigger than an eighth of the budget */
    uint64_t entries;
    uint64_t bytes;
    uint64_t max_bytes;
} cache_stats_t;

/* Creates a cache; starts its expiry sweeper unless o->reap_interval_ms < 0.
 * Returns 0, or FH_ENOMEM / FH_EINVAL. */
int cache_new(const cache_opts_t *o, cache_t **out);

/* Sets p->hash from p->key. */
void cache_probe_hash(cache_probe_t *p);

/* The local version of each tag into vers[0..n). */
void cache_versions_local(cache_t *c, const cache_tag_t *tags, size_t n,
                          uint64_t *vers);

/* Moves the local version of each tag: every entry carrying one is stale
 * from now on. Lock-free. */
void cache_bump_local(cache_t *c, const cache_tag_t *tags, size_t n);

/* Finds a live entry for p whose tag versions equal p->vers and returns it
 * with a reference taken, or NULL. A stale or expired entry met on the way
 * is reclaimed. On a miss, when another request is filling the same key,
 * waits (at most flight_wait_ms) for that fill once; when none is, p->flight
 * is set and the caller must end it with cache_done after filling or not. */
cache_entry_t *cache_lookup(cache_t *c, cache_probe_t *p);

/* Stores item under p with the given TTL, replacing an older entry of the
 * key, and evicts least-recently-used entries until the budget holds.
 * Returns the new entry with a reference for the caller, or NULL when the
 * item is too large or memory ran out. */
cache_entry_t *cache_fill(cache_t *c, const cache_probe_t *p,
                          const cache_item_t *item, int64_t ttl_ms);

/* Ends p's flight, if any: requests waiting on it look again. */
void cache_done(cache_t *c, cache_probe_t *p);

/* Records that a miss was served from a shared tier after all: it counts
 * as a hit of its category. */
void cache_note_shared_hit(cache_t *c, const cache_probe_t *p);

/* Drops every expired entry (and stale ones when reap_stale) now; the
 * sweeper calls this. Returns how many were dropped. */
size_t cache_reap(cache_t *c);

void cache_stats(cache_t *c, cache_stats_t *out);

/* Drops a reference taken by cache_lookup or cache_fill. */
void cache_entry_release(cache_entry_t *e);

/* Stops the sweeper and frees every entry; entries still referenced live
 * until their last release. */
void cache_free(cache_t *c);

#endif
