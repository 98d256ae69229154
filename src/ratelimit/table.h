/* Buckets in process memory: a fixed number of slots, allocated once, in
 * shards with a lock each, so that a take is atomic and memory never grows.
 * A full bucket holds no information and is dropped; when every slot of a
 * key's probe run is busy, the bucket closest to full gives way. */
#ifndef FH_RATELIMIT_TABLE_H
#define FH_RATELIMIT_TABLE_H

/* LIMITATION: when more clients are in debt at once than the table's
 * slots (RATE_LIMIT_MAX_BUCKETS), the bucket closest to full is given up
 * and that client starts again with a full bucket, so a flood of distinct
 * addresses larger than the table lets each evicted client through early.
 * Nobody is ever refused because of it, and memory stays fixed. */

#include <stddef.h>
#include <stdint.h>

#include "ratelimit/bucket.h"

typedef struct rl_table rl_table_t;

/* What the table holds now. */
typedef struct rl_table_stats {
    uint64_t buckets;    /* slots holding a bucket (idle ones until swept) */
    uint64_t capacity;   /* slots in all */
    uint64_t bytes;      /* memory of the slots, fixed at creation */
    uint64_t evictions;  /* buckets given up for a new key while not full */
} rl_table_stats_t;

/* A table of at least min_slots slots. Returns NULL when out of memory. */
rl_table_t *rl_table_new(size_t min_slots);

/* Takes one token from the bucket of (k1, k2), a 128-bit hash of the tier
 * and the client, at now_us on a monotonic clock. Returns whether it passes
 * and sets *debt_us as rl_bucket_take does. Thread-safe. */
bool rl_table_take(rl_table_t *t, uint64_t k1, uint64_t k2,
                   const rl_rate_t *rate, int64_t now_us, int64_t *debt_us);

void rl_table_stats(rl_table_t *t, rl_table_stats_t *out);

/* Frees the table; NULL does nothing. */
void rl_table_free(rl_table_t *t);

#endif
