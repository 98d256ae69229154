/* Contracts: the work agreed when a client accepts a proposal, from active
 * to completed or cancelled, with the reviews its parties leave. */
#ifndef FH_STORE_CONTRACTS_H
#define FH_STORE_CONTRACTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

extern const char *const store_contract_statuses[]; /* NULL-terminated */

typedef struct contract_new {
    int64_t proposal_id;
    int64_t job_posting_id;
    int64_t freelancer_id;   /* the profile */
    int64_t client_id;       /* the user */
    int64_t amount_cents;
    const char *currency;
} contract_new_t;

/* Inserts an active contract starting now; *id_out gets its id. Runs in
 * the caller's transaction. FH_ECONFLICT when the proposal has one. */
int store_contract_insert(db_t *db, const contract_new_t *in, int64_t *id_out);

/* The contract id with its job's title, the freelancer's user id and its
 * reviews, as the API shows it; FH_ENOTFOUND when there is none. Reads in
 * the caller's transaction, if any. */
int store_contract_view(db_t *db, int64_t id, json_t **out);

/* The contract for user_id, who must be one of its parties unless
 * any_reader (FH_EFORBIDDEN otherwise). */
int store_contract_get(db_t *db, int64_t id, int64_t user_id, bool any_reader,
                       json_t **out);

/* Each in one transaction of its own; on a refusal (FH_ENOTFOUND,
 * FH_EFORBIDDEN, FH_ECONFLICT) nothing changes and *why, when why is not
 * NULL, gets a static sentence for the client. *out gets the contract. */

/* active -> completed, by the client only: the job is closed and the
 * freelancer's completed_jobs and total_earnings_cents grow. */
int store_contract_complete(db_t *db, int64_t user_id, int64_t id,
                            json_t **out, const char **why);

/* active -> cancelled, by either party: the job is cancelled. */
int store_contract_cancel(db_t *db, int64_t user_id, int64_t id,
                          json_t **out, const char **why);

/* A page of the contracts of freelancer profile profile_id, newest first
 * (started_at, then id, descending), of status when it is not NULL;
 * *total counts them all. Items are contracts without reviews. */
int store_contracts_by_freelancer(db_t *db, int64_t profile_id,
                                  const char *status, int64_t limit,
                                  int64_t offset, json_t **items,
                                  int64_t *total);

/* The SQL of the list statements, for query-plan checks: 0 and the
 * statement's name and text while index is in range, FH_ENOTFOUND after. */
int store_contracts_hot_queries(enum db_engine engine, int index,
                               const char **name, const char **sql);

#endif
