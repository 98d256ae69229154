/* Moves what the SQLite-based tools generate into PostgreSQL: seed writes
 * into a scratch SQLite file, and every table goes across with COPY. */
#ifndef FH_TOOLS_PG_LOAD_H
#define FH_TOOLS_PG_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

/* True when url names a PostgreSQL database. */
bool pg_load_is_postgres(const char *url);

/* Copies every table that both databases have, in an order that puts
 * referenced rows first, from the SQLite file at sqlite_path into the
 * PostgreSQL database at pg_url, in one transaction; then moves each id
 * sequence past the largest id copied and runs ANALYZE. Columns the
 * PostgreSQL side generates itself (the search vector) are left to it.
 * Foreign keys and indexes that back no constraint are dropped for the
 * copy and made again (each key checked in one pass) before the commit.
 * The PostgreSQL tables must exist and hold no users or jobs. *rows gets
 * the number of rows copied. Returns 0 or a negative fh_err, with the
 * reason printed on standard error; a failure leaves PostgreSQL as it
 * was. */
int pg_load_copy(const char *sqlite_path, const char *pg_url, int64_t *rows);

/* freelance-hub seed on a PostgreSQL DATABASE_URL: checks that the
 * database is empty, generates the marketplace with the SQLite seed into a
 * scratch file under TMPDIR (or /tmp), copies it across with
 * pg_load_copy() and deletes the file. Takes seed's arguments; returns
 * the process exit code. */
int pg_load_seed(const config_t *cfg, int argc, char **argv);

#endif
