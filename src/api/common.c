/* Helpers shared by every handler: the connection, paging, the caller, and
 * checking JSON bodies against a table of fields. */
#include "api/api.h"

#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/db_read.h"
#include "store/proposals.h"

const char *const api_experience_levels[] = {"entry", "intermediate",
                                             "expert", NULL};

/* True for the reads a replica may serve: the cached GET routes, which
 * never write. */
static bool reads_only(const http_req_t *req)
{
    return req->route != NULL && req->route->cache != CACHE_NONE &&
           strcmp(req->method, "GET") == 0;
}

int api_db(http_req_t *req, db_t **out)
{
    if (req->db == NULL) {
        int rc = db_acquire(&req->db);
        if (rc < 0) {
            http_reply_fh(req, FH_EUNAVAILABLE, NULL, NULL);
            return rc;
        }
    }
    if (req->read_db == NULL && db_read_enabled() && reads_only(req))
        req->read_db = db_read_choose(req->db);
    *out = req->read_db ? req->read_db : req->db;
    return 0;
}

int api_page(http_req_t *req, page_t *out)
{
    int rc = http_query_int(req, "page", 1, 1000000, 1, &out->page);

    if (rc == 0)
        rc = http_query_int(req, "page_size", 1, 100, 20, &out->page_size);
    if (rc < 0)
        return rc;
    out->offset = (out->page - 1) * out->page_size;
    return 0;
}

int api_require_caller(http_req_t *req, enum user_role role)
{
    static const char *const need[] = {"", "a freelancer", "a client",
                                       "an admin"};
    char msg[96];

    if (req->user_id == 0) {
        http_reply_header(req, "WWW-Authenticate", "Bearer");
        http_reply_error(req, 401, "unauthorized",
                         "sign in first: send Authorization: Bearer TOKEN",
                         "Authorization");
        return FH_EUNAUTHORIZED;
    }
    if (role != ROLE_NONE && req->role != role) {
        snprintf(msg, sizeof(msg), "only %s may do this", need[role]);
        http_reply_error(req, 403, "forbidden", msg, NULL);
        return FH_EFORBIDDEN;
    }
    return 0;
}

int api_require_profile_owner(http_req_t *req, db_t *db, int64_t profile_id,
                              const char *forbidden_msg)
{
    int64_t owner;
    int rc = store_proposals_profile_user(db, profile_id, &owner);

    if (rc < 0) {
        api_fail(req, rc, rc == FH_ENOTFOUND ? "no freelancer has this id"
                                             : NULL, NULL);
        return rc;
    }
    if (owner != req->user_id && req->role != ROLE_ADMIN) {
        api_fail(req, FH_EFORBIDDEN, forbidden_msg, NULL);
        return FH_EFORBIDDEN;
    }
    return 0;
}

void api_fail(http_req_t *req, int rc, const char *message, const char *field)
{
    http_reply_fh(req, rc, message, field);
}

static const field_spec_t *spec_find(const field_spec_t *specs,
                                     const char *name)
{
    for (; specs->name; specs++)
        if (strcmp(specs->name, name) == 0)
            return specs;
    return NULL;
}

static const char *type_word(enum field_type t)
{
    switch (t) {
    case FIELD_STRING:
    case FIELD_ENUM:
    case FIELD_URL:
    case FIELD_TIME:
        return "a string";
    case FIELD_INT:
        return "an integer";
    case FIELD_BOOL:
        return "true or false";
    case FIELD_STRINGS:
        return "an array of strings";
    case FIELD_INTS:
        return "an array of integers";
    }
    return "a value";
}

static bool type_matches(const field_spec_t *f, const json_t *v)
{
    switch (f->type) {
    case FIELD_STRING:
    case FIELD_ENUM:
    case FIELD_URL:
    case FIELD_TIME:
        return json_is_string(v);
    case FIELD_INT:
        return json_is_integer(v);
    case FIELD_BOOL:
        return json_is_boolean(v);
    case FIELD_STRINGS:
    case FIELD_INTS:
        return json_is_array(v);
    }
    return false;
}

/* Checks a string's length in code points against min..max. */
static int check_length(http_req_t *req, const char *name, const char *s,
                        int64_t min, int64_t max)
{
    size_t n = fh_utf8_len(s);
    char msg[160];

    if ((int64_t)n < min || (int64_t)n > max) {
        if (min > 0)
            snprintf(msg, sizeof(msg), "%s must be %lld to %lld characters",
                     name, (long long)min, (long long)max);
        else
            snprintf(msg, sizeof(msg), "%s must be at most %lld characters",
                     name, (long long)max);
        http_reply_error(req, 422, "validation_failed", msg, name);
        return FH_EINVAL;
    }
    return 0;
}

