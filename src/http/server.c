#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cache/tier.h"
#include "common/err.h"
#include "common/util.h"
#include "http/identity.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/response_cache.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "ratelimit/guard.h"
#include "ratelimit/limiter.h"

struct http_server {
    struct MHD_Daemon *daemon;
    int port;
};

/* Bytes of a refused body read and thrown away before the connection is
 * dropped instead. */
#define HTTP_DRAIN_MAX ((size_t)128 << 20)

static atomic_int inflight;     /* requests between first call and completion */
static atomic_bool draining;    /* stopping: answer, then close each connection */
static int64_t max_body;        /* MAX_BODY_BYTES */

static http_req_t *req_new(struct MHD_Connection *conn, const char *url,
                           const char *method);
static void req_free(http_req_t *req);
static void route_request(http_req_t *req);
static void dispatch(http_req_t *req);
static enum MHD_Result send_reply(http_req_t *req);

/* What on_uri hands on_access for a path it refuses. */
static const char path_refused;
#define PATH_REFUSED ((void *)&path_refused)

/* Sees the request target before libmicrohttpd decodes it. A path with an
 * encoded NUL or slash would be decoded into another path (cut at the NUL,
 * one segment split in two) that a proxy or cache in front does not see;
 * such a request is marked here and refused by on_access. Query strings
 * are decoded as usual: their helpers check what they get.
 *
 * LIMITATION: a raw NUL byte in the request line or a header value
 * (which no HTTP client sends; the encoded %00 is refused here) still cuts
 * the path or the value, since the library hands them over as C strings. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    size_t n = uri ? strcspn(uri, "?") : 0;

    (void)cls;
    (void)conn;
    for (size_t i = 0; i + 2 < n; i++)
        if (uri[i] == '%' &&
            ((uri[i + 1] == '0' && uri[i + 2] == '0') ||
             (uri[i + 1] == '2' && (uri[i + 2] == 'F' || uri[i + 2] == 'f'))))
            return PATH_REFUSED;
    return NULL;
}

/* A client-chosen request id is kept when it is short and plain. */
static bool request_id_is_sane(const char *s)
{
    size_t n = 0;

    for (; s[n]; n++) {
        char c = s[n];
        if (n >= HTTP_REQUEST_ID_LEN ||
            !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return n > 0;
}

static void request_id_init(http_req_t *req)
{
    const char *given = http_header(req, "X-Request-Id");
    unsigned char raw[8];

    if (given && request_id_is_sane(given)) {
        snprintf(req->request_id, sizeof(req->request_id), "%s", given);
        return;
    }
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(req->request_id, sizeof(req->request_id), raw, sizeof(raw));
}

/* The peer's address as text, for logs and, later, rate limits. */
static void client_address(http_req_t *req)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;

    req->client[0] = '\0';
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
                  req->client, sizeof(req->client));
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr,
                  req->client, sizeof(req->client));
}

static http_req_t *req_new(struct MHD_Connection *conn, const char *url,
                           const char *method)
{
    http_req_t *req = calloc(1, sizeof(*req));

    if (req == NULL)
        return NULL;
    req->conn = conn;
    req->url = url;
    req->method = method;
    req->started_ms = fh_mono_ms();
    request_id_init(req);
    client_address(req);
    return req;
}

static void req_free(http_req_t *req)
{
    if (req == NULL)
        return;
    http_cache_done(req);
    json_decref(req->json);
    free(req->body);
    free(req->reply_body);
    for (int i = 0; i < req->nheaders; i++) {
        free(req->headers[i].name);
        free(req->headers[i].value);
    }
    free(req);
}

/* Gives the database connection back once the reply is built. The reply
 * may take a while to reach a slow client, and one worker thread answers
 * many connections: holding a pooled connection until the send completes
 * would let one thread hold several and leave others waiting. */
static void req_release_db(http_req_t *req)
{
    if (req->db == NULL)
        return;
    req->db_used = req->read_db ? "replica" : "primary";
    db_release(req->db);
    req->db = NULL;
    req->read_db = NULL;
}

/* The route's index for metrics: API routes first, then root routes, then
 * one slot for unmatched requests. */
static size_t route_index(const http_req_t *req)
{
    if (req->route == NULL)
        return http_nroutes + http_nroot_routes;
    if (req->route >= http_routes && req->route < http_routes + http_nroutes)
        return (size_t)(req->route - http_routes);
    return http_nroutes + (size_t)(req->route - http_root_routes);
}

