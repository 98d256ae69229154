"""The benchmark run behind bench/run: seeds (or reuses) the databases,
starts each server on 127.0.0.1, drives it with wrk, and writes
bench/results/<stamp>.json, then the Markdown summary and the plots
(report.py). Every process it starts is stopped by its PID, on success, on
failure and on Ctrl-C."""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

import prepare
import report

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BENCH = os.path.join(ROOT, "bench")
DATA = os.path.join(BENCH, "data")
RESULTS = os.path.join(BENCH, "results")
TMP = os.path.join(RESULTS, "tmp")
BIN = os.path.join(ROOT, "build-bench", "freelance-hub")
PYTHON = "/usr/bin/python3"  # Debian's, which has FastAPI and SQLAlchemy
THREADS = 2                  # wrk threads, as in PERF-ANCHORS.md

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
ENDPOINTS = ("profile", "search", "dashboard", "proposal", "analytics")
SCALE_ENDPOINTS = ("search", "profile", "dashboard", "analytics")

# Limits raised so that one loopback address and 200 users are never
# refused; the limiter itself stays on and is consulted on every request.
RATE_LIMIT = 10_000_000
SERVER_ENV = {
    "HOST": "127.0.0.1",
    "THREADS": "0",
    "LOG_LEVEL": "info",
    "LOG_JSON_FORMAT": "false",
    "RATE_LIMIT_ENABLED": "true",
    "RATE_LIMIT_STANDARD": str(RATE_LIMIT),
    "RATE_LIMIT_SEARCH": str(RATE_LIMIT),
    "RATE_LIMIT_LENIENT": str(RATE_LIMIT),
    "RATE_LIMIT_AUTH": str(RATE_LIMIT),
    "CONNECTION_TIMEOUT_S": "60",
    # The benchmark's sign-ins are made once per seeded database and kept.
    "SESSION_TTL_HOURS": "8760",
}


