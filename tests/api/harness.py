"""Starts the real freelance-hub binary on 127.0.0.1 with a temporary
database and speaks HTTP to it. Every API test file builds on this.

    from harness import Server, ApiTest, main

    class JobsTest(ApiTest):
        def test_create(self):
            c = self.srv.client()
            r = self.srv.post("/jobs", {...}, user=c)
            self.assertStatus(r, 201)

    if __name__ == "__main__":
        main()
"""
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import openapi_check

BASE = "/api/v1/freelance"
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("FH_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
BIN = os.environ.get("FH_BIN", os.path.join(SOURCE_DIR, "build", "freelance-hub"))
SHARED_DATA = os.environ.get(
    "FH_SHARED_DATA", os.path.join(os.path.dirname(SOURCE_DIR), "shared", "data"))


# When FH_TEST_PG names the socket directory of a running cluster
# (tests/pg/cluster start DIR), every Server gets a fresh PostgreSQL
# database of its own instead of an SQLite file, dropped after the test.
PG_SOCKET_DIR = os.environ.get("FH_TEST_PG") or None
ENGINE = "postgres" if PG_SOCKET_DIR else "sqlite"


def pg_url(dbname):
    return "postgresql:///%s?host=%s&user=postgres" % (dbname, PG_SOCKET_DIR)


def psql(dbname, sql, csv=False, timeout=120):
    """Runs sql through psql on the test cluster; returns its output."""
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", pg_url(dbname)]
    if csv:
        args.insert(1, "--csv")
    p = subprocess.run(args, input=sql, capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        raise AssertionError("psql failed: %s\n%s" % (p.stderr, sql[:500]))
    return p.stdout


def sql_literal(v):
    """v as an SQL literal (for the test helpers only: never in the server)."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return repr(v)
    return "'" + str(v).replace("'", "''") + "'"


def _inline_params(sql, params):
    """Replaces each ? of sql outside quotes with the next of params."""
    if isinstance(params, dict):
        raise AssertionError("named parameters are not supported")
    params = list(params)
    out, quote, used, i = [], None, 0, 0
    while i < len(sql):
        ch = sql[i]
        i += 1
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            digits = re.match(r"\d*", sql[i:]).group(0)
            i += len(digits)
            n = int(digits) if digits else used + 1
            used = max(used, n)
            out.append(sql_literal(params[n - 1]))
        else:
            out.append(ch)
    return "".join(out)


class PgRow(tuple):
    """A row that reads by position or by column name, like sqlite3.Row."""

    def __new__(cls, values, names):
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._names.index(key))
        return tuple.__getitem__(self, key)

    def keys(self):
        return list(self._names)


class PgCursor:
    def __init__(self, rows, rowcount, lastrowid=None):
        self._rows = rows
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self):
        return self._rows.pop(0) if self._rows else None

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def __iter__(self):
        return iter(self.fetchall())


class PgConnection:
    """Just enough of sqlite3's connection for the tests that look at or
    change the database behind the server: each statement runs through
    psql on its own (autocommit; BEGIN and COMMIT do nothing). Rows come
    back with their JSON types; an INSERT, UPDATE or DELETE reports its
    rowcount and the id of its last row as lastrowid."""

    row_factory = None

    def __init__(self, dbname):
        self.dbname = dbname

    @staticmethod
    def _wrap(sql):
        """sql as a statement that answers its rows as one JSON array."""
        head = sql.lstrip()[:10].upper()
        if head.startswith(("SELECT", "WITH", "VALUES")):
            return ("SELECT COALESCE(json_agg(row_to_json(q)), '[]')"
                    " FROM (%s) q" % sql)
        if head.startswith(("INSERT", "UPDATE", "DELETE")):
            if not re.search(r"(?i)\bRETURNING\b", sql):
                sql += " RETURNING *"
            return ("WITH q AS (%s) SELECT COALESCE(json_agg(row_to_json(q)),"
                    " '[]') FROM q" % sql)
        return None

    def _run(self, statements):
        """Runs statements (already inlined) in one psql call; returns the
        cursor of the last."""
        script, wrapped = [], []
        for sql in statements:
            sql = sql.strip().rstrip(";")
            if re.match(r"(?i)^(BEGIN|COMMIT|ROLLBACK|END)\b", sql):
                continue
            w = self._wrap(sql)
            wrapped.append(w is not None)
            script.append((w or sql) + ";")
        if not script:
            return PgCursor([], -1)
        out = psql(self.dbname, "\n".join(script)).splitlines()
        if not wrapped[-1]:
            return PgCursor([], -1)
        pairs = json.loads(out[-1], object_pairs_hook=list)
        rows = [PgRow([v for _, v in r], [k for k, _ in r]) for r in pairs]
        last = None
        if rows and "id" in rows[-1].keys():
            last = rows[-1]["id"]
        return PgCursor(rows, len(rows), last)

    def execute(self, sql, params=()):
        return self._run([_inline_params(sql, params)])

    def executemany(self, sql, seq):
        return self._run([_inline_params(sql, p) for p in seq])

    def executescript(self, sql):
        psql(self.dbname, sql)

    def commit(self):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class Response:
    """status, headers (lower-case names), body bytes, and .json when the
    body parses."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def data(self):
        return self.json["data"]

    @property
    def items(self):
        return self.json["items"]

    @property
    def meta(self):
        return self.json["metadata"]

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return "<%d %s>" % (self.status, self.body[:300])


PASSWORD = "test-password-123"


class User:
    """A signed-in user the tests act as. profile_id is set for freelancers
    with a profile."""

    def __init__(self, user_id, role, name, email, token):
        self.id = user_id
        self.role = role
        self.name = name
        self.email = email
        self.token = token
        self.profile_id = None

    def headers(self):
        return {"Authorization": "Bearer " + self.token}


class Server:
    """One freelance-hub process with its own database and log file."""

    def __init__(self, env=None, db_url=None):
        self.dir = tempfile.mkdtemp(prefix="fh-test-")
        self.pg_db = None   # the PostgreSQL database this object created
        if db_url is None and PG_SOCKET_DIR:
            self.pg_db = "fh_test_%d_%06d" % (os.getpid(),
                                              random.randrange(1000000))
            psql("postgres", "CREATE DATABASE %s;" % self.pg_db)
            db_url = pg_url(self.pg_db)
        self.db_url = db_url or "sqlite:" + os.path.join(self.dir, "test.db")
        self.log_path = os.path.join(self.dir, "server.log")
        self.env = dict(os.environ)
        self.env.update({
            "HOST": "127.0.0.1", "PORT": "0", "DATABASE_URL": self.db_url,
            "LOG_FILE": self.log_path, "LOG_LEVEL": "info", "THREADS": "4",
            "RATE_LIMIT_ENABLED": "false",
            # A cheap password hash keeps fixtures fast; TimingTest in
            # test_auth.py runs with the real cost.
            "AUTH_HASH_OPS": "1", "AUTH_HASH_MEMORY_KB": "8",
        })
        self.env.update(env or {})
        self.proc = None
        self.port = None
        self.conn = None
        self._counter = 0

    # ---- life cycle ----
    def start(self, timeout=10):
        self._stderr = open(os.path.join(self.dir, "stderr"), "w")
        self.proc = subprocess.Popen([BIN, "serve"], env=self.env,
                                     stdout=subprocess.DEVNULL, stderr=self._stderr)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server exited: " + self.read_file("stderr") +
                                   self.log())
            for line in self.log().splitlines():
                if "msg=listening" in line or '"msg":"listening"' in line:
                    for part in line.replace(",", " ").split():
                        if part.startswith("port=") or part.startswith('"port":'):
                            self.port = int(part.split("=")[-1].split(":")[-1].strip('}"'))
                    return self
            time.sleep(0.02)
        raise RuntimeError("server did not start: " + self.log())

    def stop(self, expect_code=0):
        if self.conn:
            self.conn.close()
            self.conn = None
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise AssertionError("server did not stop on SIGTERM")
            self._stderr.close()
            if expect_code is not None and code != expect_code:
                raise AssertionError("server exited with %d: %s" %
                                     (code, self.read_file("stderr")))
        self.proc = None

    @property
    def engine(self):
        return "postgres" if self.db_url.startswith("postgres") else "sqlite"

    def connect(self, timeout=30, **kw):
        """A connection to this server's database from the test itself: an
        sqlite3 connection, or a PgConnection that speaks through psql."""
        if self.engine == "postgres":
            return PgConnection(self.db_url.split("/")[3].split("?")[0])
        import sqlite3
        return sqlite3.connect(self.db_url[len("sqlite:"):], timeout=timeout, **kw)

    def cleanup(self):
        self.stop(expect_code=None)
        if self.pg_db:
            psql("postgres", "DROP DATABASE IF EXISTS %s WITH (FORCE);" % self.pg_db)
            self.pg_db = None
        if os.environ.get("FH_KEEP_TEST_DIRS") is None:
            shutil.rmtree(self.dir, ignore_errors=True)

    def read_file(self, name):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def log(self):
        return self.read_file("server.log")

    def settle_log(self, timeout=10):
        """Waits until the access lines of every request this object sent
        are in the log: a marker request on the same kept-alive connection
        is read only after the earlier ones completed (and were logged)."""
        self._counter += 1
        marker = "settle-%d-%d" % (os.getpid(), self._counter)
        self.get("/categories", headers={"X-Request-Id": marker})
        deadline = time.time() + timeout
        while marker not in self.log():
            if time.time() > deadline:
                raise AssertionError("the log never showed " + marker)
            time.sleep(0.01)

    def cli(self, *args, input=None, check=True):
        """Runs the binary with this server's settings; returns the
        CompletedProcess."""
        p = subprocess.run([BIN] + list(args), env=self.env, input=input,
                           capture_output=True, text=True, timeout=600)
        if check and p.returncode != 0:
            raise AssertionError("%s failed (%d): %s" % (args, p.returncode, p.stderr))
        return p

    def seed(self, *args):
        """Runs `freelance-hub seed ARGS` for this server's database (on
        PostgreSQL it generates into a scratch SQLite file and copies every
        table across), then on PostgreSQL vacuums and analyzes."""
        p = self.cli("seed", *args)
        if self.engine == "sqlite":
            return p
        dbname = self.db_url.split("/")[3].split("?")[0]
        # As autovacuum would in time. The first pass right after the load
        # leaves the visibility map empty; the second fills it, so that
        # counts can read their covering indexes alone.
        psql(dbname, "VACUUM ANALYZE;")
        psql(dbname, "VACUUM;")
        return p

    # ---- HTTP ----
    def request(self, method, path, body=None, user=None, headers=None,
                raw=None, base=True):
        """Sends one request over a kept-alive connection. body is encoded as
        JSON; raw bytes are sent as they are."""
        hdrs = {}
        if user is not None:
            hdrs.update(user.headers())
        if body is not None:
            raw = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        hdrs.update(headers or {})
        url = (BASE + path) if base else path
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, url, body=raw, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.CannotSendRequest):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        if openapi_check.enabled():
            check_against_document(method, url, hdrs, raw, resp)
        return resp

    def fresh_request(self, method, path, body=None, user=None):
        """One request on a connection of its own (for concurrent calls from
        several threads), checked against the OpenAPI document like every
        other exchange. Returns the Response."""
        hdrs = dict(user.headers()) if user else {}
        raw = None
        if body is not None:
            raw = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, BASE + path, body=raw, headers=hdrs)
            r = conn.getresponse()
            resp = Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                            r.read())
        finally:
            conn.close()
        if openapi_check.enabled():
            check_against_document(method, BASE + path, hdrs, raw, resp)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    # ---- fixtures through the public interfaces ----
    def _unique(self, prefix):
        self._counter += 1
        return "%s%d_%d" % (prefix, os.getpid(), self._counter)

    def user(self, role, name=None, country=None):
        """A new signed-in user of role: freelancers and clients register
        through the API, admins through `user create-admin`."""
        tag = self._unique(role)
        name = name or tag.capitalize()
        email = tag + "@example.test"
        if role == "admin":
            self.cli("user", "create-admin", email, "--name", name,
                     input=PASSWORD + "\n")
        else:
            body = {"email": email, "password": PASSWORD, "name": name, "role": role}
            if country:
                body["country"] = country
            r = self.post("/auth/register", body)
            if r.status != 201:
                raise AssertionError("register failed: %r" % r)
        r = self.post("/auth/login", {"email": email, "password": PASSWORD})
        if r.status != 200:
            raise AssertionError("login failed: %r" % r)
        return User(r.data["user"]["id"], role, name, email, r.data["token"])

    def client(self, **kw):
        return self.user("client", **kw)

    def freelancer(self, profile=True, **fields):
        """A new freelancer; with profile=True it also gets a profile, whose
        fields may be overridden."""
        u = self.user("freelancer")
        if profile:
            body = {"title": "Developer " + u.name, "hourly_rate_cents": 5000,
                    "skills": ["Python"]}
            body.update(fields)
            r = self.post("/profiles", body, user=u)
            if r.status != 201:
                raise AssertionError("profile creation failed: %r" % r)
            u.profile_id = r.data["id"]
        return u

    def job(self, client, **fields):
        """A new open job of client; fields override the defaults."""
        body = {"title": "Build a thing " + self._unique("j"),
                "description": "A job for tests.", "budget_type": "fixed",
                "budget_min_cents": 50000, "budget_max_cents": 50000,
                "skills": ["Python"]}
        body.update(fields)
        r = self.post("/jobs", body, user=client)
        if r.status != 201:
            raise AssertionError("job creation failed: %r" % r)
        return r.data

    def proposal(self, freelancer, job_id, **fields):
        body = {"job_posting_id": job_id,
                "cover_letter": "I can do this well and on time.",
                "bid_amount_cents": 45000, "estimated_duration_days": 10}
        body.update(fields)
        r = self.post("/proposals/create", body, user=freelancer)
        if r.status != 201:
            raise AssertionError("proposal creation failed: %r" % r)
        return r.data

    def contract(self, client=None, freelancer=None, **job_fields):
        """An active contract: a job of client, a proposal of freelancer,
        accepted. Returns (contract, job, proposal, client, freelancer)."""
        client = client or self.client()
        freelancer = freelancer or self.freelancer()
        job = self.job(client, **job_fields)
        prop = self.proposal(freelancer, job["id"])
        r = self.post("/proposals/%d/accept" % prop["id"], user=client)
        if r.status not in (200, 201):
            raise AssertionError("accept failed: %r" % r)
        return r.data, job, prop, client, freelancer


