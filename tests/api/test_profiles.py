"""Freelancer profiles: create, read, update, the portfolio, ownership, bad
input of every kind, and the freelancer search (filters, sorts, pages,
ties).

Ratings, reviews and imported data are written by other parts of the
program; here they are set straight in the database so that reading them
can be tested on its own."""
import http.client
import json
import sqlite3
import threading
import time
from contextlib import closing

from harness import BASE, ApiTest, main

PROFILE_KEYS = {
    "id", "user_id", "name", "title", "bio", "hourly_rate_cents", "currency",
    "availability", "experience_level", "category", "country", "skills",
    "portfolio", "rating", "recent_reviews", "completed_jobs",
    "total_earnings_cents", "imported", "created_at", "updated_at"}
ITEM_KEYS = {"id", "title", "description", "url", "created_at"}
SEARCH_KEYS = {
    "id", "user_id", "name", "title", "hourly_rate_cents", "currency",
    "rating", "completed_jobs", "availability", "country", "skills"}


class ProfileTestBase(ApiTest):
    """Helpers that reach into the test database for what other modules
    would write (ratings, reviews, categories, imports)."""
    _tag = 0

    def db(self):
        return closing(self.srv.connect())

    def sql(self, statement, args=()):
        with self.db() as c:
            with c:
                cur = c.execute(statement, args)
                return cur.lastrowid, cur.fetchall()

    def tag(self, prefix="t"):
        ProfileTestBase._tag += 1
        return "%s%d%d" % (prefix, int(time.time() * 1000) % 100000,
                           ProfileTestBase._tag)

    def category(self, name=None):
        name = name or self.tag("Cat")
        cid, _ = self.sql("INSERT INTO categories (name, slug) VALUES (?, ?)",
                          (name, name.lower()))
        return cid

    def set_stats(self, profile_id, ratings=(), completed_jobs=0):
        """Sets the rating aggregates as the reviews code keeps them."""
        total, count = sum(ratings), len(ratings)
        avg = total / count if count else None
        self.sql("UPDATE freelance_profiles SET rating_sum = ?, "
                 "rating_count = ?, rating_avg = ?, completed_jobs = ? "
                 "WHERE id = ?",
                 (total, count, avg, completed_jobs, profile_id))

    def add_review(self, freelancer, rating, created_at, comment=""):
        """A completed contract of a new client with freelancer, reviewed by
        the client; returns (review id, client)."""
        client = self.srv.client()
        with self.db() as c:
            with c:
                job = c.execute(
                    "INSERT INTO freelance_job_postings (client_id, title,"
                    " budget_type, status, posted_at, updated_at)"
                    " VALUES (?, 'Job', 'fixed', 'closed', 0, 0)",
                    (client.id,)).lastrowid
                prop = c.execute(
                    "INSERT INTO freelance_proposals (job_posting_id,"
                    " freelancer_id, cover_letter, bid_amount_cents,"
                    " estimated_duration_days, status, created_at, updated_at)"
                    " VALUES (?, ?, 'Cover', 100, 1, 'accepted', 0, 0)",
                    (job, freelancer.profile_id)).lastrowid
                con = c.execute(
                    "INSERT INTO freelance_contracts (proposal_id,"
                    " job_posting_id, freelancer_id, client_id, amount_cents,"
                    " status, started_at) VALUES (?, ?, ?, ?, 100,"
                    " 'completed', 0)",
                    (prop, job, freelancer.profile_id, client.id)).lastrowid
                rid = c.execute(
                    "INSERT INTO reviews (contract_id, reviewer_id,"
                    " reviewee_id, rating, comment, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (con, client.id, freelancer.id, rating, comment,
                     created_at)).lastrowid
                c.execute(
                    "UPDATE freelance_profiles SET"
                    " rating_sum = rating_sum + ?1,"
                    " rating_count = rating_count + 1,"
                    " rating_avg = CAST(rating_sum + ?1 AS REAL)"
                    "   / (rating_count + 1) WHERE id = ?2",
                    (rating, freelancer.profile_id))
        return rid, client

    def profile(self, pid):
        return self.assertStatus(self.srv.get("/profile/%d" % pid), 200).data

    def at_once(self, method, path, body, user, n):
        """Sends the same request on n connections released together;
        returns the statuses."""
        conns = [http.client.HTTPConnection("127.0.0.1", self.srv.port,
                                            timeout=30) for _ in range(n)]
        for c in conns:
            c.connect()
        gate, statuses = threading.Barrier(n), []

        def send(c):
            gate.wait()
            c.request(method, BASE + path, body=json.dumps(body),
                      headers={"Content-Type": "application/json",
                               "Authorization": "Bearer " + user.token})
            r = c.getresponse()
            r.read()
            statuses.append(r.status)
            c.close()

        threads = [threading.Thread(target=send, args=(c,)) for c in conns]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        return sorted(statuses)

    def raw(self, method, path, data, user=None, ctype="application/json"):
        headers = {"Content-Type": ctype} if ctype else {}
        return self.srv.request(method, path, raw=data, user=user,
                                headers=headers)


