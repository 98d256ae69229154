#include "http/response_cache.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache/codec.h"
#include "cache/tags.h"
#include "cache/tier.h"
#include "http/reply.h"
#include "http/server.h"
#include "obs/log.h"

#define MAX_PARAMS 32            /* more query parameters: not cached */
#define GZIP_MIN_BYTES 1024      /* uncached bodies compressed from here */
#define GZIP_MIN_CACHED 256      /* cached bodies get a gzip form from here */
#define GZIP_LEVEL_CACHED 6      /* compressed once, sent many times */
#define GZIP_LEVEL_LIVE 1        /* compressed for one answer */
#define JSON_TYPE "application/json; charset=utf-8"

/* Where a tag's id comes from. */
enum tag_src { SRC_NONE, SRC_PATH, SRC_CALLER };

typedef struct tag_spec {
    int kind;                    /* 0 ends the list */
    enum tag_src src;
} tag_spec_t;

/* What each cached view shows, as tags (tags.h says which writes move
 * them). Every entry also carries CACHE_TAG_ALL first. */
static const struct route_tags {
    const char *path;
    tag_spec_t tags[CACHE_MAX_TAGS - 1];
} route_tags[] = {
    {"/categories", {{CACHE_TAG_JOBS, SRC_NONE}}},
    {"/skills", {{CACHE_TAG_JOBS, SRC_NONE}, {CACHE_TAG_PROFILES, SRC_NONE}}},
    {"/profile/{id}", {{CACHE_TAG_PROFILE, SRC_PATH}}},
    {"/freelancers/search", {{CACHE_TAG_PROFILES, SRC_NONE}}},
    {"/jobs/search", {{CACHE_TAG_JOBS, SRC_NONE}}},
    {"/jobs/{id}", {{CACHE_TAG_JOB, SRC_PATH}}},
    {"/jobs/{id}/proposals",
     {{CACHE_TAG_JOB, SRC_PATH}, {CACHE_TAG_PROFILES, SRC_NONE}}},
    {"/proposals/freelancer/{id}",
     {{CACHE_TAG_FREELANCER, SRC_PATH}, {CACHE_TAG_BIDDERS, SRC_NONE}}},
    {"/contracts/freelancer/{id}",
     {{CACHE_TAG_FREELANCER, SRC_PATH}, {CACHE_TAG_BIDDERS, SRC_NONE}}},
    {"/contracts/{id}",
     {{CACHE_TAG_CONTRACT, SRC_PATH}, {CACHE_TAG_BIDDERS, SRC_NONE}}},
    {"/dashboard/freelancer",
     {{CACHE_TAG_USER, SRC_CALLER}, {CACHE_TAG_BIDDERS, SRC_NONE}}},
    {"/dashboard/client", {{CACHE_TAG_USER, SRC_CALLER}}},
    {"/analytics/marketplace", {{CACHE_TAG_MARKET, SRC_NONE}}},
};

#define NROUTE_TAGS (sizeof(route_tags) / sizeof(route_tags[0]))
#define MAX_ROUTES 128

/* The tags of http_routes[i], or NULL when that route is not cached. Set
 * once by http_cache_init. */
static const struct route_tags *tags_by_route[MAX_ROUTES];

/* One request's state in the cache. */
struct http_cache {
    cache_probe_t probe;
    char *key;                   /* probe.key's storage */
    bool active;                 /* looked up, and may fill */
    bool hit;
    bool gz;                     /* answer with the gzip form */
    bool not_modified;           /* answer 304 */
    cache_entry_t *entry;        /* the answer's entry (hit or fill) */
    int pre_headers;             /* reply headers set before the lookup
                                    (rate limits): this request's own,
                                    never stored in an entry */
};

void http_cache_init(void)
{
    for (size_t i = 0; i < http_nroutes && i < MAX_ROUTES; i++) {
        const route_t *r = &http_routes[i];
        tags_by_route[i] = NULL;
        if (r->cache == CACHE_NONE || strcmp(r->method, "GET") != 0)
            continue;
        for (size_t k = 0; k < NROUTE_TAGS; k++)
            if (strcmp(route_tags[k].path, r->path) == 0)
                tags_by_route[i] = &route_tags[k];
        if (tags_by_route[i] == NULL)
            log_warn("route is marked cacheable but no cache tags say what "
                     "changes it; it is not cached", "s:route", r->path);
    }
}

