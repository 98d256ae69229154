-- Marketplace analytics kept current by the writes (PostgreSQL): the same
-- counter tables as 0003_analytics.sqlite.sql, kept by PL/pgSQL triggers
-- in the transaction of each insert, update or delete.
--
-- A job or profile without a category is counted under category_key 0
-- (category ids start at 1). A job's week is the Monday 00:00 UTC that
-- starts the week holding its posted_at (analytics_week).
-- store_analytics_rebuild() in src/store/analytics.c recomputes every
-- counter with the same statements as the back-fill at the end of this
-- file; keep the two alike.
-- Writers take one advisory lock per transaction (db_pg.c), so the hot
-- counter rows add no lock waits or deadlocks of their own.

CREATE TABLE analytics_jobs (
    category_key BIGINT NOT NULL,
    status TEXT NOT NULL,
    jobs BIGINT NOT NULL,
    PRIMARY KEY (category_key, status)
);

CREATE TABLE analytics_budgets (
    category_key BIGINT PRIMARY KEY,
    jobs BIGINT NOT NULL,
    total_cents BIGINT NOT NULL
);

CREATE TABLE analytics_budget_values (
    category_key BIGINT NOT NULL,
    value BIGINT NOT NULL,
    jobs BIGINT NOT NULL,
    PRIMARY KEY (category_key, value)
);

CREATE TABLE analytics_rates (
    category_key BIGINT PRIMARY KEY,
    profiles BIGINT NOT NULL,
    total_cents BIGINT NOT NULL
);

CREATE TABLE analytics_rate_values (
    category_key BIGINT NOT NULL,
    value BIGINT NOT NULL,
    profiles BIGINT NOT NULL,
    PRIMARY KEY (category_key, value)
);

CREATE TABLE analytics_proposals (
    status TEXT PRIMARY KEY,
    proposals BIGINT NOT NULL
);

CREATE TABLE analytics_users (
    role TEXT PRIMARY KEY,
    users BIGINT NOT NULL
);

CREATE TABLE analytics_contracts (
    status TEXT PRIMARY KEY,
    contracts BIGINT NOT NULL
);

CREATE TABLE analytics_skill_demand (
    skill_id BIGINT PRIMARY KEY,
    jobs BIGINT NOT NULL
);

CREATE INDEX analytics_skill_demand_jobs ON analytics_skill_demand (jobs);

CREATE TABLE analytics_skill_supply (
    skill_id BIGINT PRIMARY KEY,
    profiles BIGINT NOT NULL
);

CREATE INDEX analytics_skill_supply_profiles ON analytics_skill_supply
    (profiles);

CREATE TABLE analytics_job_weeks (
    week_start BIGINT PRIMARY KEY,
    jobs BIGINT NOT NULL
);

CREATE FUNCTION analytics_week(t BIGINT) RETURNS BIGINT
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN t - ((t - 345600) % 604800 + 604800) % 604800;

-- ---- jobs: d = 1 counts job j in, d = -1 counts it out ----

