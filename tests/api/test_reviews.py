"""Reviews: a party of a completed contract rates the other once, and the
reviewee's rating aggregates follow in the same transaction (FIELD-CASES
B16)."""
import sqlite3
import threading

from harness import ApiTest, main


def post_on_new_connection(srv, path, body, user):
    """A POST on a connection of its own, for concurrent reviews."""
    r = srv.fresh_request("POST", path, body, user)
    return r.status, r.json


class ReviewTestBase(ApiTest):
    def completed(self, client=None, freelancer=None):
        """A completed contract: (contract, client, freelancer)."""
        k, _, _, c, f = self.srv.contract(client=client, freelancer=freelancer)
        r = self.srv.post("/contracts/%d/complete" % k["id"], user=c)
        self.assertStatus(r, 200)
        return r.data, c, f

    def review(self, contract, user, rating, comment=None):
        body = {"rating": rating}
        if comment is not None:
            body["comment"] = comment
        return self.srv.post("/contracts/%d/reviews" % contract["id"], body,
                             user=user)

    def profile_rating(self, f):
        r = self.assertStatus(self.srv.get("/profile/%d" % f.profile_id), 200)
        return r.data["rating"]

    def stored(self, sql, *args):
        db = self.srv.connect()
        try:
            return db.execute(sql, args).fetchone()
        finally:
            db.close()

    def assertAggregatesMatchRows(self, f):
        """The kept aggregates equal what the live review rows say."""
        kept = self.stored("SELECT rating_sum, rating_count, rating_avg"
                           " FROM freelance_profiles WHERE id = ?", f.profile_id)
        live = self.stored("SELECT COALESCE(SUM(rating), 0), COUNT(*), AVG(rating)"
                           " FROM reviews WHERE reviewee_id = ?", f.id)
        self.assertEqual(kept[:2], live[:2])
        if live[1] == 0:
            self.assertIsNone(kept[2])
        else:
            self.assertAlmostEqual(kept[2], live[2], places=9)
        return kept


class ReviewLifecycleTest(ReviewTestBase):
    def test_three_reviews_average_to_3_33(self):
        """B16 step 1: ratings 5, 4, 1 from three clients."""
        f = self.srv.freelancer()
        self.assertEqual(self.profile_rating(f), {"average": None, "count": 0})
        made = []
        for stars in (5, 4, 1):
            k, c, _ = self.completed(freelancer=f)
            r = self.assertStatus(self.review(k, c, stars, "stars: %d" % stars), 201)
            made.append(r.data)
            self.assertEqual(r.data["rating"], stars)
            self.assertEqual(r.data["reviewer_id"], c.id)
            self.assertEqual(r.data["reviewee_id"], f.id)
            self.assertEqual(r.data["contract_id"], k["id"])
            self.assertEqual(r.data["comment"], "stars: %d" % stars)
        self.assertEqual(self.profile_rating(f), {"average": 3.33, "count": 3})
        r = self.srv.get("/profile/%d" % f.profile_id)
        self.assertEqual(r.data["completed_jobs"], 3)
        self.assertEqual(self.assertAggregatesMatchRows(f)[:2], (10, 3))

    def test_both_sides_review_and_the_contract_shows_both(self):
        k, c, f = self.completed()
        r1 = self.assertStatus(self.review(k, c, 4), 201)
        self.assertEqual(r1.data["comment"], "")
        r2 = self.assertStatus(self.review(k, f, 2, "slow to answer"), 201)
        self.assertEqual(r2.data["reviewee_id"], c.id)
        self.assertEqual(self.stored("SELECT rating_sum, rating_count FROM users"
                                     " WHERE id = ?", c.id), (2, 1))
        self.assertEqual(self.profile_rating(f), {"average": 4.0, "count": 1})
        r = self.assertStatus(self.srv.get("/contracts/%d" % k["id"], user=f), 200)
        reviews = r.data["reviews"]
        self.assertEqual([v["id"] for v in reviews], [r1.data["id"], r2.data["id"]])
        self.assertEqual(reviews[0]["reviewer_name"], c.name)
        self.assertEqual(reviews[1]["rating"], 2)

    def test_second_review_by_the_same_side_is_409(self):
        k, c, f = self.completed()
        self.assertStatus(self.review(k, c, 5), 201)
        self.assertStatus(self.review(k, c, 1), 409, "conflict")
        self.assertStatus(self.review(k, f, 3), 201)
        self.assertStatus(self.review(k, f, 3), 409, "conflict")
        self.assertEqual(self.profile_rating(f), {"average": 5.0, "count": 1})
        self.assertEqual(self.stored("SELECT rating_sum, rating_count FROM users"
                                     " WHERE id = ?", c.id), (3, 1))
        self.assertAggregatesMatchRows(f)

    def test_active_or_cancelled_contract_cannot_be_reviewed(self):
        k, _, _, c, f = self.srv.contract()
        self.assertStatus(self.review(k, c, 5), 409, "conflict")
        self.assertStatus(self.review(k, f, 5), 409, "conflict")
        self.srv.post("/contracts/%d/cancel" % k["id"], user=c)
        self.assertStatus(self.review(k, c, 5), 409, "conflict")
        self.assertEqual(self.profile_rating(f), {"average": None, "count": 0})
        self.assertEqual(self.stored("SELECT COUNT(*) FROM reviews"
                                     " WHERE contract_id = ?", k["id"]), (0,))

    def test_only_a_party_reviews(self):
        k, c, f = self.completed()
        for who in (self.srv.client(), self.srv.freelancer(),
                    self.srv.user("admin")):
            self.assertStatus(self.review(k, who, 5), 403, "forbidden")
        r = self.srv.post("/contracts/%d/reviews" % k["id"], {"rating": 5})
        self.assertStatus(r, 401, "unauthorized")
        self.assertEqual(self.profile_rating(f), {"average": None, "count": 0})

    def test_concurrent_reviews_of_one_freelancer_keep_exact_aggregates(self):
        f = self.srv.freelancer()
        done = [self.completed(freelancer=f) for _ in range(12)]
        ratings = [(i % 5) + 1 for i in range(len(done))]
        barrier = threading.Barrier(len(done))
        results = [None] * len(done)

        def run(i):
            k, c, _ = done[i]
            try:
                barrier.wait(30)
                results[i] = post_on_new_connection(
                    self.srv, "/contracts/%d/reviews" % k["id"],
                    {"rating": ratings[i]}, c)[0]
            except Exception as e:
                results[i] = repr(e)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(done))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        self.assertEqual(results, [201] * len(done))
        kept = self.assertAggregatesMatchRows(f)
        self.assertEqual(kept[:2], (sum(ratings), len(ratings)))
        self.assertEqual(self.profile_rating(f),
                         {"average": round(sum(ratings) / len(ratings), 2),
                          "count": len(ratings)})


