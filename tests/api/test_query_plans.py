"""Every hot statement reads through its index on a seeded, analysed
database: no full scan of a large table, and no search sorts its matches
(no temporary b-tree for ORDER BY; on PostgreSQL, no Sort node and no Seq
Scan in the generic plan)."""
import json
import re

from harness import ENGINE, ApiTest, Server, main

BIG = ("freelance_job_postings", "freelance_proposals", "freelance_contracts",
       "freelance_profiles", "users", "job_skills", "profile_skills", "reviews")


class QueryPlanTest(ApiTest):
    @classmethod
    def setUpClass(cls):
        cls.srv = Server()
        cls.srv.seed("--jobs", "20000", "--seed", "7")
        if cls.srv.engine == "sqlite":
            cls.srv.cli("maintain")  # Server.seed() analyzes PostgreSQL
        cls.plans = [json.loads(l) for l in cls.srv.cli("explain").stdout.splitlines()]

    @classmethod
    def tearDownClass(cls):
        cls.srv.cleanup()

    def test_the_hot_statements_are_all_explained(self):
        names = {p["name"] for p in self.plans}
        for needed in ("jobs_search:newest", "jobs_search+category:newest",
                       "jobs_search+category+level:newest", "jobs_search+level:newest",
                       "job_get", "profile_by_id", "freelancers_search_page",
                       "proposals_by_freelancer_page", "contracts_by_freelancer_page"):
            self.assertIn(needed, names)

    def test_no_hot_statement_sorts_with_a_temporary_btree(self):
        for p in self.plans:
            under_limit = False
            for step in p["plan"]:
                if ENGINE == "postgres":
                    # No Sort below a Limit: that would sort every match. A
                    # Sort above it orders one page's rows again (searches
                    # page through ids first), and a per-row subplan (a
                    # job's few skills in order) may sort.
                    if "SubPlan" in step:
                        break
                    if under_limit:
                        self.assertNotRegex(step, r"(^|->)\s*Sort\b", p)
                    under_limit = under_limit or re.search(r"(^|->)\s*Limit\b",
                                                           step) is not None
                else:
                    self.assertNotIn("TEMP B-TREE", step, p)

    def test_no_hot_statement_scans_a_large_table(self):
        for p in self.plans:
            for step in p["plan"]:
                if ENGINE == "postgres":
                    m = re.search(r"Seq Scan on (\w+)", step)
                    self.assertFalse(m and m.group(1) in BIG, p)
                    continue
                m = re.match(r"SCAN (\S+)", step)
                if m and not m.group(1).startswith("("):
                    self.assertIn("USING", step, p)  # a covering-index walk at most

    def test_searches_use_the_composite_indexes(self):
        want = {
            "jobs_search:newest": "jobs_status_posted",
            "jobs_search+category:newest": "jobs_status_category_posted",
            "jobs_search+category+level:newest": "jobs_status_category_level_posted",
            "jobs_search+level:newest": "jobs_status_level_posted",
            "jobs_search+budget:budget_desc": "jobs_status_budget",
            "jobs_search+category+budget:budget_desc":
                "jobs_status_category_budget",
            "jobs_count+budget": "jobs_status_budget",
            "jobs_count+category+budget": "jobs_status_category_budget",
            "freelancers_search_page": "profiles_available_rating",
            "contracts_by_freelancer_page_status": "contracts_freelancer",
            "proposals_by_freelancer_page": "proposals_freelancer",
        }
        by_name = {p["name"]: p for p in self.plans}
        for name, index in want.items():
            steps = " | ".join(by_name[name]["plan"])
            if ENGINE == "postgres":  # "Index Scan using X on t", "Index Only ..."
                self.assertIn("using " + index + " ", steps, name)
            else:
                self.assertIn("INDEX " + index + " ", steps + " ", name)


if __name__ == "__main__":
    main()
