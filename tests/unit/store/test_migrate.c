/* Migrations: each applied once, in order, in its own transaction; a failed
 * one leaves the database exactly as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/err.h"
#include "store/db.h"
#include "store/migrate.h"

static char url[128];

static int setup(void **state)
{
    (void)state;
    snprintf(url, sizeof(url), "sqlite:/tmp/fh-migrate-%d.db", (int)getpid());
    return 0;
}

static int teardown(void **state)
{
    char path[160];

    (void)state;
    for (const char *suffix = ""; suffix; suffix = *suffix ? NULL : "-wal") {
        snprintf(path, sizeof(path), "%s%s", url + 7, suffix);
        unlink(path);
    }
    snprintf(path, sizeof(path), "%s-shm", url + 7);
    unlink(path);
    return 0;
}

static int64_t count(db_t *db, const char *sql)
{
    db_stmt_t *st;
    int64_t n = -1;

    assert_int_equal(db_prepare(db, sql, &st), 0);
    if (db_step(st) == 1)
        n = db_col_int64(st, 0);
    db_reset(st);
    return n;
}

static const char *sql_versions = "SELECT COUNT(*) FROM schema_migrations";
static const char *sql_tables =
    "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('t1', 't2', 't3')";

static void each_migration_runs_once(void **state)
{
    static const migration_t list[] = {
        {"0001_a", "CREATE TABLE t1 (x INTEGER);", MIGRATE_ANY},
        {"0002_b", "CREATE TABLE t2 (x INTEGER); INSERT INTO t2 VALUES (1);", MIGRATE_ANY},
        {NULL, NULL, MIGRATE_ANY},
    };
    db_t *db;
    int applied;

    (void)state;
    assert_int_equal(db_open(url, &db), 0);
    assert_int_equal(migrate_apply(db, list, &applied), 0);
    assert_int_equal(applied, 2);
    assert_int_equal(migrate_apply(db, list, &applied), 0);
    assert_int_equal(applied, 0);
    assert_true(count(db, sql_versions) == 2);
    db_close(db);
}

static void failed_migration_changes_nothing(void **state)
{
    static const migration_t list[] = {
        {"0001_a", "CREATE TABLE t1 (x INTEGER);", MIGRATE_ANY},
        {"0002_b", "CREATE TABLE t2 (x INTEGER); INSERT INTO t2 VALUES (1);", MIGRATE_ANY},
        {"0003_bad", "CREATE TABLE t3 (x INTEGER); INSERT INTO nowhere VALUES (1);", MIGRATE_ANY},
        {NULL, NULL, MIGRATE_ANY},
    };
    db_t *db;
    int applied;

    (void)state;
    assert_int_equal(db_open(url, &db), 0);
    assert_true(migrate_apply(db, list, &applied) < 0);
    assert_int_equal(applied, 0);
    assert_true(count(db, sql_versions) == 2);
    assert_true(count(db, sql_tables) == 2);  /* t3 was rolled back */
    db_close(db);
}

static void other_engines_migrations_are_skipped(void **state)
{
    static const migration_t list[] = {
        {"0010_a", "CREATE TABLE t10 (x INTEGER);", MIGRATE_SQLITE},
        {"0011_b", "CREATE TABLE t11 (x tsvector GENERATED ALWAYS AS"
                   " (to_tsvector('simple', 'x')) STORED) USING heap;",
         MIGRATE_POSTGRES},
        {"0012_c", "CREATE TABLE t12 (x INTEGER);", MIGRATE_ANY},
        {NULL, NULL, MIGRATE_ANY},
    };
    db_t *db;
    int applied;

    (void)state;
    assert_int_equal(db_open(url, &db), 0);
    assert_int_equal(migrate_apply(db, list, &applied), 0);
    assert_int_equal(applied, 2);
    assert_true(count(db, sql_versions) == 4);  /* two from the tests above */
    db_close(db);
}

static void embedded_schema_applies_cleanly(void **state)
{
    char path[160];
    db_t *db;
    int applied;

    (void)state;
    snprintf(path, sizeof(path), "sqlite:/tmp/fh-migrate-embedded-%d.db", (int)getpid());
    unlink(path + 7);
    assert_int_equal(db_open(path, &db), 0);
    assert_int_equal(migrate_apply(db, migrate_embedded, &applied), 0);
    assert_true(applied >= 1);
    assert_int_equal(migrate_apply(db, migrate_embedded, &applied), 0);
    assert_int_equal(applied, 0);
    db_close(db);
    unlink(path + 7);
    char extra[180];
    snprintf(extra, sizeof(extra), "%s-wal", path + 7);
    unlink(extra);
    snprintf(extra, sizeof(extra), "%s-shm", path + 7);
    unlink(extra);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_migration_runs_once),
        cmocka_unit_test(failed_migration_changes_nothing),
        cmocka_unit_test(other_engines_migrations_are_skipped),
        cmocka_unit_test(embedded_schema_applies_cleanly),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
