/* Versioned schema migrations, compiled into the binary from
 * src/store/migrations/NNNN_name.sql and recorded in schema_migrations. */
#ifndef FH_STORE_MIGRATE_H
#define FH_STORE_MIGRATE_H

#include "store/db.h"

/* Which engine a migration is for: NNNN_name.sql is for both,
 * NNNN_name.sqlite.sql and NNNN_name.pg.sql for one. */
enum migrate_engine { MIGRATE_ANY, MIGRATE_SQLITE, MIGRATE_POSTGRES };

typedef struct migration {
    const char *name;  /* file name without its suffixes: "0001_init" */
    const char *sql;
    enum migrate_engine engine;
} migration_t;

/* Every migration in version order, ended by a zeroed entry. */
extern const migration_t migrate_embedded[];

/* Applies each migration of list, for db's engine, that schema_migrations
 * does not record, each in its own transaction; a failure rolls that one
 * back and stops. *applied gets how many ran. */
int migrate_apply(db_t *db, const migration_t *list, int *applied);

#endif