static const char *route_name(const http_req_t *req)
{
    return req->route ? req->route->path : "unmatched";
}

/* Whether a path outside the API base belongs to the web page: anything
 * not under /api, so that a mistyped API path still gets JSON. */
static bool path_is_page(const char *path)
{
    return strncmp(path, "/api", 4) != 0 ||
           (path[4] != '/' && path[4] != '\0');
}

/* Finds the route, or sets the 404/405/400 reply. */
static void route_request(http_req_t *req)
{
    size_t base = strlen(HTTP_API_BASE);
    router_match_t m;
    char msg[160];

    const route_t *table = http_routes;
    size_t n = http_nroutes;
    const char *path = req->url + base;

    if (strncmp(req->url, HTTP_API_BASE, base) != 0 ||
        (req->url[base] != '/' && req->url[base] != '\0')) {
        table = http_root_routes;
        n = http_nroot_routes;
        path = req->url;
    }
    switch (router_match(table, n, req->method, path, &m)) {
    case ROUTER_FOUND:
        req->route = m.route;
        memcpy(req->ids, m.ids, sizeof(m.ids));
        req->nids = m.nids;
        return;
    case ROUTER_NOT_FOUND:
        /* Outside the API a path is the web page's (its files, or its
         * own routes such as /jobs/42): the root route "/" serves it. */
        if (table == http_root_routes && path_is_page(path) &&
            router_match(table, n, "GET", "/", &m) == ROUTER_FOUND) {
            req->route = m.route;
            return;
        }
        http_reply_error(req, 404, "not_found", "no such route", NULL);
        return;
    case ROUTER_BAD_METHOD:
        snprintf(msg, sizeof(msg), "%.32s is not allowed here; use %s",
                 req->method, m.allow);
        http_reply_header(req, "Allow", m.allow);
        http_reply_error(req, 405, "method_not_allowed", msg, NULL);
        return;
    case ROUTER_BAD_ID:
        snprintf(msg, sizeof(msg), "%s must be a positive integer",
                 m.bad_param);
        http_reply_error(req, 400, "malformed_request", msg, m.bad_param);
        return;
    }
}

/* The first header that the request repeats among those it may carry only
 * once, or NULL. Two copies are ambiguous: a proxy in front may act on the
 * other one (two lengths smuggle a request; two identities confuse). */
static const char *repeated_header(http_req_t *req)
{
    static const char *const once[] = {"Content-Length", "Transfer-Encoding",
                                       "Authorization", "Content-Type",
                                       "Host", NULL};

    for (const char *const *h = once; *h; h++)
        if (http_header_count(req, *h) > 1)
            return *h;
    return NULL;
}

static bool content_type_is_json(const char *ct)
{
    if (ct == NULL)
        return false;
    while (*ct == ' ')
        ct++;
    if (strncasecmp(ct, "application/json", 16) != 0)
        return false;
    ct += 16;
    while (*ct == ' ')
        ct++;
    return *ct == '\0' || *ct == ';';
}

/* Checks and parses the body of a route that takes one. Returns 0, or a
 * negative fh_err with the reply set. */
