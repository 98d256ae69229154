/* Turning result rows into JSON: each column becomes a member named after
 * the column, typed by its name. Columns ending _at are epoch seconds and
 * become RFC 3339 text; NULL becomes null. */
#ifndef FH_STORE_ROWS_H
#define FH_STORE_ROWS_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

/* The current row as a new object, or NULL when out of memory. Column
 * types: INTEGER columns become integers, REAL numbers, TEXT strings, by
 * the value the engine returns. */
json_t *rows_object(db_stmt_t *st);

/* Steps st once: 0 and the row as a new object in *out, FH_ENOTFOUND when
 * there is none, or a negative fh_err. st is reset. */
int rows_one(db_stmt_t *st, json_t **out);

/* Steps st to its end, appending each row as an object to a new array.
 * Returns 0 or a negative fh_err; *out gets the array. st is reset. */
int rows_array(db_stmt_t *st, json_t **out);

/* Steps st to its end, appending the first column of each row as a string
 * to a new array. */
int rows_strings(db_stmt_t *st, json_t **out);

/* A counted page of a list keyed by one id: count_sql and page_sql are
 * fixed statements taking (key[, status]); page_sql then takes (limit,
 * offset). status NULL means the statements without the status filter.
 * name labels the page statement in slow-query logs. */
int rows_keyed_page(db_t *db, const char *count_sql, const char *page_sql,
                    const char *name, int64_t key, const char *status,
                    int64_t limit, int64_t offset, json_t **items,
                    int64_t *total);

#endif
