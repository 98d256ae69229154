"""Hostile input found by attacking a running server: each test pins one
fault that was found, so that it stays fixed. Raw bytes go through
raw_http where http.client would refuse to send them."""
import json
import time

from harness import ApiTest, BASE, main, raw_http


def status_of(raw):
    line = raw.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


def json_of(raw):
    """The JSON body of the first response in raw."""
    head, rest = raw.split(b"\r\n\r\n", 1)
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            rest = rest[:int(line.split(b":", 1)[1])]
    return json.loads(rest)


def raw_get(path, extra=b""):
    return (b"GET " + BASE.encode() + path + b" HTTP/1.1\r\nHost: t\r\n" + extra +
            b"Connection: close\r\n\r\n")


class ErrorTextTest(ApiTest):
    """Error messages quote what the client sent; what it sent need not be
    valid UTF-8, and quoting it cut to a length can split a character."""

    def test_unknown_body_member_cut_mid_character_is_422_not_500(self):
        c = self.srv.client()
        name = "a" * 39 + "\u00e9"
        r = self.srv.post("/jobs", {name: 1, "title": "t", "budget_type": "fixed"}, user=c)
        self.assertStatus(r, 422, "validation_failed", name)

    def test_unknown_query_parameter_cut_mid_character_is_422_not_500(self):
        name = "a" * 39 + "\u00e9"
        r = self.srv.get("/jobs/search?" + "a" * 39 + "%C3%A9=1")
        self.assertStatus(r, 422, "validation_failed", name)

    def test_query_parameter_name_of_invalid_utf8_is_refused_not_500(self):
        r = self.srv.get("/jobs/search?%FF%FE=1")
        self.assertStatus(r, 422, "validation_failed")
        self.assertIn("field", r.json["error"])

    def test_method_of_invalid_utf8_is_405_not_500(self):
        raw = raw_http(self.srv.port, b"G\xff" + raw_get(b"/jobs/1")[3:])
        self.assertEqual(status_of(raw), 405, raw[:300])
        self.assertEqual(json_of(raw)["error"]["code"], "method_not_allowed")


class RepeatedHeaderTest(ApiTest):
    """A header that may appear once, given twice, is ambiguous: a proxy in
    front may read the other copy than the server (request smuggling with
    two lengths, one identity seen by the proxy and another by the API)."""

    def post_twice(self, headers, body):
        head = ("POST %s/jobs HTTP/1.1\r\nHost: t\r\n" % BASE).encode()
        return raw_http(self.srv.port, head + headers + b"\r\n" + body +
                        raw_get(b"/categories"))

    def test_two_content_lengths_are_400_and_the_rest_is_not_a_request(self):
        for first, second in ((b"2", b"40"), (b"40", b"2"), (b"2", b"2")):
            raw = self.post_twice(b"Content-Type: application/json\r\n"
                                  b"Content-Length: " + first + b"\r\n"
                                  b"Content-Length: " + second + b"\r\n", b"{}")
            self.assertEqual(status_of(raw), 400, raw[:300])
            self.assertEqual(json_of(raw)["error"]["code"], "malformed_request")
            self.assertEqual(json_of(raw)["error"]["field"], "Content-Length")
            self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)

    def test_two_transfer_encodings_are_400(self):
        raw = self.post_twice(b"Content-Type: application/json\r\n"
                              b"Transfer-Encoding: chunked\r\n"
                              b"Transfer-Encoding: chunked\r\n", b"2\r\n{}\r\n0\r\n\r\n")
        self.assertEqual(status_of(raw), 400, raw[:300])
        self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)

    def test_two_authorization_headers_are_400_not_the_first_identity(self):
        c, f = self.srv.client(), self.srv.freelancer()
        raw = raw_http(self.srv.port, raw_get(
            b"/auth/me", b"Authorization: Bearer " + c.token.encode() + b"\r\n" +
            b"Authorization: Bearer " + f.token.encode() + b"\r\n"))
        self.assertEqual(status_of(raw), 400, raw[:300])
        self.assertEqual(json_of(raw)["error"]["field"], "Authorization")

    def test_two_hosts_or_content_types_are_400(self):
        for twice in (b"Host: a\r\n", b"Content-Type: text/plain\r\n"):
            raw = raw_http(self.srv.port, raw_get(b"/categories", twice + twice))
            self.assertEqual(status_of(raw), 400, (twice, raw[:300]))
        self.assertStatus(self.srv.get("/categories"), 200)


