#include "obs/log.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"

#define LINE_MAX_BYTES 4096

static int log_fd = 2;
static int log_min = LOG_INFO;
static bool log_json;
static char log_path[1024];
static pthread_mutex_t reopen_lock = PTHREAD_MUTEX_INITIALIZER;

static _Thread_local const char *ctx_request_id;
static _Thread_local const char *ctx_method;
static _Thread_local const char *ctx_route;

static const char *level_names[] = {"debug", "info", "warn", "error"};

int log_level_parse(const char *s, int *out)
{
    if (strcasecmp(s, "debug") == 0)
        *out = LOG_DEBUG;
    else if (strcasecmp(s, "info") == 0)
        *out = LOG_INFO;
    else if (strcasecmp(s, "warning") == 0 || strcasecmp(s, "warn") == 0)
        *out = LOG_WARN;
    else if (strcasecmp(s, "error") == 0)
        *out = LOG_ERROR;
    else
        return FH_EINVAL;
    return 0;
}

int log_open(const char *path, int level, bool json)
{
    log_min = level;
    log_json = json;
    if (path == NULL || path[0] == '\0')
        return 0;
    snprintf(log_path, sizeof(log_path), "%s", path);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0)
        return FH_EINVAL;
    log_fd = fd;
    return 0;
}

void log_reopen(void)
{
    if (log_path[0] == '\0')
        return;
    pthread_mutex_lock(&reopen_lock);
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd >= 0) {
        int old = log_fd;
        log_fd = fd;  /* a write racing with this goes to either file */
        if (old > 2)
            close(old);
    }
    pthread_mutex_unlock(&reopen_lock);
}

void log_close(void)
{
    if (log_fd > 2)
        close(log_fd);
    log_fd = 2;
}

bool log_enabled(int level)
{
    return level >= log_min;
}

void log_context_set(const char *request_id, const char *method,
                     const char *route)
{
    ctx_request_id = request_id;
    ctx_method = method;
    ctx_route = route;
}

void log_context_clear(void)
{
    ctx_request_id = ctx_method = ctx_route = NULL;
}

typedef struct line {
    char buf[LINE_MAX_BYTES];
    size_t len;
} line_t;

static void put_raw(line_t *l, const char *s, size_t n)
{
    if (l->len + n > sizeof(l->buf) - 2)
        n = sizeof(l->buf) - 2 - l->len;
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

static void put_fmt(line_t *l, const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof(l->buf) - 2 - l->len;

    va_start(ap, fmt);
    int n = vsnprintf(l->buf + l->len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        l->len += (size_t)n < room ? (size_t)n : room - 1;
}

/* Writes s as a value: JSON-escaped in JSON mode; in text mode quoted when it
 * holds a space, quote, '=' or control character. Bytes that are not UTF-8
 * (a client's method, say) are written as '?', so that a line stays valid
 * JSON and plain text. */
static void put_string(line_t *l, const char *s)
{
    bool quote = log_json || s[0] == '\0' || strpbrk(s, " \"=\\\t\r\n") != NULL;
    const unsigned char *end = (const unsigned char *)s + strlen(s);

    if (quote)
        put_raw(l, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            char esc[2] = {'\\', (char)*p};
            put_raw(l, esc, 2);
        } else if (*p < 0x20 || *p == 0x7f) {
            put_fmt(l, "\\u%04x", *p);
        } else if (*p < 0x80) {
            put_raw(l, (const char *)p, 1);
        } else {
            size_t n = fh_utf8_seq_len(p, end);
            if (n == 0) {
                put_raw(l, "?", 1);
            } else {
                put_raw(l, (const char *)p, n);
                p += n - 1;
            }
        }
    }
    if (quote)
        put_raw(l, "\"", 1);
}

static void put_key(line_t *l, const char *key)
{
    if (log_json)
        put_fmt(l, ",\"%s\":", key);
    else
        put_fmt(l, " %s=", key);
}

static void put_ts(line_t *l)
{
    struct timespec ts;
    struct tm tm;
    char when[40];

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
    if (log_json)
        put_fmt(l, "{\"ts\":\"%s.%03ldZ\"", when, ts.tv_nsec / 1000000);
    else
        put_fmt(l, "ts=%s.%03ldZ", when, ts.tv_nsec / 1000000);
}

void log_event(int level, const char *msg, ...)
{
    line_t l;
    va_list ap;

    if (level < log_min)
        return;
    l.len = 0;
    put_ts(&l);
    put_key(&l, "level");
    put_string(&l, level_names[level]);
    put_key(&l, "msg");
    put_string(&l, msg);
    if (ctx_request_id) {
        put_key(&l, "request_id");
        put_string(&l, ctx_request_id);
        put_key(&l, "method");
        put_string(&l, ctx_method ? ctx_method : "");
        put_key(&l, "route");
        put_string(&l, ctx_route ? ctx_route : "");
    }

    va_start(ap, msg);
    for (const char *key = va_arg(ap, const char *); key;
         key = va_arg(ap, const char *)) {
        char type = key[0];
        put_key(&l, key + 2);
        if (type == 's') {
            const char *v = va_arg(ap, const char *);
            put_string(&l, v ? v : "");
        } else if (type == 'i') {
            put_fmt(&l, "%lld", (long long)va_arg(ap, int64_t));
        } else if (type == 'f') {
            put_fmt(&l, "%.3f", va_arg(ap, double));
        } else {
            put_fmt(&l, "%s", va_arg(ap, int) ? "true" : "false");
        }
    }
    va_end(ap);

    if (log_json)
        put_raw(&l, "}", 1);
    l.buf[l.len++] = '\n';
    /* One write per line: lines from different threads never interleave. */
    ssize_t w = write(log_fd, l.buf, l.len);
    (void)w;
}
