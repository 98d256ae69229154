/* The response cache seen from HTTP: which routes are cached and under what
 * tags, the key of a request, the lookup before the handler, the fill after
 * it, ETag/304, gzip and the cache headers. */
#ifndef FH_HTTP_RESPONSE_CACHE_H
#define FH_HTTP_RESPONSE_CACHE_H

#include <stdbool.h>

#include "http/request.h"

struct MHD_Response;

/* Maps the cacheable routes to their tags; warns about a cacheable route
 * that has none (it is then not cached). Call once before serving. */
void http_cache_init(void);

/* Before the handler of a GET or HEAD: answers from the cache when it
 * can. Returns true when req is answered (the handler must not run). */
bool http_cache_lookup(http_req_t *req);

/* After the handler: stores a 200 answer of a cacheable route, answers 304
 * when If-None-Match names it, compresses for clients that take gzip, and
 * sets the cache headers. */
void http_cache_after(http_req_t *req);

/* The reply as a response built from a cache entry (HIT or a fresh fill),
 * or NULL when req is answered from its own reply body. */
struct MHD_Response *http_cache_response(http_req_t *req);

/* "hit" or "miss" for a request the cache looked at, "" otherwise: for
 * the access log. */
const char *http_cache_result(const http_req_t *req);

/* Frees what the request holds of the cache. */
void http_cache_done(http_req_t *req);

#endif
