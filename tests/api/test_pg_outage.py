"""PostgreSQL stopped under load: every answer meanwhile is a 503 with the
JSON error, none waits past the pool timeout by much, /readyz says 503, the
server does not crash, and service comes back by itself within seconds of
the database's return. The test runs a cluster of its own, so that
stopping it disturbs no other test."""
import os
import re
import subprocess
import tempfile
import threading
import time
import unittest

from harness import ENGINE, SOURCE_DIR, ApiTest, Server, main

CLUSTER = os.path.join(SOURCE_DIR, "tests", "pg", "cluster")
POOL_TIMEOUT_MS = 1000
WORKERS = 6
MAX_REQUESTS = 3000  # per worker: a bound on the load whatever happens


def cluster(cmd, path):
    return subprocess.run([CLUSTER, cmd, path], capture_output=True, text=True,
                          check=True, timeout=120).stdout.strip()


@unittest.skipUnless(ENGINE == "postgres", "stops a PostgreSQL cluster")
class PostgresOutageTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.cdir = tempfile.mkdtemp(prefix="fh-pg-outage-")
        socket_dir = cluster("start", cls.cdir)
        psql_url = "postgresql:///fh?host=%s&user=postgres" % socket_dir
        subprocess.run(["psql", "-X", "-q", "postgresql:///postgres?host=%s"
                        "&user=postgres" % socket_dir, "-c", "CREATE DATABASE fh"],
                       check=True, capture_output=True, timeout=60)
        cls.srv = Server(db_url=psql_url, env={
            "CACHE_ENABLED": "false", "THREADS": "4", "DB_POOL_SIZE": "4",
            "DB_POOL_TIMEOUT_MS": str(POOL_TIMEOUT_MS)}).start()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            cluster("destroy", cls.cdir)

    def load(self, paths, stop, results):
        """Sends GETs in turn until stop is set; records (status, code,
        seconds) of each."""
        for i in range(MAX_REQUESTS):
            if stop.is_set():
                return
            t0 = time.monotonic()
            try:
                r = self.srv.fresh_request("GET", paths[i % len(paths)])
                code = (r.json or {}).get("error", {}).get("code")
                results.append((r.status, code, time.monotonic() - t0))
            except OSError as e:  # the server refusing would be a failure
                results.append((0, repr(e), time.monotonic() - t0))

    def ready(self):
        return self.srv.request("GET", "/readyz", base=False)

    def test_stop_under_load_gives_503_and_recovers_by_itself(self):
        c = self.srv.client()
        job = self.srv.job(c)
        paths = ["/jobs/%d" % job["id"], "/jobs/search", "/categories"]
        self.assertStatus(self.ready(), 200)

        stop, results = threading.Event(), []
        workers = [threading.Thread(target=self.load, args=(paths, stop, results))
                   for _ in range(WORKERS)]
        for w in workers:
            w.start()
        try:
            time.sleep(0.5)
            cluster("stop", self.cdir)  # pg_ctl stop -m fast, under load
            stopped_at = len(results)
            time.sleep(2.0)
            r = self.ready()
            self.assertStatus(r, 503, "service_unavailable")
            during = results[stopped_at:]
            r = self.srv.get("/jobs/%d" % job["id"])
            self.assertStatus(r, 503, "service_unavailable")
            self.assertIsNone(self.srv.proc.poll(), "the server exited")

            cluster("start", self.cdir)
            deadline = time.monotonic() + 10
            while self.ready().status != 200:
                self.assertLess(time.monotonic(), deadline,
                                "no recovery within 10 s of the restart")
                time.sleep(0.1)
            recovered_at = len(results)
            time.sleep(1.0)
        finally:
            stop.set()
            for w in workers:
                w.join(60)

        # While it was down: only 503s with the JSON error, none slow.
        outage = [x for x in during if x[0] != 200]
        self.assertTrue(outage, "no request met the outage")
        for status, code, secs in during:
            self.assertIn(status, (200, 503), (status, code))
            if status == 503:
                self.assertEqual(code, "service_unavailable")
            self.assertLess(secs, POOL_TIMEOUT_MS / 1000 + 2.0)
        # Once back (the time for the pool to replace its connections
        # aside): everything answers again.
        after = results[recovered_at:]
        self.assertTrue(after)
        self.assertTrue(all(s == 200 for s, _, _ in after[len(after) // 2:]),
                        after[-10:])
        r = self.srv.get("/jobs/%d" % job["id"])
        self.assertStatus(r, 200)
        # Writes work again too.
        self.srv.job(c)


@unittest.skipUnless(ENGINE == "postgres", "the pool is PostgreSQL's")
class PoolTimeoutTest(ApiTest):
    """One pooled connection, held by a write that waits for the write lock
    (taken here from outside): a read waits DB_POOL_TIMEOUT_MS for the pool,
    then answers 503 with the JSON error; the wait shows in /metrics."""
    server_env = {"CACHE_ENABLED": "false", "DB_POOL_SIZE": "1",
                  "DB_POOL_TIMEOUT_MS": "500"}

    def test_a_read_waits_for_the_pool_then_gets_503(self):
        c = self.srv.client()
        job = self.srv.job(c)
        dbname = self.srv.db_url.split("/")[3].split("?")[0]
        holder = subprocess.Popen(
            ["psql", "-X", "-q", "postgresql:///%s?host=%s&user=postgres"
             % (dbname, os.environ["FH_TEST_PG"]), "-c",
             "SELECT pg_advisory_lock(1179123713); SELECT pg_sleep(4);"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        writer = None
        try:
            time.sleep(0.5)  # the lock is held
            out = {}
            writer = threading.Thread(target=lambda: out.update(r=self.srv.fresh_request(
                "PATCH", "/jobs/%d" % job["id"], {"title": "Waited for the lock"},
                user=c)))
            writer.start()
            time.sleep(0.5)  # the write holds the one connection, waiting
            t0 = time.monotonic()
            r = self.srv.fresh_request("GET", "/jobs/%d" % job["id"])
            waited = time.monotonic() - t0
            self.assertStatus(r, 503, "service_unavailable")
            self.assertGreaterEqual(waited, 0.45)
            self.assertLess(waited, 2.5)
        finally:
            holder.wait(30)
            if writer:
                writer.join(30)
        self.assertStatus(out["r"], 200)  # the write went through in the end
        text = self.srv.get("/metrics", base=False).body.decode()
        m = re.search(r"^fh_db_pool_timeouts_total (\d+)$", text, re.M)
        self.assertGreaterEqual(int(m.group(1)), 1)
        m = re.search(r"^fh_db_pool_wait_seconds_count (\d+)$", text, re.M)
        self.assertGreaterEqual(int(m.group(1)), 1)
        self.assertRegex(text, r'fh_db_connections\{state="idle"\} 1')
        self.assertStatus(self.srv.get("/jobs/%d" % job["id"]), 200)


if __name__ == "__main__":
    main()