static int parse_body(http_req_t *req)
{
    unsigned flags = req->route->flags;
    json_error_t jerr;
    char msg[256];

    if (!(flags & ROUTE_BODY))
        return 0;
    if (req->body_len == 0) {
        if (flags & ROUTE_BODY_OPTIONAL)
            return 0;
        http_reply_error(req, 400, "malformed_request",
                         "the request needs a JSON object body", NULL);
        return FH_EMALFORMED;
    }
    if (!content_type_is_json(http_header(req, "Content-Type"))) {
        http_reply_error(req, 415, "unsupported_media_type",
                         "the body must be sent as application/json", NULL);
        return FH_EINVAL;
    }
    req->json = json_loadb(req->body, req->body_len,
                           JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (req->json == NULL) {
        snprintf(msg, sizeof(msg), "malformed JSON at line %d, column %d: %s",
                 jerr.line, jerr.column, jerr.text);
        http_reply_error(req, 400, "malformed_json", msg, NULL);
        return FH_EMALFORMED;
    }
    if (!json_is_object(req->json)) {
        http_reply_error(req, 400, "malformed_request",
                         "the body must be a JSON object", NULL);
        return FH_EMALFORMED;
    }
    return 0;
}

static void dispatch(http_req_t *req)
{
    if (parse_body(req) < 0)
        return;
    /* A refused request costs the session lookup and nothing more; one
     * with a bad token is charged to its address. */
    int who = http_identity_resolve(req);
    if (who < 0 && who != FH_EUNAUTHORIZED)
        return;  /* the server's own failure (503): nobody is charged */
    if (rl_guard_request(req) < 0 || who < 0)
        return;
    if (http_cache_lookup(req))
        return;
    req->route->handler(req);
    if (req->status == 0) {
        log_error("handler gave no reply");
        http_reply_fh(req, FH_EDB, NULL, NULL);
    }
    http_cache_after(req);
}

/* The response for the reply the handler (or an error path) built. */
static struct MHD_Response *reply_response(http_req_t *req)
{
    struct MHD_Response *resp;
    bool has_type = false;

    resp = MHD_create_response_from_buffer(req->reply_len, req->reply_body,
                                           MHD_RESPMEM_MUST_FREE);
    if (resp == NULL)
        return NULL;
    req->reply_body = NULL;  /* the response owns it now */
    for (int i = 0; i < req->nheaders; i++) {
        MHD_add_response_header(resp, req->headers[i].name,
                                req->headers[i].value);
        if (strcasecmp(req->headers[i].name, "Content-Type") == 0)
            has_type = true;
    }
    if (!has_type)
        MHD_add_response_header(resp, "Content-Type",
                                "application/json; charset=utf-8");
    return resp;
}

static enum MHD_Result send_reply(http_req_t *req)
{
    struct MHD_Response *resp = http_cache_response(req);
    enum MHD_Result ok;

    if (resp == NULL)
        resp = reply_response(req);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, "X-Request-Id", req->request_id);
    if (atomic_load(&draining))
        MHD_add_response_header(resp, "Connection", "close");
    ok = MHD_queue_response(req->conn, (unsigned)req->status, resp);
    MHD_destroy_response(resp);
    req->queued = true;
    return ok;
}

static void reply_too_large(http_req_t *req)
{
    char msg[96];

    req->body_too_large = true;
    snprintf(msg, sizeof(msg), "the body must be at most %lld bytes",
             (long long)max_body);
    http_reply_error(req, 413, "payload_too_large", msg, NULL);
    http_reply_header(req, "Connection", "close");
}

