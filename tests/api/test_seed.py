"""freelance-hub seed: the demo marketplace is complete, consistent with its
own counters, identical for a seed, refused on a non-empty database, and
served by the API."""
import os
import pty
import re
import sqlite3
import subprocess
import unittest

from harness import BIN, ENGINE, ApiTest, Server, main

# These read the seeded file with sqlite3; seeding PostgreSQL is checked
# against the same seed on SQLite in test_pg_tools.py.
SQLITE_ONLY = unittest.skipIf(ENGINE == "postgres",
                              "seed fills SQLite databases only")

JOBS = 2000
NOW = "2025-06-01"
NOW_EPOCH = 1748736000
ENUMS = {
    ("users", "role"): {"freelancer", "client", "admin"},
    ("freelance_profiles", "availability"): {"available", "busy", "unavailable"},
    ("freelance_profiles", "experience_level"): {"entry", "intermediate", "expert"},
    ("freelance_job_postings", "budget_type"): {"fixed", "hourly"},
    ("freelance_job_postings", "experience_level"): {"entry", "intermediate", "expert"},
    ("freelance_job_postings", "status"): {"open", "in_progress", "closed", "cancelled"},
    ("freelance_proposals", "status"): {"pending", "accepted", "rejected", "withdrawn"},
    ("freelance_contracts", "status"): {"active", "completed", "cancelled"},
}


PROGRESS = re.compile(r"seed: \d+% \(\w+\) [\d.]+ s$")


def seed(srv, *args):
    """Runs the seed command against srv's database; returns the process,
    with .errors: the lines of standard error that are not progress."""
    p = srv.cli("seed", *args, check=False)
    if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        raise AssertionError("sanitizer report:\n" + p.stderr[-4000:])
    p.errors = [l for l in p.stderr.splitlines() if not PROGRESS.match(l)]
    return p


def schema(path):
    """The indexes and triggers of the database at path, with their SQL,
    in the order they were created."""
    con = sqlite3.connect(path)
    try:
        return con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema"
            " WHERE type IN ('index', 'trigger') ORDER BY rowid").fetchall()
    finally:
        con.close()


def scratch_files(path):
    """The writer's scratch database files left beside path."""
    d, base = os.path.split(path)
    return [n for n in os.listdir(d) if n.startswith(base + "-seed-scratch")]


def dump(path):
    """Every row of every stored table, in a fixed order; the migrations'
    own record (when each ran) is not the seed's."""
    con = sqlite3.connect(path)
    try:
        out = {}
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'"
            " AND sql NOT LIKE 'CREATE VIRTUAL%' AND name <> 'schema_migrations'"
            " ORDER BY name")]
        for t in tables:
            out[t] = con.execute('SELECT * FROM "%s" ORDER BY 1, 2' % t).fetchall()
        return out
    finally:
        con.close()


