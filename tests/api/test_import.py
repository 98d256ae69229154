"""freelance-hub import: the real data sets of shared/data imported into a
fresh database, checked against the files and SOURCES.md, imported again
without change, then served. Also how the importer fails: a missing
directory or file, and a broken file that must leave nothing behind."""
import csv
import os
import re
import sqlite3
import subprocess
import tempfile
import unittest
import urllib.parse

from harness import BIN, SHARED_DATA, ApiTest, Server, main

SEARCH = "upwork_jobs_dev_search.csv"
RSS = "upwork_jobs_powerbi_rss.csv"
PPH = "peopleperhour_freelancers.csv"
FILES = (SEARCH, RSS, PPH)
DATA_FOUND = all(os.path.isfile(os.path.join(SHARED_DATA, f)) for f in FILES)
SKIP_REASON = "real data not found at %s" % SHARED_DATA
SEARCH_POSTED_AT = 1737244800  # 2025-01-19T00:00:00Z, the file's commit day

SUMMARY = re.compile(
    r"^(?P<name>\S+): (?P<read>\d+) rows read, (?P<imported>\d+) imported, "
    r"(?P<present>\d+) already present, (?P<skipped>\d+) skipped"
    r"(?: \((?P<reasons>[^)]*)\))?")


def parse_summary(text):
    """{name: {read, imported, present, skipped, reasons: {reason: n}}}"""
    out = {}
    for line in text.splitlines():
        m = SUMMARY.match(line)
        if not m:
            continue
        reasons = {}
        for part in (m.group("reasons") or "").split(", "):
            if part:
                reason, n = part.rsplit(": ", 1)
                reasons[reason] = int(n)
        out[m.group("name")] = {k: int(m.group(k)) for k in
                                ("read", "imported", "present", "skipped")}
        out[m.group("name")]["reasons"] = reasons
    return out


