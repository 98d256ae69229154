#include "cache/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "common/err.h"
#include "common/util.h"

const char *const cache_category_names[CACHE_NCATS] = {
    "profile", "jobs", "analytics", "marketplace", "default"};

#define VERS_SLOTS (1u << 14)     /* local tag versions; collisions only
                                     invalidate more than needed */
#define BUCKETS_MIN 64            /* per shard, at start */

struct cache_flight {
    cache_flight_t *next;
    uint64_t hash;
    char *key;
    size_t key_len;
    int waiters;                  /* requests blocked on cond */
    bool done;                    /* the filler finished (and unlinked it) */
    pthread_cond_t cond;
};

typedef struct shard {
    pthread_mutex_t lock;
    cache_entry_t **buckets;
    size_t nbuckets;              /* a power of two */
    size_t count;
    cache_entry_t *head, *tail;   /* LRU: head most recent */
    cache_flight_t *flights;
    /* Statistics, changed under lock. */
    cache_cat_stats_t cat[CACHE_NCATS];
    uint64_t fills, evictions, expired, stale, flight_waits, too_large;
} shard_t;

struct cache {
    shard_t *shards;
    unsigned nshards;
    unsigned shard_shift;         /* 64 - log2(nshards) */
    size_t max_bytes;
    atomic_size_t bytes;
    atomic_size_t entries;
    _Atomic uint64_t *vers;       /* VERS_SLOTS local tag versions */
    int flight_wait_ms;
    bool reap_stale;

    int reap_interval_ms;
    bool reaper_on;
    bool stopping;                /* under reap_lock */
    pthread_t reaper;
    pthread_mutex_t reap_lock;
    pthread_cond_t reap_cond;
};

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cond_init_monotonic(pthread_cond_t *cond)
{
    pthread_condattr_t attr;
    int rc;

    if (pthread_condattr_init(&attr) != 0)
        return FH_ENOMEM;
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    rc = pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
    return rc == 0 ? 0 : FH_ENOMEM;
}

/* splitmix64's finaliser: spreads a tag over the version slots. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static size_t vers_slot(const cache_tag_t *t)
{
    uint64_t h = mix64((uint64_t)t->id * 0x9e3779b97f4a7c15ULL +
                       (uint64_t)(unsigned)t->kind);

    return (size_t)(h & (VERS_SLOTS - 1));
}

void cache_versions_local(cache_t *c, const cache_tag_t *tags, size_t n,
                          uint64_t *vers)
{
    for (size_t i = 0; i < n; i++)
        vers[i] = atomic_load_explicit(&c->vers[vers_slot(&tags[i])],
                                       memory_order_acquire);
}

void cache_bump_local(cache_t *c, const cache_tag_t *tags, size_t n)
{
    for (size_t i = 0; i < n; i++)
        atomic_fetch_add_explicit(&c->vers[vers_slot(&tags[i])], 1,
                                  memory_order_acq_rel);
}

void cache_probe_hash(cache_probe_t *p)
{
    p->hash = XXH3_64bits(p->key, p->key_len);
}

static shard_t *shard_of(cache_t *c, uint64_t hash)
{
    return &c->shards[c->nshards > 1 ? hash >> c->shard_shift : 0];
}

void cache_entry_release(cache_entry_t *e)
{
    if (e && atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1)
        free(e);
}

/* Releases a chain of unlinked entries (linked through hnext). */
static void release_chain(cache_entry_t *e)
{
    while (e) {
        cache_entry_t *next = e->hnext;
        cache_entry_release(e);
        e = next;
    }
}

static bool key_equal(const cache_entry_t *e, const cache_probe_t *p)
{
    return e->hash == p->hash && e->key_len == p->key_len &&
           memcmp(e->key, p->key, p->key_len) == 0;
}

static cache_entry_t *table_find(shard_t *s, const cache_probe_t *p)
{
    cache_entry_t *e = s->buckets[p->hash & (s->nbuckets - 1)];

    while (e && !key_equal(e, p))
        e = e->hnext;
    return e;
}

