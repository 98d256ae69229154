"""Operations: health and readiness, Prometheus metrics, log formats, slow
queries, maintenance."""
import json
import os
import shutil
import subprocess
import time
import unittest

from harness import ENGINE, ApiTest, Server, main


class HealthTest(ApiTest):
    def test_healthz_answers(self):
        r = self.srv.request("GET", "/healthz", base=False)
        self.assertStatus(r, 200)
        self.assertEqual(r.data["status"], "ok")

    @unittest.skipIf(ENGINE == "postgres", "moves the SQLite file away; "
                     "test_pg_outage.py stops PostgreSQL instead")
    def test_readyz_goes_503_when_database_is_gone_and_back(self):
        r = self.assertStatus(self.srv.request("GET", "/readyz", base=False), 200)
        path = self.srv.db_url[len("sqlite:"):]
        moved = path + ".away"
        os.rename(path, moved)
        try:
            r = self.srv.request("GET", "/readyz", base=False)
            self.assertStatus(r, 503, "service_unavailable")
        finally:
            os.rename(moved, path)
        self.assertStatus(self.srv.request("GET", "/readyz", base=False), 200)

    def test_health_is_not_logged_at_info(self):
        self.srv.request("GET", "/healthz", base=False)
        self.srv.get("/categories")
        self.srv.settle_log()
        lines = [l for l in self.srv.log().splitlines() if "msg=request " in l]
        self.assertTrue(any("route=/categories" in l for l in lines))
        self.assertFalse(any("route=/healthz" in l for l in lines))


class MetricsTest(ApiTest):
    def test_metrics_count_requests_by_route_and_status(self):
        for _ in range(3):
            self.srv.get("/categories")
        self.srv.get("/profile/abc")
        r = self.srv.request("GET", "/metrics", base=False)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/plain"))
        text = r.body.decode()
        self.assertIn('fh_http_requests_total{method="GET",route="/categories",status="200"} 3',
                      text)
        self.assertIn('status="400"', text)
        self.assertIn("fh_db_query_duration_seconds_count", text)
        self.assertIn('fh_db_connections{state="in_use"}', text)
        self.assertIn('fh_db_connections{state="idle"}', text)
        self.assertIn("fh_http_requests_in_flight", text)
        self.assertIn("fh_process_resident_memory_bytes", text)

    def test_promtool_accepts_the_exposition(self):
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool (Debian package prometheus) is not installed")
        self.srv.get("/categories")
        body = self.srv.request("GET", "/metrics", base=False).body
        p = subprocess.run([promtool, "check", "metrics"], input=body,
                           capture_output=True, timeout=60)
        # promtool exits non-zero on errors; lint hints are printed too.
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)


