"""Accounts and sessions: register, login, logout, me; tokens, expiry,
no account enumeration, the sign-in attempt limit, create-admin."""
import os
import sqlite3
import time

from harness import ApiTest, Server, main

PW = "correct horse battery"


class AuthTest(ApiTest):
    def register(self, email, password=PW, role="client", name="Ann", **extra):
        body = {"email": email, "password": password, "name": name, "role": role}
        body.update(extra)
        return self.srv.post("/auth/register", body)

    def login(self, email, password=PW):
        return self.srv.post("/auth/login", {"email": email, "password": password})

    def test_register_login_me_logout(self):
        r = self.assertStatus(self.register("Flow@Example.COM", role="freelancer"), 201)
        self.assertEqual(r.data["email"], "flow@example.com")
        self.assertEqual(r.data["role"], "freelancer")
        self.assertNotIn("password", r.body.decode())
        self.assertNotIn("password_hash", r.data)
        r = self.assertStatus(self.login("flow@example.com"), 200)
        token = r.data["token"]
        self.assertRegex(token, r"^[A-Za-z0-9_-]{43}$")
        self.assertEqual(r.data["token_type"], "Bearer")
        self.assertTrue(r.data["expires_at"].endswith("Z"))
        auth = {"Authorization": "Bearer " + token}
        me = self.assertStatus(self.srv.get("/auth/me", headers=auth), 200)
        self.assertEqual(me.data["email"], "flow@example.com")
        self.assertStatus(self.srv.post("/auth/logout", headers=auth), 200)
        r = self.srv.get("/auth/me", headers=auth)
        self.assertStatus(r, 401, "unauthorized")
        self.assertIn("Bearer", r.header("www-authenticate"))

    def test_email_is_unique_case_insensitively(self):
        self.assertStatus(self.register("dup@example.com"), 201)
        self.assertStatus(self.register("DUP@example.com"), 409, "conflict", "email")

    def test_register_validation(self):
        cases = [
            ({"email": "no-at-sign"}, 422, "email"),
            ({"email": "a@b"}, 422, "email"),
            ({"email": "a b@example.com"}, 422, "email"),
            ({"password": "short"}, 422, "password"),
            ({"password": "x" * 129}, 422, "password"),
            ({"role": "admin"}, 422, "role"),
            ({"role": "wizard"}, 422, "role"),
            ({"name": ""}, 422, "name"),
            ({"name": 5}, 400, "name"),
            ({"is_admin": True}, 422, "is_admin"),
        ]
        for i, (change, status, field) in enumerate(cases):
            body = {"email": "v%d@example.com" % i, "password": PW, "name": "V",
                    "role": "client"}
            body.update(change)
            r = self.srv.post("/auth/register", body)
            self.assertStatus(r, status, field=field)
        r = self.srv.post("/auth/register", {"email": "m@example.com", "name": "M",
                                             "role": "client"})
        self.assertStatus(r, 422, "validation_failed", "password")

    def test_unknown_email_and_wrong_password_answer_alike(self):
        self.assertStatus(self.register("alike@example.com"), 201)
        a = self.login("alike@example.com", "wrong password!!")
        b = self.login("nobody@example.com", "wrong password!!")
        for r in (a, b):
            self.assertStatus(r, 401, "unauthorized")
        self.assertEqual(a.json["error"], b.json["error"])
        self.assertEqual(a.header("www-authenticate"), b.header("www-authenticate"))

    def test_bad_and_malformed_tokens_are_401_with_challenge(self):
        for value in ("Bearer nope", "Bearer " + "A" * 43, "Basic abc", "Bearer",
                      "Bearer " + "A" * 44, "bearer \u00e9".encode("utf-8").decode("latin-1")):
            r = self.srv.get("/auth/me", headers={"Authorization": value})
            self.assertStatus(r, 401, "unauthorized")
            self.assertTrue(r.header("www-authenticate").startswith("Bearer"))
        r = self.srv.get("/auth/me")
        self.assertStatus(r, 401, "unauthorized")
        self.assertEqual(r.header("www-authenticate"), "Bearer")

    def test_expired_session_is_401(self):
        self.assertStatus(self.register("old@example.com"), 201)
        token = self.login("old@example.com").data["token"]
        db = self.srv.connect()
        with db:
            db.execute("UPDATE sessions SET expires_at = expires_at - 400000")
        db.close()
        r = self.srv.get("/auth/me", headers={"Authorization": "Bearer " + token})
        self.assertStatus(r, 401, "unauthorized")

    def test_tokens_are_stored_only_hashed(self):
        self.assertStatus(self.register("hashed@example.com"), 201)
        token = self.login("hashed@example.com").data["token"]
        db = self.srv.connect()
        rows = db.execute("SELECT token_hash FROM sessions").fetchall()
        pw = db.execute("SELECT password_hash FROM users WHERE email='hashed@example.com'"
                        ).fetchone()[0]
        db.close()
        self.assertTrue(rows)
        self.assertFalse(any(token in r[0] for r in rows))
        self.assertTrue(pw.startswith("$argon2id$"))

    def test_secrets_never_reach_the_log(self):
        self.assertStatus(self.register("logged@example.com", password="s3cret-Pa55word"), 201)
        token = self.login("logged@example.com", "s3cret-Pa55word").data["token"]
        self.srv.get("/auth/me", headers={"Authorization": "Bearer " + token})
        self.srv.settle_log()
        log = self.srv.log()
        self.assertNotIn("s3cret-Pa55word", log)
        self.assertNotIn(token, log)

    def test_create_admin_reads_password_from_stdin(self):
        p = self.srv.cli("user", "create-admin", "root@example.com", input=PW + "\n")
        self.assertIn('"id"', p.stdout)
        r = self.assertStatus(self.login("root@example.com"), 200)
        self.assertEqual(r.data["user"]["role"], "admin")
        p = self.srv.cli("user", "create-admin", "r2@example.com", input="short\n",
                         check=False)
        self.assertEqual(p.returncode, 2)


