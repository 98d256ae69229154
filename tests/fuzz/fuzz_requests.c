/* libFuzzer target: drives the real server, in process, over a loopback
 * socket. Each input picks a route and a caller and supplies the query
 * string and the body; the server must answer every one with a well-formed
 * JSON reply and never with a 500 (or a crash, hang or leak, which the
 * sanitizers catch).
 *
 * Input layout: byte 0 picks the route (or, with its top bit set, makes the
 * next line the raw path); byte 1 picks the caller; then the query string up
 * to the first newline; the rest is the body. */
#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "config.h"
#include "http/server.h"
#include "obs/log.h"
#include "store/db.h"
#include "store/migrate.h"
#include "store/sessions.h"
#include "store/users.h"

static const struct {
    const char *method;
    const char *path;
} targets[] = {
    {"POST", "/auth/register"}, {"POST", "/auth/login"},
    {"POST", "/profiles"}, {"PATCH", "/profile/1"}, {"GET", "/profile/1"},
    {"POST", "/profile/1/portfolio"}, {"GET", "/freelancers/search"},
    {"POST", "/jobs"}, {"PATCH", "/jobs/1"}, {"GET", "/jobs/search"},
    {"GET", "/jobs/1"}, {"POST", "/jobs/1/close"}, {"GET", "/jobs/1/proposals"},
    {"POST", "/proposals/create"}, {"POST", "/proposals/1/accept"},
    {"POST", "/proposals/1/withdraw"}, {"GET", "/proposals/freelancer/1"},
    {"GET", "/contracts/freelancer/1"}, {"POST", "/contracts/1/reviews"},
    {"POST", "/contracts/1/complete"}, {"GET", "/dashboard/freelancer"},
    {"GET", "/dashboard/client"}, {"GET", "/analytics/marketplace"},
    {"GET", "/categories"}, {"GET", "/skills"},
};
#define NTARGETS (sizeof(targets) / sizeof(targets[0]))

static int port;
static char tokens[3][SESSION_TOKEN_LEN + 1];  /* client, freelancer, admin */

static void make_caller(db_t *db, int i, enum user_role role)
{
    char email[64];
    int64_t id, expires;

    snprintf(email, sizeof(email), "fuzz%d@example.test", i);
    if (store_user_create(db, email, "Fuzz", role, NULL, NULL, &id) < 0 ||
        store_session_create(db, id, 86400, tokens[i], &expires) < 0)
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char url[128];
    http_server_t *srv;
    db_t *db;
    int applied;

    (void)argc;
    (void)argv;
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        abort();
    config_init(&fh_config);
    snprintf(url, sizeof(url), "sqlite:/tmp/fh-fuzz-%d.db", (int)getpid());
    unlink(url + 7);
    snprintf(fh_config.database_url, sizeof(fh_config.database_url), "%s", url);
    fh_config.port = 0;
    fh_config.threads = 2;
    fh_config.max_body_bytes = 65536;
    fh_config.rate_limit_enabled = false;
    fh_config.auth_hash_ops = 1;
    fh_config.auth_hash_memory_kb = 8;
    log_open(NULL, LOG_ERROR, false);
    if (db_open(url, &db) < 0 || migrate_apply(db, migrate_embedded, &applied) < 0)
        abort();
    make_caller(db, 0, ROLE_CLIENT);
    make_caller(db, 1, ROLE_FREELANCER);
    make_caller(db, 2, ROLE_ADMIN);
    db_close(db);
    if (db_setup(url) < 0 || http_server_start(&fh_config, &srv) < 0)
        abort();
    port = http_server_port(srv);
    return 0;
}

/* Reads a whole reply; returns its status and puts the body in body. */
static int exchange(const char *req, size_t len, char *body, size_t cap)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    struct timeval tv = {.tv_sec = 10};
    static char buf[1 << 20];
    size_t got = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    /* Closing with a reset leaves no TIME_WAIT behind, so thousands of
     * inputs a second never run out of local ports. */
    struct linger reset = {.l_onoff = 1, .l_linger = 0};
    int tries = 0;

    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    while (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        if (++tries > 200) {  /* two seconds: the server is gone */
            perror("connect to the server under test");
            abort();
        }
        close(fd);
        usleep(10000);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
    }
    if (write(fd, req, len) != (ssize_t)len) {
        close(fd);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fd, buf + got, sizeof(buf) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
        if (got == sizeof(buf) - 1)
            break;
    }
    close(fd);
    buf[got] = '\0';
    int status = 0;
    if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
        return -1;
    char *start = strstr(buf, "\r\n\r\n");
    snprintf(body, cap, "%s", start ? start + 4 : "");
    return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char req[200000], body[1 << 20];
    char path[512];
    const char *method;
    size_t pos = 2;

    if (size < 2 || size > 60000)
        return 0;
    const uint8_t *nl = memchr(data + 2, '\n', size - 2);
    size_t qlen = nl ? (size_t)(nl - data) - 2 : 0;
    pos = nl ? (size_t)(nl - data) + 1 : 2;
    for (size_t i = 2; i < 2 + qlen; i++)  /* keep the request line one line */
        if (data[i] == '\r' || data[i] == ' ' || data[i] == 0)
            return 0;

    const char *target = targets[(data[0] & 0x7f) % NTARGETS].path;
    method = targets[(data[0] & 0x7f) % NTARGETS].method;
    if (data[0] & 0x80) {  /* the query line is the raw path instead */
        snprintf(path, sizeof(path), "%s/%.*s", HTTP_API_BASE,
                 (int)(qlen > 400 ? 400 : qlen), (const char *)data + 2);
        qlen = 0;
    } else {
        snprintf(path, sizeof(path), "%s%s", HTTP_API_BASE, target);
    }
    char auth[80] = "";
    if (data[1] % 4 > 0)
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n",
                 tokens[data[1] % 4 - 1]);
    size_t blen = size - pos;
    int n = snprintf(req, sizeof(req),
                     "%s %s%s%.*s HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n"
                     "%sContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, qlen ? "?" : "", (int)qlen,
                     (const char *)data + 2, auth, blen);
    memcpy(req + n, data + pos, blen);

    int status = exchange(req, (size_t)n + blen, body, sizeof(body));
    if (status == -1 || status == 400 || status == 413)
        return 0;  /* the library refused malformed HTTP itself */
    if (status >= 500 && status != 503) {
        fprintf(stderr, "status %d for %s %s\n%s\n", status, method, path, body);
        abort();
    }
    if (strcmp(method, "HEAD") != 0 && status != 304) {
        json_t *j = json_loads(body, 0, NULL);
        if (j == NULL) {
            fprintf(stderr, "reply is not JSON (%d): %.200s\n", status, body);
            abort();
        }
        json_decref(j);
    }
    return 0;
}