def check_against_document(method, url, req_headers, req_body, resp):
    """Fails the calling test when the exchange does not fit
    openapi/openapi.json: an undocumented status, header or member, a body
    off its schema, or a request the server accepted that the document
    would not (see openapi_check.py). On unless FH_OPENAPI_CHECK=0."""
    problems = openapi_check.document().check_exchange(
        method, url, req_headers, req_body, resp.status, resp.headers, resp.body)
    if problems:
        raise AssertionError(
            "the exchange does not fit openapi/openapi.json:\n  %s\n"
            "request: %s %s %s\nresponse: %d %s %r" % (
                "\n  ".join(problems[:20]), method, url,
                (req_body or b"")[:300], resp.status, resp.headers, resp.body[:500]))


def raw_http(port, data, read_timeout=5.0, shutdown_write=False):
    """Sends raw bytes on a new connection and returns all bytes read until
    the server closes or read_timeout passes without data."""
    s = socket.create_connection(("127.0.0.1", port), timeout=read_timeout)
    try:
        if data:
            s.sendall(data)
        if shutdown_write:
            s.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                break
            if not b:
                break
            chunks.append(b)
        return b"".join(chunks)
    finally:
        s.close()


def free_port():
    """A loopback TCP port that was free a moment ago."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


class RedisServer:
    """A redis-server of its own on a free loopback port, with no
    persistence. available() tells whether the binary is installed."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fh-redis-")
        self.proc = None

    @staticmethod
    def available():
        return shutil.which("redis-server") is not None

    @property
    def url(self):
        return "redis://127.0.0.1:%d/0" % self.port

    def start(self, timeout=10):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.command("PING") == b"+PONG":
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start on port %d" % self.port)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def command(self, *args):
        """Sends one command; returns the first line of the reply."""
        req = b"*%d\r\n" % len(args) + b"".join(
            b"$%d\r\n%s\r\n" % (len(a), a.encode()) for a in args)
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as c:
            c.sendall(req)
            return c.makefile("rb").readline().rstrip(b"\r\n")


