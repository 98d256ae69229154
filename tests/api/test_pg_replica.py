"""A streaming replica (tests/pg/replica) of a throwaway primary
(tests/pg/cluster): it is made with pg_basebackup over the primary's unix
socket, replays the primary's writes, and refuses writes of its own. Then
a server with DATABASE_READ_URL pointing at it: reads go to the replica
(the access log's db field says which served each request) only when it has
replayed every write, so no caller reads stale data after its own write and
the cache is never filled from a lagging replica. Needs PostgreSQL's server
binaries; skipped without them."""
import glob
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import BIN, ENGINE, SOURCE_DIR, ApiTest, Server, main

CLUSTER = os.path.join(SOURCE_DIR, "tests", "pg", "cluster")
REPLICA = os.path.join(SOURCE_DIR, "tests", "pg", "replica")
PG_FOUND = bool(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
SKIP = "PostgreSQL's server binaries are not installed (scripts/install-deps)"
# The tests start clusters of their own: the pass with FH_TEST_PG set would
# only repeat them.
if ENGINE == "postgres":
    PG_FOUND, SKIP = False, "starts its own clusters; run in the SQLite pass"


def url(host, port, dbname="fh"):
    return "postgresql:///%s?host=%s&port=%s&user=postgres" % (dbname, host, port)


def psql(target, sql, check=True):
    """Runs sql against target (a URL); returns (returncode, stdout, stderr)."""
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                        target, "-c", sql],
                       capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError("psql failed: %s\n%s" % (p.stderr, sql))
    return p.returncode, p.stdout.strip(), p.stderr


def wait_for(fn, want, timeout=15):
    """Polls fn() until it returns want; returns the last value."""
    deadline = time.time() + timeout
    got = fn()
    while got != want and time.time() < deadline:
        time.sleep(0.05)
        got = fn()
    return got


class ReplicaCluster:
    """One primary with a seeded database and one replica of it, for the
    test class it is mixed into."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fh-replica-")
        os.chmod(cls.dir, 0o755)  # the clusters run as postgres under root
        cls.primary_dir = os.path.join(cls.dir, "primary")
        cls.replica_dir = os.path.join(cls.dir, "replica")
        subprocess.run([CLUSTER, "start", cls.primary_dir], check=True,
                       capture_output=True, timeout=120)
        cls.primary = url(cls.primary_dir, 5432)
        psql(url(cls.primary_dir, 5432, "postgres"), "CREATE DATABASE fh")
        env = dict(os.environ, DATABASE_URL=cls.primary, LOG_LEVEL="warning")
        subprocess.run([BIN, "seed", "--jobs", "30", "--now", "2025-06-01"],
                       env=env, check=True, capture_output=True, timeout=300)
        p = subprocess.run([REPLICA, "start", cls.replica_dir, cls.primary_dir,
                            "5432"], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise AssertionError("replica start failed: " + p.stderr)
        cls.replica_port = int(p.stdout.strip())
        cls.replica = url(cls.replica_dir, cls.replica_port)

    @classmethod
    def tearDownClass(cls):
        subprocess.run([REPLICA, "stop", cls.replica_dir], capture_output=True,
                       timeout=60)
        subprocess.run([CLUSTER, "destroy", cls.primary_dir], capture_output=True,
                       timeout=60)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def replica_value(self, sql):
        rc, out, _ = psql(self.replica, sql, check=False)
        return out if rc == 0 else None


@unittest.skipUnless(PG_FOUND, SKIP)
class ReplicaTest(ReplicaCluster, unittest.TestCase):
    def test_replica_starts_with_the_seeded_rows(self):
        self.assertEqual(self.replica_value("SELECT count(*) FROM freelance_job_postings"),
                         "30")

    def test_replica_is_a_streaming_standby(self):
        self.assertEqual(self.replica_value("SELECT pg_is_in_recovery()"), "t")
        _, out, _ = psql(url(self.primary_dir, 5432, "postgres"),
                         "SELECT count(*) FROM pg_stat_replication"
                         " WHERE state = 'streaming'")
        self.assertEqual(out, "1")

    def test_replica_replays_the_primarys_writes(self):
        for i in range(5):
            title = "Replayed write %d" % i
            psql(self.primary, "UPDATE freelance_job_postings SET title = '%s'"
                               " WHERE id = 3" % title)
            got = wait_for(lambda: self.replica_value(
                "SELECT title FROM freelance_job_postings WHERE id = 3"), title)
            self.assertEqual(got, title)
        psql(self.primary, "CREATE TABLE replica_probe (x int);"
                           " INSERT INTO replica_probe VALUES (42)")
        self.assertEqual(wait_for(lambda: self.replica_value(
            "SELECT x FROM replica_probe"), "42"), "42")

    def test_replica_refuses_writes(self):
        rc, _, err = psql(self.replica, "UPDATE freelance_job_postings SET title = 'x'"
                                        " WHERE id = 1", check=False)
        self.assertNotEqual(rc, 0)
        self.assertIn("read-only transaction", err)


def served_by(srv, request_id):
    """The db field of the access line of the request with this id."""
    srv.settle_log()
    for line in srv.log().splitlines():
        if "msg=request " in line and "request_id=%s " % request_id in line:
            for part in line.split():
                if part.startswith("db="):
                    return part[3:]
    raise AssertionError("no access line for " + request_id)


@unittest.skipUnless(PG_FOUND, SKIP)
class ReadRoutingTest(ReplicaCluster, unittest.TestCase):
    """A server on the primary with DATABASE_READ_URL on the replica."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.srv = Server(db_url=cls.primary,
                             env={"DATABASE_READ_URL": cls.replica}).start()
        except Exception:
            super().tearDownClass()
            raise
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        try:
            cls.srv.stop()
            ApiTest.check_log_clean(cls.srv)
        finally:
            cls.srv.cleanup()
            super().tearDownClass()

    def get(self, path, user=None):
        """GET path with a fresh request id; returns (response, db field)."""
        ReadRoutingTest.counter += 1
        rid = "replica-test-%d-%d" % (os.getpid(), self.counter)
        r = self.srv.get(path, user=user, headers={"X-Request-Id": rid})
        self.assertEqual(r.status, 200, r)
        return r, served_by(self.srv, rid)

    def replica_sql(self, sql):
        psql(self.replica, sql)

    def wait_replayed(self):
        """Waits until the replica has replayed all the primary wrote."""
        lsn = psql(self.primary, "SELECT pg_current_wal_insert_lsn()")[1]
        self.assertEqual(wait_for(lambda: self.replica_value(
            "SELECT pg_last_wal_replay_lsn() >= '%s'" % lsn), "t"), "t")

    def test_reads_with_nothing_to_replay_are_served_by_the_replica(self):
        # A read goes to the replica when it has replayed the primary's WAL
        # as of the read's start; the primary's own background records
        # (pruning, autovacuum, checkpoints) can land between the wait and
        # the read, so each try waits again and asks for a new page.
        served = []
        for page in range(1, 31):
            self.wait_replayed()
            served.append(self.get("/jobs/search?page=%d&page_size=3" % page)[1])
            if served[-1] == "replica":
                break
        self.assertIn("replica", served)
        r, db = self.get("/jobs/search?page=%d&page_size=3" % page)
        self.assertEqual((r.header("x-cache"), db), ("HIT", "none"))

    def test_caller_never_reads_stale_after_its_own_write(self):
        c = self.srv.client()
        job = self.srv.job(c)
        served = []
        for i in range(30):
            word = "ownwrite%dr%d" % (os.getpid(), i)
            title = "Own write " + word
            r = self.srv.patch("/jobs/%d" % job["id"], {"title": title}, user=c)
            self.assertEqual(r.status, 200, r)
            for user in (c, None):
                r, db = self.get("/jobs/%d" % job["id"], user=user)
                self.assertEqual(r.data["title"], title, (i, db))
                served.append(db)
        self.assertTrue(set(served) <= {"replica", "primary", "none"}, served)
        # Once the replica has replayed the last write, it serves the
        # caller's reads, fresh. The primary's own background writes
        # (autovacuum, checkpoints) may move its WAL on between the wait and
        # the read and send that read to the primary: a few tries, each a
        # new cache key, every answer fresh.
        served = []
        for size in range(1, 21):
            self.wait_replayed()
            r, db = self.get("/jobs/search?q=%s&page_size=%d" % (word, size),
                             user=c)
            self.assertEqual([j["id"] for j in r.items], [job["id"]])
            served.append(db)
            if db == "replica":
                break
        self.assertIn("replica", served)

    def test_lagging_replica_is_neither_read_nor_cached_from(self):
        c = self.srv.client()
        job = self.srv.job(c)
        self.get("/jobs/%d" % job["id"])  # cached before the write
        self.replica_sql("SELECT pg_wal_replay_pause()")
        try:
            r = self.srv.patch("/jobs/%d" % job["id"], {"title": "While paused"},
                               user=c)
            self.assertEqual(r.status, 200, r)
            for _ in range(3):
                r, db = self.get("/jobs/%d" % job["id"])
                self.assertEqual(r.data["title"], "While paused")
                self.assertIn(db, ("primary", "none"))
            # The replica still has the old title: had it served the read
            # above, the cache would now hold it.
            self.assertNotEqual(self.replica_value(
                "SELECT title FROM freelance_job_postings WHERE id = %d" % job["id"]),
                "While paused")
        finally:
            self.replica_sql("SELECT pg_wal_replay_resume()")
        r, _ = self.get("/jobs/%d" % job["id"])
        self.assertEqual(r.data["title"], "While paused")


