/* The statement cache: statements found by the address of their SQL, never
 * by its text; bounded at three quarters full; emptied whole. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "store/stmt_cache.h"

/* Distinct addresses to stand for distinct statement texts. */
static char texts[STMT_CACHE_SLOTS];
static int dropped;

static void count_drop(void *stmt)
{
    (void)stmt;
    dropped++;
}

static stmt_cache_t *cache_new(void)
{
    stmt_cache_t *c = calloc(1, sizeof(*c));

    assert_non_null(c);
    return c;
}

static void found_by_address_not_by_text(void **state)
{
    static const char a[] = "SELECT 1";
    static const char b[] = "SELECT 1";  /* same text, other address */
    stmt_cache_t *c = cache_new();
    int sa, sb;

    (void)state;
    assert_null(stmt_cache_find(c, a));
    assert_int_equal(stmt_cache_room(c), 0);
    stmt_cache_add(c, a, &sa);
    assert_ptr_equal(stmt_cache_find(c, a), &sa);
    assert_null(stmt_cache_find(c, b));
    stmt_cache_add(c, b, &sb);
    assert_ptr_equal(stmt_cache_find(c, a), &sa);
    assert_ptr_equal(stmt_cache_find(c, b), &sb);
    free(c);
}

/* Neighbouring addresses collide and probe on: each stays findable. */
static void every_entry_is_found_up_to_the_bound(void **state)
{
    stmt_cache_t *c = cache_new();
    int n = 0;

    (void)state;
    while (stmt_cache_room(c) == 0) {
        assert_false(n >= STMT_CACHE_SLOTS);
        stmt_cache_add(c, &texts[n], &texts[n]);
        n++;
        assert_int_equal(stmt_cache_crowded(c), n >= STMT_CACHE_SLOTS / 2);
    }
    assert_int_equal(n, STMT_CACHE_SLOTS * 3 / 4);
    assert_int_equal(stmt_cache_room(c), FH_EDB);
    for (int i = 0; i < n; i++)
        assert_ptr_equal(stmt_cache_find(c, &texts[i]), &texts[i]);
    assert_null(stmt_cache_find(c, &texts[n]));
    free(c);
}

static void clear_drops_each_statement_once_and_empties(void **state)
{
    stmt_cache_t *c = cache_new();

    (void)state;
    for (int i = 0; i < 100; i++)
        stmt_cache_add(c, &texts[i], &texts[i]);
    dropped = 0;
    stmt_cache_clear(c, count_drop);
    assert_int_equal(dropped, 100);
    assert_int_equal(c->n, 0);
    assert_false(stmt_cache_crowded(c));
    for (int i = 0; i < 100; i++)
        assert_null(stmt_cache_find(c, &texts[i]));
    stmt_cache_add(c, &texts[7], &texts[8]);
    assert_ptr_equal(stmt_cache_find(c, &texts[7]), &texts[8]);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(found_by_address_not_by_text),
        cmocka_unit_test(every_entry_is_found_up_to_the_bound),
        cmocka_unit_test(clear_drops_each_statement_once_and_empties),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
