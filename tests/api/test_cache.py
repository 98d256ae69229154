"""The response cache: never stale after a write (every write route against
every cached view it affects, compared with a server that has no cache on
the same database), keys (B12), private answers (B11), lists after an
update (B10), ETag/304, gzip, TTL expiry, the memory bound, single flight,
the admin statistics, and two instances sharing Redis."""
import gzip
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from harness import BASE, ApiTest, Server, main


def metric(srv, name):
    """The value of an unlabelled metric in /metrics."""
    r = srv.get("/metrics", base=False)
    for line in r.body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError("no metric " + name)


def without_generated_at(doc):
    doc = json.loads(json.dumps(doc))
    doc.get("data", {}).pop("generated_at", None)
    return doc


def db_queries(srv):
    return metric(srv, "fh_db_query_duration_seconds_count")


class CacheTestBase(ApiTest):
    """A cached server, and beside it a server with no cache on the same
    database: what the cached one answers must equal what the database
    gives now."""
    plain = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.plain = Server(env={"CACHE_ENABLED": "false"},
                               db_url=cls.srv.db_url).start()
        except Exception:
            cls.srv.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.plain:
                try:
                    cls.plain.stop()
                    cls.check_log_clean(cls.plain)
                finally:
                    cls.plain.cleanup()
        finally:
            super().tearDownClass()

    def sql(self, statement, args=()):
        con = self.srv.connect()
        try:
            with con:
                cur = con.execute(statement, args)
                return cur.lastrowid
        finally:
            con.close()

    def category(self, name):
        slug = name.lower().replace(" ", "-") + str(time.time_ns())
        return self.sql("INSERT INTO categories (name, slug) VALUES (?, ?)",
                        (name, slug))

    def admin(self):
        if getattr(self.__class__, "_admin", None) is None:
            self.__class__._admin = self.srv.user("admin")
        return self.__class__._admin

    def stats(self):
        r = self.srv.get("/admin/cache", user=self.admin())
        return self.assertStatus(r, 200).data

    def warm(self, path, user=None):
        """Reads path twice; a 200 must be a HIT the second time."""
        first = self.srv.get(path, user=user)
        second = self.srv.get(path, user=user)
        if second.status == 200:
            self.assertEqual(second.header("x-cache"), "HIT", path)
            self.assertEqual(second.body, first.body, path)
        return second

    def assertFresh(self, path, user=None):
        """The cached server answers path as the database does now (errors
        alike but for their request ids)."""
        got = self.srv.get(path, user=user)
        want = self.plain.get(path, user=user)
        self.assertEqual(got.status, want.status, path)
        if got.status >= 400:
            self.assertEqual(dict(got.json, request_id=None),
                             dict(want.json, request_id=None), path)
        elif b'"generated_at"' in want.body:
            # When the figures were computed is the one thing that differs.
            self.assertEqual(without_generated_at(got.json),
                             without_generated_at(want.json), path)
        else:
            self.assertEqual(got.body, want.body, path)
        return got


