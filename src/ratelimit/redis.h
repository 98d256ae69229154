/* Buckets in Redis, so that every instance on one Redis shares one budget
 * per client: a Lua script takes the token atomically on the server with
 * the server's clock. Connections are pooled; when Redis stops answering,
 * takes fail fast (the caller falls back to local buckets), the outage is
 * logged once, and a reconnect is tried every second. */
#ifndef FH_RATELIMIT_REDIS_H
#define FH_RATELIMIT_REDIS_H

#include <stdbool.h>
#include <stddef.h>

#include "ratelimit/bucket.h"

typedef struct rl_redis rl_redis_t;

/* Parses redis://host[:port][/db]. Returns 0, or FH_EINVAL with the reason
 * in err. host, port and db may be NULL to check only. */
int rl_redis_url_parse(const char *url, char *host, size_t hostlen,
                       int *port, int *db, char *err, size_t errlen);

/* A client for url; connects on first use. NULL when the URL is bad or
 * memory is short. */
rl_redis_t *rl_redis_new(const char *url);

/* Takes one token from the bucket named key. Returns 0 with *allowed and
 * *debt_us set (as rl_bucket_take does), or FH_EUNAVAILABLE when Redis is
 * unreachable or in its outage back-off. */
int rl_redis_take(rl_redis_t *r, const char *key, const rl_rate_t *rate,
                  bool *allowed, int64_t *debt_us);

/* True unless the last attempt found Redis unreachable. */
bool rl_redis_is_up(rl_redis_t *r);

/* Closes every pooled connection and frees r; NULL does nothing. */
void rl_redis_free(rl_redis_t *r);

#endif
