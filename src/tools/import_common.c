/* Helpers shared by the importer's parts: a hash set, field parsing and
 * the users that imported rows hang on. */
#include "tools/import.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "store/catalog.h"

/* ---- the hash set ---- */

void import_seen_free(import_seen_t *s)
{
    free(s->slots);
    memset(s, 0, sizeof(*s));
}

static import_seen_entry_t *seen_slot(import_seen_entry_t *slots, size_t cap,
                                      XXH128_hash_t key)
{
    size_t i = (size_t)key.low64 & (cap - 1);

    while (slots[i].used && !XXH128_isEqual(slots[i].key, key))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Doubles the table (1024 slots at first), moving every entry. */
static int seen_grow(import_seen_t *s)
{
    size_t cap = s->cap ? s->cap * 2 : 1024;
    import_seen_entry_t *slots = calloc(cap, sizeof(*slots));

    if (slots == NULL)
        return FH_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].used)
            *seen_slot(slots, cap, s->slots[i].key) = s->slots[i];
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

int import_seen_get(import_seen_t *s, XXH128_hash_t key,
                    import_seen_entry_t **out, bool *added)
{
    import_seen_entry_t *e;

    if ((s->n + 1) * 2 > s->cap && seen_grow(s) < 0)
        return FH_ENOMEM;
    e = seen_slot(s->slots, s->cap, key);
    *added = !e->used;
    if (!e->used) {
        e->used = true;
        e->key = key;
        e->a = e->b = 0;
        s->n++;
    }
    *out = e;
    return 0;
}

void import_hash_hex(XXH128_hash_t h, size_t digits, char *out)
{
    static const char hex[] = "0123456789abcdef";
    XXH128_canonical_t c;

    XXH128_canonicalFromHash(&c, h);
    for (size_t i = 0; i < digits / 2; i++) {
        out[2 * i] = hex[c.digest[i] >> 4];
        out[2 * i + 1] = hex[c.digest[i] & 0xF];
    }
    out[digits] = '\0';
}

/* ---- field parsing ---- */

int import_skip_row(import_run_t *run, enum import_skip why)
{
    run->skip = why;
    return IMPORT_SKIPPED;
}

char *import_trim(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

const char *import_skip_spaces(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

const char *import_money_scan(const char *p, int64_t *cents)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, fdigits = 0;

    if (*p == '$')
        p++;
    for (;; p++) {
        if (*p >= '0' && *p <= '9') {
            whole = whole * 10 + (*p - '0');
            if (whole > IMPORT_MONEY_MAX_DOLLARS)
                return NULL;
            digits++;
        } else if (!(*p == ',' && digits > 0 &&
                     isdigit((unsigned char)p[1]))) {
            break;
        }
    }
    if (digits == 0)
        return NULL;
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++) {
            if (fdigits == 2 && *p != '0')
                return NULL;
            if (fdigits < 2) {
                frac = frac * 10 + (*p - '0');
                fdigits++;
            }
        }
        if (fdigits == 0)
            return NULL;
        if (fdigits == 1)
            frac *= 10;
    }
    *cents = whole * 100 + frac;
    return p;
}

int import_money_parse(const char *s, int64_t *cents)
{
    const char *end = import_money_scan(import_skip_spaces(s), cents);

    return end && *import_skip_spaces(end) == '\0' ? 0 : FH_EMALFORMED;
}

int import_money_range_parse(const char *p, int64_t *min, int64_t *max)
{
    p = import_money_scan(import_skip_spaces(p), min);
    if (p == NULL)
        return FH_EMALFORMED;
    p = import_skip_spaces(p);
    if (*p == '-') {
        p = import_money_scan(import_skip_spaces(p + 1), max);
        if (p == NULL)
            return FH_EMALFORMED;
        p = import_skip_spaces(p);
    } else {
        *max = *min;
    }
    return (*p == '\0' || *p == '<') && *min <= *max ? 0 : FH_EMALFORMED;
}

bool import_skill_name_ok(const char *name)
{
    char display[CATALOG_NAME_MAX + 1], slug[CATALOG_NAME_MAX + 1];

    return catalog_normalise(name, display, slug) &&
           fh_utf8_len(display) <= IMPORT_SKILL_CHARS_MAX;
}

/* ---- users ---- */

static const char *sql_user_insert =
    "INSERT INTO users (email, name, role, country, created_at)"
    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (email) DO NOTHING RETURNING id";
static const char *sql_user_find = "SELECT id FROM users WHERE email = ?";

int import_user_ensure(import_run_t *run, const char *email, const char *name,
                       const char *role, const char *country, int64_t *id)
{
    db_stmt_t *st;
    int rc = db_prepare(run->db, sql_user_insert, &st);

    if (rc < 0)
        return rc;
    db_bind_text(st, 1, email);
    db_bind_text(st, 2, name);
    db_bind_text(st, 3, role);
    db_bind_text(st, 4, country);
    db_bind_int64(st, 5, run->now);
    rc = db_step(st);
    if (rc == 1)
        *id = db_col_int64(st, 0);
    db_reset(st);
    if (rc != 0)
        return rc < 0 ? rc : 0;

    rc = db_prepare(run->db, sql_user_find, &st);
    if (rc < 0)
        return rc;
    db_bind_text(st, 1, email);
    rc = db_step(st);
    if (rc == 1)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc == 1 ? 0 : (rc < 0 ? rc : FH_EDB);
}
