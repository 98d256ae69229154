"""Rate limiting by tier: token buckets per client, the RateLimit headers,
429 with an honest Retry-After, trusted proxies and spoofed headers, the
memory bound under a flood of addresses, atomic takes under concurrency,
the admin statistics and metrics, and one budget shared by two instances
through Redis (also across a Redis outage)."""
import http.client
import json
import math
import os
import re
import sqlite3
import threading
import time
import unittest

from harness import ApiTest, BASE, PASSWORD, RedisServer, Server, User, main

LIMITED = {"RATE_LIMIT_ENABLED": "true", "THREADS": "8"}


def fire_together(port, requests):
    """Opens one connection per request, then sends them all at once (a
    barrier releases the threads together). requests: (method, path, body,
    headers). Returns the Responses in order."""
    from harness import Response
    conns = [http.client.HTTPConnection("127.0.0.1", p or port, timeout=30)
             for (p, *_rest) in requests]
    for c in conns:
        c.connect()
    barrier = threading.Barrier(len(conns))
    out = [None] * len(conns)

    def run(i):
        _p, method, path, body, headers = requests[i]
        hdrs = dict(headers or {})
        raw = None
        if body is not None:
            raw = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        barrier.wait()
        try:
            conns[i].request(method, BASE + path, body=raw, headers=hdrs)
            r = conns[i].getresponse()
            out[i] = Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                              r.read())
        finally:
            conns[i].close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(conns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def proposal_body(job_id):
    return {"job_posting_id": job_id, "cover_letter": "I can do this well.",
            "bid_amount_cents": 45000, "estimated_duration_days": 10}


class LimitCase(ApiTest):
    """Shared checks of the 429 reply and the headers."""

    def assertHeaders(self, r, limit):
        for h in ("ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"):
            self.assertRegex(r.header(h) or "", r"^\d+$", (h, r.headers))
        self.assertEqual(int(r.header("ratelimit-limit")), limit)
        remaining = int(r.header("ratelimit-remaining"))
        self.assertTrue(0 <= remaining <= limit, r.headers)
        return remaining

    def assertRefused(self, r, limit, period=60):
        """A 429 whose Retry-After is whole seconds in 1..period, equal to
        the body's retry_after_seconds and no later than RateLimit-Reset."""
        self.assertStatus(r, 429, "rate_limited")
        self.assertRegex(r.header("retry-after") or "", r"^[0-9]+$")
        secs = int(r.header("retry-after"))
        self.assertTrue(1 <= secs <= period, secs)
        self.assertEqual(r.json["error"]["retry_after_seconds"], secs)
        self.assertEqual(self.assertHeaders(r, limit), 0)
        reset = int(r.header("ratelimit-reset"))
        self.assertTrue(secs <= reset <= period, (secs, reset))
        return secs

    def jobs(self, n, per_client):
        """n open jobs, made by as many clients as the standard limit needs."""
        out, c = [], None
        for i in range(n):
            if i % per_client == 0:
                c = self.srv.client()
            out.append(self.srv.job(c))
        return out

    def proposals_of(self, profile_id):
        with self.srv.connect() as db:
            return db.execute("SELECT COUNT(*) FROM freelance_proposals"
                              " WHERE freelancer_id = ?", (profile_id,)).fetchone()[0]


class TierLimitTest(LimitCase):
    """Standard 6 a minute: a new freelancer spends one on its profile and
    has five left for proposals, the five of the field cases."""
    server_env = dict(LIMITED, RATE_LIMIT_STANDARD="6", RATE_LIMIT_SEARCH="4",
                      RATE_LIMIT_LENIENT="8", RATE_LIMIT_AUTH="100000")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.open_jobs = None

    def job_ids(self, n):
        if type(self).open_jobs is None:
            type(self).open_jobs = [j["id"] for j in self.jobs(60, 6)]
        return type(self).open_jobs[:n]

    def test_b02_sixth_proposal_is_429_with_retry_after_in_seconds(self):
        started = time.monotonic()  # the profile takes the first token
        f = self.srv.freelancer()
        jobs = self.job_ids(6)
        seen = []
        for j in jobs[:5]:
            r = self.assertStatus(self.srv.post("/proposals/create", proposal_body(j),
                                                user=f), 201)
            seen.append(self.assertHeaders(r, 6))
        self.assertEqual(seen, [4, 3, 2, 1, 0])
        r = self.srv.post("/proposals/create", proposal_body(jobs[5]), user=f)
        secs = self.assertRefused(r, 6)
        # One token every 60/6 s; the bucket has refilled for as long as the
        # requests took, so the honest wait is 10 s less that time, rounded up.
        elapsed = time.monotonic() - started
        self.assertLessEqual(secs, 10)
        self.assertGreaterEqual(secs, math.ceil(10 - elapsed))
        # One that does not wait is refused again, and nothing was created.
        self.assertRefused(self.srv.post("/proposals/create", proposal_body(jobs[5]),
                                         user=f), 6)
        self.assertEqual(self.proposals_of(f.profile_id), 5)

    def test_b04_twelve_connections_at_once_pass_exactly_the_limit(self):
        f = self.srv.freelancer()
        reqs = [(None, "POST", "/proposals/create", proposal_body(j), f.headers())
                for j in self.job_ids(12)]
        out = fire_together(self.srv.port, reqs)
        passed = [r for r in out if r.status != 429]
        self.assertEqual(len(passed), 5, out)
        for r in passed:
            self.assertStatus(r, 201)
        self.assertEqual(sorted(int(r.header("ratelimit-remaining")) for r in passed),
                         [0, 1, 2, 3, 4])
        for r in out:
            if r.status == 429:
                self.assertRefused(r, 6)
        self.assertEqual(self.proposals_of(f.profile_id), 5)

    def test_b06_last_token_goes_to_exactly_one_of_fifty(self):
        jobs = self.job_ids(59)
        for _round in range(20):
            f = self.srv.freelancer()
            for j in jobs[:4]:
                self.assertStatus(self.srv.post("/proposals/create", proposal_body(j),
                                                user=f), 201)
            reqs = [(None, "POST", "/proposals/create", proposal_body(j), f.headers())
                    for j in jobs[4:54]]
            out = fire_together(self.srv.port, reqs)
            self.assertEqual(sum(r.status != 429 for r in out), 1,
                             [r.status for r in out])
            for r in out:
                remaining = int(r.header("ratelimit-remaining"))
                self.assertTrue(0 <= remaining <= 6, remaining)
            for j in jobs[54:59]:
                r = self.srv.post("/proposals/create", proposal_body(j), user=f)
                self.assertTrue(self.assertRefused(r, 6) >= 1)
            self.assertEqual(self.proposals_of(f.profile_id), 5)

    def test_b01_rotated_forwarded_headers_change_nothing(self):
        # No trusted proxy: the header is the client's own text.
        for i in range(4):
            r = self.srv.get("/jobs/search?q=design",
                             headers={"X-Forwarded-For": "10.0.0.%d" % (i + 1),
                                      "X-Real-IP": "10.1.0.%d" % (i + 1)})
            self.assertStatus(r, 200)
            self.assertEqual(self.assertHeaders(r, 4), 3 - i)
        for i in range(3):
            r = self.srv.get("/jobs/search?q=design",
                             headers={"X-Forwarded-For": "10.9.%d.1, 10.8.0.1" % i,
                                      "X-Real-IP": "10.2.0.%d" % i})
            self.assertRefused(r, 4)

    def test_signed_in_callers_are_keyed_by_user_whatever_their_headers(self):
        c = self.srv.client()
        for i in range(6):
            self.assertStatus(self.srv.get("/auth/me", user=c,
                                           headers={"X-Forwarded-For": "10.3.0.%d" % i}),
                              200)
        self.assertRefused(self.srv.get("/auth/me", user=c,
                                        headers={"X-Forwarded-For": "10.4.0.1"}), 6)
        # Another user on the same connection and address is not affected.
        self.assertStatus(self.srv.get("/auth/me", user=self.srv.client()), 200)

    def test_head_shares_the_get_bucket_and_carries_the_headers(self):
        c = self.srv.client()
        job = self.srv.job(c)
        left = []
        for i in range(5):
            method = "HEAD" if i % 2 else "GET"
            r = self.srv.request(method, "/jobs/%d" % job["id"], user=c)
            self.assertEqual(r.status, 200, r)
            left.append(self.assertHeaders(r, 6))
        self.assertEqual(left, [4, 3, 2, 1, 0])
        r = self.srv.request("HEAD", "/jobs/%d" % job["id"], user=c)
        self.assertEqual(r.status, 429)
        self.assertEqual(r.body, b"")
        self.assertTrue(1 <= int(r.header("retry-after")) <= 60)
        self.assertEqual(r.header("ratelimit-remaining"), "0")
        self.assertRefused(self.srv.get("/jobs/%d" % job["id"], user=c), 6)

    def test_each_tier_has_its_own_bucket_and_limit(self):
        c = self.srv.client()
        for _ in range(6):
            self.assertStatus(self.srv.get("/auth/me", user=c), 200)
        self.assertRefused(self.srv.get("/auth/me", user=c), 6)
        for i in range(4):
            r = self.assertStatus(self.srv.get("/freelancers/search", user=c), 200)
            self.assertEqual(self.assertHeaders(r, 4), 3 - i)
        self.assertRefused(self.srv.get("/jobs/search", user=c), 4)
        for i in range(8):
            r = self.assertStatus(self.srv.get("/skills", user=c), 200)
            self.assertEqual(self.assertHeaders(r, 8), 7 - i)
        self.assertRefused(self.srv.get("/categories", user=c), 8)

    def test_operational_routes_and_unknown_paths_are_not_limited(self):
        for _ in range(30):
            r = self.srv.get("/healthz", base=False)
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.header("ratelimit-limit"))
        for path in ("/readyz", "/metrics"):
            r = self.srv.get(path, base=False)
            self.assertEqual(r.status, 200)
            self.assertIsNone(r.header("ratelimit-limit"))
        r = self.srv.get("/no/such/route")
        self.assertStatus(r, 404)
        self.assertIsNone(r.header("ratelimit-limit"))

    def test_refused_request_changes_nothing_and_costs_no_query(self):
        c = self.srv.client()
        for i in range(6):
            self.srv.job(c)
        before = self.db_queries()
        r = self.srv.post("/jobs", {"title": "One too many", "budget_type": "fixed"},
                          user=c)
        self.assertRefused(r, 6)
        spent = self.db_queries() - before
        self.assertLessEqual(spent, 2)  # the session lookup, nothing more
        with self.srv.connect() as db:
            n = db.execute("SELECT COUNT(*) FROM freelance_job_postings"
                           " WHERE title = 'One too many'").fetchone()[0]
        self.assertEqual(n, 0)

    def db_queries(self):
        text = self.srv.get("/metrics", base=False).body.decode()
        return int(re.search(r"^fh_db_query_duration_seconds_count (\d+)$", text,
                             re.M).group(1))

    def test_bad_tokens_are_limited_by_address(self):
        codes = [self.srv.get("/jobs/1", headers={"Authorization": "Bearer nope%d" % i,
                                                  "X-Forwarded-For": "10.0.0.%d" % i}).status
                 for i in range(8)]
        # The address has its standard six; the sixth on is refused.
        self.assertEqual(codes[:6], [401] * 6)
        self.assertEqual(codes[6:], [429, 429])

    def test_metrics_count_decisions_by_tier(self):
        def refused():
            text = self.srv.get("/metrics", base=False).body.decode()
            m = re.search(r'^fh_ratelimit_decisions_total\{tier="lenient",'
                          r'decision="refused"\} (\d+)$', text, re.M)
            a = re.search(r'^fh_ratelimit_decisions_total\{tier="lenient",'
                          r'decision="allowed"\} (\d+)$', text, re.M)
            return int(m.group(1)), int(a.group(1))
        before_refused, before_allowed = refused()
        u = self.srv.client()
        for _ in range(10):
            self.srv.get("/categories", user=u)
        after_refused, after_allowed = refused()
        self.assertEqual(after_refused - before_refused, 2)
        self.assertEqual(after_allowed - before_allowed, 8)


