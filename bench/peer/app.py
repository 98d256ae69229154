"""The comparison peer: the five endpoints that the marketplace is known by,
written the way a FastAPI + SQLAlchemy service usually is (sync endpoints on
FastAPI's thread pool, one ORM session per request, joined and select-in
eager loading, Pydantic for the request body), over the SQLite file the C
server uses. Same routes, same JSON shapes, the same bearer sessions (the
sessions table keeps the hex BLAKE2b-256 of each token).

Run with uvicorn, one worker per core:
    PEER_DATABASE=bench/data/work.db uvicorn app:app --app-dir bench/peer \
        --host 127.0.0.1 --port 8090 --workers 2
"""

import hashlib
import os
import time
from datetime import datetime, timezone
from typing import Literal, Optional

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import (case, create_engine, event, func, literal_column,
                        text)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload, sessionmaker
from sqlalchemy.pool import QueuePool

from models import (Category, Contract, Job, Profile, Proposal, Review,
                    Session, Skill, User, job_skills, jobs_fts,
                    profile_skills)

DATABASE = os.environ.get("PEER_DATABASE", "data/freelance-hub.db")
PREFIX = "/api/v1/freelance"
RECENT_REVIEWS = 5
DASHBOARD_LIST = 10
TOP_SKILLS = 10
WEEKS = 12


def make_engine(begin_sql):
    """An engine on the shared SQLite file whose transactions start with
    begin_sql (pysqlite's own BEGIN handling is switched off, as the
    SQLAlchemy documentation recommends for SQLite)."""
    engine = create_engine(
        f"sqlite:///{DATABASE}",
        connect_args={"check_same_thread": False, "timeout": 10},
        poolclass=QueuePool, pool_size=8, max_overflow=32)

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def on_begin(conn):
        conn.exec_driver_sql(begin_sql)

    return engine


# Reads see one snapshot; writes take the write lock up front so that two
# workers never deadlock upgrading a read lock.
ReadSession = sessionmaker(bind=make_engine("BEGIN"), autoflush=False)
WriteSession = sessionmaker(bind=make_engine("BEGIN IMMEDIATE"),
                            autoflush=False, expire_on_commit=False)

app = FastAPI(title="Freelance Hub peer (FastAPI + SQLAlchemy)")


class ApiError(Exception):
    def __init__(self, status, code, message, field=None):
        self.status, self.code = status, code
        self.message, self.field = message, field


@app.exception_handler(ApiError)
def on_api_error(_request: Request, exc: ApiError):
    err = {"code": exc.code, "message": exc.message}
    if exc.field:
        err["field"] = exc.field
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"status": "error", "error": err},
                        status_code=exc.status, headers=headers)


def read_db():
    db = ReadSession()
    try:
        yield db
    finally:
        db.close()


def write_db():
    db = WriteSession()
    try:
        yield db
    finally:
        db.close()


def rfc3339(ts):
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def rating(avg, count):
    return {"average": None if avg is None else round(avg, 2),
            "count": count}


def caller(db, authorization):
    """The signed-in user of the bearer token, else a 401."""
    if not authorization or not authorization.startswith("Bearer "):
        raise ApiError(401, "unauthorized", "sign in first")
    token = authorization[len("Bearer "):].strip()
    digest = hashlib.blake2b(token.encode(), digest_size=32).hexdigest()
    session = (db.query(Session).options(joinedload(Session.user))
               .filter(Session.token_hash == digest,
                       Session.revoked_at.is_(None),
                       Session.expires_at > int(time.time()))
               .first())
    if session is None:
        raise ApiError(401, "unauthorized", "the session is unknown or over")
    return session.user


def category_json(category):
    if category is None:
        return None
    return {"id": category.id, "name": category.name}


# ---- GET /profile/{id} ----

