/* Job postings: writing them (create, edit, close), reading one, listing a
 * job's proposals, and the search with its filters, sorts and text match. */
#ifndef FH_STORE_JOBS_H
#define FH_STORE_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

#define JOBS_TEXT_MAX 200  /* code points in a search text */
#define JOBS_TEXT_WORDS_MAX 16  /* distinct words in it: each costs every match */

enum job_sort {
    JOB_SORT_NEWEST,       /* posted_at DESC, id DESC */
    JOB_SORT_BUDGET_ASC,   /* budget_max_cents ASC NULLS LAST, id ASC */
    JOB_SORT_BUDGET_DESC,  /* budget_max_cents DESC NULLS LAST, id DESC */
    JOB_SORT_RELEVANCE,    /* bm25 (title above description), id DESC */
};

/* What a search asks for. Optional filters are off when their has_ flag is
 * false (or their pointer NULL, or their id 0). */
typedef struct job_search {
    const char *text;            /* the user's words, or NULL */
    const char *status;          /* open, in_progress, closed, cancelled */
    int64_t category_id;         /* 0 = any */
    const char *experience_level;/* NULL = any */
    const char *skill;           /* a skill name; NULL = any */
    bool has_budget_min;
    int64_t budget_min_cents;    /* keeps jobs whose max >= it */
    bool has_budget_max;
    int64_t budget_max_cents;    /* keeps jobs whose min <= it */
    bool has_posted_after;
    int64_t posted_after;        /* epoch seconds; keeps posted_at > it */
    enum job_sort sort;          /* relevance without usable text: newest */
    int64_t limit, offset;
} job_search_t;

/* Turns user text into an FTS5 query in which nothing is syntax: each
 * whitespace-separated word that holds a letter or digit becomes a quoted
 * phrase (inner quotes doubled); the phrases are ANDed, a word repeated
 * (up to ASCII case and punctuation) only once. Writes at most cap bytes
 * into out. Returns the number of distinct words, counting no further than
 * JOBS_TEXT_WORDS_MAX + 1: 0 when none is left (no text filter). */
int store_jobs_match_text(const char *text, char *out, size_t cap);

/* Creates a job of client_id from a checked body (fields of POST /jobs) in
 * one transaction, skills included, and gives the new job as GET shows it.
 * FH_EINVAL sets *field to the member at fault (category_id unknown,
 * budget_max_cents below budget_min_cents, a blank skill name). */
int store_job_create(db_t *db, int64_t client_id, json_t *body,
                     const char **field, json_t **out);

/* The job as GET /jobs/{id} shows it, or FH_ENOTFOUND. */
int store_job_get(db_t *db, int64_t job_id, json_t **out);

/* Applies the members of a checked PATCH body to job_id in one
 * transaction: FH_ENOTFOUND, FH_EFORBIDDEN when client_id does not own it,
 * FH_ECONFLICT when it is not open, FH_EINVAL with *field as for create.
 * Gives the job after the change. */
int store_job_update(db_t *db, int64_t job_id, int64_t client_id,
                     json_t *patch, const char **field, json_t **out);

/* Closes an open job of client_id and rejects its pending proposals, in one
 * transaction. Errors as for update. Gives the closed job. */
int store_job_close(db_t *db, int64_t job_id, int64_t client_id,
                    json_t **out);

/* The job's client, or FH_ENOTFOUND. */
int store_job_owner(db_t *db, int64_t job_id, int64_t *client_id);

/* A page of the job's proposals, newest first (created_at, then id), each
 * with a summary of its freelancer; status NULL = any. */
int store_job_proposals(db_t *db, int64_t job_id, const char *status,
                        int64_t limit, int64_t offset, json_t **items,
                        int64_t *total);

/* A page of search results and the total, read from one snapshot.
 * FH_EINVAL when the text is over JOBS_TEXT_MAX code points or
 * JOBS_TEXT_WORDS_MAX words. */
int store_jobs_search(db_t *db, const job_search_t *q, json_t **items,
                      int64_t *total);

/* The statements the common searches and job page run, for checking their
 * query plans: index 0, 1, ... gives a name and the SQL text; returns 0
 * while index is in range, FH_ENOTFOUND after. */
int store_jobs_hot_queries(enum db_engine engine, int index,
                           const char **name, const char **sql);

#endif