def log(msg):
    print(f"bench: {msg}", flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


class Procs:
    """The processes this run started, each stopped by its own PID."""

    def __init__(self):
        self.live = []

    def start(self, name, argv, env=None, out=None, cwd=None):
        f = open(out, "ab") if out else subprocess.DEVNULL
        p = subprocess.Popen(argv, env=env, stdout=f,
                             stderr=subprocess.STDOUT, cwd=cwd,
                             start_new_session=True)
        if out:
            f.close()
        self.live.append((name, p))
        return p

    def stop(self, p, sig=signal.SIGTERM, wait=20):
        """Stops p and whatever it spawned: each process was started as the
        leader of its own session, so its group id is its PID, and workers
        (uvicorn's, nginx's) that outlive a killed master still belong to
        that group."""
        if p.poll() is None:
            self._signal_group(p, sig)
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                self._signal_group(p, signal.SIGKILL)
                p.wait()
        self._signal_group(p, signal.SIGKILL)
        self.live = [(n, q) for n, q in self.live if q is not p]

    @staticmethod
    def _signal_group(p, sig):
        try:
            os.killpg(p.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def stop_all(self):
        for _, p in reversed(list(self.live)):
            self.stop(p)


def descendants(pid):
    """pid and every process below it, from /proc."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return out


RSS_FIELDS = {"VmRSS:": "total", "RssAnon:": "anon", "RssFile:": "file"}


def rss_kb(pid):
    """Resident memory of a process tree in KB: total, anon (heap, stacks,
    SQLite's own page cache) and file (mapped files: the database pages
    SQLite reads through mmap, which are the OS page cache)."""
    out = {"total": 0, "anon": 0, "file": 0}
    for p in descendants(pid):
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    key = RSS_FIELDS.get(line.split(" ", 1)[0].split("\t")[0])
                    if key:
                        out[key] += int(line.split()[1])
        except OSError:
            pass
    return out


class RssWatch(threading.Thread):
    """Samples the RSS of a process tree every 200 ms; keeps the peaks."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.halt = pid, threading.Event()
        self.peak = {"total": 0, "anon": 0, "file": 0}

    def run(self):
        while not self.halt.is_set():
            now = rss_kb(self.pid)
            for k, v in now.items():
                self.peak[k] = max(self.peak[k], v)
            self.halt.wait(0.2)

    def finish(self):
        self.halt.set()
        self.join()
        return self.peak


def wait_http(url, proc, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


class Target:
    """A server under test: its name, base URL, root process, a URL that
    answers at once when it is idle, and how to start it again."""

    def __init__(self, kind, base, proc, logfile, settings, probe):
        self.kind, self.base, self.proc = kind, base, proc
        self.logfile, self.settings = logfile, settings
        self.probe = base + probe
        self.starter = None


class Bench:
    def __init__(self, args):
        self.args = args
        self.procs = Procs()
        self.runs = []
        self.pairbase = 0
        self.stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        quick = args.quick
        self.duration = args.duration or (3 if quick else 10)
        self.warmup = 1 if quick else 2
        self.conns = (100,) if quick else (10, 100)
        self.main_size = "10k" if quick else "100k"
        self.scale_sizes = ("10k",) if quick else ("10k", "100k", "1m")
        self.pairs = 60_000 if quick else 400_000
        self.settle_cap = 5 if quick else 10

    # ---- data ----

    def seeded(self, size):
        """The seeded database of size, seeding it when missing."""
        path = os.path.join(DATA, f"jobs-{size}.db")
        if os.path.exists(path):
            return path
        tmp = path + ".part"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.remove(tmp + suffix)
        log(f"seeding {SIZES[size]} jobs into {path} (once; reused later)")
        t0 = time.time()
        subprocess.run([BIN, "seed", "--jobs", str(SIZES[size]),
                        "--seed", "1", "--database-url", "sqlite:" + tmp],
                       check=True, stdout=subprocess.DEVNULL)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                raise RuntimeError(f"{tmp}{suffix} left after seeding")
        os.rename(tmp, path)
        log(f"seeded {size} in {time.time() - t0:.0f} s")
        return path

    def working_copy(self, size):
        """A fresh copy of the seeded database that the run may write."""
        src = self.seeded(size)
        dst = os.path.join(DATA, f"work-{size}.db")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(dst + suffix):
                os.remove(dst + suffix)
        shutil.copyfile(src, dst)
        return dst

    # ---- servers ----

    def start_hub(self, db, cache):
        port = free_port()
        logfile = os.path.join(TMP, f"hub-{port}.log")
        env = dict(os.environ, **SERVER_ENV, PORT=str(port),
                   DATABASE_URL="sqlite:" + db, LOG_FILE=logfile,
                   CACHE_ENABLED="true" if cache else "false")
        p = self.procs.start("freelance-hub", [BIN, "serve"], env=env,
                             out=logfile + ".stderr")
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/readyz", p)
        settings = {k: env[k] for k in SERVER_ENV}
        settings["CACHE_ENABLED"] = env["CACHE_ENABLED"]
        t = Target("hub-cache" if cache else "hub-nocache", base, p,
                   logfile, settings, "/healthz")
        t.starter = lambda: self.start_hub(db, cache)
        return t

    def start_peer(self, db):
        port = free_port()
        logfile = os.path.join(TMP, f"peer-{port}.log")
        workers = os.cpu_count() or 2
        argv = [PYTHON, "-m", "uvicorn", "app:app",
                "--app-dir", os.path.join(BENCH, "peer"),
                "--host", "127.0.0.1", "--port", str(port),
                "--workers", str(workers), "--loop", "uvloop",
                "--http", "httptools", "--log-level", "info"]
        env = dict(os.environ, PEER_DATABASE=db)
        p = self.procs.start("uvicorn", argv, env=env, out=logfile)
        base = f"http://127.0.0.1:{port}"
        wait_http(base + prepare.PREFIX + "/profile/1", p)
        t = Target("peer", base, p, logfile,
                   {"workers": workers, "loop": "uvloop",
                    "http": "httptools", "access_log": "on (to a file)",
                    "pool": "QueuePool 8+32 per worker"}, "/healthz")
        t.starter = lambda: self.start_peer(db)
        return t

    def start_nginx(self, static_file):
        port = free_port()
        root = os.path.join(TMP, "nginx")
        os.makedirs(os.path.join(root, "www"), exist_ok=True)
        shutil.copyfile(static_file, os.path.join(root, "www", "profile.json"))
        conf = os.path.join(root, "nginx.conf")
        workers = os.cpu_count() or 2
        with open(conf, "w") as f:
            f.write(f"""daemon off;
worker_processes {workers};
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {root}/access.log combined buffer=64k;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path {root}/tmp;
    default_type application/json;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
    }}
}}
""")
        p = self.procs.start("nginx", ["nginx", "-c", conf, "-p", root],
                             out=os.path.join(root, "stderr.log"))
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/profile.json", p)
        t = Target("nginx", base, p, os.path.join(root, "access.log"),
                   {"workers": workers, "access_log": "on, buffered",
                    "sendfile": "on"}, "/profile.json")
        t.starter = lambda: self.start_nginx(static_file)
        return t

    def stop(self, target):
        self.procs.stop(target.proc)
        errors = 0
        if target.kind.startswith("hub") and os.path.exists(target.logfile):
            with open(target.logfile, errors="replace") as f:
                errors = sum(1 for line in f if "level=error" in line)
        for path in (target.logfile, target.logfile + ".stderr"):
            if os.path.exists(path) and os.path.getsize(path) > 0:
                if errors or target.kind == "peer":
                    keep = os.path.join(TMP, "last-" + target.kind + ".log")
                    shutil.copyfile(path, keep)
                os.remove(path)
        return errors

    def settle(self, target, cap=None):
        """Waits until target answers its probe at once five times in a row:
        requests that wrk left behind (slow endpoints queue far more than
        the run's length) must not land in the next run. A server still
        busy after cap seconds is restarted."""
        cap = cap or self.settle_cap
        end, fast = time.time() + cap, 0
        while time.time() < end:
            t0 = time.time()
            try:
                urllib.request.urlopen(target.probe, timeout=cap).read()
            except urllib.error.HTTPError:
                pass  # an answer all the same (the peer has no /healthz)
            except OSError:
                fast = -1
            fast = fast + 1 if time.time() - t0 < 0.05 else 0
            if fast >= 5:
                return
            time.sleep(0.05)
        log(f"{target.kind} still busy after {cap} s: restarting it")
        self.restarts += 1
        self.stop(target)
        fresh = target.starter()
        target.__dict__.update(fresh.__dict__)

    # ---- load ----

    def wrk(self, target, endpoint, conns, duration, datadir, path=None):
        """One wrk run; returns its report (see lua/common.lua)."""
        out = os.path.join(TMP, "wrk-out.json")
        if os.path.exists(out):
            os.remove(out)
        env = dict(os.environ, BENCH_LUA=os.path.join(BENCH, "lua"),
                   BENCH_DATA=datadir, BENCH_OUT=out,
                   BENCH_ENDPOINT=endpoint, BENCH_PATH=path or "/",
                   BENCH_PAIRBASE=str(self.pairbase),
                   BENCH_THREADS=str(THREADS))
        argv = ["wrk", f"-t{THREADS}", f"-c{conns}", f"-d{duration}s",
                "--timeout", "30s", "-s",
                os.path.join(BENCH, "lua", "endpoint.lua"), target.base]
        p = subprocess.run(argv, env=env, capture_output=True, text=True,
                           timeout=duration + 60)
        if p.returncode != 0 or not os.path.exists(out):
            raise RuntimeError(f"wrk failed ({p.returncode}): {p.stderr}")
        with open(out) as f:
            rep = json.load(f)
        self.pairbase += rep["pairs_used"]
        return rep

    # LIMITATION: wrk reports only the requests that finished within the
    # run; those still in flight when it stops are neither latencies nor
    # errors. An endpoint slower than the run (uncached analytics from
    # 100,000 jobs) shows 0 req/s and no percentiles rather than its real
    # latency; a longer --duration shows it.
    def measure(self, target, endpoint, conns, size, datadir, group,
                duration=None, path=None):
        duration = duration or self.duration
        self.settle(target)
        if self.warmup:
            self.wrk(target, endpoint, conns, self.warmup, datadir, path)
            self.settle(target)
        load = os.getloadavg()
        watch = RssWatch(target.proc.pid)
        watch.start()
        rep = self.wrk(target, endpoint, conns, duration, datadir, path)
        rss = watch.finish()
        secs = rep["duration_us"] / 1e6
        lat = {k: v / 1000.0 for k, v in rep["latency_us"].items()}
        errs = rep["errors"]
        run = {
            "group": group, "server": target.kind, "endpoint": endpoint,
            "size": size, "conns": conns, "threads": THREADS,
            "duration_s": round(secs, 2), "requests": rep["requests"],
            "rps": round(rep["requests"] / secs, 1) if secs else 0,
            "latency_ms": {k: round(v, 3) for k, v in lat.items()},
            "errors": sum(errs.values()), "errors_by_kind": errs,
            "pairs_exhausted": rep["pairs_exhausted"],
            "rss_peak_kb": rss["total"], "rss_anon_peak_kb": rss["anon"],
            "rss_file_peak_kb": rss["file"], "loadavg_before": [round(x, 2) for x in load],
        }
        self.runs.append(run)
        log(f"{group:8} {target.kind:11} {endpoint:9} {size:>4} c{conns:<3}"
            f" {run['rps']:>9.1f} req/s  p50 {lat['p50']:8.2f} ms"
            f"  p99 {lat['p99']:8.2f} ms  errors {run['errors']}")
        return run

    # ---- the parts of a run ----

    def signed_in(self, size):
        """[(profile_id, token)] of the seeded database of size: made once
        through a server on that file (the sessions live in it, and in every
        working copy made from it), then read from jobs-<size>.tokens."""
        db = self.seeded(size)
        path = os.path.join(DATA, f"jobs-{size}.tokens")
        if os.path.exists(path) and os.path.getmtime(path) >= \
                os.path.getmtime(db):
            with open(path) as f:
                return [(int(a), b) for a, b in
                        (line.split() for line in f if line.strip())]
        hub = self.start_hub(db, cache=False)
        try:
            t0 = time.time()
            signed = prepare.sign_in(db, hub.base, n=200)
            log(f"signed in {len(signed)} freelancers of {size} in "
                f"{time.time() - t0:.1f} s (once)")
        finally:
            self.stop(hub)
        with open(path, "w") as f:
            f.write("".join(f"{p} {t}\n" for p, t in signed))
        return signed

    def prepare_data(self, target, db, size, pairs):
        datadir = os.path.join(TMP, f"data-{size}")
        os.makedirs(datadir, exist_ok=True)
        t0 = time.time()
        signed = self.signed_in(size)
        if not prepare.token_works(target.base, signed[0][1]):
            log(f"the kept sign-ins of {size} are over: signing in again")
            os.remove(os.path.join(DATA, f"jobs-{size}.tokens"))
            signed = prepare.sign_in(db, target.base, n=200)
        made = prepare.prepare(db, target.base, datadir, signed,
                               pairs=pairs)
        log(f"prepared {size}: {made} in {time.time() - t0:.1f} s")
        self.pairbase = 0
        return datadir, made

    def main_comparison(self):
        size = self.main_size
        db = self.working_copy(size)
        settings = {}

        hub = self.start_hub(db, cache=True)
        datadir, made = self.prepare_data(hub, db, size, self.pairs)
        self.made = made
        try:
            settings["hub"] = hub.settings
            for ep in ENDPOINTS:
                for c in self.conns:
                    self.measure(hub, ep, c, size, datadir, "endpoint")
            self.measure(hub, "mix", 100, size, datadir, "mix")
        finally:
            self.errors_logged = self.stop(hub)

        hub = self.start_hub(db, cache=False)
        try:
            for ep in ENDPOINTS:
                for c in self.conns:
                    self.measure(hub, ep, c, size, datadir, "endpoint")
            self.measure(hub, "mix", 100, size, datadir, "mix")
        finally:
            self.errors_logged += self.stop(hub)

        nginx = self.start_nginx(os.path.join(datadir, "profile.json"))
        try:
            settings["nginx"] = nginx.settings
            for c in self.conns:
                self.measure(nginx, "static", c, size, datadir, "ceiling",
                             path="/profile.json")
        finally:
            self.stop(nginx)

        peer = self.start_peer(db)
        try:
            settings["peer"] = peer.settings
            for ep in ENDPOINTS:
                for c in self.conns:
                    self.measure(peer, ep, c, size, datadir, "endpoint")
            self.measure(peer, "mix", 100, size, datadir, "mix")
        finally:
            self.stop(peer)
        return settings

    def scale(self):
        for size in self.scale_sizes:
            db = self.seeded(size)
            hub = self.start_hub(db, cache=False)
            try:
                datadir, _ = self.prepare_data(hub, db, size, 0)
                for ep in SCALE_ENDPOINTS:
                    # Uncached analytics is seconds a call before it is
                    # kept incrementally: two connections, so that its
                    # figures are latencies and not a queue.
                    c = 2 if ep == "analytics" else 10
                    self.measure(hub, ep, c, size, datadir, "scale")
            finally:
                self.errors_logged += self.stop(hub)

    # ---- the report ----

    def machine(self):
        cpu = ""
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f
                            if l.startswith("model name")), "")
        except OSError:
            pass
        mem_kb = 0
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
        return {"cores": os.cpu_count(), "cpu": cpu,
                "memory_gb": round(mem_kb / 1048576, 1),
                "kernel": platform.release(), "os": sh(["sh", "-c",
                ". /etc/os-release && echo $PRETTY_NAME"])}

    def versions(self):
        py = ("import fastapi, sqlalchemy, uvicorn, sqlite3;"
              "print(fastapi.__version__, sqlalchemy.__version__,"
              " uvicorn.__version__, sqlite3.sqlite_version)")
        fa, sa, uv, sq = (sh([PYTHON, "-c", py]).split() + ["?"] * 4)[:4]
        return {
            "freelance_hub": sh(["git", "-C", ROOT, "describe", "--always",
                                 "--dirty"]),
            "wrk": sh(["sh", "-c", "wrk -v 2>&1 | head -1"]).split(" [")[0],
            "nginx": sh(["sh", "-c", "nginx -v 2>&1"]).split(": ")[-1],
            "python": sh([PYTHON, "--version"]), "fastapi": fa,
            "sqlalchemy": sa, "uvicorn": uv, "sqlite_python": sq,
            "libmicrohttpd": sh(["sh", "-c", "dpkg-query -W -f="
                                 "'${Version}' libmicrohttpd12"]),
            "sqlite": sh(["sh", "-c", "dpkg-query -W -f='${Version}'"
                          " libsqlite3-0"]),
        }

    def run(self):
        os.makedirs(TMP, exist_ok=True)
        os.makedirs(DATA, exist_ok=True)
        started = time.time()
        uptime_before = sh(["uptime"])
        versions = self.versions()  # the sources the binary was built from
        log(f"{'quick' if self.args.quick else 'full'} run; machine: "
            f"{uptime_before}")
        self.errors_logged = 0
        self.restarts = 0
        for size in ((self.main_size,) + self.scale_sizes):
            self.signed_in(size)
        settings = self.main_comparison()
        self.scale()
        result = {
            "stamp": self.stamp, "mode": "quick" if self.args.quick
            else "full",
            "machine": self.machine(), "versions": versions,
            "uptime_before": uptime_before, "uptime_after": sh(["uptime"]),
            "wall_s": round(time.time() - started, 1),
            "duration_s": self.duration, "warmup_s": self.warmup,
            "main_size": self.main_size, "data": self.made,
            "settings": settings, "server_error_log_lines":
            self.errors_logged, "restarts": self.restarts,
            "runs": self.runs,
        }
        path = os.path.join(RESULTS, f"{self.stamp}.json")
        with open(path, "w") as f:
            json.dump(result, f, indent=1)
        log(f"wrote {path}")
        report.write(result, RESULTS)
        log(f"done in {time.time() - started:.0f} s")


def main():
    ap = argparse.ArgumentParser(prog="bench/run")
    ap.add_argument("--quick", action="store_true",
                    help="smallest data, 100 connections, 3 s runs")
    ap.add_argument("--duration", type=int, default=0,
                    help="seconds of each measured run")
    args = ap.parse_args()
    bench = Bench(args)

    def on_term(_sig, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)  # even when started with it ignored
    try:
        bench.run()
    except KeyboardInterrupt:
        log("interrupted; stopping what was started")
        return 130
    finally:
        bench.procs.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
