/* freelance-hub import [DIR]: loads the three real data sets described in
 * shared/data/SOURCES.md. Each file goes in one transaction; a source_key
 * per row makes a second run add nothing. Progress goes to standard error,
 * the summary of what was read, imported and skipped to standard output.
 *
 * LIMITATION: on PostgreSQL every statement is one round trip to the
 * server, so the three files take several times as long as on SQLite
 * (28 s against 4 s measured on a busy 2-core machine). Costs whoever
 * imports into PostgreSQL; idempotence and results are the same. */
#include "tools/tools.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/util.h"
#include "store/db.h"
#include "tools/import.h"
#include "tools/import_csv.h"

#define IMPORT_FILE_MAX ((size_t)256 << 20)  /* bytes; the files are ~3 MB */
#define IMPORT_PROGRESS_EVERY 512    /* rows between progress updates */

static const char *const skip_names[IMPORT_SKIP_COUNT] = {
    "duplicate row", "duplicate posting", "wrong column count",
    "invalid UTF-8", "missing title", "missing job id",
    "unparseable budget", "unparseable date", "unparseable skills",
    "unparseable rate", "unparseable rating", "unparseable review count",
};

/* The row's identity: its fields with their lengths, so that ("ab", "c")
 * and ("a", "bc") differ. Two different rows sharing a 128-bit hash is
 * left out of account. */
static XXH128_hash_t hash_fields(char **f, const size_t *lens, size_t n)
{
    XXH3_state_t st;

    XXH3_128bits_reset(&st);
    for (size_t i = 0; i < n; i++) {
        uint64_t len = lens[i];
        XXH3_128bits_update(&st, &len, sizeof(len));
        XXH3_128bits_update(&st, f[i], lens[i]);
    }
    return XXH3_128bits_digest(&st);
}

/* ---- the driver ---- */

static const import_source_t *const import_sources[] = {
    &import_source_upwork_search,
    &import_source_upwork_rss,
    &import_source_pph,
};

#define IMPORT_SOURCE_COUNT (sizeof(import_sources) / sizeof(import_sources[0]))

/* Reads path into a new NUL-terminated buffer. On failure writes the
 * reason into err. */
static int file_load(const char *path, char **data, size_t *len,
                     char *err, size_t err_size)
{
    FILE *fp = fopen(path, "rb");
    struct stat sb;
    char *buf;

    if (fp == NULL) {
        snprintf(err, err_size, "%s", strerror(errno));
        return FH_ENOTFOUND;
    }
    if (fstat(fileno(fp), &sb) < 0 || !S_ISREG(sb.st_mode) ||
        (size_t)sb.st_size > IMPORT_FILE_MAX) {
        snprintf(err, err_size, "not a regular file of at most %zu MB",
                 IMPORT_FILE_MAX >> 20);
        fclose(fp);
        return FH_EINVAL;
    }
    buf = malloc((size_t)sb.st_size + 1);
    if (buf == NULL) {
        fclose(fp);
        snprintf(err, err_size, "out of memory");
        return FH_ENOMEM;
    }
    *len = fread(buf, 1, (size_t)sb.st_size, fp);
    if (ferror(fp)) {
        snprintf(err, err_size, "%s", strerror(errno));
        free(buf);
        fclose(fp);
        return FH_EINVAL;
    }
    fclose(fp);
    buf[*len] = '\0';
    *data = buf;
    return 0;
}

static void progress(const import_run_t *run, const char *file, size_t done,
                     size_t total)
{
    if (run->tty)
        fprintf(stderr, "\rimport: %-32s %3d%%", file,
                total ? (int)(done * 100 / total) : 100);
}

/* Finds each of the source's columns in the header; col[i] gets the
 * position of columns[i]. */
static int header_map(const import_source_t *src, import_csv_t *csv,
                      size_t *col, char *err, size_t err_size)
{
    for (size_t i = 0; i < src->ncolumns; i++) {
        col[i] = SIZE_MAX;
        for (size_t k = 0; k < csv->nfields; k++) {
            char *name = import_csv_field(csv, k);
            if (strcmp(import_trim(name), src->columns[i]) == 0)
                col[i] = k;
        }
        if (col[i] == SIZE_MAX) {
            snprintf(err, err_size, "the header has no \"%s\" column",
                     src->columns[i]);
            return FH_EMALFORMED;
        }
    }
    return 0;
}

/* Runs one row through the checks every source shares (column count,
 * UTF-8, an exact duplicate of an earlier row in the mapped columns) and
 * then the source's row function. */
