/* Versioned schema migrations, compiled into the binary from
 * src/store/migrations/NNNN_name.sql and recorded in schema_migrations. */
#ifndef FH_STORE_MIGRATE_H
#define FH_STORE_MIGRATE_H

#include "store/db.h"

typedef struct migration {
    const char *name;  /* file name without .sql: "0001_init" */
    const char *sql;
} migration_t;

/* Every migration in version order, ended by a zeroed entry. */
extern const migration_t migrate_embedded[];

/* Applies each migration of list that schema_migrations does not record, each
 * in its own transaction; a failure rolls that one back and stops. *applied
 * gets how many ran. */
int migrate_apply(db_t *db, const migration_t *list, int *applied);

#endif
