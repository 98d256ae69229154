/* The dashboards: one user's own numbers (counts by status, money, newest
 * contracts, proposals and jobs), read in one snapshot with a few indexed
 * statements. */
#ifndef FH_STORE_DASHBOARD_H
#define FH_STORE_DASHBOARD_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define DASHBOARD_LIST_MAX 10  /* rows in each "newest" list */

/* The dashboard of the freelancer whose account is user_id: profile,
 * proposals and contracts by status, earnings, active contracts and recent
 * proposals. Returns FH_ENOTFOUND when the user has no profile. *out is a
 * new object the caller releases. */
int store_dashboard_freelancer(db_t *db, int64_t user_id, json_t **out);

/* The dashboard of client user_id: its jobs and the proposals they
 * received by status, contracts by status, spend, the rating received as a
 * client, active contracts and recent jobs. *out is a new object. */
int store_dashboard_client(db_t *db, int64_t user_id, json_t **out);

#endif
