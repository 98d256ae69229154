/* The API's handlers, one file per resource, and the helpers they share:
 * each handler validates its input, calls the store, and builds the reply. */
#ifndef FH_API_API_H
#define FH_API_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/reply.h"
#include "http/request.h"
#include "store/db.h"

/* ---- helpers (common.c) ---- */

/* The request's database connection, acquired on first use. Replies 503
 * and returns a negative fh_err when there is none. */
int api_db(http_req_t *req, db_t **out);

/* Parses page (>= 1, default 1) and page_size (1..100, default 20). */
int api_page(http_req_t *req, page_t *out);

/* Requires a caller, of role when role is not ROLE_NONE. Replies 401 or
 * 403 and returns a negative fh_err otherwise. */
int api_require_caller(http_req_t *req, enum user_role role);

/* Requires the caller to own freelancer profile profile_id, or to be an
 * admin. Replies 404 (no such profile) or 403 with forbidden_msg and
 * returns a negative fh_err otherwise. */
int api_require_profile_owner(http_req_t *req, db_t *db, int64_t profile_id,
                              const char *forbidden_msg);

/* Replies the error for a failed store call: rc with message and field when
 * given. A convenience over http_reply_fh. */
void api_fail(http_req_t *req, int rc, const char *message, const char *field);

enum field_type {
    FIELD_STRING,   /* min..max code points */
    FIELD_INT,      /* min..max */
    FIELD_BOOL,
    FIELD_ENUM,     /* one of values */
    FIELD_STRINGS,  /* array of min..max strings, each 1..item_max chars */
    FIELD_URL,      /* http(s) URL of at most max chars */
    FIELD_TIME,     /* RFC 3339 text */
    FIELD_INTS,     /* array of min..max positive integers */
};

typedef struct field_spec {
    const char *name;
    enum field_type type;
    bool required;
    bool nullable;             /* JSON null is accepted (to clear a value) */
    int64_t min, max;
    const char *const *values; /* FIELD_ENUM */
    int64_t item_max;          /* FIELD_STRINGS: longest item */
} field_spec_t;

/* Checks req->json against specs (ended by a spec with a NULL name):
 * unknown members 422, wrong types 400, missing required 422, out of range
 * 422, each naming the field. Returns 0, or a negative fh_err with the
 * reply set. A body-optional route with no body passes as an empty object. */
int api_body_check(http_req_t *req, const field_spec_t *specs);

/* Members of the checked body; absent (or null) give def / NULL. */
const char *api_body_str(http_req_t *req, const char *name);
int64_t api_body_int(http_req_t *req, const char *name, int64_t def);
bool api_body_has(http_req_t *req, const char *name);
bool api_body_is_null(http_req_t *req, const char *name);

extern const char *const api_experience_levels[];  /* entry, intermediate, expert */

/* ---- reference lists (catalog.c) ---- */
void api_categories_list(http_req_t *req);
void api_skills_list(http_req_t *req);

/* ---- profiles (profiles.c) ---- */
void api_profile_create(http_req_t *req);
void api_profile_get(http_req_t *req);
void api_profile_update(http_req_t *req);
void api_portfolio_add(http_req_t *req);
void api_portfolio_delete(http_req_t *req);
void api_freelancers_search(http_req_t *req);

/* ---- jobs (jobs.c) ---- */
void api_job_create(http_req_t *req);
void api_job_get(http_req_t *req);
void api_job_update(http_req_t *req);
void api_job_close(http_req_t *req);
void api_jobs_search(http_req_t *req);
void api_job_proposals(http_req_t *req);

/* ---- proposals (proposals.c) ---- */
void api_proposal_create(http_req_t *req);
void api_proposal_withdraw(http_req_t *req);
void api_proposal_accept(http_req_t *req);
void api_proposal_reject(http_req_t *req);
void api_proposals_by_freelancer(http_req_t *req);

/* ---- contracts and reviews (contracts.c, reviews.c) ---- */
void api_contract_get(http_req_t *req);
void api_contract_complete(http_req_t *req);
void api_contract_cancel(http_req_t *req);
void api_contracts_by_freelancer(http_req_t *req);
void api_review_create(http_req_t *req);

/* ---- dashboards and analytics (dashboard.c, analytics.c) ---- */
void api_dashboard_freelancer(http_req_t *req);
void api_dashboard_client(http_req_t *req);
void api_analytics_marketplace(http_req_t *req);

/* ---- accounts and sessions (auth.c) ---- */
void api_auth_register(http_req_t *req);
void api_auth_login(http_req_t *req);
void api_auth_logout(http_req_t *req);
void api_auth_me(http_req_t *req);

/* ---- the response cache's statistics (admin_cache.c) ---- */
void api_admin_cache(http_req_t *req);

/* ---- administration (admin_stats.c, admin.c, admin_cache.c) ---- */
void api_admin_stats(http_req_t *req);
void api_admin_rate_limits(http_req_t *req);

struct rl_snapshot;

/* Hits, misses and hit rate of the response cache since start. */
json_t *api_cache_summary_json(void);
/* Per-tier requests and refusals over the last hour, and the clients
 * refused most, of a rate-limiter snapshot. */
json_t *api_rl_tiers_json(const struct rl_snapshot *s);
json_t *api_rl_top_json(const struct rl_snapshot *s);

/* ---- operations (health.c) ---- */
void api_healthz(http_req_t *req);
void api_readyz(http_req_t *req);
void api_metrics(http_req_t *req);

#endif
