/* Turning result rows into JSON: each column becomes a member named after
 * the column, typed by its name. Columns ending _at are epoch seconds and
 * become RFC 3339 text; NULL becomes null. */
#ifndef FH_STORE_ROWS_H
#define FH_STORE_ROWS_H

#include <jansson.h>

#include "store/db.h"

/* The current row as a new object, or NULL when out of memory. Column
 * types: INTEGER columns become integers, REAL numbers, TEXT strings, by
 * the value the engine returns. */
json_t *rows_object(db_stmt_t *st);

/* Steps st to its end, appending each row as an object to a new array.
 * Returns 0 or a negative fh_err; *out gets the array. st is reset. */
int rows_array(db_stmt_t *st, json_t **out);

/* Steps st to its end, appending the first column of each row as a string
 * to a new array. */
int rows_strings(db_stmt_t *st, json_t **out);

#endif