class ApiTest(unittest.TestCase):
    """Starts one server per test class (override server_env for settings)."""
    server_env = {}
    srv = None

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(env=cls.server_env).start()

    @classmethod
    def tearDownClass(cls):
        if cls.srv:
            try:
                cls.srv.stop()
                cls.check_log_clean(cls.srv)
            finally:
                cls.srv.cleanup()

    @staticmethod
    def check_log_clean(srv):
        """A run may log client mistakes, never a server fault or sanitizer
        report."""
        bad = [l for l in srv.log().splitlines()
               if "level=error" in l or '"level":"error"' in l]
        stderr = srv.read_file("stderr")
        if "Sanitizer" in stderr or "runtime error" in stderr:
            raise AssertionError("sanitizer report:\n" + stderr[-4000:])
        if bad:
            raise AssertionError("server logged errors:\n" + "\n".join(bad[:20]))

    def assertStatus(self, resp, status, code=None, field=None):
        if isinstance(status, int):
            status = (status,)
        self.assertIn(resp.status, status, resp)
        ctype = resp.header("content-type") or ""
        if resp.body:
            self.assertTrue(ctype.startswith("application/json"), resp.headers)
            self.assertIsNotNone(resp.json, resp)
        if resp.status >= 400 and resp.json is not None:
            self.assertEqual(resp.json["status"], "error", resp)
            self.assertIn("message", resp.json["error"], resp)
            self.assertEqual(resp.json["request_id"], resp.header("x-request-id"))
            if code:
                self.assertEqual(resp.json["error"]["code"], code, resp)
            if field:
                self.assertEqual(resp.json["error"].get("field"), field, resp)
        return resp

    def walk(self, path, page_size, user=None):
        """Concatenates every page of a list; checks the metadata of each."""
        sep = "&" if "?" in path else "?"
        out, page = [], 1
        while True:
            r = self.srv.get("%s%spage=%d&page_size=%d" % (path, sep, page, page_size),
                             user=user)
            self.assertStatus(r, 200)
            m = r.meta
            self.assertEqual(m["page"], page)
            self.assertEqual(m["page_size"], page_size)
            self.assertEqual(m["total_pages"],
                             (m["total_items"] + page_size - 1) // page_size)
            out.extend(r.items)
            if not m["has_next"]:
                self.assertEqual(len(out), m["total_items"])
                return out
            page += 1
            self.assertLessEqual(page, 100000)


def main():
    """Runs the calling module's tests; prints 'N passed, N failed'."""
    prog = unittest.main(module="__main__", exit=False, verbosity=2)
    res = prog.result
    failed = len(res.failures) + len(res.errors)
    skipped = len(res.skipped)
    passed = res.testsRun - failed - skipped
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(1 if failed or res.testsRun == 0 else 0)