CREATE FUNCTION analytics_job_count(j freelance_job_postings, d BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT := COALESCE(j.category_id, 0);
BEGIN
    INSERT INTO analytics_jobs AS a (category_key, status, jobs)
    VALUES (k, j.status, d)
    ON CONFLICT (category_key, status) DO UPDATE SET jobs = a.jobs + d;
    IF j.budget_type = 'fixed' AND j.budget_max_cents IS NOT NULL THEN
        INSERT INTO analytics_budgets AS a (category_key, jobs, total_cents)
        VALUES (k, d, d * j.budget_max_cents)
        ON CONFLICT (category_key) DO UPDATE
        SET jobs = a.jobs + d,
            total_cents = a.total_cents + d * j.budget_max_cents;
        INSERT INTO analytics_budget_values AS a (category_key, value, jobs)
        VALUES (k, j.budget_max_cents, d)
        ON CONFLICT (category_key, value) DO UPDATE SET jobs = a.jobs + d;
        DELETE FROM analytics_budget_values
        WHERE category_key = k AND value = j.budget_max_cents AND jobs = 0;
    END IF;
    INSERT INTO analytics_job_weeks AS a (week_start, jobs)
    VALUES (analytics_week(j.posted_at), d)
    ON CONFLICT (week_start) DO UPDATE SET jobs = a.jobs + d;
    -- Skills written before their job count from here.
    IF j.status = 'open' THEN
        INSERT INTO analytics_skill_demand AS a (skill_id, jobs)
        SELECT skill_id, d FROM job_skills WHERE job_id = j.id
        ON CONFLICT (skill_id) DO UPDATE SET jobs = a.jobs + d;
    END IF;
END $$;

CREATE FUNCTION analytics_jobs_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM analytics_job_count(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM analytics_job_count(NEW, 1);
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

CREATE TRIGGER analytics_jobs_insert AFTER INSERT ON freelance_job_postings
    FOR EACH ROW EXECUTE FUNCTION analytics_jobs_trigger();

-- BEFORE: the job's skills are still there to uncount; the cascade that
-- deletes them then finds no job and changes nothing.
CREATE TRIGGER analytics_jobs_delete BEFORE DELETE ON freelance_job_postings
    FOR EACH ROW EXECUTE FUNCTION analytics_jobs_trigger();

CREATE TRIGGER analytics_jobs_update AFTER UPDATE ON freelance_job_postings
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.budget_type IS DISTINCT FROM NEW.budget_type
          OR OLD.budget_max_cents IS DISTINCT FROM NEW.budget_max_cents
          OR OLD.posted_at IS DISTINCT FROM NEW.posted_at)
    EXECUTE FUNCTION analytics_jobs_trigger();

-- ---- skills of jobs: counted while the job exists and is open ----

CREATE FUNCTION analytics_job_skills_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_skill_demand SET jobs = jobs - 1
        WHERE skill_id = OLD.skill_id
          AND EXISTS (SELECT 1 FROM freelance_job_postings
                      WHERE id = OLD.job_id AND status = 'open');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_skill_demand AS a (skill_id, jobs)
        SELECT NEW.skill_id, 1 FROM freelance_job_postings
        WHERE id = NEW.job_id AND status = 'open'
        ON CONFLICT (skill_id) DO UPDATE SET jobs = a.jobs + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_job_skills AFTER INSERT OR UPDATE OR DELETE
    ON job_skills
    FOR EACH ROW EXECUTE FUNCTION analytics_job_skills_trigger();

-- ---- profiles and their skills ----

CREATE FUNCTION analytics_profile_count(p freelance_profiles, d BIGINT)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT := COALESCE(p.category_id, 0);
BEGIN
    IF p.hourly_rate_cents IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO analytics_rates AS a (category_key, profiles, total_cents)
    VALUES (k, d, d * p.hourly_rate_cents)
    ON CONFLICT (category_key) DO UPDATE
    SET profiles = a.profiles + d,
        total_cents = a.total_cents + d * p.hourly_rate_cents;
    INSERT INTO analytics_rate_values AS a (category_key, value, profiles)
    VALUES (k, p.hourly_rate_cents, d)
    ON CONFLICT (category_key, value) DO UPDATE
    SET profiles = a.profiles + d;
    DELETE FROM analytics_rate_values
    WHERE category_key = k AND value = p.hourly_rate_cents AND profiles = 0;
END $$;

CREATE FUNCTION analytics_profiles_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM analytics_profile_count(OLD, -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM analytics_profile_count(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_profiles AFTER INSERT OR DELETE
    ON freelance_profiles
    FOR EACH ROW EXECUTE FUNCTION analytics_profiles_trigger();

CREATE TRIGGER analytics_profiles_update AFTER UPDATE ON freelance_profiles
    FOR EACH ROW
    WHEN (OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.hourly_rate_cents IS DISTINCT FROM NEW.hourly_rate_cents)
    EXECUTE FUNCTION analytics_profiles_trigger();

CREATE FUNCTION analytics_profile_skills_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_skill_supply SET profiles = profiles - 1
        WHERE skill_id = OLD.skill_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_skill_supply AS a (skill_id, profiles)
        VALUES (NEW.skill_id, 1)
        ON CONFLICT (skill_id) DO UPDATE SET profiles = a.profiles + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_profile_skills AFTER INSERT OR UPDATE OR DELETE
    ON profile_skills
    FOR EACH ROW EXECUTE FUNCTION analytics_profile_skills_trigger();

-- ---- proposals, users, contracts: counts by one column ----

CREATE FUNCTION analytics_proposals_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_proposals SET proposals = proposals - 1
        WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_proposals AS a (status, proposals)
        VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET proposals = a.proposals + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_proposals AFTER INSERT OR DELETE
    ON freelance_proposals
    FOR EACH ROW EXECUTE FUNCTION analytics_proposals_trigger();

CREATE TRIGGER analytics_proposals_update AFTER UPDATE OF status
    ON freelance_proposals
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION analytics_proposals_trigger();

CREATE FUNCTION analytics_users_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_users SET users = users - 1 WHERE role = OLD.role;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_users AS a (role, users) VALUES (NEW.role, 1)
        ON CONFLICT (role) DO UPDATE SET users = a.users + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_users AFTER INSERT OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION analytics_users_trigger();

CREATE TRIGGER analytics_users_update AFTER UPDATE OF role ON users
    FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role)
    EXECUTE FUNCTION analytics_users_trigger();

CREATE FUNCTION analytics_contracts_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE analytics_contracts SET contracts = contracts - 1
        WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO analytics_contracts AS a (status, contracts)
        VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET contracts = a.contracts + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_contracts AFTER INSERT OR DELETE
    ON freelance_contracts
    FOR EACH ROW EXECUTE FUNCTION analytics_contracts_trigger();

CREATE TRIGGER analytics_contracts_update AFTER UPDATE OF status
    ON freelance_contracts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION analytics_contracts_trigger();

-- ---- back-fill from the rows already there ----

INSERT INTO analytics_jobs (category_key, status, jobs)
SELECT COALESCE(category_id, 0), status, COUNT(*)
FROM freelance_job_postings GROUP BY 1, 2;

INSERT INTO analytics_budgets (category_key, jobs, total_cents)
SELECT COALESCE(category_id, 0), COUNT(*), SUM(budget_max_cents)
FROM freelance_job_postings
WHERE budget_type = 'fixed' AND budget_max_cents IS NOT NULL
GROUP BY 1;

INSERT INTO analytics_budget_values (category_key, value, jobs)
SELECT COALESCE(category_id, 0), budget_max_cents, COUNT(*)
FROM freelance_job_postings
WHERE budget_type = 'fixed' AND budget_max_cents IS NOT NULL
GROUP BY 1, 2;

INSERT INTO analytics_rates (category_key, profiles, total_cents)
SELECT COALESCE(category_id, 0), COUNT(*), SUM(hourly_rate_cents)
FROM freelance_profiles WHERE hourly_rate_cents IS NOT NULL
GROUP BY 1;

INSERT INTO analytics_rate_values (category_key, value, profiles)
SELECT COALESCE(category_id, 0), hourly_rate_cents, COUNT(*)
FROM freelance_profiles WHERE hourly_rate_cents IS NOT NULL
GROUP BY 1, 2;

INSERT INTO analytics_proposals (status, proposals)
SELECT status, COUNT(*) FROM freelance_proposals GROUP BY 1;

INSERT INTO analytics_users (role, users)
SELECT role, COUNT(*) FROM users GROUP BY 1;

INSERT INTO analytics_contracts (status, contracts)
SELECT status, COUNT(*) FROM freelance_contracts GROUP BY 1;

INSERT INTO analytics_skill_demand (skill_id, jobs)
SELECT js.skill_id, COUNT(*) FROM job_skills js
JOIN freelance_job_postings j ON j.id = js.job_id
WHERE j.status = 'open' GROUP BY 1;

INSERT INTO analytics_skill_supply (skill_id, profiles)
SELECT skill_id, COUNT(*) FROM profile_skills GROUP BY 1;

INSERT INTO analytics_job_weeks (week_start, jobs)
SELECT posted_at - ((posted_at - 345600) % 604800 + 604800) % 604800,
       COUNT(*)
FROM freelance_job_postings GROUP BY 1;
