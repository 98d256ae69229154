"""Turns one run's JSON (bench/results/<stamp>.json) into its Markdown
summary and its plots: <stamp>.md, <stamp>-latency.png, <stamp>-scale.png,
and copies named latest.* that the README shows. Also runs on its own:
    python3 bench/lib/report.py bench/results/<stamp>.json"""

import json
import os
import shutil
import subprocess
import sys

SERVERS = {"hub-cache": "freelance-hub, cache on",
           "hub-nocache": "freelance-hub, cache off",
           "peer": "FastAPI + SQLAlchemy",
           "nginx": "nginx, static file"}
ENDPOINT_NAMES = {
    "profile": "GET /profile/{id}", "search": "GET /jobs/search",
    "dashboard": "GET /dashboard/freelancer",
    "proposal": "POST /proposals/create",
    "analytics": "GET /analytics/marketplace",
    "mix": "mix", "static": "GET /profile.json"}
ORIGINAL_AFTER, ORIGINAL_BEFORE = 420, 85
PERCENTILES = ("p50", "p90", "p95", "p99", "p999")
# Runs before the split of anonymous and mapped memory recorded the total.
RSS_LABEL = ["anon RSS MB"]


def find(runs, **kw):
    for r in runs:
        if all(r.get(k) == v for k, v in kw.items()):
            return r
    return None


def ms(x):
    if x is None:
        return "-"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def rate(x):
    return f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def ratio(a, b):
    if not a or not b:
        return "-"
    return f"{a / b:,.1f}x" if a / b < 100 else f"{a / b:,.0f}x"


def lat(run, key):
    if run is None or run["requests"] == 0:
        return None
    return run["latency_ms"][key]


def row(run):
    """Figures of one run as table cells (a run with no answer shows
    dashes)."""
    if run is None:
        return ["-"] * 7
    if run["requests"] == 0:
        return ["0", "-", "-", "-", "-", str(run["errors"]),
                f"{run.get('rss_anon_peak_kb', run['rss_peak_kb']) / 1024:.0f}"]
    return [rate(run["rps"]), ms(lat(run, "mean")), ms(lat(run, "p50")),
            ms(lat(run, "p95")), ms(lat(run, "p99")), f"{run['errors']:,}",
            f"{run.get('rss_anon_peak_kb', run['rss_peak_kb']) / 1024:.0f}"]


def table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i == 0 else "---:"
                          for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def endpoint_section(res, runs):
    size = res["main_size"]
    conns = sorted({r["conns"] for r in runs if r["group"] == "endpoint"})
    out = []
    for c in conns:
        rows = []
        for ep in ("profile", "search", "dashboard", "proposal", "analytics"):
            peer = find(runs, group="endpoint", server="peer", endpoint=ep,
                        conns=c)
            for srv in ("hub-cache", "hub-nocache", "peer"):
                r = find(runs, group="endpoint", server=srv, endpoint=ep,
                         conns=c)
                vs = ratio(r and r["rps"], peer and peer["rps"]) \
                    if srv != "peer" else ""
                rows.append([ENDPOINT_NAMES[ep] if srv == "hub-cache"
                             else "", SERVERS[srv]] + row(r) + [vs])
        out.append(f"### {c} connections, {size} jobs\n\n" + table(
            ["endpoint", "server", "req/s", "avg ms", "p50 ms", "p95 ms",
             "p99 ms", "errors", RSS_LABEL[0], "x peer"], rows))
    return "\n\n".join(out)


def ceiling_section(runs):
    rows = []
    for r in sorted((r for r in runs if r["group"] == "ceiling"),
                    key=lambda r: r["conns"]):
        hub = find(runs, group="endpoint", server="hub-cache",
                   endpoint="profile", conns=r["conns"])
        rows.append([f"{r['conns']}", rate(r["rps"]), ms(lat(r, "p50")),
                     ms(lat(r, "p99")), hub and rate(hub["rps"]),
                     ms(lat(hub, "p50")), ms(lat(hub, "p99")),
                     ratio(hub and hub["rps"], r["rps"])])
    return table(["conns", "nginx req/s", "nginx p50", "nginx p99",
                  "cached profile req/s", "p50", "p99", "ratio"], rows)