@app.get(PREFIX + "/profile/{profile_id}")
def profile_get(profile_id: int, db=Depends(read_db)):
    p = (db.query(Profile)
         .options(joinedload(Profile.user), joinedload(Profile.category),
                  selectinload(Profile.skills),
                  selectinload(Profile.portfolio))
         .filter(Profile.id == profile_id).first())
    if p is None:
        raise ApiError(404, "not_found", "no profile has this id")
    reviews = (db.query(Review).options(joinedload(Review.reviewer))
               .filter(Review.reviewee_id == p.user_id)
               .order_by(Review.created_at.desc(), Review.id.desc())
               .limit(RECENT_REVIEWS).all())
    imported = None
    if p.source is not None:
        imported = {"source": p.source,
                    "rating": None if p.source_rating is None
                    else round(p.source_rating, 2),
                    "review_count": p.source_review_count}
    data = {
        "id": p.id, "user_id": p.user_id, "name": p.user.name,
        "title": p.title, "bio": p.bio,
        "hourly_rate_cents": p.hourly_rate_cents, "currency": p.currency,
        "availability": p.availability,
        "experience_level": p.experience_level,
        "category": category_json(p.category), "country": p.country,
        "rating": rating(p.rating_avg, p.rating_count),
        "completed_jobs": p.completed_jobs,
        "total_earnings_cents": p.total_earnings_cents,
        "imported": imported,
        "created_at": rfc3339(p.created_at),
        "updated_at": rfc3339(p.updated_at),
        "skills": [s.name for s in p.skills],
        "portfolio": [{"id": i.id, "title": i.title,
                       "description": i.description, "url": i.url,
                       "created_at": rfc3339(i.created_at)}
                      for i in p.portfolio],
        "recent_reviews": [{"id": r.id, "rating": r.rating,
                            "comment": r.comment,
                            "reviewer_name": r.reviewer.name,
                            "created_at": rfc3339(r.created_at)}
                           for r in reviews],
    }
    return {"status": "success", "data": data}


# ---- GET /jobs/search ----

def match_text(q):
    """Each word as an FTS5 phrase, as the C server builds it."""
    words = [w for w in q.split() if any(c.isalnum() for c in w)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in words[:16])


def job_card(j):
    return {
        "id": j.id,
        "client": {"id": j.client.id, "name": j.client.name,
                   "country": j.client_country or j.client.country},
        "title": j.title, "description_snippet": j.description[:200],
        "category": category_json(j.category),
        "budget_type": j.budget_type,
        "budget_min_cents": j.budget_min_cents,
        "budget_max_cents": j.budget_max_cents, "currency": j.currency,
        "experience_level": j.experience_level, "status": j.status,
        "skills": [s.name for s in j.skills],
        "proposal_count": j.proposal_count,
        "posted_at": rfc3339(j.posted_at),
        "updated_at": rfc3339(j.updated_at),
    }