class RetryHonestyTest(LimitCase):
    """60 a minute: a token a second, so waiting is short."""
    server_env = dict(LIMITED, RATE_LIMIT_STANDARD="60", RATE_LIMIT_AUTH="100000")

    def test_client_that_waits_retry_after_is_served_and_one_that_does_not_is_not(self):
        c = self.srv.client()
        for _ in range(60):
            r = self.srv.get("/auth/me", user=c)
            if r.status == 429:
                break
        else:
            r = self.srv.get("/auth/me", user=c)
        secs = self.assertRefused(r, 60)
        self.assertEqual(secs, 1)
        self.assertRefused(self.srv.get("/auth/me", user=c), 60)
        for _round in range(3):
            time.sleep(secs)
            r = self.assertStatus(self.srv.get("/auth/me", user=c), 200)
            self.assertEqual(self.assertHeaders(r, 60), 0)
            secs = self.assertRefused(self.srv.get("/auth/me", user=c), 60)


class ProxyTest(LimitCase):
    """Behind trusted proxies (an address and a block), with a small bucket
    table so that a flood of addresses has to evict."""
    server_env = dict(LIMITED, RATE_LIMIT_SEARCH="4", RATE_LIMIT_AUTH="3",
                      RATE_LIMIT_STANDARD="1000",
                      TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
                      RATE_LIMIT_MAX_BUCKETS="1024")

    def search(self, xff):
        return self.srv.get("/jobs/search?q=design", headers={"X-Forwarded-For": xff})

    def test_b01_only_the_address_the_proxy_appended_counts(self):
        for i in range(4):
            r = self.assertStatus(self.search("1.2.3.%d, 203.0.113.5" % i), 200)
            self.assertEqual(self.assertHeaders(r, 4), 3 - i)
        for i in range(3):
            self.assertRefused(self.search("9.9.9.%d, 203.0.113.5" % i), 4)
        # A made-up left-most entry in the same position cannot pick a new
        # bucket; another real client, appended by the proxy, has its own.
        self.assertStatus(self.search("203.0.113.5, 203.0.113.6"), 200)

    def test_trusted_hops_are_walked_through(self):
        for i in range(4):
            self.assertStatus(self.search("6.6.6.%d, 198.51.100.9, 10.1.2.3, 10.7.7.7"
                                          % i), 200)
        self.assertRefused(self.search("198.51.100.9, 10.200.0.1"), 4)
        self.assertRefused(self.search("198.51.100.9"), 4)

    def test_ipv6_clients_share_their_64(self):
        for i in range(4):
            self.assertStatus(self.search("2001:db8:7:8::%x" % (i + 1)), 200)
        self.assertRefused(self.search("2001:db8:7:8:ffff:1:2:3"), 4)
        self.assertStatus(self.search("2001:db8:7:9::1"), 200)

    def test_auth_tier_counts_per_address_and_per_account(self):
        email = "limited-%d@example.test" % os.getpid()
        self.srv.cli("user", "add", "--role", "client", "--email", email, "--name",
                     "Limited", "--password-stdin", input=PASSWORD + "\n")

        def login(addr, password=PASSWORD, who=email):
            return self.srv.post("/auth/login", {"email": who, "password": password},
                                 headers={"X-Forwarded-For": addr})
        # Per address: three attempts in five minutes, then 429.
        for i in range(3):
            self.assertStatus(login("198.51.100.50", who="nobody%d@example.test" % i),
                              401)
        self.assertRefused(login("198.51.100.50"), 3, period=300)
        # Per account: three addresses may try one account three times, not
        # four, even with the right password.
        for i, pw in enumerate(["wrong-password-1", "wrong-password-2", PASSWORD]):
            r = login("198.51.101.%d" % i, pw)
            self.assertStatus(r, 401 if i < 2 else 200)
            self.assertEqual(self.assertHeaders(r, 3), 2 - i)
        self.assertRefused(login("198.51.102.1"), 3, period=300)
        # Register is the same tier and counts per account too.
        r = self.srv.post("/auth/register", {"email": email, "password": PASSWORD,
                                             "name": "Again", "role": "client"},
                          headers={"X-Forwarded-For": "198.51.103.1"})
        self.assertRefused(r, 3, period=300)

    def test_flood_of_addresses_keeps_memory_bounded_and_honest_clients_served(self):
        honest = "192.0.2.77"
        for _ in range(2):
            self.assertStatus(self.srv.post("/auth/login", {},
                                            headers={"X-Forwarded-For": honest}), 422)
        admin = self.admin()
        rss_before = self.rss()
        total, per_thread = 0, 4096
        errors = []

        def flood(t):
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
            try:
                for i in range(per_thread):
                    n = t * per_thread + i
                    conn.request("POST", BASE + "/auth/login", body=b"{}", headers={
                        "Content-Type": "application/json",
                        "X-Forwarded-For": "spoof, 100.%d.%d.%d, 10.0.0.1" % (
                            n >> 16, (n >> 8) & 255, n & 255)})
                    r = conn.getresponse()
                    r.read()
                    if r.status != 422:
                        errors.append(r.status)
            finally:
                conn.close()
        threads = [threading.Thread(target=flood, args=(t,)) for t in range(4)]
        for t in threads:
            t.start()
        served = 0
        while any(t.is_alive() for t in threads):
            # A signed-in caller is served throughout.
            r = self.srv.get("/admin/rate-limits", user=admin)
            self.assertStatus(r, 200)
            served += 1
            time.sleep(0.05)
        for t in threads:
            t.join()
        total = 4 * per_thread
        self.assertEqual(errors, [])
        self.assertGreater(served, 0)
        stats = self.assertStatus(self.srv.get("/admin/rate-limits", user=admin),
                                  200).data["local_buckets"]
        self.assertEqual(stats["capacity"], 1024)
        self.assertLessEqual(stats["buckets"], stats["capacity"])
        self.assertGreaterEqual(stats["evictions"], total - stats["capacity"])
        self.assertEqual(stats["bytes"], 1024 * 24)
        if not self.sanitized():
            # AddressSanitizer keeps freed memory in quarantine; elsewhere
            # the process must not have grown with the flood.
            self.assertLess(self.rss() - rss_before, 16 << 20)
        # The honest address kept its bucket (deepest in debt, never the one
        # given up): one attempt left of three, then 429.
        self.assertStatus(self.srv.post("/auth/login", {},
                                        headers={"X-Forwarded-For": honest}), 422)
        self.assertRefused(self.srv.post("/auth/login", {},
                                         headers={"X-Forwarded-For": honest}),
                           3, period=300)

    def admin(self):
        email = "root-%d@example.test" % os.getpid()
        self.srv.cli("user", "create-admin", email, input=PASSWORD + "\n")
        r = self.srv.post("/auth/login", {"email": email, "password": PASSWORD},
                          headers={"X-Forwarded-For": "192.0.2.200"})
        self.assertStatus(r, 200)
        return User(r.data["user"]["id"], "admin", "Root", email, r.data["token"])

    def sanitized(self):
        with open("/proc/%d/maps" % self.srv.proc.pid) as f:
            return "libasan" in f.read()

    def rss(self):
        text = self.srv.get("/metrics", base=False).body.decode()
        return int(re.search(r"^fh_process_resident_memory_bytes (\d+)$", text,
                             re.M).group(1))


