/* Counters and histograms kept in process memory with atomic updates, and
 * their rendering in the Prometheus text format. */
#ifndef FH_OBS_METRICS_H
#define FH_OBS_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Prepares room for nroutes routes (plus one for unmatched requests);
 * names[i] is the route's label. Call once before serving. */
int metrics_init(const char *const *methods, const char *const *names,
                 size_t nroutes);
void metrics_cleanup(void);

/* Records one answered request: route index (nroutes = unmatched), HTTP
 * status, duration in milliseconds. */
void metrics_request(size_t route, int status, double dur_ms);

/* Counts a request checked by the rate limiter, and one it refused, by
 * tier: 0..METRICS_RL_TIERS-1 in the order of enum route_tier (standard,
 * strict, lenient, auth, search). */
#define METRICS_RL_TIERS 5
void metrics_ratelimit_request(int tier);
void metrics_ratelimit_refusal(int tier);

/* Records one database statement's duration. */
void metrics_db_query(double dur_ms);

/* Records one wait for a pooled database connection: how long it took and
 * whether it ended without one. */
void metrics_db_pool_wait(double wait_ms, bool timed_out);

/* Counts one statement logged as slow. */
void metrics_slow_query(void);

/* Counts one password hash verification (every login attempt makes one,
 * whether or not the email exists). */
void metrics_password_check(void);

/* Per-route figures over the last `minutes` minutes (1..60), as a JSON
 * array of {method, route, count, p50_ms, p95_ms, p99_ms} for routes with
 * traffic, busiest first. Percentiles are interpolated within the latency
 * buckets. The caller owns the result; NULL when out of memory. */
struct json_t;
struct json_t *metrics_window_json(int minutes);

/* Totals since start. */
uint64_t metrics_slow_queries(void);
uint64_t metrics_requests_total(void);

/* A source of extra gauges, called while rendering: it appends its own
 * lines through the emit callback. */
typedef void (*metrics_emit_fn)(void *ctx, const char *fmt, ...);
typedef void (*metrics_source_fn)(metrics_emit_fn emit, void *ctx);

/* Adds a source (at most 8), before serving starts. */
void metrics_add_source(metrics_source_fn fn);

/* Appends the whole exposition to a new malloc'd string; *len gets its
 * length. NULL when out of memory. */
char *metrics_render(size_t *len);

#endif
