/* The in-process cache: keys, tag versions, expiry and reclaiming, LRU
 * eviction under the byte budget, single flight. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cache/cache.h"

#define BODY_MAX 4096

static char body[BODY_MAX];

static cache_t *make_cache(size_t max_bytes, unsigned shards, int wait_ms)
{
    cache_opts_t o = {.max_bytes = max_bytes, .shards = shards,
                      .flight_wait_ms = wait_ms, .reap_interval_ms = -1,
                      .reap_stale = true};
    cache_t *c = NULL;

    assert_int_equal(cache_new(&o, &c), 0);
    return c;
}

/* A probe for key with one tag (job, id) and the versions current now. */
static void probe_init(cache_t *c, cache_probe_t *p, const char *key,
                       int64_t id)
{
    memset(p, 0, sizeof(*p));
    p->key = key;
    p->key_len = strlen(key);
    p->category = CACHE_CAT_JOBS;
    p->ntags = 2;
    p->tags[0] = (cache_tag_t){CACHE_TAG_ALL, 0};
    p->tags[1] = (cache_tag_t){1, id};
    cache_probe_hash(p);
    cache_versions_local(c, p->tags, p->ntags, p->vers);
}

static cache_entry_t *fill(cache_t *c, cache_probe_t *p, size_t len,
                           int64_t ttl_ms)
{
    cache_item_t it = {.body = body, .body_len = len, .meta = "m",
                       .meta_len = 1, .etag = 7};

    return cache_fill(c, p, &it, ttl_ms);
}

/* Fills key and drops the caller's reference at once. */
static void put(cache_t *c, const char *key, size_t len, int64_t ttl_ms)
{
    cache_probe_t p;

    probe_init(c, &p, key, 1);
    cache_entry_t *e = cache_lookup(c, &p);
    assert_null(e);
    cache_entry_release(fill(c, &p, len, ttl_ms));
    cache_done(c, &p);
}

/* Looks key up; true on a hit. */
static bool has(cache_t *c, const char *key)
{
    cache_probe_t p;

    probe_init(c, &p, key, 1);
    cache_entry_t *e = cache_lookup(c, &p);
    cache_done(c, &p);
    cache_entry_release(e);
    return e != NULL;
}

static void equal_keys_share_an_entry_and_others_do_not(void **state)
{
    cache_t *c = make_cache(1 << 20, 4, 0);
    cache_probe_t p;
    cache_stats_t st;

    (void)state;
    put(c, "route=1|q=python", 100, 60000);
    assert_true(has(c, "route=1|q=python"));
    assert_false(has(c, "route=1|q=java"));
    assert_false(has(c, "route=1|q=pytho"));

    probe_init(c, &p, "route=1|q=python", 1);
    cache_entry_t *e = cache_lookup(c, &p);
    assert_non_null(e);
    assert_int_equal(e->body_len, 100);
    assert_int_equal(e->etag, 7);
    assert_memory_equal(e->meta, "m", 1);
    cache_entry_release(e);

    cache_stats(c, &st);
    assert_int_equal(st.cat[CACHE_CAT_JOBS].hits, 2);
    assert_int_equal(st.cat[CACHE_CAT_JOBS].misses, 3);
    assert_int_equal(st.entries, 1);
    cache_free(c);
}

static void a_moved_tag_makes_the_entry_stale_and_reclaims_it(void **state)
{
    cache_t *c = make_cache(1 << 20, 4, 0);
    cache_tag_t other = {1, 2}, mine = {1, 1};
    cache_stats_t st;

    (void)state;
    put(c, "k", 100, 60000);
    cache_bump_local(c, &other, 1);   /* another job's tag: no effect */
    assert_true(has(c, "k"));
    cache_bump_local(c, &mine, 1);
    assert_false(has(c, "k"));
    cache_stats(c, &st);
    assert_int_equal(st.stale, 1);
    assert_int_equal(st.entries, 0);   /* dropped, and nothing refilled */
    cache_free(c);
}

