/* What writes change, named as cache tags, and the call every write
 * handler makes after its commit and before it answers. A cached answer
 * carries the tags of what it shows; moving a tag drops every answer that
 * carries it, on every instance. */
#ifndef FH_CACHE_TAGS_H
#define FH_CACHE_TAGS_H

#include <stddef.h>

#include "cache/cache.h"

enum cache_tag_kind {
    /* CACHE_TAG_ALL (0, cache.h): every entry */
    CACHE_TAG_JOB = 1,     /* one job (id): its page and its proposal list */
    CACHE_TAG_JOBS,        /* any job: searches, category and skill counts */
    CACHE_TAG_PROFILE,     /* one freelancer profile's page (profile id) */
    CACHE_TAG_PROFILES,    /* any profile: freelancer searches, skill counts,
                              the freelancer summaries in a job's proposals */
    CACHE_TAG_FREELANCER,  /* one freelancer's proposal and contract lists
                              (profile id) */
    CACHE_TAG_USER,        /* one user's dashboard (user id) */
    CACHE_TAG_CONTRACT,    /* one contract's page (id) */
    CACHE_TAG_BIDDERS,     /* every freelancer's own lists and dashboard: for
                              changes whose freelancers are not known (a job's
                              title, the rejections an accept or close makes) */
    CACHE_TAG_MARKET,      /* the marketplace analytics */
};

#define CACHE_TAG(kind, id) ((cache_tag_t){CACHE_TAG_##kind, (int64_t)(id)})

/* Moves every tag given: cached answers carrying one are not served again,
 * here or on another instance. Does nothing when the cache is off.
 *
 * LIMITATION: only writes made through the API move tags. Rows changed
 * behind a running server (the import and seed commands, SQL by hand) show
 * in cached answers only once their TTL runs out; restart the server, or
 * with Redis restart any instance, to drop every entry at once. */
void cache_invalidate(const cache_tag_t *tags, size_t n);

/* cache_invalidate over a list written in place:
 *   CACHE_INVALIDATE(CACHE_TAG(JOB, id), CACHE_TAG(JOBS, 0)); */
#define CACHE_INVALIDATE(...)                                               \
    cache_invalidate((const cache_tag_t[]){__VA_ARGS__},                    \
                     sizeof((const cache_tag_t[]){__VA_ARGS__}) /           \
                         sizeof(cache_tag_t))

#endif
