/* Building answers: the success envelope, lists with page metadata, and
 * errors in the one JSON form the API uses, mapped from fh_err codes. */
#ifndef FH_HTTP_REPLY_H
#define FH_HTTP_REPLY_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"

typedef struct page {
    int64_t page;       /* 1-based */
    int64_t page_size;  /* 1..100 */
    int64_t offset;     /* (page - 1) * page_size */
} page_t;

/* Replies {"status":"success","data":data}; takes data's reference. */
void http_reply_data(http_req_t *req, int status, json_t *data);

/* Replies a list with its metadata; takes items' reference. */
void http_reply_list(http_req_t *req, json_t *items, const page_t *page,
                     int64_t total);

/* Replies the error object. field may be NULL. */
void http_reply_error(http_req_t *req, int status, const char *code,
                      const char *message, const char *field);

/* Replies the error that fits rc with a generic message, or message when
 * given; FH_EDB and FH_ENOMEM become a logged 500. */
void http_reply_fh(http_req_t *req, int rc, const char *message,
                   const char *field);

/* Replies 429 with Retry-After and retry_after_seconds (at least 1). */
void http_reply_rate_limited(http_req_t *req, int retry_after_s);

/* Adds a response header; both strings are copied. */
void http_reply_header(http_req_t *req, const char *name, const char *value);

/* Replies a raw body with its content type (no envelope). body is copied. */
void http_reply_raw(http_req_t *req, int status, const char *content_type,
                    const char *body, size_t len);

#endif
