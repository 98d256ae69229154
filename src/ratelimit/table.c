#include "ratelimit/table.h"

#include <pthread.h>
#include <stdlib.h>

#define SHARDS 64          /* locks; a power of two */
#define PROBE 8            /* slots a key may live in */
#define SWEEP_US (10 * RL_US) /* a shard drops its full buckets this often */

typedef struct slot {
    uint64_t k1, k2;       /* the key's hash; k1 == 0 && k2 == 0: empty */
    int64_t full_at;       /* microseconds; <= now means full (idle) */
} slot_t;

typedef struct shard {
    pthread_mutex_t lock;
    slot_t *slots;
    size_t used;           /* slots holding a bucket */
    uint64_t evictions;
    int64_t swept_at;      /* last sweep, microseconds */
} shard_t;

struct rl_table {
    shard_t shards[SHARDS];
    size_t per_shard;      /* slots in each shard, >= PROBE */
};

rl_table_t *rl_table_new(size_t min_slots)
{
    rl_table_t *t = calloc(1, sizeof(*t));
    size_t per = (min_slots + SHARDS - 1) / SHARDS;

    if (t == NULL)
        return NULL;
    t->per_shard = per < PROBE ? PROBE : per;
    for (int i = 0; i < SHARDS; i++) {
        t->shards[i].slots = calloc(t->per_shard, sizeof(slot_t));
        if (t->shards[i].slots == NULL) {
            for (int j = 0; j < i; j++) {
                pthread_mutex_destroy(&t->shards[j].lock);
                free(t->shards[j].slots);
            }
            free(t);
            return NULL;
        }
        pthread_mutex_init(&t->shards[i].lock, NULL);
    }
    return t;
}

static bool slot_is_empty(const slot_t *s)
{
    return s->k1 == 0 && s->k2 == 0;
}

/* Empties every slot whose bucket is full again. Caller holds the lock. */
static void shard_sweep(shard_t *sh, size_t n, int64_t now_us)
{
    for (size_t i = 0; i < n; i++) {
        slot_t *s = &sh->slots[i];
        if (!slot_is_empty(s) && s->full_at <= now_us) {
            *s = (slot_t){0};
            sh->used--;
        }
    }
    sh->swept_at = now_us;
}

/* The slot of the key in its probe run, else a free or idle one, else the
 * one closest to full, which is taken over. Caller holds the lock. */
static slot_t *shard_find(shard_t *sh, size_t n, uint64_t k1, uint64_t k2,
                          int64_t now_us)
{
    size_t base = (size_t)(k1 % n);
    slot_t *free_slot = NULL, *least = NULL;

    for (size_t i = 0; i < PROBE; i++) {
        slot_t *s = &sh->slots[(base + i) % n];
        if (s->k1 == k1 && s->k2 == k2)
            return s;
        if (free_slot == NULL && (slot_is_empty(s) || s->full_at <= now_us))
            free_slot = s;
        if (least == NULL || s->full_at < least->full_at)
            least = s;
    }
    if (free_slot == NULL) {
        free_slot = least;
        sh->evictions++;
    } else if (slot_is_empty(free_slot)) {
        sh->used++;
    }
    free_slot->k1 = k1;
    free_slot->k2 = k2;
    free_slot->full_at = 0;
    return free_slot;
}

bool rl_table_take(rl_table_t *t, uint64_t k1, uint64_t k2,
                   const rl_rate_t *rate, int64_t now_us, int64_t *debt_us)
{
    shard_t *sh = &t->shards[k2 % SHARDS];
    bool ok;

    if (k1 == 0 && k2 == 0)
        k1 = 1;  /* the all-zero key marks an empty slot */
    pthread_mutex_lock(&sh->lock);
    if (now_us - sh->swept_at >= SWEEP_US)
        shard_sweep(sh, t->per_shard, now_us);
    slot_t *s = shard_find(sh, t->per_shard, k1, k2, now_us);
    ok = rl_bucket_take(&s->full_at, rate, now_us, debt_us);
    pthread_mutex_unlock(&sh->lock);
    return ok;
}

void rl_table_stats(rl_table_t *t, rl_table_stats_t *out)
{
    *out = (rl_table_stats_t){0};
    out->capacity = (uint64_t)t->per_shard * SHARDS;
    out->bytes = out->capacity * sizeof(slot_t);
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_lock(&t->shards[i].lock);
        out->buckets += t->shards[i].used;
        out->evictions += t->shards[i].evictions;
        pthread_mutex_unlock(&t->shards[i].lock);
    }
}

void rl_table_free(rl_table_t *t)
{
    if (t == NULL)
        return;
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_destroy(&t->shards[i].lock);
        free(t->shards[i].slots);
    }
    free(t);
}
