"""Job postings: create, read (GET and HEAD), edit, close, and a job's
proposals for its client; every kind of bad input, each changing nothing."""
import json
import sqlite3
import time

from harness import ApiTest, main


class Db:
    """The test server's SQLite file, for what the API cannot make: the
    reference list of categories, and freelancer profiles or proposals while
    their endpoints answer 501 (not implemented yet)."""

    def __init__(self, srv):
        self.srv = srv

    def run(self, sql, args=()):
        con = self.srv.connect(isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            cur = con.execute(sql, args)
            rows = cur.fetchall()
            last = cur.lastrowid
            con.execute("COMMIT")
            return rows, last
        finally:
            con.close()

    def value(self, sql, args=()):
        return self.run(sql, args)[0][0][0]

    def category(self, name):
        return self.run("INSERT INTO categories (name, slug) VALUES (?, ?)",
                        (name, name.lower()))[1]

    def job_count(self):
        return self.value("SELECT COUNT(*) FROM freelance_job_postings")

    def job_skill_count(self):
        return self.value("SELECT COUNT(*) FROM job_skills")


def freelancer_with_profile(srv, db):
    """A freelancer with a profile: through POST /profiles, or straight into
    the table while that endpoint is not implemented."""
    u = srv.freelancer(profile=False)
    r = srv.post("/profiles", {"title": "Developer " + u.name,
                               "hourly_rate_cents": 5000}, user=u)
    if r.status == 201:
        u.profile_id = r.data["id"]
    elif r.status == 501:
        now = int(time.time())
        u.profile_id = db.run(
            "INSERT INTO freelance_profiles (user_id, title, created_at,"
            " updated_at) VALUES (?, ?, ?, ?)",
            (u.id, "Developer " + u.name, now, now))[1]
    else:
        raise AssertionError("profile creation failed: %r" % (r,))
    return u


def add_proposal(srv, db, freelancer, job_id, bid=45000):
    """A pending proposal: through POST /proposals/create, or straight into
    the table (with the job's proposal_count) while it is not implemented.
    Returns the proposal's id."""
    body = {"job_posting_id": job_id, "bid_amount_cents": bid,
            "cover_letter": "I can do this well and on time.",
            "estimated_duration_days": 10}
    r = srv.post("/proposals/create", body, user=freelancer)
    if r.status == 201:
        return r.data["id"]
    if r.status != 501:
        raise AssertionError("proposal creation failed: %r" % (r,))
    now = int(time.time())
    con = db.srv.connect(isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        pid = con.execute(
            "INSERT INTO freelance_proposals (job_posting_id, freelancer_id,"
            " cover_letter, bid_amount_cents, estimated_duration_days,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (job_id, freelancer.profile_id, body["cover_letter"], bid, 10, now,
             now)).lastrowid
        con.execute("UPDATE freelance_job_postings SET proposal_count ="
                    " proposal_count + 1 WHERE id = ?", (job_id,))
        con.execute("COMMIT")
    finally:
        con.close()
    return pid


def withdraw_proposal(srv, db, freelancer, proposal_id):
    r = srv.post("/proposals/%d/withdraw" % proposal_id, user=freelancer)
    if r.status == 501:
        db.run("UPDATE freelance_proposals SET status = 'withdrawn'"
               " WHERE id = ?", (proposal_id,))
    elif r.status != 200:
        raise AssertionError("withdraw failed: %r" % (r,))


FULL_BODY = {
    "title": "Build a booking site", "description": "Django and React.",
    "budget_type": "hourly", "budget_min_cents": 3000,
    "budget_max_cents": 6000, "currency": "EUR",
    "experience_level": "intermediate", "skills": ["Django", "React"],
}


class JobLifeCycleTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = Db(cls.srv)
        cls.design = cls.db.category("Web Design")
        cls.dev = cls.db.category("Development")

    def create(self, user, **fields):
        body = dict(FULL_BODY, category_id=self.dev)
        body.update(fields)
        r = self.srv.post("/jobs", body, user=user)
        self.assertStatus(r, 201)
        return r.data

    def test_create_returns_the_job_as_get_shows_it(self):
        c = self.srv.client(country="PT")
        job = self.create(c)
        self.assertEqual(job["client"], {"id": c.id, "name": c.name,
                                         "country": "PT"})
        self.assertEqual(job["category"], {"id": self.dev,
                                           "name": "Development"})
        for k in ("title", "description", "budget_type", "budget_min_cents",
                  "budget_max_cents", "currency", "experience_level"):
            self.assertEqual(job[k], FULL_BODY[k], k)
        self.assertEqual(sorted(job["skills"]), ["Django", "React"])
        self.assertEqual(job["status"], "open")
        self.assertEqual(job["proposal_count"], 0)
        self.assertRegex(job["posted_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(job["posted_at"], job["updated_at"])
        r = self.assertStatus(self.srv.get("/jobs/%d" % job["id"]), 200)
        self.assertEqual(r.data, job)

    def test_create_with_only_required_fields_gets_defaults(self):
        c = self.srv.client()
        r = self.srv.post("/jobs", {"title": "Logo", "budget_type": "fixed"},
                          user=c)
        self.assertStatus(r, 201)
        job = r.data
        self.assertEqual(job["description"], "")
        self.assertEqual(job["currency"], "USD")
        self.assertIsNone(job["category"])
        self.assertIsNone(job["budget_min_cents"])
        self.assertIsNone(job["budget_max_cents"])
        self.assertIsNone(job["experience_level"])
        self.assertEqual(job["skills"], [])
        self.assertIsNone(job["client"]["country"])

    def test_life_cycle_create_edit_close(self):
        c = self.srv.client()
        job = self.create(c)
        path = "/jobs/%d" % job["id"]

        r = self.srv.patch(path, {"title": "Booking site v2",
                                  "category_id": self.design,
                                  "skills": ["Vue", "vue", "Go"],
                                  "budget_max_cents": 9000}, user=c)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["title"], "Booking site v2")
        self.assertEqual(r.data["category"]["id"], self.design)
        self.assertEqual(sorted(r.data["skills"]), ["Go", "Vue"])
        self.assertEqual(r.data["budget_max_cents"], 9000)
        self.assertEqual(r.data["budget_min_cents"], 3000)  # untouched
        self.assertEqual(r.data["description"], FULL_BODY["description"])

        r = self.srv.patch(path, {"category_id": None, "experience_level": None,
                                  "budget_min_cents": None,
                                  "budget_max_cents": None}, user=c)
        self.assertStatus(r, 200)
        for k in ("category", "experience_level", "budget_min_cents",
                  "budget_max_cents"):
            self.assertIsNone(r.data[k], k)
        self.assertEqual(sorted(r.data["skills"]), ["Go", "Vue"])

        r = self.srv.post(path + "/close", user=c)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["status"], "closed")
        closed = r.data

        self.assertStatus(self.srv.patch(path, {"title": "again"}, user=c),
                          409, "conflict")
        self.assertStatus(self.srv.post(path + "/close", user=c), 409,
                          "conflict")
        self.assertEqual(self.srv.get(path).data, closed)

    def test_patch_with_empty_object_keeps_the_job(self):
        c = self.srv.client()
        job = self.create(c)
        r = self.srv.patch("/jobs/%d" % job["id"], {}, user=c)
        self.assertStatus(r, 200)
        for k in job:
            if k != "updated_at":
                self.assertEqual(r.data[k], job[k], k)

    def test_close_takes_an_empty_object_but_no_members(self):
        c = self.srv.client()
        job = self.create(c)
        path = "/jobs/%d/close" % job["id"]
        self.assertStatus(self.srv.post(path, {"reason": "x"}, user=c), 422,
                          "validation_failed", "reason")
        self.assertEqual(self.srv.get("/jobs/%d" % job["id"]).data["status"],
                         "open")
        self.assertStatus(self.srv.post(path, {}, user=c), 200)

    def test_head_job_gives_get_headers_and_no_body(self):
        c = self.srv.client()
        job = self.create(c)
        g = self.srv.get("/jobs/%d" % job["id"])
        h = self.srv.request("HEAD", "/jobs/%d" % job["id"])
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        for name in ("content-type", "content-length"):
            self.assertEqual(h.header(name), g.header(name), name)
        self.assertEqual(int(h.header("content-length")), len(g.body))
        h = self.srv.request("HEAD", "/jobs/999999")
        self.assertEqual((h.status, h.body), (404, b""))

    def test_get_takes_no_query_parameters(self):
        c = self.srv.client()
        job = self.create(c)
        r = self.srv.get("/jobs/%d?expand=1" % job["id"])
        self.assertStatus(r, 422, "validation_failed", "expand")


class JobPermissionsTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = Db(cls.srv)

    def setUp(self):
        self.owner = self.srv.client()
        self.job = self.srv.job(self.owner)
        self.path = "/jobs/%d" % self.job["id"]

    def assertUnchanged(self):
        self.assertEqual(self.srv.get(self.path).data, self.job)

    def test_only_clients_create_jobs(self):
        before = self.db.job_count()
        body = {"title": "x", "budget_type": "fixed"}
        self.assertStatus(self.srv.post("/jobs", body), 401, "unauthorized")
        f = self.srv.freelancer(profile=False)
        r = self.srv.post("/jobs", body, user=f)
        self.assertStatus(r, 403, "forbidden")
        a = self.srv.user("admin")
        r = self.srv.post("/jobs", body, user=a)
        self.assertStatus(r, 403, "forbidden")
        r = self.srv.post("/jobs", body, headers={"Authorization": "Bearer " + "x" * 43})
        self.assertStatus(r, 401, "unauthorized", "Authorization")
        self.assertEqual(self.db.job_count(), before)

    def test_editing_another_clients_job_is_403_and_changes_nothing(self):
        other = self.srv.client()
        r = self.srv.patch(self.path, {"title": "mine now"}, user=other)
        self.assertStatus(r, 403, "forbidden")
        f = self.srv.freelancer(profile=False)
        r = self.srv.patch(self.path, {"title": "mine now"}, user=f)
        self.assertStatus(r, 403, "forbidden")
        r = self.srv.patch(self.path, {"title": "mine now"})
        self.assertStatus(r, 401, "unauthorized")
        self.assertUnchanged()

    def test_closing_another_clients_job_is_403_and_changes_nothing(self):
        other = self.srv.client()
        self.assertStatus(self.srv.post(self.path + "/close", user=other), 403,
                          "forbidden")
        admin = self.srv.user("admin")
        self.assertStatus(self.srv.post(self.path + "/close", user=admin), 403,
                          "forbidden")
        self.assertStatus(self.srv.post(self.path + "/close"), 401,
                          "unauthorized")
        self.assertUnchanged()

    def test_unknown_job_is_404(self):
        c = self.owner
        self.assertStatus(self.srv.get("/jobs/987654"), 404, "not_found")
        self.assertStatus(self.srv.patch("/jobs/987654", {"title": "x"},
                                         user=c), 404, "not_found")
        self.assertStatus(self.srv.post("/jobs/987654/close", user=c), 404,
                          "not_found")
        self.assertStatus(self.srv.get("/jobs/987654/proposals", user=c), 404,
                          "not_found")

    def test_ids_that_are_not_positive_integers_are_400(self):
        c = self.owner
        for bad in ("0", "-1", "abc", "1.5", "1e3", "99999999999999999999",
                    "%20"):
            p = "/jobs/" + bad
            self.assertStatus(self.srv.get(p), 400, "malformed_request", "id")
            self.assertStatus(self.srv.patch(p, {"title": "x"}, user=c), 400,
                              "malformed_request", "id")
            self.assertStatus(self.srv.post(p + "/close", user=c), 400,
                              "malformed_request", "id")
            self.assertStatus(self.srv.get(p + "/proposals", user=c), 400,
                              "malformed_request", "id")
        self.assertUnchanged()


# (body, status, field) for POST /jobs; each must leave the database as it
# was. The body is merged over a valid one unless it is raw bytes.
VALID = {"title": "A valid job", "budget_type": "fixed"}
BAD_CREATE = [
    ({"title": 5}, 400, "title"),
    ({"title": ["x"]}, 400, "title"),
    ({"description": 1}, 400, "description"),
    ({"category_id": "1"}, 400, "category_id"),
    ({"category_id": 1.5}, 400, "category_id"),
    ({"budget_type": True}, 400, "budget_type"),
    ({"budget_min_cents": "100"}, 400, "budget_min_cents"),
    ({"budget_max_cents": 10.5}, 400, "budget_max_cents"),
    ({"currency": 840}, 400, "currency"),
    ({"experience_level": 2}, 400, "experience_level"),
    ({"skills": "Python"}, 400, "skills"),
    ({"skills": [1, 2]}, 400, "skills"),
    ({"skills": [None]}, 400, "skills"),
    ({"title": None}, 422, "title"),
    ({"title": ""}, 422, "title"),
    ({"title": "   "}, 422, "title"),
    ({"title": "x" * 201}, 422, "title"),
    ({"title": "\u00e9" * 201}, 422, "title"),
    ({"description": "d" * 20001}, 422, "description"),
    ({"budget_type": "weekly"}, 422, "budget_type"),
    ({"budget_type": None}, 422, "budget_type"),
    ({"budget_min_cents": -1}, 422, "budget_min_cents"),
    ({"budget_max_cents": 10000000001}, 422, "budget_max_cents"),
    ({"budget_min_cents": 5000, "budget_max_cents": 4999}, 422,
     "budget_max_cents"),
    ({"category_id": 0}, 422, "category_id"),
    ({"category_id": -4}, 422, "category_id"),
    ({"category_id": 424242}, 422, "category_id"),
    ({"currency": "usd"}, 422, "currency"),
    ({"currency": "US"}, 422, "currency"),
    ({"currency": "EURO"}, 422, "currency"),
    ({"currency": None}, 422, "currency"),
    ({"experience_level": "guru"}, 422, "experience_level"),
    ({"skills": ["s%d" % i for i in range(21)]}, 422, "skills"),
    ({"skills": ["k" * 51]}, 422, "skills"),
    ({"skills": [""]}, 422, "skills"),
    ({"skills": ["Python", "   "]}, 422, "skills"),
    ({"colour": "red"}, 422, "colour"),
    ({"id": 7}, 422, "id"),
    ({"status": "closed"}, 422, "status"),
]
BAD_RAW = [
    (b'{"title": "x", "budget_type": "fixed"', 400, None),   # cut short
    (b'{"title": "x", "budget_type": "fixed",}', 400, None),  # trailing comma
    (b'[]', 400, None),
    (b'"job"', 400, None),
    (b'{"title": "a\\u0000b", "budget_type": "fixed"}', 400, None),
    (b'{"title": "caf\xe9", "budget_type": "fixed"}', 400, None),
    (b'{"title": "\xed\xa0\x80", "budget_type": "fixed"}', 400, None),
    (b'{"title": "x", "title": "y", "budget_type": "fixed"}', 400, None),
    (b'{"title": "x", "budget_type": "fixed", "budget_min_cents": '
     b'99999999999999999999999}', 400, None),
]


class JobBadInputTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = Db(cls.srv)
        cls.client = cls.srv.client()

    def test_bad_create_bodies_are_refused_and_change_nothing(self):
        before = (self.db.job_count(), self.db.job_skill_count())
        for fields, status, field in BAD_CREATE:
            body = dict(VALID, **fields)
            with self.subTest(body=json.dumps(body)[:80]):
                r = self.srv.post("/jobs", body, user=self.client)
                code = "malformed_request" if status == 400 else \
                    "validation_failed"
                self.assertStatus(r, status, code, field)
        for raw, status, field in BAD_RAW:
            with self.subTest(raw=raw[:80]):
                r = self.srv.post("/jobs", raw=raw, user=self.client,
                                  headers={"Content-Type": "application/json"})
                self.assertStatus(r, status, None, field)
        self.assertEqual((self.db.job_count(), self.db.job_skill_count()),
                         before)

    def test_missing_required_fields_are_422(self):
        before = self.db.job_count()
        for body, field in (({"budget_type": "fixed"}, "title"),
                            ({"title": "x"}, "budget_type")):
            r = self.srv.post("/jobs", body, user=self.client)
            self.assertStatus(r, 422, "validation_failed", field)
        self.assertEqual(self.db.job_count(), before)

    def test_empty_or_non_json_body_is_refused(self):
        before = self.db.job_count()
        r = self.srv.post("/jobs", raw=b"", user=self.client,
                          headers={"Content-Type": "application/json"})
        self.assertStatus(r, 400)
        r = self.srv.post("/jobs", raw=b'{"title":"x","budget_type":"fixed"}',
                          user=self.client,
                          headers={"Content-Type": "text/plain"})
        self.assertStatus(r, 415)
        self.assertEqual(self.db.job_count(), before)

    def test_limits_count_characters_not_bytes(self):
        r = self.srv.post("/jobs", dict(VALID, title="\u00e9" * 200),
                          user=self.client)
        self.assertStatus(r, 201)
        self.assertEqual(r.data["title"], "\u00e9" * 200)
        r = self.srv.post("/jobs", dict(VALID, title="t" * 200,
                                        description="d" * 20000,
                                        budget_min_cents=0,
                                        budget_max_cents=10000000000,
                                        skills=["k" * 50] * 20),
                          user=self.client)
        self.assertStatus(r, 201)
        self.assertEqual(r.data["skills"], ["k" * 50])

    def test_bad_patch_bodies_are_refused_and_change_nothing(self):
        job = self.srv.job(self.client, budget_min_cents=1000,
                           budget_max_cents=2000, skills=["Rust", "Go"])
        path = "/jobs/%d" % job["id"]
        skills_before = self.db.job_skill_count()
        cases = BAD_CREATE + [
            ({"budget_min_cents": 2001}, 422, "budget_max_cents"),
            ({"budget_max_cents": 999}, 422, "budget_max_cents")]
        for fields, status, field in cases:
            with self.subTest(body=json.dumps(fields)[:80]):
                r = self.srv.patch(path, fields, user=self.client)
                code = "malformed_request" if status == 400 else \
                    "validation_failed"
                self.assertStatus(r, status, code, field)
        for raw, status, field in BAD_RAW:
            with self.subTest(raw=raw[:80]):
                r = self.srv.request("PATCH", path, raw=raw, user=self.client,
                                     headers={"Content-Type":
                                              "application/json"})
                self.assertStatus(r, status, None, field)
        self.assertEqual(self.srv.get(path).data, job)
        self.assertEqual(self.db.job_skill_count(), skills_before)

    def test_failed_patch_rolls_back_the_skills_it_replaced(self):
        job = self.srv.job(self.client, skills=["Rust", "Go"])
        path = "/jobs/%d" % job["id"]
        # The skills are replaced before the blank name is found.
        r = self.srv.patch(path, {"skills": ["Elixir", " "]}, user=self.client)
        self.assertStatus(r, 422, "validation_failed", "skills")
        self.assertEqual(sorted(self.srv.get(path).data["skills"]),
                         ["Go", "Rust"])
        r = self.srv.patch(path, {"skills": ["Elixir"], "category_id": 999},
                           user=self.client)
        self.assertStatus(r, 422, "validation_failed", "category_id")
        self.assertEqual(self.srv.get(path).data, job)


class JobProposalsTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = Db(cls.srv)

    @staticmethod
    def check_log_clean(srv):
        """As the harness's, but the 501 of a placeholder endpoint (profiles
        and proposals until they land) is not a fault of this test."""
        class Filtered:
            def log(self):
                return "\n".join(l for l in srv.log().splitlines()
                                 if "code=not_implemented" not in l)

            def read_file(self, name):
                return srv.read_file(name)
        ApiTest.check_log_clean(Filtered())

    def setUp(self):
        self.owner = self.srv.client()
        self.job = self.srv.job(self.owner)
        self.path = "/jobs/%d/proposals" % self.job["id"]

    def test_job_with_no_proposals_gives_an_empty_list(self):
        r = self.assertStatus(self.srv.get(self.path, user=self.owner), 200)
        self.assertEqual(r.items, [])
        self.assertEqual(r.meta["total_items"], 0)
        self.assertEqual(r.meta["total_pages"], 0)
        self.assertFalse(r.meta["has_next"])

    def test_only_the_jobs_client_or_an_admin_may_list(self):
        self.assertStatus(self.srv.get(self.path), 401, "unauthorized")
        other = self.srv.client()
        self.assertStatus(self.srv.get(self.path, user=other), 403, "forbidden")
        f = self.srv.freelancer(profile=False)
        self.assertStatus(self.srv.get(self.path, user=f), 403, "forbidden")
        admin = self.srv.user("admin")
        self.assertStatus(self.srv.get(self.path, user=admin), 200)

    def test_bad_query_is_refused(self):
        u = self.owner
        self.assertStatus(self.srv.get(self.path + "?status=won", user=u), 422,
                          "validation_failed", "status")
        self.assertStatus(self.srv.get(self.path + "?page_size=101", user=u),
                          422, "validation_failed", "page_size")
        self.assertStatus(self.srv.get(self.path + "?page=x", user=u), 400,
                          "malformed_request", "page")
        self.assertStatus(self.srv.get(self.path + "?sort=old", user=u), 422,
                          "validation_failed", "sort")

    def test_lists_proposals_newest_first_with_the_freelancer(self):
        fs = [freelancer_with_profile(self.srv, self.db) for _ in range(3)]
        ids = [add_proposal(self.srv, self.db, f, self.job["id"], bid=1000 + i)
               for i, f in enumerate(fs)]
        r = self.assertStatus(self.srv.get(self.path, user=self.owner), 200)
        self.assertEqual([p["id"] for p in r.items], ids[::-1])
        self.assertEqual(r.meta["total_items"], 3)
        first = r.items[-1]
        self.assertEqual(first["job_posting_id"], self.job["id"])
        self.assertEqual(first["freelancer_id"], fs[0].profile_id)
        self.assertEqual(first["bid_amount_cents"], 1000)
        self.assertEqual(first["status"], "pending")
        self.assertEqual(first["freelancer"]["id"], fs[0].profile_id)
        self.assertEqual(first["freelancer"]["name"], fs[0].name)
        self.assertIn("title", first["freelancer"])
        self.assertEqual(first["freelancer"]["rating"],
                         {"average": None, "count": 0})
        self.assertEqual(self.srv.get("/jobs/%d" % self.job["id"])
                         .data["proposal_count"], 3)
        walked = self.walk(self.path, 1, user=self.owner)
        self.assertEqual([p["id"] for p in walked], ids[::-1])

    def test_close_rejects_pending_proposals_only(self):
        fs = [freelancer_with_profile(self.srv, self.db) for _ in range(2)]
        keep = add_proposal(self.srv, self.db, fs[0], self.job["id"])
        gone = add_proposal(self.srv, self.db, fs[1], self.job["id"])
        withdraw_proposal(self.srv, self.db, fs[1], gone)

        other = self.srv.client()
        self.assertStatus(self.srv.post("/jobs/%d/close" % self.job["id"],
                                        user=other), 403)
        r = self.srv.get(self.path + "?status=pending", user=self.owner)
        self.assertEqual([p["id"] for p in r.items], [keep])

        self.assertStatus(self.srv.post("/jobs/%d/close" % self.job["id"],
                                        user=self.owner), 200)
        r = self.srv.get(self.path, user=self.owner)
        status = {p["id"]: p["status"] for p in r.items}
        self.assertEqual(status, {keep: "rejected", gone: "withdrawn"})
        r = self.srv.get(self.path + "?status=rejected", user=self.owner)
        self.assertEqual([p["id"] for p in r.items], [keep])
        self.assertEqual(r.meta["total_items"], 1)


if __name__ == "__main__":
    main()