class AdminViewTest(LimitCase):
    server_env = dict(LIMITED, RATE_LIMIT_STANDARD="5", RATE_LIMIT_AUTH="100000")

    def test_admin_only(self):
        r = self.srv.get("/admin/rate-limits")
        self.assertStatus(r, 401, "unauthorized")
        self.assertStatus(self.srv.get("/admin/rate-limits", user=self.srv.client()),
                          403, "forbidden")
        self.assertStatus(self.srv.get("/admin/rate-limits",
                                       user=self.srv.freelancer(profile=False)),
                          403, "forbidden")
        self.assertStatus(self.srv.get("/admin/rate-limits?tier=auth",
                                       user=self.srv.user("admin")), 422)

    def test_requests_refusals_and_top_refused_clients_over_the_hour(self):
        admin = self.srv.user("admin")
        noisy = [self.srv.client() for _ in range(12)]
        for k, u in enumerate(noisy):
            for _ in range(5 + k + 1):  # user k is refused k + 1 times
                self.srv.get("/auth/me", user=u)
        r = self.assertStatus(self.srv.get("/admin/rate-limits", user=admin), 200)
        d = r.data
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertTrue(d["enabled"])
        self.assertEqual(d["store"], "local")
        self.assertEqual(d["window_seconds"], 3600)
        tiers = {t["tier"]: t for t in d["tiers"]}
        self.assertEqual(set(tiers), {"standard", "strict", "lenient", "auth", "search"})
        self.assertEqual(tiers["standard"]["limit"], 5)
        self.assertEqual(tiers["auth"]["period_seconds"], 300)
        self.assertEqual(tiers["standard"]["refused"], sum(range(1, 13)))
        self.assertGreaterEqual(tiers["standard"]["requests"],
                                sum(5 + k + 1 for k in range(12)))
        self.assertGreater(tiers["auth"]["requests"], 0)
        top = d["top_refused"]
        self.assertEqual(len(top), 10)
        self.assertEqual([t["client"] for t in top],
                         ["user:%d" % u.id for u in reversed(noisy)][:10])
        self.assertEqual([t["refused"] for t in top], list(range(12, 2, -1)))
        self.assertLessEqual(d["local_buckets"]["buckets"], d["local_buckets"]["capacity"])