class ProfileLifeCycleTest(ProfileTestBase):
    def test_create_read_patch_portfolio_life_cycle(self):
        cat = self.category()
        f = self.srv.freelancer(profile=False)
        body = {"title": "Backend engineer", "bio": "Ten years of C.",
                "hourly_rate_cents": 9000, "currency": "EUR",
                "skills": ["C", "SQLite"], "availability": "busy",
                "experience_level": "expert", "category_id": cat,
                "country": "Portugal"}
        r = self.assertStatus(self.srv.post("/profiles", body, user=f), 201)
        p = r.data
        self.assertEqual(set(p), PROFILE_KEYS)
        self.assertEqual(p["user_id"], f.id)
        self.assertEqual(p["name"], f.name)
        for k in ("title", "bio", "hourly_rate_cents", "currency",
                  "availability", "experience_level", "country"):
            self.assertEqual(p[k], body[k], k)
        self.assertEqual(p["category"]["id"], cat)
        self.assertEqual(sorted(p["skills"]), ["C", "SQLite"])
        self.assertEqual(p["portfolio"], [])
        self.assertEqual(p["rating"], {"average": None, "count": 0})
        self.assertEqual(p["recent_reviews"], [])
        self.assertEqual(p["completed_jobs"], 0)
        self.assertEqual(p["total_earnings_cents"], 0)
        self.assertIsNone(p["imported"])
        self.assertTrue(p["created_at"].endswith("Z"))
        self.assertEqual(self.profile(p["id"]), p)

        r = self.srv.patch("/profile/%d" % p["id"],
                           {"title": "Systems engineer", "skills": ["Rust"],
                            "hourly_rate_cents": 12000}, user=f)
        q = self.assertStatus(r, 200).data
        self.assertEqual(q["title"], "Systems engineer")
        self.assertEqual(q["skills"], ["Rust"])
        self.assertEqual(q["hourly_rate_cents"], 12000)
        self.assertEqual(q["bio"], body["bio"])  # untouched
        self.assertEqual(self.profile(p["id"]), q)

        r = self.srv.post("/profile/%d/portfolio" % p["id"],
                          {"title": "A compiler", "description": "Small.",
                           "url": "https://example.test/cc"}, user=f)
        item = self.assertStatus(r, 201).data
        self.assertEqual(set(item), ITEM_KEYS)
        self.assertEqual(item["url"], "https://example.test/cc")
        self.assertEqual(self.profile(p["id"])["portfolio"], [item])

        r = self.srv.delete("/profile/%d/portfolio/%d" % (p["id"], item["id"]),
                            user=f)
        self.assertEqual(self.assertStatus(r, 200).data,
                         {"id": item["id"], "deleted": True})
        self.assertEqual(self.profile(p["id"])["portfolio"], [])
        r = self.srv.delete("/profile/%d/portfolio/%d" % (p["id"], item["id"]),
                            user=f)
        self.assertStatus(r, 404, "not_found")

    def test_defaults_when_only_title_is_given(self):
        f = self.srv.freelancer(profile=False)
        r = self.srv.post("/profiles", {"title": "Designer"}, user=f)
        p = self.assertStatus(r, 201).data
        self.assertEqual(p["currency"], "USD")
        self.assertEqual(p["availability"], "available")
        self.assertEqual(p["bio"], "")
        for k in ("hourly_rate_cents", "experience_level", "category",
                  "country"):
            self.assertIsNone(p[k], k)
        self.assertEqual(p["skills"], [])

    def test_second_profile_is_409_and_first_is_unchanged(self):
        f = self.srv.freelancer()
        before = self.profile(f.profile_id)
        r = self.srv.post("/profiles", {"title": "Another"}, user=f)
        self.assertStatus(r, 409, "conflict")
        self.assertEqual(self.profile(f.profile_id), before)

    def test_simultaneous_creates_give_one_profile(self):
        f = self.srv.freelancer(profile=False)
        statuses = self.at_once("POST", "/profiles", {"title": "Racer"}, f, 6)
        self.assertEqual(statuses, [201] + [409] * 5)
        _, rows = self.sql("SELECT COUNT(*) FROM freelance_profiles"
                           " WHERE user_id = ?", (f.id,))
        self.assertEqual(rows, [(1,)])

    def test_client_is_403_and_anonymous_is_401(self):
        c = self.srv.client()
        self.assertStatus(self.srv.post("/profiles", {"title": "X"}, user=c),
                          403, "forbidden")
        self.assertStatus(self.srv.post("/profiles", {"title": "X"}), 401,
                          "unauthorized")
        r = self.srv.post("/profiles", {"title": "X"},
                          headers={"Authorization": "Bearer " + "x" * 43})
        self.assertStatus(r, 401, "unauthorized")

    def test_skills_are_deduplicated_by_name_and_created(self):
        name = self.tag("Zig")
        f = self.srv.freelancer(skills=[name, name.lower(), "  %s " % name])
        self.assertEqual(self.profile(f.profile_id)["skills"], [name])
        r = self.assertStatus(self.srv.get("/skills?q=" + name.lower()), 200)
        self.assertEqual([s["name"] for s in r.items], [name])

    def test_patch_keeps_skills_when_absent_and_replaces_when_given(self):
        f = self.srv.freelancer(skills=["Go", "Python"])
        r = self.srv.patch("/profile/%d" % f.profile_id, {"bio": "Hi"}, user=f)
        self.assertEqual(sorted(self.assertStatus(r, 200).data["skills"]),
                         ["Go", "Python"])
        r = self.srv.patch("/profile/%d" % f.profile_id, {"skills": []},
                           user=f)
        self.assertEqual(self.assertStatus(r, 200).data["skills"], [])

    def test_patch_null_clears_the_optional_fields(self):
        cat = self.category()
        f = self.srv.freelancer(experience_level="entry", category_id=cat,
                                country="Chile")
        r = self.srv.patch("/profile/%d" % f.profile_id,
                           {"hourly_rate_cents": None, "category_id": None,
                            "experience_level": None, "country": None},
                           user=f)
        p = self.assertStatus(r, 200).data
        for k in ("hourly_rate_cents", "category", "experience_level",
                  "country"):
            self.assertIsNone(p[k], k)

    def test_patch_sets_updated_at_and_keeps_created_at(self):
        f = self.srv.freelancer()
        before = self.profile(f.profile_id)
        time.sleep(1.1)
        r = self.srv.patch("/profile/%d" % f.profile_id, {"title": "New"},
                           user=f)
        after = self.assertStatus(r, 200).data
        self.assertEqual(after["created_at"], before["created_at"])
        self.assertGreater(after["updated_at"], before["updated_at"])

    def test_empty_patch_changes_nothing(self):
        f = self.srv.freelancer()
        before = self.profile(f.profile_id)
        r = self.srv.patch("/profile/%d" % f.profile_id, {}, user=f)
        self.assertEqual(self.assertStatus(r, 200).data, before)

    def test_rating_has_two_decimals_and_recent_reviews_are_newest_five(self):
        f = self.srv.freelancer()
        ids = []
        for i, stars in enumerate([5, 4, 1, 5, 3, 2, 4]):
            rid, _ = self.add_review(f, stars, 1700000000 + i * 60,
                                     "review %d" % i)
            ids.append(rid)
        r = self.srv.get("/profile/%d" % f.profile_id)
        p = self.assertStatus(r, 200).data
        self.assertEqual(p["rating"], {"average": 3.43, "count": 7})
        self.assertIn(b'"average":3.43', r.body)
        recent = p["recent_reviews"]
        self.assertEqual([x["id"] for x in recent], ids[::-1][:5])
        self.assertEqual(set(recent[0]), {"id", "rating", "comment",
                                          "reviewer_name", "created_at"})
        self.assertEqual(recent[0]["rating"], 4)
        self.assertEqual(recent[0]["comment"], "review 6")
        self.assertTrue(recent[0]["reviewer_name"].startswith("Client"))

    def test_reviews_with_the_same_time_are_ordered_by_id(self):
        f = self.srv.freelancer()
        ids = [self.add_review(f, 5, 1700000000)[0] for _ in range(3)]
        p = self.profile(f.profile_id)
        self.assertEqual([x["id"] for x in p["recent_reviews"]], ids[::-1])
        self.assertEqual(p["rating"], {"average": 5.0, "count": 3})

    def test_imported_block_shows_the_source(self):
        f = self.srv.freelancer()
        self.sql("UPDATE freelance_profiles SET source = 'upwork',"
                 " source_rating = 4.8666, source_review_count = 31"
                 " WHERE id = ?", (f.profile_id,))
        self.assertEqual(self.profile(f.profile_id)["imported"],
                         {"source": "upwork", "rating": 4.87,
                          "review_count": 31})

    def test_unknown_profile_is_404_and_bad_ids_are_400(self):
        self.assertStatus(self.srv.get("/profile/99999999"), 404, "not_found")
        for bad in ("0", "-1", "abc", "1.5", "99999999999999999999"):
            with self.subTest(bad=bad):
                self.assertStatus(self.srv.get("/profile/" + bad), 400,
                                  "malformed_request", "id")

    def test_unknown_query_parameter_is_422(self):
        f = self.srv.freelancer()
        r = self.srv.get("/profile/%d?expand=all" % f.profile_id)
        self.assertStatus(r, 422, "validation_failed", "expand")

    def test_head_gives_the_get_headers_and_no_body(self):
        f = self.srv.freelancer()
        g = self.srv.get("/profile/%d" % f.profile_id)
        h = self.srv.request("HEAD", "/profile/%d" % f.profile_id)
        self.assertEqual(h.status, 200)
        self.assertEqual(h.body, b"")
        self.assertEqual(h.header("content-length"), str(len(g.body)))
        self.assertEqual(h.header("content-type"), g.header("content-type"))
        h = self.srv.request("HEAD", "/profile/99999999")
        self.assertEqual((h.status, h.body), (404, b""))

    def test_portfolio_holds_at_most_fifty_items(self):
        f = self.srv.freelancer()
        path = "/profile/%d/portfolio" % f.profile_id
        for i in range(50):
            r = self.srv.post(path, {"title": "Work %d" % i}, user=f)
            self.assertStatus(r, 201)
        r = self.srv.post(path, {"title": "One too many"}, user=f)
        self.assertStatus(r, 422, "validation_failed", "portfolio")
        items = self.profile(f.profile_id)["portfolio"]
        self.assertEqual(len(items), 50)
        self.assertEqual([x["title"] for x in items],
                         ["Work %d" % i for i in range(50)])
        r = self.srv.delete("/profile/%d/portfolio/%d" % (f.profile_id,
                                                          items[0]["id"]),
                            user=f)
        self.assertStatus(r, 200)
        self.assertStatus(self.srv.post(path, {"title": "Fits again"}, user=f),
                          201)

    def test_simultaneous_adds_never_pass_the_portfolio_limit(self):
        f = self.srv.freelancer()
        path = "/profile/%d/portfolio" % f.profile_id
        for i in range(48):
            self.assertStatus(self.srv.post(path, {"title": "W%d" % i},
                                            user=f), 201)
        statuses = self.at_once("POST", path, {"title": "Race"}, f, 6)
        self.assertEqual(statuses, [201] * 2 + [422] * 4)
        self.assertEqual(len(self.profile(f.profile_id)["portfolio"]), 50)


