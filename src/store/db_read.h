/* Reads served by a PostgreSQL streaming replica (DATABASE_READ_URL), only
 * when the replica has replayed every write the primary had made when the
 * read began, so that no caller reads older data than it could from the
 * primary and the response cache is never filled with it. */
#ifndef FH_STORE_DB_READ_H
#define FH_STORE_DB_READ_H

#include <stdbool.h>

#include "store/db.h"

/* Remembers the replica's URL; an empty url turns replica reads off. Call
 * once before serving. Returns 0 or FH_EINVAL for a URL that is not
 * PostgreSQL's. */
int db_read_setup(const char *url);

bool db_read_enabled(void);

/* For a request that only reads: the calling thread's replica connection
 * when the replica has replayed the primary's current WAL position (asked
 * of primary, the request's connection), else NULL and the request reads
 * from the primary. The connection stays the thread's: the caller uses it
 * only while it serves this request and never releases it. A replica that
 * cannot be reached is left alone for a second, and NULL comes back. */
db_t *db_read_choose(db_t *primary);

/* Closes every replica connection. Call once the threads that used them
 * have stopped. */
void db_read_teardown(void);

#endif
