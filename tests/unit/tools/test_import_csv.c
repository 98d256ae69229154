/* The importer's pure parts: the CSV state machine, HTML to plain text,
 * and the dollar amounts of the scraped files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "tools/import.h"
#include "tools/import_csv.h"
#include "tools/import_html.h"

/* Reads every record of text; records are written as fields joined by
 * '|' and records ended by ';' into out. Returns the last result of
 * import_csv_next() (0 at a clean end). */
static int csv_dump(const char *text, char *out, size_t size,
                    import_csv_t *csv)
{
    size_t n = 0;
    int rc;

    import_csv_init(csv, text, strlen(text));
    out[0] = '\0';
    while ((rc = import_csv_next(csv)) == 1) {
        for (size_t i = 0; i < csv->nfields; i++)
            n += (size_t)snprintf(out + n, size - n, "%s%s", i ? "|" : "",
                                  import_csv_field(csv, i));
        n += (size_t)snprintf(out + n, size - n, ";");
    }
    return rc;
}

static void expect_csv(const char *text, const char *want)
{
    import_csv_t csv;
    char out[512];

    assert_int_equal(csv_dump(text, out, sizeof(out), &csv), 0);
    assert_string_equal(out, want);
    import_csv_cleanup(&csv);
}

static void csv_plain_records_with_and_without_final_newline(void **state)
{
    (void)state;
    expect_csv("a,b,c\n1,2,3\n", "a|b|c;1|2|3;");
    expect_csv("a,b,c\n1,2,3", "a|b|c;1|2|3;");
    expect_csv("a,b\r\n1,2\r\n", "a|b;1|2;");
    expect_csv("a,b\r\n1,2", "a|b;1|2;");
    expect_csv("", "");
    expect_csv("only", "only;");
}

static void csv_quoted_fields_keep_separators_and_line_breaks(void **state)
{
    (void)state;
    expect_csv("\"a,b\",c\n", "a,b|c;");
    expect_csv("x,\"Est. budget:\n$1,000.00\",y\r\nz,w,v\r\n",
               "x|Est. budget:\n$1,000.00|y;z|w|v;");
    /* A CRLF inside quotes is data; one outside ends the record. */
    expect_csv("\"one\r\ntwo\",3\r\n4,5", "one\r\ntwo|3;4|5;");
    expect_csv("h\n\"5.0\n\",\"128)\nCER\"\n", "h;5.0\n|128)\nCER;");
}

static void csv_doubled_quotes_are_one_quote(void **state)
{
    (void)state;
    expect_csv("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x;");
    expect_csv("\"\"\"\"\n", "\";");
    expect_csv("\"<a href=\"\"u\"\">x</a>\"", "<a href=\"u\">x</a>;");
}

static void csv_empty_fields_are_kept(void **state)
{
    import_csv_t csv;

    (void)state;
    expect_csv("a,,c\n", "a||c;");
    expect_csv(",\n", "|;");
    expect_csv("\"\",x\n", "|x;");
    expect_csv("a,\n", "a|;");

    import_csv_init(&csv, ",,", 2);
    assert_int_equal(import_csv_next(&csv), 1);
    assert_int_equal(csv.nfields, 3);
    assert_int_equal(import_csv_field_len(&csv, 2), 0);
    assert_null(import_csv_field(&csv, 3));
    assert_int_equal(import_csv_next(&csv), 0);
    import_csv_cleanup(&csv);
}

static void csv_blank_lines_between_records_are_skipped(void **state)
{
    (void)state;
    expect_csv("a\n\n\nb\n\n", "a;b;");
    expect_csv("a\r\n\r\nb\r\n", "a;b;");
}

static void csv_record_line_counts_line_breaks_inside_quotes(void **state)
{
    import_csv_t csv;
    const char *text = "h1,h2\n\"x\ny\nz\",2\nlast,3\n";

    (void)state;
    import_csv_init(&csv, text, strlen(text));
    assert_int_equal(import_csv_next(&csv), 1);
    assert_int_equal(csv.record_line, 1);
    assert_int_equal(import_csv_next(&csv), 1);
    assert_int_equal(csv.record_line, 2);
    assert_string_equal(import_csv_field(&csv, 0), "x\ny\nz");
    assert_int_equal(import_csv_next(&csv), 1);
    assert_int_equal(csv.record_line, 5);
    assert_int_equal(import_csv_next(&csv), 0);
    import_csv_cleanup(&csv);
}