static void lru_unlink(shard_t *s, cache_entry_t *e)
{
    if (e->lprev)
        e->lprev->lnext = e->lnext;
    else
        s->head = e->lnext;
    if (e->lnext)
        e->lnext->lprev = e->lprev;
    else
        s->tail = e->lprev;
    e->lprev = e->lnext = NULL;
}

static void lru_push_head(shard_t *s, cache_entry_t *e)
{
    e->lprev = NULL;
    e->lnext = s->head;
    if (s->head)
        s->head->lprev = e;
    s->head = e;
    if (s->tail == NULL)
        s->tail = e;
}

/* Takes e out of the table and the LRU; the cache's reference moves to
 * *dead (a chain through hnext) for release once the lock is dropped. */
static void entry_unlink(cache_t *c, shard_t *s, cache_entry_t *e,
                         cache_entry_t **dead)
{
    cache_entry_t **pp = &s->buckets[e->hash & (s->nbuckets - 1)];

    while (*pp != e)
        pp = &(*pp)->hnext;
    *pp = e->hnext;
    lru_unlink(s, e);
    s->count--;
    e->linked = false;
    atomic_fetch_sub_explicit(&c->bytes, e->size, memory_order_relaxed);
    atomic_fetch_sub_explicit(&c->entries, 1, memory_order_relaxed);
    e->hnext = *dead;
    *dead = e;
}

