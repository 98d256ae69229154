#include "ratelimit/redis.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"

#define POOL_MAX 64            /* idle connections kept */
#define TIMEOUT_MS 250         /* connect and command timeout */
#define RETRY_MS 1000          /* reconnect attempts during an outage */

/* KEYS[1] the bucket; ARGV[1] interval_us, ARGV[2] tau_us. The bucket's
 * value is the time (microseconds, Redis clock) at which it is full again;
 * it expires then, so idle buckets vanish. Returns {allowed, debt_us}. */
static const char take_script[] =
    "if redis.replicate_commands then redis.replicate_commands() end\n"
    "local t = redis.call('TIME')\n"
    "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
    "local interval = tonumber(ARGV[1])\n"
    "local tau = tonumber(ARGV[2])\n"
    "local full_at = tonumber(redis.call('GET', KEYS[1]) or '0')\n"
    "if full_at < now then full_at = now end\n"
    "local nxt = full_at + interval\n"
    "if nxt - now > tau then return {0, full_at - now} end\n"
    "redis.call('SET', KEYS[1], string.format('%.0f', nxt), 'PX',\n"
    "           math.floor((nxt - now) / 1000) + 1)\n"
    "return {1, nxt - now}\n";

struct rl_redis {
    char host[256];
    int port;
    int db;
    pthread_mutex_t lock;      /* guards idle[], nidle, sha */
    redisContext *idle[POOL_MAX];
    unsigned idle_gen[POOL_MAX];
    int nidle;
    char sha[48];              /* of take_script, from SCRIPT LOAD */
    atomic_uint gen;           /* bumped at each outage: older links are stale */
    atomic_bool down;
    _Atomic int64_t retry_at_ms; /* next reconnect attempt while down */
};

int rl_redis_url_parse(const char *url, char *host, size_t hostlen,
                       int *port, int *db, char *err, size_t errlen)
{
    const char *p = url, *end;
    char h[256];
    int64_t n;

    if (strncmp(p, "redis://", 8) != 0) {
        snprintf(err, errlen, "REDIS_URL must look like redis://host:port/db");
        return FH_EINVAL;
    }
    p += 8;
    end = p + strcspn(p, ":/");
    if (end == p || (size_t)(end - p) >= sizeof(h) || strchr(p, '@')) {
        snprintf(err, errlen, "REDIS_URL names no host (user:password@ is "
                 "not supported)");
        return FH_EINVAL;
    }
    memcpy(h, p, (size_t)(end - p));
    h[end - p] = '\0';
    int pt = 6379, d = 0;
    p = end;
    if (*p == ':') {
        char num[8];
        size_t len = strcspn(p + 1, "/");
        if (len == 0 || len >= sizeof(num)) {
            snprintf(err, errlen, "REDIS_URL has a bad port");
            return FH_EINVAL;
        }
        memcpy(num, p + 1, len);
        num[len] = '\0';
        if (fh_parse_int64(num, &n) < 0 || n < 1 || n > 65535) {
            snprintf(err, errlen, "REDIS_URL has a bad port");
            return FH_EINVAL;
        }
        pt = (int)n;
        p += 1 + len;
    }
    if (*p == '/' && p[1] != '\0') {
        if (fh_parse_int64(p + 1, &n) < 0 || n < 0 || n > 1000) {
            snprintf(err, errlen, "REDIS_URL has a bad database number");
            return FH_EINVAL;
        }
        d = (int)n;
    } else if (*p != '\0' && strcmp(p, "/") != 0) {
        snprintf(err, errlen, "REDIS_URL must look like redis://host:port/db");
        return FH_EINVAL;
    }
    if (host)
        snprintf(host, hostlen, "%s", h);
    if (port)
        *port = pt;
    if (db)
        *db = d;
    return 0;
}

rl_redis_t *rl_redis_new(const char *url)
{
    char err[128];
    rl_redis_t *r = calloc(1, sizeof(*r));

    if (r == NULL)
        return NULL;
    if (rl_redis_url_parse(url, r->host, sizeof(r->host), &r->port, &r->db,
                           err, sizeof(err)) < 0) {
        free(r);
        return NULL;
    }
    pthread_mutex_init(&r->lock, NULL);
    return r;
}