static int category_of(enum route_cache c)
{
    switch (c) {
    case CACHE_PROFILE:
        return CACHE_CAT_PROFILE;
    case CACHE_JOBS:
        return CACHE_CAT_JOBS;
    case CACHE_ANALYTICS:
        return CACHE_CAT_ANALYTICS;
    case CACHE_MARKETPLACE:
        return CACHE_CAT_MARKETPLACE;
    case CACHE_DEFAULT:
    case CACHE_NONE:
        break;
    }
    return CACHE_CAT_DEFAULT;
}

/* ---- the key ---- */

typedef struct key_buf {
    char *p;
    size_t len, cap;
    bool failed;
} key_buf_t;

static void key_put(key_buf_t *b, const void *data, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL) {
            b->failed = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void key_put_u64(key_buf_t *b, uint64_t v)
{
    key_put(b, &v, sizeof(v));
}

/* A length, then the bytes: no two different lists of strings give the
 * same sequence. */
static void key_put_str(key_buf_t *b, const char *s, size_t n)
{
    key_put_u64(b, n);
    key_put(b, s, n);
}

typedef struct qparam {
    const char *name;
    size_t name_len;
    const char *value;           /* NULL for "?name" with no '=' */
    size_t value_len;
} qparam_t;

typedef struct qparams {
    qparam_t p[MAX_PARAMS];
    int n;
    bool overflow;
} qparams_t;

static enum MHD_Result on_query_param(void *cls, enum MHD_ValueKind kind,
                                      const char *key, size_t key_size,
                                      const char *value, size_t value_size)
{
    qparams_t *q = cls;

    (void)kind;
    if (q->n >= MAX_PARAMS) {
        q->overflow = true;
        return MHD_NO;
    }
    q->p[q->n++] = (qparam_t){key, key_size, value, value ? value_size : 0};
    return MHD_YES;
}

static int bytes_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);

    return c ? c : (an > bn) - (an < bn);
}

static int qparam_cmp(const void *x, const void *y)
{
    const qparam_t *a = x, *b = y;
    int c = bytes_cmp(a->name, a->name_len, b->name, b->name_len);

    if (c == 0)
        c = (a->value != NULL) - (b->value != NULL);
    if (c == 0 && a->value)
        c = bytes_cmp(a->value, a->value_len, b->value, b->value_len);
    return c;
}

/* The key: the route, its path ids, the caller when the answer is private,
 * and the query parameters sorted by name, each length-prefixed. Returns
 * false when the request is not to be cached (too many parameters, no
 * memory). */
static bool key_build(http_req_t *req, bool private_, key_buf_t *b)
{
    qparams_t q = {.n = 0};

    MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND,
                                on_query_param, &q);
    if (q.overflow)
        return false;
    qsort(q.p, (size_t)q.n, sizeof(q.p[0]), qparam_cmp);
    key_put_u64(b, (uint64_t)(req->route - http_routes));
    key_put_u64(b, (uint64_t)req->nids);
    for (int i = 0; i < req->nids; i++)
        key_put_u64(b, (uint64_t)req->ids[i]);
    key_put_u64(b, private_ ? (uint64_t)req->user_id : 0);
    key_put_u64(b, (uint64_t)q.n);
    for (int i = 0; i < q.n; i++) {
        key_put_str(b, q.p[i].name, q.p[i].name_len);
        key_put_u64(b, q.p[i].value != NULL);
        key_put_str(b, q.p[i].value ? q.p[i].value : "", q.p[i].value_len);
    }
    return !b->failed;
}

/* ---- answers ---- */

static bool route_is_private(const http_req_t *req)
{
    return (req->route->flags & ROUTE_PRIVATE) != 0;
}

/* Sets the entry's form for this client: 304 when If-None-Match names it,
 * the gzip form when taken. */
static void answer_from_entry(http_req_t *req, struct http_cache *c)
{
    cache_entry_t *e = c->entry;
    char etag[CACHE_ETAG_LEN];

    c->gz = e->gz && cache_accepts_gzip(http_header(req, "Accept-Encoding"));
    cache_etag_format(e->etag, c->gz, etag);
    c->not_modified = cache_etag_matches(http_header(req, "If-None-Match"),
                                         etag);
    free(req->reply_body);
    req->reply_body = NULL;
    req->status = c->not_modified ? 304 : 200;
    req->reply_len = c->not_modified ? 0 : c->gz ? e->gz_len : e->body_len;
}

