-- The marketplace: people, profiles, jobs, proposals, contracts, reviews.
-- Times are seconds since the epoch (UTC); money is integer cents.

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,              -- stored lower-case
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('freelancer', 'client', 'admin')),
    password_hash TEXT,                      -- NULL: cannot sign in
    country TEXT,
    rating_sum INTEGER NOT NULL DEFAULT 0,   -- reviews received as a client
    rating_count INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    slug TEXT NOT NULL UNIQUE
);

CREATE TABLE skills (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE                -- lower-case name, the lookup key
);

CREATE TABLE freelance_profiles (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    title TEXT NOT NULL,
    bio TEXT NOT NULL DEFAULT '',
    hourly_rate_cents BIGINT,                -- NULL: not stated
    currency TEXT NOT NULL DEFAULT 'USD',
    availability TEXT NOT NULL DEFAULT 'available'
        CHECK (availability IN ('available', 'busy', 'unavailable')),
    experience_level TEXT
        CHECK (experience_level IN ('entry', 'intermediate', 'expert')),
    category_id INTEGER REFERENCES categories(id),
    country TEXT,
    rating_avg DOUBLE PRECISION,             -- rating_sum / rating_count; NULL when 0
    rating_sum INTEGER NOT NULL DEFAULT 0,
    rating_count INTEGER NOT NULL DEFAULT 0,
    completed_jobs INTEGER NOT NULL DEFAULT 0,
    total_earnings_cents BIGINT NOT NULL DEFAULT 0,
    source TEXT,                             -- where an imported profile came from
    source_rating DOUBLE PRECISION,          -- its rating there, out of 5
    source_review_count INTEGER,
    source_key TEXT UNIQUE,                  -- import identity, for re-runs
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX profiles_available_rating ON freelance_profiles
    (availability, rating_avg DESC, completed_jobs DESC, id);
CREATE INDEX profiles_category ON freelance_profiles (category_id);

CREATE TABLE portfolio_items (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES freelance_profiles(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT,
    created_at BIGINT NOT NULL
);

CREATE INDEX portfolio_profile ON portfolio_items (profile_id, id);

CREATE TABLE profile_skills (
    profile_id INTEGER NOT NULL REFERENCES freelance_profiles(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id),
    PRIMARY KEY (profile_id, skill_id)
);

CREATE INDEX profile_skills_skill ON profile_skills (skill_id, profile_id);

CREATE TABLE freelance_job_postings (
    id INTEGER PRIMARY KEY,
    client_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    category_id INTEGER REFERENCES categories(id),
    budget_type TEXT NOT NULL CHECK (budget_type IN ('fixed', 'hourly')),
    budget_min_cents BIGINT,                 -- fixed: the budget; hourly: lowest rate
    budget_max_cents BIGINT,                 -- fixed: the budget; hourly: highest rate
    currency TEXT NOT NULL DEFAULT 'USD',
    experience_level TEXT
        CHECK (experience_level IN ('entry', 'intermediate', 'expert')),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'in_progress', 'closed', 'cancelled')),
    client_country TEXT,
    proposal_count INTEGER NOT NULL DEFAULT 0,
    posted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    source TEXT,
    source_key TEXT UNIQUE
);

CREATE INDEX jobs_status_posted ON freelance_job_postings (status, posted_at, id);
CREATE INDEX jobs_status_category_posted ON freelance_job_postings
    (status, category_id, posted_at, id);
CREATE INDEX jobs_status_category_level_posted ON freelance_job_postings
    (status, category_id, experience_level, posted_at, id);
CREATE INDEX jobs_status_level_posted ON freelance_job_postings
    (status, experience_level, posted_at, id);
CREATE INDEX jobs_status_budget ON freelance_job_postings
    (status, budget_max_cents, id);
CREATE INDEX jobs_client ON freelance_job_postings (client_id, posted_at, id);

CREATE TABLE job_skills (
    job_id INTEGER NOT NULL REFERENCES freelance_job_postings(id) ON DELETE CASCADE,
    skill_id INTEGER NOT NULL REFERENCES skills(id),
    PRIMARY KEY (job_id, skill_id)
);

CREATE INDEX job_skills_skill ON job_skills (skill_id, job_id);

CREATE VIRTUAL TABLE jobs_fts USING fts5(
    title, description,
    content='freelance_job_postings', content_rowid='id',
    tokenize="unicode61 remove_diacritics 2 tokenchars '+#'"
);

CREATE TRIGGER jobs_fts_insert AFTER INSERT ON freelance_job_postings BEGIN
    INSERT INTO jobs_fts (rowid, title, description)
    VALUES (new.id, new.title, new.description);
END;

CREATE TRIGGER jobs_fts_delete AFTER DELETE ON freelance_job_postings BEGIN
    INSERT INTO jobs_fts (jobs_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
END;

CREATE TRIGGER jobs_fts_update AFTER UPDATE OF title, description
    ON freelance_job_postings BEGIN
    INSERT INTO jobs_fts (jobs_fts, rowid, title, description)
    VALUES ('delete', old.id, old.title, old.description);
    INSERT INTO jobs_fts (rowid, title, description)
    VALUES (new.id, new.title, new.description);
END;

CREATE TABLE freelance_proposals (
    id INTEGER PRIMARY KEY,
    job_posting_id INTEGER NOT NULL REFERENCES freelance_job_postings(id),
    freelancer_id INTEGER NOT NULL REFERENCES freelance_profiles(id),
    cover_letter TEXT NOT NULL,
    bid_amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD',
    estimated_duration_days INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'rejected', 'withdrawn')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- At most one live (pending or accepted) proposal per freelancer and job.
CREATE UNIQUE INDEX proposals_one_active ON freelance_proposals
    (job_posting_id, freelancer_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX proposals_job ON freelance_proposals (job_posting_id, created_at, id);
CREATE INDEX proposals_freelancer ON freelance_proposals
    (freelancer_id, created_at, id);
CREATE INDEX proposals_freelancer_status ON freelance_proposals
    (freelancer_id, status, created_at, id);

CREATE TABLE freelance_contracts (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL UNIQUE REFERENCES freelance_proposals(id),
    job_posting_id INTEGER NOT NULL REFERENCES freelance_job_postings(id),
    freelancer_id INTEGER NOT NULL REFERENCES freelance_profiles(id),
    client_id INTEGER NOT NULL REFERENCES users(id),
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL DEFAULT 'USD',
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'completed', 'cancelled')),
    started_at BIGINT NOT NULL,
    ended_at BIGINT
);

CREATE INDEX contracts_freelancer ON freelance_contracts
    (freelancer_id, status, started_at, id);
CREATE INDEX contracts_freelancer_started ON freelance_contracts
    (freelancer_id, started_at, id);
CREATE INDEX contracts_client ON freelance_contracts (client_id, status, started_at, id);
CREATE INDEX contracts_job ON freelance_contracts (job_posting_id);

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES freelance_contracts(id),
    reviewer_id INTEGER NOT NULL REFERENCES users(id),
    reviewee_id INTEGER NOT NULL REFERENCES users(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    UNIQUE (contract_id, reviewer_id)
);

CREATE INDEX reviews_reviewee ON reviews (reviewee_id, created_at, id);
