#include "cache/redis.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <xxhash.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"

#define REDIS_RETRY_MS 1000          /* between reconnection attempts */
#define REDIS_TAG_TTL_S 172800       /* a tag version outlives any entry;
                                        one that expired reads as new */
#define REDIS_MAX_CMDS (2 * CACHE_MAX_TAGS + 2)
#define ENTRY_MAGIC "FHC1"

enum state { STATE_NEW, STATE_UP, STATE_DOWN };

/* One worker thread's connection. */
typedef struct conn {
    redisContext *ctx;
    unsigned gen;                    /* the outage count it was opened in */
} conn_t;

struct cache_redis {
    cache_redis_url_t url;
    struct timeval timeout;
    pthread_key_t key;               /* conn_t per thread */
    atomic_int state;                /* enum state */
    atomic_uint gen;                 /* moves on each outage */
    atomic_llong retry_at_ms;        /* next reconnection attempt */
    atomic_uint_fast64_t outages, errors, entries_put, entries_got;
};

/* One command of a pipeline; a len of 0 means strlen. */
typedef struct cmd {
    int argc;
    const char *argv[CACHE_MAX_TAGS + 2];
    size_t len[CACHE_MAX_TAGS + 2];
} cmd_t;

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- REDIS_URL ---- */

static int url_fail(char *err, const char *why)
{
    snprintf(err, CACHE_REDIS_ERR_LEN, "REDIS_URL %s", why);
    return FH_EINVAL;
}

/* Copies s[0..n) into dst of cap bytes; false when it does not fit. */
static bool copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

static bool parse_small_int(const char *s, size_t n, int lo, int hi, int *out)
{
    char buf[16];
    int64_t v;

    if (n == 0 || !copy_part(buf, sizeof(buf), s, n) ||
        fh_parse_int64(buf, &v) < 0 || v < lo || v > hi)
        return false;
    *out = (int)v;
    return true;
}

static int url_parse_unix(const char *rest, cache_redis_url_t *out, char *err)
{
    const char *q = strchr(rest, '?');
    size_t n = q ? (size_t)(q - rest) : strlen(rest);

    while (n > 1 && rest[0] == '/' && rest[1] == '/') {  /* unix:///path */
        rest++;
        n--;
    }
    if (n == 0 || rest[0] != '/' || !copy_part(out->socket,
                                               sizeof(out->socket), rest, n))
        return url_fail(err, "must name an absolute socket path: "
                             "unix:/path/to/redis.sock");
    if (q && (strncmp(q, "?db=", 4) != 0 ||
              !parse_small_int(q + 4, strlen(q + 4), 0, 1000, &out->db)))
        return url_fail(err, "takes only ?db=N after a socket path");
    return 0;
}

/* user:password@ in front of the host, when present. */
static int url_parse_auth(const char **p, const char *end,
                          cache_redis_url_t *out, char *err)
{
    const char *at = memchr(*p, '@', (size_t)(end - *p));
    const char *colon;

    if (at == NULL)
        return 0;
    colon = memchr(*p, ':', (size_t)(at - *p));
    if (colon == NULL)
        return url_fail(err, "must give credentials as [user]:password@");
    if (!copy_part(out->user, sizeof(out->user), *p, (size_t)(colon - *p)) ||
        !copy_part(out->password, sizeof(out->password), colon + 1,
                   (size_t)(at - colon - 1)))
        return url_fail(err, "has credentials that are too long");
    *p = at + 1;
    return 0;
}

