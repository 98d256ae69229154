/* Marketplace analytics: jobs, rates, budgets, proposals and skills in
 * aggregate, read in one snapshot from counters the writes keep current. */
#ifndef FH_STORE_ANALYTICS_H
#define FH_STORE_ANALYTICS_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define ANALYTICS_WEEKS 12       /* weeks in new_jobs_per_week */
#define ANALYTICS_TOP_SKILLS 10  /* skills in each top list */

/* The Monday 00:00 UTC that starts the week holding epoch second now. */
int64_t store_analytics_week_start(int64_t now);

/* The marketplace at time now (epoch seconds): jobs by category and
 * status, hourly rates and fixed budgets by category (average and median),
 * proposals by status with the acceptance rate, the skills most in demand
 * and in supply, new jobs in each of the ANALYTICS_WEEKS weeks ending with
 * now's week, and totals. *out is a new object the caller releases. */
int store_analytics_marketplace(db_t *db, int64_t now, json_t **out);

/* Recomputes every analytics counter, and the job search's counts by
 * status, category and level, from the tables they count, in one
 * write transaction: after a bulk load that ran with the counting
 * triggers dropped, or to repair counters. Takes as long as the scans of
 * jobs, profiles, proposals, users, contracts and skills; a failure
 * leaves the counters as they were. */
int store_analytics_rebuild(db_t *db);

/* The statements store_analytics_rebuild() runs, for a bulk loader that
 * holds its own transaction on a connection of its own. Both engines
 * take the same text. */
const char *store_analytics_rebuild_sql(void);

#endif