static void csv_unterminated_quote_fails_with_its_line(void **state)
{
    import_csv_t csv;
    char out[256];

    (void)state;
    assert_int_equal(csv_dump("a,b\n1,2\n3,\"open\nstill open\n", out,
                              sizeof(out), &csv), FH_EMALFORMED);
    assert_int_equal(csv.error_line, 3);
    assert_non_null(strstr(csv.error, "never closed"));
    assert_string_equal(out, "a|b;1|2;");
    import_csv_cleanup(&csv);
}

static void csv_text_after_closing_quote_fails_with_its_line(void **state)
{
    import_csv_t csv;
    char out[256];

    (void)state;
    assert_int_equal(csv_dump("a\n\"x\ny\"z,1\n", out, sizeof(out), &csv),
                     FH_EMALFORMED);
    assert_int_equal(csv.error_line, 3);
    assert_non_null(csv.error);
    import_csv_cleanup(&csv);
}

static void csv_fields_may_be_changed_in_place(void **state)
{
    import_csv_t csv;

    (void)state;
    import_csv_init(&csv, "ab,cd", 5);
    assert_int_equal(import_csv_next(&csv), 1);
    import_csv_field(&csv, 0)[0] = 'X';
    assert_string_equal(import_csv_field(&csv, 0), "Xb");
    assert_string_equal(import_csv_field(&csv, 1), "cd");
    import_csv_cleanup(&csv);
}

static void expect_decode(const char *in, const char *want)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "%s", in);
    assert_int_equal(import_html_decode(buf), strlen(want));
    assert_string_equal(buf, want);
}

static void html_named_and_numeric_references_decode(void **state)
{
    (void)state;
    expect_decode("Tom &amp; Jerry", "Tom & Jerry");
    expect_decode("a&nbsp;b", "a\xC2\xA0" "b");
    expect_decode("it&#039;s", "it's");
    expect_decode("it&#x27;s &#X27;", "it's '");
    expect_decode("don&rsquo;t", "don\xE2\x80\x99t");
    expect_decode("caf&eacute;", "caf\xC3\xA9");
    expect_decode("&lt;b&gt; &quot;q&quot; &apos;", "<b> \"q\" '");
    expect_decode("&bull; &ndash; &hellip; &trade;",
                  "\xE2\x80\xA2 \xE2\x80\x93 \xE2\x80\xA6 \xE2\x84\xA2");
    expect_decode("&#x1F680;", "\xF0\x9F\x9A\x80");
    expect_decode("&thetasym;&ni;", "\xCF\x91\xE2\x88\x8B");
}

static void html_unknown_or_invalid_references_stay(void **state)
{
    (void)state;
    expect_decode("&foo; &Amp; &amp", "&foo; &Amp; &amp");
    expect_decode("R&D & co", "R&D & co");
    expect_decode("&#0; &#xD800; &#1114112; &#x110000;",
                  "&#0; &#xD800; &#1114112; &#x110000;");
    expect_decode("&#7; &#x80; &#; &#x; &#12a;", "&#7; &#x80; &#; &#x; &#12a;");
    expect_decode("&#99999999999999999999;", "&#99999999999999999999;");
    expect_decode("&averyveryverylongname;", "&averyveryverylongname;");
    expect_decode("&", "&");
}

static void expect_text(const char *in, const char *want)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "%s", in);
    assert_int_equal(import_html_to_text(buf), strlen(want));
    assert_string_equal(buf, want);
}

static void html_tags_are_stripped_and_br_becomes_a_line_break(void **state)
{
    (void)state;
    expect_text("<b>Hi</b> there", "Hi there");
    expect_text("one<br />two<br>three<BR/>four", "one\ntwo\nthree\nfour");
    expect_text("a<br /><br /><br /><br />b", "a\n\nb");
    expect_text("Hi<br /><br />\n I am", "Hi\n\nI am");
    expect_text("<p>one</p><p>two</p>", "one\n\ntwo");
    expect_text("<a href=\"https://x.test/?a=1&b=2\">click</a>", "click");
    expect_text("<a title='1 > 0'>ok</a>", "ok");
    expect_text("x<!-- note -->y", "xy");
    expect_text("a<script>alert('<b>')</script>b<style>p{}</style>c", "abc");
}

