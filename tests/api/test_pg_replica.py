"""A streaming replica (tests/pg/replica) of a throwaway primary
(tests/pg/cluster): it is made with pg_basebackup over the primary's unix
socket, replays the primary's writes, and refuses writes of its own. Needs
PostgreSQL's server binaries; skipped without them."""
import glob
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import BIN, SOURCE_DIR, main

CLUSTER = os.path.join(SOURCE_DIR, "tests", "pg", "cluster")
REPLICA = os.path.join(SOURCE_DIR, "tests", "pg", "replica")
PG_FOUND = bool(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"))
SKIP = "PostgreSQL's server binaries are not installed (scripts/install-deps)"


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


@unittest.skipUnless(PG_FOUND, SKIP)
class ReplicaTest(unittest.TestCase):
    """One primary with a seeded database and one replica of it."""

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


if __name__ == "__main__":
    main()