class ProfileOwnershipTest(ProfileTestBase):
    def setUp(self):
        self.owner = self.srv.freelancer()
        r = self.srv.post("/profile/%d/portfolio" % self.owner.profile_id,
                          {"title": "Mine"}, user=self.owner)
        self.item = self.assertStatus(r, 201).data
        self.before = self.profile(self.owner.profile_id)
        self.others = [self.srv.freelancer(), self.srv.client()]

    def assertUnchanged(self):
        self.assertEqual(self.profile(self.owner.profile_id), self.before)

    def test_others_cannot_patch(self):
        for other in self.others:
            with self.subTest(role=other.role):
                r = self.srv.patch("/profile/%d" % self.owner.profile_id,
                                   {"title": "Hijacked", "skills": ["Evil"]},
                                   user=other)
                self.assertStatus(r, 403, "forbidden")
        r = self.srv.patch("/profile/%d" % self.owner.profile_id,
                           {"title": "Hijacked"})
        self.assertStatus(r, 401, "unauthorized")
        self.assertUnchanged()

    def test_others_cannot_add_to_the_portfolio(self):
        for other in self.others:
            with self.subTest(role=other.role):
                r = self.srv.post("/profile/%d/portfolio"
                                  % self.owner.profile_id,
                                  {"title": "Planted"}, user=other)
                self.assertStatus(r, 403, "forbidden")
        r = self.srv.post("/profile/%d/portfolio" % self.owner.profile_id,
                          {"title": "Planted"})
        self.assertStatus(r, 401, "unauthorized")
        self.assertUnchanged()

    def test_others_cannot_delete_portfolio_items(self):
        path = "/profile/%d/portfolio/%d" % (self.owner.profile_id,
                                             self.item["id"])
        for other in self.others:
            with self.subTest(role=other.role):
                self.assertStatus(self.srv.delete(path, user=other), 403,
                                  "forbidden")
        self.assertStatus(self.srv.delete(path), 401, "unauthorized")
        self.assertUnchanged()

    def test_an_item_of_another_profile_is_404_through_ones_own(self):
        other = self.others[0]
        r = self.srv.delete("/profile/%d/portfolio/%d"
                            % (other.profile_id, self.item["id"]), user=other)
        self.assertStatus(r, 404, "not_found")
        self.assertUnchanged()

    def test_unknown_profile_or_item_is_404(self):
        o = self.owner
        self.assertStatus(self.srv.patch("/profile/99999999", {"title": "X"},
                                         user=o), 404, "not_found")
        self.assertStatus(self.srv.post("/profile/99999999/portfolio",
                                        {"title": "X"}, user=o),
                          404, "not_found")
        self.assertStatus(self.srv.delete("/profile/99999999/portfolio/1",
                                          user=o), 404, "not_found")
        self.assertStatus(self.srv.delete("/profile/%d/portfolio/99999999"
                                          % o.profile_id, user=o),
                          404, "not_found")
        self.assertUnchanged()

    def test_non_positive_path_ids_are_400(self):
        o = self.owner
        for bad in ("0", "-3", "x"):
            with self.subTest(bad=bad):
                r = self.srv.delete("/profile/%d/portfolio/%s"
                                    % (o.profile_id, bad), user=o)
                self.assertStatus(r, 400, "malformed_request", "item_id")
                r = self.srv.patch("/profile/%s" % bad, {"title": "X"},
                                   user=o)
                self.assertStatus(r, 400, "malformed_request", "id")
        self.assertUnchanged()


