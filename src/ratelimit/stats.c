#include "ratelimit/stats.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* One minute's count, packed with the minute it belongs to so that a slot
 * reused an hour later starts from zero without a lock: the top 24 bits are
 * the minute (mod 2^24), the low 40 the count. */
#define COUNT_BITS 40
#define COUNT_MASK ((UINT64_C(1) << COUNT_BITS) - 1)
#define MINUTE_MASK ((UINT64_C(1) << (64 - COUNT_BITS)) - 1)
#define PROBE 8   /* rows a client may live in */

typedef struct tier_ring {
    _Atomic uint64_t requests[RL_STATS_MINUTES];
    _Atomic uint64_t refused[RL_STATS_MINUTES];
} tier_ring_t;

typedef struct client_row {
    char key[RL_STATS_KEY_LEN];   /* "" = free */
    uint32_t count[RL_STATS_MINUTES];
    int64_t minute[RL_STATS_MINUTES];
} client_row_t;

struct rl_stats {
    int ntiers;
    tier_ring_t *tiers;
    pthread_mutex_t lock;         /* guards clients */
    client_row_t clients[RL_STATS_CLIENTS];
    rl_stats_client_t scratch[RL_STATS_CLIENTS]; /* for sorting, under lock */
};

rl_stats_t *rl_stats_new(int ntiers)
{
    rl_stats_t *s = calloc(1, sizeof(*s));

    if (s == NULL)
        return NULL;
    s->tiers = calloc((size_t)ntiers, sizeof(*s->tiers));
    if (s->tiers == NULL) {
        free(s);
        return NULL;
    }
    s->ntiers = ntiers;
    pthread_mutex_init(&s->lock, NULL);
    return s;
}

static void packed_add(_Atomic uint64_t *slot, int64_t minute)
{
    uint64_t tag = ((uint64_t)minute & MINUTE_MASK) << COUNT_BITS;
    uint64_t old = atomic_load_explicit(slot, memory_order_relaxed), next;

    do {
        next = (old & ~COUNT_MASK) == tag ? old + 1 : tag | 1;
    } while (!atomic_compare_exchange_weak_explicit(
                 slot, &old, next, memory_order_relaxed,
                 memory_order_relaxed));
}

/* The count of a slot if it belongs to one of the hour's minutes. */
static uint64_t packed_read(_Atomic uint64_t *slot, int64_t minute, int age)
{
    uint64_t v = atomic_load_explicit(slot, memory_order_relaxed);
    uint64_t tag = ((uint64_t)(minute - age) & MINUTE_MASK) << COUNT_BITS;

    return (v & ~COUNT_MASK) == tag ? (v & COUNT_MASK) : 0;
}

static size_t minute_slot(int64_t minute)
{
    return (size_t)(((minute % RL_STATS_MINUTES) + RL_STATS_MINUTES)
                    % RL_STATS_MINUTES);
}

void rl_stats_request(rl_stats_t *s, int tier, int64_t minute)
{
    packed_add(&s->tiers[tier].requests[minute_slot(minute)], minute);
}

/* A row's refusals over the hour ending at minute. */
static uint64_t row_total(const client_row_t *r, int64_t minute)
{
    uint64_t sum = 0;

    for (int i = 0; i < RL_STATS_MINUTES; i++)
        if (r->count[i] && minute - r->minute[i] < RL_STATS_MINUTES &&
            r->minute[i] <= minute)
            sum += r->count[i];
    return sum;
}

/* The row of client in its probe run, else a free or emptied row of the
 * run, else the run's row with the fewest refusals, which is taken over.
 * Caller holds the lock. */
static client_row_t *row_find(rl_stats_t *s, const char *client,
                              int64_t minute)
{
    size_t base = (size_t)(XXH3_64bits(client, strlen(client))
                           % RL_STATS_CLIENTS);
    client_row_t *free_row = NULL, *least = NULL;
    uint64_t least_n = UINT64_MAX;

    for (size_t i = 0; i < PROBE; i++) {
        client_row_t *r = &s->clients[(base + i) % RL_STATS_CLIENTS];
        if (r->key[0] && strcmp(r->key, client) == 0)
            return r;
        if (free_row)
            continue;
        uint64_t n = r->key[0] ? row_total(r, minute) : 0;
        if (n == 0)
            free_row = r;
        else if (n < least_n) {
            least_n = n;
            least = r;
        }
    }
    client_row_t *r = free_row ? free_row : least;
    memset(r, 0, sizeof(*r));
    snprintf(r->key, sizeof(r->key), "%s", client);
    return r;
}

void rl_stats_refusal(rl_stats_t *s, int tier, const char *client,
                      int64_t minute)
{
    size_t m = minute_slot(minute);

    packed_add(&s->tiers[tier].refused[m], minute);
    pthread_mutex_lock(&s->lock);
    client_row_t *r = row_find(s, client, minute);
    if (r->minute[m] != minute) {
        r->minute[m] = minute;
        r->count[m] = 0;
    }
    if (r->count[m] < UINT32_MAX)
        r->count[m]++;
    pthread_mutex_unlock(&s->lock);
}

void rl_stats_tier(rl_stats_t *s, int tier, int64_t minute,
                   uint64_t *requests, uint64_t *refused)
{
    tier_ring_t *t = &s->tiers[tier];

    *requests = *refused = 0;
    for (int age = 0; age < RL_STATS_MINUTES; age++) {
        size_t m = minute_slot(minute - age);
        *requests += packed_read(&t->requests[m], minute, age);
        *refused += packed_read(&t->refused[m], minute, age);
    }
}

static int top_cmp(const void *a, const void *b)
{
    const rl_stats_client_t *x = a, *y = b;

    if (x->refused != y->refused)
        return x->refused > y->refused ? -1 : 1;
    return strcmp(x->key, y->key);
}

int rl_stats_top(rl_stats_t *s, int64_t minute, rl_stats_client_t *out)
{
    rl_stats_client_t *all = s->scratch;
    int n = 0;

    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < RL_STATS_CLIENTS; i++) {
        const client_row_t *r = &s->clients[i];
        uint64_t total = r->key[0] ? row_total(r, minute) : 0;
        if (total == 0)
            continue;
        memcpy(all[n].key, r->key, sizeof(all[n].key));
        all[n].refused = total;
        n++;
    }
    qsort(all, (size_t)n, sizeof(all[0]), top_cmp);
    if (n > RL_STATS_TOP)
        n = RL_STATS_TOP;
    memcpy(out, all, (size_t)n * sizeof(all[0]));
    pthread_mutex_unlock(&s->lock);
    return n;
}

void rl_stats_free(rl_stats_t *s)
{
    if (s == NULL)
        return;
    pthread_mutex_destroy(&s->lock);
    free(s->tiers);
    free(s);
}