static void versions_read_before_a_write_leave_the_fill_stale(void **state)
{
    cache_t *c = make_cache(1 << 20, 4, 0);
    cache_tag_t mine = {1, 1};
    cache_probe_t p;

    (void)state;
    probe_init(c, &p, "k", 1);            /* versions read ... */
    assert_null(cache_lookup(c, &p));
    cache_bump_local(c, &mine, 1);        /* ... a write lands ... */
    cache_entry_release(fill(c, &p, 10, 60000));  /* ... old data filled */
    cache_done(c, &p);
    assert_false(has(c, "k"));            /* never served */
    cache_free(c);
}

static void expired_entries_are_not_served(void **state)
{
    cache_t *c = make_cache(1 << 20, 4, 0);
    cache_stats_t st;

    (void)state;
    put(c, "short", 10, 30);
    put(c, "long", 10, 60000);
    usleep(60 * 1000);
    assert_false(has(c, "short"));
    assert_true(has(c, "long"));
    cache_stats(c, &st);
    assert_int_equal(st.expired, 1);
    cache_free(c);
}

static void reaping_reclaims_expired_and_stale_entries(void **state)
{
    cache_t *c = make_cache(1 << 20, 8, 0);
    cache_tag_t mine = {1, 1};
    cache_stats_t st;
    char key[32];

    (void)state;
    for (int i = 0; i < 50; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        put(c, key, 200, i < 40 ? 20 : 60000);
    }
    usleep(50 * 1000);
    assert_int_equal(cache_reap(c), 40);
    cache_stats(c, &st);
    assert_int_equal(st.entries, 10);
    cache_bump_local(c, &mine, 1);
    assert_int_equal(cache_reap(c), 10);
    cache_stats(c, &st);
    assert_int_equal(st.entries, 0);
    assert_int_equal(st.bytes, 0);
    cache_free(c);
}

static void the_least_recently_used_entry_goes_first(void **state)
{
    /* One shard, room for eight entries of ~1 KiB. */
    size_t entry = sizeof(cache_entry_t) + 2 + 1000 + 1;
    cache_t *c = make_cache(8 * entry + entry / 2, 1, 0);
    cache_stats_t st;
    char key[16];

    (void)state;
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        put(c, key, 1000, 60000);
    }
    assert_true(has(c, "k0"));            /* k0 is now the most recent */
    put(c, "k8", 1000, 60000);            /* evicts k1, the oldest */
    assert_false(has(c, "k1"));
    assert_true(has(c, "k0"));
    assert_true(has(c, "k2"));
    assert_true(has(c, "k8"));
    cache_stats(c, &st);
    assert_int_equal(st.evictions, 1);
    assert_true(st.bytes <= st.max_bytes);
    cache_free(c);
}

static void bytes_stay_within_the_budget(void **state)
{
    size_t max = 64 * 1024;
    cache_t *c = make_cache(max, 16, 0);
    cache_stats_t st;
    char key[32];

    (void)state;
    for (int i = 0; i < 3000; i++) {
        snprintf(key, sizeof(key), "key-%d", i);
        put(c, key, (size_t)(i * 37 % 4000) + 1, 60000);
        cache_stats(c, &st);
        assert_true(st.bytes <= max);
    }
    assert_true(st.evictions > 0);
    assert_true(st.entries > 10);
    cache_free(c);
}

static void an_answer_over_an_eighth_of_the_budget_is_not_kept(void **state)
{
    cache_t *c = make_cache(16 * 1024, 1, 0);
    cache_probe_t p;
    cache_stats_t st;

    (void)state;
    probe_init(c, &p, "big", 1);
    assert_null(cache_lookup(c, &p));
    assert_null(fill(c, &p, 3000, 60000));
    cache_done(c, &p);
    assert_false(has(c, "big"));
    cache_stats(c, &st);
    assert_int_equal(st.too_large, 1);
    assert_int_equal(st.bytes, 0);
    cache_free(c);
}