int cache_redis_url_parse(const char *url, cache_redis_url_t *out,
                          char err[CACHE_REDIS_ERR_LEN])
{
    const char *p, *end, *host_end, *port_at = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    out->port = 6379;
    if (strncmp(url, "unix:", 5) == 0)
        return url_parse_unix(url + 5, out, err);
    if (strncmp(url, "redis://", 8) != 0)
        return url_fail(err, "must start with redis:// or unix:");
    p = url + 8;
    end = p + strcspn(p, "/?#");
    if (p[strcspn(p, "?#")] != '\0')
        return url_fail(err, "takes no query or fragment");
    rc = url_parse_auth(&p, end, out, err);
    if (rc < 0)
        return rc;
    if (*p == '[') {                          /* [::1]:6379 */
        host_end = memchr(p, ']', (size_t)(end - p));
        if (host_end == NULL)
            return url_fail(err, "has an unclosed [ in its host");
        if (!copy_part(out->host, sizeof(out->host), p + 1,
                       (size_t)(host_end - p - 1)))
            return url_fail(err, "has a host that is too long");
        if (host_end + 1 < end && host_end[1] == ':')
            port_at = host_end + 2;
        else if (host_end + 1 != end)
            return url_fail(err, "has junk after its [host]");
    } else {
        host_end = memchr(p, ':', (size_t)(end - p));
        if (host_end)
            port_at = host_end + 1;
        else
            host_end = end;
        if (!copy_part(out->host, sizeof(out->host), p,
                       (size_t)(host_end - p)))
            return url_fail(err, "has a host that is too long");
    }
    if (out->host[0] == '\0')
        return url_fail(err, "names no host");
    if (port_at && !parse_small_int(port_at, (size_t)(end - port_at), 1,
                                    65535, &out->port))
        return url_fail(err, "has a port that is not 1..65535");
    if (*end == '/' && end[1] != '\0' &&
        !parse_small_int(end + 1, strlen(end + 1), 0, 1000, &out->db))
        return url_fail(err, "has a database number that is not 0..1000");
    return 0;
}

/* ---- connections ---- */

static void on_thread_exit(void *value)
{
    conn_t *c = value;

    if (c->ctx)
        redisFree(c->ctx);
    free(c);
}

/* Runs one command on a fresh connection and checks its reply is not an
 * error. */
static bool setup_command(redisContext *ctx, int argc, const char **argv)
{
    redisReply *reply = redisCommandArgv(ctx, argc, argv, NULL);
    bool ok = reply && reply->type != REDIS_REPLY_ERROR;

    if (reply)
        freeReplyObject(reply);
    return ok;
}

#define WHY_LEN 128

/* Opens, authenticates and selects; NULL with why filled on failure. */
static redisContext *conn_open(cache_redis_t *r, char why[WHY_LEN])
{
    redisContext *ctx;
    char db[16];

    if (r->url.socket[0])
        ctx = redisConnectUnixWithTimeout(r->url.socket, r->timeout);
    else
        ctx = redisConnectWithTimeout(r->url.host, r->url.port, r->timeout);
    if (ctx == NULL) {
        snprintf(why, WHY_LEN, "out of memory");
        return NULL;
    }
    if (ctx->err || redisSetTimeout(ctx, r->timeout) != REDIS_OK) {
        snprintf(why, WHY_LEN, "%s",
                 ctx->errstr[0] ? ctx->errstr : "cannot connect");
        redisFree(ctx);
        return NULL;
    }
    if (r->url.password[0]) {
        const char *argv[3] = {"AUTH", r->url.user, r->url.password};
        bool ok = r->url.user[0] ? setup_command(ctx, 3, argv)
                                 : setup_command(ctx, 2, (const char *[]){
                                       "AUTH", r->url.password});
        if (!ok) {
            snprintf(why, WHY_LEN, "AUTH refused");
            redisFree(ctx);
            return NULL;
        }
    }
    snprintf(db, sizeof(db), "%d", r->url.db);
    if (r->url.db != 0 &&
        !setup_command(ctx, 2, (const char *[]){"SELECT", db})) {
        snprintf(why, WHY_LEN, "SELECT refused");
        redisFree(ctx);
        return NULL;
    }
    return ctx;
}

/* Marks Redis unreachable; only the first failure of an outage is
 * logged. While it lasts this instance bypasses the cache, and its first
 * connection afterwards drops every cached answer (recover), since its own
 * invalidations may have been lost meanwhile.
 *
 * LIMITATION: when only this instance loses Redis while others still reach
 * it (a network partition, not an outage), the others keep serving entries
 * that this instance's writes should have dropped, until it reconnects or
 * their TTL runs out. Instances cannot learn of writes they are cut off
 * from; an outage of Redis itself is safe because every instance bypasses. */
static void mark_down(cache_redis_t *r, const char *why)
{
    atomic_store(&r->retry_at_ms, mono_ms() + REDIS_RETRY_MS);
    if (atomic_exchange(&r->state, STATE_DOWN) != STATE_DOWN) {
        atomic_fetch_add(&r->gen, 1);
        atomic_fetch_add(&r->outages, 1);
        log_warn("response cache: Redis cannot be reached; answering from "
                 "the database until it returns", "s:error", why);
    }
}