/* Fills the probe's tags: CACHE_TAG_ALL, then the route's. */
static void probe_tags(http_req_t *req, const struct route_tags *rt,
                       cache_probe_t *p)
{
    p->tags[0] = (cache_tag_t){CACHE_TAG_ALL, 0};
    p->ntags = 1;
    for (size_t i = 0; i < CACHE_MAX_TAGS - 1 && rt->tags[i].kind; i++) {
        int64_t id = 0;
        if (rt->tags[i].src == SRC_PATH)
            id = req->ids[0];
        else if (rt->tags[i].src == SRC_CALLER)
            id = req->user_id;
        p->tags[p->ntags++] = (cache_tag_t){rt->tags[i].kind, id};
    }
}

/* LIMITATION: a request that sends a bearer token has its session looked
 * up in the database before the cache is asked (a signed-out token must
 * get 401, never a cached answer), so only anonymous hits run no query at
 * all. The session lookup is one indexed read. */
bool http_cache_lookup(http_req_t *req)
{
    const struct route_tags *rt;
    struct http_cache *c;
    key_buf_t key = {0};
    size_t idx;

    if (req->route < http_routes || req->route >= http_routes + http_nroutes)
        return false;
    idx = (size_t)(req->route - http_routes);
    rt = idx < MAX_ROUTES ? tags_by_route[idx] : NULL;
    if (rt == NULL || (strcmp(req->method, "GET") != 0 &&
                       strcmp(req->method, "HEAD") != 0))
        return false;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return false;
    req->cache = c;
    c->pre_headers = req->nheaders;
    c->probe.category = category_of(req->route->cache);
    if (!cache_tier_enabled() || cache_tier_ttl_s(c->probe.category) <= 0)
        return false;
    if (!key_build(req, route_is_private(req), &key)) {
        free(key.p);
        return false;
    }
    c->key = key.p;
    c->probe.key = key.p;
    c->probe.key_len = key.len;
    cache_probe_hash(&c->probe);
    probe_tags(req, rt, &c->probe);
    /* The versions are read before the handler reads the database: a write
     * that lands in between leaves the fill stale, never served. */
    if (cache_tier_versions(c->probe.tags, c->probe.ntags, c->probe.vers) < 0)
        return false;
    c->active = true;
    c->entry = cache_tier_lookup(&c->probe);
    if (c->entry == NULL)
        return false;
    c->hit = true;
    answer_from_entry(req, c);
    return true;
}

/* ---- headers ---- */