class ProfileBadInputTest(ProfileTestBase):
    """Every kind of bad body, on create, update and the portfolio; none of
    them changes anything."""

    def setUp(self):
        self.f = self.srv.freelancer(profile=False)

    def create(self, body):
        return self.srv.post("/profiles", body, user=self.f)

    def assertNoProfile(self):
        r = self.srv.post("/profiles", {"title": "Finally"}, user=self.f)
        self.assertStatus(r, 201)

    def test_malformed_json_and_wrong_body_kinds_are_400(self):
        cases = [(b'{"title": "x"', "malformed_json"),
                 (b'{"title": "x",}', "malformed_json"),
                 (b'{"title": "a", "title": "b"}', "malformed_json"),
                 (b'["title"]', "malformed_request"),
                 (b'"title"', "malformed_request"),
                 (b'{"title": "\xff\xfe"}', "malformed_json"),
                 (b'{"title": "a\\u0000b"}', "malformed_json"),
                 (b'{"title": "\xc0\xaf"}', "malformed_json")]
        for data, code in cases:
            with self.subTest(data=data):
                self.assertStatus(self.raw("POST", "/profiles", data,
                                           user=self.f), 400, code)
        self.assertStatus(self.raw("POST", "/profiles", b"", user=self.f), 400)
        r = self.raw("POST", "/profiles", b'{"title": "x"}', user=self.f,
                     ctype="text/plain")
        self.assertStatus(r, 415)
        self.assertNoProfile()

    def test_wrong_types_are_400_naming_the_field(self):
        cases = {"title": 5, "bio": ["x"], "hourly_rate_cents": "5000",
                 "currency": 840, "skills": "Python", "availability": True,
                 "experience_level": 1, "category_id": "1", "country": {}}
        for field, value in cases.items():
            with self.subTest(field=field):
                body = {"title": "T", field: value}
                self.assertStatus(self.create(body), 400, "malformed_request",
                                  field)
        for field, value in (("hourly_rate_cents", 12.5), ("skills", [1]),
                             ("skills", [None]), ("category_id", 1.0)):
            with self.subTest(field=field, value=value):
                self.assertStatus(self.create({"title": "T", field: value}),
                                  400, "malformed_request", field)
        self.assertNoProfile()

    def test_missing_unknown_and_null_fields_are_422(self):
        self.assertStatus(self.create({"bio": "no title"}), 422,
                          "validation_failed", "title")
        self.assertStatus(self.create({"title": None}), 422,
                          "validation_failed", "title")
        self.assertStatus(self.create({"title": "T", "rating": 5}), 422,
                          "validation_failed", "rating")
        self.assertStatus(self.create({"title": "T", "user_id": 1}), 422,
                          "validation_failed", "user_id")
        for field in ("bio", "currency", "skills", "availability"):
            with self.subTest(field=field):
                self.assertStatus(self.create({"title": "T", field: None}),
                                  422, "validation_failed", field)
        self.assertNoProfile()

    def test_out_of_range_values_are_422(self):
        cases = [("title", ""), ("title", "x" * 121), ("title", "   "),
                 ("bio", "b" * 5001), ("hourly_rate_cents", -1),
                 ("hourly_rate_cents", 100000001), ("currency", "usd"),
                 ("currency", "US"), ("currency", "USDX"), ("currency", "U$D"),
                 ("skills", ["s%d" % i for i in range(31)]),
                 ("skills", ["x" * 51]), ("skills", [""]), ("skills", ["  "]),
                 ("availability", "sometimes"), ("experience_level", "guru"),
                 ("category_id", 0), ("category_id", -5), ("country", "c" * 65)]
        for field, value in cases:
            with self.subTest(field=field, value=str(value)[:20]):
                body = {"title": "T", field: value}
                self.assertStatus(self.create(body), 422, "validation_failed",
                                  field)
        self.assertNoProfile()

    def test_unknown_category_is_422(self):
        r = self.create({"title": "T", "category_id": 987654})
        self.assertStatus(r, 422, "validation_failed", "category_id")
        self.assertNoProfile()

    def test_limits_count_characters_not_bytes(self):
        body = {"title": "\u00e9" * 120, "bio": "\u4e2d" * 5000,
                "skills": ["\u00fc" * 20, "s" * 50], "country": "\u00e7" * 64}
        raw = json.dumps(body, ensure_ascii=False).encode()
        r = self.assertStatus(self.raw("POST", "/profiles", raw, user=self.f),
                              201)
        self.assertEqual(r.data["title"], body["title"])
        self.assertEqual(r.data["bio"], body["bio"])
        self.assertIn("\u00fc" * 20, r.data["skills"])

    def test_bad_patches_change_nothing(self):
        f = self.srv.freelancer()
        path = "/profile/%d" % f.profile_id
        before = self.profile(f.profile_id)
        bad = [({"title": ""}, 422, "title"), ({"title": 3}, 400, "title"),
               ({"skills": ["ok", 7]}, 400, "skills"),
               ({"category_id": 987654}, 422, "category_id"),
               ({"hourly_rate_cents": -5}, 422, "hourly_rate_cents"),
               ({"title": None}, 422, "title"), ({"owner": 1}, 422, "owner"),
               ({"skills": ["New"], "currency": "eur"}, 422, "currency")]
        for body, status, field in bad:
            with self.subTest(body=body):
                self.assertStatus(self.srv.patch(path, body, user=f), status,
                                  None, field)
        self.assertStatus(self.raw("PATCH", path, b'{"title":', user=f), 400,
                          "malformed_json")
        self.assertEqual(self.profile(f.profile_id), before)

    def test_bad_portfolio_items_are_refused(self):
        f = self.srv.freelancer()
        path = "/profile/%d/portfolio" % f.profile_id
        bad = [({}, 422, "title"), ({"title": ""}, 422, "title"),
               ({"title": " "}, 422, "title"),
               ({"title": "x" * 121}, 422, "title"),
               ({"title": 1}, 400, "title"),
               ({"title": "T", "description": "d" * 2001}, 422, "description"),
               ({"title": "T", "url": "ftp://example.test"}, 422, "url"),
               ({"title": "T", "url": "javascript:alert(1)"}, 422, "url"),
               ({"title": "T", "url": "https://e.test/" + "a" * 2040}, 422,
                "url"),
               ({"title": "T", "url": 5}, 400, "url"),
               ({"title": "T", "tags": []}, 422, "tags")]
        for body, status, field in bad:
            with self.subTest(body=str(body)[:40]):
                self.assertStatus(self.srv.post(path, body, user=f), status,
                                  None, field)
        r = self.raw("POST", path, b'{"title": "a\\u0000"}', user=f)
        self.assertStatus(r, 400, "malformed_json")
        self.assertEqual(self.profile(f.profile_id)["portfolio"], [])
        long_ok = "https://e.test/" + "a" * (2048 - 15)
        r = self.srv.post(path, {"title": "T", "url": long_ok}, user=f)
        self.assertEqual(self.assertStatus(r, 201).data["url"], long_ok)


