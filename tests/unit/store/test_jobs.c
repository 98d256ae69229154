/* The search text of GET /jobs/search turned into an FTS5 query: words are
 * literal phrases, repeats count once, and the count stops past the cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "store/jobs.h"

static int match(const char *text, char *out)
{
    return store_jobs_match_text(text, out, 4001);
}

static void words_become_quoted_phrases(void **state)
{
    char out[4001];

    (void)state;
    assert_int_equal(match("Go c++ say\"hi", out), 3);
    assert_string_equal(out, "\"Go\" \"c++\" \"say\"\"hi\"");
    assert_int_equal(match("  - \" ( ", out), 0);
    assert_string_equal(out, "");
}

static void repeats_up_to_case_and_punctuation_count_once(void **state)
{
    char out[4001];

    (void)state;
    assert_int_equal(match("a A a. (a) a,a a", out), 2);
    assert_string_equal(out, "\"a\" \"a,a\"");
    assert_int_equal(match("go Go GO. c c++ c# C#", out), 4);
    assert_string_equal(out, "\"go\" \"c\" \"c++\" \"c#\"");
    /* Different tokens stay apart: "don't" is the phrase "don t". */
    assert_int_equal(match("don't dont don-t", out), 2);
    assert_string_equal(out, "\"don't\" \"dont\"");
    assert_int_equal(match("caf\xc3\xa9 CAF\xc3\xa9 caf\xc3\xa9!", out), 1);
}

static void count_stops_past_the_cap(void **state)
{
    char text[512] = "", out[4001];

    (void)state;
    for (int i = 0; i < 30; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "w%d ", i);
    assert_int_equal(match(text, out), JOBS_TEXT_WORDS_MAX + 1);
    text[0] = '\0';
    for (int i = 0; i < JOBS_TEXT_WORDS_MAX; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "w%d w%d ", i, i);
    assert_int_equal(match(text, out), JOBS_TEXT_WORDS_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words_become_quoted_phrases),
        cmocka_unit_test(repeats_up_to_case_and_punctuation_count_once),
        cmocka_unit_test(count_stops_past_the_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
