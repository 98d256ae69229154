#!/usr/bin/env python3
"""The checks of scripts/scale-out: writes through one instance are never
followed by a stale read through the other or through the load balancer,
and the rate limits are shared between the instances.

    scale-out-check.py --a PORT --b PORT --lb PORT [--rounds N]

Each round changes a job's title through one instance (alternately A and
B), after reading the job and a search for the coming title through the
other instance and through nginx so that their caches hold the old
answers; then it reads both again and fails on any old title. Exits 1 on a
stale read or an unexpected status, printing the first few."""
import argparse
import http.client
import json
import os
import sys
import time

BASE = "/api/v1/freelance"


class Endpoint:
    """One kept-alive connection to 127.0.0.1:port; name is for messages."""

    def __init__(self, name, port, client_ip):
        self.name = name
        self.port = port
        self.client_ip = client_ip  # sent as X-Forwarded-For
        self.conn = None

    def call(self, method, path, body=None, token=None, client_ip=None):
        headers = {"X-Forwarded-For": client_ip or self.client_ip}
        raw = None
        if body is not None:
            raw = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                       timeout=30)
            try:
                self.conn.request(method, BASE + path, body=raw, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                return r.status, (json.loads(data) if data else None)
            except (http.client.RemoteDisconnected, ConnectionResetError,
                    BrokenPipeError, http.client.CannotSendRequest):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")


class Failures:
    def __init__(self):
        self.items = []

    def add(self, what):
        self.items.append(what)
        if len(self.items) <= 10:
            print("scale-out-check: " + what, file=sys.stderr)


def expect(fails, status, body, want, what):
    if status != want:
        fails.add("%s: status %d, wanted %d: %s" % (what, status, want,
                                                     json.dumps(body)[:300]))
        return False
    return True


def sign_up(a, tag):
    email = "scale-%s-%d@example.test" % (tag, os.getpid())
    password = "scale-out-password"
    status, body = a.call("POST", "/auth/register", {
        "email": email, "password": password, "name": "Scale " + tag,
        "role": "client"})
    if status != 201:
        raise SystemExit("scale-out-check: register failed: %d %s" % (status, body))
    status, body = a.call("POST", "/auth/login",
                          {"email": email, "password": password})
    if status != 200:
        raise SystemExit("scale-out-check: login failed: %d %s" % (status, body))
    return body["data"]["token"]


def read_title(ep, job_id, fails, where):
    status, body = ep.call("GET", "/jobs/%d" % job_id)
    if expect(fails, status, body, 200, where):
        return body["data"]["title"]
    return None


def search_ids(ep, word, fails, where):
    status, body = ep.call("GET", "/jobs/search?q=%s&page_size=5" % word)
    if expect(fails, status, body, 200, where):
        return [item["id"] for item in body["items"]]
    return None


def rounds_check(a, b, lb, rounds, fails):
    """Round i writes through one instance and reads through the other
    and through nginx; returns how many reads were checked."""
    token = sign_up(a, "writer")
    status, body = a.call("POST", "/jobs", {
        "title": "Scale check start", "description": "Written by scale-out.",
        "budget_type": "fixed", "budget_min_cents": 10000,
        "budget_max_cents": 20000}, token=token)
    if not expect(fails, status, body, 201, "create job"):
        return 0
    job_id = body["data"]["id"]
    checked = 0
    for i in range(rounds):
        writer, reader = (a, b) if i % 2 == 0 else (b, a)
        word = "scalecheck%dr%d" % (os.getpid(), i)
        title = "Scale check %s" % word
        # Fill the readers' caches with the answers the write makes old.
        for ep in (reader, lb):
            read_title(ep, job_id, fails, "warm %s" % ep.name)
            search_ids(ep, word, fails, "warm search %s" % ep.name)
        status, body = writer.call("PATCH", "/jobs/%d" % job_id,
                                   {"title": title}, token=token)
        if not expect(fails, status, body, 200,
                      "round %d: PATCH via %s" % (i, writer.name)):
            continue
        for ep in (reader, lb, reader):
            got = read_title(ep, job_id, fails, "read %s" % ep.name)
            if got is not None and got != title:
                fails.add("round %d: stale title via %s after a write via %s:"
                          " %r, wanted %r" % (i, ep.name, writer.name, got, title))
            ids = search_ids(ep, word, fails, "search %s" % ep.name)
            if ids is not None and ids != [job_id]:
                fails.add("round %d: stale search via %s after a write via %s:"
                          " %r, wanted [%d]" % (i, ep.name, writer.name, ids,
                                                job_id))
            checked += 2
    return checked


def rate_limit_check(a, b, fails):
    """The auth tier allows 5 attempts per client: three through each
    instance make six, and the sixth is refused only when both instances
    count in the same (Redis) buckets."""
    ip = "203.0.113.%d" % (os.getpid() % 200 + 20)
    statuses = []
    for i in range(6):
        ep = a if i % 2 == 0 else b
        status, _ = ep.call("POST", "/auth/login", {
            "email": "nobody-%d@example.test" % i, "password": "wrong-password"},
            client_ip=ip)
        statuses.append(status)
    if 429 in statuses[:5] or statuses[5] != 429:
        fails.add("rate limits are not shared: login statuses %r, wanted five"
                  " refusals of the password and then 429" % statuses)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", type=int, required=True)
    ap.add_argument("--b", type=int, required=True)
    ap.add_argument("--lb", type=int, required=True)
    ap.add_argument("--rounds", type=int, default=100)
    args = ap.parse_args()
    ip = "198.51.100.%d" % (os.getpid() % 200 + 20)
    a = Endpoint("instance A", args.a, ip)
    b = Endpoint("instance B", args.b, ip)
    lb = Endpoint("nginx", args.lb, ip)
    fails = Failures()
    started = time.time()
    checked = rounds_check(a, b, lb, args.rounds, fails)
    rate_limit_check(a, b, fails)
    print("scale-out-check: %d rounds, %d reads checked in %.1f s, %d failures"
          % (args.rounds, checked, time.time() - started, len(fails.items)),
          file=sys.stderr)
    sys.exit(1 if fails.items else 0)


if __name__ == "__main__":
    main()
