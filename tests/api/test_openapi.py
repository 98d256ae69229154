"""The OpenAPI document (openapi/openapi.json): it describes every route of
src/http/routes.c and nothing else, every status each kind of route can
give, examples that fit their schemas; the validator the harness runs on
every exchange can fail; the server serves the document and the page that
renders it; and each documented example, sent to a server holding the demo
data, gets the documented answer."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import openapi_check
from harness import ApiTest, SOURCE_DIR, Response, main

ROUTES_C = os.path.join(SOURCE_DIR, "src", "http", "routes.c")
DOCS_DIR = os.path.join(SOURCE_DIR, "web", "docs")


def doc():
    return openapi_check.document()


def read_routes():
    """{(table, method, path): (tier, flags, cache)} from routes.c, where
    table is "api" for http_routes and "root" for http_root_routes."""
    with open(ROUTES_C) as f:
        text = f.read()
    out = {}
    for table, name in (("api", "http_routes"), ("root", "http_root_routes")):
        body = re.search(r"const route_t %s\[\] = \{(.*?)\n\};" % name, text, re.S)
        assert body, "no %s table in routes.c" % name
        for m in re.finditer(r'\{"([A-Z]+)",\s*"([^"]+)",\s*\w+,\s*(\w+),\s*'
                             r'(\w+),\s*([^}]*)\}', body.group(1)):
            out[(table, m.group(1), m.group(2))] = (m.group(3), m.group(5).strip(),
                                                    m.group(4))
    return out


def documented_routes():
    """{(table, method, path): operation} of the document."""
    out = {}
    for method, template, op, item in doc().operations():
        table = "root" if "servers" in item else "api"
        out[(table, method, template)] = op
    return out


def demo_status(op):
    """The success status whose response carries the example "demo", or the
    only success status when it has no body example."""
    ok = [s for s in op["responses"] if s.startswith("2")]
    for s in ok:
        r = doc().resolve(op["responses"][s])
        for media in r.get("content", {}).values():
            if "demo" in media.get("examples", {}):
                return int(s)
    return int(ok[0]) if len(ok) == 1 else None


class DocumentTest(unittest.TestCase):
    def test_document_uses_only_keywords_the_validator_knows(self):
        self.assertEqual(doc().unsupported_keywords(), [])

    def test_every_route_is_documented_and_every_operation_is_a_route(self):
        routes = set(read_routes())
        documented = set(documented_routes())
        self.assertGreater(len(routes), 30)
        self.assertEqual(sorted(routes - documented), [], "routes the document lacks")
        self.assertEqual(sorted(documented - routes), [], "operations with no route")

    def test_root_operations_name_the_root_server_and_api_ones_the_base(self):
        self.assertEqual(doc().doc["servers"][0]["url"], "/api/v1/freelance")
        for template, item in doc().doc["paths"].items():
            if "servers" in item:
                self.assertEqual(item["servers"], [{"url": "/", "description": "The root of the host."}],
                                 template)

    def test_every_operation_documents_what_its_kind_of_route_can_answer(self):
        """The statuses every request can meet (a bad token, a body over
        the limit, two length headers, a fault, the database gone), 415 on
        routes that take a body, 429 on rate-limited ones, 400 and 404 on
        those with an id in the path, 304 on cached reads."""
        ops = documented_routes()
        for key, (tier, flags, cache) in read_routes().items():
            op = ops[key]
            have = set(op["responses"])
            need = {"400", "401", "413", "500", "503"}
            if flags in ("B", "BO"):
                need.add("415")
            if tier != "TIER_NONE":
                need.add("429")
            if "{" in key[2]:
                need.add("404")
            if cache != "CACHE_NONE":
                need.add("304")
            self.assertLessEqual(need, have, key)
            self.assertIsNotNone(demo_status(op), key)

    def test_only_cached_reads_declare_the_response_cache_headers(self):
        """ETag and X-Cache come from the response cache, so a cached read
        declares them on its 200 and 304 and an API route the cache never
        handles declares neither (the documentation files set their own
        ETag)."""
        d = doc()
        ops = documented_routes()
        for key, (tier, flags, cache) in read_routes().items():
            for status, r in ops[key]["responses"].items():
                if not (status.startswith("2") or status == "304"):
                    continue
                have = set(d.resolve(r).get("headers", {}))
                if cache != "CACHE_NONE":
                    self.assertLessEqual({"ETag", "X-Cache", "Cache-Control"}, have,
                                         (key, status))
                elif key[0] == "api":
                    self.assertEqual(have & {"ETag", "X-Cache"}, set(), (key, status))

    def test_route_flags_match_the_request_bodies(self):
        ops = documented_routes()
        for key, (tier, flags, cache) in read_routes().items():
            op = ops[key]
            takes = flags in ("B", "BO")
            self.assertEqual("requestBody" in op, takes, key)
            if takes:
                rb = doc().resolve(op["requestBody"])
                self.assertEqual(rb.get("required", False), flags == "B", key)

    def test_every_example_fits_its_schema(self):
        d = doc()
        checked = 0

        def media_examples(content, where):
            nonlocal checked
            for ctype, media in content.items():
                for name, ex in media.get("examples", {}).items():
                    problems = d.validate(ex["value"], media["schema"])
                    self.assertEqual(problems, [], "%s %s %s" % (where, ctype, name))
                    checked += 1

        for method, template, op, item in d.operations():
            where = "%s %s" % (method, template)
            if "requestBody" in op:
                media_examples(d.resolve(op["requestBody"])["content"], where + " request")
            for status, r in op["responses"].items():
                media_examples(d.resolve(r).get("content", {}), "%s %s" % (where, status))
            for p in op.get("parameters", []):
                p = d.resolve(p)
                if "example" in p:
                    self.assertEqual(d.validate(p["example"], p["schema"]), [],
                                     "%s parameter %s" % (where, p["name"]))
                    checked += 1
        for name, r in d.doc["components"]["responses"].items():
            media_examples(r.get("content", {}), name)
        self.assertGreater(checked, 60)

    def test_operation_ids_are_unique(self):
        ids = [op["operationId"] for _, _, op, _ in doc().operations()]
        self.assertEqual(len(ids), len(set(ids)))


class ValidatorTest(unittest.TestCase):
    """The validator fails what it must, so that the harness's check can."""

    def problems(self, value, schema):
        return doc().validate(value, schema)

    def test_schema_keywords_each_reject_a_value(self):
        cases = [
            ({"type": "integer"}, 1, 1.5),
            ({"type": "integer"}, 2, True),
            ({"type": ["string", "null"]}, None, 3),
            ({"const": "error"}, "error", "success"),
            ({"enum": ["a", None]}, None, "b"),
            ({"minimum": 1, "maximum": 5}, 5, 6),
            ({"minLength": 1, "maxLength": 3}, "abc", ""),
            ({"pattern": "^[A-Z]{3}$"}, "USD", "usd"),
            ({"format": "date-time"}, "2026-12-04T17:11:14Z", "2026-13-04T17:11:14Z"),
            ({"format": "int64"}, 9223372036854775807, 9223372036854775808),
            ({"minItems": 1, "maxItems": 2}, [1], [1, 2, 3]),
            ({"items": {"type": "string"}}, ["a"], ["a", 1]),
            ({"required": ["a"]}, {"a": 1}, {"b": 1}),
            ({"properties": {"a": {"type": "integer"}}, "additionalProperties": False},
             {"a": 1}, {"a": 1, "b": 2}),
            ({"oneOf": [{"type": "integer"}, {"type": "null"}]}, None, "x"),
            ({"anyOf": [{"minimum": 3}, {"maximum": 1}]}, 0, 2),
            ({"allOf": [{"minimum": 1}, {"maximum": 2}]}, 2, 3),
            ({"$ref": "#/components/schemas/Currency"}, "EUR", "EURO"),
        ]
        for schema, good, bad in cases:
            self.assertEqual(self.problems(good, schema), [], (schema, good))
            self.assertNotEqual(self.problems(bad, schema), [], (schema, bad))

    def exchange(self, method, target, status, headers, body):
        """check_exchange's problems; headers override the usual ones, and
        a None value leaves that header out."""
        hdrs = {"content-type": "application/json; charset=utf-8",
                "x-request-id": "0123456789abcdef"}
        hdrs.update(headers)
        hdrs = {k: v for k, v in hdrs.items() if v is not None}
        raw = json.dumps(body).encode() if body is not None else b""
        return doc().check_exchange(method, target, {}, None, status, hdrs, raw)

    def demo(self, template, method, status):
        op = doc().doc["paths"][template][method]
        r = doc().resolve(op["responses"][status])
        return json.loads(json.dumps(
            r["content"]["application/json"]["examples"]["demo"]["value"]))

    def test_exchanges_off_the_document_fail(self):
        base = "/api/v1/freelance"
        job = self.demo("/jobs/{id}", "get", "200")
        contract = self.demo("/contracts/{id}", "get", "200")
        self.assertEqual(self.exchange("GET", base + "/jobs/1", 200, {}, job), [])
        extra, missing = self.demo("/jobs/{id}", "get", "200"), self.demo("/jobs/{id}", "get", "200")
        extra["data"]["secret"] = 1
        del missing["data"]["title"]
        conflict = self.demo("/jobs/{id}/close", "post", "409")
        bad = {
            "an undocumented member": ("GET", "/jobs/1", 200, {}, extra),
            "a missing member": ("GET", "/jobs/1", 200, {}, missing),
            "an undocumented status": ("GET", "/jobs/1", 409, {}, conflict),
            "an undeclared header": ("GET", "/jobs/1", 200, {"x-debug": "1"}, job),
            "a missing required header": ("GET", "/jobs/1", 200, {"x-request-id": None}, job),
            "a header off its schema": ("GET", "/jobs/1", 200, {"x-cache": "MAYBE"}, job),
            "another media type": ("GET", "/jobs/1", 200, {"content-type": "text/html"}, job),
            "an undocumented query parameter accepted":
                ("GET", "/jobs/1?debug=1", 200, {}, job),
            "a query parameter off its schema accepted":
                ("GET", "/jobs/search?page_size=500", 200, {}, self.demo("/jobs/search", "get", "200")),
            "an unknown path answered": ("GET", "/nope", 200, {}, job),
            "an unknown method answered": ("PUT", "/jobs/1", 200, {}, job),
            "a private read served anonymously": ("GET", "/contracts/1", 200, {}, contract),
        }
        for name, (method, path, status, headers, body) in bad.items():
            self.assertNotEqual(self.exchange(method, base + path, status, headers, body),
                                [], name)

    def test_405_needs_the_documented_allow(self):
        body = {"status": "error", "error": {"code": "method_not_allowed", "message": "x"},
                "request_id": "0123456789abcdef"}
        target = "/api/v1/freelance/profile/1"
        self.assertEqual(self.exchange("PUT", target, 405, {"allow": "GET, PATCH, HEAD"}, body), [])
        self.assertNotEqual(self.exchange("PUT", target, 405, {"allow": "GET, HEAD"}, body), [])