@SQLITE_ONLY
class SeededMarketplaceTest(unittest.TestCase):
    """One seeded database, checked row by row with sqlite3."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.path = cls.srv.db_url[len("sqlite:"):]
        cls.run_ = seed(cls.srv, "--jobs", str(JOBS), "--seed", "7", "--now", NOW)
        cls.db = sqlite3.connect(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.srv.cleanup()

    def one(self, sql, *args):
        return self.db.execute(sql, args).fetchone()[0]

    def rows(self, sql, *args):
        return self.db.execute(sql, args).fetchall()

    def test_progress_is_a_line_every_tenth_when_not_a_terminal(self):
        self.assertEqual(self.run_.errors, [])
        lines = self.run_.stderr.splitlines()
        pcts = [int(re.match(r"seed: (\d+)%", l).group(1)) for l in lines]
        self.assertEqual(pcts, sorted(pcts))
        self.assertGreaterEqual(len(lines), 8)
        self.assertLessEqual(len(lines), 11)
        self.assertTrue(lines[-1].startswith("seed: 100% (done)"), lines[-1])

    def test_seed_exits_0_with_a_summary_line(self):
        self.assertEqual(self.run_.returncode, 0, self.run_.stderr)
        lines = self.run_.stdout.splitlines()
        self.assertEqual(len(lines), 1, self.run_.stdout)
        m = re.match(r"seeded (\d+) jobs, (\d+) proposals, (\d+) contracts, "
                     r"(\d+) reviews, (\d+) users .* in [\d.]+ s$", lines[0])
        self.assertIsNotNone(m, lines[0])
        self.assertEqual(int(m.group(1)), JOBS)
        self.assertEqual(int(m.group(2)), self.one("SELECT COUNT(*) FROM freelance_proposals"))
        self.assertEqual(int(m.group(3)), self.one("SELECT COUNT(*) FROM freelance_contracts"))
        self.assertEqual(int(m.group(4)), self.one("SELECT COUNT(*) FROM reviews"))
        self.assertEqual(int(m.group(5)), self.one("SELECT COUNT(*) FROM users"))

    def test_counts_follow_the_defaults(self):
        freelancers, clients = max(10, JOBS // 10), max(5, JOBS // 20)
        self.assertEqual(self.one("SELECT COUNT(*) FROM freelance_job_postings"), JOBS)
        self.assertEqual(self.one("SELECT COUNT(*) FROM users WHERE role = 'freelancer'"),
                         freelancers)
        self.assertEqual(self.one("SELECT COUNT(*) FROM users WHERE role = 'client'"), clients)
        self.assertEqual(self.rows("SELECT email, role FROM users WHERE role = 'admin'"),
                         [("admin@demo.freelance-hub.test", "admin")])
        self.assertEqual(self.one("SELECT COUNT(*) FROM freelance_profiles"), freelancers)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM users u JOIN freelance_profiles p ON p.user_id = u.id"
            " WHERE u.role = 'freelancer'"), freelancers)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM users WHERE email = 'freelancer1@demo.freelance-hub.test'"
            " OR email = 'client%d@demo.freelance-hub.test'" % clients), 2)
        self.assertBetween(self.one("SELECT COUNT(*) FROM categories"), 18, 25)
        self.assertBetween(self.one("SELECT COUNT(*) FROM skills"), 130, 170)
        per_job = self.one("SELECT COUNT(*) * 1.0 / %d FROM freelance_proposals" % JOBS)
        self.assertBetween(per_job, 4.0, 6.0)

    def assertBetween(self, v, lo, hi):
        self.assertTrue(lo <= v <= hi, "%r not in [%r, %r]" % (v, lo, hi))

    def test_every_status_is_present_and_every_enum_valid(self):
        for (table, col), allowed in ENUMS.items():
            seen = {r[0] for r in self.rows('SELECT DISTINCT "%s" FROM "%s"' % (col, table))}
            self.assertTrue(seen <= allowed, (table, col, seen))
            if col == "status":
                self.assertEqual(seen, allowed, (table, col))
        open_share = self.one("SELECT AVG(status = 'open') FROM freelance_job_postings")
        self.assertGreater(open_share, 0.5)

    def test_profiles_have_skills_portfolio_and_sane_values(self):
        bad = self.rows(
            "SELECT p.id, COUNT(ps.skill_id) n FROM freelance_profiles p"
            " LEFT JOIN profile_skills ps ON ps.profile_id = p.id"
            " GROUP BY p.id HAVING n < 3 OR n > 8")
        self.assertEqual(bad, [])
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM (SELECT profile_id, COUNT(*) n FROM portfolio_items"
            " GROUP BY profile_id HAVING n > 5)"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_profiles WHERE currency <> 'USD'"
            " OR hourly_rate_cents IS NULL OR hourly_rate_cents < 500"
            " OR category_id IS NULL OR title = '' OR bio = ''"), 0)
        self.assertGreater(self.one(
            "SELECT AVG(availability = 'available') FROM freelance_profiles"), 0.5)
        # Skewed rates: the mean sits above the median.
        rates = [r[0] for r in self.rows(
            "SELECT hourly_rate_cents FROM freelance_profiles ORDER BY 1")]
        self.assertGreater(sum(rates) / len(rates), rates[len(rates) // 2])

    def test_jobs_have_skills_budgets_and_spread_dates(self):
        bad = self.rows(
            "SELECT j.id, COUNT(js.skill_id) n FROM freelance_job_postings j"
            " LEFT JOIN job_skills js ON js.job_id = j.id"
            " GROUP BY j.id HAVING n < 2 OR n > 6")
        self.assertEqual(bad, [])
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings WHERE budget_min_cents IS NULL"
            " OR budget_min_cents > budget_max_cents OR budget_min_cents <= 0"
            " OR (budget_type = 'fixed' AND budget_min_cents <> budget_max_cents)"
            " OR currency <> 'USD' OR category_id IS NULL OR title = ''"
            " OR length(title) > 200 OR updated_at < posted_at"), 0)
        lo, hi = self.rows("SELECT MIN(posted_at), MAX(posted_at)"
                           " FROM freelance_job_postings")[0]
        self.assertLess(hi, NOW_EPOCH)
        self.assertBetween((NOW_EPOCH - lo) / 86400, 450, 600)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings a JOIN freelance_job_postings b"
            " ON b.id = a.id + 1 WHERE b.posted_at < a.posted_at"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings j JOIN users u"
            " ON u.id = j.client_id WHERE u.role <> 'client'"
            " OR j.client_country IS NOT u.country"), 0)

    def test_proposal_count_matches_proposals(self):
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings j WHERE proposal_count <>"
            " (SELECT COUNT(*) FROM freelance_proposals p WHERE p.job_posting_id = j.id)"), 0)
        # The skew: a few jobs draw many, many draw few.
        counts = sorted(r[0] for r in self.rows(
            "SELECT proposal_count FROM freelance_job_postings"))
        self.assertLessEqual(counts[len(counts) // 2], 4)
        self.assertGreaterEqual(counts[-1], 30)

    def test_no_second_live_proposal_per_freelancer_and_job(self):
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM (SELECT job_posting_id, freelancer_id"
            " FROM freelance_proposals WHERE status IN ('pending', 'accepted')"
            " GROUP BY 1, 2 HAVING COUNT(*) > 1)"), 0)
        # Some withdrew and tried again: a withdrawn and a live proposal.
        self.assertGreater(self.one(
            "SELECT COUNT(*) FROM freelance_proposals w JOIN freelance_proposals l"
            " ON l.job_posting_id = w.job_posting_id"
            " AND l.freelancer_id = w.freelancer_id AND l.id > w.id"
            " WHERE w.status = 'withdrawn'"), 0)

    def test_proposal_statuses_follow_the_job(self):
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_proposals p JOIN freelance_job_postings j"
            " ON j.id = p.job_posting_id"
            " WHERE (j.status <> 'open' AND p.status = 'pending')"
            " OR (j.status = 'open' AND p.status = 'accepted')"
            " OR p.created_at < j.posted_at OR p.updated_at < p.created_at"
            " OR p.updated_at >= ?", NOW_EPOCH), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings j WHERE status <> 'open' AND"
            " (SELECT COUNT(*) FROM freelance_proposals p WHERE p.job_posting_id = j.id"
            "  AND p.status = 'accepted') <> (SELECT COUNT(*) FROM freelance_contracts c"
            "  WHERE c.job_posting_id = j.id)"), 0)

    def test_contracts_follow_accepted_proposals_and_job_status(self):
        expected = {"in_progress": "active", "closed": "completed",
                    "cancelled": "cancelled"}
        rows = self.rows(
            "SELECT j.status, c.status, p.status, c.amount_cents = p.bid_amount_cents,"
            " c.freelancer_id = p.freelancer_id, c.client_id = j.client_id,"
            " c.started_at >= p.created_at, c.ended_at IS NULL, c.ended_at >= c.started_at"
            " FROM freelance_contracts c JOIN freelance_proposals p ON p.id = c.proposal_id"
            " JOIN freelance_job_postings j ON j.id = c.job_posting_id"
            " WHERE p.job_posting_id = c.job_posting_id")
        self.assertEqual(len(rows), self.one("SELECT COUNT(*) FROM freelance_contracts"))
        for jst, cst, pst, amount, fl, cl, started, no_end, ended in rows:
            self.assertEqual(expected[jst], cst)
            self.assertEqual(pst, "accepted")
            self.assertTrue(amount and fl and cl and started)
            self.assertEqual(bool(no_end), cst == "active")
            if cst != "active":
                self.assertTrue(ended)
        # in_progress and cancelled jobs have exactly one contract; open none.
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings j WHERE"
            " (SELECT COUNT(*) FROM freelance_contracts c WHERE c.job_posting_id = j.id)"
            " <> (j.status IN ('in_progress', 'cancelled'))"
            " AND j.status <> 'closed'"), 0)
        self.assertEqual(self.one(
            "SELECT MAX(n) FROM (SELECT COUNT(*) n FROM freelance_contracts"
            " GROUP BY job_posting_id)"), 1)

    def test_reviews_only_on_completed_contracts_and_mostly_high(self):
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM reviews r JOIN freelance_contracts c"
            " ON c.id = r.contract_id JOIN freelance_profiles p ON p.id = c.freelancer_id"
            " WHERE c.status <> 'completed' OR r.created_at < c.ended_at"
            " OR r.created_at >= ? OR NOT ("
            "  (r.reviewer_id = c.client_id AND r.reviewee_id = p.user_id) OR"
            "  (r.reviewer_id = p.user_id AND r.reviewee_id = c.client_id))",
            NOW_EPOCH), 0)
        self.assertGreater(self.one("SELECT AVG(rating >= 4) FROM reviews"), 0.7)
        self.assertEqual(self.one("SELECT COUNT(DISTINCT rating) FROM reviews"), 5)

    def test_profile_counters_match_reviews_and_contracts(self):
        self.assertEqual(self.rows(
            "SELECT p.id FROM freelance_profiles p LEFT JOIN ("
            "  SELECT reviewee_id, SUM(rating) s, COUNT(*) n FROM reviews GROUP BY 1) r"
            " ON r.reviewee_id = p.user_id LEFT JOIN ("
            "  SELECT freelancer_id, COUNT(*) n, SUM(amount_cents) e"
            "  FROM freelance_contracts WHERE status = 'completed' GROUP BY 1) c"
            " ON c.freelancer_id = p.id"
            " WHERE p.rating_sum <> IFNULL(r.s, 0) OR p.rating_count <> IFNULL(r.n, 0)"
            " OR p.rating_avg IS NOT (CASE WHEN r.n > 0 THEN CAST(r.s AS REAL) / r.n END)"
            " OR p.completed_jobs <> IFNULL(c.n, 0)"
            " OR p.total_earnings_cents <> IFNULL(c.e, 0)"), [])
        self.assertGreater(self.one(
            "SELECT COUNT(*) FROM freelance_profiles WHERE rating_count > 0"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_profiles WHERE typeof(rating_avg)"
            " NOT IN ('real', 'null')"), 0)

    def test_client_counters_match_reviews(self):
        self.assertEqual(self.rows(
            "SELECT u.id FROM users u LEFT JOIN ("
            "  SELECT reviewee_id, SUM(rating) s, COUNT(*) n FROM reviews GROUP BY 1) r"
            " ON r.reviewee_id = u.id WHERE u.role = 'client'"
            " AND (u.rating_sum <> IFNULL(r.s, 0) OR u.rating_count <> IFNULL(r.n, 0))"), [])
        self.assertGreater(self.one(
            "SELECT COUNT(*) FROM users WHERE role = 'client' AND rating_count > 0"), 0)
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM users WHERE role <> 'client' AND rating_count <> 0"), 0)

    def test_indexes_and_triggers_are_the_migrations_own(self):
        # The load sets them aside and builds them again from their SQL:
        # the same set, text and order as in a database only migrated.
        other = Server()
        try:
            self.assertEqual(other.cli("migrate").returncode, 0)
            migrated = schema(other.db_url[len("sqlite:"):])
        finally:
            other.cleanup()
        seeded = schema(self.path)
        self.assertEqual(sorted(seeded, key=repr), sorted(migrated, key=repr))
        # Each table's indexes keep their order among themselves (the
        # planner follows it), the constraints' own first, and its triggers
        # theirs (the firing order follows it). Where an index stands among
        # triggers means nothing; a migration that rebuilds an index puts it
        # after them.
        for table in {r[2] for r in migrated}:
            for kind in ("index", "trigger"):
                self.assertEqual(
                    [r[1] for r in seeded if r[2] == table and r[0] == kind],
                    [r[1] for r in migrated if r[2] == table and r[0] == kind],
                    (table, kind))
        self.assertIn("jobs_fts_insert", [r[1] for r in seeded])
        self.assertIn("proposals_one_active", [r[1] for r in seeded])
        # Each index was built over every row of its table.
        for name, table in (("proposals_freelancer", "freelance_proposals"),
                            ("jobs_client", "freelance_job_postings"),
                            ("job_skills_skill", "job_skills")):
            self.assertEqual(
                self.one('SELECT COUNT(*) FROM "%s" INDEXED BY "%s"'
                         ' WHERE 1' % (table, name)),
                self.one('SELECT COUNT(*) FROM "%s"' % table), name)

    def test_a_new_job_reaches_the_search_index_through_its_trigger(self):
        con = sqlite3.connect(self.path)
        try:
            con.execute(
                "INSERT INTO freelance_job_postings (client_id, title,"
                " budget_type, posted_at, updated_at) SELECT id,"
                " 'Zyxwvutsr quagga', 'fixed', 1, 1 FROM users"
                " WHERE role = 'client' LIMIT 1")
            n = con.execute("SELECT COUNT(*) FROM jobs_fts"
                            " WHERE jobs_fts MATCH 'zyxwvutsr'").fetchone()[0]
        finally:
            con.rollback()
            con.close()
        self.assertEqual(n, 1)

    def test_scratch_database_is_gone(self):
        self.assertEqual(scratch_files(self.path), [])

    def test_integrity_foreign_keys_and_settings(self):
        self.assertEqual(self.rows("PRAGMA foreign_key_check"), [])
        self.assertEqual(self.rows("PRAGMA integrity_check"), [("ok",)])
        self.assertEqual(self.one("PRAGMA journal_mode"), "wal")
        self.assertGreater(self.one("SELECT COUNT(*) FROM sqlite_stat1"), 0)
        # The full-text index holds every job and its settings are the
        # defaults again.
        self.rows("INSERT INTO jobs_fts (jobs_fts) VALUES ('integrity-check')")
        self.assertEqual(self.rows(
            "SELECT k, v FROM jobs_fts_config WHERE k = 'hashsize'"),
            [("hashsize", 1048576)])
        word = self.one("SELECT name FROM skills WHERE name = 'React'")
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM jobs_fts WHERE jobs_fts MATCH ?", word),
            self.one("SELECT COUNT(*) FROM freelance_job_postings"
                     " WHERE title LIKE '%react%' OR description LIKE '%react%'"))


@SQLITE_ONLY
class SeedCommandTest(unittest.TestCase):
    """Determinism, refusal and argument errors, each on fresh files."""

    def setUp(self):
        self.servers = []

    def tearDown(self):
        for s in self.servers:
            s.cleanup()

    def fresh(self):
        s = Server()
        self.servers.append(s)
        return s

    def test_same_seed_gives_identical_tables_and_other_seed_differs(self):
        a, b, c = self.fresh(), self.fresh(), self.fresh()
        for srv, s in ((a, "42"), (b, "42"), (c, "43")):
            p = seed(srv, "--jobs", "300", "--seed", s, "--now", NOW)
            self.assertEqual(p.returncode, 0, p.stderr)
        da, db, dc = (dump(s.db_url[7:]) for s in (a, b, c))
        self.assertEqual(sorted(da), sorted(db))
        for table in da:
            self.assertEqual(da[table], db[table], table)
        self.assertNotEqual(da["freelance_job_postings"], dc["freelance_job_postings"])
        self.assertNotEqual(da["freelance_proposals"], dc["freelance_proposals"])
        self.assertEqual(da["categories"], dc["categories"])

    def test_progress_on_a_terminal_is_one_updating_line(self):
        s = self.fresh()
        master, slave = pty.openpty()
        out = b""
        try:
            p = subprocess.Popen([BIN, "seed", "--jobs", "3000"], env=s.env,
                                 stdout=subprocess.PIPE, stderr=slave)
            os.close(slave)
            while True:  # read as it comes, so the terminal never fills
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the last writer closed the terminal
                    break
                if not chunk:
                    break
                out += chunk
            stdout = p.stdout.read()
            p.stdout.close()
            self.assertEqual(p.wait(600), 0, out)
        finally:
            os.close(master)
        text = out.decode()
        self.assertIn("\r", text)
        self.assertEqual(text.count("\n"), 1, text)  # ends the line once
        self.assertRegex(text.replace("\r\n", "\n").split("\r")[-1],
                         r"^seed: 100% done +[\d.]+ s *\n$")
        self.assertTrue(stdout.decode().startswith("seeded 3000 jobs"))

    def test_defaults_for_a_tiny_marketplace(self):
        s = self.fresh()
        p = seed(s, "--jobs", "30")
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(s.db_url[7:])
        counts = dict(con.execute("SELECT role, COUNT(*) FROM users GROUP BY role"))
        con.close()
        self.assertEqual(counts, {"freelancer": 10, "client": 5, "admin": 1})

    def test_explicit_people_counts(self):
        s = self.fresh()
        p = seed(s, "--jobs=50", "--freelancers", "7", "--clients=3")
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(s.db_url[7:])
        counts = dict(con.execute("SELECT role, COUNT(*) FROM users GROUP BY role"))
        most = con.execute("SELECT MAX(proposal_count) FROM freelance_job_postings").fetchone()
        con.close()
        self.assertEqual(counts, {"freelancer": 7, "client": 3, "admin": 1})
        self.assertLessEqual(most[0], 7)

    def test_one_freelancer_marketplace_stays_consistent(self):
        s = self.fresh()
        p = seed(s, "--jobs", "400", "--freelancers", "1", "--clients", "1")
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(s.db_url[7:])
        try:
            self.assertEqual(con.execute("PRAGMA foreign_key_check").fetchall(), [])
            self.assertEqual(con.execute(
                "SELECT COUNT(*) FROM freelance_job_postings j WHERE"
                " (SELECT COUNT(*) FROM freelance_contracts c"
                "  WHERE c.job_posting_id = j.id)"
                " <> (j.status IN ('in_progress', 'cancelled'))"
                " AND j.status <> 'closed'").fetchone()[0], 0)
            self.assertEqual(con.execute(
                "SELECT MAX(proposal_count) FROM freelance_job_postings"
                " WHERE status = 'open'").fetchone()[0] <= 1, True)
        finally:
            con.close()

    def test_non_empty_database_is_refused_and_left_alone(self):
        s = self.fresh()
        self.assertEqual(seed(s, "--jobs", "20").returncode, 0)
        before = dump(s.db_url[7:])
        p = seed(s, "--jobs", "20", "--seed", "9")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.errors), 1, p.stderr)
        self.assertIn("already", p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(dump(s.db_url[7:]), before)
        self.assertEqual(scratch_files(s.db_url[7:]), [])

    def test_failed_load_leaves_the_database_as_it_was(self):
        # A stray proposal (no user, no job) makes the final move of the
        # proposals fail on its id, after everything else was written.
        s = self.fresh()
        self.assertEqual(s.cli("migrate").returncode, 0)
        path = s.db_url[7:]
        con = sqlite3.connect(path)
        con.execute("INSERT INTO freelance_proposals (id, job_posting_id,"
                    " freelancer_id, cover_letter, bid_amount_cents,"
                    " estimated_duration_days, created_at, updated_at)"
                    " VALUES (1, 999, 999, 'stray', 1, 1, 0, 0)")
        con.commit()
        con.close()
        before, indexes = dump(path), schema(path)
        p = seed(s, "--jobs", "50")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(len(p.errors), 1, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertEqual(dump(path), before)
        self.assertEqual(schema(path), indexes)  # set aside, then back
        self.assertEqual(scratch_files(path), [])
        con = sqlite3.connect(path)
        self.assertEqual(con.execute("PRAGMA journal_mode").fetchone()[0], "wal")
        con.close()

    def test_a_stored_full_text_setting_survives_the_load(self):
        s = self.fresh()
        self.assertEqual(s.cli("migrate").returncode, 0)
        path = s.db_url[7:]
        con = sqlite3.connect(path)
        con.execute("INSERT INTO jobs_fts (jobs_fts, rank)"
                    " VALUES ('hashsize', 2097152)")
        con.commit()
        con.close()
        p = seed(s, "--jobs", "40")
        self.assertEqual(p.returncode, 0, p.stderr)
        con = sqlite3.connect(path)
        self.assertEqual(con.execute(
            "SELECT v FROM jobs_fts_config WHERE k = 'hashsize'").fetchall(),
            [(2097152,)])
        con.close()

    def test_database_with_only_a_user_is_refused(self):
        s = self.fresh()
        s.cli("user", "add", "--role", "client", "--email", "only@example.test",
              "--name", "Only")
        p = seed(s, "--jobs", "20")
        self.assertEqual(p.returncode, 1, p.stderr)
        con = sqlite3.connect(s.db_url[7:])
        self.assertEqual(con.execute("SELECT COUNT(*) FROM users").fetchone()[0], 1)
        self.assertEqual(con.execute(
            "SELECT COUNT(*) FROM freelance_job_postings").fetchone()[0], 0)
        con.close()

    def test_bad_arguments_exit_2_with_one_line(self):
        s = self.fresh()
        cases = [
            [], ["--jobs"], ["--jobs", "0"], ["--jobs", "abc"], ["--jobs", "-5"],
            ["--jobs", "99999999999"], ["--jobs", "10", "--freelancers", "0"],
            ["--jobs", "10", "--clients", "x"], ["--jobs", "10", "--seed", "-1"],
            ["--jobs", "10", "--now", "yesterday"], ["--jobs", "10", "--colour", "red"],
            ["--jobs", "10", "stray"], ["--freelancers", "10"],
        ]
        for args in cases:
            p = seed(s, *args)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            lines = p.stderr.strip().splitlines()
            self.assertEqual(len(lines), 1, (args, p.stderr))  # no progress
            self.assertTrue(lines[0].startswith("seed: "), lines[0])
            self.assertEqual(p.stdout, "")
        con = sqlite3.connect(s.db_url[7:])
        self.assertEqual(con.execute("SELECT COUNT(*) FROM users").fetchone()[0], 0)
        con.close()


@SQLITE_ONLY
class SeededServerTest(ApiTest):
    """The server answers from a seeded database."""

    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        p = seed(cls.srv, "--jobs", "500", "--now", NOW)
        if p.returncode != 0:
            cls.srv.cleanup()
            raise AssertionError("seed failed: " + p.stderr)
        cls.srv.start()

    def test_categories_list_the_seeded_categories(self):
        items = self.walk("/categories", 100)
        self.assertBetween(len(items), 18, 25)
        names = {i["name"] for i in items}
        self.assertTrue({"Web Development", "Mobile Apps", "Data Science", "Design",
                         "Writing"} <= names, names)
        self.assertGreater(sum(i["open_jobs"] for i in items), 0)

    def test_skills_list_the_seeded_skills(self):
        r = self.assertStatus(self.srv.get("/skills?page_size=100"), 200)
        self.assertEqual(len(r.items), 100)
        self.assertBetween(r.meta["total_items"], 130, 170)
        r = self.assertStatus(self.srv.get("/skills?q=react"), 200)
        self.assertIn("React", [i["name"] for i in r.items])
        self.assertGreater(r.items[0]["profiles"] + r.items[0]["open_jobs"], 0)

    def test_demo_users_sign_in_with_the_demo_password(self):
        for email, role in (("freelancer1@demo.freelance-hub.test", "freelancer"),
                            ("client1@demo.freelance-hub.test", "client"),
                            ("admin@demo.freelance-hub.test", "admin")):
            r = self.srv.post("/auth/login", {"email": email, "password": "demo-password"})
            self.assertStatus(r, 200)
            self.assertEqual(r.data["user"]["role"], role)
            me = self.srv.get("/auth/me", headers={"Authorization": "Bearer " + r.data["token"]})
            self.assertStatus(me, 200)
        r = self.srv.post("/auth/login", {"email": "client1@demo.freelance-hub.test",
                                          "password": "not-the-password"})
        self.assertStatus(r, 401)

    def assertBetween(self, v, lo, hi):
        self.assertTrue(lo <= v <= hi, "%r not in [%r, %r]" % (v, lo, hi))


if __name__ == "__main__":
    main()