static int import_record(import_run_t *run, const import_source_t *src,
                         import_csv_t *csv, size_t header_fields,
                         const size_t *col)
{
    char *f[IMPORT_COLUMNS_MAX];
    size_t lens[IMPORT_COLUMNS_MAX];
    import_seen_entry_t *e;
    bool added;
    int rc;

    if (csv->nfields != header_fields)
        return import_skip_row(run, IMPORT_SKIP_COLUMNS);
    for (size_t i = 0; i < csv->nfields; i++)
        if (!fh_utf8_valid(import_csv_field(csv, i),
                           import_csv_field_len(csv, i)))
            return import_skip_row(run, IMPORT_SKIP_ENCODING);
    for (size_t i = 0; i < src->ncolumns; i++) {
        f[i] = import_csv_field(csv, col[i]);
        lens[i] = import_csv_field_len(csv, col[i]);
    }
    run->row_hash = hash_fields(f, lens, src->ncolumns);
    rc = import_seen_get(&run->rows, run->row_hash, &e, &added);
    if (rc < 0)
        return rc;
    if (!added)
        return import_skip_row(run, IMPORT_SKIP_DUPLICATE_ROW);
    return src->row(run, f);
}

/* Forgets what one file's import learnt, so that nothing survives a
 * rolled-back transaction. */
static void run_reset(import_run_t *run)
{
    import_seen_free(&run->rows);
    import_seen_free(&run->postings);
    run->nclients = 0;
    run->record = 0;
}

/* Describes a failed import of one file into err. */
static void failure_text(int rc, const import_csv_t *csv, db_t *db,
                         char *err, size_t err_size)
{
    if (rc == FH_ENOMEM)
        snprintf(err, err_size, "out of memory");
    else if (rc == FH_EMALFORMED && csv->error)
        snprintf(err, err_size, "line %zu: %s", csv->error_line, csv->error);
    else
        snprintf(err, err_size, "database %s (%s) at line %zu",
                 fh_err_name(rc), db_errmsg(db), csv->record_line);
}

/* Runs the source's prepass over a reader of its own. */
static int prepass_run(import_run_t *run, const import_source_t *src,
                       const import_csv_t *csv, const size_t *col,
                       char *err, size_t err_size)
{
    import_csv_t pre;
    int rc;

    import_csv_init(&pre, csv->data, csv->len);
    rc = import_csv_next(&pre);  /* the header, read before */
    if (rc == 1)
        rc = src->prepass(run, &pre, col);
    if (rc < 0)
        failure_text(rc, &pre, run->db, err, err_size);
    import_csv_cleanup(&pre);
    return rc;
}

/* Imports one file in one transaction. Returns 0, or a negative fh_err
 * with the reason in err (and nothing of the file kept). */
static int import_file(import_run_t *run, const char *dir,
                       const import_source_t *src, import_stats_t *stats,
                       char *err, size_t err_size)
{
    char path[4096], *data = NULL;
    size_t len = 0, col[IMPORT_COLUMNS_MAX], header_fields, bom;
    import_csv_t csv;
    int rc;

    snprintf(path, sizeof(path), "%s/%s", dir, src->file);
    rc = file_load(path, &data, &len, err, err_size);
    if (rc < 0)
        return rc;
    bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    import_csv_init(&csv, data + bom, len - bom);
    run_reset(run);
    run->stats = stats;

    rc = import_csv_next(&csv);
    if (rc <= 0) {
        if (rc == 0)
            snprintf(err, err_size, "the file is empty");
        else
            failure_text(rc, &csv, run->db, err, err_size);
        rc = rc == 0 ? FH_EMALFORMED : rc;
        goto out;
    }
    header_fields = csv.nfields;
    rc = header_map(src, &csv, col, err, err_size);
    if (rc == 0 && src->prepass)
        rc = prepass_run(run, src, &csv, col, err, err_size);
    if (rc < 0)
        goto out;

    rc = db_begin(run->db);
    if (rc < 0) {
        failure_text(rc, &csv, run->db, err, err_size);
        goto out;
    }
    for (run->record = 0; (rc = import_csv_next(&csv)) == 1; run->record++) {
        stats->read++;
        rc = import_record(run, src, &csv, header_fields, col);
        if (rc < 0)
            break;
        if (rc == IMPORT_ADDED)
            stats->imported++;
        else if (rc == IMPORT_PRESENT)
            stats->present++;
        else
            stats->skipped[run->skip]++;
        if (stats->read % IMPORT_PROGRESS_EVERY == 0)
            progress(run, src->file, csv.pos, csv.len);
    }
    if (rc == 0)
        rc = db_commit(run->db);
    if (rc < 0) {
        failure_text(rc, &csv, run->db, err, err_size);
        db_rollback(run->db);
        goto out;
    }
    progress(run, src->file, csv.len, csv.len);

out:
    import_csv_cleanup(&csv);
    free(data);
    return rc;
}

