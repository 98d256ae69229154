#include "store/maintain.h"

#include <string.h>

#include "common/err.h"
#include "common/util.h"

static const char *sql_integrity = "PRAGMA integrity_check";

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

int store_maintain(db_t *db, bool vacuum, FILE *out)
{
    double t = fh_mono_ms();
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
    fprintf(out, "%-16s %s in %.0f ms\n", "maintenance",
            rc == 0 ? "finished" : "stopped on a failure", fh_mono_ms() - t);
    return rc;
}
