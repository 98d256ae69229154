"""SQLAlchemy models of the Freelance Hub tables that the peer reads and
writes. They map the schema the C server migrated (src/store/migrations);
the peer never creates or alters tables."""

from sqlalchemy import (BigInteger, Column, Float, ForeignKey, Integer, String,
                        Table, Text)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

profile_skills = Table(
    "profile_skills", Base.metadata,
    Column("profile_id", Integer, ForeignKey("freelance_profiles.id"),
           primary_key=True),
    Column("skill_id", Integer, ForeignKey("skills.id"), primary_key=True),
)

job_skills = Table(
    "job_skills", Base.metadata,
    Column("job_id", Integer, ForeignKey("freelance_job_postings.id"),
           primary_key=True),
    Column("skill_id", Integer, ForeignKey("skills.id"), primary_key=True),
)

# The full-text index of job titles and descriptions (FTS5, kept by
# triggers); searched with MATCH and ranked with bm25().
jobs_fts = Table(
    "jobs_fts", Base.metadata,
    Column("rowid", Integer, primary_key=True),
    Column("title", Text),
    Column("description", Text),
)


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(Text, nullable=False)
    name = Column(Text, nullable=False)
    role = Column(Text, nullable=False)
    country = Column(Text)
    rating_sum = Column(Integer, nullable=False, default=0)
    rating_count = Column(Integer, nullable=False, default=0)
    created_at = Column(BigInteger, nullable=False)


class Session(Base):
    __tablename__ = "sessions"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    token_hash = Column(Text, nullable=False, unique=True)
    created_at = Column(BigInteger, nullable=False)
    expires_at = Column(BigInteger, nullable=False)
    revoked_at = Column(BigInteger)
    user = relationship(User)


class Category(Base):
    __tablename__ = "categories"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    slug = Column(Text, nullable=False)


class Skill(Base):
    __tablename__ = "skills"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    slug = Column(Text, nullable=False)


class PortfolioItem(Base):
    __tablename__ = "portfolio_items"
    id = Column(Integer, primary_key=True)
    profile_id = Column(Integer, ForeignKey("freelance_profiles.id"),
                        nullable=False)
    title = Column(Text, nullable=False)
    description = Column(Text, nullable=False, default="")
    url = Column(Text)
    created_at = Column(BigInteger, nullable=False)


class Profile(Base):
    __tablename__ = "freelance_profiles"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    title = Column(Text, nullable=False)
    bio = Column(Text, nullable=False, default="")
    hourly_rate_cents = Column(BigInteger)
    currency = Column(String(3), nullable=False, default="USD")
    availability = Column(Text, nullable=False, default="available")
    experience_level = Column(Text)
    category_id = Column(Integer, ForeignKey("categories.id"))
    country = Column(Text)
    rating_avg = Column(Float)
    rating_sum = Column(Integer, nullable=False, default=0)
    rating_count = Column(Integer, nullable=False, default=0)
    completed_jobs = Column(Integer, nullable=False, default=0)
    total_earnings_cents = Column(BigInteger, nullable=False, default=0)
    source = Column(Text)
    source_rating = Column(Float)
    source_review_count = Column(Integer)
    created_at = Column(BigInteger, nullable=False)
    updated_at = Column(BigInteger, nullable=False)

    user = relationship(User)
    category = relationship(Category)
    skills = relationship(Skill, secondary=profile_skills,
                          order_by=Skill.id)
    portfolio = relationship(PortfolioItem, order_by=PortfolioItem.id)


class Job(Base):
    __tablename__ = "freelance_job_postings"
    id = Column(Integer, primary_key=True)
    client_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    title = Column(Text, nullable=False)
    description = Column(Text, nullable=False, default="")
    category_id = Column(Integer, ForeignKey("categories.id"))
    budget_type = Column(Text, nullable=False)
    budget_min_cents = Column(BigInteger)
    budget_max_cents = Column(BigInteger)
    currency = Column(String(3), nullable=False, default="USD")
    experience_level = Column(Text)
    status = Column(Text, nullable=False, default="open")
    client_country = Column(Text)
    proposal_count = Column(Integer, nullable=False, default=0)
    posted_at = Column(BigInteger, nullable=False)
    updated_at = Column(BigInteger, nullable=False)

    client = relationship(User)
    category = relationship(Category)
    skills = relationship(Skill, secondary=job_skills, order_by=Skill.id)


class Proposal(Base):
    __tablename__ = "freelance_proposals"
    id = Column(Integer, primary_key=True)
    job_posting_id = Column(Integer, ForeignKey("freelance_job_postings.id"),
                            nullable=False)
    freelancer_id = Column(Integer, ForeignKey("freelance_profiles.id"),
                           nullable=False)
    cover_letter = Column(Text, nullable=False)
    bid_amount_cents = Column(BigInteger, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    estimated_duration_days = Column(Integer, nullable=False)
    status = Column(Text, nullable=False, default="pending")
    created_at = Column(BigInteger, nullable=False)
    updated_at = Column(BigInteger, nullable=False)

    job = relationship(Job)


class Contract(Base):
    __tablename__ = "freelance_contracts"
    id = Column(Integer, primary_key=True)
    proposal_id = Column(Integer, ForeignKey("freelance_proposals.id"),
                         nullable=False)
    job_posting_id = Column(Integer, ForeignKey("freelance_job_postings.id"),
                            nullable=False)
    freelancer_id = Column(Integer, ForeignKey("freelance_profiles.id"),
                           nullable=False)
    client_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    amount_cents = Column(BigInteger, nullable=False)
    currency = Column(String(3), nullable=False, default="USD")
    status = Column(Text, nullable=False, default="active")
    started_at = Column(BigInteger, nullable=False)
    ended_at = Column(BigInteger)

    job = relationship(Job)


class Review(Base):
    __tablename__ = "reviews"
    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("freelance_contracts.id"),
                         nullable=False)
    reviewer_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    reviewee_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    rating = Column(Integer, nullable=False)
    comment = Column(Text, nullable=False, default="")
    created_at = Column(BigInteger, nullable=False)

    reviewer = relationship(User, foreign_keys=[reviewer_id])
