/* Reviews: what each party of a completed contract says of the other, and
 * the rating aggregates kept on the reviewee in the same transaction. */
#ifndef FH_STORE_REVIEWS_H
#define FH_STORE_REVIEWS_H

#include <jansson.h>
#include <stdint.h>

#include "store/db.h"

#define REVIEW_RATING_MIN 1
#define REVIEW_RATING_MAX 5
#define REVIEW_COMMENT_MAX 2000

/* Records user_id's review of the other party of completed contract
 * contract_id, once per party, and adds rating to the reviewee's
 * aggregates: the freelancer profile's rating_sum, rating_count and
 * rating_avg, or the client user's rating_sum and rating_count. One
 * transaction; on a refusal (FH_ENOTFOUND, FH_EFORBIDDEN, FH_ECONFLICT)
 * nothing changes and *why, when why is not NULL, gets a static sentence.
 * comment may be NULL (empty). *out gets the review. */
int store_review_create(db_t *db, int64_t user_id, int64_t contract_id,
                        int64_t rating, const char *comment, json_t **out,
                        const char **why);

/* The reviews of contract_id, oldest first, with the reviewer's name. */
int store_reviews_by_contract(db_t *db, int64_t contract_id, json_t **out);

#endif