static int check_array(http_req_t *req, const field_spec_t *f, json_t *v)
{
    size_t i, n = json_array_size(v);
    json_t *item;
    char msg[160];

    if ((int64_t)n < f->min || (int64_t)n > f->max) {
        snprintf(msg, sizeof(msg), "%s must hold %lld to %lld items", f->name,
                 (long long)f->min, (long long)f->max);
        http_reply_error(req, 422, "validation_failed", msg, f->name);
        return FH_EINVAL;
    }
    json_array_foreach(v, i, item) {
        if (f->type == FIELD_INTS) {
            if (!json_is_integer(item)) {
                snprintf(msg, sizeof(msg), "%s must hold only integers",
                         f->name);
                http_reply_error(req, 400, "malformed_request", msg, f->name);
                return FH_EMALFORMED;
            }
            if (json_integer_value(item) <= 0) {
                snprintf(msg, sizeof(msg), "%s must hold positive ids",
                         f->name);
                http_reply_error(req, 422, "validation_failed", msg, f->name);
                return FH_EINVAL;
            }
            continue;
        }
        if (!json_is_string(item)) {
            snprintf(msg, sizeof(msg), "%s must hold only strings", f->name);
            http_reply_error(req, 400, "malformed_request", msg, f->name);
            return FH_EMALFORMED;
        }
        if (check_length(req, f->name, json_string_value(item), 1,
                         f->item_max) < 0)
            return FH_EINVAL;
    }
    return 0;
}

static int check_value(http_req_t *req, const field_spec_t *f, json_t *v)
{
    char msg[256];

    switch (f->type) {
    case FIELD_STRING:
        return check_length(req, f->name, json_string_value(v), f->min, f->max);
    case FIELD_URL: {
        const char *s = json_string_value(v);
        if (check_length(req, f->name, s, 1, f->max) < 0)
            return FH_EINVAL;
        if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) {
            snprintf(msg, sizeof(msg), "%s must be an http or https URL",
                     f->name);
            http_reply_error(req, 422, "validation_failed", msg, f->name);
            return FH_EINVAL;
        }
        return 0;
    }
    case FIELD_TIME: {
        int64_t t;
        if (fh_time_parse(json_string_value(v), &t) < 0) {
            snprintf(msg, sizeof(msg), "%s must be an RFC 3339 time", f->name);
            http_reply_error(req, 400, "malformed_request", msg, f->name);
            return FH_EMALFORMED;
        }
        return 0;
    }
    case FIELD_INT: {
        json_int_t n = json_integer_value(v);
        if (n < f->min || n > f->max) {
            snprintf(msg, sizeof(msg), "%s must be between %lld and %lld",
                     f->name, (long long)f->min, (long long)f->max);
            http_reply_error(req, 422, "validation_failed", msg, f->name);
            return FH_EINVAL;
        }
        return 0;
    }
    case FIELD_ENUM: {
        const char *s = json_string_value(v);
        size_t used;
        for (const char *const *p = f->values; *p; p++)
            if (strcmp(*p, s) == 0)
                return 0;
        used = (size_t)snprintf(msg, sizeof(msg), "%s must be one of",
                                f->name);
        for (const char *const *p = f->values; *p && used < sizeof(msg); p++)
            used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s %s",
                                     p == f->values ? "" : ",", *p);
        http_reply_error(req, 422, "validation_failed", msg, f->name);
        return FH_EINVAL;
    }
    case FIELD_STRINGS:
    case FIELD_INTS:
        return check_array(req, f, v);
    case FIELD_BOOL:
        return 0;
    }
    return 0;
}

int api_body_check(http_req_t *req, const field_spec_t *specs)
{
    const char *key;
    json_t *v;
    char msg[160];

    if (req->json == NULL) {
        req->json = json_object();
        if (req->json == NULL) {
            http_reply_fh(req, FH_ENOMEM, NULL, NULL);
            return FH_ENOMEM;
        }
    }
    json_object_foreach(req->json, key, v) {
        const field_spec_t *f = spec_find(specs, key);
        if (f == NULL) {
            snprintf(msg, sizeof(msg), "unknown field \"%.40s\"", key);
            http_reply_error(req, 422, "validation_failed", msg, key);
            return FH_EINVAL;
        }
        if (json_is_null(v)) {
            if (f->nullable && !f->required)
                continue;
            snprintf(msg, sizeof(msg), "%s must not be null", f->name);
            http_reply_error(req, 422, "validation_failed", msg, f->name);
            return FH_EINVAL;
        }
        if (!type_matches(f, v)) {
            snprintf(msg, sizeof(msg), "%s must be %s", f->name,
                     type_word(f->type));
            http_reply_error(req, 400, "malformed_request", msg, f->name);
            return FH_EMALFORMED;
        }
        int rc = check_value(req, f, v);
        if (rc < 0)
            return rc;
    }
    for (const field_spec_t *f = specs; f->name; f++) {
        if (f->required && json_object_get(req->json, f->name) == NULL) {
            snprintf(msg, sizeof(msg), "%s is required", f->name);
            http_reply_error(req, 422, "validation_failed", msg, f->name);
            return FH_EINVAL;
        }
    }
    return 0;
}

const char *api_body_str(http_req_t *req, const char *name)
{
    return json_string_value(json_object_get(req->json, name));
}

int64_t api_body_int(http_req_t *req, const char *name, int64_t def)
{
    json_t *v = json_object_get(req->json, name);

    return json_is_integer(v) ? (int64_t)json_integer_value(v) : def;
}

bool api_body_has(http_req_t *req, const char *name)
{
    return json_object_get(req->json, name) != NULL;
}

bool api_body_is_null(http_req_t *req, const char *name)
{
    return json_is_null(json_object_get(req->json, name));
}
