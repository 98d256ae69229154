-- Marketplace analytics kept current by the writes: counter tables that
-- triggers keep right in the same transaction as each insert, update or
-- delete, so that GET /analytics/marketplace reads a few small tables
-- instead of scanning jobs, profiles and proposals.
--
-- A job or profile without a category is counted under category_key 0
-- (category ids start at 1): NULL cannot be a conflict target.
-- A job's week is the Monday 00:00 UTC that starts the week holding its
-- posted_at; 1970-01-05 (epoch second 345600) was a Monday.
-- store_analytics_rebuild() in src/store/analytics.c recomputes every
-- counter with the same statements as the back-fill at the end of this
-- file; keep the two alike.

CREATE TABLE analytics_jobs (              -- jobs by category and status
    category_key INTEGER NOT NULL,
    status TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (category_key, status)
) WITHOUT ROWID;

CREATE TABLE analytics_budgets (           -- fixed jobs with a budget
    category_key INTEGER PRIMARY KEY,
    jobs INTEGER NOT NULL,
    total_cents INTEGER NOT NULL             -- sum of budget_max_cents
);

CREATE TABLE analytics_budget_values (     -- the same by budget_max_cents
    category_key INTEGER NOT NULL,
    value INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (category_key, value)
) WITHOUT ROWID;

CREATE TABLE analytics_rates (             -- profiles with a rate
    category_key INTEGER PRIMARY KEY,
    profiles INTEGER NOT NULL,
    total_cents INTEGER NOT NULL             -- sum of hourly_rate_cents
);

CREATE TABLE analytics_rate_values (       -- the same by hourly_rate_cents
    category_key INTEGER NOT NULL,
    value INTEGER NOT NULL,
    profiles INTEGER NOT NULL,
    PRIMARY KEY (category_key, value)
) WITHOUT ROWID;