def mix_section(runs):
    rows = []
    for srv in ("hub-cache", "hub-nocache", "peer"):
        r = find(runs, group="mix", server=srv)
        if r:
            rows.append([SERVERS[srv]] + row(r) + [
                ratio(r["rps"], ORIGINAL_AFTER),
                ratio(r["rps"], ORIGINAL_BEFORE)])
    return table(["server", "req/s", "avg ms", "p50 ms", "p95 ms", "p99 ms",
                  "errors", RSS_LABEL[0], "x 420 req/s", "x 85 req/s"], rows)


def scale_section(runs):
    rows = []
    for ep in ("search", "profile", "dashboard", "analytics"):
        for r in (r for r in runs if r["group"] == "scale" and
                  r["endpoint"] == ep):
            rows.append([ENDPOINT_NAMES[ep], r["size"], r["conns"]] +
                        row(r))
    return table(["endpoint", "jobs", "conns", "req/s", "avg ms", "p50 ms",
                  "p95 ms", "p99 ms", "errors", RSS_LABEL[0]], rows)


def verdict(ok, missed):
    return "met" if ok else f"**missed**: {missed}"


def targets_section(res, runs):
    rows = []
    top = max((r["conns"] for r in runs if r["group"] == "endpoint"),
              default=100)
    ng = find(runs, group="ceiling", conns=top)
    hub = find(runs, group="endpoint", server="hub-cache",
               endpoint="profile", conns=top)
    if ng and hub:
        q = hub["rps"] / ng["rps"] if ng["rps"] else 0
        rows.append([f"cached GET >= nginx, {top} conns", f"{q:.2f}x nginx",
                     verdict(q >= 1.0, f"{(1 - q) * 100:.1f}% short")])
        p99h, p99n = lat(hub, "p99"), lat(ng, "p99")
        rows.append(["cached GET p99 <= nginx p99",
                     f"{ms(p99h)} vs {ms(p99n)} ms",
                     verdict(p99h is not None and p99h <= p99n,
                             f"{ms(p99h)} ms, {p99h / p99n:.1f}x nginx's"
                             if p99h else "no answer")])
    for ep in ("profile", "search", "dashboard", "proposal", "analytics"):
        h = find(runs, group="endpoint", server="hub-nocache", endpoint=ep,
                 conns=top)
        p = find(runs, group="endpoint", server="peer", endpoint=ep,
                 conns=top)
        if not (h and p):
            continue
        name = f"uncached {ENDPOINT_NAMES[ep]} >= 50x peer"
        if not p["requests"]:
            rows.append([name, f"{rate(h['rps'])} req/s; the peer answered"
                         " none in the run", "not measured: **the peer "
                         "answered nothing**" if h["requests"] else
                         "not measured: **neither answered**"])
            continue
        q = h["rps"] / p["rps"]
        rows.append([name, f"{q:,.1f}x",
                     verdict(q >= 50, f"{q:.1f}x of 50x ({50 / q:.1f}x "
                             "more needed)" if q else "no answers")])
    m = find(runs, group="mix", server="hub-cache")
    if m:
        ok = m["errors"] == 0 and m["rps"] >= 100 * ORIGINAL_AFTER
        rows.append(["mix, 100 conns: 0 errors, >= 42,000 req/s",
                     f"{rate(m['rps'])} req/s, {m['errors']} errors",
                     verdict(ok, f"{m['rps'] / 42000 * 100:.2g}% of the "
                             f"rate, {m['errors']} errors")])
    limits = {"search": 10, "dashboard": 5, "analytics": 5}
    for ep, limit in limits.items():
        r = find(runs, group="scale", endpoint=ep, size="1m")
        if r:
            p99 = lat(r, "p99")
            rows.append([f"1M jobs: {ENDPOINT_NAMES[ep]} p99 < {limit} ms",
                         f"{ms(p99)} ms" if p99 else "no answer in the run",
                         verdict(p99 is not None and p99 < limit,
                                 f"{p99 / limit:.1f}x the limit" if p99
                                 else "no answer")])
    for ep in ("search", "profile", "dashboard", "analytics"):
        small = find(runs, group="scale", endpoint=ep, size="10k")
        big = find(runs, group="scale", endpoint=ep, size="1m")
        if small and big:
            a, b = lat(small, "p50"), lat(big, "p50")
            ok = a is not None and b is not None and b < 2 * a
            rows.append([f"{ENDPOINT_NAMES[ep]} p50 at 1M < 2x at 10k",
                         f"{ms(b)} vs {ms(a)} ms",
                         verdict(ok, f"{b / a:.1f}x" if a and b
                                 else "no answer")])
    hubs = [r for r in runs if r["server"].startswith("hub")]
    if hubs and "rss_anon_peak_kb" in hubs[0]:
        anon = max(r["rss_anon_peak_kb"] for r in hubs)
        mapped = max(r["rss_file_peak_kb"] for r in hubs)
        rows.append(["server RSS under load < 200 MB + the database's page "
                     "cache", f"{anon / 1024:.0f} MB anonymous peak (plus "
                     f"up to {mapped / 1024:.0f} MB of mapped database "
                     "pages)", verdict(anon < 200 * 1024,
                                       f"{anon / 1024:.0f} MB")])
    return table(["target (DESIGN.md)", "measured", "verdict"], rows)