@app.get(PREFIX + "/jobs/search")
def jobs_search(
        q: Optional[str] = Query(None, max_length=200),
        category_id: Optional[int] = Query(None, ge=1),
        skill: Optional[str] = Query(None, max_length=50),
        experience_level: Optional[Literal["entry", "intermediate",
                                           "expert"]] = None,
        budget_min_cents: Optional[int] = Query(None, ge=0),
        budget_max_cents: Optional[int] = Query(None, ge=0),
        status: Literal["open", "in_progress", "closed",
                        "cancelled"] = "open",
        posted_after: Optional[datetime] = None,
        sort: Literal["newest", "budget_asc", "budget_desc",
                      "relevance"] = "newest",
        page: int = Query(1, ge=1),
        page_size: int = Query(20, ge=1, le=100),
        db=Depends(read_db)):
    query = db.query(Job).filter(Job.status == status)
    match = match_text(q) if q else ""
    if match:
        query = (query.join(jobs_fts, jobs_fts.c.rowid == Job.id)
                 .filter(literal_column("jobs_fts").op("MATCH")(match)))
    if category_id is not None:
        query = query.filter(Job.category_id == category_id)
    if experience_level is not None:
        query = query.filter(Job.experience_level == experience_level)
    if skill is not None:
        query = query.filter(Job.skills.any(
            Skill.slug == " ".join(skill.split()).lower()))
    if budget_min_cents is not None:
        query = query.filter(Job.budget_max_cents >= budget_min_cents)
    if budget_max_cents is not None:
        query = query.filter(Job.budget_min_cents <= budget_max_cents)
    if posted_after is not None:
        query = query.filter(Job.posted_at > int(posted_after.timestamp()))

    total = query.with_entities(func.count(Job.id)).scalar()

    if sort == "relevance" and match:
        order = [text("bm25(jobs_fts, 4.0, 1.0)"), Job.id.desc()]
    elif sort == "budget_asc":
        order = [Job.budget_max_cents.asc().nulls_last(), Job.id.asc()]
    elif sort == "budget_desc":
        order = [Job.budget_max_cents.desc().nulls_last(), Job.id.desc()]
    else:
        order = [Job.posted_at.desc(), Job.id.desc()]
    jobs = (query.options(joinedload(Job.client), joinedload(Job.category),
                          selectinload(Job.skills))
            .order_by(*order)
            .offset((page - 1) * page_size).limit(page_size).all())
    pages = (total + page_size - 1) // page_size
    return {"status": "success", "items": [job_card(j) for j in jobs],
            "metadata": {"page": page, "page_size": page_size,
                         "total_items": total, "total_pages": pages,
                         "has_next": page < pages, "has_previous": page > 1}}


# ---- GET /dashboard/freelancer ----

PROPOSAL_STATUSES = ("pending", "accepted", "rejected", "withdrawn")
CONTRACT_STATUSES = ("active", "completed", "cancelled")


def by_status(names, rows):
    counts = {name: 0 for name in names}
    for status, n in rows:
        counts[status] = n
    counts["total"] = sum(counts.values())
    return counts


@app.get(PREFIX + "/dashboard/freelancer")
def dashboard_freelancer(authorization: Optional[str] = Header(None),
                         db=Depends(read_db)):
    user = caller(db, authorization)
    if user.role != "freelancer":
        raise ApiError(403, "forbidden", "freelancers only")
    p = db.query(Profile).filter(Profile.user_id == user.id).first()
    if p is None:
        raise ApiError(403, "forbidden", "create your profile first")

    proposals = by_status(PROPOSAL_STATUSES, (
        db.query(Proposal.status, func.count(Proposal.id))
        .filter(Proposal.freelancer_id == p.id)
        .group_by(Proposal.status).all()))
    contract_rows = (db.query(Contract.status, func.count(Contract.id),
                              func.coalesce(func.sum(Contract.amount_cents),
                                            0))
                     .filter(Contract.freelancer_id == p.id)
                     .group_by(Contract.status).all())
    contracts = by_status(CONTRACT_STATUSES,
                          [(s, n) for s, n, _ in contract_rows])
    earned = sum(amount for s, _, amount in contract_rows
                 if s == "completed")
    active = (db.query(Contract).options(joinedload(Contract.job))
              .filter(Contract.freelancer_id == p.id,
                      Contract.status == "active")
              .order_by(Contract.started_at.desc(), Contract.id.desc())
              .limit(DASHBOARD_LIST).all())
    recent = (db.query(Proposal).options(joinedload(Proposal.job))
              .filter(Proposal.freelancer_id == p.id)
              .order_by(Proposal.created_at.desc(), Proposal.id.desc())
              .limit(DASHBOARD_LIST).all())
    data = {
        "profile": {"id": p.id, "title": p.title,
                    "rating": rating(p.rating_avg, p.rating_count),
                    "completed_jobs": p.completed_jobs,
                    "total_earnings_cents": p.total_earnings_cents,
                    "hourly_rate_cents": p.hourly_rate_cents,
                    "currency": p.currency},
        "proposals": proposals, "contracts": contracts,
        "earnings_cents": earned,
        "active_contracts": [
            {"id": c.id, "job_posting_id": c.job_posting_id,
             "job_title": c.job.title, "client_id": c.client_id,
             "amount_cents": c.amount_cents, "currency": c.currency,
             "started_at": rfc3339(c.started_at)} for c in active],
        "recent_proposals": [
            {"id": r.id, "job_posting_id": r.job_posting_id,
             "job_title": r.job.title,
             "bid_amount_cents": r.bid_amount_cents, "currency": r.currency,
             "status": r.status, "created_at": rfc3339(r.created_at)}
            for r in recent],
    }
    return JSONResponse({"status": "success", "data": data},
                        headers={"Cache-Control": "private, no-cache"})


