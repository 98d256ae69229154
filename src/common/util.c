#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"

const char *fh_err_name(int rc)
{
    switch (rc) {
    case FH_OK:            return "ok";
    case FH_ENOMEM:        return "out of memory";
    case FH_ENOTFOUND:     return "not found";
    case FH_ECONFLICT:     return "conflict";
    case FH_EINVAL:        return "invalid";
    case FH_EFORBIDDEN:    return "forbidden";
    case FH_EDB:           return "database error";
    case FH_EUNAVAILABLE:  return "database unavailable";
    case FH_EUNAUTHORIZED: return "unauthorized";
    case FH_EMALFORMED:    return "malformed";
    }
    return "unknown error";
}

int64_t fh_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

double fh_mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timespec fh_deadline_in(clockid_t clock, int64_t ms)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

void fh_time_format(int64_t epoch, char buf[FH_TIME_BUF])
{
    time_t t = (time_t)epoch;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, FH_TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Reads exactly n digits at *p and advances; -1 when they are not there. */
static int read_digits(const char **p, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *p += n;
    return v;
}

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int fh_time_parse(const char *s, int64_t *out)
{
    const char *p = s;
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;

    y = read_digits(&p, 4);
    if (y < 1970 || *p++ != '-')
        return FH_EMALFORMED;
    mo = read_digits(&p, 2);
    if (mo < 1 || mo > 12 || *p++ != '-')
        return FH_EMALFORMED;
    d = read_digits(&p, 2);
    if (d < 1 || d > days_in_month(y, mo))
        return FH_EMALFORMED;
    if (*p != '\0') {
        if (*p != 'T' && *p != 't' && *p != ' ')
            return FH_EMALFORMED;
        p++;
        h = read_digits(&p, 2);
        if (h < 0 || h > 23 || *p++ != ':')
            return FH_EMALFORMED;
        mi = read_digits(&p, 2);
        if (mi < 0 || mi > 59 || *p++ != ':')
            return FH_EMALFORMED;
        sec = read_digits(&p, 2);
        if (sec < 0 || sec > 60)
            return FH_EMALFORMED;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return FH_EMALFORMED;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1;
            int oh = read_digits(&p, 2);
            if (oh < 0 || oh > 23 || *p++ != ':')
                return FH_EMALFORMED;
            int om = read_digits(&p, 2);
            if (om < 0 || om > 59)
                return FH_EMALFORMED;
            off = sign * (oh * 3600 + om * 60);
        } else {
            return FH_EMALFORMED;
        }
        if (*p != '\0')
            return FH_EMALFORMED;
    }

    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d,
        .tm_hour = h, .tm_min = mi, .tm_sec = sec,
    };
    *out = (int64_t)timegm(&tm) - off;
    return 0;
}

int fh_parse_int64(const char *s, int64_t *out)
{
    char *end;
    long long v;

    if (s == NULL || *s == '\0' || (*s != '-' && (*s < '0' || *s > '9')))
        return FH_EMALFORMED;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0')
        return FH_EMALFORMED;
    *out = (int64_t)v;
    return 0;
}

size_t fh_utf8_seq_len(const unsigned char *p, const unsigned char *end)
{
    unsigned c = *p, cp;
    size_t n;

    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(end - p) <= n)
        return 0;
    for (size_t i = 1; i <= n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n + 1;
}

bool fh_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;

    while (p < end) {
        size_t n = fh_utf8_seq_len(p, end);
        if (n == 0)
            return false;
        p += n;
    }
    return true;
}

size_t fh_utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}