class EncodedPathTest(ApiTest):
    """libmicrohttpd decodes the path before routing: %2F became a segment
    separator and %00 cut the path, so /jobs%2F1 and /dashboard/client%00.css
    were served as /jobs/1 and /dashboard/client. A proxy or cache in front
    sees other paths (an access rule bypassed, a private page cached as a
    static file)."""

    def test_encoded_slash_in_path_is_400_not_another_route(self):
        c = self.srv.client()
        job = self.srv.job(c)
        self.assertStatus(self.srv.get("/jobs/%d" % job["id"]), 200)
        for path in ("/jobs%%2F%d" % job["id"], "/jobs%%2f%d" % job["id"]):
            self.assertStatus(self.srv.get(path), 400, "malformed_request")

    def test_encoded_nul_in_path_is_400_never_the_page_before_it(self):
        c = self.srv.client()
        job = self.srv.job(c)
        r = self.srv.get("/jobs/%d%%00.json" % job["id"])
        self.assertStatus(r, 400, "malformed_request")
        r = self.srv.get("/dashboard/client%00.css", user=c)
        self.assertStatus(r, 400, "malformed_request")
        self.assertNotIn("data", r.json)

    def test_encoded_text_elsewhere_still_decodes(self):
        c = self.srv.client()
        job = self.srv.job(c, skills=["CI/CD"])
        digits = "".join("%%%02X" % ord(ch) for ch in str(job["id"]))
        r = self.assertStatus(self.srv.get("/jobs/" + digits), 200)
        self.assertEqual(r.data["id"], job["id"])
        r = self.assertStatus(self.srv.get("/jobs/search?skill=CI%2FCD"), 200)
        self.assertEqual([j["id"] for j in r.items], [job["id"]])
        self.assertStatus(self.srv.get("/jobs/search?q=a%00b"), 400, "malformed_request", "q")


class SearchTextCostTest(ApiTest):
    """Each word of q is one more phrase that every matching job is checked
    and ranked against: 100 copies of a common word cost about fifty times
    one copy, a cheap request pinning a worker on a large marketplace.
    Repeats now count once, and more than 16 distinct words are refused."""

    def test_search_text_of_more_than_16_distinct_words_is_422_naming_q(self):
        c = self.srv.client()
        words = ["w%02d" % i for i in range(1, 18)]
        job = self.srv.job(c, title=" ".join(words[:16]))
        for sort in ("relevance", "newest"):
            r = self.srv.get("/jobs/search?sort=%s&q=%s" % (sort, "+".join(words)))
            self.assertStatus(r, 422, "validation_failed", "q")
            r = self.srv.get("/jobs/search?sort=%s&q=%s" % (sort, "+".join(words[:16])))
            self.assertStatus(r, 200)
            self.assertEqual([j["id"] for j in r.items], [job["id"]])

    def test_repeated_words_count_once_and_find_what_one_finds(self):
        c = self.srv.client()
        job = self.srv.job(c, title="Go developer")
        self.srv.job(c, title="Python developer")
        q = "+".join(["go", "Go", "go,", "(GO)", "go."] * 10)
        for sort in ("relevance", "newest"):
            r = self.assertStatus(self.srv.get("/jobs/search?sort=%s&q=%s" % (sort, q)), 200)
            self.assertEqual([j["id"] for j in r.items], [job["id"]])

    def test_words_without_letters_do_not_count(self):
        q = "+".join(["w%02d" % i for i in range(16)] + ["-"] * 20 + ["%22"] * 5)
        self.assertStatus(self.srv.get("/jobs/search?q=" + q), 200)

class JsonLogTest(ApiTest):
    """A method or parameter name of bytes that are not UTF-8 went into the
    log as it was, so a JSON log line no longer parsed."""
    server_env = {"LOG_JSON_FORMAT": "true", "LOG_LEVEL": "debug"}

    def test_log_lines_stay_json_whatever_the_client_sends(self):
        for req in (b"G\xff\xfe" + raw_get(b"/jobs/1")[3:],
                    raw_get(b"/jobs/search?%FF=1"),
                    b"G\x7f" + raw_get(b"/categories")[3:]):
            raw_http(self.srv.port, req)
        self.assertStatus(self.srv.get("/categories"), 200)
        with open(self.srv.log_path, "rb") as f:
            lines = f.read().splitlines()
        self.assertGreater(len(lines), 3)
        for line in lines:
            json.loads(line)


