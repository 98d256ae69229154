/* The token bucket's arithmetic: exact capacity, continuous refill, and
 * Retry-After that is honest (waiting it passes, waiting less does not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "ratelimit/bucket.h"

#define S RL_US

static void full_bucket_passes_exactly_limit_then_refuses(void **state)
{
    const int limits[] = {1, 3, 5, 7, 30, 60, 300, 9999999};
    rl_verdict_t v;
    rl_rate_t r;

    (void)state;
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        int64_t full_at = 0, debt, now = 1000 * S;
        rl_rate_init(&r, limits[i], 60);
        for (int k = 1; k <= limits[i]; k++) {
            assert_true(rl_bucket_take(&full_at, &r, now, &debt));
            rl_verdict_make(&r, true, debt, &v);
            assert_int_equal(v.remaining, limits[i] - k);
        }
        int64_t before = full_at;
        assert_false(rl_bucket_take(&full_at, &r, now, &debt));
        assert_int_equal(full_at, before);  /* a refusal changes nothing */
        rl_verdict_make(&r, false, debt, &v);
        assert_int_equal(v.remaining, 0);
        assert_true(v.retry_after_s >= 1);
    }
}

static void tokens_come_back_one_interval_at_a_time(void **state)
{
    int64_t full_at = 0, debt, now = 50 * S;
    rl_verdict_t v;
    rl_rate_t r;

    (void)state;
    rl_rate_init(&r, 5, 60);  /* one token every 12 s */
    for (int k = 0; k < 5; k++)
        assert_true(rl_bucket_take(&full_at, &r, now, &debt));
    assert_false(rl_bucket_take(&full_at, &r, now + 12 * S - 1, &debt));
    assert_true(rl_bucket_take(&full_at, &r, now + 12 * S, &debt));
    assert_false(rl_bucket_take(&full_at, &r, now + 12 * S, &debt));
    /* Half a minute later two and a half tokens are back: two pass. */
    now += 42 * S;
    assert_true(rl_bucket_take(&full_at, &r, now, &debt));
    assert_true(rl_bucket_take(&full_at, &r, now, &debt));
    assert_false(rl_bucket_take(&full_at, &r, now, &debt));
    /* After a full period of rest the bucket holds limit, never more. */
    now += 600 * S;
    for (int k = 0; k < 5; k++)
        assert_true(rl_bucket_take(&full_at, &r, now, &debt));
    assert_false(rl_bucket_take(&full_at, &r, now, &debt));
    rl_verdict_make(&r, false, debt, &v);
    assert_int_equal(v.reset_s, 60);
    assert_int_equal(v.retry_after_s, 12);
}

/* For many rates and states: a client that waits Retry-After whole seconds
 * passes, one that waits a second less is refused, and the headers stay in
 * range (remaining 0..limit, 1 <= Retry-After <= Reset <= period). */
static void retry_after_is_honest_for_any_rate(void **state)
{
    const int periods[] = {60, 300};
    rl_verdict_t v;
    rl_rate_t r;

    (void)state;
    srand(7);
    for (int round = 0; round < 20000; round++) {
        int period = periods[round % 2];
        int limit = 1 + rand() % (round % 3 == 0 ? 400 : 8);
        int64_t full_at = 0, debt, now = 10 * S + rand() % S;
        rl_rate_init(&r, limit, period);
        int spend = limit + rand() % 3;
        for (int k = 0; k < spend; k++) {
            now += rand() % (r.interval_us / 2 + 1);
            rl_bucket_take(&full_at, &r, now, &debt);
        }
        while (rl_bucket_take(&full_at, &r, now, &debt))
            ;
        rl_verdict_make(&r, false, debt, &v);
        assert_true(v.retry_after_s >= 1);
        assert_true(v.retry_after_s <= v.reset_s);
        assert_true(v.reset_s <= period);
        assert_int_equal(v.remaining, 0);
        int64_t wait = (int64_t)v.retry_after_s * S;
        if (v.retry_after_s >= 2) {
            int64_t copy = full_at;
            assert_false(rl_bucket_take(&copy, &r, now + wait - S, &debt));
        }
        assert_true(rl_bucket_take(&full_at, &r, now + wait, &debt));
        rl_verdict_make(&r, true, debt, &v);
        assert_true(v.remaining >= 0 && v.remaining <= limit);
    }
}

static void auth_tier_refills_over_five_minutes(void **state)
{
    int64_t full_at = 0, debt, now = 5 * S;
    rl_verdict_t v;
    rl_rate_t r;

    (void)state;
    rl_rate_init(&r, 5, 300);  /* one token a minute */
    for (int k = 0; k < 5; k++)
        assert_true(rl_bucket_take(&full_at, &r, now, &debt));
    assert_false(rl_bucket_take(&full_at, &r, now + 59 * S, &debt));
    rl_verdict_make(&r, false, debt, &v);
    assert_int_equal(v.retry_after_s, 1);
    assert_true(rl_bucket_take(&full_at, &r, now + 60 * S, &debt));
}

static void verdict_clamps_a_debt_out_of_range(void **state)
{
    rl_verdict_t v;
    rl_rate_t r;

    (void)state;
    rl_rate_init(&r, 10, 60);
    rl_verdict_make(&r, true, -5 * S, &v);  /* a clock that stepped back */
    assert_int_equal(v.remaining, 10);
    rl_verdict_make(&r, false, 1000 * S, &v);
    assert_int_equal(v.remaining, 0);
    assert_int_equal(v.reset_s, 60);
    assert_true(v.retry_after_s >= 1 && v.retry_after_s <= 60);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_bucket_passes_exactly_limit_then_refuses),
        cmocka_unit_test(tokens_come_back_one_interval_at_a_time),
        cmocka_unit_test(retry_after_is_honest_for_any_rate),
        cmocka_unit_test(auth_tier_refills_over_five_minutes),
        cmocka_unit_test(verdict_clamps_a_debt_out_of_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