class InvalidationTest(CacheTestBase):
    """Each write route, then each cached view: equal to the database on the
    very next request, and changed where the write changes it."""

    def views(self, w):
        """The watched views of world w: (name, path, user)."""
        v = [
            ("job", "/jobs/%d" % w["job"]["id"], None),
            ("job2", "/jobs/%d" % w["job2"]["id"], None),
            ("search", "/jobs/search?q=" + w["word"], None),
            ("search_cat", "/jobs/search?category_id=%d&page_size=100"
             % w["cat"], None),
            ("search_closed", "/jobs/search?status=closed&q=" + w["word"],
             None),
            ("search_progress", "/jobs/search?status=in_progress&q="
             + w["word"], None),
            ("categories", "/categories?page_size=100", None),
            ("skills", "/skills?q=" + w["skill"], None),
            ("profile", "/profile/%d" % w["f"].profile_id, None),
            ("profile_g", "/profile/%d" % w["g"].profile_id, None),
            ("freelancers", "/freelancers/search?skill=" + w["skill"]
             + "&availability=any", None),
            ("job_props", "/jobs/%d/proposals" % w["job"]["id"], w["c"]),
            ("f_props", "/proposals/freelancer/%d" % w["f"].profile_id,
             w["f"]),
            ("g_props", "/proposals/freelancer/%d" % w["g"].profile_id,
             w["g"]),
            ("f_props_admin", "/proposals/freelancer/%d" % w["f"].profile_id,
             self.admin()),
            ("f_contracts", "/contracts/freelancer/%d" % w["f"].profile_id,
             w["f"]),
            ("f_dash", "/dashboard/freelancer", w["f"]),
            ("g_dash", "/dashboard/freelancer", w["g"]),
            ("c_dash", "/dashboard/client", w["c"]),
            ("analytics", "/analytics/marketplace", None),
        ]
        if w.get("contract"):
            v.append(("contract", "/contracts/%d" % w["contract"]["id"],
                      w["c"]))
        return v

    def world(self):
        """A client with two jobs in a category, two freelancers with a
        skill of their own, and a word their job titles share."""
        n = time.time_ns() % 10**9
        skill = "Cacheskill%d" % n
        word = "cacheword%d" % n
        cat = self.category("Cache cat %d" % n)
        c = self.srv.client()
        f = self.srv.freelancer(skills=[skill])
        g = self.srv.freelancer(skills=[skill])
        job = self.srv.job(c, title="Build %s one" % word, category_id=cat,
                           skills=[skill])
        job2 = self.srv.job(c, title="Build %s two" % word, category_id=cat,
                            skills=[skill])
        return {"c": c, "f": f, "g": g, "job": job, "job2": job2, "cat": cat,
                "skill": skill, "word": word}

    def check_write(self, w, write, expect_changed):
        """Warms every view, runs write, then proves every view fresh and
        the expected ones changed."""
        before = {}
        for name, path, user in self.views(w):
            before[name] = self.warm(path, user)
        result = write()
        changed = set()
        for name, path, user in self.views(w):
            got = self.assertFresh(path, user)
            if name in before and got.body != before[name].body:
                changed.add(name)
        live = {name for name, path, user in self.views(w)
                if self.plain.get(path, user=user).status != 501}
        missing = (set(expect_changed) & live) - changed
        self.assertEqual(missing, set(), "views that did not change")
        return result

    def test_profile_create_reaches_searches_skills_and_analytics(self):
        w = self.world()
        holder = {}

        def write():
            holder["h"] = self.srv.freelancer(skills=[w["skill"]])
        self.check_write(w, write, {"freelancers", "skills", "analytics"})
        self.assertFresh("/profile/%d" % holder["h"].profile_id)

    def test_profile_update_reaches_page_searches_bids_and_dashboard(self):
        w = self.world()
        self.srv.proposal(w["f"], w["job"]["id"])

        def write():
            r = self.srv.patch("/profile/%d" % w["f"].profile_id,
                               {"title": "Renamed", "hourly_rate_cents": 777,
                                "skills": [w["skill"], w["skill"] + "x"]},
                               user=w["f"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"profile", "freelancers", "job_props",
                                    "skills", "f_dash"})

    def test_portfolio_add_and_delete_reach_the_profile(self):
        w = self.world()
        path = "/profile/%d/portfolio" % w["f"].profile_id
        holder = {}

        def add():
            r = self.srv.post(path, {"title": "Site"}, user=w["f"])
            holder["id"] = self.assertStatus(r, 201).data["id"]
        self.check_write(w, add, {"profile"})

        def delete():
            r = self.srv.delete("%s/%d" % (path, holder["id"]), user=w["f"])
            self.assertStatus(r, 200)
        self.check_write(w, delete, {"profile"})

    def test_job_create_reaches_searches_counts_and_dashboard(self):
        w = self.world()

        def write():
            self.srv.job(w["c"], title="Build %s three" % w["word"],
                         category_id=w["cat"], skills=[w["skill"]])
        self.check_write(w, write, {"search", "search_cat", "categories",
                                    "skills", "c_dash", "analytics"})

    def test_job_update_reaches_job_searches_bidders_and_dashboards(self):
        w = self.world()
        self.srv.proposal(w["f"], w["job"]["id"])
        other = self.category("Other cat %d" % time.time_ns())

        def write():
            r = self.srv.patch("/jobs/%d" % w["job"]["id"],
                               {"title": "Renamed %s job" % w["word"],
                                "category_id": other}, user=w["c"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"job", "search", "search_cat",
                                    "categories", "f_props", "f_props_admin",
                                    "f_dash", "c_dash", "analytics"})

    def test_job_close_reaches_job_searches_bids_and_dashboards(self):
        w = self.world()
        self.srv.proposal(w["f"], w["job"]["id"])

        def write():
            r = self.srv.post("/jobs/%d/close" % w["job"]["id"], user=w["c"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"job", "search", "search_cat",
                                    "search_closed", "categories", "skills",
                                    "job_props", "f_props", "f_props_admin",
                                    "f_dash", "c_dash", "analytics"})

    def test_proposal_create_reaches_job_counts_lists_and_dashboards(self):
        w = self.world()

        def write():
            self.srv.proposal(w["f"], w["job"]["id"])
        self.check_write(w, write, {"job", "search", "search_cat",
                                    "job_props", "f_props", "f_props_admin",
                                    "f_dash", "c_dash"})

    def test_withdraw_reaches_lists_and_dashboards(self):
        w = self.world()
        prop = self.srv.proposal(w["f"], w["job"]["id"])

        def write():
            r = self.srv.post("/proposals/%d/withdraw" % prop["id"],
                              user=w["f"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"job_props", "f_props", "f_props_admin",
                                    "f_dash", "c_dash"})

    def test_reject_reaches_lists_and_dashboards(self):
        w = self.world()
        prop = self.srv.proposal(w["f"], w["job"]["id"])

        def write():
            r = self.srv.post("/proposals/%d/reject" % prop["id"],
                              user=w["c"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"job_props", "f_props", "f_props_admin",
                                    "f_dash", "c_dash"})

    def test_accept_reaches_job_both_bidders_contracts_and_dashboards(self):
        w = self.world()
        prop = self.srv.proposal(w["f"], w["job"]["id"])
        self.srv.proposal(w["g"], w["job"]["id"])

        def write():
            r = self.srv.post("/proposals/%d/accept" % prop["id"],
                              user=w["c"])
            return self.assertStatus(r, 201).data
        w["contract"] = self.check_write(
            w, write, {"job", "search", "search_cat", "search_progress",
                       "categories", "skills", "job_props", "f_props",
                       "f_props_admin", "g_props", "f_contracts", "f_dash",
                       "g_dash", "c_dash", "analytics"})
        self.assertFresh("/contracts/%d" % w["contract"]["id"], w["c"])

    def contracted(self):
        w = self.world()
        prop = self.srv.proposal(w["f"], w["job"]["id"])
        r = self.srv.post("/proposals/%d/accept" % prop["id"], user=w["c"])
        w["contract"] = self.assertStatus(r, 201).data
        return w

    def test_complete_reaches_contract_job_profile_and_dashboards(self):
        w = self.contracted()

        def write():
            r = self.srv.post("/contracts/%d/complete" % w["contract"]["id"],
                              user=w["c"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"contract", "job", "search_progress",
                                    "search_closed", "f_contracts",
                                    "profile", "freelancers", "f_dash",
                                    "c_dash", "analytics"})

    def test_cancel_reaches_contract_job_and_dashboards(self):
        w = self.contracted()

        def write():
            r = self.srv.post("/contracts/%d/cancel" % w["contract"]["id"],
                              user=w["f"])
            self.assertStatus(r, 200)
        self.check_write(w, write, {"contract", "job", "search_progress",
                                    "f_contracts", "f_dash", "c_dash",
                                    "analytics"})

    def test_reviews_reach_contract_ratings_and_dashboards(self):
        w = self.contracted()
        self.srv.proposal(w["f"], w["job2"]["id"])
        self.assertStatus(self.srv.post(
            "/contracts/%d/complete" % w["contract"]["id"], user=w["c"]), 200)

        def client_reviews():
            r = self.srv.post("/contracts/%d/reviews" % w["contract"]["id"],
                              {"rating": 4, "comment": "good"}, user=w["c"])
            self.assertStatus(r, 201)
        self.check_write(w, client_reviews, {"contract", "profile",
                                             "freelancers", "job_props",
                                             "f_dash"})
        # The freelancer summaries in job2's proposals show the rating too.
        self.assertFresh("/jobs/%d/proposals" % w["job2"]["id"], w["c"])

        def freelancer_reviews():
            r = self.srv.post("/contracts/%d/reviews" % w["contract"]["id"],
                              {"rating": 5}, user=w["f"])
            self.assertStatus(r, 201)
        self.check_write(w, freelancer_reviews, {"contract", "c_dash"})

    def test_register_reaches_the_analytics(self):
        w = self.world()
        self.check_write(w, lambda: self.srv.client(), {"analytics"})

    def test_a_failed_write_changes_nothing_and_keeps_entries(self):
        w = self.world()
        path = "/jobs/%d" % w["job"]["id"]
        self.warm(path)
        r = self.srv.patch(path, {"title": ""}, user=w["c"])
        self.assertStatus(r, 422)
        self.assertEqual(self.srv.get(path).header("x-cache"), "HIT")


