/* Local buckets: bounded memory under a flood of keys with honest clients
 * still served and still limited, idle buckets dropped, and takes that are
 * atomic under threads (one token left: exactly one of many passes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>

#include "ratelimit/table.h"

#define S RL_US

static uint64_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    return x ^ (x >> 33);
}

/* A million distinct clients, one request each, one microsecond apart, in
 * a table of 4,096 slots; an honest client asks every 100,000 requests.
 * The table never holds more than its slots, the honest client is served
 * each time, and its bucket, the deepest in debt, is never the one given
 * up: past its limit it is refused as it should be. */
static void million_keys_stay_bounded_and_honest_clients_are_served(void **state)
{
    rl_table_t *t = rl_table_new(4096);
    rl_table_stats_t st;
    rl_rate_t flood, honest;
    int64_t debt, now = 1000 * S;
    int served = 0;

    (void)state;
    assert_non_null(t);
    rl_rate_init(&flood, 60, 60);
    rl_rate_init(&honest, 12, 60);
    for (uint64_t i = 1; i <= 1000000; i++) {
        now++;
        assert_true(rl_table_take(t, mix(i), mix(i + (1ULL << 40)), &flood,
                                  now, &debt));
        if (i % 100000 == 0)
            served += rl_table_take(t, 42, 43, &honest, now, &debt);
        if (i % 65536 == 0) {
            rl_table_stats(t, &st);
            assert_true(st.buckets <= st.capacity);
        }
    }
    assert_int_equal(served, 10);
    rl_table_stats(t, &st);
    assert_true(st.capacity >= 4096 && st.capacity < 8192);
    assert_int_equal(st.bytes, st.capacity * 24);
    assert_true(st.buckets <= st.capacity);
    assert_true(st.evictions > 0);
    assert_true(rl_table_take(t, 42, 43, &honest, now, &debt));
    assert_true(rl_table_take(t, 42, 43, &honest, now, &debt));
    assert_false(rl_table_take(t, 42, 43, &honest, now, &debt));
    rl_table_free(t);
}

static void idle_buckets_are_dropped(void **state)
{
    rl_table_t *t = rl_table_new(16384);
    rl_table_stats_t st;
    rl_rate_t r;
    int64_t debt, now = 100 * S;

    (void)state;
    rl_rate_init(&r, 60, 60);
    for (uint64_t i = 1; i <= 500; i++)
        rl_table_take(t, mix(i), mix(~i), &r, now, &debt);
    rl_table_stats(t, &st);
    assert_int_equal(st.buckets, 500);
    /* A second later every bucket is full again; the next sweep of each
     * shard (ten seconds on, at its next take) drops them. */
    now += 11 * S;
    for (uint64_t k = 0; k < 64; k++)
        rl_table_take(t, 1, k, &r, now, &debt);
    rl_table_stats(t, &st);
    assert_int_equal(st.buckets, 64);
    rl_table_free(t);
}

static void distinct_keys_do_not_share_a_bucket(void **state)
{
    rl_table_t *t = rl_table_new(512);
    rl_rate_t r;
    int64_t debt, now = S;

    (void)state;
    rl_rate_init(&r, 2, 60);
    for (uint64_t k = 0; k < 300; k++) {
        assert_true(rl_table_take(t, mix(k), k, &r, now, &debt));
        assert_true(rl_table_take(t, mix(k), k, &r, now, &debt));
    }
    /* 300 keys of 2 takes in 512 slots: each refuses its third. */
    for (uint64_t k = 0; k < 300; k++)
        assert_false(rl_table_take(t, mix(k), k, &r, now, &debt));
    rl_table_free(t);
}

#define RACERS 50

typedef struct race {
    rl_table_t *t;
    rl_rate_t rate;
    int64_t now;
    uint64_t key;
    pthread_barrier_t go;         /* the racers and the main thread */
    atomic_int passed;
    atomic_int min_remaining_debt_ok;
} race_t;

static void *racer(void *arg)
{
    race_t *r = arg;
    int64_t debt;

    pthread_barrier_wait(&r->go);
    if (rl_table_take(r->t, r->key, r->key, &r->rate, r->now, &debt))
        atomic_fetch_add(&r->passed, 1);
    if (debt < 0 || debt > r->rate.tau_us)
        atomic_store(&r->min_remaining_debt_ok, 0);
    return NULL;
}

/* Four of five tokens spent, then 50 threads released together: exactly
 * one passes, twenty times over with fresh clients. */
static void last_token_goes_to_exactly_one_of_fifty(void **state)
{
    rl_table_t *t = rl_table_new(4096);
    pthread_t th[RACERS];
    int64_t debt;

    (void)state;
    for (uint64_t round = 1; round <= 20; round++) {
        race_t r = {.t = t, .now = 77 * S, .key = mix(round)};
        rl_rate_init(&r.rate, 5, 60);
        atomic_store(&r.min_remaining_debt_ok, 1);
        pthread_barrier_init(&r.go, NULL, RACERS + 1);
        for (int k = 0; k < 4; k++)
            assert_true(rl_table_take(t, r.key, r.key, &r.rate, r.now, &debt));
        for (int i = 0; i < RACERS; i++)
            assert_int_equal(pthread_create(&th[i], NULL, racer, &r), 0);
        pthread_barrier_wait(&r.go);
        for (int i = 0; i < RACERS; i++)
            pthread_join(th[i], NULL);
        pthread_barrier_destroy(&r.go);
        assert_int_equal(atomic_load(&r.passed), 1);
        assert_int_equal(atomic_load(&r.min_remaining_debt_ok), 1);
        for (int k = 0; k < 5; k++)
            assert_false(rl_table_take(t, r.key, r.key, &r.rate, r.now, &debt));
    }
    rl_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(million_keys_stay_bounded_and_honest_clients_are_served),
        cmocka_unit_test(idle_buckets_are_dropped),
        cmocka_unit_test(distinct_keys_do_not_share_a_bucket),
        cmocka_unit_test(last_token_goes_to_exactly_one_of_fifty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
