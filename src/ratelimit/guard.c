#include "ratelimit/guard.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "http/reply.h"
#include "obs/log.h"
#include "ratelimit/limiter.h"

_Static_assert((int)TIER_STANDARD == RL_TIER_STANDARD &&
               (int)TIER_STRICT == RL_TIER_STRICT &&
               (int)TIER_LENIENT == RL_TIER_LENIENT &&
               (int)TIER_AUTH == RL_TIER_AUTH &&
               (int)TIER_SEARCH == RL_TIER_SEARCH &&
               (int)TIER_NONE == RL_NTIERS,
               "route tiers and limiter tiers share their order");

#define CLIENT_KEY_LEN 64

typedef struct xff_list {
    const char *values[RL_MAX_HOPS];
    int n;
} xff_list_t;

/* Collects every X-Forwarded-For header in the order sent; past
 * RL_MAX_HOPS headers, the right-most are kept. */
static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind,
                                 const char *name, const char *value)
{
    xff_list_t *l = cls;

    (void)kind;
    if (value == NULL || strcasecmp(name, "X-Forwarded-For") != 0)
        return MHD_YES;
    if (l->n == RL_MAX_HOPS) {
        memmove(l->values, l->values + 1,
                (RL_MAX_HOPS - 1) * sizeof(l->values[0]));
        l->n--;
    }
    l->values[l->n++] = value;
    return MHD_YES;
}

/* The key req counts against: "user:ID" when signed in, else
 * "ip:ADDRESS". */
static void client_key(http_req_t *req, char out[CLIENT_KEY_LEN])
{
    char addr[RL_ADDR_LEN];
    xff_list_t xff = {.n = 0};

    if (req->user_id > 0 && req->status == 0) {
        snprintf(out, CLIENT_KEY_LEN, "user:%lld", (long long)req->user_id);
        return;
    }
    if (rl_proxies()->n > 0 && rl_proxies_has(rl_proxies(), req->client))
        MHD_get_connection_values(req->conn, MHD_HEADER_KIND, on_header, &xff);
    rl_client_address(rl_proxies(), req->client, xff.values, xff.n, addr);
    snprintf(out, CLIENT_KEY_LEN, "ip:%s", addr);
}

static void set_headers(http_req_t *req, const rl_verdict_t *v)
{
    char n[16];

    snprintf(n, sizeof(n), "%d", v->limit);
    http_reply_header(req, "RateLimit-Limit", n);
    snprintf(n, sizeof(n), "%d", v->remaining);
    http_reply_header(req, "RateLimit-Remaining", n);
    snprintf(n, sizeof(n), "%d", v->reset_s);
    http_reply_header(req, "RateLimit-Reset", n);
}

static int refuse(http_req_t *req, int tier, const char *client,
                  const rl_verdict_t *v, const char *bucket)
{
    rl_note_refusal(tier, client);
    log_info("rate limited", "s:tier", rl_tier_name(tier), "s:client", client,
             "s:bucket", bucket, "i:retry_after_s", (int64_t)v->retry_after_s);
    http_reply_rate_limited(req, v->retry_after_s);
    return FH_EUNAVAILABLE;
}

int rl_guard_request(http_req_t *req)
{
    char client[CLIENT_KEY_LEN];
    rl_verdict_t v;

    if (!rl_is_enabled() || req->route == NULL ||
        req->route->tier == TIER_NONE)
        return 0;
    int tier = (int)req->route->tier;
    client_key(req, client);
    rl_take(tier, client, &v);
    rl_note_request(tier);
    set_headers(req, &v);
    return v.allowed ? 0 : refuse(req, tier, client, &v, "client");
}

/* The remaining count already in the reply's headers, or -1. */
static int remaining_header(const http_req_t *req)
{
    for (int i = 0; i < req->nheaders; i++)
        if (strcasecmp(req->headers[i].name, "RateLimit-Remaining") == 0)
            return atoi(req->headers[i].value);
    return -1;
}

int rl_guard_account(http_req_t *req, const char *email)
{
    char key[300], client[CLIENT_KEY_LEN];
    rl_verdict_t v;

    if (!rl_is_enabled())
        return 0;
    snprintf(key, sizeof(key), "account:%s", email);
    rl_take(RL_TIER_AUTH, key, &v);
    int shown = remaining_header(req);
    if (!v.allowed || shown < 0 || v.remaining < shown)
        set_headers(req, &v);
    if (v.allowed)
        return 0;
    client_key(req, client);
    return refuse(req, RL_TIER_AUTH, client, &v, "account");
}
