"""Contracts: reading one, completing and cancelling it, who may do each,
and the freelancer's list (FIELD-CASES B07, B09)."""
import sqlite3

from harness import ApiTest, main


class ContractTestBase(ApiTest):
    def contract(self, **kw):
        """An active contract: (contract, job, proposal, client, freelancer)."""
        return self.srv.contract(**kw)

    def contract_status(self, contract_id, reader):
        r = self.srv.get("/contracts/%d" % contract_id, user=reader)
        self.assertStatus(r, 200)
        return r.data["status"]

    def job_status(self, job_id):
        r = self.assertStatus(self.srv.get("/jobs/%d" % job_id), 200)
        return r.data["status"]

    def earnings(self, freelancer):
        r = self.srv.get("/profile/%d" % freelancer.profile_id)
        self.assertStatus(r, 200)
        return r.data["completed_jobs"], r.data["total_earnings_cents"]


class ContractLifecycleTest(ContractTestBase):
    def test_get_shows_the_contract_to_both_parties(self):
        k, job, prop, c, f = self.contract()
        for who in (c, f, self.srv.user("admin")):
            r = self.assertStatus(self.srv.get("/contracts/%d" % k["id"], user=who),
                                  200)
            self.assertEqual(r.data, k)
        self.assertEqual(set(k), {"id", "proposal_id", "job_posting_id",
                                  "job_title", "freelancer_id",
                                  "freelancer_user_id", "client_id",
                                  "amount_cents", "currency", "status",
                                  "started_at", "ended_at", "reviews"})
        self.assertEqual(k["amount_cents"], prop["bid_amount_cents"])
        self.assertEqual(k["status"], "active")
        self.assertRegex(k["started_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

    def test_complete_closes_job_and_credits_the_freelancer(self):
        f = self.srv.freelancer()
        k1, job1, _, c1, _ = self.contract(freelancer=f)
        k2, job2, _, c2, _ = self.contract(freelancer=f)
        self.assertEqual(self.earnings(f), (0, 0))
        r = self.srv.post("/contracts/%d/complete" % k1["id"], user=c1)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["status"], "completed")
        self.assertIsNotNone(r.data["ended_at"])
        self.assertEqual(self.job_status(job1["id"]), "closed")
        self.assertEqual(self.earnings(f), (1, k1["amount_cents"]))
        self.assertStatus(self.srv.post("/contracts/%d/complete" % k2["id"],
                                        user=c2), 200)
        self.assertEqual(self.earnings(f),
                         (2, k1["amount_cents"] + k2["amount_cents"]))

    def test_completed_contract_cannot_change_again(self):
        k, job, _, c, f = self.contract()
        self.srv.post("/contracts/%d/complete" % k["id"], user=c)
        before = self.earnings(f)
        for action, who in (("complete", c), ("cancel", c), ("cancel", f)):
            r = self.srv.post("/contracts/%d/%s" % (k["id"], action), user=who)
            self.assertStatus(r, 409, "conflict")
        self.assertEqual(self.contract_status(k["id"], c), "completed")
        self.assertEqual(self.job_status(job["id"]), "closed")
        self.assertEqual(self.earnings(f), before)

    def test_either_party_cancels_and_the_job_is_cancelled(self):
        for canceller in ("client", "freelancer"):
            k, job, _, c, f = self.contract()
            who = c if canceller == "client" else f
            r = self.srv.post("/contracts/%d/cancel" % k["id"], user=who)
            self.assertStatus(r, 200)
            self.assertEqual(r.data["status"], "cancelled")
            self.assertIsNotNone(r.data["ended_at"])
            self.assertEqual(self.job_status(job["id"]), "cancelled")
            self.assertEqual(self.earnings(f), (0, 0))
            for action, actor in (("complete", c), ("cancel", c), ("cancel", f)):
                r = self.srv.post("/contracts/%d/%s" % (k["id"], action),
                                  user=actor)
                self.assertStatus(r, 409, "conflict")
            self.assertEqual(self.contract_status(k["id"], f), "cancelled")
            self.assertEqual(self.job_status(job["id"]), "cancelled")
            self.assertEqual(self.earnings(f), (0, 0))

    def test_no_new_proposal_on_a_job_whose_contract_ended(self):
        k, job, _, c, _ = self.contract()
        self.srv.post("/contracts/%d/cancel" % k["id"], user=c)
        f2 = self.srv.freelancer()
        r = self.srv.post("/proposals/create", {
            "job_posting_id": job["id"], "cover_letter": "Let me try.",
            "bid_amount_cents": 100, "estimated_duration_days": 1}, user=f2)
        self.assertStatus(r, 409, "conflict")


class ContractOwnershipTest(ContractTestBase):
    def setUp(self):
        self.k, self.job, _, self.c, self.f = self.contract()

    def assertUnchanged(self):
        self.assertEqual(self.contract_status(self.k["id"], self.c), "active")
        self.assertEqual(self.job_status(self.job["id"]), "in_progress")
        self.assertEqual(self.earnings(self.f), (0, 0))

    def test_strangers_cannot_read(self):
        for who in (self.srv.client(), self.srv.freelancer()):
            r = self.srv.get("/contracts/%d" % self.k["id"], user=who)
            self.assertStatus(r, 403, "forbidden")
        self.assertStatus(self.srv.get("/contracts/%d" % self.k["id"]), 401,
                          "unauthorized")

    def test_only_the_client_completes(self):
        for who in (self.f, self.srv.client(), self.srv.freelancer(),
                    self.srv.user("admin")):
            r = self.srv.post("/contracts/%d/complete" % self.k["id"], user=who)
            self.assertStatus(r, 403, "forbidden")
        r = self.srv.post("/contracts/%d/complete" % self.k["id"])
        self.assertStatus(r, 401, "unauthorized")
        self.assertUnchanged()

    def test_only_a_party_cancels(self):
        for who in (self.srv.client(), self.srv.freelancer(),
                    self.srv.user("admin")):
            r = self.srv.post("/contracts/%d/cancel" % self.k["id"], user=who)
            self.assertStatus(r, 403, "forbidden")
        self.assertStatus(self.srv.post("/contracts/%d/cancel" % self.k["id"]),
                          401, "unauthorized")
        self.assertUnchanged()

    def test_list_is_for_the_freelancer_or_an_admin(self):
        path = "/contracts/freelancer/%d" % self.f.profile_id
        for who in (self.srv.freelancer(), self.c, self.srv.client()):
            self.assertStatus(self.srv.get(path, user=who), 403, "forbidden")
        self.assertStatus(self.srv.get(path), 401, "unauthorized")
        r = self.assertStatus(self.srv.get(path, user=self.srv.user("admin")), 200)
        self.assertEqual([k["id"] for k in r.items], [self.k["id"]])


class ContractInputTest(ContractTestBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.k, cls.job, _, cls.c, cls.f = cls.srv.contract()

    def tearDown(self):
        self.assertEqual(self.contract_status(self.k["id"], self.c), "active")
        self.assertEqual(self.job_status(self.job["id"]), "in_progress")

    def test_unknown_and_bad_ids(self):
        admin = self.srv.user("admin")
        self.assertStatus(self.srv.get("/contracts/999999999", user=admin),
                          404, "not_found")
        for action in ("complete", "cancel"):
            r = self.srv.post("/contracts/999999999/%s" % action, user=self.c)
            self.assertStatus(r, 404, "not_found")
            for bad in ("0", "-1", "x1"):
                r = self.srv.post("/contracts/%s/%s" % (bad, action), user=self.c)
                self.assertStatus(r, 400, "malformed_request")
        self.assertStatus(self.srv.get("/contracts/0", user=admin), 400)
        self.assertStatus(self.srv.get("/contracts/freelancer/0", user=admin), 400)
        self.assertStatus(self.srv.get("/contracts/freelancer/999999999",
                                       user=admin), 404, "not_found")

    def test_bodies_are_checked(self):
        for action in ("complete", "cancel"):
            path = "/contracts/%d/%s" % (self.k["id"], action)
            r = self.srv.post(path, {"reason": "x"}, user=self.c)
            self.assertStatus(r, 422, "validation_failed", "reason")
            r = self.srv.request("POST", path, raw=b"{nope", user=self.c,
                                 headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400)
            r = self.srv.request("POST", path, raw=b"[]", user=self.c,
                                 headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400)

    def test_list_query_is_checked(self):
        path = "/contracts/freelancer/%d" % self.f.profile_id
        self.assertStatus(self.srv.get(path + "?status=done", user=self.f),
                          422, "validation_failed", "status")
        self.assertStatus(self.srv.get(path + "?page_size=500", user=self.f),
                          422, "validation_failed", "page_size")
        self.assertStatus(self.srv.get(path + "?page=1.5", user=self.f),
                          400, "malformed_request", "page")
        self.assertStatus(self.srv.get(path + "?limit=5", user=self.f),
                          422, "validation_failed", "limit")
        self.assertStatus(self.srv.get("/contracts/%d?x=1" % self.k["id"],
                                       user=self.f), 422, "validation_failed", "x")


class ContractListTest(ContractTestBase):
    def test_status_filter_and_newest_first(self):
        f = self.srv.freelancer()
        ks = [self.contract(freelancer=f) for _ in range(4)]
        self.srv.post("/contracts/%d/complete" % ks[0][0]["id"], user=ks[0][3])
        self.srv.post("/contracts/%d/cancel" % ks[2][0]["id"], user=f)
        path = "/contracts/freelancer/%d?page_size=100" % f.profile_id
        r = self.assertStatus(self.srv.get(path, user=f), 200)
        keys = [(k["started_at"], k["id"]) for k in r.items]
        self.assertEqual(keys, sorted(keys, reverse=True))
        self.assertEqual(len(keys), 4)
        self.assertNotIn("reviews", r.items[0])
        for status, want in (("active", {1, 3}), ("completed", {0}),
                             ("cancelled", {2})):
            r = self.assertStatus(self.srv.get(path + "&status=" + status,
                                               user=f), 200)
            self.assertEqual({k["id"] for k in r.items},
                             {ks[i][0]["id"] for i in want}, status)
            self.assertEqual(r.meta["total_items"], len(want))

    def test_pages_with_shared_started_at_are_stable_and_complete(self):
        """B07: status=active, page_size 3, contracts sharing started_at."""
        f = self.srv.freelancer()
        for _ in range(8):
            self.contract(freelancer=f)
        ended = self.contract(freelancer=f)
        self.srv.post("/contracts/%d/cancel" % ended[0]["id"], user=f)
        base = "/contracts/freelancer/%d" % f.profile_id
        whole = self.srv.get(base + "?status=active&page_size=100", user=f).items
        self.assertEqual(len(whole), 8)
        self.assertLess(len({k["started_at"] for k in whole}), len(whole))
        for path in (base + "?status=active", base):
            walked = self.walk(path, 3, user=f)
            ids = [k["id"] for k in walked]
            self.assertEqual(len(ids), len(set(ids)))
            for a, b in zip(walked, walked[1:]):
                self.assertGreaterEqual(a["started_at"], b["started_at"])
                if a["started_at"] == b["started_at"]:
                    self.assertGreater(a["id"], b["id"])
            self.assertEqual([k["id"] for k in self.walk(path, 3, user=f)], ids)
        walked = [k["id"] for k in self.walk(base + "?status=active", 3, user=f)]
        self.assertEqual(walked, [k["id"] for k in whole])
        db = self.srv.connect()
        db.execute("ANALYZE")
        db.commit()
        db.close()
        self.assertEqual(
            [k["id"] for k in self.walk(base + "?status=active", 3, user=f)],
            walked)

    def test_freelancer_without_contracts_gets_an_empty_list(self):
        f = self.srv.freelancer()
        r = self.srv.get("/contracts/freelancer/%d?status=active" % f.profile_id,
                         user=f)
        self.assertStatus(r, 200)
        self.assertEqual(r.items, [])
        self.assertEqual(r.meta["total_items"], 0)
        self.assertEqual(r.meta["total_pages"], 0)
        self.assertFalse(r.meta["has_next"])
        self.assertFalse(r.meta["has_previous"])


if __name__ == "__main__":
    main()
