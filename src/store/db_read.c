/* Each worker thread keeps one connection of its own to the replica, opened
 * on first use, as SQLite connections are kept: a read runs on it only
 * within one request on that thread, so no pool is needed.
 *
 * A read may go to the replica when the replica's replay position is at
 * or past the primary's WAL insert position, asked of the primary when the
 * read begins: every write committed before then (by this instance, another
 * one, or the caller itself) is visible there. The insert position, not
 * the write or flush one, counts the commits that asynchronous commit has
 * not yet written out. A write that commits later moves its cache tags
 * after this request looked its entry up, so what the request stores is
 * already outdated and never served.
 *
 * LIMITATION: every read asks the primary for its WAL position first, one
 * small query, so the primary still sees one round trip per read; and
 * while writes keep coming faster than the replica replays them, reads
 * fall back to the primary. Costs primary capacity under steady writes;
 * sharing the last write's position (through Redis) would avoid both. */
#include "store/db_read.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"

#define READ_RETRY_MS 1000.0  /* between attempts on an unreachable replica */

static const char *sql_primary_lsn = "SELECT pg_current_wal_insert_lsn()::text";
/* NULL when the server is not a standby: such a server is never used. */
static const char *sql_replica_lsn = "SELECT pg_last_wal_replay_lsn()::text";

/* The replica connection of one thread. */
typedef struct read_conn {
    db_t *db;                 /* NULL until opened, or after a failure */
    uint64_t replayed;        /* its replay position when last asked */
    double failed_ms;         /* when it last failed; 0 while healthy */
    struct read_conn *next;   /* every thread's, for the teardown */
} read_conn_t;

static char read_url[1024];
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static read_conn_t *conns;
static _Thread_local read_conn_t *thread_conn;

int db_read_setup(const char *url)
{
    if (url == NULL || url[0] == '\0') {
        read_url[0] = '\0';
        return 0;
    }
    if (strncmp(url, "postgresql://", 13) != 0 &&
        strncmp(url, "postgres://", 11) != 0)
        return FH_EINVAL;
    snprintf(read_url, sizeof(read_url), "%s", url);
    return 0;
}

bool db_read_enabled(void)
{
    return read_url[0] != '\0';
}

/* "16/B374D848" as one 64-bit position. */
static bool lsn_parse(const char *s, uint64_t *out)
{
    unsigned int hi, lo;
    char extra;

    if (s == NULL || sscanf(s, "%X/%X%c", &hi, &lo, &extra) != 2)
        return false;
    *out = (uint64_t)hi << 32 | lo;
    return true;
}

/* Runs sql, which returns one position, on db. */
static int lsn_query(db_t *db, const char *sql, uint64_t *out)
{
    db_stmt_t *st;
    int rc = db_prepare(db, sql, &st);

    if (rc < 0)
        return rc;
    rc = db_step(st);
    if (rc == 1)
        rc = lsn_parse(db_col_text(st, 0), out) ? 0 : FH_EUNAVAILABLE;
    else if (rc == 0)
        rc = FH_EDB;
    db_reset(st);
    return rc;
}

static read_conn_t *conn_of_thread(void)
{
    read_conn_t *c = thread_conn;

    if (c != NULL)
        return c;
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    pthread_mutex_lock(&conns_lock);
    c->next = conns;
    conns = c;
    pthread_mutex_unlock(&conns_lock);
    thread_conn = c;
    return c;
}

/* Drops the connection after a failure; one warning per outage. */
static void conn_fail(read_conn_t *c, int rc)
{
    if (c->failed_ms == 0)
        log_warn("replica unavailable, reading from the primary",
                 "s:error", fh_err_name(rc));
    db_close(c->db);
    c->db = NULL;
    c->failed_ms = fh_mono_ms();
}

/* Opens the thread's connection when it has none and may try. */
static bool conn_ready(read_conn_t *c)
{
    int rc;

    if (c->db != NULL)
        return true;
    if (c->failed_ms > 0 && fh_mono_ms() - c->failed_ms < READ_RETRY_MS)
        return false;
    rc = db_open(read_url, &c->db);
    if (rc < 0) {
        c->db = NULL;
        conn_fail(c, rc);
        return false;
    }
    if (c->failed_ms > 0)
        log_info("replica reachable again");
    c->failed_ms = 0;
    c->replayed = 0;
    return true;
}

db_t *db_read_choose(db_t *primary)
{
    read_conn_t *c;
    uint64_t need;
    int rc;

    if (!db_read_enabled() || (c = conn_of_thread()) == NULL ||
        !conn_ready(c))
        return NULL;
    if (lsn_query(primary, sql_primary_lsn, &need) < 0)
        return NULL;
    if (c->replayed < need) {
        rc = lsn_query(c->db, sql_replica_lsn, &c->replayed);
        if (rc < 0) {
            conn_fail(c, rc);
            return NULL;
        }
    }
    return c->replayed >= need ? c->db : NULL;
}

void db_read_teardown(void)
{
    pthread_mutex_lock(&conns_lock);
    while (conns != NULL) {
        read_conn_t *c = conns;
        conns = c->next;
        db_close(c->db);
        free(c);
    }
    pthread_mutex_unlock(&conns_lock);
}
