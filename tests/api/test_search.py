"""GET /jobs/search: every filter and sort against a model of the contract,
text search that treats whatever the user types as text, pagination edges,
and stable pages when many rows tie on the sort key."""
import calendar
import random
import time
import urllib.parse

from harness import ApiTest, Server, main
from test_jobs import Db

SEARCH = "/jobs/search"
SORTS = ("newest", "budget_asc", "budget_desc")
DB_WORDS = ("sqlite", "fts5", "syntax error", "no such column", "MATCH",
            "unterminated", "malformed MATCH")


def epoch(rfc3339):
    return calendar.timegm(time.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ"))


def ids(items):
    return [j["id"] for j in items]


def query(**params):
    return SEARCH + "?" + urllib.parse.urlencode(
        {k: v for k, v in params.items() if v is not None})


def sort_key(sort):
    """The contract's order of each sort, as a Python key on a job."""
    if sort == "newest":
        return lambda j: (-epoch(j["posted_at"]), -j["id"])
    if sort == "budget_asc":
        return lambda j: (j["budget_max_cents"] is None,
                          j["budget_max_cents"] or 0, j["id"])
    return lambda j: (j["budget_max_cents"] is None,
                      -(j["budget_max_cents"] or 0), -j["id"])


class SearchModelTest(ApiTest):
    """Forty jobs with random fields; every answer must equal what the
    contract's filters and order pick from them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv, db = cls.srv, Db(cls.srv)
        rng = random.Random(20240501)
        cls.cats = [db.category(n) for n in ("Web", "Data", "Mobile")]
        clients = [srv.client(), srv.client()]
        levels = [None, "entry", "intermediate", "expert"]
        amounts = [0, 1000, 5000, 5000, 20000, 10000000000]
        skills = ["Python", "Go", "Rust", "SQL", "React"]
        base = int(time.time()) - 30 * 86400
        made = []
        for i in range(40):
            lo, hi = sorted(rng.sample(amounts, 2))
            budget = rng.choice([{}, {"budget_min_cents": lo},
                                 {"budget_max_cents": hi},
                                 {"budget_min_cents": lo,
                                  "budget_max_cents": hi}])
            body = dict(budget, title="Model job %d" % i,
                        budget_type=rng.choice(["fixed", "hourly"]),
                        skills=rng.sample(skills, rng.randint(0, 3)))
            cat = rng.choice([None] + cls.cats)
            if cat:
                body["category_id"] = cat
            level = rng.choice(levels)
            if level:
                body["experience_level"] = level
            r = srv.post("/jobs", body, user=rng.choice(clients))
            assert r.status == 201, r
            made.append(r.data)
        # Spread posting times, with ties; some jobs leave the open state.
        for j in made:
            db.run("UPDATE freelance_job_postings SET posted_at = ?"
                   " WHERE id = ?",
                   (base + rng.choice([0, 0, 3600, 86400, 5 * 86400]) +
                    rng.choice([0, 0, 1]) * 86400 * 7, j["id"]))
        for j in made[:5]:
            r = srv.post("/jobs/%d/close" % j["id"],
                         user=next(c for c in clients
                                   if c.id == j["client"]["id"]))
            assert r.status == 200, r
        for j, status in zip(made[5:9], ("in_progress", "in_progress",
                                         "cancelled", "cancelled")):
            db.run("UPDATE freelance_job_postings SET status = ? WHERE id = ?",
                   (status, j["id"]))
        cls.jobs = [srv.get("/jobs/%d" % j["id"]).data for j in made]
        cls.mid = base + 86400

    def expect(self, status="open", category_id=None, experience_level=None,
               skill=None, budget_min_cents=None, budget_max_cents=None,
               posted_after=None, sort="newest"):
        out = []
        for j in self.jobs:
            if j["status"] != status:
                continue
            if category_id and (j["category"] or {}).get("id") != category_id:
                continue
            if experience_level and j["experience_level"] != experience_level:
                continue
            if skill and skill.lower() not in [s.lower() for s in j["skills"]]:
                continue
            lo, hi = j["budget_min_cents"], j["budget_max_cents"]
            if budget_min_cents is not None or budget_max_cents is not None:
                if lo is None or hi is None:
                    continue
                if budget_min_cents is not None and hi < budget_min_cents:
                    continue
                if budget_max_cents is not None and lo > budget_max_cents:
                    continue
            if posted_after is not None and epoch(j["posted_at"]) <= \
                    posted_after:
                continue
            out.append(j)
        return ids(sorted(out, key=sort_key(sort)))

    def check(self, **params):
        posted = params.get("posted_after")
        sent = dict(params)
        if posted is not None:
            sent["posted_after"] = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                 time.gmtime(posted))
        r = self.srv.get(query(page_size=100, **sent))
        self.assertStatus(r, 200)
        want = self.expect(**params)
        self.assertEqual(ids(r.items), want, params)
        self.assertEqual(r.meta["total_items"], len(want), params)
        for item in r.items:
            self.assertNotIn("description", item)
            self.assertIn("description_snippet", item)

    def test_every_single_filter_matches_the_model(self):
        for sort in SORTS:
            self.check(sort=sort)
            for status in ("open", "in_progress", "closed", "cancelled"):
                self.check(status=status, sort=sort)
            for cat in self.cats:
                self.check(category_id=cat, sort=sort)
            for level in ("entry", "intermediate", "expert"):
                self.check(experience_level=level, sort=sort)
            for skill in ("python", "Rust", "SQL"):
                self.check(skill=skill, sort=sort)
            for lo in (0, 1000, 5000, 20000, 10000000000):
                self.check(budget_min_cents=lo, sort=sort)
                self.check(budget_max_cents=lo, sort=sort)
            self.check(posted_after=self.mid, sort=sort)

    def test_sampled_filter_combinations_match_the_model(self):
        rng = random.Random(7)
        for _ in range(250):
            params = {
                "status": rng.choice([None, None, "closed", "in_progress"]),
                "category_id": rng.choice([None, None] + self.cats),
                "experience_level": rng.choice([None, "entry", "expert"]),
                "skill": rng.choice([None, "python", "Go"]),
                "posted_after": rng.choice([None, self.mid]),
                "sort": rng.choice(SORTS),
            }
            lo, hi = sorted([rng.choice([0, 1000, 5000, 20000]),
                             rng.choice([1000, 5000, 10000000000])])
            params["budget_min_cents"] = rng.choice([None, lo])
            params["budget_max_cents"] = rng.choice([None, hi])
            params = {k: v for k, v in params.items() if v is not None}
            self.check(**params)

    def test_unknown_skill_or_category_gives_an_empty_page(self):
        for q in (query(skill="Cobol 85"), query(category_id=987654),
                  query(skill="Python", category_id=987654)):
            r = self.assertStatus(self.srv.get(q), 200)
            self.assertEqual(r.items, [])
            self.assertEqual((r.meta["total_items"], r.meta["total_pages"]),
                             (0, 0))

    def test_blank_skill_is_no_filter(self):
        want = self.expect()
        for v in ("", "   "):
            r = self.srv.get(query(skill=v, page_size=100))
            self.assertEqual(ids(r.items), want)

    def test_relevance_without_text_orders_as_newest(self):
        want = self.expect()
        for q in (query(sort="relevance", page_size=100),
                  query(sort="relevance", q="   ", page_size=100),
                  query(sort="relevance", q="*", page_size=100)):
            self.assertEqual(ids(self.srv.get(q).items), want)

    def test_bad_parameters_are_refused_naming_them(self):
        cases = [
            ("category_id=0", 422, "category_id"),
            ("category_id=abc", 400, "category_id"),
            ("category_id=1.5", 400, "category_id"),
            ("budget_min_cents=-1", 422, "budget_min_cents"),
            ("budget_max_cents=10000000001", 422, "budget_max_cents"),
            ("budget_min_cents=1e3", 400, "budget_min_cents"),
            ("budget_min_cents=5000&budget_max_cents=4999", 422,
             "budget_max_cents"),
            ("status=open,closed", 422, "status"),
            ("status=", 422, "status"),
            ("experience_level=guru", 422, "experience_level"),
            ("sort=price", 422, "sort"),
            ("sort=posted_at", 422, "sort"),
            ("posted_after=yesterday", 400, "posted_after"),
            ("posted_after=2024-13-01T00:00:00Z", 400, "posted_after"),
            ("page=0", 422, "page"),
            ("page=x", 400, "page"),
            ("page_size=0", 422, "page_size"),
            ("page_size=101", 422, "page_size"),
            ("q=" + "a" * 201, 422, "q"),
            ("q=" + "%C3%A9" * 201, 422, "q"),
            ("q=ab%00cd", 400, "q"),
            ("q=%FF", 400, "q"),
            ("q=%C3", 400, "q"),
            ("skill=" + "k" * 51, 422, "skill"),
            ("skill=a%00", 400, "skill"),
            ("category=1", 422, "category"),
            ("colour=red", 422, "colour"),
            ("sort=newest&sort=budget_asc", 400, "sort"),
        ]
        for qs, status, field in cases:
            with self.subTest(qs=qs[:60]):
                code = "malformed_request" if status == 400 else \
                    "validation_failed"
                self.assertStatus(self.srv.get(SEARCH + "?" + qs), status,
                                  code, field)

    def test_longest_allowed_text_is_accepted(self):
        for qs in ("q=" + "a" * 200, "q=" + "%C3%A9" * 200,
                   "q=" + "%22" * 200, "q=" + "x%20" * 100):
            self.assertStatus(self.srv.get(SEARCH + "?" + qs), 200)


class KeptTotalsTest(ApiTest):
    """Totals of searches filtered only by status, category and level, or
    only by a skill among open jobs, come from counts that triggers keep;
    after every kind of job write they must equal a count of the rows
    themselves. The response cache is off: rows changed outside the API are
    part of the check."""

    server_env = {"CACHE_ENABLED": "false"}
    LEVELS = [None, "entry", "intermediate", "expert"]
    STATUSES = ["open", "in_progress", "closed", "cancelled"]
    SKILLS = ["Kept Skill X", "Kept Skill Y"]

    def totals_match_the_rows(self, db, cats):
        for status in self.STATUSES:
            for cat in [None] + cats:
                for level in self.LEVELS:
                    sql = ("SELECT COUNT(*) FROM freelance_job_postings"
                           " WHERE status = ?")
                    args = [status]
                    params = {"status": status, "page_size": 1}
                    if cat:
                        sql += " AND category_id = ?"
                        args.append(cat)
                        params["category_id"] = cat
                    if level:
                        sql += " AND experience_level = ?"
                        args.append(level)
                        params["experience_level"] = level
                    r = self.srv.get(query(**params))
                    self.assertStatus(r, 200)
                    self.assertEqual(r.meta["total_items"],
                                     db.value(sql, tuple(args)), params)
            for skill in self.SKILLS:
                params = {"status": status, "skill": skill, "page_size": 1}
                r = self.srv.get(query(**params))
                self.assertStatus(r, 200)
                self.assertEqual(r.meta["total_items"], db.value(
                    "SELECT COUNT(*) FROM freelance_job_postings j"
                    " WHERE j.status = ? AND EXISTS (SELECT 1 FROM job_skills"
                    " js JOIN skills s ON s.id = js.skill_id"
                    " WHERE js.job_id = j.id AND s.name = ?)",
                    (status, skill)), params)

    def test_totals_follow_creates_patches_closes_and_deletes(self):
        srv, db = self.srv, Db(self.srv)
        cats = [db.category(n) for n in ("Kept A", "Kept B")]
        c = srv.client()
        made = []
        for i in range(12):
            body = {"title": "Kept %d" % i, "budget_type": "fixed"}
            if i % 3:
                body["category_id"] = cats[i % 2]
            if self.LEVELS[i % 4]:
                body["experience_level"] = self.LEVELS[i % 4]
            body["skills"] = self.SKILLS[:i % 3]
            r = self.assertStatus(srv.post("/jobs", body, user=c), 201)
            made.append(r.data["id"])
        self.totals_match_the_rows(db, cats)
        # A category and a level changed, set and cleared through the API.
        self.assertStatus(srv.patch("/jobs/%d" % made[0],
                                    {"category_id": cats[1],
                                     "experience_level": "expert"}, user=c),
                          200)
        self.assertStatus(srv.patch("/jobs/%d" % made[1],
                                    {"category_id": None,
                                     "experience_level": None}, user=c), 200)
        self.assertStatus(srv.patch("/jobs/%d" % made[6],
                                    {"skills": [self.SKILLS[1]]}, user=c),
                          200)
        self.assertStatus(srv.patch("/jobs/%d" % made[7],
                                    {"skills": []}, user=c), 200)
        self.totals_match_the_rows(db, cats)
        self.assertStatus(srv.post("/jobs/%d/close" % made[2], user=c), 200)
        f = srv.freelancer()
        p = srv.proposal(f, made[3])
        self.assertStatus(srv.post("/proposals/%d/accept" % p["id"],
                                   user=c), 201)
        self.totals_match_the_rows(db, cats)
        # Rows changed and removed outside the API count too.
        db.run("UPDATE freelance_job_postings SET status = 'cancelled'"
               " WHERE id = ?", (made[4],))
        db.run("DELETE FROM freelance_job_postings WHERE id = ?", (made[5],))
        db.run("DELETE FROM job_skills WHERE job_id = ?", (made[8],))
        db.run("DELETE FROM freelance_job_postings WHERE id = ?", (made[10],))
        self.totals_match_the_rows(db, cats)


class SearchTextTest(ApiTest):
    """Text search: words are literal, the title counts above the
    description, and tokens such as C++ and C# are kept whole."""

    def test_title_match_ranks_above_description_match(self):
        c = self.srv.client()
        in_title = self.srv.job(c, title="Kotlin mobile app",
                                description="An app for a shop.")
        in_desc = self.srv.job(c, title="Mobile app",
                               description="Write it in Kotlin for a shop.")
        r = self.srv.get(query(q="kotlin", sort="relevance"))
        self.assertEqual(ids(r.items), [in_title["id"], in_desc["id"]])
        r = self.srv.get(query(q="kotlin", sort="newest"))
        self.assertEqual(ids(r.items), [in_desc["id"], in_title["id"]])

    def test_items_carry_a_snippet_of_at_most_200_characters(self):
        c = self.srv.client()
        desc = "\u00e9" * 150 + "x" * 150
        job = self.srv.job(c, title="Snippet carrier zqxv", description=desc)
        r = self.srv.get(query(q="zqxv"))
        self.assertEqual(ids(r.items), [job["id"]])
        item = r.items[0]
        self.assertEqual(item["description_snippet"], desc[:200])
        for k, v in job.items():
            if k != "description":
                self.assertEqual(item[k], v, k)

    def test_words_are_all_required(self):
        c = self.srv.client()
        both = self.srv.job(c, title="Scala and Akka service")
        self.srv.job(c, title="Scala batch job")
        r = self.srv.get(query(q="akka   scala"))
        self.assertEqual(ids(r.items), [both["id"]])

    def test_c_plus_plus_and_c_sharp_are_distinct_tokens(self):
        c = self.srv.client()
        cpp = self.srv.job(c, title="C++ game engine")
        cs = self.srv.job(c, title="C# desktop tool")
        plain = self.srv.job(c, title="C firmware in embedded systems")
        for q, want in (("C++", [cpp]), ("c#", [cs]), ("c", [plain])):
            r = self.srv.get(query(q=q))
            self.assertEqual(ids(r.items), [j["id"] for j in want], q)

    def test_edited_title_is_searched_by_its_new_words(self):
        c = self.srv.client()
        job = self.srv.job(c, title="Haskell compiler work")
        self.srv.patch("/jobs/%d" % job["id"], {"title": "OCaml compiler work"},
                       user=c)
        self.assertEqual(self.srv.get(query(q="haskell")).items, [])
        self.assertEqual(ids(self.srv.get(query(q="ocaml")).items), [job["id"]])

    def test_every_filter_combination_answers_on_one_connection(self):
        # One keep-alive connection is served by one thread and so one
        # database connection: all the search's query shapes in a row must
        # not exhaust its statement cache.
        db = Db(self.srv)
        cat = db.category("Combo")
        c = self.srv.client()
        job = self.srv.job(c, title="Comboword job", category_id=cat,
                           experience_level="entry", skills=["Combo skill"],
                           budget_min_cents=10, budget_max_cents=20)
        for f in range(64):
            for sort in SORTS + ("relevance",):
                p = {"sort": sort}
                if f & 1:
                    p["category_id"] = cat
                if f & 2:
                    p["experience_level"] = "entry"
                if f & 4:
                    p["skill"] = "combo skill"
                if f & 8:
                    p["budget_min_cents"] = 15
                if f & 16:
                    p["posted_after"] = "2020-01-01T00:00:00Z"
                if f & 32:
                    p["q"] = "comboword"
                r = self.srv.get(query(page_size=100, **p))
                self.assertStatus(r, 200)
                if f & (1 | 2 | 4 | 32):  # a filter only this job passes
                    self.assertEqual(ids(r.items), [job["id"]], p)
                else:
                    self.assertIn(job["id"], ids(r.items), p)


class CommonSkillTest(ApiTest):
    """A skill on more jobs than the server sorts in one go (2000) is read
    by walking the sort order instead: the answers must not change. Half of
    8000 jobs (even ids) have the skill; the rows go straight into the
    table, as 8000 API calls would take long."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        db = Db(cls.srv)
        c = cls.srv.client()
        cls.cat = db.category("Common")
        cls.srv.job(c, skills=["Commonskill"])  # creates the skill
        skill = db.value("SELECT id FROM skills WHERE slug = 'commonskill'")
        db.run("DELETE FROM job_skills")
        rows = []
        for i in range(8000):
            rows.append((c.id, "Common job %d %s" % (i, "alpha" if i % 3
                                                     else "beta"),
                         cls.cat if i % 5 else None, "fixed", i % 7 * 100,
                         i % 7 * 100 + 50, 1700000000 + i % 13))
        con = cls.srv.connect()
        try:
            con.executemany(
                "INSERT INTO freelance_job_postings (client_id, title,"
                " category_id, budget_type, budget_min_cents,"
                " budget_max_cents, posted_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 1700000000)", rows)
            con.execute("INSERT INTO job_skills (job_id, skill_id)"
                        " SELECT id, ? FROM freelance_job_postings"
                        " WHERE id % 2 = 0", (skill,))
            con.commit()
        finally:
            con.close()

    def test_common_skill_pages_match_the_unfiltered_search(self):
        for extra in ({}, {"category_id": self.cat}, {"q": "alpha"},
                      {"budget_min_cents": 300}):
            for sort in SORTS + ("relevance",):
                base = dict(extra, sort=sort)
                everything = [j for j in self.walk(query(**base), 100)
                              if j["id"] % 2 == 0]
                for page in (1, 7, 21):
                    r = self.srv.get(query(skill="commonskill", page=page,
                                           page_size=100, **base))
                    self.assertStatus(r, 200)
                    self.assertEqual(r.meta["total_items"], len(everything))
                    self.assertGreater(r.meta["total_items"], 2000)
                    self.assertEqual(
                        ids(r.items),
                        ids(everything[(page - 1) * 100:page * 100]),
                        (extra, sort, page))


class PaginationTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        db = Db(cls.srv)
        cls.cat23 = db.category("Twenty-three")
        cls.cat20 = db.category("Twenty")
        c = cls.srv.client()
        for i in range(23):
            cls.srv.job(c, category_id=cls.cat23)
        for i in range(20):
            cls.srv.job(c, category_id=cls.cat20)

    def page(self, cat, page, size):
        r = self.srv.get(query(category_id=cat, page=page, page_size=size))
        self.assertStatus(r, 200)
        return r

    def test_first_last_and_past_the_end_pages(self):
        r = self.page(self.cat23, 1, 10)
        self.assertEqual(len(r.items), 10)
        self.assertEqual(r.meta, {"page": 1, "page_size": 10, "total_items": 23,
                                  "total_pages": 3, "has_next": True,
                                  "has_previous": False})
        r = self.page(self.cat23, 3, 10)
        self.assertEqual(len(r.items), 3)
        self.assertFalse(r.meta["has_next"])
        self.assertTrue(r.meta["has_previous"])
        for page in (4, 1000000):
            r = self.page(self.cat23, page, 10)
            self.assertEqual(r.items, [])
            self.assertEqual(r.meta, {"page": page, "page_size": 10,
                                      "total_items": 23, "total_pages": 3,
                                      "has_next": False,
                                      "has_previous": True})

    def test_page_size_1_and_100_walk_the_same_rows(self):
        one = self.walk(query(category_id=self.cat23), 1)
        hundred = self.walk(query(category_id=self.cat23), 100)
        self.assertEqual(len(one), 23)
        self.assertEqual(ids(one), ids(hundred))
        self.assertEqual(len(set(ids(one))), 23)

    def test_total_an_exact_multiple_of_page_size(self):
        r = self.page(self.cat20, 1, 20)
        self.assertEqual((len(r.items), r.meta["total_pages"],
                          r.meta["has_next"]), (20, 1, False))
        r = self.page(self.cat20, 2, 20)
        self.assertEqual(r.items, [])
        self.assertEqual((r.meta["total_items"], r.meta["total_pages"],
                          r.meta["has_next"], r.meta["has_previous"]),
                         (20, 1, False, True))
        r = self.page(self.cat20, 2, 10)
        self.assertEqual((len(r.items), r.meta["has_next"]), (10, False))
        r = self.srv.get(query(category_id=self.cat20))  # default size 20
        self.assertEqual((r.meta["page_size"], r.meta["total_pages"]), (20, 1))

    def test_empty_result_has_zero_pages(self):
        for page in (1, 3):
            r = self.srv.get(query(q="zzzqqqnomatch", page=page))
            self.assertStatus(r, 200)
            self.assertEqual(r.items, [])
            self.assertEqual(r.meta, {"page": page, "page_size": 20,
                                      "total_items": 0, "total_pages": 0,
                                      "has_next": False,
                                      "has_previous": page > 1})


class TiesTest(ApiTest):
    """250 jobs alike in text, budget and (mostly) posting second, and 50
    others: every walk through the pages must give each row exactly once,
    in an order that breaks ties by id, before and after ANALYZE and on a
    second server process."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.srv.client()
        cls.cat = Db(cls.srv).category("Ties")
        same = {"title": "Tiebreak widget assembly",
                "description": "Assemble widgets.", "budget_min_cents": 77700,
                "budget_max_cents": 77700, "category_id": cls.cat}
        cls.alike = [cls.srv.job(c, **same)["id"] for _ in range(250)]
        rng = random.Random(3)
        for i in range(50):
            cls.srv.job(c, title="Other job %d" % i,
                        budget_min_cents=0,
                        budget_max_cents=rng.choice([100, 77700, 90000]))

    def walks(self, srv):
        out = {}
        saved, self.srv = self.srv, srv
        try:
            for params in (dict(sort="newest"), dict(sort="budget_asc"),
                           dict(sort="budget_desc"),
                           dict(sort="relevance", q="tiebreak"),
                           dict(sort="newest", q="tiebreak"),
                           dict(sort="budget_asc", category_id=self.cat)):
                path = query(**params)
                seven = self.walk(path, 7)
                hundred = self.walk(path, 100)
                self.assertEqual(ids(seven), ids(hundred), params)
                self.assertEqual(len(set(ids(seven))), len(seven), params)
                self.check_order(params, seven)
                out[path] = ids(seven)
        finally:
            self.srv = saved
        return out

    def check_order(self, params, rows):
        sort = params["sort"]
        if sort == "relevance":
            # All 250 match equally: newest id first.
            self.assertEqual(ids(rows), sorted(self.alike, reverse=True))
            return
        key = sort_key(sort)
        self.assertEqual(ids(rows), ids(sorted(rows, key=key)), params)

    def test_walks_have_no_repeats_or_gaps_and_keep_their_order(self):
        first = self.walks(self.srv)
        self.assertEqual(len(first[query(sort="newest")]), 300)
        self.assertEqual(len(first[query(sort="relevance", q="tiebreak")]),
                         250)
        # Many rows really share a second (they were posted in a burst).
        seconds = {}
        for j in self.walk(query(sort="newest", q="tiebreak"), 100):
            seconds[j["posted_at"]] = seconds.get(j["posted_at"], 0) + 1
        self.assertGreaterEqual(max(seconds.values()), 20)

        self.assertEqual(self.walks(self.srv), first)
        Db(self.srv).run("ANALYZE")
        self.assertEqual(self.walks(self.srv), first)

        other = Server(db_url=self.srv.db_url).start()
        try:
            self.assertEqual(self.walks(other), first)
            other.stop()
            self.check_log_clean(other)
        finally:
            other.cleanup()


# The titles of the case, then each search text with the titles it must
# find (None: the text has no word, so it filters nothing; "q": refused).
B17_TITLES = {
    "fs": "Full-Stack Developer (React/Node)",
    "cpp": "C++ engineer",
    "qa": "Don't miss: QA lead",
    "data": "Data @ scale",
    "cafe": "Caf\u00e9 owner website",
    "seo": "50% remote SEO",
}
B17_CASES = [
    ("full-stack", {"fs"}), ("-stack", {"fs"}), ("stack-", {"fs"}),
    ("C++", {"cpp"}), ("c++", {"cpp"}), ("don't", {"qa"}),
    ('"QA lead', {"qa"}), ('"', None), ("*", None), ("a*", set()),
    ("NEAR(a b)", set()), ("title:qa", set()), ("OR", set()),
    ("AND NOT", set()), ("^data", {"data"}), ("@", None), ("#tag", set()),
    ("a=b", set()), ("50%", {"seo"}), ("(", None), (")", None),
    ("[x]", set()), ("{x}", set()), ("\\", None), ("caf\u00e9", {"cafe"}),
    ("cafe", {"cafe"}), ("CAF\u00c9", {"cafe"}), ("", None), ("  ", None),
    ('qa" OR "data', set()), ("data)", {"data"}), ("'", None),
    ("x" * 500, "q"), ("\x00", "q"), ("qa\x00lead", "q"),
]


class SearchTextIsLiteralTest(ApiTest):
    """Search text with hyphens, quotes and symbols never reaches the
    full-text engine as syntax."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        db = Db(cls.srv)
        cls.cat = db.category("B17")
        c = cls.srv.client()
        cls.ids = {k: cls.srv.job(c, title=t, category_id=cls.cat,
                                  description="Some work.")["id"]
                   for k, t in B17_TITLES.items()}
        # Outside the category, a job with every word of the titles.
        cls.other = cls.srv.job(
            c, title="Other full-stack C++ data caf\u00e9 50% don't QA lead",
            description="Some work.")["id"]

    def expected(self, want, with_category):
        if want is None:
            rows = set(self.ids.values())
            if not with_category:
                rows.add(self.other)
            return rows
        rows = {self.ids[k] for k in want}
        if rows and not with_category:
            rows.add(self.other)
        return rows

    def test_every_text_answers_with_the_literal_matches(self):
        for text, want in B17_CASES:
            for sort in ("relevance", "newest"):
                for with_category in (False, True):
                    params = {"q": text, "sort": sort, "page_size": 100}
                    if with_category:
                        params["category_id"] = self.cat
                    with self.subTest(q=text[:20], sort=sort,
                                      category=with_category):
                        self.check_one(params, want, with_category)

    def check_one(self, params, want, with_category):
        r = self.srv.get(query(**params))
        for word in DB_WORDS:
            self.assertNotIn(word.encode(), r.body)
        if want == "q":
            code = 400 if "\x00" in params["q"] else 422
            self.assertStatus(r, code, None, "q")
            return
        self.assertStatus(r, 200)
        rows = self.expected(want, with_category)
        self.assertEqual(set(ids(r.items)), rows)
        self.assertEqual(r.meta["total_items"], len(rows))

        # The same search, two rows a page: page 2 is rows 3 and 4.
        params = dict(params, page=2, page_size=2)
        r2 = self.assertStatus(self.srv.get(query(**params)), 200)
        self.assertEqual(ids(r2.items), ids(r.items)[2:4])
        self.assertEqual(r2.meta["total_items"], len(rows))


if __name__ == "__main__":
    main()