class ListsAfterUpdateTest(CacheTestBase):
    """B10: a cached list that did not hold a job must hold it once an
    update makes it match, on the very next request, and lose it again."""
    server_env = {"CACHE_TTL_JOBS": "300", "CACHE_TTL_ANALYTICS": "300"}

    def ids(self, path):
        r = self.assertFresh(path)
        self.assertStatus(r, 200)
        return [x["id"] for x in r.items], r.meta["total_items"]

    def warm_all(self, paths):
        for p in paths:
            self.warm(p)

    def test_b10_budget_category_and_close_follow_without_waiting(self):
        n = time.time_ns() % 10**9
        cat_c = self.category("Zebra C %d" % n)
        cat_d = self.category("Zebra D %d" % n)
        c = self.srv.client()
        other = self.srv.job(c, title="zebrafish%d other" % n,
                             category_id=cat_c, budget_min_cents=90000,
                             budget_max_cents=90000)
        j = self.srv.job(c, title="zebrafish%d tank" % n, category_id=cat_c,
                         budget_min_cents=40000, budget_max_cents=40000)
        text = "/jobs/search?q=zebrafish%d&status=open" % n
        rich = "/jobs/search?q=zebrafish%d&budget_min_cents=50000" % n
        in_c = "/jobs/search?category_id=%d&page_size=100" % cat_c
        in_d = "/jobs/search?category_id=%d&page_size=100" % cat_d
        paths = [text, rich, in_c, in_d, "/analytics/marketplace",
                 "/categories?page_size=100"]
        self.warm_all(paths)
        self.assertEqual(self.ids(rich), ([other["id"]], 1))

        # The budget rises past the cached filter's bound.
        self.assertStatus(self.srv.patch("/jobs/%d" % j["id"], {
            "budget_min_cents": 60000, "budget_max_cents": 60000}, user=c),
            200)
        self.assertEqual(sorted(self.ids(rich)[0]),
                         sorted([other["id"], j["id"]]))
        self.assertEqual(self.ids(rich)[1], 2)
        for p in paths:
            self.assertFresh(p)

        # The category moves from C to D.
        self.warm_all(paths)
        self.assertStatus(self.srv.patch("/jobs/%d" % j["id"], {
            "category_id": cat_d}, user=c), 200)
        self.assertNotIn(j["id"], self.ids(in_c)[0])
        self.assertEqual(self.ids(in_d), ([j["id"]], 1))
        for p in paths:
            self.assertFresh(p)

        # Closed, it leaves the open search.
        self.warm_all(paths)
        self.assertIn(j["id"], self.ids(text)[0])
        self.assertStatus(self.srv.post("/jobs/%d/close" % j["id"], user=c),
                          200)
        self.assertEqual(self.ids(text), ([other["id"]], 1))
        for p in paths:
            self.assertFresh(p)