static char *new_token(char buf[17])
{
    uint64_t t;

    randombytes_buf(&t, sizeof(t));
    snprintf(buf, 17, "%016llx", (unsigned long long)t);
    return buf;
}

static void tag_key(const cache_tag_t *t, char buf[48])
{
    snprintf(buf, 48, "fh:v:%d:%lld", t->kind, (long long)t->id);
}

/* A first connection after an outage: invalidations may have been lost
 * while it lasted, so the tag every entry carries moves before anything is
 * served again. */
static bool recover(cache_redis_t *r, redisContext *ctx)
{
    cache_tag_t all = {CACHE_TAG_ALL, 0};
    char key[48], tok[17], ttl[16];

    tag_key(&all, key);
    snprintf(ttl, sizeof(ttl), "%d", REDIS_TAG_TTL_S);
    if (!setup_command(ctx, 5, (const char *[]){"SET", key, new_token(tok),
                                                "EX", ttl}))
        return false;
    if (atomic_exchange(&r->state, STATE_UP) == STATE_NEW)
        log_info("response cache: Redis connected", "s:host",
                 r->url.socket[0]
                 ? r->url.socket : r->url.host,
                 "i:port", (int64_t)r->url.port);
    else
        log_info("response cache: Redis answers again; every cached answer "
                 "was dropped");
    return true;
}

/* The calling thread's connection, opened when needed; NULL while Redis
 * is down (a thread tries again once REDIS_RETRY_MS passed, or at once when
 * urgent: an invalidation must get through if it can). */
static redisContext *conn_get(cache_redis_t *r, bool urgent)
{
    conn_t *c = pthread_getspecific(r->key);
    char why[WHY_LEN] = "cannot connect";
    bool probing = false;

    if (atomic_load(&r->state) != STATE_UP) {
        long long at = atomic_load(&r->retry_at_ms);
        if (!urgent &&
            (mono_ms() < at ||
             !atomic_compare_exchange_strong(&r->retry_at_ms, &at,
                                             mono_ms() + REDIS_RETRY_MS)))
            return NULL;
        probing = true;
    }
    if (c == NULL) {
        c = calloc(1, sizeof(*c));
        if (c == NULL || pthread_setspecific(r->key, c) != 0) {
            free(c);
            return NULL;
        }
    }
    unsigned gen = atomic_load(&r->gen);
    if (c->ctx && c->gen != gen) {
        redisFree(c->ctx);
        c->ctx = NULL;
    }
    if (c->ctx == NULL) {
        c->ctx = conn_open(r, why);
        c->gen = gen;
    }
    if (c->ctx && probing && !recover(r, c->ctx)) {
        snprintf(why, WHY_LEN, "the first command after reconnecting failed");
        redisFree(c->ctx);
        c->ctx = NULL;
    }
    if (c->ctx == NULL) {
        atomic_fetch_add(&r->errors, 1);
        mark_down(r, why);
    }
    return c->ctx;
}

/* Drops the calling thread's connection after a failure on it. */
static void conn_drop(cache_redis_t *r)
{
    conn_t *c = pthread_getspecific(r->key);

    if (c && c->ctx) {
        redisFree(c->ctx);
        c->ctx = NULL;
    }
}

static void replies_free(redisReply **replies, int n)
{
    for (int i = 0; i < n; i++) {
        if (replies[i])
            freeReplyObject(replies[i]);
        replies[i] = NULL;
    }
}

/* Sends n commands in one round trip on ctx and reads their replies. */
static int pipeline_once(redisContext *ctx, const cmd_t *cmds, int n,
                         redisReply **replies)
{
    for (int i = 0; i < n; i++) {
        size_t len[CACHE_MAX_TAGS + 2];
        for (int j = 0; j < cmds[i].argc; j++)
            len[j] = cmds[i].len[j] ? cmds[i].len[j] : strlen(cmds[i].argv[j]);
        if (redisAppendCommandArgv(ctx, cmds[i].argc,
                                   (const char **)cmds[i].argv, len) !=
            REDIS_OK)
            return FH_EUNAVAILABLE;
    }
    for (int i = 0; i < n; i++) {
        void *reply = NULL;
        if (redisGetReply(ctx, &reply) != REDIS_OK || reply == NULL) {
            replies_free(replies, i);
            return FH_EUNAVAILABLE;
        }
        replies[i] = reply;
    }
    return 0;
}

