#include "store/rows.h"

#include <string.h>

#include "common/err.h"
#include "common/util.h"

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* One column as a JSON value, by the conventions in rows.h; *name_len
 * gets how much of the column name to keep. */
static json_t *column_value(db_stmt_t *st, int col, const char *name,
                            size_t *name_len)
{
    enum db_type t = db_col_type(st, col);

    *name_len = strlen(name);
    if (ends_with(name, "_json")) {
        *name_len -= 5;
        if (t == DB_NULL)
            return json_array();
        return json_loads(db_col_text(st, col), JSON_DECODE_ANY, NULL);
    }
    if (t == DB_NULL)
        return json_null();
    if (ends_with(name, "_at") && t == DB_INT) {
        char buf[FH_TIME_BUF];
        fh_time_format(db_col_int64(st, col), buf);
        return json_string(buf);
    }
    if (strncmp(name, "is_", 3) == 0 || strncmp(name, "has_", 4) == 0)
        return json_boolean(db_col_int64(st, col) != 0);
    switch (t) {
    case DB_INT:
        return json_integer(db_col_int64(st, col));
    case DB_FLOAT:
        return json_real(db_col_double(st, col));
    default:
        return json_string(db_col_text(st, col));
    }
}

json_t *rows_object(db_stmt_t *st)
{
    json_t *obj = json_object();
    int n = db_column_count(st);

    if (obj == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        const char *name = db_column_name(st, i);
        size_t len;
        json_t *v = column_value(st, i, name, &len);
        if (v == NULL || json_object_setn_new(obj, name, len, v) < 0) {
            json_decref(obj);
            return NULL;
        }
    }
    return obj;
}

int rows_one(db_stmt_t *st, json_t **out)
{
    int rc = db_step(st);

    if (rc == 1) {
        *out = rows_object(st);
        rc = *out ? 0 : FH_ENOMEM;
    } else if (rc == 0) {
        rc = FH_ENOTFOUND;
    }
    db_reset(st);
    return rc;
}

int rows_array(db_stmt_t *st, json_t **out)
{
    json_t *arr = json_array();
    int rc;

    if (arr == NULL)
        return FH_ENOMEM;
    while ((rc = db_step(st)) == 1) {
        json_t *row = rows_object(st);
        if (row == NULL || json_array_append_new(arr, row) < 0) {
            rc = FH_ENOMEM;
            break;
        }
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int rows_strings(db_stmt_t *st, json_t **out)
{
    json_t *arr = json_array();
    int rc;

    if (arr == NULL)
        return FH_ENOMEM;
    while ((rc = db_step(st)) == 1) {
        if (json_array_append_new(arr, json_string(db_col_text(st, 0))) < 0) {
            rc = FH_ENOMEM;
            break;
        }
    }
    db_reset(st);
    if (rc < 0) {
        json_decref(arr);
        return rc;
    }
    *out = arr;
    return 0;
}

int rows_keyed_page(db_t *db, const char *count_sql, const char *page_sql,
                    const char *name, int64_t key, const char *status,
                    int64_t limit, int64_t offset, json_t **items,
                    int64_t *total)
{
    int n = status ? 2 : 1;
    db_stmt_t *st;
    int rc = db_prepare(db, count_sql, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, key);
    if (status)
        db_bind_text(st, 2, status);
    rc = db_step(st);
    if (rc == 1)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc != 1)
        return rc < 0 ? rc : FH_EDB;

    rc = db_prepare(db, page_sql, &st);
    if (rc < 0)
        return rc;
    db_stmt_name(st, name);
    db_bind_int64(st, 1, key);
    if (status)
        db_bind_text(st, 2, status);
    db_bind_int64(st, n + 1, limit);
    db_bind_int64(st, n + 2, offset);
    return rows_array(st, items);
}