def settings_section(res):
    s = res["settings"]
    hub = s.get("hub", {})
    lines = ["- freelance-hub: " + ", ".join(
        f"`{k}={v}`" for k, v in hub.items() if k != "CACHE_ENABLED")
        + "; `CACHE_ENABLED` true or false as the table says, the other "
        "cache settings at their defaults; logs at info to a file (one line"
        " per request); metrics on."]
    if "peer" in s:
        p = s["peer"]
        lines.append(f"- peer: uvicorn, {p['workers']} workers, {p['loop']}, "
                     f"{p['http']}, access log {p['access_log']}, "
                     f"SQLAlchemy {p['pool']}.")
    if "nginx" in s:
        n = s["nginx"]
        lines.append(f"- nginx: {n['workers']} workers, sendfile on, access "
                     f"log {n['access_log']}, keep-alive unlimited.")
    lines.append(f"- wrk: 2 threads, keep-alive, {res['warmup_s']} s warm-up"
                 f" then {res['duration_s']} s measured, 30 s timeout; errors"
                 " are wrk's (connect, read, write, timeout, and answers "
                 ">= 400).")
    return "\n".join(lines)


def markdown(res, plots):
    m, v, d = res["machine"], res["versions"], res.get("data", {})
    runs = res["runs"]
    RSS_LABEL[0] = "anon RSS MB" if runs and "rss_anon_peak_kb" in runs[0] \
        else "RSS MB"
    head = f"""# Benchmark {res['stamp']} ({res['mode']} run)

Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gb']} GB, {m['os']},
Linux {m['kernel']}. Load before: `{res['uptime_before']}`; after:
`{res['uptime_after']}` (wrk shares the cores with the server: compare
ratios within one run). Whole run: {res['wall_s']:.0f} s.
Versions: freelance-hub {v['freelance_hub']}, {v['wrk']}, {v['nginx']},
{v['python']}, FastAPI {v['fastapi']}, SQLAlchemy {v['sqlalchemy']},
uvicorn {v['uvicorn']}, SQLite {v['sqlite']} (Python's {v['sqlite_python']}),
libmicrohttpd {v['libmicrohttpd']}.

Data: the seeded marketplace of {res['main_size']} jobs
({d.get('profiles', '?')} profiles); {d.get('tokens', '?')} freelancers
signed in; {d.get('searches', '?')} search filter mixes; profile ids drawn
from all profiles; proposals on fresh (freelancer, open job) pairs. Server
errors logged (level=error) during the run: {res['server_error_log_lines']}.
"""
    parts = [head,
             "## Per endpoint\n\n" + endpoint_section(res, runs),
             "## The ceiling: nginx serving a profile-sized static file\n\n"
             + ceiling_section(runs),
             "## The original's load test: mixed load, 100 connections\n\n"
             "35% profiles, 35% searches, 15% dashboards, 5% analytics, "
             "10% new proposals; the original reached 85 req/s before its "
             "tuning and 420 after.\n\n" + mix_section(runs),
             "## Scale (cache off)\n\n" + scale_section(runs),
             "## Targets\n\n" + targets_section(res, runs),
             "## Settings\n\n" + settings_section(res)]
    if plots:
        parts.append("## Plots\n\n" + "\n".join(
            f"![{alt}]({name})" for alt, name in plots))
    return "\n\n".join(parts) + "\n"


