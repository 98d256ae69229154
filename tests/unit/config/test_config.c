/* Settings: defaults, environment, flags, and one clear line per bad value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config.h"
#include "obs/log.h"

static void defaults_match_the_design(void **state)
{
    config_t c;

    (void)state;
    config_init(&c);
    assert_string_equal(c.host, "127.0.0.1");
    assert_int_equal(c.port, 8080);
    assert_string_equal(c.database_url, "sqlite:data/freelance-hub.db");
    assert_int_equal(c.slow_query_ms, 100);
    assert_int_equal(c.cache_default_ttl, 120);
    assert_int_equal(c.cache_ttl_profile, 300);
    assert_int_equal(c.cache_ttl_jobs, 60);
    assert_int_equal(c.rate_limit_standard, 60);
    assert_int_equal(c.db_pool_size, 0);
    assert_int_equal(c.db_pool_timeout_ms, 2000);
}

static void environment_then_flags(void **state)
{
    char err[FH_CONFIG_ERR_LEN];
    char *argv[] = {"prog", "--port", "9000", "--log-level=debug", "--jobs", "5"};
    int rest[8], nrest;
    config_t c;

    (void)state;
    config_init(&c);
    setenv("PORT", "8181", 1);
    setenv("CACHE_ENABLED", "false", 1);
    assert_int_equal(config_load_env(&c, err), 0);
    assert_int_equal(c.port, 8181);
    assert_false(c.cache_enabled);
    assert_int_equal(config_load_args(&c, 6, argv, 1, rest, &nrest, err), 0);
    assert_int_equal(c.port, 9000);
    assert_int_equal(c.log_level, LOG_DEBUG);
    assert_int_equal(nrest, 2);  /* --jobs 5 is left for the subcommand */
    assert_int_equal(rest[0], 4);
    unsetenv("PORT");
    unsetenv("CACHE_ENABLED");
}

static void bad_values_name_the_variable(void **state)
{
    char err[FH_CONFIG_ERR_LEN];
    config_t c;

    (void)state;
    config_init(&c);
    setenv("PORT", "70000", 1);
    assert_int_equal(config_load_env(&c, err), FH_EINVAL);
    assert_non_null(strstr(err, "PORT"));
    setenv("PORT", "abc", 1);
    assert_int_equal(config_load_env(&c, err), FH_EINVAL);
    unsetenv("PORT");
    setenv("RATE_LIMIT_ENABLED", "maybe", 1);
    assert_int_equal(config_load_env(&c, err), FH_EINVAL);
    assert_non_null(strstr(err, "RATE_LIMIT_ENABLED"));
    unsetenv("RATE_LIMIT_ENABLED");
    setenv("LOG_LEVEL", "loud", 1);
    assert_int_equal(config_load_env(&c, err), FH_EINVAL);
    assert_non_null(strstr(err, "LOG_LEVEL"));
    unsetenv("LOG_LEVEL");
}

static void database_url_must_name_an_engine(void **state)
{
    char err[FH_CONFIG_ERR_LEN];
    config_t c;

    (void)state;
    config_init(&c);
    strcpy(c.database_url, "mysql://x");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);
    assert_non_null(strstr(err, "DATABASE_URL"));
    strcpy(c.database_url, "sqlite:");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);
    strcpy(c.database_url, "postgresql://localhost/fh");
    assert_int_equal(config_validate(&c, err), 0);
    strcpy(c.database_url, "postgres:///fh?host=/tmp");
    assert_int_equal(config_validate(&c, err), 0);
    strcpy(c.database_url, "postgresq://localhost/fh");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);
    strcpy(c.database_url, "sqlite:/tmp/x.db");
    assert_int_equal(config_validate(&c, err), 0);
}

static void database_read_url_needs_postgresql_on_both_sides(void **state)
{
    char err[FH_CONFIG_ERR_LEN];
    config_t c;

    (void)state;
    config_init(&c);
    strcpy(c.database_read_url, "postgresql:///fh?host=/tmp/replica");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);  /* on SQLite */
    assert_non_null(strstr(err, "DATABASE_READ_URL"));
    strcpy(c.database_url, "postgresql:///fh?host=/tmp/primary");
    assert_int_equal(config_validate(&c, err), 0);
    strcpy(c.database_read_url, "sqlite:/tmp/x.db");
    assert_int_equal(config_validate(&c, err), FH_EINVAL);
    c.database_read_url[0] = '\0';
    assert_int_equal(config_validate(&c, err), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_the_design),
        cmocka_unit_test(environment_then_flags),
        cmocka_unit_test(bad_values_name_the_variable),
        cmocka_unit_test(database_url_must_name_an_engine),
        cmocka_unit_test(database_read_url_needs_postgresql_on_both_sides),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
