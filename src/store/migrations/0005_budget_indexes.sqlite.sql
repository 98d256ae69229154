-- Job searches by budget read their count and their page from an index
-- alone. The budget filter keeps jobs whose budget_max_cents is at least
-- the asked minimum and whose budget_min_cents is at most the asked
-- maximum: both bounds are in each index, after the sort keys
-- (budget_max_cents, id), so that a walk in either budget order needs no
-- sort and no visit to the jobs' rows. With a category, the category
-- narrows the walk first.

DROP INDEX jobs_status_budget;
CREATE INDEX jobs_status_budget ON freelance_job_postings
    (status, budget_max_cents, id, budget_min_cents);
CREATE INDEX jobs_status_category_budget ON freelance_job_postings
    (status, category_id, budget_max_cents, id, budget_min_cents);

-- The planner weighs an index by the statistics ANALYZE keeps: a database
-- analysed before this migration would know the older indexes and not
-- these, and might pick one of these where it does not fit. The jobs'
-- statistics are taken again (sampled, as seed does; maintain takes them
-- whole). On a database never analysed this records nothing.
PRAGMA analysis_limit=1000;
ANALYZE freelance_job_postings;