# ---- POST /proposals/create ----

class ProposalIn(BaseModel):
    job_posting_id: int = Field(..., ge=1)
    cover_letter: str = Field(..., min_length=1, max_length=5000)
    bid_amount_cents: int = Field(..., ge=1, le=10_000_000_000)
    estimated_duration_days: int = Field(..., ge=1, le=3650)
    currency: Optional[str] = Field(None, regex="^[A-Z]{3}$")

    class Config:
        extra = "forbid"


@app.post(PREFIX + "/proposals/create", status_code=201)
def proposal_create(body: ProposalIn,
                    authorization: Optional[str] = Header(None),
                    db=Depends(write_db)):
    user = caller(db, authorization)
    if user.role != "freelancer":
        raise ApiError(403, "forbidden", "freelancers only")
    p = db.query(Profile).filter(Profile.user_id == user.id).first()
    if p is None:
        raise ApiError(403, "forbidden", "create your profile first")
    job = db.get(Job, body.job_posting_id)
    if job is None:
        raise ApiError(404, "not_found", "no job posting has this id",
                       "job_posting_id")
    if job.status != "open":
        raise ApiError(409, "conflict", "the job is not open for proposals",
                       "job_posting_id")
    now = int(time.time())
    prop = Proposal(job_posting_id=job.id, freelancer_id=p.id,
                    cover_letter=body.cover_letter,
                    bid_amount_cents=body.bid_amount_cents,
                    currency=body.currency or job.currency,
                    estimated_duration_days=body.estimated_duration_days,
                    status="pending", created_at=now, updated_at=now)
    db.add(prop)
    job.proposal_count = Job.proposal_count + 1
    try:
        db.commit()
    except IntegrityError:
        db.rollback()
        raise ApiError(409, "conflict",
                       "you already have a live proposal on this job",
                       "job_posting_id")
    data = {"id": prop.id, "job_posting_id": prop.job_posting_id,
            "freelancer_id": prop.freelancer_id,
            "cover_letter": prop.cover_letter,
            "bid_amount_cents": prop.bid_amount_cents,
            "currency": prop.currency,
            "estimated_duration_days": prop.estimated_duration_days,
            "status": prop.status, "created_at": rfc3339(prop.created_at),
            "updated_at": rfc3339(prop.updated_at)}
    return {"status": "success", "data": data}


# ---- GET /analytics/marketplace ----

def week_start(now):
    day = now // 86400
    return (day - (day + 3) % 7) * 86400  # day 0 was a Thursday