/* Doubles the bucket array; on no memory the chains just grow longer. */
static void table_grow(shard_t *s)
{
    size_t n = s->nbuckets * 2;
    cache_entry_t **b = calloc(n, sizeof(*b));

    if (b == NULL)
        return;
    for (size_t i = 0; i < s->nbuckets; i++) {
        cache_entry_t *e = s->buckets[i];
        while (e) {
            cache_entry_t *next = e->hnext;
            size_t j = e->hash & (n - 1);
            e->hnext = b[j];
            b[j] = e;
            e = next;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = n;
}

static void table_insert(cache_t *c, shard_t *s, cache_entry_t *e)
{
    if (s->count >= s->nbuckets)
        table_grow(s);
    size_t i = e->hash & (s->nbuckets - 1);
    e->hnext = s->buckets[i];
    s->buckets[i] = e;
    lru_push_head(s, e);
    s->count++;
    e->linked = true;
    atomic_fetch_add_explicit(&c->bytes, e->size, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->entries, 1, memory_order_relaxed);
}

static bool vers_equal(const cache_entry_t *e, const cache_probe_t *p)
{
    if (e->ntags != p->ntags)
        return false;
    for (size_t i = 0; i < p->ntags; i++)
        if (e->vers[i] != p->vers[i])
            return false;
    return true;
}

static cache_flight_t *flight_find(shard_t *s, const cache_probe_t *p)
{
    for (cache_flight_t *f = s->flights; f; f = f->next)
        if (f->hash == p->hash && f->key_len == p->key_len &&
            memcmp(f->key, p->key, p->key_len) == 0)
            return f;
    return NULL;
}

static void flight_free(cache_flight_t *f)
{
    pthread_cond_destroy(&f->cond);
    free(f->key);
    free(f);
}

/* A new flight for p, linked into s; NULL when memory ran out (the miss
 * then goes on without single flight). */
static cache_flight_t *flight_start(shard_t *s, const cache_probe_t *p)
{
    cache_flight_t *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return NULL;
    f->key = malloc(p->key_len ? p->key_len : 1);
    if (f->key == NULL || cond_init_monotonic(&f->cond) < 0) {
        free(f->key);
        free(f);
        return NULL;
    }
    memcpy(f->key, p->key, p->key_len);
    f->key_len = p->key_len;
    f->hash = p->hash;
    f->next = s->flights;
    s->flights = f;
    return f;
}

/* Blocks on f until its filler is done or the wait runs out; called and
 * returns with s->lock held. */
static void flight_wait(cache_t *c, shard_t *s, cache_flight_t *f)
{
    struct timespec until = fh_deadline_in(CLOCK_MONOTONIC, c->flight_wait_ms);

    f->waiters++;
    s->flight_waits++;
    while (!f->done) {
        if (pthread_cond_timedwait(&f->cond, &s->lock, &until) == ETIMEDOUT)
            break;
    }
    f->waiters--;
    if (f->done && f->waiters == 0)
        flight_free(f);
}

cache_entry_t *cache_lookup(cache_t *c, cache_probe_t *p)
{
    shard_t *s = shard_of(c, p->hash);
    cache_entry_t *dead = NULL, *e;
    bool waited = false;

    p->flight = NULL;
    pthread_mutex_lock(&s->lock);
    for (;;) {
        e = table_find(s, p);
        if (e && e->expires_ms <= now_ms()) {
            s->expired++;
            entry_unlink(c, s, e, &dead);
            e = NULL;
        } else if (e && !vers_equal(e, p)) {
            s->stale++;
            entry_unlink(c, s, e, &dead);
            e = NULL;
        }
        if (e) {
            lru_unlink(s, e);
            lru_push_head(s, e);
            atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed);
            s->cat[p->category].hits++;
            break;
        }
        cache_flight_t *f = flight_find(s, p);
        if (f && !waited) {
            flight_wait(c, s, f);
            waited = true;
            continue;
        }
        if (f == NULL)
            p->flight = flight_start(s, p);
        s->cat[p->category].misses++;
        break;
    }
    pthread_mutex_unlock(&s->lock);
    release_chain(dead);
    return e;
}

void cache_done(cache_t *c, cache_probe_t *p)
{
    cache_flight_t *f = p->flight;
    shard_t *s;
    bool free_now;

    if (f == NULL)
        return;
    s = shard_of(c, p->hash);
    pthread_mutex_lock(&s->lock);
    for (cache_flight_t **pp = &s->flights; *pp; pp = &(*pp)->next) {
        if (*pp == f) {
            *pp = f->next;
            break;
        }
    }
    f->done = true;
    pthread_cond_broadcast(&f->cond);
    free_now = f->waiters == 0;
    pthread_mutex_unlock(&s->lock);
    if (free_now)
        flight_free(f);
    p->flight = NULL;
}

void cache_note_shared_hit(cache_t *c, const cache_probe_t *p)
{
    shard_t *s = shard_of(c, p->hash);

    pthread_mutex_lock(&s->lock);
    if (s->cat[p->category].misses > 0)
        s->cat[p->category].misses--;
    s->cat[p->category].hits++;
    pthread_mutex_unlock(&s->lock);
}

/* Evicts least-recently-used entries of s, never keep, while the cache is
 * over budget. Called with s->lock held. */
static void evict_shard(cache_t *c, shard_t *s, const cache_entry_t *keep,
                        cache_entry_t **dead)
{
    while (atomic_load_explicit(&c->bytes, memory_order_relaxed) >
           c->max_bytes) {
        cache_entry_t *victim = s->tail;
        if (victim == keep)
            victim = victim ? victim->lprev : NULL;
        if (victim == NULL)
            return;
        s->evictions++;
        entry_unlink(c, s, victim, dead);
    }
}

/* Makes room in the other shards, one lock at a time, when the filling
 * shard alone could not.
 *
 * LIMITATION: the order is least recently used within each shard, not
 * across the whole cache: a fill evicts its own shard's oldest entries
 * first, which may be younger than another shard's oldest. With keys spread
 * evenly the difference is small; it costs a few hits when the budget is
 * tight, and buys a hit path that takes one shard's lock only. */
static void evict_elsewhere(cache_t *c, shard_t *from)
{
    size_t first = (size_t)(from - c->shards);

    for (unsigned i = 1; i < c->nshards; i++) {
        if (atomic_load_explicit(&c->bytes, memory_order_relaxed) <=
            c->max_bytes)
            return;
        shard_t *s = &c->shards[(first + i) & (c->nshards - 1)];
        cache_entry_t *dead = NULL;
        pthread_mutex_lock(&s->lock);
        evict_shard(c, s, NULL, &dead);
        pthread_mutex_unlock(&s->lock);
        release_chain(dead);
    }
}

static cache_entry_t *entry_build(const cache_probe_t *p,
                                  const cache_item_t *it, int64_t ttl_ms)
{
    size_t gz_len = it->gz ? it->gz_len : 0;
    size_t size = sizeof(cache_entry_t) + p->key_len + it->body_len + gz_len +
                  it->meta_len;
    cache_entry_t *e = malloc(size);
    char *at;

    if (e == NULL)
        return NULL;
    memset(e, 0, sizeof(*e));
    atomic_init(&e->refs, 2);  /* the cache's and the caller's */
    e->hash = p->hash;
    e->category = p->category;
    e->expires_ms = now_ms() + ttl_ms;
    e->ntags = p->ntags;
    memcpy(e->tags, p->tags, sizeof(e->tags));
    memcpy(e->vers, p->vers, sizeof(e->vers));
    e->size = size;
    e->etag = it->etag;
    at = e->data;
    memcpy(at, p->key, p->key_len);
    e->key = at;
    e->key_len = p->key_len;
    at += p->key_len;
    memcpy(at, it->body, it->body_len);
    e->body = at;
    e->body_len = it->body_len;
    at += it->body_len;
    if (gz_len) {
        memcpy(at, it->gz, gz_len);
        e->gz = at;
        e->gz_len = gz_len;
        at += gz_len;
    }
    if (it->meta_len)
        memcpy(at, it->meta, it->meta_len);
    e->meta = at;
    e->meta_len = it->meta_len;
    return e;
}

cache_entry_t *cache_fill(cache_t *c, const cache_probe_t *p,
                          const cache_item_t *item, int64_t ttl_ms)
{
    shard_t *s = shard_of(c, p->hash);
    size_t size = sizeof(cache_entry_t) + p->key_len + item->body_len +
                  (item->gz ? item->gz_len : 0) + item->meta_len;
    cache_entry_t *dead = NULL, *e, *old;

    if (size > c->max_bytes / 8 || ttl_ms <= 0) {
        pthread_mutex_lock(&s->lock);
        s->too_large += ttl_ms > 0;
        pthread_mutex_unlock(&s->lock);
        return NULL;
    }
    e = entry_build(p, item, ttl_ms);
    if (e == NULL)
        return NULL;

    pthread_mutex_lock(&s->lock);
    old = table_find(s, p);
    if (old)
        entry_unlink(c, s, old, &dead);
    table_insert(c, s, e);
    s->fills++;
    evict_shard(c, s, e, &dead);
    pthread_mutex_unlock(&s->lock);
    release_chain(dead);

    evict_elsewhere(c, s);
    return e;
}

size_t cache_reap(cache_t *c)
{
    int64_t now = now_ms();
    size_t dropped = 0;

    for (unsigned i = 0; i < c->nshards; i++) {
        shard_t *s = &c->shards[i];
        cache_entry_t *dead = NULL;
        uint64_t vers[CACHE_MAX_TAGS];

        pthread_mutex_lock(&s->lock);
        for (cache_entry_t *e = s->tail, *prev; e; e = prev) {
            prev = e->lprev;
            if (e->expires_ms <= now) {
                s->expired++;
            } else if (c->reap_stale) {
                cache_versions_local(c, e->tags, e->ntags, vers);
                if (memcmp(vers, e->vers, e->ntags * sizeof(vers[0])) == 0)
                    continue;
                s->stale++;
            } else {
                continue;
            }
            entry_unlink(c, s, e, &dead);
            dropped++;
        }
        pthread_mutex_unlock(&s->lock);
        release_chain(dead);
    }
    return dropped;
}

static void *reaper_main(void *arg)
{
    cache_t *c = arg;

    pthread_mutex_lock(&c->reap_lock);
    while (!c->stopping) {
        struct timespec until = fh_deadline_in(CLOCK_MONOTONIC,
                                                c->reap_interval_ms);
        pthread_cond_timedwait(&c->reap_cond, &c->reap_lock, &until);
        if (c->stopping)
            break;
        pthread_mutex_unlock(&c->reap_lock);
        cache_reap(c);
        pthread_mutex_lock(&c->reap_lock);
    }
    pthread_mutex_unlock(&c->reap_lock);
    return NULL;
}

void cache_stats(cache_t *c, cache_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    for (unsigned i = 0; i < c->nshards; i++) {
        shard_t *s = &c->shards[i];
        pthread_mutex_lock(&s->lock);
        for (int k = 0; k < CACHE_NCATS; k++) {
            out->cat[k].hits += s->cat[k].hits;
            out->cat[k].misses += s->cat[k].misses;
        }
        out->fills += s->fills;
        out->evictions += s->evictions;
        out->expired += s->expired;
        out->stale += s->stale;
        out->flight_waits += s->flight_waits;
        out->too_large += s->too_large;
        pthread_mutex_unlock(&s->lock);
    }
    for (int k = 0; k < CACHE_NCATS; k++) {
        out->hits += out->cat[k].hits;
        out->misses += out->cat[k].misses;
    }
    out->entries = atomic_load(&c->entries);
    out->bytes = atomic_load(&c->bytes);
    out->max_bytes = c->max_bytes;
}

static void shards_free(cache_t *c)
{
    for (unsigned i = 0; c->shards && i < c->nshards; i++) {
        shard_t *s = &c->shards[i];
        cache_entry_t *dead = NULL;
        while (s->tail)
            entry_unlink(c, s, s->tail, &dead);
        release_chain(dead);
        /* Flights end with their requests, before the cache is freed. */
        while (s->flights) {
            cache_flight_t *f = s->flights;
            s->flights = f->next;
            flight_free(f);
        }
        free(s->buckets);
        pthread_mutex_destroy(&s->lock);
    }
    free(c->shards);
}

static int shards_init(cache_t *c, unsigned n)
{
    c->shards = calloc(n, sizeof(*c->shards));
    if (c->shards == NULL)
        return FH_ENOMEM;
    c->nshards = n;
    for (unsigned i = 0; i < n; i++) {
        shard_t *s = &c->shards[i];
        pthread_mutex_init(&s->lock, NULL);
        s->nbuckets = BUCKETS_MIN;
        s->buckets = calloc(BUCKETS_MIN, sizeof(*s->buckets));
        if (s->buckets == NULL) {
            c->nshards = i + 1;
            return FH_ENOMEM;
        }
    }
    return 0;
}

int cache_new(const cache_opts_t *o, cache_t **out)
{
    unsigned n = o->shards ? o->shards : 64;
    cache_t *c;
    int rc;

    if ((n & (n - 1)) != 0 || o->max_bytes == 0)
        return FH_EINVAL;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return FH_ENOMEM;
    c->max_bytes = o->max_bytes;
    c->flight_wait_ms = o->flight_wait_ms > 0 ? o->flight_wait_ms : 3000;
    c->reap_interval_ms = o->reap_interval_ms ? o->reap_interval_ms : 1000;
    c->reap_stale = o->reap_stale;
    c->shard_shift = 64;
    for (unsigned k = n; k > 1; k >>= 1)
        c->shard_shift--;
    c->vers = calloc(VERS_SLOTS, sizeof(*c->vers));
    rc = c->vers ? shards_init(c, n) : FH_ENOMEM;
    if (rc == 0 && c->reap_interval_ms > 0) {
        pthread_mutex_init(&c->reap_lock, NULL);
        rc = cond_init_monotonic(&c->reap_cond);
        if (rc == 0 && pthread_create(&c->reaper, NULL, reaper_main, c) != 0)
            rc = FH_ENOMEM;
        c->reaper_on = rc == 0;
        if (rc < 0)
            pthread_mutex_destroy(&c->reap_lock);
    }
    if (rc < 0) {
        shards_free(c);
        free((void *)c->vers);
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void cache_free(cache_t *c)
{
    if (c == NULL)
        return;
    if (c->reaper_on) {
        pthread_mutex_lock(&c->reap_lock);
        c->stopping = true;
        pthread_cond_signal(&c->reap_cond);
        pthread_mutex_unlock(&c->reap_lock);
        pthread_join(c->reaper, NULL);
        pthread_cond_destroy(&c->reap_cond);
        pthread_mutex_destroy(&c->reap_lock);
    }
    shards_free(c);
    free((void *)c->vers);
    free(c);
}
