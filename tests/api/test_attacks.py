"""Hostile input found by attacking a running server: each test pins one
fault that was found, so that it stays fixed. Raw bytes go through
raw_http where http.client would refuse to send them."""
import json

from harness import ApiTest, BASE, main, raw_http


def status_of(raw):
    line = raw.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


def json_of(raw):
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


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


if __name__ == "__main__":
    main()
