/* Accounts and sign-in sessions: password hashing (argon2id), bearer
 * tokens of 256 random bits stored only as a hash, expiry and logout. */
#ifndef FH_STORE_SESSIONS_H
#define FH_STORE_SESSIONS_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"
#include "store/db.h"

#define SESSION_TOKEN_LEN 43  /* 32 bytes in unpadded base64url */

/* Hashes password with argon2id at the configured cost into out (a
 * crypto_pwhash_STRBYTES buffer). Returns 0 or FH_ENOMEM. */
int store_password_hash(const char *password, char *out, size_t out_len);

/* The same, with a salt of crypto_pwhash_SALTBYTES given by the caller
 * instead of a random one: for demo data that must come out identical on
 * every run. Never use it for a real account. */
int store_password_hash_salted(const char *password, const unsigned char *salt,
                               char *out, size_t out_len);

/* Checks email and password. Returns 0 and the user's id and role, or
 * FH_EUNAUTHORIZED for an unknown email or a wrong password alike; an unknown
 * email costs the same hashing work as a wrong password. */
int store_login_check(db_t *db, const char *email, const char *password,
                      int64_t *user_id, enum user_role *role);

/* Opens a session for user_id lasting ttl_s seconds: writes the token
 * (SESSION_TOKEN_LEN chars and a NUL) to token and its expiry to *expires. */
int store_session_create(db_t *db, int64_t user_id, int64_t ttl_s,
                         char token[SESSION_TOKEN_LEN + 1], int64_t *expires);

/* Finds the live session of token. Returns 0 with the user and role, or
 * FH_EUNAUTHORIZED when it is unknown, expired or ended. */
int store_session_lookup(db_t *db, const char *token, int64_t *user_id,
                         enum user_role *role);

/* Ends the session of token; FH_EUNAUTHORIZED when it is not live. */
int store_session_revoke(db_t *db, const char *token);

/* The caller's own account: id, email, name, role, country, created_at and
 * profile_id (null when none). */
int store_account_get(db_t *db, int64_t user_id, json_t **out);

#endif
