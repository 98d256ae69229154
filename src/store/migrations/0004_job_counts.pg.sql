-- How many jobs each (status, category, experience level) holds, kept by
-- a trigger in the same transaction as each job write: the total of a job
-- search whose only filters are these three is read from here instead of
-- counting the matching jobs one by one. A job without a category counts
-- under category_key 0, one without a level under level_key ''.
-- store_analytics_rebuild_sql() recomputes it with the back-fill below;
-- keep the two alike.

CREATE TABLE job_counts (
    status TEXT NOT NULL,
    category_key BIGINT NOT NULL,
    level_key TEXT NOT NULL,
    jobs BIGINT NOT NULL,
    PRIMARY KEY (status, category_key, level_key)
);

CREATE FUNCTION job_counts_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE job_counts SET jobs = jobs - 1
        WHERE status = OLD.status
          AND category_key = COALESCE(OLD.category_id, 0)
          AND level_key = COALESCE(OLD.experience_level, '');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO job_counts AS c (status, category_key, level_key, jobs)
        VALUES (NEW.status, COALESCE(NEW.category_id, 0),
                COALESCE(NEW.experience_level, ''), 1)
        ON CONFLICT (status, category_key, level_key)
        DO UPDATE SET jobs = c.jobs + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER job_counts_insert AFTER INSERT ON freelance_job_postings
    FOR EACH ROW EXECUTE FUNCTION job_counts_trigger();

CREATE TRIGGER job_counts_delete AFTER DELETE ON freelance_job_postings
    FOR EACH ROW EXECUTE FUNCTION job_counts_trigger();

CREATE TRIGGER job_counts_update AFTER UPDATE ON freelance_job_postings
    FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.experience_level IS DISTINCT FROM NEW.experience_level)
    EXECUTE FUNCTION job_counts_trigger();

INSERT INTO job_counts (status, category_key, level_key, jobs)
SELECT status, COALESCE(category_id, 0), COALESCE(experience_level, ''),
       COUNT(*)
FROM freelance_job_postings GROUP BY 1, 2, 3;
