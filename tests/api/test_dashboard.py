"""The freelancer and client dashboards: every count and sum matches what
the test created, each caller sees only its own numbers (also with the
response cache on), and the replies are marked private."""
import datetime
import decimal
import hashlib
import secrets
import sqlite3

from harness import ApiTest, Server, User, main


def round2(x):
    """x to 2 decimals as the database rounds a double: from its exact
    binary value, halves up."""
    return float(decimal.Decimal(x).quantize(decimal.Decimal("0.01"),
                                             rounding=decimal.ROUND_HALF_UP))


def rating_average(ratings):
    """The API's average of ratings: the double sum / count to 2 decimals;
    None when there are none."""
    return round2(sum(ratings) / len(ratings)) if ratings else None


class Ledger:
    """Creates marketplace data through the API and remembers the state each
    action leaves behind, so that the tests recompute every number on their
    own instead of reading it back from the server."""

    def __init__(self, srv):
        self.srv = srv
        self.jobs = {}       # id -> dict(client, title, status, posted_at, ...)
        self.proposals = {}  # id -> dict(freelancer, job, bid, status, ...)
        self.contracts = {}  # id -> dict(freelancer, client, job, amount, ...)
        self.reviews = []    # (reviewee user id, rating)
        self._titles = 0

    @staticmethod
    def _ok(r, status):
        if r.status != status:
            raise AssertionError("expected %d, got %r" % (status, r))
        return r

    # ---- actions ----
    def job(self, client, **fields):
        """A new open job of client; fields override the harness's defaults
        and a field given as None is left out of the body."""
        self._titles += 1
        body = {"title": "Ledger job %d" % self._titles,
                "description": "A job for tests.", "budget_type": "fixed",
                "budget_min_cents": 50000, "budget_max_cents": 50000,
                "skills": ["Python"]}
        body.update(fields)
        body = {k: v for k, v in body.items() if v is not None}
        j = self._ok(self.srv.post("/jobs", body, user=client), 201).data
        self.jobs[j["id"]] = dict(
            id=j["id"], client=client.id, title=j["title"], status="open",
            posted_at=j["posted_at"], category_id=body.get("category_id"),
            budget_type=j["budget_type"], budget_max=j["budget_max_cents"],
            skills=list(body["skills"]), withdrawn=0, proposals=0)
        return j["id"]

    def propose(self, freelancer, job_id, bid):
        p = self.srv.proposal(freelancer, job_id, bid_amount_cents=bid)
        self.proposals[p["id"]] = dict(
            id=p["id"], freelancer=freelancer.profile_id, job=job_id, bid=bid,
            status="pending", created_at=p["created_at"],
            currency=p["currency"])
        self.jobs[job_id]["proposals"] += 1
        return p["id"]

    def _pending_on(self, job_id):
        return [p for p in self.proposals.values()
                if p["job"] == job_id and p["status"] == "pending"]

    def accept(self, client, proposal_id):
        r = self.srv.post("/proposals/%d/accept" % proposal_id, user=client)
        self._ok(r, 201)
        p = self.proposals[proposal_id]
        for other in self._pending_on(p["job"]):
            other["status"] = "rejected"
        p["status"] = "accepted"
        self.jobs[p["job"]]["status"] = "in_progress"
        c = r.data
        self.contracts[c["id"]] = dict(
            id=c["id"], freelancer=p["freelancer"], client=client.id,
            job=p["job"], amount=p["bid"], status="active",
            started_at=c["started_at"], currency=c["currency"])
        return c["id"]

    def hire(self, client, freelancer, bid, **job_fields):
        """A job of client, a proposal of freelancer, accepted: the
        contract id."""
        job_id = self.job(client, **job_fields)
        return self.accept(client, self.propose(freelancer, job_id, bid))

    def reject(self, client, proposal_id):
        r = self.srv.post("/proposals/%d/reject" % proposal_id, user=client)
        self._ok(r, 200)
        self.proposals[proposal_id]["status"] = "rejected"

    def withdraw(self, freelancer, proposal_id):
        r = self.srv.post("/proposals/%d/withdraw" % proposal_id,
                          user=freelancer)
        self._ok(r, 200)
        p = self.proposals[proposal_id]
        p["status"] = "withdrawn"
        self.jobs[p["job"]]["withdrawn"] += 1

    def close(self, client, job_id):
        r = self.srv.post("/jobs/%d/close" % job_id, user=client)
        self._ok(r, 200)
        for p in self._pending_on(job_id):
            p["status"] = "rejected"
        self.jobs[job_id]["status"] = "closed"

    def complete(self, client, contract_id):
        r = self.srv.post("/contracts/%d/complete" % contract_id, user=client)
        self._ok(r, 200)
        c = self.contracts[contract_id]
        c["status"] = "completed"
        self.jobs[c["job"]]["status"] = "closed"

    def cancel(self, user, contract_id):
        r = self.srv.post("/contracts/%d/cancel" % contract_id, user=user)
        self._ok(r, 200)
        c = self.contracts[contract_id]
        c["status"] = "cancelled"
        self.jobs[c["job"]]["status"] = "cancelled"

    def review(self, reviewer, contract_id, rating, reviewee):
        r = self.srv.post("/contracts/%d/reviews" % contract_id,
                          {"rating": rating, "comment": "ledger review"},
                          user=reviewer)
        self._ok(r, 201)
        self.reviews.append((reviewee.id, rating))

    # ---- what the dashboards should say ----
    @staticmethod
    def by_status(rows, statuses):
        out = {s: 0 for s in statuses}
        for row in rows:
            out[row["status"]] += 1
        out["total"] = len(rows)
        return out

    def ratings_of(self, user):
        return [r for uid, r in self.reviews if uid == user.id]

    def freelancer_dashboard(self, f):
        props = [p for p in self.proposals.values()
                 if p["freelancer"] == f.profile_id]
        cons = [c for c in self.contracts.values()
                if c["freelancer"] == f.profile_id]
        done = [c for c in cons if c["status"] == "completed"]
        ratings = self.ratings_of(f)
        active = sorted((c for c in cons if c["status"] == "active"),
                        key=lambda c: (c["started_at"], c["id"]),
                        reverse=True)[:10]
        recent = sorted(props, key=lambda p: (p["created_at"], p["id"]),
                        reverse=True)[:10]
        return {
            "profile": {
                "id": f.profile_id, "title": f.title,
                "rating": {"average": rating_average(ratings),
                           "count": len(ratings)},
                "completed_jobs": len(done),
                "total_earnings_cents": sum(c["amount"] for c in done),
                "hourly_rate_cents": f.rate, "currency": "USD"},
            "proposals": self.by_status(
                props, ("pending", "accepted", "rejected", "withdrawn")),
            "contracts": self.by_status(
                cons, ("active", "completed", "cancelled")),
            "earnings_cents": sum(c["amount"] for c in done),
            "active_contracts": [
                {"id": c["id"], "job_posting_id": c["job"],
                 "job_title": self.jobs[c["job"]]["title"],
                 "client_id": c["client"], "amount_cents": c["amount"],
                 "currency": c["currency"], "started_at": c["started_at"]}
                for c in active],
            "recent_proposals": [
                {"id": p["id"], "job_posting_id": p["job"],
                 "job_title": self.jobs[p["job"]]["title"],
                 "bid_amount_cents": p["bid"], "currency": p["currency"],
                 "status": p["status"], "created_at": p["created_at"]}
                for p in recent],
        }

    def client_dashboard(self, c):
        jobs = [j for j in self.jobs.values() if j["client"] == c.id]
        job_ids = {j["id"] for j in jobs}
        props = [p for p in self.proposals.values() if p["job"] in job_ids]
        cons = [k for k in self.contracts.values() if k["client"] == c.id]
        ratings = self.ratings_of(c)
        active = sorted((k for k in cons if k["status"] == "active"),
                        key=lambda k: (k["started_at"], k["id"]),
                        reverse=True)[:10]
        recent = sorted(jobs, key=lambda j: (j["posted_at"], j["id"]),
                        reverse=True)[:10]
        return {
            "jobs": self.by_status(
                jobs, ("open", "in_progress", "closed", "cancelled")),
            "proposals_received": self.by_status(
                props, ("pending", "accepted", "rejected", "withdrawn")),
            "contracts": self.by_status(
                cons, ("active", "completed", "cancelled")),
            "spend_cents": sum(k["amount"] for k in cons
                               if k["status"] == "completed"),
            "committed_cents": sum(k["amount"] for k in cons
                                   if k["status"] == "active"),
            "rating": {"average": rating_average(ratings),
                       "count": len(ratings)},
            "active_contracts": [
                {"id": k["id"], "job_posting_id": k["job"],
                 "job_title": self.jobs[k["job"]]["title"],
                 "freelancer_id": k["freelancer"], "amount_cents": k["amount"],
                 "currency": k["currency"], "started_at": k["started_at"]}
                for k in active],
            "recent_jobs": [
                {"id": j["id"], "title": j["title"], "status": j["status"],
                 "proposal_count": j["proposals"],
                 "posted_at": j["posted_at"]}
                for j in recent],
        }


