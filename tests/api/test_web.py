"""The web page as files: served at / from the binary with their content
types, strong ETags and 304s, gzip when asked, the page for its own routes,
and JSON errors kept for the API."""
import gzip
import http.client
import os

from harness import ApiTest, Response, SOURCE_DIR, main

WEB = os.path.join(SOURCE_DIR, "web")


def web_file(rel):
    with open(os.path.join(WEB, rel), "rb") as f:
        return f.read()


class WebTest(ApiTest):
    def page(self, path, method="GET", headers=None):
        """One request outside the API. The page's files are not in the
        OpenAPI document, so this bypasses the harness's check of it."""
        conn = http.client.HTTPConnection("127.0.0.1", self.srv.port, timeout=30)
        try:
            conn.request(method, path, headers=headers or {})
            r = conn.getresponse()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()},
                            r.read())
        finally:
            conn.close()

    def test_root_serves_the_page_as_html(self):
        r = self.page("/")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Type"), "text/html; charset=utf-8")
        self.assertEqual(r.body, web_file("index.html"))
        self.assertEqual(r.header("Cache-Control"), "public, no-cache")
        self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertIn("script-src 'self'", r.header("Content-Security-Policy"))

    def test_every_file_is_served_byte_for_byte_with_its_type(self):
        types = {".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8",
                 ".html": "text/html; charset=utf-8", ".svg": "image/svg+xml"}
        seen = 0
        for root, dirs, files in os.walk(WEB):
            # docs/ is the API documentation's (test_openapi.py).
            dirs[:] = [d for d in dirs if not d.startswith(".") and
                       not (root == WEB and d == "docs")]
            for name in files:
                if name.startswith("."):
                    continue
                rel = os.path.relpath(os.path.join(root, name), WEB)
                r = self.page("/" + rel)
                self.assertEqual(r.status, 200, rel)
                self.assertEqual(r.body, web_file(rel), rel)
                ext = os.path.splitext(name)[1]
                if ext in types:
                    self.assertEqual(r.header("Content-Type"), types[ext], rel)
                seen += 1
        self.assertGreater(seen, 10)

    def test_matching_etag_gives_304_and_another_gives_the_file(self):
        r = self.page("/app.css")
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[0-9a-f]{16}"$')
        again = self.page("/app.css", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(again.header("ETag"), etag)
        listed = self.page("/app.css", headers={"If-None-Match": '"x", W/' + etag})
        self.assertEqual(listed.status, 304)
        star = self.page("/app.css", headers={"If-None-Match": "*"})
        self.assertEqual(star.status, 304)
        other = self.page("/app.css", headers={"If-None-Match": '"0000000000000000"'})
        self.assertEqual(other.status, 200)
        self.assertEqual(other.body, web_file("app.css"))

    def test_gzip_when_accepted_decodes_to_the_file(self):
        plain = self.page("/js/app.js")
        r = self.page("/js/app.js", headers={"Accept-Encoding": "br, gzip;q=0.8"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Content-Encoding"), "gzip")
        self.assertEqual(r.header("Vary"), "Accept-Encoding")
        self.assertLess(len(r.body), len(plain.body))
        self.assertEqual(gzip.decompress(r.body), web_file("js/app.js"))
        # The compressed copy is another representation: another tag, and
        # that tag revalidates it.
        self.assertNotEqual(r.header("ETag"), plain.header("ETag"))
        again = self.page("/js/app.js", headers={"Accept-Encoding": "gzip",
                                                 "If-None-Match": r.header("ETag")})
        self.assertEqual(again.status, 304)

    def test_gzip_refused_or_not_asked_gives_plain_bytes(self):
        for ae in (None, "gzip;q=0", "identity", "br", "*;q=0", "gzip;q=0, *"):
            headers = {"Accept-Encoding": ae} if ae else {}
            r = self.page("/js/app.js", headers=headers)
            self.assertIsNone(r.header("Content-Encoding"), ae)
            self.assertEqual(r.body, web_file("js/app.js"), ae)
        star = self.page("/js/app.js", headers={"Accept-Encoding": "*"})
        self.assertEqual(star.header("Content-Encoding"), "gzip")

    def test_page_routes_without_a_file_get_the_page(self):
        index = web_file("index.html")
        for path in ("/jobs", "/jobs/42", "/freelancers/7", "/dashboard",
                     "/signin", "/no/such/place", "/apiary"):
            r = self.page(path)
            self.assertEqual(r.status, 200, path)
            self.assertEqual(r.body, index, path)

    def test_a_missing_file_is_404_json(self):
        for path in ("/missing.js", "/js/nothing.css", "/favicon.ico"):
            r = self.page(path)
            self.assertStatus(r, 404, "not_found")

    def test_api_paths_never_get_the_page(self):
        for path in ("/api", "/api/", "/api/v2/jobs", "/api/v1/freelance/nothing"):
            r = self.page(path)
            self.assertStatus(r, 404, "not_found")
            self.assertTrue(r.header("Content-Type").startswith("application/json"), path)

    def test_head_gives_headers_without_a_body(self):
        r = self.page("/app.css", method="HEAD")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("Content-Length"), str(len(web_file("app.css"))))
        self.assertEqual(r.header("Content-Type"), "text/css; charset=utf-8")

    def test_other_methods_are_405_with_allow(self):
        for path in ("/", "/jobs/42", "/app.css"):
            r = self.page(path, method="POST")
            self.assertStatus(r, 405, "method_not_allowed")
            self.assertEqual(r.header("Allow"), "GET, HEAD")

    def test_operational_routes_are_not_shadowed(self):
        self.assertEqual(self.page("/healthz").status, 200)
        docs = self.page("/docs")
        self.assertEqual(docs.status, 200)
        self.assertNotEqual(docs.body, web_file("index.html"))
        self.assertEqual(self.page("/openapi.json").header("Content-Type")[:16],
                         "application/json")
        r = self.page("/metrics")
        self.assertEqual(r.status, 200)
        self.assertNotEqual(r.body, web_file("index.html"))


if __name__ == "__main__":
    main()