class FreelancerSearchTest(ProfileTestBase):
    """Each test names a skill of its own, so that its profiles are the only
    ones that match."""
    # Ratings are written straight into the database, behind the server's
    # back, so no write invalidates the response cache between searches.
    server_env = {"CACHE_ENABLED": "false"}

    def search(self, query, status=200):
        r = self.srv.get("/freelancers/search?" + query)
        return self.assertStatus(r, status)

    def make(self, skill, rate=5000, ratings=(), jobs=0, **fields):
        f = self.srv.freelancer(skills=[skill], hourly_rate_cents=rate,
                                **fields)
        self.set_stats(f.profile_id, ratings, jobs)
        return f.profile_id

    def ids(self, query):
        return [x["id"] for x in self.search(query).items]

    def test_items_have_the_documented_members(self):
        skill = self.tag("Shape")
        pid = self.make(skill, ratings=(5, 4, 4), jobs=3, country="Peru")
        r = self.search("skill=" + skill)
        self.assertEqual(len(r.items), 1)
        item = r.items[0]
        self.assertEqual(set(item), SEARCH_KEYS)
        self.assertEqual(item["id"], pid)
        self.assertEqual(item["rating"], {"average": 4.33, "count": 3})
        self.assertEqual(item["completed_jobs"], 3)
        self.assertEqual(item["skills"], [skill])
        self.assertEqual(item["country"], "Peru")
        self.assertIn(b'"average":4.33', r.body)

    def test_skill_matches_by_name_and_unknown_skill_is_empty(self):
        skill = self.tag("Elixir")
        pid = self.make(skill)
        self.assertEqual(self.ids("skill=" + skill.lower()), [pid])
        self.assertEqual(self.ids("skill=" + skill.upper()), [pid])
        r = self.search("skill=" + self.tag("Nobody"))
        self.assertEqual(r.items, [])
        self.assertEqual((r.meta["total_items"], r.meta["total_pages"]),
                         (0, 0))
        self.assertFalse(r.meta["has_next"])

    def test_category_rate_and_rating_filters(self):
        skill = self.tag("Filter")
        c1, c2 = self.category(), self.category()
        a = self.make(skill, rate=3000, ratings=(5, 4), category_id=c1)
        b = self.make(skill, rate=6000, ratings=(3,), category_id=c1)
        c = self.make(skill, rate=None, ratings=(), category_id=c2)
        d = self.make(skill, rate=2000, ratings=(5, 5, 4), category_id=c2)
        base = "skill=%s&page_size=100&" % skill
        self.assertEqual(sorted(self.ids(base + "category_id=%d" % c1)),
                         [a, b])
        self.assertEqual(self.ids(base + "category_id=99999999"), [])
        self.assertEqual(sorted(self.ids(base + "max_rate_cents=3000")),
                         [a, d])
        self.assertEqual(self.ids(base + "max_rate_cents=0"), [])
        self.assertEqual(sorted(self.ids(base + "min_rating=4.5")), [a, d])
        self.assertEqual(self.ids(base + "min_rating=4.67"), [d])
        self.assertEqual(self.ids(base + "min_rating=4.68"), [])
        self.assertEqual(sorted(self.ids(base + "min_rating=0")), [a, b, d])
        self.assertEqual(self.ids(base + "min_rating=4&max_rate_cents=2500"
                                  "&category_id=%d" % c2), [d])
        self.assertEqual(len(self.ids(base)), 4)
        self.assertIn(c, self.ids(base))

    def test_availability_defaults_to_available(self):
        skill = self.tag("Avail")
        a = self.make(skill, availability="available")
        b = self.make(skill, availability="busy")
        u = self.make(skill, availability="unavailable")
        base = "skill=%s&" % skill
        self.assertEqual(self.ids(base), [a])
        self.assertEqual(self.ids(base + "availability=available"), [a])
        self.assertEqual(self.ids(base + "availability=busy"), [b])
        self.assertEqual(self.ids(base + "availability=unavailable"), [u])
        self.assertEqual(sorted(self.ids(base + "availability=any")),
                         [a, b, u])

    def test_sorts(self):
        skill = self.tag("Sort")
        p1 = self.make(skill, rate=4000, ratings=(4,), jobs=9)
        p2 = self.make(skill, rate=None, ratings=(5,), jobs=1)
        p3 = self.make(skill, rate=2000, ratings=(), jobs=5)
        p4 = self.make(skill, rate=9000, ratings=(5,), jobs=7)
        base = "skill=%s&sort=" % skill
        self.assertEqual(self.ids(base + "rating"), [p4, p2, p1, p3])
        self.assertEqual(self.ids("skill=" + skill), [p4, p2, p1, p3])
        self.assertEqual(self.ids(base + "rate_asc"), [p3, p1, p4, p2])
        self.assertEqual(self.ids(base + "rate_desc"), [p4, p1, p3, p2])
        self.assertEqual(self.ids(base + "completed_jobs"), [p1, p4, p3, p2])
        self.assertEqual(self.ids(base + "rating&availability=any"),
                         [p4, p2, p1, p3])

    def test_rating_follows_stored_aggregates_on_the_next_request(self):
        skill = self.tag("Fresh")
        a = self.make(skill, ratings=(3,))
        b = self.make(skill, ratings=(4,))
        self.assertEqual(self.ids("skill=" + skill), [b, a])
        self.set_stats(a, (5, 5))
        self.assertEqual(self.ids("skill=" + skill), [a, b])
        self.set_stats(a, ())
        self.assertEqual(self.ids("skill=" + skill), [b, a])
        self.assertEqual(self.profile(a)["rating"],
                         {"average": None, "count": 0})

    def test_ties_walk_without_duplicates_in_id_order(self):
        skill = self.tag("Tie")
        tied = [self.make(skill, rate=5000, ratings=(4, 5), jobs=2)
                for _ in range(11)]
        top = self.make(skill, rate=1000, ratings=(5,), jobs=2)
        low = self.make(skill, rate=9000, ratings=(1,), jobs=0)
        for sort, expect in (("rating", [top] + tied + [low]),
                             ("rate_asc", [top] + tied + [low]),
                             ("rate_desc", [low] + tied + [top]),
                             ("completed_jobs", sorted(tied + [top]) + [low])):
            with self.subTest(sort=sort):
                path = "/freelancers/search?skill=%s&sort=%s" % (skill, sort)
                walked = [x["id"] for x in self.walk(path, 3)]
                self.assertEqual(len(walked), len(set(walked)))
                self.assertEqual(walked, expect)
                self.assertEqual(walked,
                                 [x["id"] for x in self.walk(path, 100)])
                self.assertEqual(walked, [x["id"] for x in self.walk(path, 1)])

    def test_pagination_edges(self):
        skill = self.tag("Page")
        made = [self.make(skill, ratings=(5,)) for _ in range(5)]
        base = "skill=%s&" % skill
        r = self.search(base + "page_size=2&page=3")
        self.assertEqual([x["id"] for x in r.items], made[4:])
        self.assertEqual(r.meta, {"page": 3, "page_size": 2, "total_items": 5,
                                  "total_pages": 3, "has_next": False,
                                  "has_previous": True})
        r = self.search(base + "page_size=2&page=9")
        self.assertEqual(r.items, [])
        self.assertEqual((r.meta["total_items"], r.meta["total_pages"]),
                         (5, 3))
        self.assertTrue(r.meta["has_previous"])
        r = self.search(base + "page_size=5")
        self.assertEqual(r.meta["total_pages"], 1)
        self.assertFalse(r.meta["has_next"])
        r = self.search(base + "page_size=5&page=2")
        self.assertEqual((r.items, r.meta["total_items"]), ([], 5))
        r = self.search(base + "page_size=1")
        self.assertEqual((len(r.items), r.meta["total_pages"]), (1, 5))
        r = self.search(base + "page_size=100")
        self.assertEqual([x["id"] for x in r.items], made)
        r = self.search("skill=%s&availability=busy" % skill)
        self.assertEqual((r.items, r.meta["total_items"],
                          r.meta["total_pages"]), ([], 0, 0))

    def test_bad_query_values(self):
        cases = [("min_rating=abc", 400, "min_rating"),
                 ("min_rating=4.5.1", 400, "min_rating"),
                 ("min_rating=", 400, "min_rating"),
                 ("min_rating=nan", 400, "min_rating"),
                 ("min_rating=inf", 400, "min_rating"),
                 ("min_rating=1e0", 400, "min_rating"),
                 ("min_rating=4.", 400, "min_rating"),
                 ("min_rating=.5", 400, "min_rating"),
                 ("min_rating=%204", 400, "min_rating"),
                 ("min_rating=+4", 400, "min_rating"),
                 ("min_rating=4%00", 400, "min_rating"),
                 ("min_rating=-1", 422, "min_rating"),
                 ("min_rating=5.01", 422, "min_rating"),
                 ("min_rating=6", 422, "min_rating"),
                 ("max_rate_cents=x", 400, "max_rate_cents"),
                 ("max_rate_cents=-1", 422, "max_rate_cents"),
                 ("max_rate_cents=100000001", 422, "max_rate_cents"),
                 ("category_id=0", 422, "category_id"),
                 ("category_id=abc", 400, "category_id"),
                 ("availability=away", 422, "availability"),
                 ("sort=price", 422, "sort"),
                 ("sort=rating;drop", 422, "sort"),
                 ("skill=", 422, "skill"),
                 ("skill=" + "s" * 51, 422, "skill"),
                 ("skill=a%00b", 400, "skill"),
                 ("skill=%FF", 400, "skill"),
                 ("page=0", 422, "page"),
                 ("page_size=0", 422, "page_size"),
                 ("page_size=101", 422, "page_size"),
                 ("page_size=ten", 400, "page_size"),
                 ("sort=rating&sort=rate_asc", 400, "sort"),
                 ("colour=red", 422, "colour")]
        for query, status, field in cases:
            with self.subTest(query=query):
                r = self.search(query, status)
                self.assertEqual(r.json["error"]["field"], field)
        for ok in ("min_rating=0", "min_rating=5", "min_rating=4.5",
                   "min_rating=%2B3", "min_rating=0.0"):
            with self.subTest(ok=ok):
                self.search(ok)


if __name__ == "__main__":
    main()