static redisReply *command(redisContext *c, const char *fmt, ...)
{
    va_list ap;
    void *reply;

    va_start(ap, fmt);
    reply = redisvCommand(c, fmt, ap);
    va_end(ap);
    return reply;
}

/* Opens a connection, selects the database and loads the script. Returns
 * NULL with the reason in err on failure. */
static redisContext *link_open(rl_redis_t *r, char *err, size_t errlen)
{
    struct timeval tv = {0, TIMEOUT_MS * 1000};
    redisContext *c = redisConnectWithTimeout(r->host, r->port, tv);
    redisReply *rep = NULL;

    if (c == NULL || c->err) {
        snprintf(err, errlen, "%s", c ? c->errstr : "out of memory");
        goto fail;
    }
    redisSetTimeout(c, tv);
    if (r->db != 0) {
        rep = command(c, "SELECT %d", r->db);
        if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
            snprintf(err, errlen, "%s", rep ? rep->str : c->errstr);
            goto fail;
        }
        freeReplyObject(rep);
    }
    rep = command(c, "SCRIPT LOAD %s", take_script);
    if (rep == NULL || rep->type != REDIS_REPLY_STRING) {
        snprintf(err, errlen, "%s", rep && rep->str ? rep->str : c->errstr);
        goto fail;
    }
    pthread_mutex_lock(&r->lock);
    snprintf(r->sha, sizeof(r->sha), "%s", rep->str);
    pthread_mutex_unlock(&r->lock);
    freeReplyObject(rep);
    return c;

fail:
    if (rep)
        freeReplyObject(rep);
    if (c)
        redisFree(c);
    return NULL;
}

/* Closes the idle connections of older generations. Caller holds the lock. */
static void pool_drop_stale(rl_redis_t *r, unsigned gen)
{
    int kept = 0;

    for (int i = 0; i < r->nidle; i++) {
        if (r->idle_gen[i] == gen) {
            r->idle[kept] = r->idle[i];
            r->idle_gen[kept++] = gen;
        } else {
            redisFree(r->idle[i]);
        }
    }
    r->nidle = kept;
}

static void pool_drop_all(rl_redis_t *r)
{
    pthread_mutex_lock(&r->lock);
    for (int i = 0; i < r->nidle; i++)
        redisFree(r->idle[i]);
    r->nidle = 0;
    pthread_mutex_unlock(&r->lock);
}

/* Marks Redis unreachable after a failure on a link of generation gen; the
 * first failure of an outage logs it. */
static void on_link_failed(rl_redis_t *r, unsigned gen, const char *why)
{
    atomic_store(&r->retry_at_ms, (int64_t)fh_mono_ms() + RETRY_MS);
    if (atomic_load(&r->gen) != gen)
        return;  /* a link from before the last outage or recovery */
    if (!atomic_exchange(&r->down, true))
        log_warn("redis unreachable; rate limits are kept in this process "
                 "until it returns", "s:host", r->host,
                 "i:port", (int64_t)r->port, "s:error", why);
    atomic_fetch_add(&r->gen, 1);
    pthread_mutex_lock(&r->lock);
    pool_drop_stale(r, atomic_load(&r->gen));
    pthread_mutex_unlock(&r->lock);
}

/* A connection for one command, with its generation in *gen, or NULL when
 * Redis is down (and this is not the moment to retry) or unreachable.
 * *pooled tells whether it was idle in the pool (and may have gone stale). */