class AuthLimitTest(ApiTest):
    server_env = {"RATE_LIMIT_ENABLED": "true"}

    def test_sixth_login_in_five_minutes_is_429(self):
        for i in range(5):
            r = self.srv.post("/auth/login", {"email": "x%d@example.com" % i,
                                              "password": "whatever12"})
            self.assertStatus(r, 401)
        r = self.srv.post("/auth/login", {"email": "x9@example.com", "password": "whatever12"})
        self.assertStatus(r, 429, "rate_limited")
        secs = int(r.header("retry-after"))
        self.assertTrue(1 <= secs <= 300)
        self.assertEqual(r.json["error"]["retry_after_seconds"], secs)


class EnumerationTest(ApiTest):
    """Both failures do the same work: an unknown email is checked against
    a stand-in hash, so it costs one argon2id verification exactly like a
    wrong password (counted in /metrics, not timed)."""

    def checks(self):
        text = self.srv.request("GET", "/metrics", base=False).body.decode()
        for line in text.splitlines():
            if line.startswith("fh_auth_password_checks_total "):
                return int(line.split()[1])
        self.fail("fh_auth_password_checks_total missing")

    def test_unknown_email_costs_a_hash_like_a_wrong_password(self):
        self.assertStatus(self.srv.post("/auth/register", {
            "email": "t@example.com", "password": PW, "name": "T", "role": "client"}), 201)
        before = self.checks()
        self.srv.post("/auth/login", {"email": "t@example.com", "password": "wrong password"})
        after_wrong = self.checks()
        self.srv.post("/auth/login", {"email": "nobody@example.com", "password": "wrong password"})
        after_unknown = self.checks()
        self.assertEqual(after_wrong - before, 1)
        self.assertEqual(after_unknown - after_wrong, 1)


if __name__ == "__main__":
    main()
