/* The demo-data generator's pure parts: its random source, its text
 * builder and the word lists it draws from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "store/catalog.h"
#include "tools/seed.h"

static void same_seed_and_stream_give_the_same_sequence(void **state)
{
    seed_rng_t a, b, c;

    (void)state;
    seed_rng_init(&a, 42, 7);
    seed_rng_init(&b, 42, 7);
    seed_rng_init(&c, 42, 8);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = seed_rng_next(&a);
        assert_true(x == seed_rng_next(&b));
        differ += x != seed_rng_next(&c);
    }
    assert_true(differ > 990);
}

static void draws_stay_in_their_ranges(void **state)
{
    seed_rng_t r;
    int seen[7] = {0};

    (void)state;
    seed_rng_init(&r, 1, 1);
    for (int i = 0; i < 70000; i++) {
        uint32_t v = seed_rng_below(&r, 7);
        assert_true(v < 7);
        seen[v]++;
        double u = seed_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        int64_t x = seed_rng_range(&r, -3, 3);
        assert_true(x >= -3 && x <= 3);
    }
    for (int i = 0; i < 7; i++)
        assert_true(seen[i] > 9000 && seen[i] < 11000);
}

static void weighted_draws_skip_zero_weights(void **state)
{
    static const uint16_t w[] = {0, 3, 0, 1};
    seed_rng_t r;
    int seen[4] = {0};

    (void)state;
    seed_rng_init(&r, 5, 2);
    for (int i = 0; i < 40000; i++)
        seen[seed_rng_weighted(&r, w, 4)]++;
    assert_int_equal(seen[0], 0);
    assert_int_equal(seen[2], 0);
    assert_true(seen[1] > 28000 && seen[1] < 32000);
}

static void normal_draws_centre_on_zero(void **state)
{
    seed_rng_t r;
    double sum = 0, sq = 0;
    int n = 100000;

    (void)state;
    seed_rng_init(&r, 9, 3);
    for (int i = 0; i < n; i++) {
        double z = seed_rng_normal(&r);
        sum += z;
        sq += z * z;
    }
    assert_true(sum / n > -0.02 && sum / n < 0.02);
    assert_true(sq / n > 0.97 && sq / n < 1.03);
}

static void placeholders_are_replaced(void **state)
{
    seed_words_t w = {
        .skill = {"React", "Node.js", "CSS"}, .role = "Developer",
        .role_lc = "developer", .project = "booking system",
        .business = "law firm", .business2 = "nonprofit", .level = "Senior",
        .years = 12, .days = 0, .weeks = 3, .hours = 20,
    };
    seed_text_t t;

    (void)state;
    seed_text_reset(&t);
    seed_text_expand(&t, "%P: %s, %t, %u by a %l %R (%r)", &w, true);
    seed_text_expand(&t, "for a %b and a %c; %n years, %d days, %w weeks, "
                         "%h h, 100%% and %x then %", &w, true);
    assert_string_equal(t.s,
        "Booking system: React, Node.js, CSS by a Senior Developer "
        "(developer) for a law firm and a nonprofit; 12 years, 0 days, "
        "3 weeks, 20 h, 100% and x then %");
    assert_int_equal(t.len, strlen(t.s));
}

static void long_text_is_cut_and_terminated(void **state)
{
    seed_words_t w = {.skill = {"a", "b", "c"}, .role = "", .role_lc = "",
                      .project = "", .business = "", .business2 = "",
                      .level = ""};
    char chunk[301];
    seed_text_t t;

    (void)state;
    memset(chunk, 'x', 300);
    chunk[300] = '\0';
    seed_text_reset(&t);
    for (int i = 0; i < 10; i++)
        seed_text_expand(&t, chunk, &w, true);
    assert_int_equal(t.len, SEED_TEXT_MAX - 1);
    assert_int_equal(strlen(t.s), SEED_TEXT_MAX - 1);
}

/* Every template names only placeholders seed_text_expand knows. */
static void check_templates(const seed_wordlist_t *list)
{
    for (int i = 0; i < list->n; i++) {
        const char *p = list->words[i];
        assert_true(p[0] != '\0');
        for (; (p = strchr(p, '%')) != NULL; p += 2)
            assert_non_null(strchr("sturRpPbclndwh%", p[1]));
    }
}

static void templates_use_known_placeholders(void **state)
{
    const seed_wordlist_t *all[] = {
        &seed_job_titles, &seed_job_intros, &seed_job_scopes,
        &seed_job_needs, &seed_job_times, &seed_job_closings,
        &seed_profile_titles, &seed_bio_openers, &seed_bio_middles,
        &seed_bio_closers, &seed_cover_openers, &seed_cover_middles,
        &seed_cover_times, &seed_cover_closers, &seed_portfolio_titles,
        &seed_portfolio_texts,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        check_templates(all[i]);
    for (int r = 1; r <= 5; r++) {
        assert_true(seed_reviews_of_freelancers[r].n > 0);
        assert_true(seed_reviews_of_clients[r].n > 0);
    }
}

static void catalogue_names_are_unique_and_plenty(void **state)
{
    char seen[400][CATALOG_NAME_MAX + 1];
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
    int nseen = 0;

    (void)state;
    assert_true(seed_ncategories >= 18 && seed_ncategories <= 25);
    for (int c = 0; c < seed_ncategories; c++) {
        const seed_category_t *cat = &seed_categories[c];
        int nskills = 0, nproj = 0;
        assert_true(catalog_normalise(cat->name, display, slug));
        assert_string_equal(display, cat->name);
        for (int k = 0; cat->skills[k] != NULL; k++, nskills++) {
            assert_true(catalog_normalise(cat->skills[k], display, slug));
            assert_string_equal(display, cat->skills[k]);
            for (int i = 0; i < nseen; i++)
                assert_string_not_equal(seen[i], slug);
            strcpy(seen[nseen++], slug);
        }
        while (cat->projects[nproj] != NULL)
            nproj++;
        assert_true(nskills >= 5 && nskills < SEED_MAX_CATEGORY_SKILLS);
        assert_true(nproj >= 4);
        assert_true(cat->demand > 0 && cat->supply > 0 && cat->rate_pct > 0);
    }
    assert_true(nseen >= 130 && nseen <= 170);
}

/* "a %b" must read right: businesses start with a consonant sound. */
static void businesses_take_the_article_a(void **state)
{
    (void)state;
    for (int i = 0; i < seed_businesses.n; i++)
        assert_null(strchr("aeioAEIO", seed_businesses.words[i][0]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_seed_and_stream_give_the_same_sequence),
        cmocka_unit_test(draws_stay_in_their_ranges),
        cmocka_unit_test(weighted_draws_skip_zero_weights),
        cmocka_unit_test(normal_draws_centre_on_zero),
        cmocka_unit_test(placeholders_are_replaced),
        cmocka_unit_test(long_text_is_cut_and_terminated),
        cmocka_unit_test(templates_use_known_placeholders),
        cmocka_unit_test(catalogue_names_are_unique_and_plenty),
        cmocka_unit_test(businesses_take_the_article_a),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
