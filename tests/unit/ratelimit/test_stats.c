/* The last hour's statistics: counts per tier that age out minute by
 * minute, and the ten clients refused most, in a bounded table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "ratelimit/stats.h"

static void tier_counts_cover_the_last_hour(void **state)
{
    rl_stats_t *s = rl_stats_new(5);
    uint64_t req, ref;

    (void)state;
    for (int64_t m = 1000; m < 1090; m++) {
        rl_stats_request(s, 2, m);
        rl_stats_request(s, 2, m);
        if (m % 10 == 0)
            rl_stats_refusal(s, 2, "ip:1.2.3.4", m);
    }
    rl_stats_tier(s, 2, 1089, &req, &ref);
    assert_int_equal(req, 120);          /* minutes 1030..1089 */
    assert_int_equal(ref, 6);            /* 1030, 1040, ..., 1080 */
    rl_stats_tier(s, 1, 1089, &req, &ref);
    assert_int_equal(req + ref, 0);
    rl_stats_tier(s, 2, 1089 + 59, &req, &ref);
    assert_int_equal(req, 2);
    rl_stats_tier(s, 2, 1089 + 60, &req, &ref);
    assert_int_equal(req + ref, 0);      /* an hour of silence */
    rl_stats_free(s);
}

static void top_ten_is_ordered_and_ages_out(void **state)
{
    rl_stats_t *s = rl_stats_new(5);
    rl_stats_client_t top[RL_STATS_TOP];
    char key[32];

    (void)state;
    for (int c = 1; c <= 15; c++) {
        snprintf(key, sizeof(key), "user:%d", c);
        for (int k = 0; k < c; k++)
            rl_stats_refusal(s, 0, key, 500 + k % 3);
    }
    rl_stats_refusal(s, 3, "ip:9.9.9.9", 450);  /* 52 minutes before */
    int n = rl_stats_top(s, 502, top);
    assert_int_equal(n, 10);
    assert_string_equal(top[0].key, "user:15");
    assert_int_equal(top[0].refused, 15);
    assert_string_equal(top[9].key, "user:6");
    for (int i = 1; i < n; i++)
        assert_true(top[i - 1].refused >= top[i].refused);
    /* An hour later only what happened within it is left. */
    rl_stats_refusal(s, 0, "user:1", 562);
    n = rl_stats_top(s, 562, top);
    assert_int_equal(n, 1);
    assert_string_equal(top[0].key, "user:1");
    assert_int_equal(top[0].refused, 1);
    rl_stats_free(s);
}

/* A flood of distinct refused clients keeps the table at its size, and a
 * client refused steadily stays on top. */
static void flood_of_refused_clients_keeps_the_heavy_one(void **state)
{
    rl_stats_t *s = rl_stats_new(5);
    rl_stats_client_t top[RL_STATS_TOP];
    char key[32];

    (void)state;
    for (int i = 0; i < 200000; i++) {
        snprintf(key, sizeof(key), "ip:10.%d.%d.%d", i >> 16, (i >> 8) & 255,
                 i & 255);
        rl_stats_refusal(s, 4, key, 900 + i / 4000);
        if (i % 100 == 0)
            rl_stats_refusal(s, 4, "ip:203.0.113.5", 900 + i / 4000);
    }
    int n = rl_stats_top(s, 949, top);
    assert_int_equal(n, 10);
    assert_string_equal(top[0].key, "ip:203.0.113.5");
    assert_int_equal(top[0].refused, 2000);
    rl_stats_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tier_counts_cover_the_last_hour),
        cmocka_unit_test(top_ten_is_ordered_and_ages_out),
        cmocka_unit_test(flood_of_refused_clients_keeps_the_heavy_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