/* Appends upload data, or replies 413 once the limit is passed. */
static void take_body(http_req_t *req, const char *data, size_t n)
{
    if ((int64_t)(req->body_len + n) > max_body) {
        reply_too_large(req);
        return;
    }
    if (req->body_len + n + 1 > req->body_cap) {
        size_t cap = req->body_cap ? req->body_cap * 2 : 1024;
        while (cap < req->body_len + n + 1)
            cap *= 2;
        char *p = realloc(req->body, cap);
        if (p == NULL) {
            http_reply_fh(req, FH_ENOMEM, NULL, NULL);
            return;
        }
        req->body = p;
        req->body_cap = cap;
    }
    memcpy(req->body + req->body_len, data, n);
    req->body_len += n;
    req->body[req->body_len] = '\0';
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn,
                                 const char *url, const char *method,
                                 const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
    http_req_t *req = *con_cls;
    enum MHD_Result ok = MHD_YES;

    (void)cls;
    (void)version;
    if (req == NULL || *con_cls == PATH_REFUSED) {
        bool refused = req != NULL;
        req = req_new(conn, url, method);
        if (req == NULL)
            return MHD_NO;
        *con_cls = req;
        atomic_fetch_add(&inflight, 1);
        log_context_set(req->request_id, method, "unmatched");
        if (refused)
            http_reply_error(req, 400, "malformed_request",
                             "the path must not hold %00 or %2F", NULL);
        else
            route_request(req);
        log_context_set(req->request_id, method, route_name(req));

        /* A declared length over the limit is refused before reading,
         * and so are length headers that could disagree; after those the
         * next request's start is unknown, so the connection ends. */
        const char *cl = http_header(req, "Content-Length");
        const char *te = http_header(req, "Transfer-Encoding");
        const char *twice = repeated_header(req);
        const char *bad = http_header_malformed(req);
        char msg[128];
        int64_t declared;
        if (bad) {
            /* "Content-Length : 2" or "X: a\rContent-Length: 2" holds no
             * Content-Length here, but may to a proxy in front: the body
             * would be taken for the next request. */
            snprintf(msg, sizeof(msg), "the header \"%.40s\" is malformed: "
                     "a blank before the colon or a control byte", bad);
            http_reply_error(req, 400, "malformed_request", msg, NULL);
            http_reply_header(req, "Connection", "close");
            ok = send_reply(req);
        } else if (twice) {
            snprintf(msg, sizeof(msg), "%s is given more than once", twice);
            http_reply_error(req, 400, "malformed_request", msg, twice);
            http_reply_header(req, "Connection", "close");
            ok = send_reply(req);
        } else if (cl && te) {
            http_reply_error(req, 400, "malformed_request",
                             "send either Content-Length or "
                             "Transfer-Encoding, not both", NULL);
            http_reply_header(req, "Connection", "close");
            ok = send_reply(req);
        } else if (te && strcasecmp(te, "chunked") != 0) {
            /* libmicrohttpd decodes no other coding: the body would have
             * no known end, and be read until the client closes. */
            http_reply_error(req, 400, "malformed_request",
                             "Transfer-Encoding must be chunked",
                             "Transfer-Encoding");
            http_reply_header(req, "Connection", "close");
            ok = send_reply(req);
        } else if (cl && (fh_parse_int64(cl, &declared) < 0 ||
                          declared > max_body)) {
            reply_too_large(req);
            ok = send_reply(req);
        }
        log_context_clear();
        return ok;
    }

    log_context_set(req->request_id, method, route_name(req));
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (req->status == 0) {
            take_body(req, upload_data, n);
        } else {
            /* The answer is decided (413, 404, ...), but libmicrohttpd
             * sends it only once the body is read: drain at no memory
             * cost, and drop a client that keeps sending past the cap. */
            req->drained += n;
            if (req->drained > HTTP_DRAIN_MAX) {
                log_info("client kept sending after a refusal; closing",
                         "i:bytes", (int64_t)req->drained);
                ok = MHD_NO;
            }
        }
    } else if (!req->queued) {
        if (req->status == 0)
            dispatch(req);
        req_release_db(req);
        ok = send_reply(req);
    }
    log_context_clear();
    return ok;
}

static void on_request_completed(void *cls, struct MHD_Connection *conn,
                                 void **con_cls,
                                 enum MHD_RequestTerminationCode toe)
{
    http_req_t *req = *con_cls;

    (void)cls;
    (void)conn;
    if (req == NULL || *con_cls == PATH_REFUSED)
        return;
    *con_cls = NULL;
    log_context_set(req->request_id, req->method, route_name(req));
    double dur = fh_mono_ms() - req->started_ms;
    bool quiet = req->route && req->route->tier == TIER_NONE;
    metrics_request(route_index(req), req->status, dur);
    log_event(quiet ? LOG_DEBUG : LOG_INFO, "request",
              "i:status", (int64_t)req->status, "f:dur_ms", dur,
              "i:bytes", (int64_t)req->reply_len,
              "s:cache", http_cache_result(req),
              "s:db", req->db_used ? req->db_used : "none",
              "s:client", req->client,
              "i:user_id", req->user_id,
              "b:completed", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK,
              (const char *)NULL);
    if (dur >= fh_config.slow_request_ms)  /* 0 logs every request */
        log_warn("slow request", "i:status", (int64_t)req->status,
                 "f:dur_ms", dur);
    log_context_clear();
    req_free(req);
    atomic_fetch_sub(&inflight, 1);
}

/* LIMITATION: framing errors that libmicrohttpd detects before any handler
 * runs (a malformed chunk-size line, a header block over its memory limit,
 * a broken request line) are answered by the library itself with a short
 * HTML 400/413/431 and a closed connection, not with the JSON error: the
 * library offers no hook for those bodies. Clients see the right status;
 * only the body differs, and only for requests that are not valid HTTP. */