def new_freelancer(srv, rate):
    f = srv.freelancer(hourly_rate_cents=rate)
    f.title = "Developer " + f.name  # the harness's default title
    f.rate = rate
    return f


class DashboardScenarioTest(ApiTest):
    """Two freelancers and two clients with proposals in every status,
    contracts active, completed and cancelled, and reviews both ways. The
    response cache stays on: the dashboards must never be shared."""
    server_env = {"CACHE_ENABLED": "true"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.build_scenario()
        except BaseException:
            cls.srv.cleanup()  # tearDownClass does not run after a failure
            raise

    @classmethod
    def build_scenario(cls):
        srv = cls.srv
        led = cls.led = Ledger(srv)
        a = cls.a = new_freelancer(srv, 6500)
        b = cls.b = new_freelancer(srv, 4200)
        c1 = cls.c1 = srv.client()
        c2 = cls.c2 = srv.client()

        # A: two pending, one withdrawn, one rejected by hand, one rejected
        # when B won the job, one rejected when the job closed.
        led.propose(a, led.job(c1), 11000)
        led.propose(a, led.job(c2), 12000)
        led.withdraw(a, led.propose(a, led.job(c1), 13000))
        led.reject(c1, led.propose(a, led.job(c1), 14000))
        contested = led.job(c1)
        led.propose(a, contested, 15000)
        led.accept(c1, led.propose(b, contested, 16000))
        closing = led.job(c1)
        led.propose(a, closing, 17000)
        led.close(c1, closing)

        # A: three completed contracts (ratings 5, 4, 4 from its clients;
        # A rates c1 3 and 4), one cancelled by each side, and 11 active
        # ones, more than the dashboard lists.
        done = [led.hire(c1, a, 20000), led.hire(c1, a, 30100),
                led.hire(c2, a, 45055)]
        for cid, client in zip(done, (c1, c1, c2)):
            led.complete(client, cid)
        led.review(c1, done[0], 5, a)
        led.review(c1, done[1], 4, a)
        led.review(c2, done[2], 4, a)
        led.review(a, done[0], 3, c1)
        led.review(a, done[1], 4, c1)
        led.cancel(c1, led.hire(c1, a, 9900))
        led.cancel(a, led.hire(c2, a, 8800))
        for i in range(11):
            led.hire(c1 if i % 3 else c2, a, 1000 + i * 37)

        # B: its own numbers, on both clients' jobs.
        cid = led.hire(c2, b, 77700)
        led.complete(c2, cid)
        led.review(c2, cid, 2, b)
        led.review(b, cid, 5, c2)
        led.propose(b, led.job(c2), 5000)
        led.withdraw(b, led.propose(b, led.job(c2), 5100))
        # Jobs of c2 nobody proposed on, and one closed without proposals.
        led.job(c2)
        led.close(c2, led.job(c2))

    def dashboard(self, kind, user):
        r = self.srv.get("/dashboard/" + kind, user=user)
        self.assertStatus(r, 200)
        self.assertPrivate(r)
        return r.data

    def assertPrivate(self, r):
        self.assertEqual(r.header("cache-control"), "private, no-cache", r)
        # The response cache adds Accept-Encoding (gzip forms) to the list.
        vary = [v.strip() for v in r.header("vary").split(",")]
        self.assertIn("Authorization", vary, r)

    def test_freelancer_dashboard_matches_what_was_created(self):
        for f in (self.a, self.b):
            self.assertEqual(self.dashboard("freelancer", f),
                             self.led.freelancer_dashboard(f))

    def test_freelancer_rating_is_rounded_to_two_decimals(self):
        d = self.dashboard("freelancer", self.a)
        self.assertEqual(d["profile"]["rating"], {"average": 4.33, "count": 3})

    def test_freelancer_profile_numbers_match_the_profile_page(self):
        for f in (self.a, self.b):
            mine = self.dashboard("freelancer", f)["profile"]
            page = self.assertStatus(
                self.srv.get("/profile/%d" % f.profile_id), 200).data
            for key in ("id", "title", "rating", "completed_jobs",
                        "total_earnings_cents", "hourly_rate_cents",
                        "currency"):
                self.assertEqual(mine[key], page[key], key)

    def test_freelancer_proposals_cover_every_status(self):
        d = self.dashboard("freelancer", self.a)["proposals"]
        for status in ("pending", "accepted", "rejected", "withdrawn"):
            self.assertGreater(d[status], 0, status)
        self.assertEqual(d["rejected"], 3)

    def test_freelancer_lists_hold_ten_newest(self):
        d = self.dashboard("freelancer", self.a)
        self.assertEqual(len(d["active_contracts"]), 10)
        self.assertEqual(len(d["recent_proposals"]), 10)
        ids = [c["id"] for c in d["active_contracts"]]
        self.assertEqual(ids, sorted(ids, reverse=True))

    def test_client_dashboard_matches_what_was_created(self):
        for c in (self.c1, self.c2):
            expect = self.led.client_dashboard(c)
            got = self.dashboard("client", c)
            self.assertEqual(got, expect)

    def test_client_recent_jobs_count_proposals_like_the_job_page(self):
        for j in self.dashboard("client", self.c1)["recent_jobs"]:
            r = self.assertStatus(self.srv.get("/jobs/%d" % j["id"]), 200)
            self.assertEqual(j["proposal_count"], r.data["proposal_count"])

    def test_client_money_and_rating(self):
        d = self.dashboard("client", self.c1)
        self.assertEqual(d["spend_cents"], 20000 + 30100)
        self.assertEqual(d["rating"], {"average": 3.5, "count": 2})
        self.assertEqual(d["contracts"]["cancelled"], 1)

    def test_each_caller_sees_only_its_own_freelancer_dashboard(self):
        srv = self.srv
        first = [self.dashboard("freelancer", self.a) for _ in range(2)]
        self.assertEqual(first[0], first[1])
        other = self.dashboard("freelancer", self.b)
        self.assertEqual(other, self.led.freelancer_dashboard(self.b))
        self.assertNotEqual(other["profile"]["id"], self.a.profile_id)
        r = srv.get("/dashboard/freelancer")  # no Authorization
        self.assertStatus(r, 401, "unauthorized")
        self.assertPrivate(r)
        self.assertNotIn(b'"profile"', r.body)
        r = srv.get("/dashboard/freelancer", user=self.c1)
        self.assertStatus(r, 403, "forbidden")
        self.assertNotIn(b'"profile"', r.body)
        r = srv.get("/dashboard/freelancer", user=self.a)
        self.assertEqual(r.data, self.led.freelancer_dashboard(self.a))

    def test_each_caller_sees_only_its_own_client_dashboard(self):
        srv = self.srv
        first = [self.dashboard("client", self.c1) for _ in range(2)]
        self.assertEqual(first[0], first[1])
        self.assertEqual(self.dashboard("client", self.c2),
                         self.led.client_dashboard(self.c2))
        r = srv.get("/dashboard/client")
        self.assertStatus(r, 401, "unauthorized")
        self.assertNotIn(b'"jobs"', r.body)
        r = srv.get("/dashboard/client", user=self.a)
        self.assertStatus(r, 403, "forbidden")
        self.assertPrivate(r)
        self.assertNotIn(b'"jobs"', r.body)

    def test_dashboards_follow_new_writes(self):
        led, srv = self.led, self.srv
        c3 = srv.client()
        f3 = new_freelancer(srv, 3000)
        self.assertEqual(self.dashboard("client", c3),
                         led.client_dashboard(c3))
        self.assertEqual(self.dashboard("freelancer", f3),
                         led.freelancer_dashboard(f3))
        cid = led.hire(c3, f3, 12345)
        self.assertEqual(self.dashboard("freelancer", f3),
                         led.freelancer_dashboard(f3))
        led.complete(c3, cid)
        led.review(c3, cid, 5, f3)
        self.assertEqual(self.dashboard("client", c3),
                         led.client_dashboard(c3))
        self.assertEqual(self.dashboard("freelancer", f3),
                         led.freelancer_dashboard(f3))


class DashboardAccessTest(ApiTest):
    def test_new_freelancer_dashboard_is_all_zeros(self):
        f = new_freelancer(self.srv, 5000)
        r = self.assertStatus(
            self.srv.get("/dashboard/freelancer", user=f), 200)
        d = r.data
        self.assertEqual(d["profile"]["rating"], {"average": None, "count": 0})
        self.assertEqual(d["proposals"], {"pending": 0, "accepted": 0,
                                          "rejected": 0, "withdrawn": 0,
                                          "total": 0})
        self.assertEqual(d["contracts"], {"active": 0, "completed": 0,
                                          "cancelled": 0, "total": 0})
        self.assertEqual(d["earnings_cents"], 0)
        self.assertEqual(d["active_contracts"], [])
        self.assertEqual(d["recent_proposals"], [])

    def test_new_client_dashboard_is_all_zeros(self):
        c = self.srv.client()
        r = self.assertStatus(self.srv.get("/dashboard/client", user=c), 200)
        d = r.data
        self.assertEqual(d["jobs"], {"open": 0, "in_progress": 0, "closed": 0,
                                     "cancelled": 0, "total": 0})
        self.assertEqual(d["spend_cents"], 0)
        self.assertEqual(d["committed_cents"], 0)
        self.assertEqual(d["rating"], {"average": None, "count": 0})
        self.assertEqual(d["recent_jobs"], [])

    def test_freelancer_without_profile_gets_404_naming_the_fix(self):
        f = self.srv.freelancer(profile=False)
        r = self.srv.get("/dashboard/freelancer", user=f)
        self.assertStatus(r, 404, "not_found")
        self.assertIn("POST /profiles", r.json["error"]["message"])
        self.assertEqual(r.header("cache-control"), "private, no-cache")

    def test_admin_is_neither_freelancer_nor_client(self):
        admin = self.srv.user("admin")
        for kind in ("freelancer", "client"):
            r = self.srv.get("/dashboard/" + kind, user=admin)
            self.assertStatus(r, 403, "forbidden")

    def test_unknown_token_is_401(self):
        for kind in ("freelancer", "client"):
            r = self.srv.get("/dashboard/" + kind,
                             headers={"Authorization": "Bearer not-a-token"})
            self.assertStatus(r, 401, "unauthorized", "Authorization")

    def test_query_parameters_are_refused(self):
        c = self.srv.client()
        r = self.srv.get("/dashboard/client?page=2", user=c)
        self.assertStatus(r, 422, "validation_failed", "page")


def iso(t):
    return datetime.datetime.fromtimestamp(
        t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def by_status(rows, status_of, statuses):
    out = {s: 0 for s in statuses}
    for row in rows:
        out[status_of(row)] += 1
    out["total"] = len(rows)
    return out


def newest(rows, time_of, n=10):
    return sorted(rows, key=lambda r: (time_of(r), r["id"]),
                  reverse=True)[:n]


def seeded_caller(srv, user_id, role):
    """A signed-in caller for a seeded user, who has no password: a session
    row written as the server writes one (the BLAKE2b-256 of the token)."""
    token = secrets.token_urlsafe(32)
    digest = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    con = srv.connect()
    try:
        with con:
            con.execute("INSERT INTO sessions (user_id, token_hash, created_at,"
                        " expires_at) VALUES (?, ?, 0, 4102444800)",
                        (user_id, digest))
    finally:
        con.close()
    return User(user_id, role, "", "", token)


class DashboardSeededTest(ApiTest):
    """On a seeded demo marketplace, the dashboards of its busiest and of
    some ordinary freelancers and clients equal what is recomputed here
    from the raw rows."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server(env={"CACHE_ENABLED": "true"})
        try:
            cls.srv.seed("--jobs", "3000", "--seed", "5")
            cls.srv.start()
        except BaseException:
            cls.srv.cleanup()
            raise
        con = cls.srv.connect()
        con.row_factory = sqlite3.Row
        try:
            q = lambda sql: [dict(r) for r in con.execute(sql)]
            cls.jobs = {j["id"]: j for j in q(
                "SELECT * FROM freelance_job_postings")}
            cls.proposals = q("SELECT * FROM freelance_proposals")
            cls.contracts = q("SELECT * FROM freelance_contracts")
            cls.profiles = q("SELECT * FROM freelance_profiles")
            cls.clients = q("SELECT * FROM users WHERE role = 'client'")
        finally:
            con.close()

    @staticmethod
    def busiest_and_first(rows, weight, n=5):
        busy = sorted(rows, key=lambda r: (-weight(r), r["id"]))[:n]
        return busy + [r for r in rows[:n] if r not in busy]

    def test_seeded_freelancer_dashboards(self):
        n_props = {}
        for p in self.proposals:
            n_props[p["freelancer_id"]] = n_props.get(p["freelancer_id"], 0) + 1
        chosen = self.busiest_and_first(
            self.profiles, lambda f: n_props.get(f["id"], 0))
        for f in chosen:
            props = [p for p in self.proposals if p["freelancer_id"] == f["id"]]
            cons = [c for c in self.contracts if c["freelancer_id"] == f["id"]]
            done = sum(c["amount_cents"] for c in cons
                       if c["status"] == "completed")
            avg = f["rating_avg"]
            expect = {
                "profile": {
                    "id": f["id"], "title": f["title"],
                    "rating": {"average": None if avg is None else
                               round2(avg), "count": f["rating_count"]},
                    "completed_jobs": f["completed_jobs"],
                    "total_earnings_cents": f["total_earnings_cents"],
                    "hourly_rate_cents": f["hourly_rate_cents"],
                    "currency": f["currency"]},
                "proposals": by_status(props, lambda p: p["status"], (
                    "pending", "accepted", "rejected", "withdrawn")),
                "contracts": by_status(cons, lambda c: c["status"], (
                    "active", "completed", "cancelled")),
                "earnings_cents": done,
                "active_contracts": [
                    {"id": c["id"], "job_posting_id": c["job_posting_id"],
                     "job_title": self.jobs[c["job_posting_id"]]["title"],
                     "client_id": c["client_id"],
                     "amount_cents": c["amount_cents"],
                     "currency": c["currency"],
                     "started_at": iso(c["started_at"])}
                    for c in newest([c for c in cons
                                     if c["status"] == "active"],
                                    lambda c: c["started_at"])],
                "recent_proposals": [
                    {"id": p["id"], "job_posting_id": p["job_posting_id"],
                     "job_title": self.jobs[p["job_posting_id"]]["title"],
                     "bid_amount_cents": p["bid_amount_cents"],
                     "currency": p["currency"], "status": p["status"],
                     "created_at": iso(p["created_at"])}
                    for p in newest(props, lambda p: p["created_at"])],
            }
            user = seeded_caller(self.srv, f["user_id"], "freelancer")
            r = self.assertStatus(
                self.srv.get("/dashboard/freelancer", user=user), 200)
            self.assertEqual(r.data, expect, f["id"])

    def test_seeded_client_dashboards(self):
        n_jobs = {}
        for j in self.jobs.values():
            n_jobs[j["client_id"]] = n_jobs.get(j["client_id"], 0) + 1
        chosen = self.busiest_and_first(
            self.clients, lambda c: n_jobs.get(c["id"], 0))
        for c in chosen:
            jobs = [j for j in self.jobs.values() if j["client_id"] == c["id"]]
            ids = {j["id"] for j in jobs}
            props = [p for p in self.proposals if p["job_posting_id"] in ids]
            cons = [k for k in self.contracts if k["client_id"] == c["id"]]
            n = c["rating_count"]
            expect = {
                "jobs": by_status(jobs, lambda j: j["status"], (
                    "open", "in_progress", "closed", "cancelled")),
                "proposals_received": by_status(
                    props, lambda p: p["status"],
                    ("pending", "accepted", "rejected", "withdrawn")),
                "contracts": by_status(cons, lambda k: k["status"], (
                    "active", "completed", "cancelled")),
                "spend_cents": sum(k["amount_cents"] for k in cons
                                   if k["status"] == "completed"),
                "committed_cents": sum(k["amount_cents"] for k in cons
                                       if k["status"] == "active"),
                "rating": {"average": round2(c["rating_sum"] / n) if n else
                           None, "count": n},
                "active_contracts": [
                    {"id": k["id"], "job_posting_id": k["job_posting_id"],
                     "job_title": self.jobs[k["job_posting_id"]]["title"],
                     "freelancer_id": k["freelancer_id"],
                     "amount_cents": k["amount_cents"],
                     "currency": k["currency"],
                     "started_at": iso(k["started_at"])}
                    for k in newest([k for k in cons
                                     if k["status"] == "active"],
                                    lambda k: k["started_at"])],
                "recent_jobs": [
                    {"id": j["id"], "title": j["title"],
                     "status": j["status"],
                     "proposal_count": j["proposal_count"],
                     "posted_at": iso(j["posted_at"])}
                    for j in newest(jobs, lambda j: j["posted_at"])],
            }
            user = seeded_caller(self.srv, c["id"], "client")
            r = self.assertStatus(
                self.srv.get("/dashboard/client", user=user), 200)
            self.assertEqual(r.data, expect, c["id"])


if __name__ == "__main__":
    main()
