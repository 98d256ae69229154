#include "store/maintain.h"

#include <string.h>

#include "common/err.h"
#include "common/util.h"

static const char *sql_integrity = "PRAGMA integrity_check";
/* Least used first: the candidates for dropping head the list. */
static const char *sql_pg_index_usage =
    "SELECT relname, indexrelname, idx_scan, pg_relation_size(indexrelid)"
    " FROM pg_stat_user_indexes ORDER BY idx_scan, relname, indexrelname";

/* Runs one statement to its end and reports it. */
static int step_exec(db_t *db, FILE *out, const char *what, const char *sql)
{
    double t = fh_mono_ms();
    int rc = db_exec(db, sql);

    fprintf(out, "%-16s %s in %.0f ms\n", what, rc == 0 ? "done" : "FAILED",
            fh_mono_ms() - t);
    return rc;
}

static int step_integrity(db_t *db, FILE *out)
{
    double t = fh_mono_ms();
    db_stmt_t *st;
    int rc = db_prepare(db, sql_integrity, &st);
    int problems = 0;

    if (rc < 0)
        return rc;
    while ((rc = db_step(st)) == 1) {
        const char *line = db_col_text(st, 0);
        if (line && strcmp(line, "ok") != 0) {
            fprintf(out, "  integrity: %s\n", line);
            problems++;
        }
    }
    db_reset(st);
    fprintf(out, "%-16s %s in %.0f ms\n", "integrity check",
            rc < 0 ? "FAILED" : problems ? "found damage" : "ok",
            fh_mono_ms() - t);
    if (rc < 0)
        return rc;
    return problems ? FH_EDB : 0;
}

/* PostgreSQL counts the scans of each index since its statistics were
 * last reset: one line per index, then the step's own line. */
static int step_index_usage(db_t *db, FILE *out)
{
    double t = fh_mono_ms();
    db_stmt_t *st;
    int rc = db_prepare(db, sql_pg_index_usage, &st);
    int indexes = 0, unused = 0;

    if (rc < 0)
        return rc;
    while ((rc = db_step(st)) == 1) {
        int64_t scans = db_col_int64(st, 2);
        fprintf(out, "  index %s.%s: %lld scans, %lld KiB%s\n",
                db_col_text(st, 0), db_col_text(st, 1), (long long)scans,
                (long long)(db_col_int64(st, 3) / 1024),
                scans == 0 ? " (never scanned)" : "");
        indexes++;
        unused += scans == 0;
    }
    db_reset(st);
    if (rc < 0)
        fprintf(out, "%-16s FAILED in %.0f ms\n", "index usage",
                fh_mono_ms() - t);
    else
        fprintf(out, "%-16s %d indexes, %d never scanned, in %.0f ms\n",
                "index usage", indexes, unused, fh_mono_ms() - t);
    return rc;
}

/* PostgreSQL keeps its indexes and its free space itself (autovacuum);
 * what is left to ask for is fresh statistics, a vacuum when the operator
 * wants one now, and a look at which indexes earn their keep. */
static int maintain_pg(db_t *db, bool vacuum, FILE *out)
{
    int rc = step_exec(db, out, "analyze", "ANALYZE");

    if (rc == 0 && vacuum)
        rc = step_exec(db, out, "vacuum", "VACUUM");
    if (rc == 0)
        rc = step_index_usage(db, out);
    return rc;
}

static int maintain_sqlite(db_t *db, bool vacuum, FILE *out)
{
    int rc;

    rc = step_exec(db, out, "analyze", "ANALYZE");
    if (rc == 0)
        rc = step_exec(db, out, "optimize", "PRAGMA optimize");
    if (rc == 0)
        rc = step_exec(db, out, "fts optimize",
                       "INSERT INTO jobs_fts (jobs_fts) VALUES ('optimize')");
    if (rc == 0)
        rc = step_integrity(db, out);
    if (rc == 0 && vacuum)
        rc = step_exec(db, out, "vacuum", "VACUUM");
    if (rc == 0)
        rc = step_exec(db, out, "wal checkpoint",
                       "PRAGMA wal_checkpoint(TRUNCATE)");
    return rc;
}

int store_maintain(db_t *db, bool vacuum, FILE *out)
{
    double t = fh_mono_ms();
    int rc = db_engine(db) == DB_POSTGRES ? maintain_pg(db, vacuum, out)
                                          : maintain_sqlite(db, vacuum, out);

    fprintf(out, "%-16s %s in %.0f ms\n", "maintenance",
            rc == 0 ? "finished" : "stopped on a failure", fh_mono_ms() - t);
    return rc;
}