def read_rows(name):
    with open(os.path.join(SHARED_DATA, name), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def rss_job_id(link):
    return "~" + re.search(r"%7E(01[0-9a-f]+)", link).group(1)


def footer_budget(description):
    """The dollars of the footer's '<b>Budget</b>: $1,500', or None."""
    m = re.search(r"<b>Budget</b>:\s*\$([\d,]+(?:\.\d+)?)", description)
    return float(m.group(1).replace(",", "")) if m else None


def run_import(srv, *args, cwd=None, env=None):
    """Runs `freelance-hub import ARGS` with srv's settings; a sanitizer
    report fails the test whatever the exit code."""
    e = dict(srv.env)
    e.update(env or {})
    p = subprocess.run([BIN, "import"] + list(args), env=e, cwd=cwd,
                       capture_output=True, text=True, timeout=300)
    if "Sanitizer" in p.stderr or "runtime error" in p.stderr:
        raise AssertionError("sanitizer report:\n" + p.stderr[-4000:])
    return p


def table_counts(srv):
    con = srv.connect()
    try:
        return {t: con.execute("SELECT COUNT(*) FROM " + t).fetchone()[0]
                for t in ("users", "categories", "skills", "freelance_profiles",
                          "profile_skills", "freelance_job_postings",
                          "job_skills")}
    finally:
        con.close()


@unittest.skipUnless(DATA_FOUND, SKIP_REASON)
class RealDataImportTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.db_path = cls.srv.db_url[len("sqlite:"):]
        cls.first = run_import(cls.srv, SHARED_DATA)
        cls.counts_first = table_counts(cls.srv)
        # The second run names no directory: from a working directory with
        # no ../shared/data it must fall back to FH_SHARED_DATA.
        cls.second = run_import(cls.srv, cwd=cls.srv.dir,
                                env={"FH_SHARED_DATA": SHARED_DATA})
        cls.counts_second = table_counts(cls.srv)
        cls.db = cls.srv.connect()
        cls.srv.start()

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "db", None):
            cls.db.close()
        super().tearDownClass()

    def one(self, sql, *args):
        rows = self.db.execute(sql, args).fetchall()
        self.assertEqual(len(rows), 1, (sql, args, rows))
        return rows[0]

    def job_skills(self, job_id):
        return sorted(r[0].lower() for r in self.db.execute(
            "SELECT s.name FROM job_skills js JOIN skills s ON s.id = js.skill_id"
            " WHERE js.job_id = ?", (job_id,)))

    # ---- the summary ----

    def test_first_import_succeeds_and_prints_a_summary_per_file(self):
        self.assertEqual(self.first.returncode, 0, self.first.stderr)
        summary = parse_summary(self.first.stdout)
        self.assertEqual(set(summary), set(FILES) | {"total"}, self.first.stdout)
        # Without a terminal, progress is one line per file on stderr.
        for name in FILES:
            self.assertIn("import: %s:" % name, self.first.stderr)

    def test_search_cards_import_once_per_distinct_row(self):
        _, rows = read_rows(SEARCH)
        distinct = len(set(map(tuple, rows)))
        self.assertEqual((len(rows), distinct), (18600, 5051))  # SOURCES.md
        s = parse_summary(self.first.stdout)[SEARCH]
        self.assertEqual(s["read"], 18600)
        self.assertEqual(s["imported"], 5051)
        self.assertEqual(s["present"], 0)
        self.assertEqual(s["reasons"], {"duplicate row": 18600 - 5051})
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings"
            " WHERE source = 'upwork_search'")[0], 5051)

    def test_rss_postings_import_once_per_job_id(self):
        _, rows = read_rows(RSS)
        links = {r[1] for r in rows}
        ids = {rss_job_id(r[1]) for r in rows}
        # SOURCES.md: 1,110 rows, 18 of them a second sighting of a link.
        self.assertEqual((len(rows), len(links)), (1110, 1092))
        # Two of those links name one job (~01ba65a17a3ce250bb) whose title
        # was edited between snapshots, so there are 1,091 jobs.
        self.assertEqual(len(ids), 1091)
        s = parse_summary(self.first.stdout)[RSS]
        self.assertEqual(s["read"], 1110)
        self.assertEqual(s["imported"], len(ids))
        self.assertEqual(s["reasons"], {"duplicate posting": 1110 - len(ids)})
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_job_postings"
            " WHERE source = 'upwork_rss'")[0], len(ids))

    def test_edited_rss_posting_keeps_its_latest_snapshot(self):
        title, = self.one("SELECT title FROM freelance_job_postings"
                          " WHERE source_key = 'upwork_rss:~01ba65a17a3ce250bb'")
        self.assertEqual(
            title, "Power BI | JMP| Data Scientist| Actuary Statistician Data Analyst")

    def test_pph_cards_import_once_except_exact_duplicates(self):
        _, rows = read_rows(PPH)
        distinct = set(map(tuple, rows))
        self.assertEqual(len(rows) - len(distinct), 129)  # SOURCES.md
        untitled = sum(1 for r in distinct if not r[0].strip())
        s = parse_summary(self.first.stdout)[PPH]
        self.assertEqual(s["read"], 9984)
        self.assertEqual(s["imported"], len(distinct) - untitled)
        self.assertEqual(s["reasons"], {"duplicate row": 129,
                                        "missing title": untitled})
        self.assertEqual(self.one(
            "SELECT COUNT(*) FROM freelance_profiles"
            " WHERE source = 'peopleperhour'")[0], len(distinct) - untitled)

    def test_total_line_adds_up_the_files(self):
        summary = parse_summary(self.first.stdout)
        for key in ("read", "imported", "present", "skipped"):
            self.assertEqual(summary["total"][key],
                             sum(summary[f][key] for f in FILES), key)

    # ---- idempotence ----

    def test_second_import_adds_nothing(self):
        self.assertEqual(self.second.returncode, 0, self.second.stderr)
        first, second = (parse_summary(p.stdout) for p in (self.first, self.second))
        for name in FILES:
            self.assertEqual(second[name]["imported"], 0, name)
            self.assertEqual(second[name]["present"], first[name]["imported"], name)
            self.assertEqual(second[name]["read"], first[name]["read"], name)
        self.assertEqual(self.counts_second, self.counts_first)

    # ---- rows checked against the files ----

    def test_truncated_rss_budgets_hold_the_footer_amount(self):
        _, rows = read_rows(RSS)
        truncated = [r for r in rows if r[6] == "False" and r[9] and
                     footer_budget(r[10]) is not None and
                     float(r[9]) != footer_budget(r[10])]
        self.assertEqual(len(truncated), 37)  # SOURCES.md
        self.assertTrue(any(r[9] == "21.0" and footer_budget(r[10]) == 21000
                            for r in truncated))
        for r in truncated:
            cents = round(footer_budget(r[10]) * 100)
            row = self.one("SELECT budget_type, budget_min_cents, budget_max_cents"
                           " FROM freelance_job_postings WHERE source_key = ?",
                           "upwork_rss:" + rss_job_id(r[1]))
            self.assertEqual(row, ("fixed", cents, cents), r[0])
        repaired = len({rss_job_id(r[1]) for r in truncated})
        self.assertIn("%d truncated budgets repaired" % repaired, self.first.stdout)

    def test_rss_title_loses_suffix_and_decodes_entities(self):
        _, rows = read_rows(RSS)
        src = next(r for r in rows
                   if r[0] == "Remote Power BI &amp; SAP SAC Expert - Upwork")
        row = self.one("SELECT title, client_country, budget_type, posted_at,"
                       " (SELECT name FROM categories WHERE id = category_id)"
                       " FROM freelance_job_postings WHERE source_key = ?",
                       "upwork_rss:" + rss_job_id(src[1]))
        self.assertEqual(row[0], "Remote Power BI & SAP SAC Expert")
        self.assertEqual(row[1], src[2])
        self.assertEqual(row[2], "hourly" if src[6] == "True" else "fixed")
        self.assertEqual(row[3], self.epoch(src[5]))
        self.assertEqual(row[4], src[3].replace("&amp;", "&"))
        left = self.one("SELECT COUNT(*) FROM freelance_job_postings"
                        " WHERE source = 'upwork_rss' AND (title LIKE '% - Upwork'"
                        " OR title LIKE '%&amp;%' OR title LIKE '%&#039;%')")[0]
        self.assertEqual(left, 0)

    @staticmethod
    def epoch(iso):
        import calendar
        import time
        return calendar.timegm(time.strptime(iso, "%Y-%m-%dT%H:%M:%S"))

    def test_rss_descriptions_are_plain_text_without_footer(self):
        bad = self.one(
            "SELECT COUNT(*) FROM freelance_job_postings WHERE source = 'upwork_rss'"
            " AND (description LIKE '%<br%' OR description LIKE '%<b>%'"
            " OR description LIKE '%Posted On%' OR description LIKE '%click to apply%'"
            " OR description LIKE '%&nbsp;%' OR description LIKE '%&amp;%')")[0]
        self.assertEqual(bad, 0)
        desc, = self.one("SELECT description FROM freelance_job_postings"
                         " WHERE source_key = 'upwork_rss:~01ec8934d454ff0ef3'")
        self.assertTrue(desc.startswith("Hi\n\nI am looking for a professional "
                                        "dashboard built in MicroStrategy"), desc)
        self.assertIn("The dataset is small (about 107 rows)", desc)
        self.assertTrue(desc.endswith("Thanks\nCharu"), desc)

    def test_rss_skills_come_from_the_python_list(self):
        _, rows = read_rows(RSS)
        src = next(r for r in rows if "%7E01c839d932d942a650" in r[1])
        want = sorted(s.lower() for s in src[4][2:-2].split("', '"))
        job_id, = self.one("SELECT id FROM freelance_job_postings WHERE"
                           " source_key = 'upwork_rss:~01c839d932d942a650'")
        self.assertEqual(self.job_skills(job_id), want)

    def test_search_title_with_emoji_is_kept_with_its_card(self):
        _, rows = read_rows(SEARCH)
        title = ("WooCommerce Pro Needed for Exciting Food Brand Website \u2013 "
                 "Transform the Customer Experience! \U0001F680")
        src = next(r for r in rows if r[0] == title)
        row = self.one("SELECT id, budget_type, experience_level, posted_at,"
                       " client_country, status, currency"
                       " FROM freelance_job_postings WHERE title = ?", title)
        self.assertEqual(row[1], "fixed" if src[1] == "Fixed price" else "hourly")
        self.assertEqual(row[2], {"Entry Level": "entry", "Intermediate":
                                  "intermediate", "Expert": "expert"}[src[3]])
        self.assertEqual(row[3:], (SEARCH_POSTED_AT, None, "open", "USD"))
        want = sorted(s.lower() for s in src[4].split(", ")
                      if s and not re.fullmatch(r"\+\d+", s))
        self.assertEqual(self.job_skills(row[0]), want)

    def test_search_hourly_range_and_fixed_budget_are_cents(self):
        row = self.one(
            "SELECT budget_type, budget_min_cents, budget_max_cents, experience_level"
            " FROM freelance_job_postings WHERE source = 'upwork_search' AND title = ?",
            "Software Architect / Technical Lead (Node.js Expertise)")
        self.assertEqual(row, ("hourly", 2500, 3500, "intermediate"))
        _, rows = read_rows(SEARCH)
        # The one budget of a million dollars or more: two thousands commas.
        fixed = next(r for r in rows
                     if re.fullmatch(r"Est\. budget:\n\$\d+,\d{3},\d{3}\.\d\d", r[2]))
        cents = int(re.sub(r"[^\d]", "", fixed[2]))
        row = self.one("SELECT budget_type, budget_min_cents, budget_max_cents"
                       " FROM freelance_job_postings WHERE source = 'upwork_search'"
                       " AND title = ?", fixed[0].strip())
        self.assertGreaterEqual(cents, 100000000)
        self.assertEqual(row, ("fixed", cents, cents))
        # A bare "Hourly" states no range: NULL, never 0.
        bare = {tuple(r) for r in rows if r[1] == "Hourly"}
        nulls = self.one("SELECT COUNT(*) FROM freelance_job_postings"
                         " WHERE source = 'upwork_search' AND budget_type = 'hourly'"
                         " AND budget_min_cents IS NULL AND budget_max_cents IS NULL")
        self.assertEqual(nulls[0], len(bare))

    def test_search_plus_n_marker_is_not_a_skill(self):
        self.assertEqual(self.one("SELECT COUNT(*) FROM skills"
                                  " WHERE substr(name, 1, 1) = '+'"
                                  " AND substr(name, 2, 1) BETWEEN '0' AND '9'")[0], 0)

    def test_pph_profile_holds_rate_rating_and_review_count(self):
        _, rows = read_rows(PPH)
        headline = "Google Ads Partner / PPC / AdWords / Google Shopping / Remarketing"
        src = [r for r in rows if r[0] == headline]
        self.assertEqual(len(src), 1)
        self.assertEqual(src[0][1:], ["United Kingdom", "$51/hr", "5.0\n", "128)\nCER"])
        row = self.one(
            "SELECT p.id, p.hourly_rate_cents, p.currency, p.country, p.source,"
            " p.source_rating, p.source_review_count, p.rating_count, u.role,"
            " u.email, u.name FROM freelance_profiles p JOIN users u"
            " ON u.id = p.user_id WHERE p.title = ?", headline)
        self.assertEqual(row[1:9], (5100, "USD", "United Kingdom", "peopleperhour",
                                    5.0, 128, 0, "freelancer"))
        self.assertRegex(row[9], r"^pph-[0-9a-f]{16}@import\.freelance-hub\.test$")
        self.assertEqual(row[10], "PPH freelancer " + row[9][4:20])
        skills = sorted(r[0].lower() for r in self.db.execute(
            "SELECT s.name FROM profile_skills ps JOIN skills s"
            " ON s.id = ps.skill_id WHERE ps.profile_id = ?", (row[0],)))
        self.assertEqual(skills, ["adwords", "google ads partner", "google shopping",
                                  "ppc", "remarketing"])

    def test_pph_profile_without_reviews_has_null_rating_and_count(self):
        row = self.one("SELECT hourly_rate_cents, country, source_rating,"
                       " source_review_count FROM freelance_profiles"
                       " WHERE title = 'Freelance Paralegal' AND country = 'Jamaica'")
        self.assertEqual(row, (1900, "Jamaica", None, None))
        _, rows = read_rows(PPH)
        no_reviews = {tuple(r) for r in rows if r[0].strip() and r[4] == "N/A"}
        n = self.one("SELECT COUNT(*) FROM freelance_profiles"
                     " WHERE source_review_count IS NULL")[0]
        self.assertEqual(n, len(no_reviews))

    def test_pph_skills_are_short_and_at_most_ten(self):
        worst = self.one("SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n"
                         " FROM profile_skills GROUP BY profile_id) AS per_profile")[0]
        self.assertLessEqual(worst, 10)
        for name, in self.db.execute(
                "SELECT s.name FROM skills s WHERE s.id IN"
                " (SELECT skill_id FROM profile_skills)"):
            self.assertTrue(2 <= len(name) <= 50, name)
            self.assertNotIn("...", name)

    def test_clients_are_one_per_source_country(self):
        _, rows = read_rows(RSS)
        countries = {r[2] for r in rows if r[2]}
        n = self.one("SELECT COUNT(*) FROM users WHERE role = 'client'"
                     " AND email LIKE 'client-upwork-%@import.freelance-hub.test'")[0]
        self.assertEqual(n, len(countries) + 1)  # plus the search cards' client
        row = self.one("SELECT name, country FROM users WHERE email ="
                       " 'client-upwork-united-kingdom@import.freelance-hub.test'")
        self.assertEqual(row, ("Upwork client (United Kingdom)", "United Kingdom"))
        mismatched = self.one(
            "SELECT COUNT(*) FROM freelance_job_postings j JOIN users u"
            " ON u.id = j.client_id WHERE j.source = 'upwork_rss'"
            " AND u.country IS DISTINCT FROM j.client_country")[0]
        self.assertEqual(mismatched, 0)

    # ---- served ----

    def test_server_lists_the_imported_categories(self):
        _, rows = read_rows(RSS)
        want = {r[3].replace("&amp;", "&") for r in rows if r[3]}
        got = {c["name"] for c in self.walk("/categories", 100)}
        self.assertEqual(got, want)
        self.assertIn("Scripting & Automation", got)

    def test_server_lists_the_imported_skills(self):
        r = self.assertStatus(self.srv.get("/skills?page_size=5"), 200)
        self.assertEqual(r.meta["total_items"], self.counts_second["skills"])
        q = urllib.parse.quote("microsoft power")
        names = {s["name"] for s in self.walk("/skills?q=" + q, 100)}
        self.assertIn("Microsoft Power BI", names)
        names = {s["name"].lower() for s in self.walk("/skills?q=wordpress", 100)}
        self.assertIn("wordpress", names)


