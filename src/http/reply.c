#include "http/reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"

/* What each fh_err becomes on the wire. */
static const struct {
    int rc;
    int status;
    const char *code;
    const char *message;
} err_map[] = {
    {FH_EMALFORMED, 400, "malformed_request", "the request is malformed"},
    {FH_EUNAUTHORIZED, 401, "unauthorized", "this action needs a known caller"},
    {FH_EFORBIDDEN, 403, "forbidden", "this belongs to someone else"},
    {FH_ENOTFOUND, 404, "not_found", "no such resource"},
    {FH_ECONFLICT, 409, "conflict", "the resource is not in a state that allows this"},
    {FH_EINVAL, 422, "validation_failed", "the request is invalid"},
    {FH_EUNAVAILABLE, 503, "service_unavailable", "the database is unavailable; try again shortly"},
    {FH_ENOMEM, 500, "internal_error", "an internal error occurred"},
    {FH_EDB, 500, "internal_error", "an internal error occurred"},
};

static void set_body(http_req_t *req, int status, char *body)
{
    free(req->reply_body);
    req->status = status;
    req->reply_body = body;
    req->reply_len = body ? strlen(body) : 0;
}

/* Serialises root into the reply and drops root. Reals get 15 significant
 * digits, so that an average rounded to 4.67 reads 4.67, not
 * 4.6699999999999999. */
static void set_json(http_req_t *req, int status, json_t *root)
{
    size_t flags = JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15);
    char *s = root ? json_dumps(root, flags) : NULL;

    json_decref(root);
    if (s == NULL) {
        static const char oom[] =
            "{\"status\":\"error\",\"error\":{\"code\":\"internal_error\","
            "\"message\":\"an internal error occurred\"}}";
        log_error("reply could not be encoded", "i:status", (int64_t)status);
        set_body(req, 500, strdup(oom));
        req->error_code = "internal_error";
        return;
    }
    set_body(req, status, s);
}

void http_reply_data(http_req_t *req, int status, json_t *data)
{
    if (data == NULL) {
        http_reply_fh(req, FH_ENOMEM, NULL, NULL);
        return;
    }
    json_t *root = json_object();
    if (root) {
        json_object_set_new(root, "status", json_string("success"));
        json_object_set_new(root, "data", data);
    } else {
        json_decref(data);
    }
    set_json(req, status, root);
}

void http_reply_list(http_req_t *req, json_t *items, const page_t *page,
                     int64_t total)
{
    if (items == NULL) {
        http_reply_fh(req, FH_ENOMEM, NULL, NULL);
        return;
    }
    int64_t pages = (total + page->page_size - 1) / page->page_size;
    json_t *meta = json_pack("{sI sI sI sI sb sb}",
                             "page", (json_int_t)page->page,
                             "page_size", (json_int_t)page->page_size,
                             "total_items", (json_int_t)total,
                             "total_pages", (json_int_t)pages,
                             "has_next", page->page < pages,
                             "has_previous", page->page > 1);
    json_t *root = json_pack("{ss so so}", "status", "success",
                             "items", items, "metadata", meta);
    set_json(req, 200, root);
}

/* Wraps err (taking it) in the envelope and logs the refusal. */
static void finish_error(http_req_t *req, int status, const char *code,
                         const char *message, const char *field, json_t *err)
{
    json_t *root = json_pack("{ss so ss}", "status", "error", "error", err,
                             "request_id", req->request_id);
    set_json(req, status, root);
    if (req->error_code == NULL)
        req->error_code = code;
    if (status == 503)
        log_warn("service unavailable", "s:code", code);
    else if (status >= 500)
        log_error("request failed", "i:status", (int64_t)status,
                  "s:code", code);
    else
        log_debug("request refused", "i:status", (int64_t)status,
                  "s:code", code, "s:field", field ? field : "",
                  "s:reason", message);
}

/* Builds and sets the error envelope; extra members (may be NULL) are
 * added to the error object and their reference taken. */