@unittest.skipUnless(RedisServer.available(),
                     "redis-server is not installed (scripts/install-deps installs it)")
class SharedBudgetTest(LimitCase):
    """Two instances on one database and one Redis."""
    server_env = {}

    @classmethod
    def setUpClass(cls):
        cls.redis = RedisServer().start()
        env = dict(LIMITED, RATE_LIMIT_STANDARD="6", RATE_LIMIT_SEARCH="4",
                   RATE_LIMIT_AUTH="100000", REDIS_URL=cls.redis.url)
        cls.srv = Server(env=env).start()
        cls.other = Server(env=env, db_url=cls.srv.db_url).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.other.stop()
            cls.check_log_clean(cls.other)
        finally:
            cls.other.cleanup()
            super().tearDownClass()
            cls.redis.cleanup()

    def test_b04_two_instances_let_through_exactly_the_limit(self):
        f = self.srv.freelancer()
        jobs = [j["id"] for j in self.jobs(12, 6)]
        reqs = [(self.srv.port if i % 2 else self.other.port, "POST",
                 "/proposals/create", proposal_body(j), f.headers())
                for i, j in enumerate(jobs)]
        out = fire_together(None, reqs)
        passed = [r for r in out if r.status != 429]
        self.assertEqual(len(passed), 5, out)
        self.assertEqual(sorted(int(r.header("ratelimit-remaining")) for r in passed),
                         [0, 1, 2, 3, 4])
        for r in out:
            if r.status == 429:
                self.assertRefused(r, 6)
        self.assertEqual(self.proposals_of(f.profile_id), 5)

    def test_alternating_instances_share_an_address_bucket(self):
        servers = [self.srv, self.other]
        for i in range(4):
            r = servers[i % 2].get("/jobs/search?q=shared")
            self.assertStatus(r, 200)
            self.assertEqual(self.assertHeaders(r, 4), 3 - i)
        self.assertRefused(self.srv.get("/jobs/search?q=shared"), 4)
        self.assertRefused(self.other.get("/jobs/search?q=shared"), 4)
        # The buckets live in Redis, named by hash, with an expiry.
        self.assertGreater(int(self.redis.command("DBSIZE")[1:]), 0)

    def test_admin_view_names_redis(self):
        admin = self.srv.user("admin")
        d = self.assertStatus(self.srv.get("/admin/rate-limits", user=admin), 200).data
        self.assertEqual(d["store"], "redis")


