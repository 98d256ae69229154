#include "store/users.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/rows.h"

static const char *const role_names[] = {"", "freelancer", "client", "admin"};

enum user_role store_role_parse(const char *s)
{
    for (int r = ROLE_FREELANCER; r <= ROLE_ADMIN; r++)
        if (s && strcmp(s, role_names[r]) == 0)
            return (enum user_role)r;
    return ROLE_NONE;
}

const char *store_role_name(enum user_role role)
{
    return role >= ROLE_FREELANCER && role <= ROLE_ADMIN ? role_names[role] : "";
}

static const char *sql_user_insert =
    "INSERT INTO users (email, name, role, country, password_hash, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?) RETURNING id";

int store_user_create(db_t *db, const char *email, const char *name,
                      enum user_role role, const char *country,
                      const char *password_hash, int64_t *id_out)
{
    db_stmt_t *st;
    char *lower = strdup(email);
    int rc;

    if (lower == NULL)
        return FH_ENOMEM;
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    rc = db_prepare(db, sql_user_insert, &st);
    if (rc < 0)
        goto out;
    db_bind_text(st, 1, lower);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, store_role_name(role));
    db_bind_text(st, 4, country);
    db_bind_text(st, 5, password_hash);
    db_bind_int64(st, 6, fh_now());
    rc = db_step(st);
    if (rc == 1) {
        *id_out = db_col_int64(st, 0);
        rc = 0;
    } else if (rc == 0) {
        rc = FH_EDB;
    }
    db_reset(st);
out:
    free(lower);
    return rc;
}

static const char *sql_user_role = "SELECT role FROM users WHERE id = ?";

int store_user_role(db_t *db, int64_t id, enum user_role *out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_user_role, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    if (rc == 1) {
        *out = store_role_parse(db_col_text(st, 0));
        rc = 0;
    } else if (rc == 0) {
        rc = FH_ENOTFOUND;
    }
    db_reset(st);
    return rc;
}

static const char *sql_user_get =
    "SELECT id, name, role, country, created_at FROM users WHERE id = ?";

int store_user_get(db_t *db, int64_t id, json_t **out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_user_get, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    return rows_one(st, out);
}
