"""The PostgreSQL connection pool under trouble. The database stopped under
load: every answer meanwhile is a 503 with the JSON error, none waits past
the pool timeout by much, /readyz says 503, the server does not crash, and
service comes back by itself within seconds of the database's return (on a
cluster of its own, so that stopping it disturbs no other test). A pool
held by a waiting write: reads wait the pool timeout, then 503, and a token
that could not be looked up costs no one a rate-limit token. Clients that
read their answers slowly hold no pooled connection."""
import contextlib
import os
import re
import socket
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


@contextlib.contextmanager
def only_connection_held(srv, client, job_id):
    """Within the block, the server's one pooled connection is held by a
    write of client's that waits for the write lock, taken here from
    outside for four seconds. On leaving, waits for that write and checks
    that it went through."""
    dbname = srv.db_url.split("/")[3].split("?")[0]
    holder = subprocess.Popen(
        ["psql", "-X", "-q", "postgresql:///%s?host=%s&user=postgres"
         % (dbname, os.environ["FH_TEST_PG"]), "-c",
         "SELECT pg_advisory_lock(1179123713); SELECT pg_sleep(4);"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out, writer = {}, None
    try:
        time.sleep(0.5)  # the lock is held
        writer = threading.Thread(target=lambda: out.update(r=srv.fresh_request(
            "PATCH", "/jobs/%d" % job_id, {"title": "Waited for the lock"},
            user=client)))
        writer.start()
        time.sleep(0.5)  # the write holds the one connection, waiting
        yield
    finally:
        holder.wait(30)
        if writer:
            writer.join(30)
    if out["r"].status != 200:  # the write went through in the end
        raise AssertionError("the waiting write failed: %r" % out["r"])


@unittest.skipUnless(ENGINE == "postgres", "the pool is PostgreSQL's")
class PoolTimeoutTest(ApiTest):
    """One pooled connection, held by a write that waits for the write lock:
    a read waits DB_POOL_TIMEOUT_MS for the pool, then answers 503 with the
    JSON error; the wait shows in /metrics."""
    server_env = {"CACHE_ENABLED": "false", "DB_POOL_SIZE": "1",
                  "DB_POOL_TIMEOUT_MS": "500"}

    def test_a_read_waits_for_the_pool_then_gets_503(self):
        c = self.srv.client()
        job = self.srv.job(c)
        with only_connection_held(self.srv, c, job["id"]):
            t0 = time.monotonic()
            r = self.srv.fresh_request("GET", "/jobs/%d" % job["id"])
            waited = time.monotonic() - t0
            self.assertStatus(r, 503, "service_unavailable")
            self.assertGreaterEqual(waited, 0.45)
            self.assertLess(waited, 2.5)
        text = self.srv.get("/metrics", base=False).body.decode()
        m = re.search(r"^fh_db_pool_timeouts_total (\d+)$", text, re.M)
        self.assertGreaterEqual(int(m.group(1)), 1)
        m = re.search(r"^fh_db_pool_wait_seconds_count (\d+)$", text, re.M)
        self.assertGreaterEqual(int(m.group(1)), 1)
        self.assertRegex(text, r'fh_db_connections\{state="idle"\} 1')
        self.assertStatus(self.srv.get("/jobs/%d" % job["id"]), 200)


@unittest.skipUnless(ENGINE == "postgres", "the pool is PostgreSQL's")
class UnavailableLookupTest(ApiTest):
    """A token that cannot be looked up because the database is busy gets
    a 503 and costs nobody a token: neither the address it came from nor
    anyone else. Only a token found to be bad is charged to its address."""
    server_env = {"CACHE_ENABLED": "false", "DB_POOL_SIZE": "1",
                  "DB_POOL_TIMEOUT_MS": "300", "RATE_LIMIT_ENABLED": "true",
                  "RATE_LIMIT_STANDARD": "3", "RATE_LIMIT_AUTH": "100000"}

    def test_a_lookup_that_could_not_run_is_not_charged(self):
        c = self.srv.client()
        job = self.srv.job(c)

        def bad_token_get(i):
            return self.srv.get("/jobs/%d" % job["id"],
                                headers={"Authorization": "Bearer nope%d" % i})
        with only_connection_held(self.srv, c, job["id"]):
            for i in range(3):
                self.assertStatus(bad_token_get(i), 503, "service_unavailable")
        codes = [bad_token_get(i).status for i in range(4)]
        self.assertEqual(codes, [401, 401, 401, 429])


@unittest.skipUnless(ENGINE == "postgres", "the pool is PostgreSQL's")
class SlowReaderTest(ApiTest):
    """A client that sends a request and then reads its answer slowly (or
    never) holds no pooled connection: the connection goes back as soon as
    the answer is built, not when its last byte is sent. With one pooled
    connection and three such clients, other requests are still served."""
    server_env = {"CACHE_ENABLED": "false", "THREADS": "2", "DB_POOL_SIZE": "1",
                  "DB_POOL_TIMEOUT_MS": "500"}

    def slow_reader(self, path):
        """A socket that asked for path with a receive window of a few
        hundred bytes (small segments, a small buffer) and reads nothing."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        s.settimeout(30)
        s.connect(("127.0.0.1", self.srv.port))
        s.sendall(("GET /api/v1/freelance%s HTTP/1.1\r\nHost: t\r\n"
                   "Connection: close\r\n\r\n" % path).encode())
        return s

    def test_unread_answers_hold_no_database_connection(self):
        c = self.srv.client()
        # 60,000 bytes of description: more than the server can hand to the
        # kernel for a reader whose window is this small.
        description = "\u20ac" * 20000
        job = self.srv.job(c, description=description)
        path = "/jobs/%d" % job["id"]
        readers = [self.slow_reader(path) for _ in range(3)]
        try:
            time.sleep(0.5)  # each answer built, and stuck in its socket
            text = self.srv.get("/metrics", base=False).body.decode()
            self.assertRegex(text, r'fh_db_connections\{state="in_use"\} 0\b')
            self.assertRegex(text, r"fh_http_requests_in_flight [34]\b")
            for _ in range(3):
                t0 = time.monotonic()
                self.assertStatus(self.srv.fresh_request("GET", path), 200)
                self.assertLess(time.monotonic() - t0, 0.45)
        finally:
            answers = []
            for s in readers:
                chunks = []
                while True:
                    b = s.recv(65536)
                    if not b:
                        break
                    chunks.append(b)
                s.close()
                answers.append(b"".join(chunks))
        for a in answers:
            self.assertTrue(a.startswith(b"HTTP/1.1 200"), a[:100])
            self.assertIn(description.encode(), a)


if __name__ == "__main__":
    main()
