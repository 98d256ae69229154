/* The limiter as the server uses it, on an injected clock: each tier's
 * limit and refill from the configuration, separate buckets per client and
 * tier, nothing kept when disabled, and the snapshot the admin view shows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config.h"
#include "obs/log.h"
#include "ratelimit/limiter.h"
#include "ratelimit/redis.h"

static int64_t fake_now = 1000 * RL_US;

static int64_t fake_clock(void)
{
    return fake_now;
}

static void start(config_t *c)
{
    rl_clock_set(fake_clock);
    assert_int_equal(rl_start(c), 0);
}

static void stop(void **state)
{
    (void)state;
    rl_stop();
    rl_clock_set(NULL);
}

/* Spends a fresh client's bucket of tier; returns how many passed. */
static int spend(int tier, const char *key, int tries)
{
    rl_verdict_t v;
    int passed = 0;

    for (int i = 0; i < tries; i++) {
        rl_take(tier, key, &v);
        passed += v.allowed;
    }
    return passed;
}

static void each_tier_has_its_configured_limit_and_refill(void **state)
{
    const struct { int tier; int limit; int period_s; } tiers[] = {
        {RL_TIER_STANDARD, 7, 60}, {RL_TIER_STRICT, 2, 60},
        {RL_TIER_LENIENT, 30, 60}, {RL_TIER_AUTH, 3, 300},
        {RL_TIER_SEARCH, 4, 60},
    };
    config_t c;
    rl_verdict_t v;
    char key[32];

    (void)state;
    config_init(&c);
    c.rate_limit_standard = 7;
    c.rate_limit_strict = 2;
    c.rate_limit_lenient = 30;
    c.rate_limit_auth = 3;
    c.rate_limit_search = 4;
    start(&c);
    for (size_t i = 0; i < sizeof(tiers) / sizeof(tiers[0]); i++) {
        int limit = tiers[i].limit;
        int64_t interval = (int64_t)tiers[i].period_s * RL_US / limit;
        snprintf(key, sizeof(key), "ip:192.0.2.%zu", i);
        assert_int_equal(spend(tiers[i].tier, key, limit + 3), limit);
        rl_take(tiers[i].tier, key, &v);
        assert_false(v.allowed);
        assert_int_equal(v.limit, limit);
        assert_int_equal(v.reset_s, tiers[i].period_s);
        assert_int_equal(v.retry_after_s, (interval + RL_US - 1) / RL_US);
        /* One interval later exactly one more passes. */
        fake_now += interval;
        assert_int_equal(spend(tiers[i].tier, key, 3), 1);
        /* A whole period later, the whole limit again. */
        fake_now += (int64_t)tiers[i].period_s * RL_US;
        assert_int_equal(spend(tiers[i].tier, key, limit + 1), limit);
    }
    stop(state);
}

static void clients_and_tiers_have_separate_buckets(void **state)
{
    config_t c;

    (void)state;
    config_init(&c);
    c.rate_limit_standard = 3;
    c.rate_limit_search = 3;
    start(&c);
    assert_int_equal(spend(RL_TIER_STANDARD, "user:1", 5), 3);
    assert_int_equal(spend(RL_TIER_STANDARD, "user:2", 5), 3);
    assert_int_equal(spend(RL_TIER_SEARCH, "user:1", 5), 3);
    assert_int_equal(spend(RL_TIER_STANDARD, "ip:127.0.0.1", 5), 3);
    stop(state);
}

static void disabled_limiter_passes_everything(void **state)
{
    config_t c;
    rl_snapshot_t s;

    (void)state;
    config_init(&c);
    c.rate_limit_enabled = false;
    c.rate_limit_strict = 1;
    start(&c);
    assert_false(rl_is_enabled());
    assert_int_equal(spend(RL_TIER_STRICT, "user:1", 50), 50);
    rl_snapshot(&s);
    assert_false(s.enabled);
    assert_int_equal(s.local.capacity, 0);
    stop(state);
}