/* A copy of s that is valid UTF-8: each byte that does not fit is written
 * as '?'. Messages may quote what the client sent (a parameter name), which
 * need not be UTF-8, and JSON strings must be. The caller frees it. */
static char *utf8_clean(const char *s)
{
    size_t n = strlen(s), i = 0;
    char *out = malloc(n + 1);

    if (out == NULL)
        return NULL;
    memcpy(out, s, n + 1);
    while (i < n) {
        size_t len = 1;
        unsigned char c = (unsigned char)out[i];
        if (c >= 0xF0)
            len = 4;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        if (i + len > n || !fh_utf8_valid(out + i, len)) {
            out[i++] = '?';
            continue;
        }
        i += len;
    }
    return out;
}

static void reply_error(http_req_t *req, int status, const char *code,
                        const char *message, const char *field, json_t *extra)
{
    char *msg = utf8_clean(message);
    char *fld = field ? utf8_clean(field) : NULL;
    json_t *err = msg ? json_pack("{ss ss}", "code", code, "message", msg)
                      : NULL;

    if (err && extra)
        json_object_update(err, extra);
    json_decref(extra);
    if (err && fld)
        json_object_set_new(err, "field", json_string(fld));
    finish_error(req, status, code, msg ? msg : code, fld, err);
    free(msg);
    free(fld);
}

void http_reply_error(http_req_t *req, int status, const char *code,
                      const char *message, const char *field)
{
    reply_error(req, status, code, message, field, NULL);
}

void http_reply_rate_limited(http_req_t *req, int retry_after_s)
{
    char secs[16], msg[96];

    if (retry_after_s < 1)
        retry_after_s = 1;
    snprintf(secs, sizeof(secs), "%d", retry_after_s);
    snprintf(msg, sizeof(msg), "too many requests; try again in %d seconds",
             retry_after_s);
    http_reply_header(req, "Retry-After", secs);
    reply_error(req, 429, "rate_limited", msg, NULL,
                json_pack("{si}", "retry_after_seconds", retry_after_s));
}

void http_reply_fh(http_req_t *req, int rc, const char *message,
                   const char *field)
{
    for (size_t i = 0; i < sizeof(err_map) / sizeof(err_map[0]); i++) {
        if (err_map[i].rc != rc)
            continue;
        if (err_map[i].status >= 500)
            message = NULL;  /* no internals in a 5xx body */
        if (rc == FH_EUNAVAILABLE)
            http_reply_header(req, "Retry-After", "1");
        http_reply_error(req, err_map[i].status, err_map[i].code,
                         message ? message : err_map[i].message, field);
        return;
    }
    log_error("unexpected error code", "i:rc", (int64_t)rc);
    http_reply_error(req, 500, "internal_error", "an internal error occurred",
                     NULL);
}

void http_reply_header(http_req_t *req, const char *name, const char *value)
{
    for (int i = 0; i < req->nheaders; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            char *v = strdup(value);
            if (v) {
                free(req->headers[i].value);
                req->headers[i].value = v;
            }
            return;
        }
    }
    if (req->nheaders >= HTTP_MAX_HEADERS) {
        log_error("too many reply headers", "s:name", name);
        return;
    }
    char *n = strdup(name), *v = strdup(value);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return;
    }
    req->headers[req->nheaders].name = n;
    req->headers[req->nheaders].value = v;
    req->nheaders++;
}

void http_reply_raw(http_req_t *req, int status, const char *content_type,
                    const char *body, size_t len)
{
    char *copy = malloc(len + 1);

    if (copy == NULL) {
        http_reply_fh(req, FH_ENOMEM, NULL, NULL);
        return;
    }
    memcpy(copy, body, len);
    copy[len] = '\0';
    free(req->reply_body);
    req->status = status;
    req->reply_body = copy;
    req->reply_len = len;
    http_reply_header(req, "Content-Type", content_type);
}
