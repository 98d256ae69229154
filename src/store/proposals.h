/* Proposals: freelancers' bids on open jobs, and the steps that withdraw,
 * reject or accept one (accepting opens the contract). */
#ifndef FH_STORE_PROPOSALS_H
#define FH_STORE_PROPOSALS_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define PROPOSAL_COVER_MAX 5000
#define PROPOSAL_BID_MAX 10000000000LL
#define PROPOSAL_DAYS_MAX 3650

extern const char *const store_proposal_statuses[]; /* NULL-terminated */

typedef struct proposal_new {
    int64_t job_posting_id;
    const char *cover_letter;
    int64_t bid_amount_cents;
    int64_t estimated_duration_days;
    const char *currency;   /* NULL: the job's currency */
} proposal_new_t;

/* The write functions below each run in one transaction of their own. On a
 * refusal they return FH_ENOTFOUND, FH_EFORBIDDEN or FH_ECONFLICT with
 * nothing changed and, when why is not NULL, *why set to a static sentence
 * for the client. */

/* Creates a pending proposal of the freelancer user_id (who must have a
 * profile: FH_EFORBIDDEN otherwise) on an open job (FH_ENOTFOUND, or
 * FH_ECONFLICT when the job is not open or the freelancer already has a
 * live proposal on it), and counts it on the job. *out gets the proposal. */
int store_proposal_create(db_t *db, int64_t user_id, const proposal_new_t *in,
                          json_t **out, const char **why);

/* pending -> withdrawn, by the proposal's freelancer only. */
int store_proposal_withdraw(db_t *db, int64_t user_id, int64_t id,
                            json_t **out, const char **why);

/* pending -> rejected, by the job's client only. */
int store_proposal_reject(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why);

/* By the job's client only, on a pending proposal of an open job: the
 * proposal becomes accepted, a contract for its bid opens, the job's other
 * pending proposals are rejected and the job moves to in_progress. *out
 * gets the contract (as store_contract_view gives it). */
int store_proposal_accept(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why);

/* The user id behind freelancer profile profile_id, or FH_ENOTFOUND. */
int store_proposals_profile_user(db_t *db, int64_t profile_id,
                                 int64_t *user_id);

/* A page of the proposals of profile_id, newest first (created_at, then
 * id, descending), of status when it is not NULL; *total counts them all.
 * Items are proposals with the job's title as job_title. */
int store_proposals_by_freelancer(db_t *db, int64_t profile_id,
                                  const char *status, int64_t limit,
                                  int64_t offset, json_t **items,
                                  int64_t *total);

/* The SQL of the list statements, for query-plan checks: 0 and the
 * statement's name and text while index is in range, FH_ENOTFOUND after. */
int store_proposals_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql);

#endif
