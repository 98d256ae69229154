#include "http/request.h"

#include <microhttpd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/util.h"
#include "http/reply.h"

const char *http_header(http_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

typedef struct header_count {
    const char *name;
    int n;
} header_count_t;

static enum MHD_Result on_header(void *cls, enum MHD_ValueKind kind,
                                 const char *key, const char *value)
{
    header_count_t *c = cls;

    (void)kind;
    (void)value;
    if (strcasecmp(key, c->name) == 0)
        c->n++;
    return MHD_YES;
}

int http_header_count(http_req_t *req, const char *name)
{
    header_count_t c = {.name = name};

    MHD_get_connection_values(req->conn, MHD_HEADER_KIND, on_header, &c);
    return c.n;
}

/* RFC 9110 tchar: what a header name is made of. */
static bool is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

static enum MHD_Result on_header_check(void *cls, enum MHD_ValueKind kind,
                                       const char *key, size_t key_size,
                                       const char *value, size_t value_size)
{
    const char **bad = cls;
    size_t i;

    (void)kind;
    for (i = 0; i < key_size && is_tchar((unsigned char)key[i]); i++)
        ;
    if (i == key_size && key_size > 0) {
        for (i = 0; i < value_size; i++) {
            unsigned char c = (unsigned char)value[i];
            if ((c < 0x20 && c != '\t') || c == 0x7f)
                break;
        }
        if (i == value_size)
            return MHD_YES;
    }
    *bad = key;
    return MHD_NO;
}

const char *http_header_malformed(http_req_t *req)
{
    const char *bad = NULL;

    MHD_get_connection_values_n(req->conn, MHD_HEADER_KIND, on_header_check,
                                &bad);
    return bad;
}

const char *http_query(http_req_t *req, const char *name, size_t *len)
{
    const char *v = NULL;
    size_t n = 0;

    if (MHD_lookup_connection_value_n(req->conn, MHD_GET_ARGUMENT_KIND, name,
                                      strlen(name), &v, &n) != MHD_YES)
        return NULL;
    if (v == NULL) {  /* "?name" with no '=' */
        v = "";
        n = 0;
    }
    if (len)
        *len = n;
    return v;
}

typedef struct check_ctx {
    const char *const *allowed;
    const char *bad;       /* first unknown parameter */
    const char *twice;     /* first parameter given twice */
    const char *seen[32];
    int nseen;
} check_ctx_t;

static enum MHD_Result on_query_arg(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
    check_ctx_t *c = cls;
    bool known = false;

    (void)kind;
    (void)value;
    for (const char *const *a = c->allowed; *a; a++)
        if (strcmp(*a, key) == 0)
            known = true;
    if (!known) {
        if (c->bad == NULL)
            c->bad = key;
        return MHD_YES;
    }
    for (int i = 0; i < c->nseen; i++)
        if (strcmp(c->seen[i], key) == 0 && c->twice == NULL)
            c->twice = key;
    if (c->nseen < 32)
        c->seen[c->nseen++] = key;
    return MHD_YES;
}

int http_query_check(http_req_t *req, const char *const *allowed)
{
    check_ctx_t c = {.allowed = allowed};
    char msg[160];

    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, on_query_arg,
                              &c);
    if (c.bad) {
        snprintf(msg, sizeof(msg), "unknown query parameter \"%.40s\"", c.bad);
        http_reply_error(req, 422, "validation_failed", msg, c.bad);
        return FH_EINVAL;
    }
    if (c.twice) {
        snprintf(msg, sizeof(msg), "%s is given more than once", c.twice);
        http_reply_error(req, 400, "malformed_request", msg, c.twice);
        return FH_EMALFORMED;
    }
    return 0;
}

int http_query_int(http_req_t *req, const char *name, int64_t min,
                   int64_t max, int64_t def, int64_t *out)
{
    size_t len;
    const char *v = http_query(req, name, &len);
    char msg[160];
    int64_t n;

    if (v == NULL) {
        *out = def;
        return 0;
    }
    if (len != strlen(v) || fh_parse_int64(v, &n) < 0) {
        snprintf(msg, sizeof(msg), "%s must be a whole number", name);
        http_reply_error(req, 400, "malformed_request", msg, name);
        return FH_EMALFORMED;
    }
    if (n < min || n > max) {
        snprintf(msg, sizeof(msg), "%s must be between %lld and %lld", name,
                 (long long)min, (long long)max);
        http_reply_error(req, 422, "validation_failed", msg, name);
        return FH_EINVAL;
    }
    *out = n;
    return 0;
}

int http_query_str(http_req_t *req, const char *name, size_t max_chars,
                   const char **out)
{
    size_t len;
    const char *v = http_query(req, name, &len);
    char msg[160];

    *out = NULL;
    if (v == NULL)
        return 0;
    if (len != strlen(v) || !fh_utf8_valid(v, len)) {
        snprintf(msg, sizeof(msg), "%s must be valid UTF-8 text with no NUL",
                 name);
        http_reply_error(req, 400, "malformed_request", msg, name);
        return FH_EMALFORMED;
    }
    if (fh_utf8_len(v) > max_chars) {
        snprintf(msg, sizeof(msg), "%s must be at most %zu characters", name,
                 max_chars);
        http_reply_error(req, 422, "validation_failed", msg, name);
        return FH_EINVAL;
    }
    *out = v;
    return 0;
}

int http_query_enum(http_req_t *req, const char *name,
                    const char *const *values, const char *def,
                    const char **out)
{
    const char *v;
    int rc = http_query_str(req, name, 64, &v);
    char msg[256];
    size_t used;

    if (rc < 0)
        return rc;
    if (v == NULL) {
        *out = def;
        return 0;
    }
    for (const char *const *p = values; *p; p++) {
        if (strcmp(*p, v) == 0) {
            *out = *p;
            return 0;
        }
    }
    used = (size_t)snprintf(msg, sizeof(msg), "%s must be one of", name);
    for (const char *const *p = values; *p && used < sizeof(msg); p++)
        used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s %s",
                                 p == values ? "" : ",", *p);
    http_reply_error(req, 422, "validation_failed", msg, name);
    return FH_EINVAL;
}

int http_query_time(http_req_t *req, const char *name, int64_t *out)
{
    const char *v;
    int rc = http_query_str(req, name, 40, &v);
    char msg[160];

    if (rc < 0 || v == NULL)
        return rc;
    if (fh_time_parse(v, out) < 0) {
        snprintf(msg, sizeof(msg),
                 "%s must be an RFC 3339 time such as 2025-01-31T00:00:00Z",
                 name);
        http_reply_error(req, 400, "malformed_request", msg, name);
        return FH_EMALFORMED;
    }
    return 0;
}
