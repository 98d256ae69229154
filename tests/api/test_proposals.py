"""Proposals: creating one on an open job, withdrawing, rejecting and
accepting it, who may do each, the freelancer's list, and the races on
accept (FIELD-CASES B07, B09, B14)."""
import threading

from harness import ApiTest, main


def request_on_new_connection(srv, method, path, body=None, user=None):
    """One request on a connection of its own, so that concurrent calls from
    several threads really are concurrent. Returns (status, json)."""
    r = srv.fresh_request(method, path, body, user)
    return r.status, r.json


def at_once(srv, calls):
    """Runs calls, a list of (method, path, body, user), from one thread each,
    released together by a barrier. Returns the (status, json) results in
    the order of calls."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        method, path, body, user = call
        try:
            barrier.wait(30)
            results[i] = request_on_new_connection(srv, method, path, body, user)
        except Exception as e:  # reported as a failed result below
            results[i] = (0, repr(e))

    threads = [threading.Thread(target=run, args=(i, c))
               for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


class ProposalTestBase(ApiTest):
    def proposals_of(self, freelancer, status=None):
        """Every proposal of freelancer, as the freelancer sees them."""
        path = "/proposals/freelancer/%d?page_size=100" % freelancer.profile_id
        if status:
            path += "&status=" + status
        r = self.assertStatus(self.srv.get(path, user=freelancer), 200)
        self.assertFalse(r.meta["has_next"])
        return r.items

    def proposal_status(self, freelancer, proposal_id):
        for p in self.proposals_of(freelancer):
            if p["id"] == proposal_id:
                return p["status"]
        self.fail("proposal %d not in its freelancer's list" % proposal_id)

    def job_state(self, job_id):
        r = self.assertStatus(self.srv.get("/jobs/%d" % job_id), 200)
        return r.data["status"], r.data["proposal_count"]

    def contracts_on_job(self, freelancers, job_id):
        found = []
        for f in freelancers:
            r = self.srv.get("/contracts/freelancer/%d?page_size=100"
                             % f.profile_id, user=f)
            self.assertStatus(r, 200)
            found += [c for c in r.items if c["job_posting_id"] == job_id]
        return found

    def body(self, job_id, **fields):
        b = {"job_posting_id": job_id,
             "cover_letter": "I have done this kind of work before.",
             "bid_amount_cents": 42000, "estimated_duration_days": 14}
        b.update(fields)
        return b


class ProposalLifecycleTest(ProposalTestBase):
    def test_create_returns_proposal_and_counts_it_on_the_job(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c, currency="EUR")
        r = self.srv.post("/proposals/create", self.body(job["id"]), user=f)
        self.assertStatus(r, 201)
        p = r.data
        self.assertEqual(set(p), {"id", "job_posting_id", "freelancer_id",
                                  "cover_letter", "bid_amount_cents", "currency",
                                  "estimated_duration_days", "status",
                                  "created_at", "updated_at"})
        self.assertEqual(p["job_posting_id"], job["id"])
        self.assertEqual(p["freelancer_id"], f.profile_id)
        self.assertEqual(p["bid_amount_cents"], 42000)
        self.assertEqual(p["estimated_duration_days"], 14)
        self.assertEqual(p["status"], "pending")
        self.assertEqual(p["currency"], "EUR")  # the job's, when not given
        self.assertRegex(p["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(self.job_state(job["id"]), ("open", 1))

        f2 = self.srv.freelancer()
        r = self.srv.post("/proposals/create",
                          self.body(job["id"], currency="GBP"), user=f2)
        self.assertStatus(r, 201)
        self.assertEqual(r.data["currency"], "GBP")
        self.assertEqual(self.job_state(job["id"]), ("open", 2))

    def test_withdraw_then_every_transition_gives_409(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        p = self.srv.proposal(f, job["id"])
        r = self.srv.post("/proposals/%d/withdraw" % p["id"], user=f)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["status"], "withdrawn")
        self.assertEqual(r.data["id"], p["id"])
        for action, who in (("withdraw", f), ("reject", c), ("accept", c)):
            r = self.srv.post("/proposals/%d/%s" % (p["id"], action), user=who)
            self.assertStatus(r, 409, "conflict")
        self.assertEqual(self.proposal_status(f, p["id"]), "withdrawn")
        self.assertEqual(self.job_state(job["id"])[0], "open")
        self.assertEqual(self.contracts_on_job([f], job["id"]), [])

    def test_reject_then_every_transition_gives_409(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        p = self.srv.proposal(f, job["id"])
        r = self.srv.post("/proposals/%d/reject" % p["id"], user=c)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["status"], "rejected")
        for action, who in (("withdraw", f), ("reject", c), ("accept", c)):
            r = self.srv.post("/proposals/%d/%s" % (p["id"], action), user=who)
            self.assertStatus(r, 409, "conflict")
        self.assertEqual(self.proposal_status(f, p["id"]), "rejected")
        self.assertEqual(self.job_state(job["id"])[0], "open")

    def test_accept_opens_contract_rejects_others_and_starts_job(self):
        c = self.srv.client()
        f1, f2, f3 = (self.srv.freelancer() for _ in range(3))
        job = self.srv.job(c, currency="EUR")
        p1 = self.srv.proposal(f1, job["id"], bid_amount_cents=31000)
        p2 = self.srv.proposal(f2, job["id"])
        p3 = self.srv.proposal(f3, job["id"])
        self.srv.post("/proposals/%d/withdraw" % p3["id"], user=f3)

        r = self.assertStatus(
            self.srv.post("/proposals/%d/accept" % p1["id"], user=c), 201)
        k = r.data
        self.assertEqual(k["proposal_id"], p1["id"])
        self.assertEqual(k["job_posting_id"], job["id"])
        self.assertEqual(k["job_title"], job["title"])
        self.assertEqual(k["freelancer_id"], f1.profile_id)
        self.assertEqual(k["freelancer_user_id"], f1.id)
        self.assertEqual(k["client_id"], c.id)
        self.assertEqual(k["amount_cents"], 31000)
        self.assertEqual(k["currency"], "EUR")
        self.assertEqual(k["status"], "active")
        self.assertIsNone(k["ended_at"])
        self.assertEqual(k["reviews"], [])

        self.assertEqual(self.proposal_status(f1, p1["id"]), "accepted")
        self.assertEqual(self.proposal_status(f2, p2["id"]), "rejected")
        self.assertEqual(self.proposal_status(f3, p3["id"]), "withdrawn")
        self.assertEqual(self.job_state(job["id"]), ("in_progress", 3))

        for action, who in (("withdraw", f1), ("reject", c), ("accept", c)):
            r = self.srv.post("/proposals/%d/%s" % (p1["id"], action), user=who)
            self.assertStatus(r, 409, "conflict")
        r = self.srv.post("/proposals/%d/accept" % p2["id"], user=c)
        self.assertStatus(r, 409, "conflict")
        self.assertEqual(len(self.contracts_on_job([f1, f2], job["id"])), 1)
        self.assertEqual(self.proposal_status(f1, p1["id"]), "accepted")

    def test_proposal_on_a_job_that_is_not_open_gives_409(self):
        c = self.srv.client()
        f1, f2 = self.srv.freelancer(), self.srv.freelancer()
        started = self.srv.contract(client=c, freelancer=f1)[1]
        r = self.srv.post("/proposals/create", self.body(started["id"]), user=f2)
        self.assertStatus(r, 409, "conflict", "job_posting_id")
        closed = self.srv.job(c)
        self.assertStatus(self.srv.post("/jobs/%d/close" % closed["id"], user=c),
                          200)
        r = self.srv.post("/proposals/create", self.body(closed["id"]), user=f2)
        self.assertStatus(r, 409, "conflict", "job_posting_id")
        self.assertEqual(self.proposals_of(f2), [])
        self.assertEqual(self.job_state(started["id"]), ("in_progress", 1))
        self.assertEqual(self.job_state(closed["id"]), ("closed", 0))

    def test_accept_on_a_closed_job_gives_409(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        p = self.srv.proposal(f, job["id"])
        self.assertStatus(self.srv.post("/jobs/%d/close" % job["id"], user=c), 200)
        r = self.srv.post("/proposals/%d/accept" % p["id"], user=c)
        self.assertStatus(r, 409, "conflict")
        self.assertEqual(self.contracts_on_job([f], job["id"]), [])
        self.assertEqual(self.job_state(job["id"])[0], "closed")

    def test_second_live_proposal_on_a_job_gives_409(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        self.srv.proposal(f, job["id"])
        r = self.srv.post("/proposals/create", self.body(job["id"]), user=f)
        self.assertStatus(r, 409, "conflict", "job_posting_id")
        self.assertEqual(len(self.proposals_of(f)), 1)
        self.assertEqual(self.job_state(job["id"]), ("open", 1))

    def test_a_new_proposal_after_withdrawing_is_allowed(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        p = self.srv.proposal(f, job["id"])
        self.srv.post("/proposals/%d/withdraw" % p["id"], user=f)
        r = self.srv.post("/proposals/create", self.body(job["id"]), user=f)
        self.assertStatus(r, 201)
        self.assertNotEqual(r.data["id"], p["id"])
        self.assertEqual(self.job_state(job["id"]), ("open", 2))


class ProposalOwnershipTest(ProposalTestBase):
    def setUp(self):
        self.c = self.srv.client()
        self.f = self.srv.freelancer()
        self.job = self.srv.job(self.c)
        self.p = self.srv.proposal(self.f, self.job["id"])

    def assertUnchanged(self):
        self.assertEqual(self.proposal_status(self.f, self.p["id"]), "pending")
        self.assertEqual(self.job_state(self.job["id"]), ("open", 1))
        self.assertEqual(self.contracts_on_job([self.f], self.job["id"]), [])

    def test_client_cannot_create_a_proposal(self):
        r = self.srv.post("/proposals/create", self.body(self.job["id"]),
                          user=self.srv.client())
        self.assertStatus(r, 403, "forbidden")
        self.assertUnchanged()

    def test_freelancer_without_profile_is_told_to_create_one(self):
        u = self.srv.freelancer(profile=False)
        r = self.srv.post("/proposals/create", self.body(self.job["id"]), user=u)
        self.assertStatus(r, 403, "forbidden")
        self.assertIn("profile", r.json["error"]["message"])
        self.assertUnchanged()

    def test_anonymous_caller_gets_401_everywhere(self):
        pid = self.p["id"]
        for path in ("/proposals/%d/withdraw" % pid, "/proposals/%d/reject" % pid,
                     "/proposals/%d/accept" % pid):
            self.assertStatus(self.srv.post(path), 401, "unauthorized")
        r = self.srv.post("/proposals/create", self.body(self.job["id"]))
        self.assertStatus(r, 401, "unauthorized")
        r = self.srv.get("/proposals/freelancer/%d" % self.f.profile_id)
        self.assertStatus(r, 401, "unauthorized")
        self.assertUnchanged()

    def test_only_the_proposals_freelancer_withdraws(self):
        admin = self.srv.user("admin")
        for who in (self.srv.freelancer(), self.c, self.srv.client(), admin):
            r = self.srv.post("/proposals/%d/withdraw" % self.p["id"], user=who)
            self.assertStatus(r, 403, "forbidden")
        self.assertUnchanged()

    def test_only_the_jobs_client_accepts_or_rejects(self):
        others = (self.srv.client(), self.f, self.srv.freelancer(),
                  self.srv.user("admin"))
        for action in ("accept", "reject"):
            for who in others:
                r = self.srv.post("/proposals/%d/%s" % (self.p["id"], action),
                                  user=who)
                self.assertStatus(r, 403, "forbidden")
        self.assertUnchanged()

    def test_forbidden_beats_wrong_state(self):
        self.srv.post("/proposals/%d/withdraw" % self.p["id"], user=self.f)
        r = self.srv.post("/proposals/%d/accept" % self.p["id"],
                          user=self.srv.client())
        self.assertStatus(r, 403, "forbidden")

    def test_list_is_for_the_freelancer_or_an_admin(self):
        path = "/proposals/freelancer/%d" % self.f.profile_id
        for who in (self.srv.freelancer(), self.c, self.srv.client()):
            self.assertStatus(self.srv.get(path, user=who), 403, "forbidden")
        r = self.assertStatus(self.srv.get(path, user=self.srv.user("admin")), 200)
        self.assertEqual([p["id"] for p in r.items], [self.p["id"]])


class ProposalInputTest(ProposalTestBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.c = cls.srv.client()
        cls.f = cls.srv.freelancer()
        cls.job = cls.srv.job(cls.c)

    def create(self, body):
        return self.srv.post("/proposals/create", body, user=self.f)

    def tearDown(self):
        # Nothing refused may leave a proposal behind.
        self.assertEqual(self.proposals_of(self.f), [])
        self.assertEqual(self.job_state(self.job["id"]), ("open", 0))

    def test_malformed_json_is_400(self):
        for raw in (b"{", b"{\"job_posting_id\": }", b"[1, 2]", b"\"text\"",
                    b"{\"a\":1,\"a\":2}"):
            r = self.srv.request("POST", "/proposals/create", raw=raw, user=self.f,
                                 headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400)

    def test_wrong_types_are_400_naming_the_field(self):
        cases = {"job_posting_id": str(self.job["id"]), "cover_letter": 12,
                 "bid_amount_cents": 420.5, "estimated_duration_days": "14",
                 "currency": 978}
        for field, value in cases.items():
            r = self.create(self.body(self.job["id"], **{field: value}))
            self.assertStatus(r, 400, "malformed_request", field)
        r = self.create(self.body(self.job["id"], bid_amount_cents=True))
        self.assertStatus(r, 400, "malformed_request", "bid_amount_cents")

    def test_missing_and_unknown_fields_are_422(self):
        for field in ("job_posting_id", "cover_letter", "bid_amount_cents",
                      "estimated_duration_days"):
            b = self.body(self.job["id"])
            del b[field]
            self.assertStatus(self.create(b), 422, "validation_failed", field)
        b = self.body(self.job["id"], status="accepted")
        self.assertStatus(self.create(b), 422, "validation_failed", "status")
        b = self.body(self.job["id"], cover_letter=None)
        self.assertStatus(self.create(b), 422, "validation_failed", "cover_letter")

    def test_out_of_range_values_are_422(self):
        cases = [("bid_amount_cents", 0), ("bid_amount_cents", -5),
                 ("bid_amount_cents", 10000000001),
                 ("estimated_duration_days", 0), ("estimated_duration_days", 3651),
                 ("job_posting_id", 0), ("job_posting_id", -1),
                 ("cover_letter", ""), ("cover_letter", "x" * 5001),
                 ("currency", "usd"), ("currency", "US"), ("currency", "USDX"),
                 ("currency", "U$D")]
        for field, value in cases:
            r = self.create(self.body(self.job["id"], **{field: value}))
            self.assertStatus(r, 422, "validation_failed", field)

    def test_limits_themselves_are_accepted(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        r = self.srv.post("/proposals/create", self.body(
            job["id"], cover_letter="é" * 5000, bid_amount_cents=10000000000,
            estimated_duration_days=3650), user=f)
        self.assertStatus(r, 201)
        self.assertEqual(r.data["cover_letter"], "é" * 5000)
        self.assertEqual(r.data["bid_amount_cents"], 10000000000)

    def test_unknown_job_is_404(self):
        r = self.create(self.body(999999999))
        self.assertStatus(r, 404, "not_found", "job_posting_id")

    def test_bad_path_ids(self):
        for path in ("/proposals/0/accept", "/proposals/-3/withdraw",
                     "/proposals/abc/reject", "/proposals/freelancer/0"):
            method = "GET" if "freelancer" in path else "POST"
            r = self.srv.request(method, path, user=self.c)
            self.assertStatus(r, 400, "malformed_request")
        for action in ("accept", "reject", "withdraw"):
            r = self.srv.post("/proposals/999999999/%s" % action, user=self.c)
            self.assertStatus(r, 404, "not_found")

    def test_transition_with_unknown_body_field_is_422(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        p = self.srv.proposal(f, job["id"])
        r = self.srv.post("/proposals/%d/accept" % p["id"], {"force": True}, user=c)
        self.assertStatus(r, 422, "validation_failed", "force")
        self.assertEqual(self.proposal_status(f, p["id"]), "pending")

    def test_list_query_is_checked(self):
        path = "/proposals/freelancer/%d" % self.f.profile_id
        self.assertStatus(self.srv.get(path + "?status=open", user=self.f),
                          422, "validation_failed", "status")
        self.assertStatus(self.srv.get(path + "?page_size=0", user=self.f),
                          422, "validation_failed", "page_size")
        self.assertStatus(self.srv.get(path + "?page_size=101", user=self.f),
                          422, "validation_failed", "page_size")
        self.assertStatus(self.srv.get(path + "?page=0", user=self.f),
                          422, "validation_failed", "page")
        self.assertStatus(self.srv.get(path + "?page=x", user=self.f),
                          400, "malformed_request", "page")
        self.assertStatus(self.srv.get(path + "?sort=id", user=self.f),
                          422, "validation_failed", "sort")
        self.assertStatus(self.srv.get("/proposals/freelancer/999999999",
                                       user=self.f), 404, "not_found")


class ProposalListTest(ProposalTestBase):
    def test_status_filter_and_newest_first(self):
        c, f = self.srv.client(), self.srv.freelancer()
        made = []
        for _ in range(5):
            made.append(self.srv.proposal(f, self.srv.job(c)["id"]))
        self.srv.post("/proposals/%d/withdraw" % made[1]["id"], user=f)
        self.srv.post("/proposals/%d/reject" % made[3]["id"], user=c)
        items = self.proposals_of(f)
        keys = [(p["created_at"], p["id"]) for p in items]
        self.assertEqual(keys, sorted(keys, reverse=True))
        self.assertEqual(len(items), 5)
        self.assertIn("job_title", items[0])
        for status, want in (("pending", {0, 2, 4}), ("withdrawn", {1}),
                             ("rejected", {3}), ("accepted", set())):
            got = {p["id"] for p in self.proposals_of(f, status)}
            self.assertEqual(got, {made[i]["id"] for i in want}, status)

    def test_pages_with_shared_created_at_are_stable_and_complete(self):
        """B07: page_size 3 over proposals that share created_at seconds."""
        c, f = self.srv.client(), self.srv.freelancer()
        for _ in range(11):
            self.srv.proposal(f, self.srv.job(c)["id"])
        path = "/proposals/freelancer/%d" % f.profile_id
        whole = self.proposals_of(f)
        self.assertLess(len({p["created_at"] for p in whole}), len(whole))
        walked = self.walk(path, 3, user=f)
        ids = [p["id"] for p in walked]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertEqual(ids, [p["id"] for p in whole])
        for a, b in zip(walked, walked[1:]):
            self.assertGreaterEqual(a["created_at"], b["created_at"])
            if a["created_at"] == b["created_at"]:
                self.assertGreater(a["id"], b["id"])
        self.assertEqual([p["id"] for p in self.walk(path, 3, user=f)], ids)
        self.assertEqual([p["id"] for p in self.walk(path + "?status=pending", 3,
                                                    user=f)], ids)
        # Statistics change the planner's choices; the order must not move.
        import sqlite3
        db = self.srv.connect()
        db.execute("ANALYZE")
        db.commit()
        db.close()
        self.assertEqual([p["id"] for p in self.walk(path, 3, user=f)], ids)

    def test_freelancer_without_proposals_gets_an_empty_list(self):
        """B09: no phantom page."""
        f = self.srv.freelancer()
        r = self.srv.get("/proposals/freelancer/%d" % f.profile_id, user=f)
        self.assertStatus(r, 200)
        self.assertEqual(r.items, [])
        self.assertEqual(r.meta, {"page": 1, "page_size": 20, "total_items": 0,
                                  "total_pages": 0, "has_next": False,
                                  "has_previous": False})

    def test_exactly_one_full_page(self):
        """B09: a total that is a multiple of page_size."""
        c, f = self.srv.client(), self.srv.freelancer()
        for _ in range(20):
            self.srv.proposal(f, self.srv.job(c)["id"])
        path = "/proposals/freelancer/%d" % f.profile_id
        r = self.assertStatus(self.srv.get(path, user=f), 200)
        self.assertEqual(len(r.items), 20)
        self.assertEqual(r.meta["total_items"], 20)
        self.assertEqual(r.meta["total_pages"], 1)
        self.assertFalse(r.meta["has_next"])
        self.assertFalse(r.meta["has_previous"])
        r = self.assertStatus(self.srv.get(path + "?page=2", user=f), 200)
        self.assertEqual(r.items, [])
        self.assertEqual(r.meta["total_items"], 20)
        self.assertEqual(r.meta["total_pages"], 1)
        self.assertFalse(r.meta["has_next"])
        self.assertTrue(r.meta["has_previous"])

    def test_unknown_freelancer_is_404(self):
        r = self.srv.get("/proposals/freelancer/987654321",
                         user=self.srv.user("admin"))
        self.assertStatus(r, 404, "not_found")


class ProposalRaceTest(ProposalTestBase):
    def test_two_proposals_accepted_at_once_give_one_contract(self):
        """B14: 20 rounds of two accepts for one job at the same instant."""
        c = self.srv.client()
        f1, f2, f3 = (self.srv.freelancer() for _ in range(3))
        for _ in range(20):
            job = self.srv.job(c)
            p1 = self.srv.proposal(f1, job["id"])
            p2 = self.srv.proposal(f2, job["id"])
            p3 = self.srv.proposal(f3, job["id"])
            res = at_once(self.srv, [
                ("POST", "/proposals/%d/accept" % p1["id"], None, c),
                ("POST", "/proposals/%d/accept" % p2["id"], None, c)])
            self.assertEqual(sorted(s for s, _ in res), [201, 409], res)
            loser = res[0][1] if res[0][0] == 409 else res[1][1]
            self.assertEqual(loser["status"], "error")
            self.assertEqual(loser["error"]["code"], "conflict")
            won = p1 if res[0][0] == 201 else p2
            contracts = self.contracts_on_job([f1, f2, f3], job["id"])
            self.assertEqual(len(contracts), 1)
            self.assertEqual(contracts[0]["proposal_id"], won["id"])
            self.assertEqual(self.job_state(job["id"]), ("in_progress", 3))
            statuses = {self.proposal_status(f, p["id"])
                        for f, p in ((f1, p1), (f2, p2))}
            self.assertEqual(statuses, {"accepted", "rejected"})
            self.assertEqual(self.proposal_status(f3, p3["id"]), "rejected")
            r = self.srv.post("/proposals/create", self.body(job["id"]),
                              user=self.srv.freelancer())
            self.assertStatus(r, 409, "conflict")

    def test_one_proposal_accepted_twice_at_once_gives_one_contract(self):
        c, f = self.srv.client(), self.srv.freelancer()
        for _ in range(5):
            job = self.srv.job(c)
            p = self.srv.proposal(f, job["id"])
            path = "/proposals/%d/accept" % p["id"]
            res = at_once(self.srv, [("POST", path, None, c)] * 2)
            self.assertEqual(sorted(s for s, _ in res), [201, 409], res)
            self.assertEqual(len(self.contracts_on_job([f], job["id"])), 1)
            self.assertEqual(self.proposal_status(f, p["id"]), "accepted")

    def test_fifty_identical_proposals_at_once_make_one(self):
        c, f = self.srv.client(), self.srv.freelancer()
        job = self.srv.job(c)
        call = ("POST", "/proposals/create", self.body(job["id"]), f)
        res = at_once(self.srv, [call] * 50)
        statuses = sorted(s for s, _ in res)
        self.assertEqual(statuses, [201] + [409] * 49, res[:3])
        self.assertEqual(len(self.proposals_of(f)), 1)
        self.assertEqual(self.job_state(job["id"]), ("open", 1))


if __name__ == "__main__":
    main()
