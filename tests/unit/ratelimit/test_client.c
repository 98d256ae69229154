/* Who a request counts against: the peer unless it is a trusted proxy, then
 * the right-most untrusted X-Forwarded-For entry; spoofed entries to the
 * left never count; IPv6 by /64; TRUSTED_PROXIES parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "ratelimit/client.h"

static rl_proxies_t proxies(const char *text)
{
    rl_proxies_t p;
    char err[128];

    assert_int_equal(rl_proxies_parse(text, &p, err, sizeof(err)), 0);
    return p;
}

static const char *who(const rl_proxies_t *p, const char *peer,
                       const char *xff)
{
    static char out[RL_ADDR_LEN];
    const char *v[1] = {xff};

    rl_client_address(p, peer, v, xff ? 1 : 0, out);
    return out;
}

static void proxy_list_takes_addresses_and_cidr_blocks(void **state)
{
    rl_proxies_t p = proxies(" 10.0.0.1, 192.168.0.0/16,fd00::/8 ,::1,,");
    char err[128];

    (void)state;
    assert_int_equal(p.n, 4);
    assert_true(rl_proxies_has(&p, "10.0.0.1"));
    assert_false(rl_proxies_has(&p, "10.0.0.2"));
    assert_true(rl_proxies_has(&p, "192.168.250.3"));
    assert_false(rl_proxies_has(&p, "192.169.0.1"));
    assert_true(rl_proxies_has(&p, "fd12::5"));
    assert_true(rl_proxies_has(&p, "::1"));
    assert_true(rl_proxies_has(&p, "::ffff:10.0.0.1"));
    assert_false(rl_proxies_has(&p, "fe80::1"));
    p = proxies("");
    assert_int_equal(p.n, 0);
    p = proxies("10.1.2.3/0");
    assert_true(rl_proxies_has(&p, "8.8.8.8"));
    assert_false(rl_proxies_has(&p, "::1"));

    const char *bad[] = {"10.0.0", "10.0.0.1/33", "fd00::/129", "host.local",
                         "10.0.0.1/", "10.0.0.1/x", "1.2.3.4/-1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(rl_proxies_parse(bad[i], &p, err, sizeof(err)),
                         FH_EINVAL);
        assert_non_null(strstr(err, "TRUSTED_PROXIES"));
    }
}

static void header_is_ignored_without_trusted_proxies(void **state)
{
    rl_proxies_t none = proxies("");

    (void)state;
    assert_string_equal(who(&none, "127.0.0.1", "10.0.0.1"), "127.0.0.1");
    assert_string_equal(who(&none, "127.0.0.1", "10.0.0.2, 10.0.0.3"),
                        "127.0.0.1");
    /* A trusted list that does not hold the peer changes nothing either. */
    rl_proxies_t other = proxies("10.9.9.9");
    assert_string_equal(who(&other, "127.0.0.1", "10.0.0.1"), "127.0.0.1");
}

static void right_most_untrusted_entry_is_the_client(void **state)
{
    rl_proxies_t p = proxies("127.0.0.1, 10.0.0.0/8");

    (void)state;
    /* The client wrote "1.1.1.1"; the proxy appended the real address. */
    assert_string_equal(who(&p, "127.0.0.1", "1.1.1.1, 203.0.113.5"),
                        "203.0.113.5");
    assert_string_equal(who(&p, "127.0.0.1", "1.1.1.2, 203.0.113.5"),
                        "203.0.113.5");
    /* Chains of trusted proxies are walked through. */
    assert_string_equal(who(&p, "127.0.0.1", "6.6.6.6, 203.0.113.5, 10.1.1.1,"
                                             " 10.2.2.2"), "203.0.113.5");
    /* Every hop trusted: the left-most one. */
    assert_string_equal(who(&p, "127.0.0.1", "10.3.3.3, 10.1.1.1"), "10.3.3.3");
    /* No header, an empty one: the proxy itself. */
    assert_string_equal(who(&p, "127.0.0.1", NULL), "127.0.0.1");
    assert_string_equal(who(&p, "127.0.0.1", " , "), "127.0.0.1");
    /* Junk stops the walk at the last trusted hop, never keys on the junk. */
    assert_string_equal(who(&p, "127.0.0.1", "203.0.113.9, unknown, 10.1.1.1"),
                        "10.1.1.1");
    assert_string_equal(who(&p, "127.0.0.1", "x"), "127.0.0.1");
    /* Ports and brackets as some proxies write them. */
    assert_string_equal(who(&p, "127.0.0.1", "198.51.100.7:4711"),
                        "198.51.100.7");
    assert_string_equal(who(&p, "127.0.0.1", "[2001:db8::1]:443"),
                        "2001:db8::/64");
}

static void several_headers_are_read_in_order(void **state)
{
    rl_proxies_t p = proxies("127.0.0.1");
    const char *v[] = {"1.1.1.1, 2.2.2.2", "203.0.113.5"};
    char out[RL_ADDR_LEN];

    (void)state;
    rl_client_address(&p, "127.0.0.1", v, 2, out);
    assert_string_equal(out, "203.0.113.5");
}

static void ipv6_clients_count_by_their_64(void **state)
{
    rl_proxies_t p = proxies("::1");
    char a[RL_ADDR_LEN];

    (void)state;
    snprintf(a, sizeof(a), "%s", who(&p, "::1", "2001:db8:1:2:aaaa::1"));
    assert_string_equal(a, "2001:db8:1:2::/64");
    assert_string_equal(who(&p, "::1", "2001:db8:1:2:ffff:ffff:ffff:ffff"), a);
    assert_string_equal(who(&p, "::1", "2001:db8:1:3::1"), "2001:db8:1:3::/64");
    /* The peer itself, when not a proxy. */
    rl_proxies_t none = proxies("");
    assert_string_equal(who(&none, "2001:db8:5:6:7:8:9:a", NULL),
                        "2001:db8:5:6::/64");
    /* IPv4 in IPv6 is IPv4. */
    assert_string_equal(who(&none, "::ffff:192.0.2.1", NULL), "192.0.2.1");
}

static void long_chains_are_read_from_the_right_only(void **state)
{
    rl_proxies_t p = proxies("127.0.0.1");
    char chain[4096] = "";

    (void)state;
    for (int i = 0; i < 200; i++)
        strcat(chain, "9.9.9.9, ");
    strcat(chain, "203.0.113.77");
    assert_string_equal(who(&p, "127.0.0.1", chain), "203.0.113.77");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proxy_list_takes_addresses_and_cidr_blocks),
        cmocka_unit_test(header_is_ignored_without_trusted_proxies),
        cmocka_unit_test(right_most_untrusted_entry_is_the_client),
        cmocka_unit_test(several_headers_are_read_in_order),
        cmocka_unit_test(ipv6_clients_count_by_their_64),
        cmocka_unit_test(long_chains_are_read_from_the_right_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
