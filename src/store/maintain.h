/* Database upkeep: refresh planner statistics, check integrity, and
 * reclaim space when asked. */
#ifndef FH_STORE_MAINTAIN_H
#define FH_STORE_MAINTAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "store/db.h"

/* Runs each maintenance step on db, printing one line per step (what it
 * did, how long it took) to out. vacuum adds a full VACUUM. Returns 0, or a
 * negative fh_err when a step failed or the integrity check found damage. */
int store_maintain(db_t *db, bool vacuum, FILE *out);

#endif
