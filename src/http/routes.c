/* Every route of the API below /api/v1/freelance. A literal segment wins
 * over a parameter ("/jobs/search" before "/jobs/{id}"). */
#include "api/api.h"
#include "api/docs.h"
#include "api/web.h"
#include "http/server.h"

#define B ROUTE_BODY
#define BO (ROUTE_BODY | ROUTE_BODY_OPTIONAL)
#define P ROUTE_PRIVATE

const route_t http_routes[] = {
    {"POST", "/auth/register", api_auth_register, TIER_AUTH, CACHE_NONE, B},
    {"POST", "/auth/login", api_auth_login, TIER_AUTH, CACHE_NONE, B},
    {"POST", "/auth/logout", api_auth_logout, TIER_STANDARD, CACHE_NONE, BO},
    {"GET", "/auth/me", api_auth_me, TIER_STANDARD, CACHE_NONE, P},

    {"GET", "/categories", api_categories_list, TIER_LENIENT, CACHE_MARKETPLACE, 0},
    {"GET", "/skills", api_skills_list, TIER_LENIENT, CACHE_MARKETPLACE, 0},

    {"POST", "/profiles", api_profile_create, TIER_STANDARD, CACHE_NONE, B},
    {"GET", "/profile/{id}", api_profile_get, TIER_STANDARD, CACHE_PROFILE, 0},
    {"PATCH", "/profile/{id}", api_profile_update, TIER_STANDARD, CACHE_NONE, B},
    {"POST", "/profile/{id}/portfolio", api_portfolio_add, TIER_STANDARD,
     CACHE_NONE, B},
    {"DELETE", "/profile/{id}/portfolio/{item_id}", api_portfolio_delete,
     TIER_STANDARD, CACHE_NONE, 0},
    {"GET", "/freelancers/search", api_freelancers_search, TIER_SEARCH,
     CACHE_PROFILE, 0},

    {"POST", "/jobs", api_job_create, TIER_STANDARD, CACHE_NONE, B},
    {"GET", "/jobs/search", api_jobs_search, TIER_SEARCH, CACHE_JOBS, 0},
    {"GET", "/jobs/{id}", api_job_get, TIER_STANDARD, CACHE_JOBS, 0},
    {"PATCH", "/jobs/{id}", api_job_update, TIER_STANDARD, CACHE_NONE, B},
    {"POST", "/jobs/{id}/close", api_job_close, TIER_STANDARD, CACHE_NONE, BO},
    {"GET", "/jobs/{id}/proposals", api_job_proposals, TIER_STANDARD,
     CACHE_DEFAULT, P},

    {"POST", "/proposals/create", api_proposal_create, TIER_STANDARD,
     CACHE_NONE, B},
    {"POST", "/proposals/{id}/withdraw", api_proposal_withdraw, TIER_STANDARD,
     CACHE_NONE, BO},
    {"POST", "/proposals/{id}/accept", api_proposal_accept, TIER_STANDARD,
     CACHE_NONE, BO},
    {"POST", "/proposals/{id}/reject", api_proposal_reject, TIER_STANDARD,
     CACHE_NONE, BO},
    {"GET", "/proposals/freelancer/{id}", api_proposals_by_freelancer,
     TIER_STANDARD, CACHE_DEFAULT, P},

    {"GET", "/contracts/freelancer/{id}", api_contracts_by_freelancer,
     TIER_STANDARD, CACHE_DEFAULT, P},
    {"GET", "/contracts/{id}", api_contract_get, TIER_STANDARD, CACHE_DEFAULT,
     P},
    {"POST", "/contracts/{id}/complete", api_contract_complete, TIER_STANDARD,
     CACHE_NONE, BO},
    {"POST", "/contracts/{id}/cancel", api_contract_cancel, TIER_STANDARD,
     CACHE_NONE, BO},
    {"POST", "/contracts/{id}/reviews", api_review_create, TIER_STANDARD,
     CACHE_NONE, B},

    {"GET", "/dashboard/freelancer", api_dashboard_freelancer, TIER_STANDARD,
     CACHE_DEFAULT, P},
    {"GET", "/dashboard/client", api_dashboard_client, TIER_STANDARD,
     CACHE_DEFAULT, P},
    {"GET", "/analytics/marketplace", api_analytics_marketplace, TIER_STANDARD,
     CACHE_ANALYTICS, 0},

    {"GET", "/admin/cache", api_admin_cache, TIER_STANDARD, CACHE_NONE, P},
    {"GET", "/admin/stats", api_admin_stats, TIER_STRICT, CACHE_NONE, P},
    {"GET", "/admin/rate-limits", api_admin_rate_limits, TIER_STANDARD,
     CACHE_NONE, P},
};

const size_t http_nroutes = sizeof(http_routes) / sizeof(http_routes[0]);

const route_t http_root_routes[] = {
    {"GET", "/healthz", api_healthz, TIER_NONE, CACHE_NONE, 0},
    {"GET", "/readyz", api_readyz, TIER_NONE, CACHE_NONE, 0},
    {"GET", "/metrics", api_metrics, TIER_NONE, CACHE_NONE, 0},
    /* The OpenAPI document and the page that renders it (api/docs.c). */
    {"GET", "/openapi.json", api_docs_file, TIER_NONE, CACHE_NONE, 0},
    {"GET", "/docs", api_docs_file, TIER_NONE, CACHE_NONE, 0},
    {"GET", "/docs/redoc.standalone.js", api_docs_file, TIER_NONE,
     CACHE_NONE, 0},
    {"GET", "/docs/redoc.standalone.js.LICENSE.txt", api_docs_file,
     TIER_NONE, CACHE_NONE, 0},
    /* The web page; it also answers every other path outside the API
     * (see route_request in server.c). */
    {"GET", "/", api_web_file, TIER_NONE, CACHE_NONE, 0},
};

const size_t http_nroot_routes =
    sizeof(http_root_routes) / sizeof(http_root_routes[0]);