@unittest.skipUnless(RedisServer.available(),
                     "redis-server is not installed (scripts/install-deps installs it)")
class RedisOutageTest(LimitCase):
    """Redis stops mid-test: requests are still answered from local buckets,
    the outage is logged once, and sharing resumes when Redis is back."""

    @classmethod
    def setUpClass(cls):
        cls.redis = RedisServer().start()
        env = dict(LIMITED, RATE_LIMIT_STANDARD="6", RATE_LIMIT_SEARCH="1000",
                   RATE_LIMIT_AUTH="100000", REDIS_URL=cls.redis.url)
        cls.srv = Server(env=env).start()
        cls.other = Server(env=env, db_url=cls.srv.db_url).start()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.other.stop()
            cls.check_log_clean(cls.other)
        finally:
            cls.other.cleanup()
            super().tearDownClass()
            cls.redis.cleanup()

    def shared_passes(self, user):
        """Seven /auth/me alternating between the instances: how many pass."""
        servers = [self.srv, self.other]
        return sum(servers[i % 2].get("/auth/me", user=user).status == 200
                   for i in range(7))

    def test_outage_falls_back_to_local_buckets_and_recovers(self):
        self.assertEqual(self.shared_passes(self.srv.client()), 6)
        self.redis.stop()
        c = self.srv.client()
        statuses = [self.srv.get("/auth/me", user=c).status for _ in range(8)]
        # Answered from this instance's own bucket: six, then 429; no 5xx.
        self.assertEqual(statuses, [200] * 6 + [429] * 2)
        for _ in range(20):
            self.assertStatus(self.srv.get("/jobs/search"), 200)
        warns = [l for l in self.srv.log().splitlines()
                 if "level=warn" in l and "redis unreachable" in l]
        self.assertEqual(len(warns), 1, warns)
        admin = self.srv.user("admin")
        d = self.assertStatus(self.srv.get("/admin/rate-limits", user=admin), 200).data
        self.assertEqual(d["store"], "local (redis unreachable)")

        self.redis.start()
        deadline = time.time() + 10
        while time.time() < deadline and "redis reachable again" not in self.srv.log():
            self.srv.get("/jobs/search")
            time.sleep(0.2)
        self.assertIn("redis reachable again", self.srv.log())
        # The other instance's idle links died with the restart; it opens a
        # fresh one without declaring an outage.
        self.assertEqual(self.shared_passes(self.srv.client()), 6)
        self.assertNotIn("redis unreachable", self.other.log())
        self.assertEqual(len([l for l in self.srv.log().splitlines()
                              if "redis unreachable" in l]), 1)


if __name__ == "__main__":
    main()
