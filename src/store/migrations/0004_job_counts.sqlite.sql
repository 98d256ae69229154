-- How many jobs each (status, category, experience level) holds, kept by
-- triggers in the same transaction as each job write: the total of a job
-- search whose only filters are these three is read from here instead of
-- counting the matching jobs one by one. A job without a category counts
-- under category_key 0, one without a level under level_key ''.
-- store_analytics_rebuild_sql() recomputes it with the back-fill below;
-- keep the two alike.

CREATE TABLE job_counts (
    status TEXT NOT NULL,
    category_key INTEGER NOT NULL,
    level_key TEXT NOT NULL,
    jobs INTEGER NOT NULL,
    PRIMARY KEY (status, category_key, level_key)
) WITHOUT ROWID;

CREATE TRIGGER job_counts_insert AFTER INSERT ON freelance_job_postings
BEGIN
    INSERT INTO job_counts (status, category_key, level_key, jobs)
    VALUES (new.status, COALESCE(new.category_id, 0),
            COALESCE(new.experience_level, ''), 1)
    ON CONFLICT (status, category_key, level_key)
    DO UPDATE SET jobs = jobs + 1;
END;

CREATE TRIGGER job_counts_delete AFTER DELETE ON freelance_job_postings
BEGIN
    UPDATE job_counts SET jobs = jobs - 1
    WHERE status = old.status
      AND category_key = COALESCE(old.category_id, 0)
      AND level_key = COALESCE(old.experience_level, '');
END;

CREATE TRIGGER job_counts_update
AFTER UPDATE OF status, category_id, experience_level
ON freelance_job_postings
WHEN old.status IS NOT new.status
  OR old.category_id IS NOT new.category_id
  OR old.experience_level IS NOT new.experience_level
BEGIN
    UPDATE job_counts SET jobs = jobs - 1
    WHERE status = old.status
      AND category_key = COALESCE(old.category_id, 0)
      AND level_key = COALESCE(old.experience_level, '');
    INSERT INTO job_counts (status, category_key, level_key, jobs)
    VALUES (new.status, COALESCE(new.category_id, 0),
            COALESCE(new.experience_level, ''), 1)
    ON CONFLICT (status, category_key, level_key)
    DO UPDATE SET jobs = jobs + 1;
END;

INSERT INTO job_counts (status, category_key, level_key, jobs)
SELECT status, COALESCE(category_id, 0), COALESCE(experience_level, ''),
       COUNT(*)
FROM freelance_job_postings GROUP BY 1, 2, 3;
