"""Prepares the data a load run draws from, for one database and a server
answering on it. sign_in() signs freelancers in (POST /auth/login, the demo
password); prepare() writes into the run's data folder
    tokens.txt    one bearer token a line (freelancers with a profile)
    profiles.txt  every profile id
    searches.txt  job-search query strings, a realistic mix of filters
    pairs.txt     "token job_id": a freelancer of tokens.txt and an open job
                  it has no live proposal on; every line a different pair
    profile.json  a typical GET /profile answer (the nginx static file)
Everything is drawn with a fixed seed, so two runs on the same data ask the
same things."""

import concurrent.futures
import json
import random
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

PREFIX = "/api/v1/freelance"
DEMO_PASSWORD = "demo-password"
LEVELS = ("entry", "intermediate", "expert")


def http_json(url, body=None, token=None, timeout=60):
    req = urllib.request.Request(url, data=None if body is None else
                                 json.dumps(body).encode())
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.read()


def login(base, email):
    _, raw = http_json(base + PREFIX + "/auth/login",
                       {"email": email, "password": DEMO_PASSWORD})
    return json.loads(raw)["data"]["token"]


def search_mix(rng, n, categories, skills, words):
    """n query strings: mostly a category, often with a level; skills,
    budgets, a word of text, and a plain newest-first list, with pages
    1..5 weighted to the first."""
    out = []
    for _ in range(n):
        r = rng.random()
        page = rng.choice((1, 1, 1, 1, 2, 2, 3, 4, 5))
        if r < 0.30:
            q = f"category_id={rng.choice(categories)}"
        elif r < 0.45:
            q = (f"category_id={rng.choice(categories)}"
                 f"&experience_level={rng.choice(LEVELS)}")
        elif r < 0.60:
            q = "skill=" + urllib.parse.quote(rng.choice(skills))
        elif r < 0.70:
            q = (f"category_id={rng.choice(categories)}"
                 f"&budget_min_cents={rng.choice((50000, 100000, 250000))}"
                 "&sort=budget_desc")
        elif r < 0.85:
            q = ("q=" + urllib.parse.quote(rng.choice(words)) + "&sort="
                 + rng.choice(("newest", "relevance")))
        elif r < 0.90:
            q = (f"q={urllib.parse.quote(rng.choice(words))}"
                 f"&category_id={rng.choice(categories)}")
        else:
            q = "sort=newest"
        out.append(f"{q}&page={page}")
    return out


def fresh_pairs(db, rng, pool, n):
    """n (token, job) lines: pool is [(profile_id, token)]; each pair is a
    freelancer of the pool and an open job it has no live proposal on."""
    jobs = [r[0] for r in db.execute(
        "SELECT id FROM freelance_job_postings WHERE status = 'open'")]
    ids = [p for p, _ in pool]
    marks = ",".join("?" * len(ids))
    taken = set(db.execute(
        f"SELECT freelancer_id, job_posting_id FROM freelance_proposals"
        f" WHERE status IN ('pending', 'accepted')"
        f" AND freelancer_id IN ({marks})", ids))
    rng.shuffle(jobs)
    out = []
    k = 0
    limit = len(pool) * len(jobs)
    while len(out) < n and k < limit:
        profile_id, token = pool[k % len(pool)]
        job = jobs[(k // len(pool)) % len(jobs)]
        k += 1
        if (profile_id, job) not in taken:
            out.append(f"{token} {job}")
    return out


def sign_in(db_path, base, n=200, seed=7):
    """Signs n freelancers with a profile in through base (a server on
    db_path); returns [(profile_id, token)]."""
    rng = random.Random(seed)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    people = db.execute(
        "SELECT p.id, u.email FROM freelance_profiles p"
        " JOIN users u ON u.id = p.user_id"
        " WHERE u.role = 'freelancer' AND u.password_hash IS NOT NULL"
        " ORDER BY p.id").fetchall()
    db.close()
    chosen = rng.sample(people, min(n, len(people)))
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        signed = list(pool.map(lambda pe: login(base, pe[1]), chosen))
    return [(pe[0], tok) for pe, tok in zip(chosen, signed)]


def token_works(base, token):
    try:
        status, _ = http_json(base + PREFIX + "/auth/me", token=token)
        return status == 200
    except urllib.error.HTTPError:
        return False


def prepare(db_path, base, outdir, signed, pairs=0, searches=4000, seed=7):
    """Fills outdir (see the module comment) for the server at base, which
    serves db_path; signed is [(profile_id, token)] from sign_in(). Returns
    a dict of what was made."""
    rng = random.Random(seed)
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    profiles = [str(r[0]) for r in
                db.execute("SELECT id FROM freelance_profiles ORDER BY id")]
    categories = [r[0] for r in db.execute("SELECT id FROM categories")]
    skills = [r[0] for r in db.execute(
        "SELECT s.name FROM skills s JOIN job_skills js ON js.skill_id = s.id"
        " GROUP BY s.id ORDER BY COUNT(*) DESC LIMIT 60")]
    words = sorted({w.lower() for s in skills for w in s.split()
                    if len(w) > 2 and w.isalpha()})
    tokens = [tok for _, tok in signed]
    lines = {
        "tokens.txt": tokens,
        "profiles.txt": profiles,
        "searches.txt": search_mix(rng, searches, categories, skills, words),
        "pairs.txt": fresh_pairs(db, rng, signed, pairs) if pairs
        else [f"{tokens[0]} 0"],
    }
    db.close()
    for name, rows in lines.items():
        with open(f"{outdir}/{name}", "w") as f:
            f.write("\n".join(rows) + "\n")

    # The static file: the median-sized answer of 50 profiles.
    sample = rng.sample(profiles, min(50, len(profiles)))
    bodies = sorted((http_json(f"{base}{PREFIX}/profile/{p}")[1]
                     for p in sample), key=len)
    with open(f"{outdir}/profile.json", "wb") as f:
        f.write(bodies[len(bodies) // 2])
    return {"tokens": len(tokens), "profiles": len(profiles),
            "searches": len(lines["searches.txt"]),
            "pairs": len(lines["pairs.txt"]) if pairs else 0,
            "profile_bytes": len(bodies[len(bodies) // 2])}
