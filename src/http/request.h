/* One request being served: what the client sent, who it is, and the reply
 * being built. Handlers read their input here and answer through reply.h. */
#ifndef FH_HTTP_REQUEST_H
#define FH_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/router.h"
#include "store/db.h"

#define HTTP_REQUEST_ID_LEN 64
#define HTTP_MAX_HEADERS 12

struct MHD_Connection;

typedef struct http_header {
    char *name;
    char *value;
} http_header_t;

enum user_role { ROLE_NONE = 0, ROLE_FREELANCER, ROLE_CLIENT, ROLE_ADMIN };

struct http_req {
    struct MHD_Connection *conn;
    const char *method;         /* as sent; HEAD stays HEAD */
    const char *url;            /* full path, no query string */
    const route_t *route;       /* NULL until routed */
    int64_t ids[ROUTER_MAX_IDS];/* path parameters in template order */
    int nids;
    double started_ms;          /* monotonic */
    char request_id[HTTP_REQUEST_ID_LEN + 1];
    char client[48];            /* the peer's address as text */

    /* The body, as received. */
    char *body;
    size_t body_len;
    size_t body_cap;
    bool body_too_large;        /* more than MAX_BODY_BYTES arrived */
    size_t drained;             /* body bytes discarded after a refusal */
    json_t *json;               /* the parsed body object, or NULL */

    /* The caller, once identified; 0 and ROLE_NONE when anonymous. */
    int64_t user_id;
    enum user_role role;
    const char *token;          /* the bearer token sent, or NULL */

    db_t *db;                   /* acquired on first use by api_db(),
                                   released as soon as the reply is built */
    db_t *read_db;              /* the thread's replica connection when
                                   api_db() chose it; never released */
    const char *db_used;        /* "primary", "replica" or NULL, for the
                                   access log once db is released */

    /* The reply. */
    int status;                 /* 0 until a reply is set */
    char *reply_body;           /* malloc'd; sent and freed by the server */
    size_t reply_len;
    const char *error_code;     /* for the access log, on errors */
    http_header_t headers[HTTP_MAX_HEADERS];
    int nheaders;
    bool queued;                /* handed to the connection already */

    struct http_cache *cache;   /* the response cache's part, or NULL */
};

/* A header of the request, or NULL. */
const char *http_header(http_req_t *req, const char *name);

/* How many times the request carries header name (any case). */
int http_header_count(http_req_t *req, const char *name);

/* The name of the first header of the request that is malformed, or NULL:
 * its name is not an HTTP token (a blank before the colon, a control or
 * non-ASCII byte), or its value holds a CR, NUL or other control byte. */
const char *http_header_malformed(http_req_t *req);

/* A query parameter, URL-decoded, or NULL when absent. *len gets its
 * length in bytes (a decoded %00 shows as len > strlen). */
const char *http_query(http_req_t *req, const char *name, size_t *len);

/* Replies 422 and returns FH_EINVAL when the query holds a parameter not in
 * allowed (NULL-terminated), or 400 when a parameter is given twice. */
int http_query_check(http_req_t *req, const char *const *allowed);

/* Parses the query parameter name as an integer in [min, max]; absent gives
 * def. Replies 400 (not a number) or 422 (out of range) and returns a
 * negative fh_err on bad input. */
int http_query_int(http_req_t *req, const char *name, int64_t min,
                   int64_t max, int64_t def, int64_t *out);

/* The query parameter as a string of at most max_chars code points, valid
 * UTF-8 and no NUL; absent gives NULL. Replies 400/422 on bad input. */
int http_query_str(http_req_t *req, const char *name, size_t max_chars,
                   const char **out);

/* The parameter must be one of values (NULL-terminated); absent gives def.
 * Replies 422 listing the values otherwise. */
int http_query_enum(http_req_t *req, const char *name,
                    const char *const *values, const char *def,
                    const char **out);

/* An RFC 3339 time; absent leaves *out as it was. Replies 400 when it is
 * not one. */
int http_query_time(http_req_t *req, const char *name, int64_t *out);

#endif
