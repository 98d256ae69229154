/* The plans of the hot statements, so that an operator (and a test) can see
 * that each reads through its index and none sorts its matches. */
#ifndef FH_STORE_EXPLAIN_H
#define FH_STORE_EXPLAIN_H

#include <stdio.h>

#include "store/db.h"

/* Writes one JSON object per hot statement to out:
 * {"name": ..., "plan": [step, ...]}. Returns 0 or a negative fh_err. */
int store_explain_hot(db_t *db, FILE *out);

#endif