class ReviewInputTest(ReviewTestBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.f = cls.srv.freelancer()
        k, _, _, c, _ = cls.srv.contract(freelancer=cls.f)
        cls.srv.post("/contracts/%d/complete" % k["id"], user=c)
        cls.k, cls.c = k, c

    def tearDown(self):
        # Nothing refused may leave a review or move an aggregate.
        self.assertEqual(self.profile_rating(self.f), {"average": None, "count": 0})
        self.assertEqual(self.stored("SELECT COUNT(*) FROM reviews"), (0,))
        self.assertAggregatesMatchRows(self.f)

    def post(self, body):
        return self.srv.post("/contracts/%d/reviews" % self.k["id"], body,
                             user=self.c)

    def test_bad_ratings_are_refused_naming_rating(self):
        """B16 step 3: 0, 6, 4.5, "5", null, and more."""
        for value, status in ((0, 422), (6, 422), (-1, 422), (2 ** 40, 422),
                              (4.5, 400), (5.0, 400), ("5", 400), (None, 422),
                              (True, 400), ([5], 400), ({"v": 5}, 400)):
            r = self.post({"rating": value})
            self.assertStatus(r, status, None, "rating")
        self.assertStatus(self.post({}), 422, "validation_failed", "rating")
        self.assertStatus(self.post({"comment": "no rating"}), 422,
                          "validation_failed", "rating")

    def test_comment_and_unknown_fields_are_checked(self):
        self.assertStatus(self.post({"rating": 3, "comment": "x" * 2001}), 422,
                          "validation_failed", "comment")
        self.assertStatus(self.post({"rating": 3, "comment": 7}), 400,
                          "malformed_request", "comment")
        self.assertStatus(self.post({"rating": 3, "stars": 3}), 422,
                          "validation_failed", "stars")
        self.assertStatus(self.post({"rating": 3, "reviewee_id": self.c.id}), 422,
                          "validation_failed", "reviewee_id")

    def test_malformed_bodies_are_400(self):
        path = "/contracts/%d/reviews" % self.k["id"]
        for raw in (b"{\"rating\": 5", b"rating=5", b"[5]", b"null"):
            r = self.srv.request("POST", path, raw=raw, user=self.c,
                                 headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400)
        r = self.srv.request("POST", path, raw=b"", user=self.c,
                             headers={"Content-Type": "application/json"})
        self.assertStatus(r, 400)

    def test_unknown_and_bad_contract_ids(self):
        r = self.srv.post("/contracts/999999999/reviews", {"rating": 5},
                          user=self.c)
        self.assertStatus(r, 404, "not_found")
        for bad in ("0", "-4", "abc"):
            r = self.srv.post("/contracts/%s/reviews" % bad, {"rating": 5},
                              user=self.c)
            self.assertStatus(r, 400, "malformed_request")


if __name__ == "__main__":
    main()