class KeyTest(CacheTestBase):
    """B12: different parameters never share an entry; the same ones in any
    order do; every answer equals the database's for its own parameters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        n = time.time_ns() % 10**9
        cls.word = "keyw%d" % n
        cls.cat = None
        c = srv.client()
        for i in range(12):
            title = "%s %s job %d" % (
                cls.word, ["python", "java", "Python"][i % 3], i)
            srv.job(c, title=title, budget_min_cents=1000 * (i + 1),
                    budget_max_cents=2000 * (i + 1))

    seen = set()

    def pair(self, a, b):
        """a twice, then b: b is answered for its own parameters (a MISS
        the first time it is asked), and both equal the database's
        answers."""
        first = self.srv.get(a)
        again = self.srv.get(a)
        if first.status < 400:
            self.assertEqual(again.body, first.body)
        rb = self.srv.get(b)
        if rb.status == 200 and b not in self.seen:
            self.assertEqual(rb.header("x-cache"), "MISS", b)
        self.seen.update((a, b))
        self.assertFresh(a)
        self.assertFresh(b)
        return first, rb

    def test_different_text_pages_sizes_and_sorts_get_their_own_answers(self):
        s = "/jobs/search?"
        w = self.word
        self.pair(s + "q=python", s + "q=java")
        self.pair(s + "q=%s&page=1&page_size=5" % w,
                  s + "q=%s&page=2&page_size=5" % w)
        self.pair(s + "q=%s&page_size=5" % w, s + "q=%s&page_size=50" % w)
        self.pair(s + "q=%s&sort=budget_asc" % w, s + "q=%s&sort=newest" % w)
        self.pair(s + "q=Python", s + "q=python")

    def test_a_value_holding_separators_never_collides(self):
        s = "/jobs/search?"
        a, b = self.pair(s + "q=python&sort=budget_asc",
                         s + "q=python%26sort%3Dbudget_asc")
        self.assertNotEqual(a.body, b.body)
        self.pair(s + "q=a&category_id=1", s + "q=a%26category_id%3D1")
        self.pair(s + "q=ab&status=open", s + "q=a&bstatus=open")
        self.pair(s + "budget_min_cents=1&budget_max_cents=20000",
                  s + "budget_min_cents=12&budget_max_cents=0000")
        self.pair(s + "q=%s&budget_min_cents=2000" % self.word,
                  s + "q=%s&budget_min_cents=20&budget_max_cents=00" %
                  self.word)
        self.pair(s + "q", s + "q=")
        self.pair(s + "q=x%00y", s + "q=x")

    def test_the_same_parameters_in_any_order_share_an_entry(self):
        s = "/jobs/search?"
        a = self.srv.get(s + "q=%s&page=1&page_size=5&sort=budget_desc" %
                         self.word)
        b = self.srv.get(s + "sort=budget_desc&page_size=5&q=%s&page=1" %
                         self.word)
        self.assertEqual(b.header("x-cache"), "HIT")
        self.assertEqual(a.body, b.body)
        self.assertFresh(s + "sort=budget_desc&page_size=5&q=%s&page=1" %
                         self.word)

    def test_paths_and_query_values_stay_apart(self):
        c = self.srv.client()
        j1 = self.srv.job(c)
        j2 = self.srv.job(c)
        self.warm("/jobs/%d" % j1["id"])
        r = self.srv.get("/jobs/%d" % j2["id"])
        self.assertEqual(r.header("x-cache"), "MISS")
        self.assertEqual(r.data["id"], j2["id"])
        # An unknown parameter is refused, never answered from the entry.
        r = self.srv.get("/jobs/%d?x=1" % j1["id"])
        self.assertStatus(r, 422, "validation_failed", "x")
        # A parameter given twice is refused, never answered from an entry.
        self.warm("/jobs/search?q=python")
        r = self.srv.get("/jobs/search?q=python&q=python")
        self.assertStatus(r, 400, "malformed_request", "q")

    def test_hits_are_counted_only_for_equal_requests(self):
        before = self.stats()["categories"]["jobs"]
        s = ("/jobs/search?q=%s&posted_after=2001-01-01T00:00:00Z&page_size="
             % self.word)
        for size in range(1, 9):
            self.assertEqual(self.srv.get(s + str(size)).header("x-cache"),
                             "MISS")
        self.assertEqual(self.srv.get(s + "3").header("x-cache"), "HIT")
        after = self.stats()["categories"]["jobs"]
        self.assertEqual(after["misses"] - before["misses"], 8)
        self.assertEqual(after["hits"] - before["hits"], 1)


class PrivateAnswersTest(CacheTestBase):
    """B11: an answer that depends on the caller is kept per caller, is
    never given to another, and says so to proxies."""

    def setUp(self):
        self.a = self.srv.freelancer()
        self.b = self.srv.freelancer()
        c = self.srv.client()
        self.client_user = c
        job = self.srv.job(c)
        self.srv.proposal(self.a, job["id"])
        self.job = job

    def check_private_headers(self, r):
        self.assertEqual(r.header("cache-control"), "private, no-cache")
        vary = [v.strip().lower() for v in r.header("vary").split(",")]
        self.assertIn("authorization", vary)
        self.assertIn("accept-encoding", vary)

    def test_b11_dashboard_is_the_callers_own(self):
        first = self.warm("/dashboard/freelancer", self.a)
        if first.status == 501:
            self.skipTest("GET /dashboard/freelancer is not implemented in "
                          "this build")
        self.check_private_headers(first)
        b = self.assertFresh("/dashboard/freelancer", self.b)
        self.assertNotEqual(b.body, first.body)
        self.assertEqual(b.header("x-cache"), "MISS")
        self.check_private_headers(b)
        r = self.srv.get("/dashboard/freelancer")
        self.assertStatus(r, 401)
        self.assertNotEqual(r.header("x-cache"), "HIT")
        r = self.srv.get("/dashboard/freelancer", user=self.client_user)
        self.assertStatus(r, 403)
        self.assertNotEqual(r.header("x-cache"), "HIT")
        self.assertEqual(self.srv.get("/dashboard/freelancer", user=self.a)
                         .body, first.body)

    def test_b11_owner_only_lists_are_never_served_to_others(self):
        path = "/proposals/freelancer/%d" % self.a.profile_id
        mine = self.warm(path, self.a)
        self.assertStatus(mine, 200)
        self.assertEqual(len(mine.items), 1)
        self.check_private_headers(mine)
        for other in (self.b, self.client_user):
            r = self.srv.get(path, user=other)
            self.assertStatus(r, 403, "forbidden")
            self.check_private_headers(r)
        self.assertStatus(self.srv.get(path), 401)
        admin = self.srv.get(path, user=self.admin())
        self.assertStatus(admin, 200)
        self.assertEqual(admin.header("x-cache"), "MISS")
        self.assertEqual(admin.json, mine.json)
        path = "/contracts/freelancer/%d" % self.a.profile_id
        self.warm(path, self.a)
        self.assertStatus(self.srv.get(path, user=self.b), 403)

    def test_b11_a_jobs_proposals_stay_with_its_client(self):
        path = "/jobs/%d/proposals" % self.job["id"]
        mine = self.warm(path, self.client_user)
        self.assertStatus(mine, 200)
        self.check_private_headers(mine)
        stranger = self.srv.client()
        self.assertStatus(self.srv.get(path, user=stranger), 403)
        self.assertStatus(self.srv.get(path, user=self.a), 403)

    def test_a_signed_out_token_is_refused_even_when_cached(self):
        u = self.srv.freelancer()
        path = "/proposals/freelancer/%d" % u.profile_id
        self.warm(path, u)
        self.assertStatus(self.srv.post("/auth/logout", user=u), (200, 204))
        self.assertStatus(self.srv.get(path, user=u), 401)

    def test_public_answers_say_no_cache_and_vary_on_encoding(self):
        r = self.warm("/jobs/%d" % self.job["id"])
        self.assertEqual(r.header("cache-control"), "no-cache")
        self.assertEqual(r.header("vary"), "Accept-Encoding")


class HttpCachingTest(CacheTestBase):
    """ETag and 304, gzip, HEAD, and a hit that runs no query."""

    def setUp(self):
        self.c = self.srv.client()
        self.job = self.srv.job(self.c, description="long text " * 300)
        self.path = "/jobs/%d" % self.job["id"]

    def test_a_repeated_get_is_served_without_a_query(self):
        self.warm(self.path)
        before = db_queries(self.srv)
        for _ in range(5):
            self.assertEqual(self.srv.get(self.path).header("x-cache"), "HIT")
        self.assertEqual(db_queries(self.srv), before)
        # A miss does query: the metric is not stuck.
        self.srv.get("/jobs/search?q=nomatch%d" % time.time_ns())
        self.assertGreater(db_queries(self.srv), before)

    def test_etag_is_strong_and_if_none_match_gives_304(self):
        r = self.warm(self.path)
        etag = r.header("etag")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        for inm in (etag, "W/" + etag, '"nope", ' + etag, "*"):
            nm = self.srv.get(self.path, headers={"If-None-Match": inm})
            self.assertEqual(nm.status, 304, inm)
            self.assertEqual(nm.body, b"")
            self.assertEqual(nm.header("etag"), etag)
            self.assertEqual(nm.header("x-cache"), "HIT")
        r = self.srv.get(self.path, headers={"If-None-Match": '"0"'})
        self.assertEqual(r.status, 200)
        # A change gives a new ETag; the old one no longer matches.
        r = self.srv.patch(self.path, {"title": "Changed"}, user=self.c)
        self.assertStatus(r, 200)
        r = self.srv.get(self.path, headers={"If-None-Match": etag})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.data["title"], "Changed")
        self.assertNotEqual(r.header("etag"), etag)

    def test_a_miss_also_carries_the_etag_and_honours_if_none_match(self):
        # Two searches that find nothing give the same bytes, so the first
        # one's ETag names the second one's answer before it is cached.
        n = time.time_ns()
        first = self.srv.get("/jobs/search?q=nothing%da" % n)
        self.assertEqual(first.header("x-cache"), "MISS")
        r = self.srv.get("/jobs/search?q=nothing%db" % n,
                         headers={"If-None-Match": first.header("etag")})
        self.assertEqual(r.status, 304)
        self.assertEqual(r.header("x-cache"), "MISS")
        self.assertEqual(r.body, b"")

    def test_gzip_is_sent_to_those_who_ask_and_decompresses_to_the_body(self):
        plain = self.warm(self.path)
        z = self.srv.get(self.path, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(z.status, 200)
        self.assertEqual(z.header("content-encoding"), "gzip")
        self.assertIn("Accept-Encoding", z.header("vary"))
        self.assertEqual(gzip.decompress(z.body), plain.body)
        self.assertLess(len(z.body), len(plain.body))
        self.assertNotEqual(z.header("etag"), plain.header("etag"))
        nm = self.srv.get(self.path, headers={
            "Accept-Encoding": "gzip", "If-None-Match": z.header("etag")})
        self.assertEqual(nm.status, 304)
        refused = self.srv.get(self.path,
                               headers={"Accept-Encoding": "gzip;q=0"})
        self.assertIsNone(refused.header("content-encoding"))
        self.assertEqual(refused.body, plain.body)

    def test_large_answers_that_are_not_cached_are_compressed_too(self):
        r = self.srv.get("/metrics", base=False,
                         headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.header("content-encoding"), "gzip")
        self.assertIn(b"fh_cache_requests_total", gzip.decompress(r.body))
        small = self.srv.get("/healthz", base=False,
                             headers={"Accept-Encoding": "gzip"})
        self.assertIsNone(small.header("content-encoding"))

    def test_head_is_answered_from_the_entry_without_a_body(self):
        full = self.warm(self.path)
        h = self.srv.request("HEAD", self.path)
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("x-cache"), "HIT")
        self.assertEqual(h.header("etag"), full.header("etag"))
        self.assertEqual(int(h.header("content-length")), len(full.body))

    def test_metrics_show_cache_counters(self):
        self.warm(self.path)
        text = self.srv.get("/metrics", base=False).body.decode()
        self.assertRegex(text, r'fh_cache_requests_total\{category="jobs",'
                               r'result="hit"\} [1-9]')
        self.assertIn("fh_cache_bytes ", text)
        self.assertIn("fh_cache_max_bytes 67108864", text)


class SingleFlightTest(CacheTestBase):
    server_env = {"THREADS": "8"}

    def test_concurrent_misses_on_one_key_query_once(self):
        c = self.srv.client()
        for i in range(40):
            self.srv.job(c, title="flight%d word%d" % (i, i),
                         description="flight " * 100)
        path = "/jobs/search?q=flight&page_size=100&sort=budget_desc"
        # One miss of this search costs this many statements (page=1 is
        # another key for the same query).
        before = db_queries(self.srv)
        self.assertEqual(self.srv.get(path + "&page=1").header("x-cache"),
                         "MISS")
        per_miss = db_queries(self.srv) - before
        self.assertGreater(per_miss, 0)

        n = 8
        barrier = threading.Barrier(n)
        results = []
        lock = threading.Lock()

        def fetch():
            conn = http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                              timeout=30)
            conn.connect()
            barrier.wait()
            conn.request("GET", BASE + path)
            r = conn.getresponse()
            body = r.read()
            with lock:
                results.append((r.status, r.getheader("X-Cache"), body))
            conn.close()

        before = db_queries(self.srv)
        threads = [threading.Thread(target=fetch) for _ in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(db_queries(self.srv) - before, per_miss)
        self.assertEqual([r[0] for r in results], [200] * n)
        self.assertEqual(len({r[2] for r in results}), 1)
        self.assertEqual(sum(r[1] == "MISS" for r in results), 1)


class ExpiryTest(CacheTestBase):
    server_env = {"CACHE_TTL_JOBS": "1", "CACHE_TTL_PROFILE": "300"}

    def test_entries_expire_after_their_ttl_and_are_reclaimed(self):
        c = self.srv.client()
        job = self.srv.job(c)
        path = "/jobs/%d" % job["id"]
        self.warm(path)
        # Changed behind the server's back: only the TTL can show it.
        self.sql("UPDATE freelance_job_postings SET title = 'Outside'"
                 " WHERE id = ?", (job["id"],))
        r = self.srv.get(path)
        self.assertEqual(r.header("x-cache"), "HIT")
        self.assertNotEqual(r.data["title"], "Outside")
        time.sleep(1.2)
        r = self.srv.get(path)
        self.assertEqual(r.header("x-cache"), "MISS")
        self.assertEqual(r.data["title"], "Outside")
        # Other categories keep their own TTL.
        f = self.srv.freelancer()
        self.warm("/profile/%d" % f.profile_id)
        self.warm(path)
        before = self.stats()
        deadline = time.time() + 5
        while time.time() < deadline:
            st = self.stats()
            if st["entries"] == 1:
                break
            time.sleep(0.25)
        # The job entry is gone without being asked for; the profile stays.
        self.assertEqual(st["entries"], 1)
        self.assertGreater(st["expired"], before["expired"])
        self.assertEqual(self.srv.get("/profile/%d" % f.profile_id)
                         .header("x-cache"), "HIT")
        self.assertEqual(st["categories"]["jobs"]["ttl_seconds"], 1)


class MemoryBoundTest(CacheTestBase):
    # A sanitizer build keeps freed memory aside (256 MB by default), which
    # would hide what the cache frees: keep that small here.
    server_env = {"CACHE_MAX_MB": "1",
                  "ASAN_OPTIONS": ":".join(filter(None, [
                      os.environ.get("ASAN_OPTIONS"),
                      "quarantine_size_mb=4"]))}

    def rss(self):
        return metric(self.srv, "fh_process_resident_memory_bytes")

    def test_filling_past_the_budget_evicts_and_stays_bounded(self):
        c = self.srv.client()
        for i in range(100):
            self.srv.job(c, title="bulk job %d" % i,
                         description="%d words " % i * 40)
        page = "/jobs/search?page_size=100&budget_max_cents=%d"
        r = self.srv.get(page % 10**9)
        self.assertGreater(len(r.body), 30000)
        rss_before = self.rss()
        for round_ in range(3):
            for i in range(60):
                self.srv.get(page % (10**9 + round_ * 1000 + i))
            st = self.stats()
            self.assertLessEqual(st["bytes"], st["max_bytes"])
            self.assertEqual(st["max_bytes"], 1 << 20)
        self.assertGreater(st["evictions"], 100)
        self.assertLess(st["entries"], 40)
        self.assertGreater(st["entries"], 5)
        # 180 answers of ~40 KB went through; what stays resident grows by
        # far less than they add up to (7 MB).
        self.assertLess(self.rss() - rss_before, 24 << 20)
        # The most recent entries are the ones kept.
        self.assertEqual(self.srv.get(page % (10**9 + 2059))
                         .header("x-cache"), "HIT")
        self.assertEqual(self.srv.get(page % (10**9 + 1))
                         .header("x-cache"), "MISS")


class AdminStatsTest(CacheTestBase):
    def test_only_admins_read_the_statistics(self):
        self.assertStatus(self.srv.get("/admin/cache"), 401)
        self.assertStatus(self.srv.get("/admin/cache",
                                       user=self.srv.client()), 403)
        st = self.stats()
        for k in ("enabled", "hits", "misses", "hit_rate", "entries", "bytes",
                  "max_bytes", "evictions", "expired", "invalidated",
                  "invalidations", "single_flight_waits", "categories",
                  "redis"):
            self.assertIn(k, st)
        self.assertTrue(st["enabled"])
        self.assertEqual(st["redis"], {"state": "off"})
        self.assertEqual(set(st["categories"]), {
            "profile", "jobs", "analytics", "marketplace", "default"})
        self.assertEqual(st["categories"]["profile"]["ttl_seconds"], 300)
        self.assertEqual(st["categories"]["jobs"]["ttl_seconds"], 60)
        self.assertEqual(st["categories"]["analytics"]["ttl_seconds"], 300)
        self.assertEqual(st["categories"]["marketplace"]["ttl_seconds"], 180)
        self.assertEqual(st["categories"]["default"]["ttl_seconds"], 120)

    def test_hit_rate_follows_the_requests(self):
        before = self.stats()
        self.srv.get("/categories")
        self.srv.get("/categories")
        self.srv.get("/categories")
        st = self.stats()
        m = st["categories"]["marketplace"]
        b = before["categories"]["marketplace"]
        self.assertEqual(m["misses"] - b["misses"], 1)
        self.assertEqual(m["hits"] - b["hits"], 2)
        self.assertAlmostEqual(m["hit_rate"],
                               m["hits"] / (m["hits"] + m["misses"]),
                               places=3)
        self.assertEqual(st["hits"], sum(
            v["hits"] for v in st["categories"].values()))


class RateLimitedHitsTest(ApiTest):
    """What belongs to one request (its rate-limit budget) is never kept in
    an entry: a hit carries the caller's own, current headers."""
    server_env = {"RATE_LIMIT_ENABLED": "true"}

    def test_hits_carry_the_current_rate_limit_headers(self):
        c = self.srv.client()
        path = "/jobs/%d" % self.srv.job(c)["id"]
        seen = []
        for _ in range(4):
            r = self.srv.get(path)
            self.assertStatus(r, 200)
            seen.append((r.header("x-cache"),
                         int(r.header("ratelimit-remaining"))))
        self.assertEqual([s[0] for s in seen], ["MISS", "HIT", "HIT", "HIT"])
        left = [s[1] for s in seen]
        self.assertEqual(left, [left[0] - i for i in range(4)])
        h = self.srv.request("HEAD", path)
        self.assertEqual(int(h.header("ratelimit-remaining")), left[-1] - 1)