static redisContext *link_get(rl_redis_t *r, unsigned *gen, bool *pooled)
{
    redisContext *c = NULL;
    char err[160];

    *pooled = false;
    if (atomic_load(&r->down)) {
        int64_t at = atomic_load(&r->retry_at_ms);
        int64_t now = (int64_t)fh_mono_ms();
        /* One thread a second tries; the others go local at once. */
        if (now < at || !atomic_compare_exchange_strong(&r->retry_at_ms, &at,
                                                        now + RETRY_MS))
            return NULL;
        *gen = atomic_load(&r->gen);
        c = link_open(r, err, sizeof(err));
        if (c == NULL)
            return NULL;
        atomic_store(&r->down, false);
        log_info("redis reachable again; rate limits are shared",
                 "s:host", r->host, "i:port", (int64_t)r->port);
        return c;
    }
    pthread_mutex_lock(&r->lock);
    *gen = atomic_load(&r->gen);
    pool_drop_stale(r, *gen);
    if (r->nidle > 0)
        c = r->idle[--r->nidle];
    pthread_mutex_unlock(&r->lock);
    if (c) {
        *pooled = true;
        return c;
    }
    c = link_open(r, err, sizeof(err));
    if (c == NULL)
        on_link_failed(r, *gen, err);
    return c;
}

static void link_put(rl_redis_t *r, redisContext *c, unsigned gen)
{
    pthread_mutex_lock(&r->lock);
    if (gen == atomic_load(&r->gen) && r->nidle < POOL_MAX) {
        r->idle[r->nidle] = c;
        r->idle_gen[r->nidle++] = gen;
        c = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    if (c)
        redisFree(c);
}

/* Runs the script by its hash, or by its text when Redis lost it. */
static redisReply *run_take(rl_redis_t *r, redisContext *c, const char *key,
                            const rl_rate_t *rate)
{
    char sha[48];
    redisReply *rep;

    pthread_mutex_lock(&r->lock);
    memcpy(sha, r->sha, sizeof(sha));
    pthread_mutex_unlock(&r->lock);
    rep = command(c, "EVALSHA %s 1 %s %lld %lld", sha, key,
                  (long long)rate->interval_us, (long long)rate->tau_us);
    if (rep && rep->type == REDIS_REPLY_ERROR &&
        strncmp(rep->str, "NOSCRIPT", 8) == 0) {
        freeReplyObject(rep);
        rep = command(c, "EVAL %s 1 %s %lld %lld", take_script, key,
                      (long long)rate->interval_us, (long long)rate->tau_us);
    }
    return rep;
}

int rl_redis_take(rl_redis_t *r, const char *key, const rl_rate_t *rate,
                  bool *allowed, int64_t *debt_us)
{
    unsigned gen;
    bool pooled;
    redisContext *c = link_get(r, &gen, &pooled);
    redisReply *rep;

    if (c == NULL)
        return FH_EUNAVAILABLE;
    rep = run_take(r, c, key, rate);
    while (rep == NULL && pooled) {
        /* Idle links may have died with a Redis restart: drop them all,
         * and let one fresh connection decide whether Redis is gone. */
        redisFree(c);
        pool_drop_all(r);
        c = link_get(r, &gen, &pooled);
        if (c == NULL)
            return FH_EUNAVAILABLE;
        rep = run_take(r, c, key, rate);
    }
    if (rep == NULL) {
        on_link_failed(r, gen, c->errstr);
        redisFree(c);
        return FH_EUNAVAILABLE;
    }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 ||
        rep->element[0]->type != REDIS_REPLY_INTEGER ||
        rep->element[1]->type != REDIS_REPLY_INTEGER) {
        /* Redis answered but not as the script does (a read-only replica,
         * out of memory): count it as an outage of the shared tier. */
        on_link_failed(r, gen, rep->type == REDIS_REPLY_ERROR ? rep->str
                                                              : "bad reply");
        freeReplyObject(rep);
        link_put(r, c, gen);
        return FH_EUNAVAILABLE;
    }
    *allowed = rep->element[0]->integer == 1;
    *debt_us = rep->element[1]->integer;
    freeReplyObject(rep);
    link_put(r, c, gen);
    return 0;
}

bool rl_redis_is_up(rl_redis_t *r)
{
    return !atomic_load(&r->down);
}

void rl_redis_free(rl_redis_t *r)
{
    if (r == NULL)
        return;
    for (int i = 0; i < r->nidle; i++)
        redisFree(r->idle[i]);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
