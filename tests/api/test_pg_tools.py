"""seed, import and maintain on PostgreSQL. They run when FH_TEST_PG names
the socket directory of a running cluster (tests/pg/cluster start DIR) and
are skipped otherwise. Each class makes databases of its own on that
cluster and drops them afterwards."""
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from harness import BIN, SHARED_DATA, Server, main

PG_DIR = os.environ.get("FH_TEST_PG") or None
SKIP = ("FH_TEST_PG is not set: run tests/pg/cluster start DIR and set "
        "FH_TEST_PG=DIR")
TABLES = ("users", "categories", "skills", "freelance_profiles",
          "portfolio_items", "profile_skills", "freelance_job_postings",
          "job_skills", "freelance_proposals", "freelance_contracts",
          "reviews", "sessions")
IMPORT_FILES = ("upwork_jobs_dev_search.csv", "upwork_jobs_powerbi_rss.csv",
                "peopleperhour_freelancers.csv")
DATA_FOUND = all(os.path.isfile(os.path.join(SHARED_DATA, f)) for f in IMPORT_FILES)
SEED_ARGS = ("--jobs", "400", "--seed", "11", "--now", "2025-06-01")


def pg_url(dbname):
    return "postgresql:///%s?host=%s&user=postgres" % (dbname, PG_DIR)


def psql(dbname, sql):
    """Runs sql on the test cluster; returns the rows, each a list of
    strings (None for NULL)."""
    p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At",
                        "-P", "null=\\N", pg_url(dbname), "-c", sql],
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise AssertionError("psql failed: %s\n%s" % (p.stderr, sql))
    return [[None if v == "\\N" else v for v in line.split("|")]
            for line in p.stdout.splitlines()]


def database_create(tag):
    name = "fh_pgtools_%s_%d" % (tag, os.getpid())
    psql("postgres", 'DROP DATABASE IF EXISTS "%s"' % name)
    psql("postgres", 'CREATE DATABASE "%s"' % name)
    return name


