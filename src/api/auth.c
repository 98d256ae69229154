/* Accounts and sessions: register, login, logout, and the caller's own
 * account. Passwords are hashed with argon2id and never logged or
 * returned; a session is a bearer token of 256 random bits. */
#include "api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cache/tags.h"
#include "common/err.h"
#include "common/util.h"
#include "config.h"
#include "ratelimit/guard.h"
#include "store/sessions.h"
#include "store/users.h"

static const char *const signup_roles[] = {"freelancer", "client", NULL};

/* A plain shape check: one @, something before it, a dotted domain after
 * it, no spaces or control characters. */
static bool email_is_valid(const char *s)
{
    const char *at = strchr(s, '@');
    size_t n = strlen(s);

    if (at == NULL || at == s || strchr(at + 1, '@') || n > 254)
        return false;
    const char *dot = strrchr(at + 1, '.');
    if (dot == NULL || dot == at + 1 || dot[1] == '\0')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '<' || *p == '>')
            return false;
    return true;
}

/* The email in lower case, for the per-account limit key. */
static void lower_copy(const char *s, char *out, size_t len)
{
    size_t i = 0;

    for (; s[i] && i + 1 < len; i++)
        out[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
    out[i] = '\0';
}

void api_auth_register(http_req_t *req)
{
    static const field_spec_t fields[] = {
        {"email", FIELD_STRING, true, false, 3, 254, NULL, 0},
        {"password", FIELD_STRING, true, false, 10, 128, NULL, 0},
        {"name", FIELD_STRING, true, false, 1, 100, NULL, 0},
        {"role", FIELD_ENUM, true, false, 0, 0, signup_roles, 0},
        {"country", FIELD_STRING, false, true, 0, 64, NULL, 0},
        {NULL, 0, false, false, 0, 0, NULL, 0},
    };
    char hash[crypto_pwhash_STRBYTES], email[256];
    json_t *account;
    int64_t id;
    db_t *db;
    int rc;

    if (api_body_check(req, fields) < 0)
        return;
    lower_copy(api_body_str(req, "email"), email, sizeof(email));
    if (!email_is_valid(email)) {
        http_reply_error(req, 422, "validation_failed",
                         "email must look like name@example.com", "email");
        return;
    }
    if (rl_guard_account(req, email) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_password_hash(api_body_str(req, "password"), hash, sizeof(hash));
    if (rc == 0)
        rc = store_user_create(db, email, api_body_str(req, "name"),
                               store_role_parse(api_body_str(req, "role")),
                               api_body_str(req, "country"), hash, &id);
    sodium_memzero(hash, sizeof(hash));
    if (rc == FH_ECONFLICT) {
        api_fail(req, rc, "an account with this email exists", "email");
        return;
    }
    if (rc == 0)  /* the marketplace counts its users */
        CACHE_INVALIDATE(CACHE_TAG(PROFILES, 0), CACHE_TAG(MARKET, 0));
    if (rc == 0)
        rc = store_account_get(db, id, &account);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 201, account);
}

void api_auth_login(http_req_t *req)
{
    static const field_spec_t fields[] = {
        {"email", FIELD_STRING, true, false, 1, 254, NULL, 0},
        {"password", FIELD_STRING, true, false, 1, 128, NULL, 0},
        {NULL, 0, false, false, 0, 0, NULL, 0},
    };
    char token[SESSION_TOKEN_LEN + 1], email[256], when[FH_TIME_BUF];
    enum user_role role;
    json_t *account;
    int64_t id, expires;
    db_t *db;
    int rc;

    if (api_body_check(req, fields) < 0)
        return;
    lower_copy(api_body_str(req, "email"), email, sizeof(email));
    if (rl_guard_account(req, email) < 0 || api_db(req, &db) < 0)
        return;

    rc = store_login_check(db, email, api_body_str(req, "password"), &id, &role);
    if (rc == FH_EUNAUTHORIZED) {
        http_reply_header(req, "WWW-Authenticate", "Bearer");
        http_reply_error(req, 401, "unauthorized",
                         "the email or the password is wrong", NULL);
        return;
    }
    if (rc == 0)
        rc = store_session_create(db, id, (int64_t)fh_config.session_ttl_hours
                                              * 3600, token, &expires);
    if (rc == 0)
        rc = store_account_get(db, id, &account);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    fh_time_format(expires, when);
    http_reply_header(req, "Cache-Control", "no-store");
    http_reply_data(req, 200, json_pack("{ss ss ss so}", "token", token,
                                        "token_type", "Bearer",
                                        "expires_at", when, "user", account));
    sodium_memzero(token, sizeof(token));
}

void api_auth_logout(http_req_t *req)
{
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 || api_db(req, &db) < 0)
        return;
    if (req->token == NULL) {
        http_reply_error(req, 400, "malformed_request",
                         "logout ends a bearer session; send Authorization",
                         "Authorization");
        return;
    }
    rc = store_session_revoke(db, req->token);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_data(req, 200, json_pack("{sb}", "logged_out", 1));
}

void api_auth_me(http_req_t *req)
{
    json_t *account;
    db_t *db;
    int rc;

    if (api_require_caller(req, ROLE_NONE) < 0 || api_db(req, &db) < 0)
        return;
    rc = store_account_get(db, req->user_id, &account);
    if (rc < 0) {
        api_fail(req, rc, NULL, NULL);
        return;
    }
    http_reply_header(req, "Cache-Control", "private, no-cache");
    http_reply_data(req, 200, account);
}
