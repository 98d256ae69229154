/* ETags, If-None-Match, Accept-Encoding and gzip of cached bodies, and the
 * REDIS_URL forms the Redis tier takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "cache/codec.h"
#include "cache/redis.h"

static void etags_are_strong_and_differ_by_form(void **state)
{
    char plain[CACHE_ETAG_LEN], gz[CACHE_ETAG_LEN];
    uint64_t h = cache_etag_hash("{\"a\":1}", 7);

    (void)state;
    cache_etag_format(h, false, plain);
    cache_etag_format(h, true, gz);
    assert_int_equal(strlen(plain), 18);
    assert_true(plain[0] == '"' && plain[17] == '"');
    assert_string_not_equal(plain, gz);
    assert_true(strstr(gz, "-gz\"") != NULL);
    assert_int_not_equal(h, cache_etag_hash("{\"a\":2}", 7));
    assert_int_equal(h, cache_etag_hash("{\"a\":1}", 7));
}

static void if_none_match_lists_and_wildcards(void **state)
{
    const char *e = "\"0123456789abcdef\"";

    (void)state;
    assert_true(cache_etag_matches("\"0123456789abcdef\"", e));
    assert_true(cache_etag_matches("W/\"0123456789abcdef\"", e));
    assert_true(cache_etag_matches("\"x\", \"0123456789abcdef\"", e));
    assert_true(cache_etag_matches("\"x\",W/\"0123456789abcdef\" ", e));
    assert_true(cache_etag_matches("*", e));
    assert_false(cache_etag_matches(NULL, e));
    assert_false(cache_etag_matches("", e));
    assert_false(cache_etag_matches("\"0123456789abcde\"", e));
    assert_false(cache_etag_matches("\"0123456789abcdef-gz\"", e));
    assert_false(cache_etag_matches("0123456789abcdef", e));
    assert_false(cache_etag_matches("\"0123456789abcdef", e));
}

static void accept_encoding_takes_gzip_only_when_offered(void **state)
{
    (void)state;
    assert_true(cache_accepts_gzip("gzip"));
    assert_true(cache_accepts_gzip("GZIP"));
    assert_true(cache_accepts_gzip("deflate, gzip;q=0.5, br"));
    assert_true(cache_accepts_gzip("x-gzip"));
    assert_true(cache_accepts_gzip("*"));
    assert_true(cache_accepts_gzip("br ; q=1, gzip ; q=0.1"));
    assert_false(cache_accepts_gzip(NULL));
    assert_false(cache_accepts_gzip(""));
    assert_false(cache_accepts_gzip("identity"));
    assert_false(cache_accepts_gzip("gzip;q=0"));
    assert_false(cache_accepts_gzip("gzip;q=0.0, deflate"));
    assert_false(cache_accepts_gzip("*, gzip;q=0"));
    assert_false(cache_accepts_gzip("*;q=0"));
    assert_false(cache_accepts_gzip("gzipx, xgzip"));
}

static void gzip_round_trips(void **state)
{
    char in[5000], back[6000];
    char *gz = NULL;
    size_t gz_len = 0;
    z_stream z;

    (void)state;
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = "{\"items\":[1,2,3]}"[i % 17];
    assert_int_equal(cache_gzip(in, sizeof(in), 6, &gz, &gz_len), 0);
    assert_true(gz_len < sizeof(in) / 4);
    assert_true((unsigned char)gz[0] == 0x1f && (unsigned char)gz[1] == 0x8b);
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)gz_len;
    z.next_out = (Bytef *)back;
    z.avail_out = sizeof(back);
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, sizeof(in));
    assert_memory_equal(back, in, sizeof(in));
    inflateEnd(&z);
    free(gz);
    /* Nothing to gain: refused, nothing allocated. */
    assert_int_equal(cache_gzip("ab", 2, 6, &gz, &gz_len), -4);
}

static void redis_urls_parse_or_name_the_variable(void **state)
{
    char err[CACHE_REDIS_ERR_LEN];
    cache_redis_url_t u;

    (void)state;
    assert_int_equal(cache_redis_url_parse("redis://127.0.0.1:6380/2", &u,
                                           err), 0);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 2);
    assert_int_equal(cache_redis_url_parse("redis://cache.local", &u, err), 0);
    assert_string_equal(u.host, "cache.local");
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_int_equal(cache_redis_url_parse("redis://:s3cret@h:1/", &u, err),
                     0);
    assert_string_equal(u.password, "s3cret");
    assert_string_equal(u.user, "");
    assert_int_equal(cache_redis_url_parse("redis://app:pw@[::1]:7000", &u,
                                           err), 0);
    assert_string_equal(u.user, "app");
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 7000);
    assert_int_equal(cache_redis_url_parse("unix:/run/redis.sock?db=3", &u,
                                           err), 0);
    assert_string_equal(u.socket, "/run/redis.sock");
    assert_int_equal(u.db, 3);
    assert_int_equal(cache_redis_url_parse("unix:///run/r.sock", &u, err), 0);
    assert_string_equal(u.socket, "/run/r.sock");

    const char *bad[] = {"localhost:6379", "http://h", "redis://", "redis://:1",
                         "redis://h:0", "redis://h:65536", "redis://h:x",
                         "redis://h/x", "redis://h?db=1", "redis://u@h",
                         "redis://[::1", "unix:relative", "unix:/s?x=1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_int_equal(cache_redis_url_parse(bad[i], &u, err), -4);
        assert_true(strncmp(err, "REDIS_URL ", 10) == 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(etags_are_strong_and_differ_by_form),
        cmocka_unit_test(if_none_match_lists_and_wildcards),
        cmocka_unit_test(accept_encoding_takes_gzip_only_when_offered),
        cmocka_unit_test(gzip_round_trips),
        cmocka_unit_test(redis_urls_parse_or_name_the_variable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