def database_drop(name):
    psql("postgres", 'DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)


def tool(url, *args, env=None, check=True):
    """Runs freelance-hub with DATABASE_URL=url; returns the
    CompletedProcess."""
    full = dict(os.environ, DATABASE_URL=url, LOG_LEVEL="warning")
    full.update(env or {})
    p = subprocess.run([BIN] + list(args), env=full, capture_output=True,
                       text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s" % (args, p.returncode, p.stderr))
    return p


def column_expr(name, decl):
    """An aggregate that changes when any value of the column does: sums
    of numbers (rounded for floats), lengths of texts, and counts of
    non-NULL values."""
    decl = decl.upper()
    if "INT" in decl:
        return "count(%s), sum(%s)" % (name, name)
    if "DOUBLE" in decl or "REAL" in decl:
        return "count(%s), sum(%s)" % (name, name)
    return "count(%s), sum(length(%s))" % (name, name)


def normalise(values):
    return [None if v is None else round(float(v), 3) for v in values]


def fingerprints(sqlite_path, dbname):
    """{table: (sqlite's aggregates, postgresql's)} over every column the
    SQLite schema has, for the model's tables and the analytics counters
    (which triggers keep)."""
    lite = sqlite3.connect(sqlite_path)
    out = {}
    try:
        kept = [r[0] for r in lite.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table'"
            " AND name LIKE 'analytics\\_%' ESCAPE '\\' ORDER BY name")]
        for t in TABLES + tuple(kept):
            cols = lite.execute("SELECT name, type FROM pragma_table_info(?)",
                                (t,)).fetchall()
            sql = "SELECT count(*), %s FROM %s" % (
                ", ".join(column_expr(n, d) for n, d in cols), t)
            mine = normalise(lite.execute(sql).fetchone())
            theirs = normalise(psql(dbname, sql)[0])
            out[t] = (mine, theirs)
    finally:
        lite.close()
    return out


def counts(dbname):
    return {t: int(psql(dbname, "SELECT count(*) FROM %s" % t)[0][0])
            for t in TABLES}


@unittest.skipUnless(PG_DIR, SKIP)
class PgSeedTest(unittest.TestCase):
    """The same seed into SQLite and into PostgreSQL."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fh-pgseed-")
        cls.scratch = os.path.join(cls.dir, "tmp")
        os.mkdir(cls.scratch)
        cls.sqlite_path = os.path.join(cls.dir, "seed.db")
        tool("sqlite:" + cls.sqlite_path, "seed", *SEED_ARGS)
        cls.db = database_create("seed")
        cls.seed = tool(pg_url(cls.db), "seed", *SEED_ARGS,
                        env={"TMPDIR": cls.scratch})

    @classmethod
    def tearDownClass(cls):
        database_drop(cls.db)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_same_seed_gives_the_same_rows_as_on_sqlite(self):
        for table, (mine, theirs) in fingerprints(self.sqlite_path, self.db).items():
            self.assertEqual(mine, theirs, table)
        self.assertEqual(counts(self.db)["freelance_job_postings"], 400)
        self.assertRegex(self.seed.stdout, r"copied \d+ rows into PostgreSQL")

    def test_indexes_and_foreign_keys_are_as_the_migrations_make_them(self):
        # The load sets them aside and makes them again from the catalog.
        fresh = database_create("fresh")
        try:
            tool(pg_url(fresh), "migrate")
            sql = ("SELECT indexname || ' ' || indexdef FROM pg_indexes"
                   " WHERE schemaname = 'public' UNION ALL"
                   " SELECT conname || ' ' || pg_get_constraintdef(oid)"
                   " || ' ' || convalidated FROM pg_constraint"
                   " WHERE connamespace = 'public'::regnamespace ORDER BY 1")
            self.assertEqual(psql(self.db, sql), psql(fresh, sql))
            self.assertGreater(len(psql(fresh, sql)), 40)
        finally:
            database_drop(fresh)

    def test_scratch_file_is_gone_after_the_copy(self):
        self.assertEqual(os.listdir(self.scratch), [])

    def test_search_vector_is_filled_for_every_job(self):
        rows = psql(self.db, "SELECT count(*) FROM freelance_job_postings"
                             " WHERE search_vector = ''::tsvector")
        self.assertEqual(rows[0][0], "0")

    def test_sequences_stand_past_the_largest_seeded_id(self):
        for t in TABLES:
            if t in ("profile_skills", "job_skills"):
                continue  # keyed by their two references, no id
            seq = psql(self.db, "SELECT pg_get_serial_sequence('%s', 'id')" % t)[0][0]
            top = psql(self.db, "SELECT COALESCE(max(id), 0) FROM %s" % t)[0][0]
            state = psql(self.db, "SELECT last_value, is_called FROM %s" % seq)[0]
            self.assertEqual(state, [str(int(top) + 1), "f"], t)

    def test_server_signs_in_demo_user_and_new_ids_follow_the_seeded_ones(self):
        email = psql(self.db, "SELECT email FROM users WHERE role = 'client'"
                              " ORDER BY id LIMIT 1")[0][0]
        top = {t: int(psql(self.db, "SELECT max(id) FROM %s" % t)[0][0])
               for t in ("users", "freelance_job_postings")}
        srv = Server(db_url=pg_url(self.db)).start()
        try:
            r = srv.post("/auth/login", {"email": email, "password": "demo-password"})
            self.assertEqual(r.status, 200, r)
            token = r.data["token"]
            r = srv.post("/jobs", {"title": "After the seed", "budget_type": "fixed",
                                   "budget_min_cents": 100, "budget_max_cents": 100},
                         headers={"Authorization": "Bearer " + token})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.data["id"], top["freelance_job_postings"] + 1)
            r = srv.post("/auth/register", {
                "email": "after-seed@example.test", "password": "after-seed-pw",
                "name": "After Seed", "role": "freelancer"})
            self.assertEqual(r.status, 201, r)
            self.assertEqual(r.data["id"], top["users"] + 1)
            r = srv.get("/jobs/search?q=seed&status=open")
            self.assertEqual(r.status, 200, r)
            self.assertIn(top["freelance_job_postings"] + 1,
                          [j["id"] for j in r.items])
        finally:
            srv.stop()
            srv.cleanup()

    def test_second_seed_is_refused_and_changes_nothing(self):
        before = counts(self.db)
        p = tool(pg_url(self.db), "seed", *SEED_ARGS, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("already holds users or jobs", p.stderr)
        self.assertEqual(counts(self.db), before)

    def test_seed_into_an_unreachable_database_fails_in_one_line(self):
        url = "postgresql:///nowhere?host=%s&user=postgres" % self.dir
        p = tool(url, "seed", "--jobs", "5", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stdout, "")
        self.assertNotIn("Sanitizer", p.stderr)


SUMMARY = re.compile(r"^total: (\d+) rows read, (\d+) imported, (\d+) already present",
                     re.M)


@unittest.skipUnless(PG_DIR, SKIP)
@unittest.skipUnless(DATA_FOUND, "real data not found at %s" % SHARED_DATA)
class PgImportTest(unittest.TestCase):
    """The real data sets imported twice into PostgreSQL, and once into
    SQLite for comparison."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="fh-pgimport-")
        cls.db = database_create("import")
        url = pg_url(cls.db)
        cls.first = tool(url, "import", SHARED_DATA)
        cls.after_first = counts(cls.db)
        cls.second = tool(url, "import", SHARED_DATA)
        cls.after_second = counts(cls.db)
        cls.sqlite_path = os.path.join(cls.dir, "import.db")
        tool("sqlite:" + cls.sqlite_path, "import", SHARED_DATA)

    @classmethod
    def tearDownClass(cls):
        database_drop(cls.db)
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_second_import_adds_nothing(self):
        read1, imported1, present1 = map(int, SUMMARY.search(self.first.stdout).groups())
        read2, imported2, present2 = map(int, SUMMARY.search(self.second.stdout).groups())
        self.assertGreater(imported1, 0)
        self.assertEqual(present1, 0)
        self.assertEqual((read2, imported2, present2), (read1, 0, imported1))
        self.assertEqual(self.after_second, self.after_first)

    def test_import_keeps_the_same_rows_as_on_sqlite(self):
        lite = sqlite3.connect(self.sqlite_path)
        try:
            mine = {t: lite.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
                    for t in TABLES}
        finally:
            lite.close()
        self.assertEqual(self.after_first, mine)


@unittest.skipUnless(PG_DIR, SKIP)
class PgMaintainTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = database_create("maintain")
        tool(pg_url(cls.db), "seed", "--jobs", "50", "--now", "2025-06-01")

    @classmethod
    def tearDownClass(cls):
        database_drop(cls.db)

    def test_maintain_analyzes_and_reports_index_usage(self):
        psql(self.db, "SELECT pg_stat_reset()")
        psql(self.db, "SET enable_seqscan = off;"
                      " SELECT count(*) FROM freelance_job_postings WHERE id = 7")
        out = tool(pg_url(self.db), "maintain").stdout
        self.assertRegex(out, r"(?m)^analyze +done in \d+ ms$")
        self.assertNotIn("vacuum", out)
        self.assertRegex(out, r"(?m)^index usage +\d+ indexes, \d+ never scanned, "
                              r"in \d+ ms$")
        self.assertRegex(out, r"(?m)^  index freelance_job_postings\.jobs_status_posted: "
                              r"0 scans, \d+ KiB \(never scanned\)$")
        self.assertRegex(out, r"(?m)^  index freelance_job_postings\."
                              r"freelance_job_postings_pkey: [1-9]\d* scans")
        self.assertRegex(out, r"(?m)^maintenance +finished in \d+ ms$")
        rows = psql(self.db, "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables"
                             " WHERE relname = 'freelance_proposals'")
        self.assertEqual(rows, [["t"]])

    def test_maintain_vacuum_vacuums(self):
        out = tool(pg_url(self.db), "maintain", "--vacuum").stdout
        self.assertRegex(out, r"(?m)^vacuum +done in \d+ ms$")
        rows = psql(self.db, "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables"
                             " WHERE relname = 'freelance_proposals'")
        self.assertEqual(rows, [["t"]])

    def test_unknown_option_is_refused(self):
        p = tool(pg_url(self.db), "maintain", "--reindex", check=False)
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    main()
