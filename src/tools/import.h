/* The parts of `freelance-hub import`: import.c reads each file and runs
 * its rows through a source's row function in one transaction;
 * import_upwork.c and import_pph.c map rows onto the model; the helpers
 * below are shared by them. */
#ifndef FH_TOOLS_IMPORT_H
#define FH_TOOLS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XXH_STATIC_LINKING_ONLY  /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "store/db.h"
#include "tools/import_csv.h"

#define IMPORT_EMAIL_DOMAIN "import.freelance-hub.test"
#define IMPORT_COLUMNS_MAX 16      /* columns a source may map */
#define IMPORT_SKILL_CHARS_MAX 50  /* code points in a skill name */
#define IMPORT_MONEY_MAX_DOLLARS 100000000  /* 10^10 cents, the API's cap */

/* Why a row was left out. */
enum import_skip {
    IMPORT_SKIP_DUPLICATE_ROW,      /* the same values as an earlier row */
    IMPORT_SKIP_DUPLICATE_POSTING,  /* a job seen again in a later snapshot */
    IMPORT_SKIP_COLUMNS,
    IMPORT_SKIP_ENCODING,
    IMPORT_SKIP_NO_TITLE,
    IMPORT_SKIP_NO_JOB_ID,
    IMPORT_SKIP_BAD_BUDGET,
    IMPORT_SKIP_BAD_DATE,
    IMPORT_SKIP_BAD_SKILLS,
    IMPORT_SKIP_BAD_RATE,
    IMPORT_SKIP_BAD_RATING,
    IMPORT_SKIP_BAD_REVIEWS,
    IMPORT_SKIP_COUNT
};

/* What a row function did with its row. */
enum import_row_result { IMPORT_ADDED, IMPORT_PRESENT, IMPORT_SKIPPED };

typedef struct import_stats {
    int64_t read;        /* data rows, the header not counted */
    int64_t imported;
    int64_t present;     /* in the database from an earlier run */
    int64_t skipped[IMPORT_SKIP_COUNT];
    int64_t repaired;    /* RSS budgets taken from the description */
} import_stats_t;

/* A set of 128-bit hashes, each with two values for its user. */
typedef struct import_seen_entry {
    XXH128_hash_t key;
    int64_t a, b;
    bool used;
} import_seen_entry_t;

typedef struct import_seen {
    import_seen_entry_t *slots;
    size_t cap;  /* a power of two, or 0 */
    size_t n;
} import_seen_t;

/* Finds key, adding it (a and b zero) when missing; *added says which.
 * The entry stays valid until the next call. Returns 0 or FH_ENOMEM. */
int import_seen_get(import_seen_t *s, XXH128_hash_t key,
                    import_seen_entry_t **out, bool *added);
void import_seen_free(import_seen_t *s);

/* The first digits (even, at most 32) of the hash's canonical form as
 * lower-case hex, NUL-terminated, into out. */
void import_hash_hex(XXH128_hash_t h, size_t digits, char *out);

typedef struct import_client {
    char slug[96];
    int64_t id;
} import_client_t;

/* The state of one run; the per-file parts are reset before each file. */
typedef struct import_run {
    db_t *db;
    int64_t now;              /* created_at of the users and profiles */
    bool tty;                 /* progress as one updating line */
    size_t record;            /* 0-based index of the current data row */
    XXH128_hash_t row_hash;   /* of the current row's mapped fields */
    enum import_skip skip;    /* why the row function skipped its row */
    import_stats_t *stats;    /* of the current file */
    import_seen_t rows;       /* row hashes of the current file */
    import_seen_t postings;   /* RSS job id -> (snapshot date, row kept) */
    import_client_t *clients; /* synthetic clients made or found */
    size_t nclients, clients_cap;
} import_run_t;

/* One file and how its rows map onto the model. */
typedef struct import_source {
    const char *file;
    const char *const *columns;  /* header names, in row-function order */
    size_t ncolumns;             /* at most IMPORT_COLUMNS_MAX */
    /* When set, reads every record once before the import; col maps
     * columns[i] to its field. */
    int (*prepass)(import_run_t *run, import_csv_t *csv, const size_t *col);
    /* Maps one row, f[i] being columns[i] (changeable in place). Returns
     * an import_row_result or a negative fh_err that fails the file. */
    int (*row)(import_run_t *run, char **f);
} import_source_t;

extern const import_source_t import_source_upwork_search;
extern const import_source_t import_source_upwork_rss;
extern const import_source_t import_source_pph;

/* Records why the row was left out; returns IMPORT_SKIPPED. */
int import_skip_row(import_run_t *run, enum import_skip why);

/* Cuts ASCII white space from both ends of s in place; returns s moved
 * past the leading part. */
char *import_trim(char *s);
const char *import_skip_spaces(const char *p);

/* Reads a dollar amount at p: an optional '$', digits with optional
 * thousands commas, an optional fraction of one or two digits (zeros may
 * follow). Returns the end of it with the amount in *cents, or NULL (also
 * past IMPORT_MONEY_MAX_DOLLARS). */
const char *import_money_scan(const char *p, int64_t *cents);

/* A whole string that is one amount, white space around allowed. Returns
 * 0 or FH_EMALFORMED. */
int import_money_parse(const char *s, int64_t *cents);

/* "$min - $max", or one amount (min = max), up to the end of p or a '<';
 * min must not exceed max. Returns 0 or FH_EMALFORMED. */
int import_money_range_parse(const char *p, int64_t *min, int64_t *max);

/* True when name makes a skill: 1..IMPORT_SKILL_CHARS_MAX code points once
 * normalised by catalog_normalise(). */
bool import_skill_name_ok(const char *name);

/* The id of the user with this email, created with the other fields (and
 * created_at = run->now) when missing. */
int import_user_ensure(import_run_t *run, const char *email, const char *name,
                       const char *role, const char *country, int64_t *id);

#endif