static void snapshot_reports_the_hour_and_the_memory(void **state)
{
    config_t c;
    rl_snapshot_t s;

    (void)state;
    config_init(&c);
    c.rate_limit_max_buckets = 1024;
    start(&c);
    for (int i = 0; i < 4; i++)
        rl_note_request(RL_TIER_SEARCH);
    rl_note_refusal(RL_TIER_SEARCH, "ip:198.51.100.1");
    rl_note_refusal(RL_TIER_SEARCH, "ip:198.51.100.1");
    rl_note_refusal(RL_TIER_AUTH, "user:5");
    spend(RL_TIER_STANDARD, "user:9", 1);
    rl_snapshot(&s);
    assert_true(s.enabled);
    assert_false(s.redis_configured);
    assert_int_equal(s.tiers[RL_TIER_SEARCH].requests, 4);
    assert_int_equal(s.tiers[RL_TIER_SEARCH].refused, 2);
    assert_int_equal(s.tiers[RL_TIER_AUTH].period_s, 300);
    assert_int_equal(s.ntop, 2);
    assert_string_equal(s.top[0].key, "ip:198.51.100.1");
    assert_int_equal(s.top[0].refused, 2);
    assert_int_equal(s.local.buckets, 1);
    assert_true(s.local.capacity >= 1024);
    /* An hour later it is all gone from the statistics. */
    fake_now += 3600 * RL_US;
    rl_snapshot(&s);
    assert_int_equal(s.tiers[RL_TIER_SEARCH].requests, 0);
    assert_int_equal(s.ntop, 0);
    stop(state);
}

static void bad_trusted_proxies_stop_the_start(void **state)
{
    config_t c;

    (void)state;
    config_init(&c);
    snprintf(c.trusted_proxies, sizeof(c.trusted_proxies), "10.0.0.1, nope");
    assert_int_equal(rl_start(&c), FH_EINVAL);
    rl_stop();
}

static void config_names_a_bad_proxy_list_or_redis_url(void **state)
{
    const char *bad_urls[] = {"http://localhost", "redis://", "redis://:6379",
                              "redis://h:0", "redis://h:70000", "redis://h:12x",
                              "redis://h:6379/x", "redis://u:p@h:6379"};
    char err[FH_CONFIG_ERR_LEN];
    char host[64];
    int port, db;
    config_t c;

    (void)state;
    config_init(&c);
    snprintf(c.trusted_proxies, sizeof(c.trusted_proxies), "10.0.0.0/8, ::1");
    snprintf(c.redis_url, sizeof(c.redis_url), "redis://127.0.0.1:6390/2");
    assert_int_equal(config_validate(&c, err), 0);
    assert_int_equal(rl_redis_url_parse(c.redis_url, host, sizeof(host), &port,
                                        &db, err, sizeof(err)), 0);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 6390);
    assert_int_equal(db, 2);
    assert_int_equal(rl_redis_url_parse("redis://cache", host, sizeof(host),
                                        &port, &db, err, sizeof(err)), 0);
    assert_int_equal(port, 6379);
    assert_int_equal(db, 0);
    for (size_t i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++) {
        snprintf(c.redis_url, sizeof(c.redis_url), "%s", bad_urls[i]);
        assert_int_equal(config_validate(&c, err), FH_EINVAL);
        assert_non_null(strstr(err, "REDIS_URL"));
    }
    c.redis_url[0] = '\0';
    snprintf(c.trusted_proxies, sizeof(c.trusted_proxies), "10.0.0.0/40");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);
    assert_non_null(strstr(err, "TRUSTED_PROXIES"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_tier_has_its_configured_limit_and_refill),
        cmocka_unit_test(clients_and_tiers_have_separate_buckets),
        cmocka_unit_test(disabled_limiter_passes_everything),
        cmocka_unit_test(snapshot_reports_the_hour_and_the_memory),
        cmocka_unit_test(bad_trusted_proxies_stop_the_start),
        cmocka_unit_test(config_names_a_bad_proxy_list_or_redis_url),
    };
    log_open(NULL, LOG_ERROR + 1, false);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