class ImportFailureTest(unittest.TestCase):
    """Needs no real data: the files here are small ones written by the
    test in the shape of the real ones."""

    SEARCH_TEXT = ("Job Title,Hourly/Fixed,Budget,Level,Skills\r\n"
                   "Build a site,Fixed price,\"Est. budget:\n$1,000.00\",Expert,"
                   "\"PHP, +2\"\r\n"
                   "Build a site,Fixed price,\"Est. budget:\n$1,000.00\",Expert,"
                   "\"PHP, +2\"\r\n")
    RSS_HEADER = ("title,link,country,category,skills,posted_date,is_hourly,"
                  "min_rate,max_rate,fixed_budget,raw_description,source_file,"
                  "collection_date\n")
    RSS_ROW = ("Dashboards &amp; more - Upwork,https://www.upwork.com/jobs/"
               "X_%7E01aa?source=rss,Chile,Data Visualization,\"['SQL']\","
               "2024-05-13T09:44:00,False,,,1.0,\"Hi<br /><b>Budget</b>: $1,500\n"
               "<br /><b>Posted On</b>: May 13, 2024 09:44 UTC\","
               "a.json,2024-05-13\n")
    PPH_TEXT = ("Description,Nationality,Price,Rating,Total Votes\n"
                "Translator | Editor,France,$20/hr,\"4.5\n\",\"3)\nTO\"\n")

    def setUp(self):
        self.srv = Server()
        self.data = os.path.join(self.srv.dir, "data")
        os.mkdir(self.data)

    def tearDown(self):
        self.srv.cleanup()

    def write(self, name, text):
        with open(os.path.join(self.data, name), "w", newline="",
                  encoding="utf-8") as f:
            f.write(text)

    def count(self, sql):
        path = self.srv.db_url[len("sqlite:"):]
        if self.srv.engine == "sqlite" and not os.path.exists(path):
            return 0
        con = self.srv.connect()
        try:
            return con.execute(sql).fetchone()[0]
        finally:
            con.close()

    def test_missing_directory_is_one_line_and_exit_1(self):
        p = run_import(self.srv, os.path.join(self.srv.dir, "nowhere"))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("nowhere", p.stderr)

    def test_no_directory_and_no_fallback_is_one_line_and_exit_1(self):
        cwd = os.path.join(self.data)
        env = {"FH_SHARED_DATA": ""}
        p = run_import(self.srv, cwd=cwd, env=env)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn("FH_SHARED_DATA", p.stderr)

    def test_missing_file_is_one_line_exit_1_and_imports_nothing(self):
        self.write(SEARCH, self.SEARCH_TEXT)
        self.write(RSS, self.RSS_HEADER + self.RSS_ROW)
        p = run_import(self.srv, self.data)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(PPH, p.stderr)
        self.assertEqual(self.count("SELECT COUNT(*) FROM freelance_job_postings"), 0)

    def test_small_files_import_with_repairs_and_duplicates(self):
        self.write(SEARCH, self.SEARCH_TEXT)
        self.write(RSS, self.RSS_HEADER + self.RSS_ROW + self.RSS_ROW)
        self.write(PPH, self.PPH_TEXT)
        p = run_import(self.srv, self.data)
        self.assertEqual(p.returncode, 0, p.stderr)
        s = parse_summary(p.stdout)
        self.assertEqual((s[SEARCH]["imported"], s[SEARCH]["reasons"]),
                         (1, {"duplicate row": 1}))
        self.assertEqual((s[RSS]["imported"], s[RSS]["reasons"]),
                         (1, {"duplicate row": 1}))
        self.assertEqual(s[PPH]["imported"], 1)
        self.assertIn("1 truncated budgets repaired", p.stdout)
        self.assertEqual(self.count(
            "SELECT budget_min_cents FROM freelance_job_postings"
            " WHERE source_key = 'upwork_rss:~01aa'"), 150000)
        self.assertEqual(self.count(
            "SELECT COUNT(*) FROM freelance_job_postings WHERE title ="
            " 'Dashboards & more' AND description = 'Hi'"), 1)
        self.assertEqual(self.count(
            "SELECT source_review_count FROM freelance_profiles"), 3)

    def test_broken_file_keeps_nothing_of_itself_and_names_the_line(self):
        self.write(SEARCH, self.SEARCH_TEXT)
        # The header is line 1, the good posting lines 2-3; line 4 opens a
        # quote that is never closed.
        self.write(RSS, self.RSS_HEADER + self.RSS_ROW +
                   "Broken - Upwork,\"never closed\n")
        self.write(PPH, self.PPH_TEXT)
        p = run_import(self.srv, self.data)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn(RSS + ": line 4: quoted field never closed; "
                      "nothing from this file was kept", p.stderr)
        self.assertIn(RSS + ": failed", p.stdout)
        s = parse_summary(p.stdout)
        self.assertEqual(s[SEARCH]["imported"], 1)
        self.assertEqual(s[PPH]["imported"], 1)
        self.assertEqual(self.count("SELECT COUNT(*) FROM freelance_job_postings"
                                    " WHERE source = 'upwork_rss'"), 0)
        self.assertEqual(self.count("SELECT COUNT(*) FROM categories"), 0)


if __name__ == "__main__":
    main()
