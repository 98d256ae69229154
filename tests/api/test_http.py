"""The HTTP layer: routing, methods, HEAD, keep-alive, request ids, body
limits (chunked included), content types and malformed JSON."""
import json
import os
import socket
import threading
import time

from harness import ApiTest, BASE, Server, main, raw_http

ROUTES_GET = ["/categories", "/skills", "/profile/1", "/jobs/search",
              "/dashboard/freelancer", "/analytics/marketplace"]


def status_of(raw):
    line = raw.split(b"\r\n", 1)[0]
    return int(line.split()[1]) if line.startswith(b"HTTP/1.1 ") else None


def body_of(raw):
    return raw.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in raw else b""


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RoutingTest(ApiTest):
    server_env = {"MAX_BODY_BYTES": "65536"}

    def test_unknown_route_is_404_json(self):
        for path in ("/nope", "/jobs/1/nope", "/profile", "/"):
            self.assertStatus(self.srv.get(path), 404, "not_found")
        # Outside /api a path belongs to the web page (test_web.py).
        r = self.srv.request("GET", "/api/definitely/not/here", base=False)
        self.assertStatus(r, 404, "not_found")

    def test_wrong_method_is_405_with_exact_allow(self):
        cases = {
            "/profile/1": ("PUT", "DELETE", "POST"),
            "/jobs/search": ("PUT", "DELETE", "PATCH", "POST"),
            "/dashboard/freelancer": ("PUT", "DELETE", "PATCH", "POST"),
            "/analytics/marketplace": ("PUT", "DELETE", "PATCH", "POST"),
        }
        allow = {"/profile/1": "GET, PATCH, HEAD"}
        for path, methods in cases.items():
            for m in methods:
                r = self.srv.request(m, path)
                self.assertStatus(r, 405, "method_not_allowed")
                self.assertEqual(r.header("allow"), allow.get(path, "GET, HEAD"), (m, path))
        for m in ("GET", "PUT", "HEAD"):
            r = self.srv.request(m, "/proposals/create")
            self.assertEqual(r.status, 405)
            self.assertEqual(r.header("allow"), "POST")

    def test_unknown_and_lowercase_methods_are_405_never_a_hang(self):
        for m in (b"FOO", b"get"):
            raw = raw_http(self.srv.port, m + b" " + BASE.encode() +
                           b"/categories HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            self.assertEqual(status_of(raw), 405, raw)
            self.assertEqual(json.loads(body_of(raw))["error"]["code"],
                             "method_not_allowed")

    def test_allowed_methods_in_allow_all_work(self):
        r = self.srv.request("DELETE", "/categories")
        for m in r.header("allow").split(", "):
            self.assertNotEqual(self.srv.request(m, "/categories").status, 405, m)

    def test_head_matches_get_without_body(self):
        get = self.srv.get("/categories?page_size=5")
        head = self.srv.request("HEAD", "/categories?page_size=5")
        self.assertEqual(head.status, get.status)
        self.assertEqual(head.body, b"")
        self.assertEqual(head.header("content-length"), str(len(get.body)))
        self.assertEqual(head.header("content-type"), get.header("content-type"))

    def test_query_name_that_is_not_utf8_gets_json_not_500(self):
        raw = raw_http(self.srv.port, b"GET " + BASE.encode() +
                       b"/jobs/1?F\x92x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        self.assertEqual(status_of(raw), 422, raw)
        err = json.loads(body_of(raw))["error"]
        self.assertEqual(err["field"], "F?x")

    def test_port_in_use_is_refused_not_shared(self):
        import subprocess
        from harness import BIN
        other = Server(env={"PORT": str(self.srv.port)})
        try:
            p = subprocess.run([BIN, "serve"], env=other.env, capture_output=True,
                               timeout=20)
            self.assertNotEqual(p.returncode, 0)
        except subprocess.TimeoutExpired:
            self.fail("a second server bound the port already in use")
        finally:
            other.cleanup()

    def test_path_id_not_a_positive_integer_is_400(self):
        for bad in ("0", "-1", "abc", "1.5", "99999999999999999999", "1e3", "%20"):
            r = self.srv.get("/profile/" + bad)
            self.assertStatus(r, 400, "malformed_request", "id")


class KeepAliveTest(ApiTest):
    def test_several_requests_share_one_connection(self):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        try:
            f = s.makefile("rb")
            for i in range(5):
                s.sendall(("GET %s/categories HTTP/1.1\r\nHost: t\r\n\r\n" % BASE).encode())
                status = f.readline()
                self.assertIn(b" 200 ", status)
                length = None
                while True:
                    line = f.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode().partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    self.assertNotEqual((name.lower(), value.strip().lower()),
                                        ("connection", "close"))
                f.read(length)
        finally:
            s.close()

    def test_pipelined_requests_all_answered(self):
        req = ("GET %s/categories HTTP/1.1\r\nHost: t\r\n\r\n" % BASE).encode()
        last = ("GET %s/skills HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % BASE).encode()
        raw = raw_http(self.srv.port, req * 3 + last)
        self.assertEqual(raw.count(b"HTTP/1.1 200"), 4)


class RequestIdTest(ApiTest):
    def test_sane_request_id_is_echoed(self):
        r = self.srv.get("/categories", headers={"X-Request-Id": "abc-123_X.y"})
        self.assertEqual(r.header("x-request-id"), "abc-123_X.y")

    def test_insane_request_id_is_replaced(self):
        for bad in ("a b", "x" * 65, "<script>", "a\"b"):
            r = self.srv.get("/nope", headers={"X-Request-Id": bad})
            rid = r.header("x-request-id")
            self.assertNotEqual(rid, bad)
            self.assertRegex(rid, r"^[0-9a-f]{16}$")
            self.assertEqual(r.json["request_id"], rid)

    def test_generated_ids_differ(self):
        ids = {self.srv.get("/categories").header("x-request-id") for _ in range(20)}
        self.assertEqual(len(ids), 20)


class BodyTest(ApiTest):
    server_env = {"MAX_BODY_BYTES": "65536", "CONNECTION_TIMEOUT_S": "3"}
    LIMIT = 65536

    def post_raw(self, head, body=b"", timeout=10):
        return raw_http(self.srv.port, head + body, read_timeout=timeout)

    def head(self, extra, path="/jobs"):
        return ("POST %s%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n%s\r\n"
                % (BASE, path, extra)).encode()

    def test_not_json_content_type_is_415(self):
        r = self.srv.post("/jobs", raw=b'{"title":"x"}', headers={"Content-Type": "text/plain"})
        self.assertStatus(r, 415, "unsupported_media_type")
        r = self.srv.post("/jobs", raw=b'{"title":"x"}')
        self.assertStatus(r, 415)

    def test_malformed_json_is_400_with_position(self):
        for raw in (b"{", b"{bad}", b"[1,", b'{"a":1,}', b"nul", b'{"a":"\xff"}',
                    b'{"a":"x\\u0000y"}', b'{"a":1,"a":2}', b"\x00"):
            r = self.srv.post("/jobs", raw=raw, headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400)
            self.assertIn(r.json["error"]["code"], ("malformed_json", "malformed_request"))

    def test_body_must_be_an_object(self):
        for raw in (b"[]", b"1", b'"x"', b"null", b"true"):
            r = self.srv.post("/jobs", raw=raw, headers={"Content-Type": "application/json"})
            self.assertStatus(r, 400, "malformed_request")

    def test_content_length_over_limit_is_413_before_reading(self):
        raw = self.post_raw(self.head("Content-Type: application/json\r\n"
                                      "Content-Length: 99999999999\r\n"), b"{}")
        self.assertEqual(status_of(raw), 413, raw)
        self.assertEqual(json.loads(body_of(raw))["error"]["code"], "payload_too_large")

    def test_chunked_body_over_limit_is_413_and_memory_stays_bounded(self):
        before = rss_kb(self.srv.proc.pid)
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=20)
        s.sendall(self.head("Content-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n"))
        chunk = b"1000\r\n" + b"a" * 4096 + b"\r\n"
        s.sendall(b"11\r\n" + b'{"cover_letter":"' + b"\r\n")
        sent = 0
        try:
            while sent < 64 << 20:
                s.sendall(chunk * 64)
                sent += 4096 * 64
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                raw += b
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        self.assertEqual(status_of(raw), 413, raw[:200])
        grown = rss_kb(self.srv.proc.pid) - before
        self.assertLess(grown, 16 * 1024, "RSS grew by %d KiB" % grown)
        # Other clients are served all along.
        self.assertStatus(self.srv.get("/categories"), 200)

    def test_exact_limit_body_in_chunks_is_not_413(self):
        pad = self.LIMIT - len(b'{"title":""}')
        body = b'{"title":"' + b"a" * pad + b'"}'
        self.assertEqual(len(body), self.LIMIT)
        third = len(body) // 3
        parts = [body[:third], body[third:2 * third], body[2 * third:]]
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"
        raw = self.post_raw(self.head("Content-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n"), chunked)
        self.assertNotEqual(status_of(raw), 413, raw[:300])
        self.assertIsNotNone(status_of(raw))
        one_more = b'{"title":"' + b"a" * (pad + 1) + b'"}'
        raw = self.post_raw(self.head("Content-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n"),
                            b"%x\r\n%s\r\n0\r\n\r\n" % (len(one_more), one_more))
        self.assertEqual(status_of(raw), 413, raw[:300])

    def test_malformed_chunk_framing_is_400(self):
        raw = self.post_raw(self.head("Content-Type: application/json\r\n"
                                      "Transfer-Encoding: chunked\r\n"),
                            b"zz\r\nabc\r\n0\r\n\r\n")
        self.assertEqual(status_of(raw), 400, raw)

    def test_both_length_headers_is_400(self):
        raw = self.post_raw(self.head("Content-Type: application/json\r\n"
                                      "Content-Length: 10\r\nTransfer-Encoding: chunked\r\n"),
                            b"5\r\nhello\r\n0\r\n\r\n")
        self.assertEqual(status_of(raw), 400, raw)
        self.assertEqual(json.loads(body_of(raw))["error"]["code"], "malformed_request")

    def test_short_body_then_close_never_hangs(self):
        # The connection ends by the read timeout (CONNECTION_TIMEOUT_S=3)
        # at the latest, and other clients are served meanwhile.
        t = time.time()
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=10)
        s.sendall(self.head("Content-Type: application/json\r\nContent-Length: 1000\r\n") + b"{}")
        s.shutdown(socket.SHUT_WR)
        self.assertStatus(self.srv.get("/categories"), 200)
        try:
            s.recv(1024)
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        self.assertLess(time.time() - t, 6)
        self.assertStatus(self.srv.get("/categories"), 200)

    def test_extra_bytes_after_content_length_are_not_a_second_request(self):
        # The 10 declared bytes are the body; what follows is parsed as the
        # next request and, being garbage, refused and closed.
        raw = raw_http(self.srv.port,
                       ("POST %s/jobs HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        "Content-Length: 10\r\n\r\n" % BASE).encode() +
                       b'{"a":1234}' + b"a" * 100000)
        self.assertEqual(raw.count(b"HTTP/1.1 2"), 0)

    def test_oversize_body_to_get_route_and_unknown_path_is_refused(self):
        big = b"a" * (self.LIMIT + 10)
        for path in ("/categories", "/nope"):
            raw = raw_http(self.srv.port,
                           ("GET %s%s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                            "Content-Length: %d\r\n\r\n" % (BASE, path, len(big))).encode() + big)
            self.assertIn(status_of(raw), (404, 413), raw[:200])


class ShutdownTest(ApiTest):
    def test_sigterm_under_load_cuts_no_request_off(self):
        import http.client
        import signal
        srv = Server().start()
        try:
            stop = threading.Event()
            results = {"ok": 0, "bad": []}
            lock = threading.Lock()

            def worker():
                conn = None
                while not stop.is_set():
                    try:
                        if conn is None:
                            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
                        conn.request("GET", BASE + "/categories")
                        r = conn.getresponse()
                        body = r.read()
                        json.loads(body)
                        with lock:
                            results["ok"] += 1
                        if r.will_close:
                            conn.close()
                            conn = None
                    except (ConnectionRefusedError, http.client.RemoteDisconnected,
                            BrokenPipeError, ConnectionResetError):
                        # Refused or closed between requests: nothing was cut.
                        if conn:
                            conn.close()
                        conn = None
                        if srv.proc.poll() is not None:
                            return
                    except Exception as e:  # a partial answer would land here
                        with lock:
                            results["bad"].append(repr(e))
                        return

            threads = [threading.Thread(target=worker) for _ in range(8)]
            for t in threads:
                t.start()
            time.sleep(1.0)
            srv.proc.send_signal(signal.SIGTERM)
            code = srv.proc.wait(15)
            stop.set()
            for t in threads:
                t.join(10)
            self.assertEqual(code, 0)
            self.assertEqual(results["bad"], [])
            self.assertGreater(results["ok"], 100)
            self.assertIn("msg=stopped", srv.log())
        finally:
            srv.cleanup()


if __name__ == "__main__":
    main()