/* LIMITATION: a query string of more parameters than the connection's
 * memory pool can index (about 450 with the library's default pool) is
 * refused by libmicrohttpd 0.9.75 with a 431 that it never sends: the
 * client waits until CONNECTION_TIMEOUT_S closes the connection. The
 * library parses the parameters before any callback can refuse them, so
 * nothing here can answer sooner; only such a client is held up. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char buf[512];

    (void)cls;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    buf[strcspn(buf, "\n")] = '\0';
    log_info("http layer", "s:detail", buf);
}

/* Database connection gauges for /metrics. */
static void on_metrics_pool(metrics_emit_fn emit, void *ctx)
{
    int open, in_use;

    db_pool_stats(&open, &in_use);
    emit(ctx, "# HELP fh_db_connections Database connections by state.\n"
              "# TYPE fh_db_connections gauge\n"
              "fh_db_connections{state=\"in_use\"} %d\n"
              "fh_db_connections{state=\"idle\"} %d\n",
         in_use, open - in_use);
    emit(ctx, "# HELP fh_http_requests_in_flight Requests being answered.\n"
              "# TYPE fh_http_requests_in_flight gauge\n"
              "fh_http_requests_in_flight %d\n", atomic_load(&inflight));
}

static int metrics_routes_init(void)
{
    static const char *methods[64], *names[64];
    size_t n = 0;

    for (size_t i = 0; i < http_nroutes && n < 64; i++, n++) {
        methods[n] = http_routes[i].method;
        names[n] = http_routes[i].path;
    }
    for (size_t i = 0; i < http_nroot_routes && n < 64; i++, n++) {
        methods[n] = http_root_routes[i].method;
        names[n] = http_root_routes[i].path;
    }
    if (metrics_init(methods, names, n) < 0)
        return -1;
    metrics_add_source(on_metrics_pool);
    return 0;
}

int http_server_start(const config_t *cfg, http_server_t **out)
{
    struct sockaddr_storage addr;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG | MHD_USE_TURBO;
    unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads
                                        : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    http_server_t *srv;

    memset(&addr, 0, sizeof(addr));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&addr;
    if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)cfg->port);
    } else if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)cfg->port);
        flags |= MHD_USE_IPv6;
    } else {
        log_error("HOST is not an IPv4 or IPv6 address", "s:host", cfg->host);
        return FH_EINVAL;
    }
    if (threads < 1)
        threads = 1;
    max_body = cfg->max_body_bytes;

    srv = calloc(1, sizeof(*srv));
    if (srv == NULL || metrics_routes_init() < 0) {
        free(srv);
        return FH_ENOMEM;
    }
    http_cache_init();
    if (cache_tier_start(cfg) < 0) {
        metrics_cleanup();
        free(srv);
        return FH_EUNAVAILABLE;
    }
    int rc = rl_start(cfg);
    if (rc < 0) {
        cache_tier_stop();
        metrics_cleanup();
        free(srv);
        return rc;
    }
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_access, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->connection_timeout_s,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg->max_connections,
        MHD_OPTION_NOTIFY_COMPLETED, on_request_completed, NULL,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
        MHD_OPTION_END);
    if (srv->daemon == NULL) {
        log_error("cannot listen", "s:host", cfg->host,
                  "i:port", (int64_t)cfg->port);
        cache_tier_stop();
        rl_stop();
        metrics_cleanup();
        free(srv);
        return FH_EUNAVAILABLE;
    }
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : cfg->port;
    *out = srv;
    return 0;
}

int http_server_port(const http_server_t *srv)
{
    return srv->port;
}

/* Open connections, summed over the pool. */
static unsigned open_connections(http_server_t *srv)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

    return info ? info->num_connections : 0;
}

void http_server_stop(http_server_t *srv, int timeout_s)
{
    MHD_socket fd = MHD_quiesce_daemon(srv->daemon);
    double deadline = fh_mono_ms() + timeout_s * 1000.0;
    double idle_since = 0;  /* when in-flight requests last reached zero */

    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    atomic_store(&draining, true);
    /* Requests already read are answered, each with Connection: close; an
     * idle kept-alive connection is given a short grace, then dropped. */
    while (fh_mono_ms() < deadline) {
        if (atomic_load(&inflight) > 0) {
            idle_since = 0;
        } else if (open_connections(srv) == 0) {
            break;
        } else if (idle_since == 0) {
            idle_since = fh_mono_ms();
        } else if (fh_mono_ms() - idle_since > 250) {
            break;
        }
        usleep(5000);
    }
    if (atomic_load(&inflight) > 0)
        log_warn("stopping with requests in flight",
                 "i:requests", (int64_t)atomic_load(&inflight));
    MHD_stop_daemon(srv->daemon);
    cache_tier_stop();
    rl_stop();
    metrics_cleanup();
    free(srv);
}