static void html_text_is_decoded_after_stripping(void **state)
{
    (void)state;
    /* Escaped markup is text, not a tag. */
    expect_text("&lt;b&gt;bold&lt;/b&gt;", "<b>bold</b>");
    expect_text("x < y and y > z", "x < y and y > z");
    expect_text("1 <2", "1 <2");
    expect_text("small&nbsp;&nbsp;(about 107 rows)", "small (about 107 rows)");
    expect_text("&bull;\tOngoing", "\xE2\x80\xA2 Ongoing");
    expect_text("  <br />  padded  <br />  ", "padded");
    expect_text("Fish &amp; Chips &#039;n&#039; more", "Fish & Chips 'n' more");
}

static void html_twice_escaped_references_are_undone(void **state)
{
    char buf[128];

    (void)state;
    snprintf(buf, sizeof(buf), "%s",
             "Financial &amp;amp; KPI, &amp;quot;Get Data&amp;quot;, "
             "R&amp;D, &amp;#039;x&amp;#039;");
    import_html_unescape_twice(buf);
    assert_string_equal(buf, "Financial &amp; KPI, &quot;Get Data&quot;, "
                             "R&amp;D, &#039;x&#039;");
    import_html_to_text(buf);
    assert_string_equal(buf, "Financial & KPI, \"Get Data\", R&D, 'x'");
}

static void text_squash_makes_one_line(void **state)
{
    char buf[64];

    (void)state;
    snprintf(buf, sizeof(buf), "%s", "  Power BI |  JMP\n\tData  ");
    assert_int_equal(import_text_squash(buf), strlen("Power BI | JMP Data"));
    assert_string_equal(buf, "Power BI | JMP Data");
    snprintf(buf, sizeof(buf), "%s", " \n ");
    assert_int_equal(import_text_squash(buf), 0);
}

static void money_amounts_parse_with_commas_and_cents(void **state)
{
    int64_t c, lo, hi;

    (void)state;
    assert_int_equal(import_money_parse("$1,000.00", &c), 0);
    assert_true(c == 100000);
    assert_int_equal(import_money_parse(" 25.0 ", &c), 0);
    assert_true(c == 2500);
    assert_int_equal(import_money_parse("$21,000", &c), 0);
    assert_true(c == 2100000);
    assert_int_equal(import_money_parse("$9,999,999.99", &c), 0);
    assert_true(c == 999999999);
    assert_int_equal(import_money_parse("7.500", &c), 0);
    assert_true(c == 750);
    assert_int_equal(import_money_range_parse(" $25.00 - $35.00", &lo, &hi), 0);
    assert_true(lo == 2500 && hi == 3500);
    assert_int_equal(import_money_range_parse(" $4.00-$4.00\n", &lo, &hi), 0);
    assert_true(lo == 400 && hi == 400);
    assert_int_equal(import_money_range_parse(" $55.00<br />", &lo, &hi), 0);
    assert_true(lo == 5500 && hi == 5500);
}

static void money_junk_is_refused(void **state)
{
    const char *bad[] = {"", "N/A", "$", "abc", ".5", "5.", "1.234",
                         "$1,000.00x", "-5", "$200000000", "1 2"};
    int64_t c, lo, hi;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(import_money_parse(bad[i], &c), FH_EMALFORMED);
    assert_int_equal(import_money_range_parse("$35 - $25", &lo, &hi),
                     FH_EMALFORMED);
    assert_int_equal(import_money_range_parse("$25 - ", &lo, &hi),
                     FH_EMALFORMED);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_plain_records_with_and_without_final_newline),
        cmocka_unit_test(csv_quoted_fields_keep_separators_and_line_breaks),
        cmocka_unit_test(csv_doubled_quotes_are_one_quote),
        cmocka_unit_test(csv_empty_fields_are_kept),
        cmocka_unit_test(csv_blank_lines_between_records_are_skipped),
        cmocka_unit_test(csv_record_line_counts_line_breaks_inside_quotes),
        cmocka_unit_test(csv_unterminated_quote_fails_with_its_line),
        cmocka_unit_test(csv_text_after_closing_quote_fails_with_its_line),
        cmocka_unit_test(csv_fields_may_be_changed_in_place),
        cmocka_unit_test(html_named_and_numeric_references_decode),
        cmocka_unit_test(html_unknown_or_invalid_references_stay),
        cmocka_unit_test(html_tags_are_stripped_and_br_becomes_a_line_break),
        cmocka_unit_test(html_text_is_decoded_after_stripping),
        cmocka_unit_test(html_twice_escaped_references_are_undone),
        cmocka_unit_test(text_squash_makes_one_line),
        cmocka_unit_test(money_amounts_parse_with_commas_and_cents),
        cmocka_unit_test(money_junk_is_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