class ServedDocumentTest(ApiTest):
    def get_root(self, path, headers=None):
        return self.srv.request("GET", path, base=False, headers=headers)

    def test_openapi_json_is_the_repository_document(self):
        r = self.get_root("/openapi.json")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("application/json"))
        with open(doc().path, "rb") as f:
            self.assertEqual(r.body, f.read())
        etag = r.header("etag")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        again = self.get_root("/openapi.json", {"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(self.get_root("/openapi.json", {"If-None-Match": '"0"'}).status, 200)

    def test_docs_page_and_its_files_come_from_the_binary(self):
        page = self.get_root("/docs")
        self.assertEqual(page.status, 200)
        self.assertTrue(page.header("content-type").startswith("text/html"))
        with open(os.path.join(DOCS_DIR, "index.html"), "rb") as f:
            self.assertEqual(page.body, f.read())
        html = page.body.decode()
        self.assertIn('spec-url="/openapi.json"', html)
        refs = re.findall(r'(?:src|href)="([^"]+)"', html)
        self.assertIn("/docs/redoc.standalone.js", refs)
        for ref in refs:  # nothing from another host
            self.assertFalse(urllib.parse.urlsplit(ref).netloc, ref)
        csp = page.header("content-security-policy")
        self.assertIn("default-src 'none'", csp)
        self.assertIn("script-src 'self'", csp)
        for name in ("redoc.standalone.js", "redoc.standalone.js.LICENSE.txt"):
            r = self.get_root("/docs/" + name)
            self.assertEqual(r.status, 200, name)
            with open(os.path.join(DOCS_DIR, name), "rb") as f:
                self.assertEqual(r.body, f.read(), name)
            self.assertEqual(r.header("x-content-type-options"), "nosniff")
        self.assertTrue(os.path.exists(os.path.join(DOCS_DIR, "LICENSE.redoc")))

    def test_revalidation_takes_a_list_a_weak_tag_and_a_star(self):
        etag = self.get_root("/docs").header("etag")
        for value in ('"0", ' + etag, "W/" + etag, "*"):
            r = self.get_root("/docs", {"If-None-Match": value})
            self.assertEqual(r.status, 304, value)
            self.assertEqual(r.header("etag"), etag)
        for value in ('"0"', etag[:-2] + '"', etag[:-1] + '0"'):
            self.assertEqual(self.get_root("/docs", {"If-None-Match": value}).status,
                             200, value)

    def test_head_gives_the_headers_of_get_without_the_file(self):
        path = "/docs/redoc.standalone.js"
        r = self.srv.request("HEAD", path, base=False)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        size = os.path.getsize(os.path.join(DOCS_DIR, "redoc.standalone.js"))
        self.assertEqual(int(r.header("content-length")), size)
        self.assertEqual(r.header("etag"), self.get_root(path).header("etag"))

    def test_other_methods_on_the_documentation_are_405(self):
        for path in ("/openapi.json", "/docs"):
            r = self.srv.request("POST", path, base=False)
            self.assertEqual(r.status, 405, path)
            self.assertEqual(r.header("allow"), "GET, HEAD")

    @unittest.skipUnless(shutil.which("chromium"), "chromium is not installed")
    def test_docs_page_renders_every_operation_in_a_browser(self):
        """Headless chromium loads /docs; every operation's summary is on
        the rendered page, and the only load the page's policy blocks is
        the renderer's remote credit logo."""
        profile = tempfile.mkdtemp(prefix="fh-chromium-")
        try:
            p = subprocess.run(
                ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", "--user-data-dir=" + profile,
                 "--virtual-time-budget=20000", "--enable-logging=stderr", "--v=0",
                 "--dump-dom", "http://127.0.0.1:%d/docs" % self.srv.port],
                capture_output=True, text=True, timeout=120)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        dom = p.stdout
        for method, template, op, _ in doc().operations():
            self.assertIn(op["summary"], dom, (method, template))
        blocked = re.findall(r"Loading the \w+ '([^']+)' violates", p.stderr)
        self.assertLessEqual(set(blocked), {"https://cdn.redoc.ly/redoc/logo-mini.svg"})


class PrivateRevalidationTest(ApiTest):
    """The private cached reads answer their own ETag with the documented
    304 (the harness checks its headers against the document)."""

    def test_private_cached_reads_revalidate_to_a_documented_304(self):
        k, job, _, c, f = self.srv.contract()
        reads = [
            ("/contracts/%d" % k["id"], c),
            ("/contracts/freelancer/%d" % f.profile_id, f),
            ("/proposals/freelancer/%d" % f.profile_id, f),
            ("/jobs/%d/proposals" % job["id"], c),
            ("/dashboard/client", c),
            ("/dashboard/freelancer", f),
        ]
        for path, user in reads:
            first = self.assertStatus(self.srv.get(path, user=user), 200)
            etag = first.header("etag")
            self.assertIsNotNone(etag, path)
            again = self.srv.get(path, user=user, headers={"If-None-Match": etag})
            self.assertEqual(again.status, 304, path)
            self.assertEqual(again.header("cache-control"), "private, no-cache", path)
            self.assertEqual(again.header("x-cache"), "HIT", path)


class ContractTest(ApiTest):
    """Sends each operation's documented example to a server holding the
    demo data (`freelance-hub seed --jobs 200`): path and query parameters
    from their examples, the body from the request example, except the ids
    of things that must belong to the caller, which come from fixtures.
    The documented status must come back; the harness checks the rest of
    the exchange against the document."""

    @classmethod
    def setUpClass(cls):
        from harness import Server
        cls.srv = Server(env=cls.server_env)
        cls.srv.seed("--jobs", "200")
        cls.srv.start()

    # ---- fixtures: each returns (user, path parameters, body members) ----

    def fx_none(self):
        return None, {}, {}

    def fx_client(self):
        return self.srv.client(), {}, {}

    def fx_freelancer(self):
        return self.srv.freelancer(), {}, {}

    def fx_freelancer_without_profile(self):
        return self.srv.freelancer(profile=False), {}, {}

    def fx_profile_owner(self):
        f = self.srv.freelancer()
        return f, {"id": f.profile_id}, {}

    def fx_portfolio_item(self):
        f = self.srv.freelancer()
        r = self.srv.post("/profile/%d/portfolio" % f.profile_id, {"title": "Item"}, user=f)
        return f, {"id": f.profile_id, "item_id": r.data["id"]}, {}

    def fx_job_owner(self):
        c = self.srv.client()
        return c, {"id": self.srv.job(c)["id"]}, {}

    def fx_proposal_of_freelancer(self):
        c, f = self.srv.client(), self.srv.freelancer()
        p = self.srv.proposal(f, self.srv.job(c)["id"])
        return f, {"id": p["id"]}, {}

    def fx_proposal_for_client(self):
        c, f = self.srv.client(), self.srv.freelancer()
        p = self.srv.proposal(f, self.srv.job(c)["id"])
        return c, {"id": p["id"]}, {}

    def fx_own_profile_id(self):
        f = self.srv.freelancer()
        return f, {"id": f.profile_id}, {}

    def fx_contract_party(self):
        k, _, _, c, _ = self.srv.contract()
        return c, {"id": k["id"]}, {}

    def fx_completed_contract(self):
        k, _, _, c, _ = self.srv.contract()
        self.srv.post("/contracts/%d/complete" % k["id"], user=c)
        return c, {"id": k["id"]}, {}

    def fx_admin(self):
        return self.srv.user("admin"), {}, {}

    def fx_registered(self):
        """The account of the login example, registered from the
        register example."""
        reg = doc().doc["paths"]["/auth/register"]["post"]["requestBody"]
        body = reg["content"]["application/json"]["examples"]["demo"]["value"]
        r = self.srv.post("/auth/register", body)
        self.assertIn(r.status, (201, 409), r)
        return None, {}, {}

    FIXTURES = {
        "authRegister": "fx_none", "authLogin": "fx_registered",
        "authLogout": "fx_client", "authMe": "fx_freelancer",
        "categoriesList": "fx_none", "skillsList": "fx_none",
        "profileCreate": "fx_freelancer_without_profile", "profileGet": "fx_none",
        "profileUpdate": "fx_profile_owner", "portfolioAdd": "fx_profile_owner",
        "portfolioDelete": "fx_portfolio_item", "freelancersSearch": "fx_none",
        "jobCreate": "fx_client", "jobsSearch": "fx_none", "jobGet": "fx_none",
        "jobUpdate": "fx_job_owner", "jobClose": "fx_job_owner",
        "jobProposals": "fx_job_owner", "proposalCreate": "fx_freelancer",
        "proposalWithdraw": "fx_proposal_of_freelancer",
        "proposalAccept": "fx_proposal_for_client",
        "proposalReject": "fx_proposal_for_client",
        "proposalsByFreelancer": "fx_own_profile_id",
        "contractsByFreelancer": "fx_own_profile_id",
        "contractGet": "fx_contract_party", "contractComplete": "fx_contract_party",
        "contractCancel": "fx_contract_party", "reviewCreate": "fx_completed_contract",
        "dashboardFreelancer": "fx_freelancer", "dashboardClient": "fx_client",
        "analyticsMarketplace": "fx_none", "adminCache": "fx_admin",
        "adminStats": "fx_admin", "adminRateLimits": "fx_admin",
        "healthz": "fx_none", "readyz": "fx_none", "metrics": "fx_none",
        "openapiDocument": "fx_none", "docsPage": "fx_none",
        "docsRenderer": "fx_none", "docsRendererLicences": "fx_none",
        "webPage": "fx_none",
    }

    def build(self, template, op, item, path_params):
        """The URL and body of op's example."""
        d = doc()
        path, query = template, []
        for p in item.get("parameters", []) + op.get("parameters", []):
            p = d.resolve(p)
            if p["in"] == "path":
                value = path_params.get(p["name"], p.get("example"))
                self.assertIsNotNone(value, "no example for %s" % p["name"])
                path = path.replace("{%s}" % p["name"], str(value))
            elif p["in"] == "query" and "example" in p:
                query.append((p["name"], str(p["example"])))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        body = None
        if "requestBody" in op:
            media = d.resolve(op["requestBody"])["content"]["application/json"]
            if "demo" in media.get("examples", {}):
                body = media["examples"]["demo"]["value"]
        return path, body

    def test_every_documented_example_gets_its_documented_answer(self):
        d = doc()
        ran = []
        for method, template, op, item in d.operations():
            fixture = self.FIXTURES.get(op["operationId"])
            self.assertIsNotNone(fixture, "no fixture for %s" % op["operationId"])
            user, path_params, members = getattr(self, fixture)()
            path, body = self.build(template, op, item, path_params)
            if body is not None:
                body = dict(body, **members)
            base = "servers" not in item
            r = self.srv.request(method, path, body, user=user, base=base)
            self.assertEqual(r.status, demo_status(op),
                             "%s %s: %r" % (method, path, r))
            ran.append(op["operationId"])
        self.assertEqual(sorted(ran), sorted(self.FIXTURES))


if __name__ == "__main__":
    main()
