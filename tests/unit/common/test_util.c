/* Time parsing and formatting, integer parsing, UTF-8 checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"

static void rfc3339_round_trips(void **state)
{
    char buf[FH_TIME_BUF];
    int64_t t;

    (void)state;
    assert_int_equal(fh_time_parse("2024-05-13T09:44:00Z", &t), 0);
    assert_true(t == 1715593440);
    fh_time_format(t, buf);
    assert_string_equal(buf, "2024-05-13T09:44:00Z");
}

static void offsets_and_fractions_become_utc(void **state)
{
    int64_t a, b, c;

    (void)state;
    assert_int_equal(fh_time_parse("2024-05-13T11:44:00+02:00", &a), 0);
    assert_int_equal(fh_time_parse("2024-05-13T09:44:00.999Z", &b), 0);
    assert_int_equal(fh_time_parse("2024-05-13", &c), 0);
    assert_true(a == 1715593440);
    assert_true(b == 1715593440);
    assert_true(c == 1715558400);
}

static void bad_times_are_refused(void **state)
{
    const char *bad[] = {"", "2024", "2024-13-01", "2024-02-30", "2023-02-29",
                         "2024-05-13T25:00:00Z", "2024-05-13T09:44:00",
                         "2024-05-13T09:44:00Zjunk", "2024-05-13T09:44Z",
                         "1969-12-31", "24-05-13", "2024-05-13T09:44:00+2:00",
                         "2024-05-13T09:44:00.Z"};
    int64_t t;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(fh_time_parse(bad[i], &t), FH_EMALFORMED);
    assert_int_equal(fh_time_parse("2024-02-29", &t), 0);
}

static void integers_parse_whole_or_not_at_all(void **state)
{
    int64_t v;

    (void)state;
    assert_int_equal(fh_parse_int64("42", &v), 0);
    assert_true(v == 42);
    assert_int_equal(fh_parse_int64("-7", &v), 0);
    assert_true(v == -7);
    assert_int_equal(fh_parse_int64("9223372036854775807", &v), 0);
    assert_int_equal(fh_parse_int64("9223372036854775808", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64("", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64(" 1", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64("1 ", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64("+1", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64("0x10", &v), FH_EMALFORMED);
    assert_int_equal(fh_parse_int64("1.0", &v), FH_EMALFORMED);
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(fh_utf8_valid("caf\xc3\xa9", 5));
    assert_true(fh_utf8_valid("\xf0\x9f\x9a\x80", 4));
    assert_false(fh_utf8_valid("\xff", 1));
    assert_false(fh_utf8_valid("\xc0\xaf", 2));          /* overlong */
    assert_false(fh_utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
    assert_false(fh_utf8_valid("\xc3", 1));              /* cut short */
    assert_false(fh_utf8_valid("a\0b", 3));              /* NUL */
    assert_false(fh_utf8_valid("\xf4\x90\x80\x80", 4));  /* past U+10FFFF */
    assert_int_equal(fh_utf8_len("caf\xc3\xa9"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_round_trips),
        cmocka_unit_test(offsets_and_fractions_become_utc),
        cmocka_unit_test(bad_times_are_refused),
        cmocka_unit_test(integers_parse_whole_or_not_at_all),
        cmocka_unit_test(utf8_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
