#include "obs/log.h"

#include <fcntl.h>
#include <math.h>
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

/* Whether byte c goes into a value as it is: printable ASCII other than
 * the quote and the backslash. */
static bool is_plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* Writes s as a value: JSON-escaped in JSON mode; in text mode quoted when it
 * holds a space, quote, '=' or control character. Bytes that are not UTF-8
 * (a client's method, say) are written as '?', so that a line stays valid
 * JSON and plain text. Runs of plain bytes are copied whole. */
static void put_string(line_t *l, const char *s)
{
    bool quote = log_json || s[0] == '\0' || strpbrk(s, " \"=\\\t\r\n") != NULL;
    const unsigned char *end = (const unsigned char *)s + strlen(s);

    if (quote)
        put_raw(l, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (is_plain(*p)) {
            const unsigned char *run = p;
            while (is_plain(p[1]))
                p++;
            put_raw(l, (const char *)run, (size_t)(p - run) + 1);
        } else if (*p == '"' || *p == '\\') {
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
    size_t n = strlen(key);

    put_raw(l, log_json ? ",\"" : " ", log_json ? 2 : 1);
    put_raw(l, key, n);
    put_raw(l, log_json ? "\":" : "=", log_json ? 2 : 1);
}

/* v in decimal, as %lld writes it, without the cost of printf (every
 * access line has several). */
static void put_int(line_t *l, int64_t v)
{
    char digits[24];
    size_t i = sizeof(digits);
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

    do {
        digits[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (v < 0)
        digits[--i] = '-';
    put_raw(l, digits + i, sizeof(digits) - i);
}

/* v with three decimals, as %.3f writes it, by integer arithmetic when v
 * fits (durations do); otherwise printf. */
static void put_milli(line_t *l, double v)
{
    if (!(v > -1e15 && v < 1e15)) {
        put_fmt(l, "%.3f", v);
        return;
    }
    int64_t m = llround(v * 1000.0);
    uint64_t u = m < 0 ? -(uint64_t)m : (uint64_t)m;
    char frac[4] = {(char)('0' + u / 100 % 10), (char)('0' + u / 10 % 10),
                    (char)('0' + u % 10), '\0'};

    if (m < 0)
        put_raw(l, "-", 1);
    put_int(l, (int64_t)(u / 1000));
    put_raw(l, ".", 1);
    put_raw(l, frac, 3);
}

/* The last second formatted by this thread, reused while it lasts:
 * strftime per line was a tenth of the cost of an access line. */
static _Thread_local time_t ts_second = -1;
static _Thread_local char ts_text[24];

static void put_ts(line_t *l)
{
    struct timespec ts;
    struct tm tm;
    long ms;
    char frac[5];

    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != ts_second) {
        gmtime_r(&ts.tv_sec, &tm);
        strftime(ts_text, sizeof(ts_text), "%Y-%m-%dT%H:%M:%S", &tm);
        ts_second = ts.tv_sec;
    }
    ms = ts.tv_nsec / 1000000;
    frac[0] = '.';
    frac[1] = (char)('0' + ms / 100);
    frac[2] = (char)('0' + ms / 10 % 10);
    frac[3] = (char)('0' + ms % 10);
    frac[4] = 'Z';
    put_raw(l, log_json ? "{\"ts\":\"" : "ts=", log_json ? 7 : 3);
    put_raw(l, ts_text, strlen(ts_text));
    put_raw(l, frac, sizeof(frac));
    if (log_json)
        put_raw(l, "\"", 1);
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
            put_int(&l, va_arg(ap, int64_t));
        } else if (type == 'f') {
            put_milli(&l, va_arg(ap, double));
        } else {
            bool b = va_arg(ap, int);
            put_raw(&l, b ? "true" : "false", b ? 4 : 5);
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