@unittest.skipUnless(PG_FOUND, SKIP)
class UnusableReplicaTest(unittest.TestCase):
    """A DATABASE_READ_URL that cannot serve (no server there, or a server
    that is no standby) leaves every read on the primary."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fh-noreplica-")
        os.chmod(cls.dir, 0o755)
        cls.primary_dir = os.path.join(cls.dir, "primary")
        subprocess.run([CLUSTER, "start", cls.primary_dir], check=True,
                       capture_output=True, timeout=120)
        cls.primary = url(cls.primary_dir, 5432)
        psql(url(cls.primary_dir, 5432, "postgres"), "CREATE DATABASE fh")

    @classmethod
    def tearDownClass(cls):
        subprocess.run([CLUSTER, "destroy", cls.primary_dir], capture_output=True,
                       timeout=60)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def check_reads_stay_on_primary(self, read_url):
        srv = Server(db_url=self.primary, env={"DATABASE_READ_URL": read_url}).start()
        try:
            for page in range(1, 4):
                rid = "noreplica-%d-%d" % (os.getpid(), page)
                r = srv.get("/jobs/search?page=%d" % page,
                            headers={"X-Request-Id": rid})
                self.assertEqual(r.status, 200, r)
                self.assertEqual(served_by(srv, rid), "primary")
            srv.stop()
            ApiTest.check_log_clean(srv)
            return srv.log()
        finally:
            srv.cleanup()

    def test_unreachable_replica_is_logged_and_reads_go_to_primary(self):
        log = self.check_reads_stay_on_primary(
            url(os.path.join(self.dir, "nowhere"), 5432))
        self.assertGreaterEqual(log.count("replica unavailable"), 1)

    def test_primary_named_as_replica_is_never_read(self):
        self.check_reads_stay_on_primary(self.primary)


if __name__ == "__main__":
    main()