class DisabledTest(ApiTest):
    server_env = {"CACHE_ENABLED": "false"}

    def test_nothing_is_cached_when_disabled(self):
        c = self.srv.client()
        job = self.srv.job(c)
        path = "/jobs/%d" % job["id"]
        self.srv.get(path)
        before = db_queries(self.srv)
        r = self.srv.get(path)
        self.assertIsNone(r.header("x-cache"))
        self.assertIsNone(r.header("etag"))
        self.assertGreater(db_queries(self.srv), before)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Redis:
    """A throwaway redis-server on a loopback port, no persistence."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="fh-redis-")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port),
             "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@unittest.skipIf(shutil.which("redis-server") is None,
                 "redis-server is not installed")
class TwoInstancesTest(ApiTest):
    """Two servers on one database share entries and invalidations through
    Redis; with Redis gone they answer from the database, and catch up."""

    @classmethod
    def setUpClass(cls):
        cls.redis = Redis().start()
        cls.server_env = {"REDIS_URL": "redis://127.0.0.1:%d/0"
                          % cls.redis.port}
        try:
            super().setUpClass()
            cls.other = Server(env=cls.server_env,
                               db_url=cls.srv.db_url).start()
        except Exception:
            if cls.srv:
                cls.srv.cleanup()
            cls.redis.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.other.stop()
            cls.check_log_clean(cls.other)
        finally:
            cls.other.cleanup()
            try:
                super().tearDownClass()
            finally:
                cls.redis.cleanup()

    def test_a_write_on_one_is_never_followed_by_stale_reads_on_the_other(self):
        a, b = self.srv, self.other
        c = a.client()
        job = a.job(c, title="Shared title")
        path = "/jobs/%d" % job["id"]
        search = "/jobs/search?q=Shared"
        self.assertEqual(a.get(path).header("x-cache"), "MISS")
        shared = b.get(path)
        self.assertEqual(shared.header("x-cache"), "HIT")   # A's fill
        self.assertEqual(b.get(path).header("x-cache"), "HIT")
        a.get(search)
        a.get(search)
        b.get(search)
        for i in range(5):
            writer, reader = (a, b) if i % 2 == 0 else (b, a)
            title = "Shared title %d" % i
            r = writer.patch(path, {"title": title}, user=c)
            self.assertStatus(r, 200)
            self.assertEqual(reader.get(path).data["title"], title)
            self.assertEqual(writer.get(path).data["title"], title)
            self.assertEqual(reader.get(search).items[0]["title"], title)
            # Both warm again before the next round.
            self.assertEqual(reader.get(path).header("x-cache"), "HIT")
            self.assertEqual(writer.get(path).header("x-cache"), "HIT")

    def test_private_answers_follow_writes_across_instances(self):
        a, b = self.srv, self.other
        f = a.freelancer()
        c = a.client()
        path = "/proposals/freelancer/%d" % f.profile_id
        self.assertEqual(b.get(path, user=f).meta["total_items"], 0)
        self.assertEqual(b.get(path, user=f).header("x-cache"), "HIT")
        job = a.job(c)
        a.proposal(f, job["id"])
        self.assertEqual(b.get(path, user=f).meta["total_items"], 1)

    def count(self, srv, text):
        return srv.log().count(text)

    def test_redis_outage_answers_from_the_database_and_recovers(self):
        a, b = self.srv, self.other
        c = a.client()
        job = a.job(c, title="Outage title")
        path = "/jobs/%d" % job["id"]
        a.get(path)
        self.assertEqual(b.get(path).header("x-cache"), "HIT")

        self.redis.stop()
        for i in range(6):
            r = a.get(path)
            self.assertStatus(r, 200)
            self.assertEqual(r.header("x-cache"), "MISS")
        # A write during the outage is seen by both at once.
        self.assertStatus(a.patch(path, {"title": "During outage"}, user=c),
                          200)
        for srv in (a, b):
            for _ in range(3):
                r = srv.get(path)
                self.assertEqual(r.data["title"], "During outage")
                self.assertEqual(r.header("x-cache"), "MISS")
        st = self.assertStatus(a.get("/admin/cache", user=a.user("admin")),
                               200).data
        self.assertEqual(st["redis"]["state"], "down")
        self.assertGreater(st["redis"]["bypassed"], 0)
        # One warning per outage, however many requests met it.
        for srv in (a, b):
            self.assertEqual(self.count(
                srv, 'msg="response cache: Redis cannot be reached'), 1)

        self.redis.start()
        deadline = time.time() + 10
        while time.time() < deadline:
            if a.get(path).header("x-cache") == "HIT":
                break
            time.sleep(0.2)
        self.assertEqual(a.get(path).header("x-cache"), "HIT")
        self.assertEqual(a.get(path).data["title"], "During outage")
        deadline = time.time() + 10
        while time.time() < deadline:
            r = b.get(path)
            if r.header("x-cache") == "HIT":
                break
            time.sleep(0.2)
        self.assertEqual(r.header("x-cache"), "HIT")
        self.assertEqual(r.data["title"], "During outage")
        for srv in (a, b):
            self.assertEqual(self.count(
                srv, 'msg="response cache: Redis answers again'), 1)
        self.assertStatus(b.patch(path, {"title": "After"}, user=c), 200)
        self.assertEqual(a.get(path).data["title"], "After")


if __name__ == "__main__":
    main()
