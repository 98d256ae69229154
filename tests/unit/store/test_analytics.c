/* Analytics counters: store_analytics_rebuild() recomputes from the tables
 * exactly what the triggers kept, and repairs counters that went wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store/analytics.h"
#include "store/db.h"
#include "store/migrate.h"

#define NOW 1767225600  /* 2026-01-01T00:00:00Z, a Thursday */

static char url[128];

static int setup(void **state)
{
    (void)state;
    snprintf(url, sizeof(url), "sqlite:/tmp/fh-analytics-%d.db",
             (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char path[160];

    (void)state;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(path, sizeof(path), "%s%s", url + 7, suffixes[i]);
        unlink(path);
    }
    return 0;
}

/* A small marketplace written straight into the tables: jobs of every
 * status, with and without category and budget, in several weeks; their
 * skills; profiles with rates; proposals and contracts. */
static const char *sql_marketplace =
    "INSERT INTO users (id, email, name, role, created_at) VALUES"
    " (1, 'c1', 'C1', 'client', 0), (2, 'c2', 'C2', 'client', 0),"
    " (3, 'f1', 'F1', 'freelancer', 0), (4, 'f2', 'F2', 'freelancer', 0),"
    " (5, 'f3', 'F3', 'freelancer', 0), (6, 'a', 'A', 'admin', 0);"
    "INSERT INTO categories (id, name, slug) VALUES"
    " (1, 'Web', 'web'), (2, 'Design', 'design');"
    "INSERT INTO skills (id, name, slug) VALUES"
    " (1, 'Go', 'go'), (2, 'SQL', 'sql'), (3, 'Figma', 'figma');"
    "INSERT INTO freelance_job_postings (id, client_id, title, category_id,"
    " budget_type, budget_min_cents, budget_max_cents, status, posted_at,"
    " updated_at) VALUES"
    " (1, 1, 'a', 1, 'fixed', 100, 100, 'open', 1767225600, 0),"
    " (2, 1, 'b', 1, 'fixed', 300, 300, 'closed', 1766620800, 0),"
    " (3, 1, 'c', 1, 'fixed', 300, 300, 'in_progress', 1766620799, 0),"
    " (4, 2, 'd', 2, 'hourly', 2000, 4000, 'open', 1760000000, 0),"
    " (5, 2, 'e', NULL, 'fixed', 999, 999, 'cancelled', 1767225600, 0),"
    " (6, 2, 'f', 2, 'fixed', NULL, NULL, 'open', 1767225600, 0),"
    " (7, 2, 'g', 2, 'fixed', 5000, 5001, 'open', 1767225000, 0);"
    "INSERT INTO job_skills (job_id, skill_id) VALUES"
    " (1, 1), (1, 2), (2, 1), (4, 3), (6, 3), (6, 1), (7, 3);"
    "INSERT INTO freelance_profiles (id, user_id, title, hourly_rate_cents,"
    " category_id, created_at, updated_at) VALUES"
    " (1, 3, 'x', 5000, 1, 0, 0), (2, 4, 'y', 7001, 1, 0, 0),"
    " (3, 5, 'z', NULL, 2, 0, 0);"
    "INSERT INTO profile_skills (profile_id, skill_id) VALUES"
    " (1, 1), (1, 2), (2, 2), (3, 3);"
    "INSERT INTO freelance_proposals (id, job_posting_id, freelancer_id,"
    " cover_letter, bid_amount_cents, estimated_duration_days, status,"
    " created_at, updated_at) VALUES"
    " (1, 3, 1, 'c', 300, 1, 'accepted', 0, 0),"
    " (2, 3, 2, 'c', 290, 1, 'rejected', 0, 0),"
    " (3, 1, 1, 'c', 100, 1, 'pending', 0, 0),"
    " (4, 1, 2, 'c', 100, 1, 'withdrawn', 0, 0);"
    "INSERT INTO freelance_contracts (id, proposal_id, job_posting_id,"
    " freelancer_id, client_id, amount_cents, status, started_at) VALUES"
    " (1, 1, 3, 1, 1, 300, 'active', 0);";

/* Counters gone wrong in every table. */
static const char *sql_damage =
    "UPDATE analytics_jobs SET jobs = jobs + 7;"
    "DELETE FROM analytics_budget_values;"
    "UPDATE analytics_budgets SET total_cents = 1;"
    "DELETE FROM analytics_rates;"
    "INSERT INTO analytics_rate_values VALUES (9, 1, 1);"
    "UPDATE analytics_proposals SET proposals = 0;"
    "DELETE FROM analytics_users WHERE role = 'client';"
    "UPDATE analytics_contracts SET contracts = 4;"
    "INSERT INTO analytics_skill_demand VALUES (99, 5);"
    "UPDATE analytics_skill_supply SET profiles = profiles * 3;"
    "UPDATE analytics_job_weeks SET jobs = jobs + 1;";

static json_t *answer(db_t *db)
{
    json_t *out = NULL;

    assert_int_equal(store_analytics_marketplace(db, NOW, &out), 0);
    return out;
}

static db_t *open_marketplace(void)
{
    db_t *db;
    int applied;

    assert_int_equal(db_open(url, &db), 0);
    assert_int_equal(migrate_apply(db, migrate_embedded, &applied), 0);
    assert_int_equal(db_exec(db, sql_marketplace), 0);
    return db;
}

static void rebuild_matches_what_the_triggers_kept(void **state)
{
    db_t *db = open_marketplace();
    json_t *kept = answer(db), *rebuilt;

    (void)state;
    assert_int_equal(store_analytics_rebuild(db), 0);
    rebuilt = answer(db);
    assert_true(json_equal(kept, rebuilt));
    /* Spot checks of the kept answer against the rows above. */
    json_t *web = json_array_get(json_object_get(kept, "budgets_by_category"),
                                 0);
    assert_int_equal(json_integer_value(json_object_get(web, "jobs")), 3);
    assert_int_equal(
        json_integer_value(json_object_get(web, "median_budget_cents")), 300);
    assert_int_equal(
        json_integer_value(json_object_get(web, "avg_budget_cents")), 233);
    json_t *rates = json_array_get(json_object_get(kept, "rates_by_category"),
                                   0);
    assert_int_equal(
        json_integer_value(json_object_get(rates, "median_hourly_rate_cents")),
        6001);
    json_decref(kept);
    json_decref(rebuilt);
    db_close(db);
}

static void rebuild_repairs_damaged_counters(void **state)
{
    db_t *db = open_marketplace();
    json_t *kept = answer(db), *damaged = NULL, *rebuilt;
    int rc;

    (void)state;
    assert_int_equal(db_exec(db, sql_damage), 0);
    /* Medians whose values went missing are an error, the rest wrong. */
    rc = store_analytics_marketplace(db, NOW, &damaged);
    assert_true(rc < 0 || !json_equal(kept, damaged));
    assert_int_equal(store_analytics_rebuild(db), 0);
    rebuilt = answer(db);
    assert_true(json_equal(kept, rebuilt));
    json_decref(kept);
    json_decref(damaged);
    json_decref(rebuilt);
    db_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            rebuild_matches_what_the_triggers_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(rebuild_repairs_damaged_counters,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