static void a_fill_replaces_the_older_entry(void **state)
{
    cache_t *c = make_cache(1 << 20, 1, 0);
    cache_probe_t p;
    cache_stats_t st;

    (void)state;
    put(c, "k", 10, 60000);
    probe_init(c, &p, "k", 1);   /* a second fill, as a racing miss does */
    cache_entry_release(fill(c, &p, 20, 60000));
    cache_entry_t *e = cache_lookup(c, &p);
    assert_non_null(e);
    assert_int_equal(e->body_len, 20);
    cache_entry_release(e);
    cache_stats(c, &st);
    assert_int_equal(st.entries, 1);
    cache_free(c);
}

/* ---- single flight ---- */

#define WAITERS 6

typedef struct flight_run {
    cache_t *c;
    pthread_barrier_t start;
    int fillers;          /* lookups that got the flight */
    int hits;
    pthread_mutex_t lock;
} flight_run_t;

static void *flight_thread(void *arg)
{
    flight_run_t *run = arg;
    cache_probe_t p;

    probe_init(run->c, &p, "same", 1);
    pthread_barrier_wait(&run->start);
    cache_entry_t *e = cache_lookup(run->c, &p);
    if (e == NULL && p.flight) {
        usleep(150 * 1000);   /* the one query, slow */
        cache_entry_release(fill(run->c, &p, 50, 60000));
        cache_done(run->c, &p);
    }
    pthread_mutex_lock(&run->lock);
    run->fillers += e == NULL;
    run->hits += e != NULL;
    pthread_mutex_unlock(&run->lock);
    cache_entry_release(e);
    return NULL;
}

static void concurrent_misses_run_one_fill(void **state)
{
    flight_run_t run = {.c = make_cache(1 << 20, 4, 3000)};
    pthread_t t[WAITERS];
    cache_stats_t st;

    (void)state;
    pthread_mutex_init(&run.lock, NULL);
    pthread_barrier_init(&run.start, NULL, WAITERS);
    for (int i = 0; i < WAITERS; i++)
        pthread_create(&t[i], NULL, flight_thread, &run);
    for (int i = 0; i < WAITERS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(run.fillers, 1);
    assert_int_equal(run.hits, WAITERS - 1);
    cache_stats(run.c, &st);
    assert_int_equal(st.fills, 1);
    assert_int_equal(st.flight_waits, WAITERS - 1);
    pthread_barrier_destroy(&run.start);
    pthread_mutex_destroy(&run.lock);
    cache_free(run.c);
}

static void a_wait_for_a_stuck_fill_runs_out(void **state)
{
    cache_t *c = make_cache(1 << 20, 4, 50);
    cache_probe_t first, second;

    (void)state;
    probe_init(c, &first, "k", 1);
    assert_null(cache_lookup(c, &first));
    assert_non_null(first.flight);
    probe_init(c, &second, "k", 1);
    assert_null(cache_lookup(c, &second));   /* waited 50 ms, gave up */
    assert_null(second.flight);              /* the first still fills */
    cache_done(c, &first);
    cache_done(c, &second);
    cache_free(c);
}

int main(void)
{
    memset(body, 'x', sizeof(body));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(equal_keys_share_an_entry_and_others_do_not),
        cmocka_unit_test(a_moved_tag_makes_the_entry_stale_and_reclaims_it),
        cmocka_unit_test(versions_read_before_a_write_leave_the_fill_stale),
        cmocka_unit_test(expired_entries_are_not_served),
        cmocka_unit_test(reaping_reclaims_expired_and_stale_entries),
        cmocka_unit_test(the_least_recently_used_entry_goes_first),
        cmocka_unit_test(bytes_stay_within_the_budget),
        cmocka_unit_test(an_answer_over_an_eighth_of_the_budget_is_not_kept),
        cmocka_unit_test(a_fill_replaces_the_older_entry),
        cmocka_unit_test(concurrent_misses_run_one_fill),
        cmocka_unit_test(a_wait_for_a_stuck_fill_runs_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
