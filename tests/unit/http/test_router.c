/* Route matching: literals before parameters, ids parsed and range-checked,
 * 405 with the exact Allow list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"

static void h(http_req_t *req) { (void)req; }

static const route_t routes[] = {
    {"GET", "/jobs/search", h, TIER_SEARCH, CACHE_JOBS, 0},
    {"GET", "/jobs/{id}", h, TIER_STANDARD, CACHE_JOBS, 0},
    {"PATCH", "/jobs/{id}", h, TIER_STANDARD, CACHE_NONE, ROUTE_BODY},
    {"POST", "/jobs", h, TIER_STANDARD, CACHE_NONE, ROUTE_BODY},
    {"DELETE", "/profile/{id}/portfolio/{item_id}", h, TIER_STANDARD, CACHE_NONE, 0},
};
#define N (sizeof(routes) / sizeof(routes[0]))

static void literal_wins_over_parameter(void **state)
{
    router_match_t m;

    (void)state;
    assert_int_equal(router_match(routes, N, "GET", "/jobs/search", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &routes[0]);
    assert_int_equal(router_match(routes, N, "GET", "/jobs/42", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &routes[1]);
    assert_int_equal(m.ids[0], 42);
}

static void two_ids_are_parsed_in_order(void **state)
{
    router_match_t m;

    (void)state;
    assert_int_equal(router_match(routes, N, "DELETE", "/profile/7/portfolio/9", &m),
                     ROUTER_FOUND);
    assert_int_equal(m.nids, 2);
    assert_int_equal(m.ids[0], 7);
    assert_int_equal(m.ids[1], 9);
}

static void bad_ids_give_bad_id_with_the_parameter_name(void **state)
{
    const char *bad[] = {"/jobs/0", "/jobs/-3", "/jobs/01", "/jobs/9223372036854775808",
                         "/jobs/1x", "/jobs/ 1"};
    router_match_t m;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(router_match(routes, N, "GET", bad[i], &m), ROUTER_BAD_ID);
        assert_string_equal(m.bad_param, "id");
    }
    assert_int_equal(router_match(routes, N, "DELETE", "/profile/1/portfolio/x", &m),
                     ROUTER_BAD_ID);
    assert_string_equal(m.bad_param, "item_id");
}

static void largest_id_is_accepted(void **state)
{
    router_match_t m;

    (void)state;
    assert_int_equal(router_match(routes, N, "GET", "/jobs/9223372036854775807", &m),
                     ROUTER_FOUND);
    assert_true(m.ids[0] == INT64_MAX);
}

static void wrong_method_lists_exactly_the_allowed(void **state)
{
    router_match_t m;

    (void)state;
    assert_int_equal(router_match(routes, N, "PUT", "/jobs/5", &m), ROUTER_BAD_METHOD);
    assert_string_equal(m.allow, "GET, PATCH, HEAD");
    assert_int_equal(router_match(routes, N, "POST", "/jobs/search", &m),
                     ROUTER_BAD_METHOD);
    assert_string_equal(m.allow, "GET, HEAD");
    assert_int_equal(router_match(routes, N, "GET", "/jobs", &m), ROUTER_BAD_METHOD);
    assert_string_equal(m.allow, "POST");
}

static void head_matches_get_routes(void **state)
{
    router_match_t m;

    (void)state;
    assert_int_equal(router_match(routes, N, "HEAD", "/jobs/5", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &routes[1]);
}

static void unknown_shapes_are_not_found(void **state)
{
    const char *paths[] = {"", "/", "/jobs/", "/jobs/5/", "/jobs//5", "/job/5",
                           "/jobs/5/x", "//jobs"};
    router_match_t m;

    (void)state;
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        assert_int_equal(router_match(routes, N, "GET", paths[i], &m),
                         ROUTER_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_wins_over_parameter),
        cmocka_unit_test(two_ids_are_parsed_in_order),
        cmocka_unit_test(bad_ids_give_bad_id_with_the_parameter_name),
        cmocka_unit_test(largest_id_is_accepted),
        cmocka_unit_test(wrong_method_lists_exactly_the_allowed),
        cmocka_unit_test(head_matches_get_routes),
        cmocka_unit_test(unknown_shapes_are_not_found),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
