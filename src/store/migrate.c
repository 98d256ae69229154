#include "store/migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"

static const char *sql_create_table =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

static const char *sql_is_applied =
    "SELECT 1 FROM schema_migrations WHERE version = ?";

static const char *sql_record =
    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)";

static int is_applied(db_t *db, int64_t version, bool *out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_is_applied, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, version);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        return rc;
    *out = rc == 1;
    return 0;
}

/* Applies m in a transaction of its own. 1 when another process applied it
 * first (several servers starting on one database): the check is made
 * again under the write lock. */
static int apply_one(db_t *db, const migration_t *m, int64_t version)
{
    db_stmt_t *st;
    bool done;
    int rc;

    rc = db_begin(db);
    if (rc < 0)
        return rc;
    rc = is_applied(db, version, &done);
    if (rc == 0 && done) {
        db_rollback(db);
        return 1;
    }
    if (rc == 0)
        rc = db_exec(db, m->sql);
    if (rc < 0)
        goto rollback;
    rc = db_prepare(db, sql_record, &st);
    if (rc < 0)
        goto rollback;
    db_bind_int64(st, 1, version);
    db_bind_text(st, 2, m->name);
    db_bind_int64(st, 3, fh_now());
    rc = db_run(st);
    if (rc == 0)
        rc = db_commit(db);
    if (rc < 0)
        goto rollback;
    return 0;

rollback:
    db_rollback(db);
    return rc;
}

int migrate_apply(db_t *db, const migration_t *list, int *applied)
{
    int rc = db_exec(db, sql_create_table);

    *applied = 0;
    if (rc < 0)
        return rc;
    enum migrate_engine mine = db_engine(db) == DB_POSTGRES ? MIGRATE_POSTGRES
                                                            : MIGRATE_SQLITE;

    for (const migration_t *m = list; m->name; m++) {
        int64_t version = strtoll(m->name, NULL, 10);
        bool done;

        if (m->engine != MIGRATE_ANY && m->engine != mine)
            continue;
        if (version <= 0) {
            log_error("migration name has no version", "s:name", m->name);
            return FH_EINVAL;
        }
        rc = is_applied(db, version, &done);
        if (rc < 0)
            return rc;
        if (done)
            continue;
        rc = apply_one(db, m, version);
        if (rc < 0) {
            log_error("migration failed", "s:name", m->name,
                      "s:error", db_errmsg(db));
            return rc;
        }
        if (rc == 1)
            continue;
        log_info("migration applied", "s:name", m->name);
        (*applied)++;
    }
    return 0;
}