class TransferEncodingTest(ApiTest):
    """libmicrohttpd decodes only a Transfer-Encoding of exactly "chunked";
    any other value (gzip, "gzip, chunked", identity, "chunked " with a
    trailing blank) left the body length unknown, so the server read until
    the client closed and never answered, and a proxy that did decode the
    body would find its next request swallowed."""
    server_env = {"CONNECTION_TIMEOUT_S": "20"}

    def test_transfer_encoding_other_than_chunked_is_400_at_once(self):
        c = self.srv.client()
        for te in (b"identity", b"gzip", b"gzip, chunked", b"chunked, identity",
                   b"chunked ", b"xchunked"):
            start = time.time()
            raw = raw_http(self.srv.port, (
                "POST %s/jobs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\n" % (BASE, c.token)).encode() +
                b"Transfer-Encoding: " + te + b"\r\n\r\n2\r\n{}\r\n0\r\n\r\n" +
                raw_get(b"/categories"), read_timeout=10)
            self.assertLess(time.time() - start, 5, te)
            self.assertEqual(status_of(raw), 400, (te, raw[:300]))
            self.assertEqual(json_of(raw)["error"]["field"], "Transfer-Encoding")
            self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)

    def test_chunked_in_any_case_is_read(self):
        c = self.srv.client()
        for te in (b"chunked", b"Chunked", b"CHUNKED"):
            body = json.dumps({"title": "t", "budget_type": "fixed"}).encode()
            raw = raw_http(self.srv.port, (
                "POST %s/jobs HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
                "Content-Type: application/json\r\nConnection: close\r\n" % (BASE, c.token)
            ).encode() + b"Transfer-Encoding: " + te + b"\r\n\r\n" +
                b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
            self.assertEqual(status_of(raw), 201, (te, raw[:300]))


class MalformedHeaderTest(ApiTest):
    """libmicrohttpd kept "Content-Length : 2" (a blank before the colon) as
    a header named "Content-Length ", and "X: a<CR>Content-Length: 2" as one
    header X: the body went unread and its bytes were parsed as the next
    request, while a proxy in front reading them otherwise would take them
    as the body. RFC 9112 and 9110 make such requests a 400."""

    def test_blank_before_the_colon_is_400_and_the_body_is_no_request(self):
        for header, body in ((b"Content-Length : 2", b"{}"),
                             (b"Content-Length\t: 2", b"{}"),
                             (b"Transfer-Encoding : chunked", b"2\r\n{}\r\n0\r\n\r\n"),
                             (b"X-A: a\rContent-Length: 2", b"{}")):
            raw = raw_http(self.srv.port, (
                "POST %s/jobs HTTP/1.1\r\nHost: t\r\n"
                "Content-Type: application/json\r\n" % BASE).encode() +
                header + b"\r\n\r\n" + body + raw_get(b"/categories"))
            self.assertEqual(status_of(raw), 400, (header, raw[:300]))
            self.assertEqual(json_of(raw)["error"]["code"], "malformed_request")
            self.assertEqual(raw.count(b"HTTP/1.1 "), 1, raw)

    def test_header_name_not_a_token_or_value_with_control_bytes_is_400(self):
        for header in (b"Bad Header: 1", b"X-A\x01: 1", b"X-\xc3\xa9: 1",
                       b"X-A: a\x1bb", b"X-A: a\x7f"):
            raw = raw_http(self.srv.port, raw_get(b"/categories", header + b"\r\n"))
            self.assertEqual(status_of(raw), 400, (header, raw[:300]))
        raw = raw_http(self.srv.port, raw_get(
            b"/categories", b"X-Odd_But.Fine!#$%&'*+^`|~: 1\t2 \xc3\xa9\r\n"))
        self.assertEqual(status_of(raw), 200, raw[:300])


if __name__ == "__main__":
    main()