static const char *reply_header(const http_req_t *req, const char *name)
{
    for (int i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

/* True when the comma-separated list holds token (any case). */
static bool list_has(const char *list, const char *token)
{
    size_t n = strlen(token);

    for (const char *p = list; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == n && strncasecmp(p, token, n) == 0)
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

/* Adds token to the reply's Vary header, unless it is there. */
static void vary_add(http_req_t *req, const char *token)
{
    const char *old = reply_header(req, "Vary");
    char buf[256];

    if (list_has(old, token))
        return;
    if (old == NULL) {
        http_reply_header(req, "Vary", token);
        return;
    }
    size_t n = strlen(old), t = strlen(token);
    if (n + t + 3 > sizeof(buf))
        return;
    memcpy(buf, old, n);
    memcpy(buf + n, ", ", 2);
    memcpy(buf + n + 2, token, t + 1);
    http_reply_header(req, "Vary", buf);
}

/* Cache-Control and Vary for every answer of a cached route. Shared
 * proxies must not keep a private answer, and no one may reuse any of them
 * without asking again (the ETag makes asking cheap). */
static void decorate(http_req_t *req)
{
    if (route_is_private(req)) {
        http_reply_header(req, "Cache-Control", "private, no-cache");
        vary_add(req, "Authorization");
    } else {
        http_reply_header(req, "Cache-Control", "no-cache");
    }
    vary_add(req, "Accept-Encoding");
}

/* The answer's headers (those set from the handler on) as
 * "name\0value\0..." for the entry, with the content type made explicit. */
static char *meta_build(const http_req_t *req, int first, size_t *len)
{
    key_buf_t b = {0};

    if (reply_header(req, "Content-Type") == NULL) {
        key_put(&b, "Content-Type", sizeof("Content-Type"));
        key_put(&b, JSON_TYPE, sizeof(JSON_TYPE));
    }
    for (int i = first; i < req->nheaders; i++) {
        key_put(&b, req->headers[i].name, strlen(req->headers[i].name) + 1);
        key_put(&b, req->headers[i].value, strlen(req->headers[i].value) + 1);
    }
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* Compresses an uncached reply for a client that takes gzip, when it is
 * large enough to be worth it. */
static void compress_live(http_req_t *req)
{
    char *gz;
    size_t gz_len;

    if (req->reply_body == NULL || req->reply_len < GZIP_MIN_BYTES ||
        req->status < 200 || req->status >= 300 ||
        reply_header(req, "Content-Encoding"))
        return;
    vary_add(req, "Accept-Encoding");
    if (!cache_accepts_gzip(http_header(req, "Accept-Encoding")) ||
        cache_gzip(req->reply_body, req->reply_len, GZIP_LEVEL_LIVE, &gz,
                   &gz_len) < 0)
        return;
    free(req->reply_body);
    req->reply_body = gz;
    req->reply_len = gz_len;
    http_reply_header(req, "Content-Encoding", "gzip");
}

/* Stores the handler's 200 answer; on success the answer is sent from the
 * entry. */
static void fill(http_req_t *req, struct http_cache *c)
{
    cache_item_t item = {.body = req->reply_body, .body_len = req->reply_len};
    char *gz = NULL, *meta;

    item.etag = cache_etag_hash(item.body, item.body_len);
    if (item.body_len >= GZIP_MIN_CACHED &&
        cache_gzip(item.body, item.body_len, GZIP_LEVEL_CACHED, &gz,
                   &item.gz_len) == 0)
        item.gz = gz;
    meta = meta_build(req, c->pre_headers, &item.meta_len);
    item.meta = meta;
    if (meta)
        c->entry = cache_tier_fill(&c->probe, &item);
    free(meta);
    free(gz);
    if (c->entry)
        answer_from_entry(req, c);
}

void http_cache_after(http_req_t *req)
{
    struct http_cache *c = req->cache;

    if (c == NULL) {
        compress_live(req);
        return;
    }
    /* Errors are never cached: they go out without cache headers, except
     * that a private route's refusals stay private too. */
    if (req->status == 200 || route_is_private(req))
        decorate(req);
    if (c->active && req->status == 200 && req->reply_body)
        fill(req, c);
    cache_tier_done(&c->probe);
    if (c->entry == NULL) {
        if (cache_tier_enabled() && req->status == 200)
            http_reply_header(req, "X-Cache", "MISS");
        compress_live(req);
    }
}

static void on_entry_sent(void *cls)
{
    cache_entry_release(cls);
}

const char *http_cache_result(const http_req_t *req)
{
    const struct http_cache *c = req->cache;

    if (c == NULL || !cache_tier_enabled())
        return "";
    return c->hit ? "hit" : "miss";
}

struct MHD_Response *http_cache_response(http_req_t *req)
{
    struct http_cache *c = req->cache;
    struct MHD_Response *resp;
    char etag[CACHE_ETAG_LEN];
    cache_entry_t *e;

    if (c == NULL || c->entry == NULL)
        return NULL;
    e = c->entry;
    if (c->not_modified) {
        resp = MHD_create_response_from_buffer(0, NULL,
                                               MHD_RESPMEM_PERSISTENT);
    } else {
        /* The response holds the entry's reference until it is sent. */
        resp = MHD_create_response_from_buffer_with_free_callback_cls(
            c->gz ? e->gz_len : e->body_len,
            (void *)(c->gz ? e->gz : e->body), on_entry_sent, e);
        if (resp)
            c->entry = NULL;
    }
    if (resp == NULL)
        return NULL;
    for (int i = 0; i < c->pre_headers && i < req->nheaders; i++)
        MHD_add_response_header(resp, req->headers[i].name,
                                req->headers[i].value);
    const char *p = e->meta, *end = e->meta + e->meta_len;
    while (p < end) {
        const char *name = p, *value, *stop = memchr(p, '\0', end - p);
        if (stop == NULL)
            break;
        value = stop + 1;
        stop = value < end ? memchr(value, '\0', end - value) : NULL;
        if (stop == NULL)
            break;
        p = stop + 1;
        if (!c->not_modified || strcasecmp(name, "Content-Type") != 0)
            MHD_add_response_header(resp, name, value);
    }
    cache_etag_format(e->etag, c->gz, etag);
    MHD_add_response_header(resp, "ETag", etag);
    if (c->gz && !c->not_modified)
        MHD_add_response_header(resp, "Content-Encoding", "gzip");
    MHD_add_response_header(resp, "X-Cache", c->hit ? "HIT" : "MISS");
    return resp;
}

void http_cache_done(http_req_t *req)
{
    struct http_cache *c = req->cache;

    if (c == NULL)
        return;
    cache_tier_done(&c->probe);
    cache_entry_release(c->entry);
    free(c->key);
    free(c);
    req->cache = NULL;
}
