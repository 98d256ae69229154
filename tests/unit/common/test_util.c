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

/* A deadline lies ms after the clock's now, its nanoseconds in range
 * whatever the carry. */
static void deadlines_carry_into_seconds(void **state)
{
    static const int64_t waits[] = {0, 1, 999, 1000, 1999, 2500, 60000};

    (void)state;
    for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
        struct timespec before, after, d;
        clock_gettime(CLOCK_MONOTONIC, &before);
        d = fh_deadline_in(CLOCK_MONOTONIC, waits[i]);
        clock_gettime(CLOCK_MONOTONIC, &after);
        int64_t dn = (int64_t)d.tv_sec * 1000000000 + d.tv_nsec;
        int64_t lo = (int64_t)before.tv_sec * 1000000000 + before.tv_nsec +
                     waits[i] * 1000000;
        int64_t hi = (int64_t)after.tv_sec * 1000000000 + after.tv_nsec +
                     waits[i] * 1000000;
        assert_true(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
        assert_true(dn >= lo && dn <= hi);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_round_trips),
        cmocka_unit_test(offsets_and_fractions_become_utc),
        cmocka_unit_test(bad_times_are_refused),
        cmocka_unit_test(integers_parse_whole_or_not_at_all),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(deadlines_carry_into_seconds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