/* ---- the summary ---- */

static void stats_add(import_stats_t *total, const import_stats_t *s)
{
    total->read += s->read;
    total->imported += s->imported;
    total->present += s->present;
    total->repaired += s->repaired;
    for (int i = 0; i < IMPORT_SKIP_COUNT; i++)
        total->skipped[i] += s->skipped[i];
}

/* One line: "NAME: R rows read, I imported, P already present, S skipped
 * (reason: n, ...)". */
static void stats_print(const char *name, const import_stats_t *s)
{
    int64_t skipped = 0;
    const char *sep = " (";

    for (int i = 0; i < IMPORT_SKIP_COUNT; i++)
        skipped += s->skipped[i];
    printf("%s: %lld rows read, %lld imported, %lld already present, "
           "%lld skipped", name, (long long)s->read, (long long)s->imported,
           (long long)s->present, (long long)skipped);
    for (int i = 0; i < IMPORT_SKIP_COUNT; i++) {
        if (s->skipped[i] == 0)
            continue;
        printf("%s%s: %lld", sep, skip_names[i], (long long)s->skipped[i]);
        sep = ", ";
    }
    if (skipped > 0)
        printf(")");
    if (s->repaired > 0)
        printf("; %lld truncated budgets repaired from the description",
               (long long)s->repaired);
    printf("\n");
}

/* ---- the command ---- */

static bool is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* DIR, else ../shared/data, else $FH_SHARED_DATA; NULL when none exists,
 * with the reason printed. */
static const char *data_dir(int argc, char **argv)
{
    const char *env = getenv("FH_SHARED_DATA");

    if (argc >= 1) {
        if (is_dir(argv[0]))
            return argv[0];
        fprintf(stderr, "import: data directory %s not found\n", argv[0]);
        return NULL;
    }
    if (is_dir("../shared/data"))
        return "../shared/data";
    if (env && env[0] && is_dir(env))
        return env;
    if (env && env[0])
        fprintf(stderr, "import: data directory not found: neither "
                        "../shared/data nor FH_SHARED_DATA=%s exists\n", env);
    else
        fprintf(stderr, "import: data directory not found: ../shared/data "
                        "does not exist and FH_SHARED_DATA is not set\n");
    return NULL;
}

/* Checks that every file is there before anything is imported. */
static bool files_present(const char *dir)
{
    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, import_sources[i]->file);
        if (access(path, R_OK) < 0) {
            fprintf(stderr, "import: cannot read %s: %s\n", path,
                    strerror(errno));
            return false;
        }
    }
    return true;
}

int import_main(const config_t *cfg, int argc, char **argv)
{
    import_stats_t stats[IMPORT_SOURCE_COUNT] = {0}, total = {0};
    import_run_t run = {0};
    bool failed[IMPORT_SOURCE_COUNT] = {false};
    int code = 0;
    const char *dir;
    char err[512];
    double started = fh_mono_ms();

    if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
        fprintf(stderr, "usage: freelance-hub import [DIR]\n");
        return 2;
    }
    dir = data_dir(argc, argv);
    if (dir == NULL || !files_present(dir))
        return 1;
    if (db_open(cfg->database_url, &run.db) < 0) {
        fprintf(stderr, "import: cannot open the database\n");
        return 1;
    }
    run.now = fh_now();
    run.tty = isatty(STDERR_FILENO);

    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        const import_source_t *src = import_sources[i];
        double t0 = fh_mono_ms();
        if (import_file(&run, dir, src, &stats[i], err, sizeof(err)) < 0) {
            if (run.tty)
                fprintf(stderr, "\r\033[K");
            fprintf(stderr, "import: %s: %s; nothing from this file was "
                            "kept\n", src->file, err);
            failed[i] = true;
            code = 1;
            continue;
        }
        if (!run.tty)
            fprintf(stderr, "import: %s: %lld rows in %.1f s\n", src->file,
                    (long long)stats[i].read, (fh_mono_ms() - t0) / 1000);
    }
    if (run.tty)
        fprintf(stderr, "\r\033[K");

    for (size_t i = 0; i < IMPORT_SOURCE_COUNT; i++) {
        if (failed[i]) {
            printf("%s: failed, nothing imported\n", import_sources[i]->file);
            continue;
        }
        stats_print(import_sources[i]->file, &stats[i]);
        stats_add(&total, &stats[i]);
    }
    stats_print("total", &total);
    printf("took %.1f s\n", (fh_mono_ms() - started) / 1000);

    run_reset(&run);
    free(run.clients);
    db_close(run.db);
    return code;
}