@app.get(PREFIX + "/analytics/marketplace")
def analytics(db=Depends(read_db)):
    names = dict(db.query(Category.id, Category.name).all())

    def cname(cid):
        return names.get(cid, "Uncategorised")

    per_cat = {}
    for cid, status, n in (db.query(Job.category_id, Job.status,
                                    func.count(Job.id))
                           .group_by(Job.status, Job.category_id)):
        row = per_cat.setdefault(cid, {
            "category_id": cid, "name": cname(cid), "open": 0,
            "in_progress": 0, "closed": 0, "cancelled": 0, "total": 0})
        row[status] += n
        row["total"] += n
    jobs_by_category = sorted(per_cat.values(),
                              key=lambda r: (-r["total"], r["name"],
                                             r["category_id"] or 0))

    def medians(column, cat_column, count_key, avg_key, median_key, *where):
        ranked = (db.query(
            cat_column.label("cid"), column.label("v"),
            func.row_number().over(partition_by=cat_column,
                                   order_by=column).label("rn"),
            func.count().over(partition_by=cat_column).label("n"))
            .filter(*where).subquery())
        mid = case(((ranked.c.rn == (ranked.c.n + 1) / 2) |
                    (ranked.c.rn == (ranked.c.n + 2) / 2), ranked.c.v))
        rows = (db.query(ranked.c.cid, func.count(), func.avg(ranked.c.v),
                         func.avg(mid))
                .group_by(ranked.c.cid).all())
        out = [{"category_id": cid, "name": cname(cid), count_key: n,
                avg_key: int(round(avg)), median_key: int(round(med))}
               for cid, n, avg, med in rows]
        out.sort(key=lambda r: (-r[count_key], r["name"],
                                r["category_id"] or 0))
        return out

    rates = medians(Profile.hourly_rate_cents, Profile.category_id,
                    "freelancers", "avg_hourly_rate_cents",
                    "median_hourly_rate_cents",
                    Profile.hourly_rate_cents.isnot(None))
    budgets = medians(Job.budget_max_cents, Job.category_id, "jobs",
                      "avg_budget_cents", "median_budget_cents",
                      Job.budget_type == "fixed",
                      Job.budget_max_cents.isnot(None))

    props = by_status(PROPOSAL_STATUSES, (
        db.query(Proposal.status, func.count(Proposal.id))
        .group_by(Proposal.status).all()))
    decided = props["accepted"] + props["rejected"]
    proposals = {"total": props["total"], "accepted": props["accepted"],
                 "rejected": props["rejected"],
                 "withdrawn": props["withdrawn"],
                 "pending": props["pending"],
                 "acceptance_rate": round(props["accepted"] / decided, 4)
                 if decided else None}

    demand = (db.query(Skill.name, func.count().label("jobs"))
              .join(job_skills, job_skills.c.skill_id == Skill.id)
              .join(Job, Job.id == job_skills.c.job_id)
              .filter(Job.status == "open")
              .group_by(Skill.id)
              .order_by(text("jobs DESC"), Skill.name, Skill.id)
              .limit(TOP_SKILLS).all())
    supply = (db.query(Skill.name, func.count().label("profiles"))
              .join(profile_skills, profile_skills.c.skill_id == Skill.id)
              .group_by(Skill.id)
              .order_by(text("profiles DESC"), Skill.name, Skill.id)
              .limit(TOP_SKILLS).all())

    now = int(time.time())
    first = week_start(now) - (WEEKS - 1) * 604800
    week_counts = dict(
        db.query(((Job.posted_at - first) / 604800).label("w"),
                 func.count(Job.id))
        .filter(Job.posted_at >= first,
                Job.posted_at < first + WEEKS * 604800)
        .group_by(text("w")).all())
    weeks = [{"week_start": rfc3339(first + i * 604800),
              "jobs": week_counts.get(i, 0)} for i in range(WEEKS)]

    totals = {
        "jobs": db.query(func.count(Job.id)).scalar(),
        "open_jobs": db.query(func.count(Job.id))
        .filter(Job.status == "open").scalar(),
        "freelancers": db.query(func.count(User.id))
        .filter(User.role == "freelancer").scalar(),
        "clients": db.query(func.count(User.id))
        .filter(User.role == "client").scalar(),
        "contracts": db.query(func.count(Contract.id)).scalar(),
        "completed_contracts": db.query(func.count(Contract.id))
        .filter(Contract.status == "completed").scalar(),
    }
    data = {
        "jobs_by_category": jobs_by_category,
        "rates_by_category": rates, "budgets_by_category": budgets,
        "proposals": proposals,
        "top_skills_demand": [{"skill": s, "jobs": n} for s, n in demand],
        "top_skills_supply": [{"skill": s, "profiles": n}
                              for s, n in supply],
        "new_jobs_per_week": weeks, "totals": totals,
        "generated_at": rfc3339(now),
    }
    return {"status": "success", "data": data}