class JsonLogTest(ApiTest):
    server_env = {"LOG_JSON_FORMAT": "true", "SLOW_QUERY_MS": "0",
                  "SLOW_REQUEST_MS": "0"}

    def test_every_line_is_a_json_object_with_fixed_fields(self):
        self.srv.get("/skills?q=secretvalue123")
        self.srv.settle_log()
        lines = self.srv.log().splitlines()
        self.assertGreater(len(lines), 2)
        for line in lines:
            obj = json.loads(line)
            self.assertEqual(list(obj)[:3], ["ts", "level", "msg"])
            self.assertRegex(obj["ts"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        req = [json.loads(l) for l in lines if '"msg":"request"' in l]
        self.assertTrue(req)
        for key in ("request_id", "method", "route", "status", "dur_ms", "bytes",
                    "cache", "client", "user_id"):
            self.assertIn(key, req[-1])
        self.srv.get("/skills?page_size=7")
        self.srv.get("/skills?page_size=7")
        self.srv.settle_log()
        cats = [json.loads(l) for l in self.srv.log().splitlines()
                if '"msg":"request"' in l and '"route":"/skills"' in l]
        self.assertEqual([c["cache"] for c in cats[-2:]], ["miss", "hit"])

    def test_slow_query_logs_template_never_values(self):
        self.srv.get("/skills?q=secretvalue123")
        self.srv.settle_log()
        log = self.srv.log()
        slow = [json.loads(l) for l in log.splitlines() if '"msg":"slow query"' in l]
        self.assertTrue(slow)
        self.assertIn("sql", slow[0])
        self.assertIn("dur_ms", slow[0])
        self.assertIn("rows", slow[0])
        self.assertNotIn("secretvalue123", log.replace("q=secretvalue123", ""))


class TextLogTest(ApiTest):
    def test_text_lines_are_key_value(self):
        self.srv.get("/categories", headers={"X-Request-Id": "trace-me-1"})
        self.srv.settle_log()
        line = [l for l in self.srv.log().splitlines() if "trace-me-1" in l][-1]
        fields = {}
        for part in line.split(" "):
            k, _, v = part.partition("=")
            fields[k] = v
        self.assertEqual(fields["level"], "info")
        self.assertEqual(fields["msg"], "request")
        self.assertEqual(fields["route"], "/categories")
        self.assertEqual(fields["status"], "200")


class LogRotationTest(ApiTest):
    def test_sighup_reopens_the_log_file(self):
        import signal
        self.srv.get("/categories", headers={"X-Request-Id": "before-rotation"})
        self.srv.settle_log()
        rotated = self.srv.log_path + ".1"
        os.rename(self.srv.log_path, rotated)
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + 5
        while not os.path.exists(self.srv.log_path) and time.time() < deadline:
            time.sleep(0.02)
        self.srv.get("/categories", headers={"X-Request-Id": "after-rotation"})
        self.srv.settle_log()
        with open(rotated) as f:
            old = f.read()
        self.assertIn("before-rotation", old)
        self.assertNotIn("after-rotation", old)
        self.assertIn("after-rotation", self.srv.log())


@unittest.skipIf(ENGINE == "postgres",
                 "maintain runs SQLite's steps (ANALYZE, optimize, integrity "
                 "check, VACUUM); its PostgreSQL steps are not in this build")
class MaintainTest(ApiTest):
    def test_maintain_reports_each_step(self):
        p = self.srv.cli("maintain", "--vacuum")
        for step in ("analyze", "optimize", "integrity check  ok", "vacuum",
                     "maintenance      finished"):
            self.assertIn(step, p.stdout)

    def test_maintain_rejects_unknown_option(self):
        p = self.srv.cli("maintain", "--bogus", check=False)
        self.assertEqual(p.returncode, 2)


class AdminStatsTest(ApiTest):
    def test_admin_only(self):
        self.assertStatus(self.srv.get("/admin/stats"), 401, "unauthorized")
        for role in ("client", "freelancer"):
            u = self.srv.user(role)
            self.assertStatus(self.srv.get("/admin/stats", user=u), 403, "forbidden")

    def test_percentiles_per_endpoint_over_5_and_60_minutes(self):
        admin = self.srv.user("admin")
        for _ in range(20):
            self.srv.get("/categories")
        r = self.assertStatus(self.srv.get("/admin/stats", user=admin), 200)
        d = r.data
        for window in ("last_5_minutes", "last_60_minutes"):
            rows = {(x["method"], x["route"]): x for x in d["endpoints"][window]}
            cat = rows[("GET", "/categories")]
            self.assertGreaterEqual(cat["count"], 20)
            self.assertLessEqual(cat["p50_ms"], cat["p95_ms"])
            self.assertLessEqual(cat["p95_ms"], cat["p99_ms"])
        self.assertGreaterEqual(d["requests_total"], 20)
        self.assertIn("slow_queries_total", d)
        self.assertEqual(d["database"]["engine"],
                         "postgresql" if self.srv.engine == "postgres" else "sqlite")
        self.assertGreaterEqual(d["database"]["connections_open"], 1)
        self.assertIsInstance(d["indexes"], list)
        self.assertIn("private", r.header("cache-control"))

    @unittest.skipIf(ENGINE == "postgres", "maintain runs on SQLite only in "
                     "this build; PostgreSQL has the usage-count test below")
    def test_index_statistics_appear_after_maintain(self):
        admin = self.srv.user("admin")
        self.srv.cli("maintain")
        d = self.srv.get("/admin/stats", user=admin).data
        tables = {x["table_name"] for x in d["indexes"]}
        self.assertIn("users", tables)
        self.assertTrue(all(x["stat"] for x in d["indexes"]))


    @unittest.skipUnless(ENGINE == "postgres", "usage counts are PostgreSQL's")
    def test_index_usage_counts_on_postgresql(self):
        admin = self.srv.user("admin")
        d = self.srv.get("/admin/stats", user=admin).data
        rows = {x["index_name"]: x for x in d["indexes"]}
        self.assertIn("jobs_search_vector", rows)
        self.assertIn("users", {x["table_name"] for x in d["indexes"]})
        for x in rows.values():
            self.assertRegex(x["stat"],
                             r"^idx_scan=\d+ idx_tup_read=\d+ idx_tup_fetch=\d+$")


class ConfigTest(ApiTest):
    def test_bad_setting_stops_with_one_line_naming_it(self):
        srv = Server(env={"PORT": "99999"})
        try:
            p = srv.cli("serve", check=False)
            self.assertEqual(p.returncode, 2)
            self.assertEqual(len(p.stderr.strip().splitlines()), 1)
            self.assertIn("PORT", p.stderr)
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
