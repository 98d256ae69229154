/* Maps a method and a path under the API base to a route, parsing the
 * numeric path parameters ("{id}") on the way. */
#ifndef FH_HTTP_ROUTER_H
#define FH_HTTP_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#define ROUTER_MAX_IDS 4
#define ROUTER_ALLOW_LEN 64

typedef struct http_req http_req_t;
typedef void (*http_handler_fn)(http_req_t *req);

/* The rate-limit tier of a route. */
enum route_tier { TIER_STANDARD, TIER_STRICT, TIER_LENIENT, TIER_AUTH,
                  TIER_SEARCH, TIER_NONE };

/* What kind of answer a GET gives, for the response cache's TTLs. */
enum route_cache { CACHE_NONE, CACHE_PROFILE, CACHE_JOBS, CACHE_ANALYTICS,
                   CACHE_MARKETPLACE, CACHE_DEFAULT };

enum route_flags {
    ROUTE_BODY = 1 << 0,          /* takes a JSON object body */
    ROUTE_BODY_OPTIONAL = 1 << 1, /* an empty body is allowed too */
    ROUTE_PRIVATE = 1 << 2,       /* the answer depends on the caller */
};

typedef struct route {
    const char *method;       /* "GET", "POST", "PATCH", "DELETE" */
    const char *path;         /* template below the base, "/jobs/{id}" */
    http_handler_fn handler;
    enum route_tier tier;
    enum route_cache cache;
    unsigned flags;
} route_t;

enum router_result {
    ROUTER_FOUND,
    ROUTER_NOT_FOUND,   /* no template matches the path */
    ROUTER_BAD_METHOD,  /* a template matches, but not for this method */
    ROUTER_BAD_ID,      /* a template matches, but an id is not a positive integer */
};

typedef struct router_match {
    const route_t *route;
    int64_t ids[ROUTER_MAX_IDS];  /* path parameters, in order */
    int nids;
    char allow[ROUTER_ALLOW_LEN]; /* "GET, HEAD" for ROUTER_BAD_METHOD */
    const char *bad_param;        /* the template name of the bad id */
} router_match_t;

/* Finds the route for method and path (the part after the API base, with
 * no query string). HEAD matches GET routes. */
enum router_result router_match(const route_t *routes, size_t n,
                                const char *method, const char *path,
                                router_match_t *m);

#endif