def plots(res, outdir, stamp):
    """Draws the two PNGs with gnuplot; returns [(alt, file name)]."""
    if shutil.which("gnuplot") is None:
        return []
    runs = res["runs"]
    tmp = os.path.join(outdir, "tmp")
    os.makedirs(tmp, exist_ok=True)
    top = max((r["conns"] for r in runs if r["group"] == "endpoint"),
              default=100)
    made = []

    # Latency percentiles per endpoint, one panel each.
    panels = []
    for ep in ("profile", "search", "dashboard", "proposal", "analytics",
               "mix"):
        group = "mix" if ep == "mix" else "endpoint"
        series = []
        for srv in ("hub-cache", "hub-nocache", "peer"):
            r = find(runs, group=group, server=srv, endpoint=ep,
                     **({} if ep == "mix" else {"conns": top}))
            if r and r["requests"]:
                f = os.path.join(tmp, f"lat-{ep}-{srv}.dat")
                with open(f, "w") as fh:
                    for i, p in enumerate(PERCENTILES):
                        fh.write(f"{i} {max(r['latency_ms'][p], 0.001)}\n")
                series.append((f, SERVERS[srv]))
        if series:
            panels.append((ENDPOINT_NAMES[ep], series))
    lat_png = f"{stamp}-latency.png"
    script = [f"set terminal pngcairo noenhanced size 1500,900 font 'DejaVu Sans,10'",
              f"set output '{os.path.join(outdir, lat_png)}'",
              "set multiplot layout 2,3 title 'Latency percentiles, "
              f"{top} connections, {res['main_size']} jobs (ms, log scale)'",
              "set logscale y", "set grid ytics",
              "set xtics ('p50' 0, 'p90' 1, 'p95' 2, 'p99' 3, 'p99.9' 4)",
              "set key top left font ',8'", "set xrange [-0.3:4.3]"]
    for title, series in panels:
        script.append(f"set title '{title}'")
        script.append("plot " + ", ".join(
            f"'{f}' using 1:2 with linespoints lw 2 title '{t}'"
            for f, t in series))
    script.append("unset multiplot")
    if panels and run_gnuplot(script):
        made.append(("latency percentiles per endpoint", lat_png))

    # Throughput and p99 against data size.
    sizes = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
    series = []
    for ep in ("search", "profile", "dashboard", "analytics"):
        pts = [(sizes[r["size"]], r["rps"], lat(r, "p99"))
               for r in runs if r["group"] == "scale" and r["endpoint"] == ep
               and r["requests"]]
        if pts:
            f = os.path.join(tmp, f"scale-{ep}.dat")
            with open(f, "w") as fh:
                for x, y, z in sorted(pts):
                    fh.write(f"{x} {y} {z}\n")
            series.append((f, ENDPOINT_NAMES[ep]))
    scale_png = f"{stamp}-scale.png"
    script = [f"set terminal pngcairo noenhanced size 1300,520 font 'DejaVu Sans,10'",
              f"set output '{os.path.join(outdir, scale_png)}'",
              "set multiplot layout 1,2 title 'Cache off, against data "
              "size (jobs); 10 connections (analytics 2)'",
              "set logscale xy", "set grid", "set key bottom left font ',8'",
              "set xrange [5000:2000000]",
              "set xtics ('10k' 10000, '100k' 100000, '1M' 1000000)",
              "set title 'throughput (req/s)'",
              "plot " + ", ".join(f"'{f}' using 1:2 with linespoints lw 2 "
                                  f"title '{t}'" for f, t in series),
              "set title 'p99 (ms)'", "set key top left",
              "plot " + ", ".join(f"'{f}' using 1:3 with linespoints lw 2 "
                                  f"title '{t}'" for f, t in series),
              "unset multiplot"]
    if series and run_gnuplot(script):
        made.append(("throughput and p99 against data size", scale_png))
    return made


def run_gnuplot(lines):
    p = subprocess.run(["gnuplot"], input="\n".join(lines) + "\n",
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        print(f"report: gnuplot failed: {p.stderr.strip()}", file=sys.stderr)
    return p.returncode == 0


def write(res, outdir):
    stamp = res["stamp"]
    made = plots(res, outdir, stamp)
    md = markdown(res, made)
    with open(os.path.join(outdir, f"{stamp}.md"), "w") as f:
        f.write(md)
    # latest.*: what the README shows, for the latest full run (a quick
    # run refreshes them only while no full run exists).
    latest = os.path.join(outdir, "latest.md")
    if res["mode"] == "full" or not os.path.exists(latest):
        for _, name in made:
            shutil.copyfile(os.path.join(outdir, name), os.path.join(
                outdir, "latest-" + name.split("-", 1)[1]))
        with open(latest, "w") as f:
            f.write(md.replace(f"]({stamp}-", "](latest-"))
    print(f"report: {os.path.join(outdir, stamp + '.md')}")


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        result = json.load(fh)
    write(result, os.path.dirname(os.path.abspath(sys.argv[1])))