CREATE TABLE analytics_proposals (
    status TEXT PRIMARY KEY,
    proposals INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_users (
    role TEXT PRIMARY KEY,
    users INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_contracts (
    status TEXT PRIMARY KEY,
    contracts INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE analytics_skill_demand (      -- open jobs naming the skill
    skill_id INTEGER PRIMARY KEY,
    jobs INTEGER NOT NULL
);

CREATE INDEX analytics_skill_demand_jobs ON analytics_skill_demand (jobs);

CREATE TABLE analytics_skill_supply (      -- profiles naming the skill
    skill_id INTEGER PRIMARY KEY,
    profiles INTEGER NOT NULL
);

CREATE INDEX analytics_skill_supply_profiles ON analytics_skill_supply
    (profiles);

CREATE TABLE analytics_job_weeks (         -- jobs by week of posting
    week_start INTEGER PRIMARY KEY,
    jobs INTEGER NOT NULL
);

-- ---- jobs ----

CREATE TRIGGER analytics_jobs_insert AFTER INSERT ON freelance_job_postings
BEGIN
    INSERT INTO analytics_jobs (category_key, status, jobs)
    VALUES (COALESCE(new.category_id, 0), new.status, 1)
    ON CONFLICT (category_key, status) DO UPDATE SET jobs = jobs + 1;
    INSERT INTO analytics_budgets (category_key, jobs, total_cents)
    SELECT COALESCE(new.category_id, 0), 1, new.budget_max_cents
    WHERE new.budget_type = 'fixed' AND new.budget_max_cents IS NOT NULL
    ON CONFLICT (category_key) DO UPDATE
    SET jobs = jobs + 1, total_cents = total_cents + excluded.total_cents;
    INSERT INTO analytics_budget_values (category_key, value, jobs)
    SELECT COALESCE(new.category_id, 0), new.budget_max_cents, 1
    WHERE new.budget_type = 'fixed' AND new.budget_max_cents IS NOT NULL
    ON CONFLICT (category_key, value) DO UPDATE SET jobs = jobs + 1;
    INSERT INTO analytics_job_weeks (week_start, jobs)
    VALUES (new.posted_at
            - ((new.posted_at - 345600) % 604800 + 604800) % 604800, 1)
    ON CONFLICT (week_start) DO UPDATE SET jobs = jobs + 1;
    -- Skills written before their job (the seed does) count from here.
    INSERT INTO analytics_skill_demand (skill_id, jobs)
    SELECT skill_id, 1 FROM job_skills
    WHERE job_id = new.id AND new.status = 'open'
    ON CONFLICT (skill_id) DO UPDATE SET jobs = jobs + 1;
END;

-- BEFORE: the job's skills are still there to uncount; the cascade that
-- deletes them then finds no job and changes nothing.
CREATE TRIGGER analytics_jobs_delete BEFORE DELETE ON freelance_job_postings
BEGIN
    UPDATE analytics_jobs SET jobs = jobs - 1
    WHERE category_key = COALESCE(old.category_id, 0)
      AND status = old.status;
    UPDATE analytics_budgets
    SET jobs = jobs - 1, total_cents = total_cents - old.budget_max_cents
    WHERE old.budget_type = 'fixed'
      AND category_key = COALESCE(old.category_id, 0)
      AND old.budget_max_cents IS NOT NULL;
    UPDATE analytics_budget_values SET jobs = jobs - 1
    WHERE old.budget_type = 'fixed'
      AND category_key = COALESCE(old.category_id, 0)
      AND value = old.budget_max_cents;
    DELETE FROM analytics_budget_values
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.budget_max_cents AND jobs = 0;
    UPDATE analytics_job_weeks SET jobs = jobs - 1
    WHERE week_start = old.posted_at
          - ((old.posted_at - 345600) % 604800 + 604800) % 604800;
    UPDATE analytics_skill_demand SET jobs = jobs - 1
    WHERE old.status = 'open'
      AND skill_id IN (SELECT skill_id FROM job_skills
                       WHERE job_id = old.id);
END;

CREATE TRIGGER analytics_jobs_update_status
AFTER UPDATE OF category_id, status ON freelance_job_postings
WHEN old.category_id IS NOT new.category_id OR old.status IS NOT new.status
BEGIN
    UPDATE analytics_jobs SET jobs = jobs - 1
    WHERE category_key = COALESCE(old.category_id, 0)
      AND status = old.status;
    INSERT INTO analytics_jobs (category_key, status, jobs)
    VALUES (COALESCE(new.category_id, 0), new.status, 1)
    ON CONFLICT (category_key, status) DO UPDATE SET jobs = jobs + 1;
END;

CREATE TRIGGER analytics_jobs_update_budget
AFTER UPDATE OF category_id, budget_type, budget_max_cents
    ON freelance_job_postings
WHEN old.category_id IS NOT new.category_id
  OR old.budget_type IS NOT new.budget_type
  OR old.budget_max_cents IS NOT new.budget_max_cents
BEGIN
    UPDATE analytics_budgets
    SET jobs = jobs - 1, total_cents = total_cents - old.budget_max_cents
    WHERE old.budget_type = 'fixed'
      AND category_key = COALESCE(old.category_id, 0)
      AND old.budget_max_cents IS NOT NULL;
    UPDATE analytics_budget_values SET jobs = jobs - 1
    WHERE old.budget_type = 'fixed'
      AND category_key = COALESCE(old.category_id, 0)
      AND value = old.budget_max_cents;
    DELETE FROM analytics_budget_values
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.budget_max_cents AND jobs = 0;
    INSERT INTO analytics_budgets (category_key, jobs, total_cents)
    SELECT COALESCE(new.category_id, 0), 1, new.budget_max_cents
    WHERE new.budget_type = 'fixed' AND new.budget_max_cents IS NOT NULL
    ON CONFLICT (category_key) DO UPDATE
    SET jobs = jobs + 1, total_cents = total_cents + excluded.total_cents;
    INSERT INTO analytics_budget_values (category_key, value, jobs)
    SELECT COALESCE(new.category_id, 0), new.budget_max_cents, 1
    WHERE new.budget_type = 'fixed' AND new.budget_max_cents IS NOT NULL
    ON CONFLICT (category_key, value) DO UPDATE SET jobs = jobs + 1;
END;

CREATE TRIGGER analytics_jobs_update_week
AFTER UPDATE OF posted_at ON freelance_job_postings
WHEN old.posted_at IS NOT new.posted_at
BEGIN
    UPDATE analytics_job_weeks SET jobs = jobs - 1
    WHERE week_start = old.posted_at
          - ((old.posted_at - 345600) % 604800 + 604800) % 604800;
    INSERT INTO analytics_job_weeks (week_start, jobs)
    VALUES (new.posted_at
            - ((new.posted_at - 345600) % 604800 + 604800) % 604800, 1)
    ON CONFLICT (week_start) DO UPDATE SET jobs = jobs + 1;
END;

CREATE TRIGGER analytics_jobs_update_demand
AFTER UPDATE OF id, status ON freelance_job_postings
WHEN old.id IS NOT new.id
  OR (old.status = 'open') IS NOT (new.status = 'open')
BEGIN
    UPDATE analytics_skill_demand SET jobs = jobs - 1
    WHERE old.status = 'open'
      AND skill_id IN (SELECT skill_id FROM job_skills
                       WHERE job_id = old.id);
    INSERT INTO analytics_skill_demand (skill_id, jobs)
    SELECT skill_id, 1 FROM job_skills
    WHERE job_id = new.id AND new.status = 'open'
    ON CONFLICT (skill_id) DO UPDATE SET jobs = jobs + 1;
END;

-- ---- skills of jobs: counted while the job exists and is open ----

CREATE TRIGGER analytics_job_skills_insert AFTER INSERT ON job_skills
BEGIN
    INSERT INTO analytics_skill_demand (skill_id, jobs)
    SELECT new.skill_id, 1 FROM freelance_job_postings
    WHERE id = new.job_id AND status = 'open'
    ON CONFLICT (skill_id) DO UPDATE SET jobs = jobs + 1;
END;

CREATE TRIGGER analytics_job_skills_delete AFTER DELETE ON job_skills
BEGIN
    UPDATE analytics_skill_demand SET jobs = jobs - 1
    WHERE skill_id = old.skill_id
      AND EXISTS (SELECT 1 FROM freelance_job_postings
                  WHERE id = old.job_id AND status = 'open');
END;

CREATE TRIGGER analytics_job_skills_update AFTER UPDATE ON job_skills
BEGIN
    UPDATE analytics_skill_demand SET jobs = jobs - 1
    WHERE skill_id = old.skill_id
      AND EXISTS (SELECT 1 FROM freelance_job_postings
                  WHERE id = old.job_id AND status = 'open');
    INSERT INTO analytics_skill_demand (skill_id, jobs)
    SELECT new.skill_id, 1 FROM freelance_job_postings
    WHERE id = new.job_id AND status = 'open'
    ON CONFLICT (skill_id) DO UPDATE SET jobs = jobs + 1;
END;

-- ---- profiles and their skills ----

CREATE TRIGGER analytics_profiles_insert AFTER INSERT ON freelance_profiles
WHEN new.hourly_rate_cents IS NOT NULL
BEGIN
    INSERT INTO analytics_rates (category_key, profiles, total_cents)
    VALUES (COALESCE(new.category_id, 0), 1, new.hourly_rate_cents)
    ON CONFLICT (category_key) DO UPDATE SET profiles = profiles + 1,
        total_cents = total_cents + excluded.total_cents;
    INSERT INTO analytics_rate_values (category_key, value, profiles)
    VALUES (COALESCE(new.category_id, 0), new.hourly_rate_cents, 1)
    ON CONFLICT (category_key, value) DO UPDATE SET profiles = profiles + 1;
END;

CREATE TRIGGER analytics_profiles_delete AFTER DELETE ON freelance_profiles
WHEN old.hourly_rate_cents IS NOT NULL
BEGIN
    UPDATE analytics_rates
    SET profiles = profiles - 1,
        total_cents = total_cents - old.hourly_rate_cents
    WHERE category_key = COALESCE(old.category_id, 0)
      AND old.hourly_rate_cents IS NOT NULL;
    UPDATE analytics_rate_values SET profiles = profiles - 1
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.hourly_rate_cents;
    DELETE FROM analytics_rate_values
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.hourly_rate_cents AND profiles = 0;
END;

CREATE TRIGGER analytics_profiles_update
AFTER UPDATE OF category_id, hourly_rate_cents ON freelance_profiles
WHEN old.category_id IS NOT new.category_id
  OR old.hourly_rate_cents IS NOT new.hourly_rate_cents
BEGIN
    UPDATE analytics_rates
    SET profiles = profiles - 1,
        total_cents = total_cents - old.hourly_rate_cents
    WHERE category_key = COALESCE(old.category_id, 0)
      AND old.hourly_rate_cents IS NOT NULL;
    UPDATE analytics_rate_values SET profiles = profiles - 1
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.hourly_rate_cents;
    DELETE FROM analytics_rate_values
    WHERE category_key = COALESCE(old.category_id, 0)
      AND value = old.hourly_rate_cents AND profiles = 0;
    INSERT INTO analytics_rates (category_key, profiles, total_cents)
    SELECT COALESCE(new.category_id, 0), 1, new.hourly_rate_cents
    WHERE new.hourly_rate_cents IS NOT NULL
    ON CONFLICT (category_key) DO UPDATE SET profiles = profiles + 1,
        total_cents = total_cents + excluded.total_cents;
    INSERT INTO analytics_rate_values (category_key, value, profiles)
    SELECT COALESCE(new.category_id, 0), new.hourly_rate_cents, 1
    WHERE new.hourly_rate_cents IS NOT NULL
    ON CONFLICT (category_key, value) DO UPDATE SET profiles = profiles + 1;
END;

CREATE TRIGGER analytics_profile_skills_insert AFTER INSERT ON profile_skills
BEGIN
    INSERT INTO analytics_skill_supply (skill_id, profiles)
    VALUES (new.skill_id, 1)
    ON CONFLICT (skill_id) DO UPDATE SET profiles = profiles + 1;
END;

CREATE TRIGGER analytics_profile_skills_delete AFTER DELETE ON profile_skills
BEGIN
    UPDATE analytics_skill_supply SET profiles = profiles - 1
    WHERE skill_id = old.skill_id;
END;

CREATE TRIGGER analytics_profile_skills_update
AFTER UPDATE OF skill_id ON profile_skills
WHEN old.skill_id IS NOT new.skill_id
BEGIN
    UPDATE analytics_skill_supply SET profiles = profiles - 1
    WHERE skill_id = old.skill_id;
    INSERT INTO analytics_skill_supply (skill_id, profiles)
    VALUES (new.skill_id, 1)
    ON CONFLICT (skill_id) DO UPDATE SET profiles = profiles + 1;
END;

-- ---- proposals, users, contracts: counts by one column ----

CREATE TRIGGER analytics_proposals_insert AFTER INSERT ON freelance_proposals
BEGIN
    INSERT INTO analytics_proposals (status, proposals)
    VALUES (new.status, 1)
    ON CONFLICT (status) DO UPDATE SET proposals = proposals + 1;
END;

CREATE TRIGGER analytics_proposals_delete AFTER DELETE ON freelance_proposals
BEGIN
    UPDATE analytics_proposals SET proposals = proposals - 1
    WHERE status = old.status;
END;

CREATE TRIGGER analytics_proposals_update
AFTER UPDATE OF status ON freelance_proposals
WHEN old.status IS NOT new.status
BEGIN
    UPDATE analytics_proposals SET proposals = proposals - 1
    WHERE status = old.status;
    INSERT INTO analytics_proposals (status, proposals)
    VALUES (new.status, 1)
    ON CONFLICT (status) DO UPDATE SET proposals = proposals + 1;
END;

CREATE TRIGGER analytics_users_insert AFTER INSERT ON users
BEGIN
    INSERT INTO analytics_users (role, users) VALUES (new.role, 1)
    ON CONFLICT (role) DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER analytics_users_delete AFTER DELETE ON users
BEGIN
    UPDATE analytics_users SET users = users - 1 WHERE role = old.role;
END;

CREATE TRIGGER analytics_users_update AFTER UPDATE OF role ON users
WHEN old.role IS NOT new.role
BEGIN
    UPDATE analytics_users SET users = users - 1 WHERE role = old.role;
    INSERT INTO analytics_users (role, users) VALUES (new.role, 1)
    ON CONFLICT (role) DO UPDATE SET users = users + 1;
END;

CREATE TRIGGER analytics_contracts_insert AFTER INSERT ON freelance_contracts
BEGIN
    INSERT INTO analytics_contracts (status, contracts)
    VALUES (new.status, 1)
    ON CONFLICT (status) DO UPDATE SET contracts = contracts + 1;
END;

CREATE TRIGGER analytics_contracts_delete AFTER DELETE ON freelance_contracts
BEGIN
    UPDATE analytics_contracts SET contracts = contracts - 1
    WHERE status = old.status;
END;

CREATE TRIGGER analytics_contracts_update
AFTER UPDATE OF status ON freelance_contracts
WHEN old.status IS NOT new.status
BEGIN
    UPDATE analytics_contracts SET contracts = contracts - 1
    WHERE status = old.status;
    INSERT INTO analytics_contracts (status, contracts)
    VALUES (new.status, 1)
    ON CONFLICT (status) DO UPDATE SET contracts = contracts + 1;
END;

-- ---- back-fill from the rows already there ----

INSERT INTO analytics_budgets (category_key, jobs, total_cents)
SELECT COALESCE(category_id, 0), COUNT(*), SUM(budget_max_cents)
FROM freelance_job_postings
WHERE budget_type = 'fixed' AND budget_max_cents IS NOT NULL
GROUP BY 1;

INSERT INTO analytics_rates (category_key, profiles, total_cents)
SELECT COALESCE(category_id, 0), COUNT(*), SUM(hourly_rate_cents)
FROM freelance_profiles WHERE hourly_rate_cents IS NOT NULL
GROUP BY 1;

INSERT INTO analytics_jobs (category_key, status, jobs)
SELECT COALESCE(category_id, 0), status, COUNT(*)
FROM freelance_job_postings GROUP BY 1, 2;

INSERT INTO analytics_budget_values (category_key, value, jobs)
SELECT COALESCE(category_id, 0), budget_max_cents, COUNT(*)
FROM freelance_job_postings
WHERE budget_type = 'fixed' AND budget_max_cents IS NOT NULL
GROUP BY 1, 2;

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
