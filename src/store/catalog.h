/* Categories and skills: the reference lists that jobs and profiles point
 * to, found by a normalised name (the slug) and created on first use. */
#ifndef FH_STORE_CATALOG_H
#define FH_STORE_CATALOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

#define CATALOG_NAME_MAX 200  /* bytes in a name: 50 characters of UTF-8 */

/* Writes the display form of name into out (trimmed, inner runs of white
 * space made one space) and its slug into slug (the same, lower-case).
 * Returns false when nothing is left. */
bool catalog_normalise(const char *name, char out[CATALOG_NAME_MAX + 1],
                       char slug[CATALOG_NAME_MAX + 1]);

/* 0 when category id exists, FH_ENOTFOUND otherwise. */
int store_category_exists(db_t *db, int64_t id);

/* The id of the category or skill with this name, created when missing. */
int store_category_ensure(db_t *db, const char *name, int64_t *id_out);
int store_skill_ensure(db_t *db, const char *name, int64_t *id_out);

/* The ids of the skills named in names (an array of strings), created when
 * missing, without duplicates, in the order given. */
int store_skills_resolve(db_t *db, json_t *names, json_t **ids_out);

/* The id of the skill with this name, or FH_ENOTFOUND. */
int store_skill_find(db_t *db, const char *name, int64_t *id_out);

/* Pages of the reference lists, ordered by name then id. */
int store_categories_list(db_t *db, int64_t limit, int64_t offset,
                          json_t **items, int64_t *total);
int store_skills_list(db_t *db, const char *prefix, int64_t limit,
                      int64_t offset, json_t **items, int64_t *total);

#endif