/* Runs the pipeline, once more on a new connection when the first one
 * fails (a connection Redis closed while idle). When strict, an error
 * reply counts as a failure too; when urgent, a Redis marked down is
 * tried at once. Marks Redis down when both attempts fail. */
static int pipeline(cache_redis_t *r, const cmd_t *cmds, int n,
                    redisReply **replies, bool strict, bool urgent)
{
    char why[WHY_LEN] = "no reply";

    for (int attempt = 0; attempt < 2; attempt++) {
        redisContext *ctx = conn_get(r, urgent);
        if (ctx == NULL)
            return FH_EUNAVAILABLE;
        if (pipeline_once(ctx, cmds, n, replies) == 0) {
            bool bad = false;
            for (int i = 0; i < n; i++)
                bad |= replies[i]->type == REDIS_REPLY_ERROR;
            if (!bad || !strict)
                return 0;
            snprintf(why, WHY_LEN, "an error reply");
            replies_free(replies, n);
            atomic_fetch_add(&r->errors, 1);
            break;
        }
        snprintf(why, WHY_LEN, "%s", ctx->errstr[0] ? ctx->errstr : "no reply");
        atomic_fetch_add(&r->errors, 1);
        conn_drop(r);
    }
    mark_down(r, why);
    return FH_EUNAVAILABLE;
}

/* ---- tags ---- */

static bool parse_token(const redisReply *rep, uint64_t *out)
{
    char buf[17];
    char *end;

    if (rep->type != REDIS_REPLY_STRING || rep->len == 0 || rep->len > 16)
        return false;
    memcpy(buf, rep->str, rep->len);
    buf[rep->len] = '\0';
    *out = strtoull(buf, &end, 16);
    return *end == '\0';
}

/* A reply that is not what the command gives: the tier cannot be trusted
 * until it reconnects. */
static int unexpected(cache_redis_t *r, redisReply **replies, int n)
{
    replies_free(replies, n);
    atomic_fetch_add(&r->errors, 1);
    conn_drop(r);
    mark_down(r, "unexpected reply");
    return FH_EUNAVAILABLE;
}

int cache_redis_versions(cache_redis_t *r, const cache_tag_t *tags, size_t n,
                         uint64_t *vers)
{
    char keys[CACHE_MAX_TAGS][48], toks[CACHE_MAX_TAGS][17], ttl[16];
    redisReply *rep[REDIS_MAX_CMDS] = {0};
    cmd_t cmds[REDIS_MAX_CMDS];
    size_t missing[CACHE_MAX_TAGS], nmissing = 0;
    int ncmd = 0, rc;

    if (n == 0 || n > CACHE_MAX_TAGS)
        return FH_EINVAL;
    cmds[0] = (cmd_t){.argc = (int)n + 1, .argv = {"MGET"}};
    for (size_t i = 0; i < n; i++) {
        tag_key(&tags[i], keys[i]);
        cmds[0].argv[i + 1] = keys[i];
    }
    rc = pipeline(r, cmds, 1, rep, true, false);
    if (rc < 0)
        return rc;
    if (rep[0]->type != REDIS_REPLY_ARRAY || rep[0]->elements != n)
        return unexpected(r, rep, 1);
    for (size_t i = 0; i < n; i++)
        if (!parse_token(rep[0]->element[i], &vers[i]))
            missing[nmissing++] = i;
    replies_free(rep, 1);
    if (nmissing == 0)
        return 0;

    /* A tag never seen (or expired) gets a version unless another instance
     * gives it one first: SET NX, then read what won. */
    snprintf(ttl, sizeof(ttl), "%d", REDIS_TAG_TTL_S);
    for (size_t k = 0; k < nmissing; k++) {
        size_t i = missing[k];
        cmds[ncmd++] = (cmd_t){.argc = 6, .argv = {"SET", keys[i],
                               new_token(toks[i]), "NX", "EX", ttl}};
        cmds[ncmd++] = (cmd_t){.argc = 2, .argv = {"GET", keys[i]}};
    }
    rc = pipeline(r, cmds, ncmd, rep, true, false);
    if (rc < 0)
        return rc;
    for (size_t k = 0; k < nmissing; k++)
        if (!parse_token(rep[2 * k + 1], &vers[missing[k]]))
            return unexpected(r, rep, ncmd);
    replies_free(rep, ncmd);
    return 0;
}

