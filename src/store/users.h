/* Queries on users: the accounts behind freelancers, clients and admins. */
#ifndef FH_STORE_USERS_H
#define FH_STORE_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "http/request.h"
#include "store/db.h"

/* Parses "freelancer", "client", "admin"; ROLE_NONE otherwise. */
enum user_role store_role_parse(const char *s);
const char *store_role_name(enum user_role role);

/* Creates a user; email is stored lower-case. password_hash may be NULL.
 * Returns FH_ECONFLICT when the email is taken. */
int store_user_create(db_t *db, const char *email, const char *name,
                      enum user_role role, const char *country,
                      const char *password_hash, int64_t *id_out);

/* The role of user id, or FH_ENOTFOUND. */
int store_user_role(db_t *db, int64_t id, enum user_role *out);

/* The public view of user id: id, name, role, country, created_at. */
int store_user_get(db_t *db, int64_t id, json_t **out);

#endif
