-- Job searches by budget read their count and their page from an index
-- alone. The budget filter keeps jobs whose budget_max_cents is at least
-- the asked minimum and whose budget_min_cents is at most the asked
-- maximum: the sort keys lead each index in the order of the highest
-- budget first (budget_max_cents DESC NULLS LAST, id DESC), and the other
-- bound is carried along, so that such a walk needs no sort and no visit
-- to the jobs' rows. With a category, the category narrows the walk first.
--
-- LIMITATION: a B-tree read backwards puts NULLs first, so the lowest
-- budget first (budget_asc, NULLS LAST) cannot walk these indexes in
-- order: PostgreSQL sorts the matches of such a search (SQLite walks its
-- indexes either way). Costs a sort of every match of the filters, which
-- bites on broad budget_asc searches of large databases.

DROP INDEX jobs_status_budget;
CREATE INDEX jobs_status_budget ON freelance_job_postings
    (status, budget_max_cents DESC NULLS LAST, id DESC)
    INCLUDE (budget_min_cents);
CREATE INDEX jobs_status_category_budget ON freelance_job_postings
    (status, category_id, budget_max_cents DESC NULLS LAST, id DESC)
    INCLUDE (budget_min_cents);

-- The planner's statistics of the jobs, taken again with the new indexes.
ANALYZE freelance_job_postings;