int cache_redis_invalidate(cache_redis_t *r, const cache_tag_t *tags,
                           size_t n)
{
    char keys[REDIS_MAX_CMDS][48], toks[REDIS_MAX_CMDS][17], ttl[16];
    redisReply *rep[REDIS_MAX_CMDS] = {0};
    cmd_t cmds[REDIS_MAX_CMDS];
    int rc = 0;

    snprintf(ttl, sizeof(ttl), "%d", REDIS_TAG_TTL_S);
    while (n > 0 && rc == 0) {
        size_t batch = n < REDIS_MAX_CMDS ? n : REDIS_MAX_CMDS;
        for (size_t i = 0; i < batch; i++) {
            tag_key(&tags[i], keys[i]);
            cmds[i] = (cmd_t){.argc = 5, .argv = {"SET", keys[i],
                              new_token(toks[i]), "EX", ttl}};
        }
        rc = pipeline(r, cmds, (int)batch, rep, true, true);
        if (rc == 0)
            replies_free(rep, (int)batch);
        tags += batch;
        n -= batch;
    }
    return rc;
}

/* ---- shared entries ---- */

/* The blob: "FHC1", key_len, ntags (u32), vers (u64 each), expiry (wall
 * clock ms, i64), etag (u64), body_len, gz_len, meta_len (u32), then key,
 * body, gz and meta. Native byte order: instances share one build. */
typedef struct blob_head {
    char magic[4];
    uint32_t key_len;
    uint32_t ntags;
    uint32_t body_len;
    uint32_t gz_len;
    uint32_t meta_len;
    int64_t expires_ms;
    uint64_t etag;
    uint64_t vers[CACHE_MAX_TAGS];
} blob_head_t;

static void entry_key(const cache_probe_t *p, char buf[48])
{
    XXH128_hash_t h = XXH3_128bits(p->key, p->key_len);

    snprintf(buf, 48, "fh:e:%016llx%016llx", (unsigned long long)h.high64,
             (unsigned long long)h.low64);
}

void cache_redis_entry_put(cache_redis_t *r, const cache_probe_t *p,
                           const cache_item_t *item, int64_t ttl_ms)
{
    size_t gz_len = item->gz ? item->gz_len : 0;
    size_t size = sizeof(blob_head_t) + p->key_len + item->body_len + gz_len +
                  item->meta_len;
    blob_head_t h = {.magic = ENTRY_MAGIC};
    redisReply *rep[1] = {0};
    char key[48], px[24];
    char *blob, *at;

    if (ttl_ms <= 0 || atomic_load(&r->state) != STATE_UP)
        return;
    blob = malloc(size);
    if (blob == NULL)
        return;
    h.key_len = (uint32_t)p->key_len;
    h.ntags = (uint32_t)p->ntags;
    h.body_len = (uint32_t)item->body_len;
    h.gz_len = (uint32_t)gz_len;
    h.meta_len = (uint32_t)item->meta_len;
    h.expires_ms = wall_ms() + ttl_ms;
    h.etag = item->etag;
    memcpy(h.vers, p->vers, sizeof(h.vers));
    at = blob;
    memcpy(at, &h, sizeof(h));
    at += sizeof(h);
    memcpy(at, p->key, p->key_len);
    at += p->key_len;
    memcpy(at, item->body, item->body_len);
    at += item->body_len;
    if (gz_len)
        memcpy(at, item->gz, gz_len);
    at += gz_len;
    if (item->meta_len)
        memcpy(at, item->meta, item->meta_len);

    entry_key(p, key);
    snprintf(px, sizeof(px), "%lld", (long long)ttl_ms);
    cmd_t cmd = {.argc = 5, .argv = {"SET", key, blob, "PX", px},
                 .len = {0, 0, size, 0, 0}};
    /* An error reply (Redis out of memory, say) only loses the sharing. */
    if (pipeline(r, &cmd, 1, rep, false, false) == 0) {
        if (rep[0]->type != REDIS_REPLY_ERROR)
            atomic_fetch_add(&r->entries_put, 1);
        replies_free(rep, 1);
    }
    free(blob);
}

