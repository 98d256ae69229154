#include "store/catalog.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "store/rows.h"

bool catalog_normalise(const char *name, char out[CATALOG_NAME_MAX + 1],
                       char slug[CATALOG_NAME_MAX + 1])
{
    size_t n = 0;
    bool space = false;

    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if (isspace(*p)) {
            space = n > 0;
            continue;
        }
        if (n + (space ? 2 : 1) > CATALOG_NAME_MAX)
            break;
        if (space) {
            out[n] = ' ';
            slug[n++] = ' ';
            space = false;
        }
        out[n] = (char)*p;
        slug[n++] = (char)tolower(*p);
    }
    /* Never end inside a UTF-8 sequence cut by the length limit. */
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) {
        size_t start = n - 1;
        while (start > 0 && ((unsigned char)out[start] & 0xC0) == 0x80)
            start--;
        unsigned lead = (unsigned char)out[start];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (n - start == need)
            break;
        n = start;
    }
    if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
        n--;
    out[n] = slug[n] = '\0';
    return n > 0;
}

static const char *sql_category_exists =
    "SELECT 1 FROM categories WHERE id = ?";

int store_category_exists(db_t *db, int64_t id)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql_category_exists, &st);

    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step(st);
    db_reset(st);
    if (rc < 0)
        return rc;
    return rc == 1 ? 0 : FH_ENOTFOUND;
}

/* Finds by slug with find_sql, inserting with insert_sql when missing. */
static int ensure(db_t *db, const char *find_sql, const char *insert_sql,
                  const char *name, int64_t *id_out)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
    db_stmt_t *st;
    int rc;

    if (!catalog_normalise(name, display, slug))
        return FH_EINVAL;
    rc = db_prepare(db, find_sql, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, slug);
    rc = db_step(st);
    if (rc == 1)
        *id_out = db_col_int64(st, 0);
    db_reset(st);
    if (rc != 0)
        return rc < 0 ? rc : 0;

    rc = db_prepare(db, insert_sql, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, display);
    db_bind_text(st, 2, slug);
    rc = db_step(st);
    if (rc == 1)
        *id_out = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}

static const char *sql_category_find = "SELECT id FROM categories WHERE slug = ?";
static const char *sql_category_insert =
    "INSERT INTO categories (name, slug) VALUES (?, ?) RETURNING id";
static const char *sql_skill_find = "SELECT id FROM skills WHERE slug = ?";
static const char *sql_skill_insert =
    "INSERT INTO skills (name, slug) VALUES (?, ?) RETURNING id";

int store_category_ensure(db_t *db, const char *name, int64_t *id_out)
{
    return ensure(db, sql_category_find, sql_category_insert, name, id_out);
}

int store_skill_ensure(db_t *db, const char *name, int64_t *id_out)
{
    return ensure(db, sql_skill_find, sql_skill_insert, name, id_out);
}

int store_skill_find(db_t *db, const char *name, int64_t *id_out)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];
    db_stmt_t *st;
    int rc;

    if (!catalog_normalise(name, display, slug))
        return FH_ENOTFOUND;
    rc = db_prepare(db, sql_skill_find, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, slug);
    rc = db_step(st);
    if (rc == 1)
        *id_out = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_ENOTFOUND);
}

int store_skills_resolve(db_t *db, json_t *names, json_t **ids_out)
{
    json_t *ids = json_array();
    json_t *name;
    size_t i;

    if (ids == NULL)
        return FH_ENOMEM;
    json_array_foreach(names, i, name) {
        int64_t id;
        int rc = store_skill_ensure(db, json_string_value(name), &id);
        if (rc < 0) {
            json_decref(ids);
            return rc;
        }
        bool seen = false;
        json_t *v;
        size_t k;
        json_array_foreach(ids, k, v)
            if (json_integer_value(v) == id)
                seen = true;
        if (!seen && json_array_append_new(ids, json_integer(id)) < 0) {
            json_decref(ids);
            return FH_ENOMEM;
        }
    }
    *ids_out = ids;
    return 0;
}

/* Runs a count statement with no parameters but the optional text one. */
static int count_rows(db_t *db, const char *sql, const char *text,
                      int64_t *total)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    if (text)
        db_bind_text(st, 1, text);
    rc = db_step(st);
    if (rc == 1)
        *total = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}

static const char *sql_categories_count = "SELECT COUNT(*) FROM categories";
static const char *sql_categories_page =
    "SELECT c.id, c.name, c.slug,"
    " (SELECT COUNT(*) FROM freelance_job_postings j"
    "  WHERE j.status = 'open' AND j.category_id = c.id) AS open_jobs"
    " FROM categories c ORDER BY c.name, c.id LIMIT ? OFFSET ?";

int store_categories_list(db_t *db, int64_t limit, int64_t offset,
                          json_t **items, int64_t *total)
{
    db_stmt_t *st;
    int rc = count_rows(db, sql_categories_count, NULL, total);

    if (rc < 0)
        return rc;
    rc = db_prepare(db, sql_categories_page, &st);
    if (rc < 0)
        return rc;
    db_bind_int64(st, 1, limit);
    db_bind_int64(st, 2, offset);
    return rows_array(st, items);
}

/* Skills whose slug starts with a prefix: a range on the unique slug index,
 * [prefix, prefix || U+10FFFF), so no LIKE escaping is needed. */
#define SKILLS_COUNT(CHR)                                                   \
    "SELECT COUNT(*) FROM skills WHERE slug >= ?1"                          \
    " AND slug < ?1 || " CHR "(1114111)"
#define SKILLS_PAGE(CHR)                                                    \
    "SELECT s.id, s.name, s.slug,"                                          \
    " (SELECT COUNT(*) FROM job_skills js JOIN freelance_job_postings j"    \
    "  ON j.id = js.job_id WHERE js.skill_id = s.id AND j.status = 'open')" \
    "  AS open_jobs,"                                                       \
    " (SELECT COUNT(*) FROM profile_skills ps WHERE ps.skill_id = s.id)"    \
    "  AS profiles"                                                         \
    " FROM skills s WHERE s.slug >= ?1 AND s.slug < ?1 || " CHR "(1114111)" \
    " ORDER BY s.slug, s.id LIMIT ?2 OFFSET ?3"

/* The character of a code point: char() in SQLite, chr() in PostgreSQL. */
static const char *sql_skills_count = SKILLS_COUNT("char");
static const char *sql_skills_count_pg = SKILLS_COUNT("chr");
static const char *sql_skills_page = SKILLS_PAGE("char");
static const char *sql_skills_page_pg = SKILLS_PAGE("chr");

int store_skills_list(db_t *db, const char *prefix, int64_t limit,
                      int64_t offset, json_t **items, int64_t *total)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1] = "";
    db_stmt_t *st;
    int rc;

    if (prefix)
        catalog_normalise(prefix, display, slug);
    rc = count_rows(db, db_pick(db, sql_skills_count, sql_skills_count_pg),
                    slug, total);
    if (rc < 0)
        return rc;
    rc = db_prepare(db, db_pick(db, sql_skills_page, sql_skills_page_pg), &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, slug);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    return rows_array(st, items);
}
