/* The limiter at the door: charges each request of a limited route to its
 * client's bucket for the route's tier, sets the RateLimit-* headers, and
 * answers 429 when the bucket is empty. */
#ifndef FH_RATELIMIT_GUARD_H
#define FH_RATELIMIT_GUARD_H

#include "http/request.h"

/* Charges req (routed, identity resolved) to its client: the signed-in
 * user, else the address (see rl_client_address). Sets the headers; over
 * the limit replies 429 (replacing any reply already set) and returns
 * FH_EUNAVAILABLE. Routes of TIER_NONE, and every route when rate limiting
 * is off, pass untouched. */
int rl_guard_request(http_req_t *req);

/* Also charges an auth-tier request to the account it names (email, in
 * lower case), so that one account cannot be tried from many addresses
 * faster than from one. The headers show the tighter of the two buckets.
 * Returns 0, or FH_EUNAVAILABLE with 429 replied. */
int rl_guard_account(http_req_t *req, const char *email);

#endif
