#include "store/sessions.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "config.h"
#include "obs/log.h"
#include "obs/metrics.h"
#include "store/rows.h"
#include "store/users.h"

#define TOKEN_BYTES 32
#define HASH_HEX (crypto_generichash_BYTES * 2 + 1)

int store_password_hash(const char *password, char *out, size_t out_len)
{
    if (out_len < crypto_pwhash_STRBYTES)
        return FH_EINVAL;
    if (crypto_pwhash_str_alg(out, password, strlen(password),
                              (unsigned long long)fh_config.auth_hash_ops,
                              (size_t)fh_config.auth_hash_memory_kb * 1024,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return FH_ENOMEM;
    return 0;
}

int store_password_hash_salted(const char *password, const unsigned char *salt,
                               char *out, size_t out_len)
{
    unsigned char hash[32];
    char salt64[sodium_base64_ENCODED_LEN(crypto_pwhash_SALTBYTES,
                                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
    char hash64[sodium_base64_ENCODED_LEN(sizeof(hash),
                                          sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];
    unsigned long long ops = (unsigned long long)fh_config.auth_hash_ops;
    size_t mem = (size_t)fh_config.auth_hash_memory_kb * 1024;

    if (crypto_pwhash(hash, sizeof(hash), password, strlen(password), salt, ops,
                      mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return FH_ENOMEM;
    sodium_bin2base64(salt64, sizeof(salt64), salt, crypto_pwhash_SALTBYTES,
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    sodium_bin2base64(hash64, sizeof(hash64), hash, sizeof(hash),
                      sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
    /* The PHC string form that crypto_pwhash_str_verify reads. */
    int n = snprintf(out, out_len, "$argon2id$v=19$m=%zu,t=%llu,p=1$%s$%s",
                     mem / 1024, ops, salt64, hash64);
    return n > 0 && (size_t)n < out_len ? 0 : FH_EINVAL;
}

/* A hash of a random password, verified against when the email is unknown
 * so that both failures cost the same. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
    char pw[33];
    unsigned char raw[16];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
    if (store_password_hash(pw, dummy_hash, sizeof(dummy_hash)) < 0)
        dummy_hash[0] = '\0';
}

static const char *sql_login =
    "SELECT id, role, password_hash FROM users WHERE email = ?";

int store_login_check(db_t *db, const char *email, const char *password,
                      int64_t *user_id, enum user_role *role)
{
    char lower[256], hash[crypto_pwhash_STRBYTES] = "";
    db_stmt_t *st;
    size_t n = strlen(email);
    bool found = false;
    int rc;

    pthread_once(&dummy_once, dummy_init);
    if (n >= sizeof(lower))
        n = sizeof(lower) - 1;
    for (size_t i = 0; i < n; i++)
        lower[i] = (char)tolower((unsigned char)email[i]);
    lower[n] = '\0';

    rc = db_prepare(db, sql_login, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, lower);
    rc = db_step(st);
    if (rc == 1 && !db_col_is_null(st, 2)) {
        found = true;
        *user_id = db_col_int64(st, 0);
        *role = store_role_parse(db_col_text(st, 1));
        snprintf(hash, sizeof(hash), "%s", db_col_text(st, 2));
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    bool ok = crypto_pwhash_str_verify(found ? hash : dummy_hash, password,
                                       strlen(password)) == 0;
    metrics_password_check();
    return found && ok ? 0 : FH_EUNAUTHORIZED;
}

/* The hex BLAKE2b-256 of a token: what the sessions table keeps. */
static void token_digest(const char *token, char out[HASH_HEX])
{
    unsigned char h[crypto_generichash_BYTES];

    crypto_generichash(h, sizeof(h), (const unsigned char *)token,
                       strlen(token), NULL, 0);
    sodium_bin2hex(out, HASH_HEX, h, sizeof(h));
}

static const char *sql_session_insert =
    "INSERT INTO sessions (user_id, token_hash, created_at, expires_at)"
    " VALUES (?, ?, ?, ?)";

int store_session_create(db_t *db, int64_t user_id, int64_t ttl_s,
                         char token[SESSION_TOKEN_LEN + 1], int64_t *expires)
{
    unsigned char raw[TOKEN_BYTES];
    char digest[HASH_HEX];
    db_stmt_t *st;
    int64_t now = fh_now();
    int rc;

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, SESSION_TOKEN_LEN + 1, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof(raw));
    token_digest(token, digest);

    rc = db_prepare(db, sql_session_insert, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_text(st, 2, digest);
    db_bind_int64(st, 3, now);
    db_bind_int64(st, 4, now + ttl_s);
    rc = db_run(st);
    if (rc == 0)
        *expires = now + ttl_s;
    return rc;
}

static const char *sql_session_lookup =
    "SELECT s.token_hash, u.id, u.role FROM sessions s"
    " JOIN users u ON u.id = s.user_id"
    " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?";

/* A token is 43 base64url characters; anything else is not one. */
static bool token_is_wellformed(const char *token)
{
    size_t n = 0;

    for (; token[n]; n++) {
        char c = token[n];
        if (n >= SESSION_TOKEN_LEN ||
            !(isalnum((unsigned char)c) || c == '-' || c == '_'))
            return false;
    }
    return n == SESSION_TOKEN_LEN;
}

int store_session_lookup(db_t *db, const char *token, int64_t *user_id,
                         enum user_role *role)
{
    char digest[HASH_HEX];
    db_stmt_t *st;
    int rc;

    if (!token_is_wellformed(token))
        return FH_EUNAUTHORIZED;
    token_digest(token, digest);
    rc = db_prepare(db, sql_session_lookup, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, digest);
    db_bind_int64(st, 2, fh_now());
    rc = db_step(st);
    if (rc == 1) {
        /* The index found it; compare in constant time all the same. */
        const char *stored = db_col_text(st, 0);
        if (stored && strlen(stored) == HASH_HEX - 1 &&
            sodium_memcmp(stored, digest, HASH_HEX - 1) == 0) {
            *user_id = db_col_int64(st, 1);
            *role = store_role_parse(db_col_text(st, 2));
        } else {
            rc = 0;
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : FH_EUNAUTHORIZED;
}

static const char *sql_session_revoke =
    "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?"
    " AND revoked_at IS NULL AND expires_at > ?";

int store_session_revoke(db_t *db, const char *token)
{
    char digest[HASH_HEX];
    db_stmt_t *st;
    int64_t now = fh_now();
    int rc;

    if (!token_is_wellformed(token))
        return FH_EUNAUTHORIZED;
    token_digest(token, digest);
    rc = db_prepare(db, sql_session_revoke, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, now);
    db_bind_text(st, 2, digest);
    db_bind_int64(st, 3, now);
    rc = db_run(st);
    if (rc < 0)
        return rc;
    return db_changes(db) == 1 ? 0 : FH_EUNAUTHORIZED;
}

static const char *sql_account_get =
    "SELECT u.id, u.email, u.name, u.role, u.country, u.created_at,"
    " p.id AS profile_id"
    " FROM users u LEFT JOIN freelance_profiles p ON p.user_id = u.id"
    " WHERE u.id = ?";

int store_account_get(db_t *db, int64_t user_id, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_account_get, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    return rows_one(st, out);
}