/* Checks a fetched blob against p and points item into it. */
static bool blob_check(const char *blob, size_t len, const cache_probe_t *p,
                       cache_item_t *item, int64_t *ttl_ms)
{
    blob_head_t h;
    const char *at = blob + sizeof(h);

    if (len < sizeof(h))
        return false;
    memcpy(&h, blob, sizeof(h));
    if (memcmp(h.magic, ENTRY_MAGIC, 4) != 0 ||
        len != sizeof(h) + (size_t)h.key_len + h.body_len + h.gz_len +
                   h.meta_len ||
        h.key_len != p->key_len || memcmp(at, p->key, p->key_len) != 0 ||
        h.ntags != p->ntags ||
        memcmp(h.vers, p->vers, p->ntags * sizeof(h.vers[0])) != 0)
        return false;
    *ttl_ms = h.expires_ms - wall_ms();
    if (*ttl_ms <= 0)
        return false;
    at += h.key_len;
    item->body = at;
    item->body_len = h.body_len;
    at += h.body_len;
    item->gz = h.gz_len ? at : NULL;
    item->gz_len = h.gz_len;
    at += h.gz_len;
    item->meta = at;
    item->meta_len = h.meta_len;
    item->etag = h.etag;
    return true;
}

int cache_redis_entry_get(cache_redis_t *r, const cache_probe_t *p,
                          cache_item_t *item, int64_t *ttl_ms, void **blob)
{
    redisReply *rep[1] = {0};
    char key[48];
    char *copy;
    int rc = FH_ENOTFOUND;

    entry_key(p, key);
    cmd_t cmd = {.argc = 2, .argv = {"GET", key}};
    if (pipeline(r, &cmd, 1, rep, false, false) < 0)
        return FH_ENOTFOUND;
    if (rep[0]->type == REDIS_REPLY_STRING &&
        (copy = malloc(rep[0]->len ? rep[0]->len : 1)) != NULL) {
        memcpy(copy, rep[0]->str, rep[0]->len);
        if (blob_check(copy, rep[0]->len, p, item, ttl_ms)) {
            *blob = copy;
            atomic_fetch_add(&r->entries_got, 1);
            rc = 0;
        } else {
            free(copy);
        }
    }
    replies_free(rep, 1);
    return rc;
}

/* ---- life cycle ---- */

int cache_redis_new(const char *url, int timeout_ms, cache_redis_t **out)
{
    char err[CACHE_REDIS_ERR_LEN];
    cache_redis_t *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return FH_ENOMEM;
    if (cache_redis_url_parse(url, &r->url, err) < 0) {
        log_error("bad REDIS_URL", "s:error", err);
        free(r);
        return FH_EINVAL;
    }
    if (pthread_key_create(&r->key, on_thread_exit) != 0) {
        free(r);
        return FH_ENOMEM;
    }
    r->timeout.tv_sec = timeout_ms / 1000;
    r->timeout.tv_usec = (timeout_ms % 1000) * 1000;
    /* Not up until the first connection proves it: that connection moves
     * the tag every entry carries, as after any outage, so that writes an
     * instance made before it stopped without telling Redis cannot leave
     * stale entries behind. */
    atomic_store(&r->state, STATE_NEW);
    atomic_store(&r->retry_at_ms, 0);
    conn_get(r, false);
    *out = r;
    return 0;
}

bool cache_redis_is_up(cache_redis_t *r)
{
    return atomic_load(&r->state) == STATE_UP;
}

void cache_redis_stats(cache_redis_t *r, cache_redis_stats_t *out)
{
    out->up = atomic_load(&r->state) == STATE_UP;
    out->outages = atomic_load(&r->outages);
    out->errors = atomic_load(&r->errors);
    out->entries_put = atomic_load(&r->entries_put);
    out->entries_got = atomic_load(&r->entries_got);
}

void cache_redis_free(cache_redis_t *r)
{
    conn_t *c;

    if (r == NULL)
        return;
    c = pthread_getspecific(r->key);
    if (c) {
        on_thread_exit(c);
        pthread_setspecific(r->key, NULL);
    }
    pthread_key_delete(r->key);
    free(r);
}
