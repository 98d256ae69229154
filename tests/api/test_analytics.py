"""Marketplace analytics: after building a known marketplace through the
API, every aggregate equals the value recomputed here from what was
created; an empty marketplace gives zeros, nulls and twelve empty weeks."""
import calendar
import datetime
import decimal
import math
from fractions import Fraction

from harness import ApiTest, Server, main
# The ledger that builds data through the API and remembers it. Imported as
# a module so that its test classes do not run a second time here.
import test_dashboard

WEEK = 7 * 86400


def epoch(text):
    return calendar.timegm(
        datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timetuple())


def rfc3339(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def monday_of(t):
    """00:00 UTC of the Monday that starts the week holding t."""
    d = datetime.datetime.fromtimestamp(t, datetime.timezone.utc).date()
    monday = d - datetime.timedelta(days=d.weekday())
    return calendar.timegm(monday.timetuple())


def half_up(fr):
    """A non-negative Fraction rounded to an integer, halves up."""
    return math.floor(fr + Fraction(1, 2))


def avg_cents(values):
    return half_up(Fraction(sum(values), len(values)))


def median_cents(values):
    s = sorted(values)
    n = len(s)
    return half_up(Fraction(s[(n - 1) // 2] + s[n // 2], 2))


def ratio4(num, den):
    """num / den to 4 decimals as the database rounds the double quotient:
    from its exact binary value, halves up; None when den is 0."""
    if den == 0:
        return None
    q = decimal.Decimal(num / den)
    return float(q.quantize(decimal.Decimal("0.0001"),
                            rounding=decimal.ROUND_HALF_UP))


def db_run(srv, sql, args=()):
    """Runs one statement on the test server's SQLite file, for what the API
    cannot do: adding categories (reference data) and moving posting times
    into past weeks."""
    con = srv.connect()
    try:
        with con:
            return con.execute(sql, args).lastrowid
    finally:
        con.close()


def add_category(srv, name):
    return db_run(srv, "INSERT INTO categories (name, slug) VALUES (?, ?)",
                  (name, name.lower()))


def category_order(row_count, name, category_id):
    """The reply's order: biggest group first, then name, then id (null
    first)."""
    return (-row_count, name, category_id is not None, category_id or 0)


def recompute(srv, now):
    """The whole analytics answer but generated_at, recomputed here from
    the marketplace's own tables in srv's database: the oracle for the
    counters the server reads (no analytics_ table is read here)."""
    con = srv.connect()
    try:
        q = lambda sql: con.execute(sql).fetchall()
        jobs = q("SELECT id, category_id, budget_type, budget_max_cents,"
                 " status, posted_at FROM freelance_job_postings")
        rates = q("SELECT category_id, hourly_rate_cents FROM freelance_profiles"
                  " WHERE hourly_rate_cents IS NOT NULL")
        proposals = [r[0] for r in q("SELECT status FROM freelance_proposals")]
        contracts = [r[0] for r in q("SELECT status FROM freelance_contracts")]
        roles = [r[0] for r in q("SELECT role FROM users")]
        names = dict(q("SELECT id, name FROM categories"))
        skills = dict(q("SELECT id, name FROM skills"))
        job_skills = q("SELECT job_id, skill_id FROM job_skills")
        profile_skills = [r[0] for r in q("SELECT skill_id FROM profile_skills")]
    finally:
        con.close()

    def name_of(cat):
        return names.get(cat, "Uncategorised") if cat is not None \
            else "Uncategorised"

    by_cat = {}
    for _, cat, _, _, status, _ in jobs:
        g = by_cat.setdefault(cat, dict(
            category_id=cat, name=name_of(cat), open=0, in_progress=0,
            closed=0, cancelled=0, total=0))
        g[status] += 1
        g["total"] += 1

    def money(pairs, count_key, avg_key, med_key):
        groups = {}
        for cat, value in pairs:
            groups.setdefault(cat, []).append(value)
        rows = [{"category_id": cat, "name": name_of(cat),
                 count_key: len(v), avg_key: avg_cents(v),
                 med_key: median_cents(v)} for cat, v in groups.items()]
        return sorted(rows, key=lambda g: category_order(
            g[count_key], g["name"], g["category_id"]))

    def top(counts, key):
        rows = sorted(((s, n) for s, n in counts.items() if s in skills),
                      key=lambda kv: (-kv[1], skills[kv[0]], kv[0]))
        return [{"skill": skills[s], key: n} for s, n in rows[:10]]

    status = {j[0]: j[4] for j in jobs}
    demand, supply = {}, {}
    for job_id, skill_id in job_skills:
        if status.get(job_id) == "open":
            demand[skill_id] = demand.get(skill_id, 0) + 1
    for skill_id in profile_skills:
        supply[skill_id] = supply.get(skill_id, 0) + 1
    first = monday_of(now) - 11 * WEEK
    weeks = [0] * 12
    for j in jobs:
        i = (j[5] - first) // WEEK
        if 0 <= i < 12:
            weeks[i] += 1
    n = {s: proposals.count(s)
         for s in ("accepted", "rejected", "withdrawn", "pending")}
    props = dict(total=len(proposals), **n)
    props["acceptance_rate"] = ratio4(n["accepted"],
                                      n["accepted"] + n["rejected"])
    return {
        "jobs_by_category": sorted(by_cat.values(), key=lambda g:
                                   category_order(g["total"], g["name"],
                                                  g["category_id"])),
        "rates_by_category": money(rates, "freelancers",
                                   "avg_hourly_rate_cents",
                                   "median_hourly_rate_cents"),
        "budgets_by_category": money(
            [(cat, v) for _, cat, kind, v, _, _ in jobs
             if kind == "fixed" and v is not None],
            "jobs", "avg_budget_cents", "median_budget_cents"),
        "proposals": props,
        "top_skills_demand": top(demand, "jobs"),
        "top_skills_supply": top(supply, "profiles"),
        "new_jobs_per_week": [{"week_start": rfc3339(first + i * WEEK),
                               "jobs": weeks[i]} for i in range(12)],
        "totals": {
            "jobs": len(jobs),
            "open_jobs": sum(j[4] == "open" for j in jobs),
            "freelancers": roles.count("freelancer"),
            "clients": roles.count("client"),
            "contracts": len(contracts),
            "completed_contracts": contracts.count("completed")},
    }


class RecomputeMixin:
    """assertCurrent(): the server's answer equals the oracle's."""

    def assertCurrent(self, what=""):
        r = self.assertStatus(self.srv.get("/analytics/marketplace"), 200)
        got = dict(r.data)
        now = epoch(got.pop("generated_at"))
        expect = recompute(self.srv, now)
        for key in expect:
            self.assertEqual(got.get(key), expect[key],
                             "%s after %s" % (key, what))
        self.assertEqual(sorted(got), sorted(expect))
        return got


class AnalyticsEmptyTest(ApiTest):
    def get(self):
        r = self.assertStatus(self.srv.get("/analytics/marketplace"), 200)
        return r.data

    def test_empty_marketplace_gives_zeros_nulls_and_twelve_empty_weeks(self):
        add_category(self.srv, "Web")  # a category alone is no activity
        d = self.get()
        for key in ("jobs_by_category", "rates_by_category",
                    "budgets_by_category", "top_skills_demand",
                    "top_skills_supply"):
            self.assertEqual(d[key], [], key)
        self.assertEqual(d["proposals"], {
            "total": 0, "accepted": 0, "rejected": 0, "withdrawn": 0,
            "pending": 0, "acceptance_rate": None})
        self.assertEqual(d["totals"], {
            "jobs": 0, "open_jobs": 0, "freelancers": 0, "clients": 0,
            "contracts": 0, "completed_contracts": 0})
        self.assertEqual([w["jobs"] for w in d["new_jobs_per_week"]], [0] * 12)

    def test_weeks_are_the_twelve_mondays_ending_with_this_week(self):
        d = self.get()
        now = epoch(d["generated_at"])
        last = monday_of(now)
        starts = [w["week_start"] for w in d["new_jobs_per_week"]]
        self.assertEqual(starts, [rfc3339(last - (11 - i) * WEEK)
                                  for i in range(12)])
        for s in starts:
            self.assertEqual(datetime.datetime.strptime(
                s, "%Y-%m-%dT%H:%M:%SZ").weekday(), 0)
        self.assertLessEqual(last, now)
        self.assertLess(now, last + WEEK)

    def test_generated_at_is_now(self):
        d = self.get()
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        self.assertLess(abs(epoch(d["generated_at"]) - now), 60)

    def test_query_parameters_are_refused(self):
        r = self.srv.get("/analytics/marketplace?page=1")
        self.assertStatus(r, 422, "validation_failed", "page")


class AnalyticsDataTest(ApiTest):
    """A known marketplace: four categories of profiles, jobs in every status
    and several weeks, proposals in every status, skills with ties at the
    cut of the top ten. The cache is off because the test moves posting
    times in the database behind the server's back."""
    server_env = {"CACHE_ENABLED": "false"}

    # Rates by category: odd and even counts, halves to round, a tie.
    RATES = {"Web": [3000, 5000, 8000], "Design": [2000, 4500, 4000, 9999],
             None: [1001, 1002], "Writing": [7000, 7001]}
    # How many profiles name each skill (12 skills, ties at the cut).
    SUPPLY = {"Python": 6, "Go": 4, "Rust": 4, "C": 3, "SQL": 3, "Figma": 2,
              "Docker": 2, "Excel": 1, "Java": 1, "Kotlin": 1, "Lua": 1,
              "Zig": 1}
    # How many OPEN jobs name each skill; Cobol is only on jobs that are not
    # open and must not count.
    DEMAND = {"Python": 5, "SQL": 3, "Go": 3, "Figma": 2, "Docker": 2,
              "Excel": 2, "Java": 1, "Kotlin": 1, "Lua": 1, "Rust": 1,
              "Zig": 1, "Scala": 1}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.build()
        except BaseException:
            cls.srv.cleanup()  # tearDownClass does not run after a failure
            raise

    @classmethod
    def build(cls):
        srv = cls.srv
        led = cls.led = test_dashboard.Ledger(srv)
        cls.cats = {None: None}
        for name in ("Web", "Design", "Writing", "Empty"):
            cls.cats[name] = add_category(srv, name)
        cls.names = {v: k for k, v in cls.cats.items()}
        cls.names[None] = "Uncategorised"

        cls.build_profiles()
        c1, c2 = srv.client(), srv.client()
        cls.led_client = c1
        cls.clients = 2
        f = cls.profiles_users
        cat = cls.cats

        # The open jobs share the DEMAND skills; the others name Cobol.
        skills = cls.demand_skills(["w1", "w5", "d1", "d4", "u1"])
        web, design = cat["Web"], cat["Design"]
        j = cls.job_ids = {}
        j["w1"] = led.job(c1, category_id=web, budget_min_cents=5000,
                          budget_max_cents=10000, skills=skills["w1"])
        j["w2"] = led.job(c1, category_id=web, budget_min_cents=30000,
                          budget_max_cents=30000, skills=["Cobol", "Python"])
        j["w3"] = led.job(c2, category_id=web, budget_min_cents=100,
                          budget_max_cents=20000, skills=["Cobol"])
        j["w4"] = led.job(c2, category_id=web, budget_min_cents=100,
                          budget_max_cents=50000, skills=["Cobol"])
        j["w5"] = led.job(c1, category_id=web, budget_type="hourly",
                          budget_min_cents=2000, budget_max_cents=4000,
                          skills=skills["w5"])
        j["d1"] = led.job(c2, category_id=design, budget_min_cents=7000,
                          budget_max_cents=7000, skills=skills["d1"])
        j["d2"] = led.job(c2, category_id=design, budget_min_cents=7000,
                          budget_max_cents=7000, skills=["Cobol"])
        j["d3"] = led.job(c1, category_id=design, budget_min_cents=9001,
                          budget_max_cents=9001, skills=["Cobol"])
        j["d4"] = led.job(c1, category_id=design, budget_min_cents=None,
                          budget_max_cents=None, skills=skills["d4"])
        j["u1"] = led.job(c2, budget_min_cents=100, budget_max_cents=100,
                          skills=skills["u1"])

        # Proposals in every status; contracts in every status.
        won = led.propose(f[0], j["w2"], 30000)
        led.propose(f[1], j["w2"], 29000)          # rejected by the accept
        led.accept(c1, won)
        led.propose(f[3], j["w3"], 19000)          # rejected by the close
        led.close(c2, j["w3"])
        led.cancel(c2, led.accept(c2, led.propose(f[2], j["w4"], 48000)))
        led.complete(c2, led.accept(c2, led.propose(f[0], j["d2"], 7000)))
        led.accept(c1, led.propose(f[1], j["d3"], 9000))
        led.propose(f[4], j["w1"], 9000)
        led.withdraw(f[5], led.propose(f[5], j["w1"], 9500))
        led.reject(c1, led.propose(f[6], j["w1"], 9900))
        led.propose(f[7], j["d1"], 6500)

        cls.move_into_past_weeks()

    @classmethod
    def build_profiles(cls):
        """Profiles with the RATES, one without a rate, and one freelancer
        without a profile; the SUPPLY skills spread over them."""
        srv = cls.srv
        specs = [(name, rate) for name, rates in cls.RATES.items()
                 for rate in rates]
        specs.append((None, None))
        skills = [[] for _ in specs]
        start = 0
        for skill, count in cls.SUPPLY.items():
            for j in range(count):
                skills[(start + j) % len(specs)].append(skill)
            start += count
        cls.profiles = []       # (category_id, rate or None, [skills])
        cls.profiles_users = []
        for (cat, rate), names in zip(specs, skills):
            u = srv.freelancer(profile=False)
            body = {"title": "Profile of " + u.name, "skills": names}
            if cat is not None:
                body["category_id"] = cls.cats[cat]
            if rate is not None:
                body["hourly_rate_cents"] = rate
            r = srv.post("/profiles", body, user=u)
            if r.status != 201:
                raise AssertionError("profile creation failed: %r" % r)
            u.profile_id = r.data["id"]
            cls.profiles.append((body.get("category_id"),
                                 r.data["hourly_rate_cents"], names))
            cls.profiles_users.append(u)
        srv.freelancer(profile=False)
        cls.freelancers = len(specs) + 1

    @classmethod
    def demand_skills(cls, open_jobs):
        """The DEMAND skills spread over the open jobs: key -> names."""
        skills = {key: [] for key in open_jobs}
        start = 0
        for skill, count in cls.DEMAND.items():
            for k in range(count):
                skills[open_jobs[(start + k) % len(open_jobs)]].append(skill)
            start += count
        return skills

    @classmethod
    def move_into_past_weeks(cls):
        """Moves some jobs' posting times to week edges: the start of this
        week, the last second of the previous one, three weeks back, the
        first second of the window and the last second before it."""
        j = cls.job_ids
        ws = cls.week = monday_of(epoch(cls.led.jobs[j["u1"]]["posted_at"]))
        moves = {j["w1"]: ws, j["w2"]: ws - 1,
                 j["w3"]: ws - 3 * WEEK + 3600, j["d1"]: ws - 3 * WEEK + 7200,
                 j["w4"]: ws - 11 * WEEK, j["w5"]: ws - 11 * WEEK - 1}
        for job_id, t in moves.items():
            db_run(cls.srv, "UPDATE freelance_job_postings SET posted_at = ?"
                   " WHERE id = ?", (t, job_id))
            cls.led.jobs[job_id]["posted_at"] = rfc3339(t)

    def get(self):
        r = self.assertStatus(self.srv.get("/analytics/marketplace"), 200)
        return r.data

    # ---- expected values, from what build() created ----
    def expect_jobs_by_category(self):
        groups = {}
        for job in self.led.jobs.values():
            g = groups.setdefault(job["category_id"], dict(
                category_id=job["category_id"],
                name=self.names[job["category_id"]], open=0, in_progress=0,
                closed=0, cancelled=0, total=0))
            g[job["status"]] += 1
            g["total"] += 1
        return sorted(groups.values(), key=lambda g: category_order(
            g["total"], g["name"], g["category_id"]))

    def expect_money_by_category(self, pairs, count_key, avg_key, med_key):
        groups = {}
        for cat, value in pairs:
            groups.setdefault(cat, []).append(value)
        rows = [{"category_id": cat, "name": self.names[cat],
                 count_key: len(v), avg_key: avg_cents(v),
                 med_key: median_cents(v)} for cat, v in groups.items()]
        return sorted(rows, key=lambda g: category_order(
            g[count_key], g["name"], g["category_id"]))

    @staticmethod
    def expect_top(counts, key):
        rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        return [{"skill": name, key: n} for name, n in rows]

    # ---- tests ----
    def test_jobs_by_category_and_status(self):
        d = self.get()
        self.assertEqual(d["jobs_by_category"], self.expect_jobs_by_category())
        web = d["jobs_by_category"][0]
        self.assertEqual((web["name"], web["open"], web["in_progress"],
                          web["closed"], web["cancelled"], web["total"]),
                         ("Web", 2, 1, 1, 1, 5))
        self.assertEqual(d["jobs_by_category"][-1]["category_id"], None)
        self.assertEqual(d["jobs_by_category"][-1]["name"], "Uncategorised")

    def test_rates_by_category_average_and_median(self):
        pairs = [(cat, rate) for cat, rate, _ in self.profiles
                 if rate is not None]
        expect = self.expect_money_by_category(
            pairs, "freelancers", "avg_hourly_rate_cents",
            "median_hourly_rate_cents")
        self.assertEqual(self.get()["rates_by_category"], expect)
        by_name = {r["name"]: r for r in expect}
        # Odd count, even count, halves rounded up, and a tie on count.
        self.assertEqual(by_name["Web"]["median_hourly_rate_cents"], 5000)
        self.assertEqual(by_name["Web"]["avg_hourly_rate_cents"], 5333)
        self.assertEqual(by_name["Design"]["median_hourly_rate_cents"], 4250)
        self.assertEqual(by_name["Design"]["avg_hourly_rate_cents"], 5125)
        self.assertEqual(by_name["Uncategorised"]["median_hourly_rate_cents"],
                         1002)
        self.assertEqual([r["name"] for r in expect],
                         ["Design", "Web", "Uncategorised", "Writing"])

    def test_budgets_by_category_use_fixed_jobs_with_a_budget(self):
        pairs = [(j["category_id"], j["budget_max"])
                 for j in self.led.jobs.values()
                 if j["budget_type"] == "fixed" and j["budget_max"] is not None]
        expect = self.expect_money_by_category(
            pairs, "jobs", "avg_budget_cents", "median_budget_cents")
        self.assertEqual(self.get()["budgets_by_category"], expect)
        by_name = {r["name"]: r for r in expect}
        self.assertEqual(by_name["Web"]["jobs"], 4)
        self.assertEqual(by_name["Web"]["median_budget_cents"], 25000)
        self.assertEqual(by_name["Design"]["median_budget_cents"], 7000)
        self.assertEqual(by_name["Design"]["avg_budget_cents"], 7667)

    def test_proposals_and_acceptance_rate(self):
        counts = {s: 0 for s in ("accepted", "rejected", "withdrawn",
                                 "pending")}
        for p in self.led.proposals.values():
            counts[p["status"]] += 1
        expect = dict(total=len(self.led.proposals), **counts)
        expect["acceptance_rate"] = ratio4(
            counts["accepted"], counts["accepted"] + counts["rejected"])
        self.assertEqual(self.get()["proposals"], expect)
        self.assertEqual(expect["acceptance_rate"], 0.5714)

    def test_top_skills_demand_counts_open_jobs_only(self):
        counts = {}
        for job in self.led.jobs.values():
            if job["status"] == "open":
                for s in job["skills"]:
                    counts[s] = counts.get(s, 0) + 1
        self.assertEqual(counts, self.DEMAND)
        got = self.get()["top_skills_demand"]
        self.assertEqual(got, self.expect_top(counts, "jobs"))
        self.assertNotIn("Cobol", [s["skill"] for s in got])
        self.assertEqual([s["skill"] for s in got][-4:],
                         ["Java", "Kotlin", "Lua", "Rust"])

    def test_top_skills_supply_counts_profiles(self):
        counts = {}
        for _, _, names in self.profiles:
            for s in names:
                counts[s] = counts.get(s, 0) + 1
        got = self.get()["top_skills_supply"]
        self.assertEqual(got, self.expect_top(counts, "profiles"))
        self.assertEqual([s["skill"] for s in got][:3],
                         ["Python", "Go", "Rust"])

    def test_new_jobs_per_week_buckets_with_empty_weeks(self):
        d = self.get()
        first = monday_of(epoch(d["generated_at"])) - 11 * WEEK
        expect = [0] * 12
        for job in self.led.jobs.values():
            i = (epoch(job["posted_at"]) - first) // WEEK
            if 0 <= i < 12:
                expect[i] += 1
        weeks = d["new_jobs_per_week"]
        self.assertEqual([w["week_start"] for w in weeks],
                         [rfc3339(first + i * WEEK) for i in range(12)])
        self.assertEqual([w["jobs"] for w in weeks], expect)
        self.assertIn(0, expect)
        if first == self.week - 11 * WEEK:  # no Monday passed since build()
            self.assertEqual(sum(expect), len(self.led.jobs) - 1)

    def test_totals(self):
        jobs = self.led.jobs.values()
        contracts = self.led.contracts.values()
        self.assertEqual(self.get()["totals"], {
            "jobs": len(jobs),
            "open_jobs": sum(j["status"] == "open" for j in jobs),
            "freelancers": self.freelancers, "clients": self.clients,
            "contracts": len(contracts),
            "completed_contracts": sum(c["status"] == "completed"
                                       for c in contracts)})

    def test_answer_is_the_same_for_any_caller(self):
        anon = self.get()
        anon.pop("generated_at")
        for user in (self.profiles_users[0], self.led_client):
            r = self.srv.get("/analytics/marketplace", user=user)
            got = self.assertStatus(r, 200).data
            got.pop("generated_at")
            self.assertEqual(got, anon)

    def test_answer_is_the_same_twice(self):
        a, b = self.get(), self.get()
        a.pop("generated_at")
        b.pop("generated_at")
        self.assertEqual(a, b)



class AnalyticsIncrementalTest(RecomputeMixin, ApiTest):
    """The counters follow every kind of write: after each one the answer
    equals the oracle's recomputation from the tables. The response cache
    stays on, so a write that left the cached answer stale fails too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        srv = cls.srv
        cls.cat = {}
        for name in ("Web", "Design", "Writing"):
            cls.cat[name] = add_category(srv, name)

    def job(self, client, **fields):
        body = {"category_id": self.cat["Web"], "skills": ["Python", "SQL"]}
        body.update(fields)
        return self.srv.job(client, **body)

    def post_ok(self, path, user, status=(200, 201), body=None):
        return self.assertStatus(self.srv.post(path, body, user=user),
                                 status).data

    def patch_ok(self, path, body, user):
        return self.assertStatus(self.srv.patch(path, body, user=user),
                                 200).data

    def test_registering_users_counts_roles(self):
        self.srv.client()
        self.assertCurrent("a client registered")
        self.srv.freelancer(profile=False)
        self.assertCurrent("a freelancer registered")

    def test_job_create_counts_category_status_budget_week_and_skills(self):
        c = self.srv.client()
        self.job(c, budget_min_cents=12345, budget_max_cents=54321,
                 skills=["Python", "Go"])
        self.assertCurrent("a fixed job")
        self.job(c, budget_type="hourly", budget_min_cents=2000,
                 budget_max_cents=4000, category_id=None)
        self.assertCurrent("an hourly job without a category")
        self.job(c, budget_min_cents=None, budget_max_cents=None,
                 category_id=self.cat["Design"], skills=[])
        self.assertCurrent("a fixed job without a budget or skills")

    def test_job_patch_of_category_budget_and_skills(self):
        c = self.srv.client()
        job = self.job(c, budget_min_cents=1000, budget_max_cents=3000)
        path = "/jobs/%d" % job["id"]
        for body, what in (
                ({"category_id": self.cat["Design"]}, "category changed"),
                ({"category_id": None}, "category cleared"),
                ({"category_id": self.cat["Writing"]}, "category set"),
                ({"budget_max_cents": 7777}, "budget changed"),
                ({"budget_min_cents": None, "budget_max_cents": None},
                 "budget cleared"),
                ({"budget_min_cents": 500, "budget_max_cents": 9000},
                 "budget set"),
                ({"budget_type": "hourly"}, "fixed to hourly"),
                ({"budget_type": "fixed", "budget_max_cents": 9001},
                 "hourly to fixed"),
                ({"skills": ["Rust", "Go", "Python"]}, "skills replaced"),
                ({"skills": []}, "skills cleared"),
                ({"skills": ["Figma"], "category_id": self.cat["Web"],
                  "budget_max_cents": 9500}, "several fields at once"),
                ({"title": "Only the title changes"}, "title changed")):
            self.patch_ok(path, body, c)
            self.assertCurrent(what)

    def test_job_close_moves_status_and_rejects_pending_proposals(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.job(c, skills=["Python", "Kotlin"])
        self.srv.proposal(f, job["id"])
        self.assertCurrent("a proposal")
        self.post_ok("/jobs/%d/close" % job["id"], c)
        self.assertCurrent("the job closed")

    def test_proposals_withdraw_reject_and_accept(self):
        c = self.srv.client()
        f1, f2, f3 = (self.srv.freelancer() for _ in range(3))
        job = self.job(c, skills=["Python", "Lua"])
        p1 = self.srv.proposal(f1, job["id"])
        p2 = self.srv.proposal(f2, job["id"])
        p3 = self.srv.proposal(f3, job["id"])
        self.assertCurrent("three proposals")
        self.post_ok("/proposals/%d/withdraw" % p1["id"], f1)
        self.assertCurrent("a withdrawal")
        self.post_ok("/proposals/%d/reject" % p2["id"], c)
        self.assertCurrent("a rejection")
        p4 = self.srv.proposal(self.srv.freelancer(), job["id"])
        self.post_ok("/proposals/%d/accept" % p3["id"], c)
        self.assertCurrent("an accept (job in progress, %d rejected)"
                           % p4["id"])

    def test_contract_complete_and_cancel(self):
        contract, job, _, c, f = self.srv.contract(
            category_id=self.cat["Design"], skills=["Go"])
        self.assertCurrent("a contract")
        self.post_ok("/contracts/%d/complete" % contract["id"], c)
        self.assertCurrent("the contract completed")
        self.post_ok("/contracts/%d/reviews" % contract["id"], c,
                     body={"rating": 5, "comment": "Fine."})
        self.assertCurrent("a review")
        contract, _, _, c, f = self.srv.contract(budget_max_cents=60000)
        self.post_ok("/contracts/%d/cancel" % contract["id"], f)
        self.assertCurrent("the contract cancelled")

    def test_profile_create_and_patch_of_rate_category_and_skills(self):
        f = self.srv.freelancer(profile=False)
        r = self.srv.post("/profiles", {
            "title": "Writer", "hourly_rate_cents": 4321,
            "category_id": self.cat["Writing"],
            "skills": ["Copywriting", "SQL"]}, user=f)
        pid = self.assertStatus(r, 201).data["id"]
        self.assertCurrent("a profile")
        g = self.srv.freelancer(profile=False)
        r = self.srv.post("/profiles", {"title": "No rate"}, user=g)
        self.assertStatus(r, 201)
        self.assertCurrent("a profile without rate, category or skills")
        path = "/profile/%d" % pid
        for body, what in (
                ({"hourly_rate_cents": 9999}, "rate changed"),
                ({"hourly_rate_cents": None}, "rate cleared"),
                ({"hourly_rate_cents": 0}, "rate set to zero"),
                ({"category_id": self.cat["Web"]}, "category changed"),
                ({"category_id": None}, "category cleared"),
                ({"skills": ["Go", "Rust", "SQL"]}, "skills replaced"),
                ({"skills": []}, "skills cleared"),
                ({"hourly_rate_cents": 5000, "category_id": self.cat["Web"],
                  "skills": ["Python"]}, "several fields at once"),
                ({"bio": "Only the bio changes"}, "bio changed")):
            self.patch_ok(path, body, f)
            self.assertCurrent(what)

    def test_many_equal_and_spread_values_keep_medians_exact(self):
        c = self.srv.client()
        for v in (100, 100, 100, 250, 9999999, 101, 100):
            self.job(c, category_id=self.cat["Writing"], budget_min_cents=0,
                     budget_max_cents=v)
            self.assertCurrent("a budget of %d" % v)
        for v in (1, 1, 2, 3):
            self.srv.freelancer(category_id=self.cat["Design"],
                                hourly_rate_cents=v)
            self.assertCurrent("a rate of %d" % v)


class AnalyticsDirectWritesTest(RecomputeMixin, ApiTest):
    """Writes the API never makes (deletes, cascades, moved posting times,
    changed roles) made straight in the database still keep the counters
    right: they live in the database's triggers, not in the handlers."""
    server_env = {"CACHE_ENABLED": "false"}

    def sql(self, *statements, foreign_keys=True):
        """Runs statements in one transaction (one each on PostgreSQL),
        with the foreign-key actions (cascades) the server's connections
        have, unless told not to (SQLite only)."""
        con = self.srv.connect()
        try:
            if self.srv.engine == "sqlite":
                con.execute("PRAGMA foreign_keys=%s"
                            % ("ON" if foreign_keys else "OFF"))
            with con:
                for st in statements:
                    if isinstance(st, str):
                        con.execute(st)
                    else:
                        con.execute(*st)
        finally:
            con.close()

    def test_deletes_and_cascades(self):
        srv = self.srv
        cat = add_category(srv, "Ops")
        contract, job, prop, c, f = srv.contract(category_id=cat,
                                                 skills=["Ansible"])
        other = srv.job(c, category_id=cat, skills=["Ansible", "Bash"])
        p = srv.proposal(srv.freelancer(), other["id"])
        self.assertCurrent("the setup")
        self.sql(("DELETE FROM freelance_proposals WHERE id = ?", (p["id"],)),
                 ("DELETE FROM freelance_job_postings WHERE id = ?",
                  (other["id"],)))
        self.assertCurrent("an open job and its proposal deleted"
                           " (skills by cascade)")
        self.sql(("DELETE FROM job_skills WHERE job_id = ?", (job["id"],)))
        self.assertCurrent("skills of a job in progress deleted")
        self.sql(("DELETE FROM freelance_contracts WHERE id = ?",
                  (contract["id"],)),
                 ("DELETE FROM freelance_proposals WHERE id = ?",
                  (prop["id"],)),
                 ("DELETE FROM freelance_job_postings WHERE id = ?",
                  (job["id"],)))
        self.assertCurrent("a contract, its proposal and job deleted")
        g = srv.freelancer(category_id=cat, hourly_rate_cents=3000,
                           skills=["Ansible", "Bash"])
        self.assertCurrent("a profile")
        self.sql(("DELETE FROM freelance_profiles WHERE id = ?",
                  (g.profile_id,)))
        self.assertCurrent("a profile deleted (skills by cascade)")

    def test_moved_posting_times_roles_and_statuses(self):
        srv = self.srv
        c = srv.client()
        job = srv.job(c, skills=["Python"])
        monday = monday_of(epoch(job["posted_at"]))
        for t in (monday - 1, monday - 5 * WEEK, monday - 11 * WEEK,
                  monday - 12 * WEEK, monday):
            self.sql(("UPDATE freelance_job_postings SET posted_at = ?"
                      " WHERE id = ?", (t, job["id"])))
            self.assertCurrent("posted_at moved to %d" % t)
        self.sql(("UPDATE users SET role = 'admin' WHERE id = ?", (c.id,)))
        self.assertCurrent("a role changed")
        for status in ("closed", "open", "cancelled", "open"):
            self.sql(("UPDATE freelance_job_postings SET status = ?"
                      " WHERE id = ?", (status, job["id"])))
            self.assertCurrent("job status set to " + status)
        self.sql(("INSERT INTO job_skills (job_id, skill_id)"
                  " SELECT ?, id FROM skills WHERE id NOT IN"
                  " (SELECT skill_id FROM job_skills WHERE job_id = ?)",
                  (job["id"], job["id"])))
        self.assertCurrent("every skill added to an open job")
        if self.srv.engine != "sqlite":
            return  # the foreign key cannot be turned off
        self.sql(("UPDATE job_skills SET job_id = -job_id WHERE job_id = ?",
                  (job["id"],)), foreign_keys=False)
        self.assertCurrent("skills moved off their job")


class AnalyticsMigrationTest(RecomputeMixin, ApiTest):
    """Migration 0003 on a marketplace seeded before it: the back-fill
    gives the same answer as the recomputation."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(env={"CACHE_ENABLED": "false"})
        try:
            cls.srv.seed("--jobs", "1500", "--seed", "5")
            cls.undo_migration(cls.srv)
            cls.srv.start()  # migrates again
        except BaseException:
            cls.srv.cleanup()
            raise

    # What migration 0003 made, by engine.
    OBJECTS = {
        "sqlite": "SELECT type, name FROM sqlite_master"
                  " WHERE name LIKE 'analytics%' AND type IN"
                  " ('table', 'trigger')",
        "postgres": "SELECT 'table', tablename FROM pg_tables"
                    " WHERE tablename LIKE 'analytics%' UNION ALL"
                    " SELECT 'function', proname FROM pg_proc"
                    " WHERE proname LIKE 'analytics%'"}

    @classmethod
    def undo_migration(cls, srv):
        """Drops what 0003 made, so that the database is as a seed made
        before it left it."""
        con = srv.connect()
        query = cls.OBJECTS[srv.engine]
        try:
            with con:
                objects = con.execute(query).fetchall()
                for kind, name in objects:
                    con.execute("DROP %s %s%s" % (
                        kind.upper(), name,
                        " CASCADE" if srv.engine == "postgres" else ""))
                con.execute("DELETE FROM schema_migrations WHERE version = 3")
            left = con.execute(query).fetchall()
            if left or len(objects) < 10:
                raise AssertionError("undo left %r of %r" % (left, objects))
        finally:
            con.close()

    def test_back_filled_counters_give_the_recomputed_answer(self):
        d = self.assertCurrent("the migration")
        self.assertGreater(d["totals"]["jobs"], 1000)
        self.assertGreater(len(d["budgets_by_category"]), 5)

    def test_writes_after_the_back_fill_keep_it_right(self):
        c = self.srv.client()
        job = self.srv.job(c, category_id=1, skills=["Python"])
        self.srv.proposal(self.srv.freelancer(category_id=1), job["id"])
        self.assertCurrent("writes after the migration")


class AnalyticsSeededTest(ApiTest):
    """On a seeded demo marketplace (twenty categories, hundreds of values
    behind each median, many ties) every aggregate equals the one
    recomputed here from the raw rows."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(env={"CACHE_ENABLED": "false"})
        try:
            cls.srv.seed("--jobs", "3000", "--seed", "11")
            cls.srv.start()
        except BaseException:
            cls.srv.cleanup()
            raise
        con = cls.srv.connect()
        try:
            q = lambda sql: con.execute(sql).fetchall()
            cls.jobs = q("SELECT id, category_id, budget_type,"
                         " budget_max_cents, status, posted_at"
                         " FROM freelance_job_postings")
            cls.rates = q("SELECT category_id, hourly_rate_cents"
                          " FROM freelance_profiles"
                          " WHERE hourly_rate_cents IS NOT NULL")
            cls.proposal_statuses = [r[0] for r in q(
                "SELECT status FROM freelance_proposals")]
            cls.contract_statuses = [r[0] for r in q(
                "SELECT status FROM freelance_contracts")]
            cls.roles = [r[0] for r in q("SELECT role FROM users")]
            cls.names = dict(q("SELECT id, name FROM categories"))
            cls.skills = dict(q("SELECT id, name FROM skills"))
            cls.job_skills = q("SELECT job_id, skill_id FROM job_skills")
            cls.profile_skills = [r[0] for r in q(
                "SELECT skill_id FROM profile_skills")]
        finally:
            con.close()
        cls.names[None] = "Uncategorised"
        cls.data = cls.srv.get("/analytics/marketplace").data

    def money(self, pairs, count_key, avg_key, med_key):
        groups = {}
        for cat, value in pairs:
            groups.setdefault(cat, []).append(value)
        rows = [{"category_id": cat, "name": self.names[cat],
                 count_key: len(v), avg_key: avg_cents(v),
                 med_key: median_cents(v)} for cat, v in groups.items()]
        return sorted(rows, key=lambda g: category_order(
            g[count_key], g["name"], g["category_id"]))

    def top(self, counts, key):
        rows = sorted(counts.items(),
                      key=lambda kv: (-kv[1], self.skills[kv[0]], kv[0]))
        return [{"skill": self.skills[s], key: n} for s, n in rows[:10]]

    def test_seeded_jobs_by_category(self):
        groups = {}
        for _, cat, _, _, status, _ in self.jobs:
            g = groups.setdefault(cat, dict(
                category_id=cat, name=self.names[cat], open=0,
                in_progress=0, closed=0, cancelled=0, total=0))
            g[status] += 1
            g["total"] += 1
        self.assertGreater(len(groups), 5)
        self.assertEqual(self.data["jobs_by_category"], sorted(
            groups.values(), key=lambda g: category_order(
                g["total"], g["name"], g["category_id"])))

    def test_seeded_rates_and_budgets(self):
        self.assertEqual(self.data["rates_by_category"], self.money(
            self.rates, "freelancers", "avg_hourly_rate_cents",
            "median_hourly_rate_cents"))
        budgets = [(cat, top) for _, cat, kind, top, _, _ in self.jobs
                   if kind == "fixed" and top is not None]
        self.assertEqual(self.data["budgets_by_category"], self.money(
            budgets, "jobs", "avg_budget_cents", "median_budget_cents"))

    def test_seeded_proposals(self):
        n = {s: self.proposal_statuses.count(s)
             for s in ("accepted", "rejected", "withdrawn", "pending")}
        expect = dict(total=len(self.proposal_statuses), **n)
        expect["acceptance_rate"] = ratio4(
            n["accepted"], n["accepted"] + n["rejected"])
        self.assertEqual(self.data["proposals"], expect)

    def test_seeded_top_skills(self):
        status = {j[0]: j[4] for j in self.jobs}
        demand, supply = {}, {}
        for job_id, skill_id in self.job_skills:
            if status[job_id] == "open":
                demand[skill_id] = demand.get(skill_id, 0) + 1
        for skill_id in self.profile_skills:
            supply[skill_id] = supply.get(skill_id, 0) + 1
        self.assertEqual(self.data["top_skills_demand"],
                         self.top(demand, "jobs"))
        self.assertEqual(self.data["top_skills_supply"],
                         self.top(supply, "profiles"))

    def test_seeded_weeks_and_totals(self):
        first = monday_of(epoch(self.data["generated_at"])) - 11 * WEEK
        weeks = [0] * 12
        for j in self.jobs:
            i = (j[5] - first) // WEEK
            if 0 <= i < 12:
                weeks[i] += 1
        self.assertEqual(self.data["new_jobs_per_week"],
                         [{"week_start": rfc3339(first + i * WEEK),
                           "jobs": weeks[i]} for i in range(12)])
        self.assertEqual(self.data["totals"], {
            "jobs": len(self.jobs),
            "open_jobs": sum(j[4] == "open" for j in self.jobs),
            "freelancers": self.roles.count("freelancer"),
            "clients": self.roles.count("client"),
            "contracts": len(self.contract_statuses),
            "completed_contracts": self.contract_statuses.count("completed")})


if __name__ == "__main__":
    main()
