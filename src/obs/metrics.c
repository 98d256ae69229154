#include "obs/metrics.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "common/util.h"

/* Upper bounds of the latency buckets, in milliseconds. */
static const double bounds_ms[] = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100,
                                   250, 500, 1000, 2500};
#define NBOUNDS (sizeof(bounds_ms) / sizeof(bounds_ms[0]))

/* The statuses counted one by one; anything else falls in "other". */
static const int statuses[] = {200, 201, 304, 400, 401, 403, 404, 405, 409,
                               413, 415, 422, 429, 500, 503};
#define NSTATUS (sizeof(statuses) / sizeof(statuses[0]))

typedef struct histogram {
    atomic_uint_fast64_t buckets[NBOUNDS + 1];  /* last one is +Inf */
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t sum_us;                /* microseconds */
} histogram_t;

typedef struct route_stats {
    atomic_uint_fast64_t by_status[NSTATUS + 1]; /* last one is other */
    histogram_t latency;
} route_stats_t;

/* One minute of per-route latency buckets; the ring holds the last hour.
 * A slot is reused when its minute is over an hour old: the thread that
 * finds it stale claims it by swapping in the new minute and clears it. */
#define RING_MINUTES 60

typedef struct minute_slot {
    atomic_int_fast64_t minute;       /* minutes since the epoch */
    atomic_uint_fast64_t *buckets;    /* (nroutes + 1) * (NBOUNDS + 1) */
} minute_slot_t;

static minute_slot_t ring[RING_MINUTES];
static atomic_uint_fast64_t slow_queries;
static atomic_uint_fast64_t password_checks;
static atomic_uint_fast64_t requests_total;

static metrics_source_fn sources[8];
static size_t nsources;

static route_stats_t *routes;   /* nroutes + 1 entries */
static const char *const *route_names;
static const char *const *route_methods;
static size_t nroutes;
static histogram_t db_latency;
static histogram_t pool_waits;           /* waits for a pooled connection */
static atomic_uint_fast64_t pool_timeouts;
static const char *const rl_tiers[METRICS_RL_TIERS] = {
    "standard", "strict", "lenient", "auth", "search",
};
static atomic_uint_fast64_t rl_requests[METRICS_RL_TIERS];
static atomic_uint_fast64_t rl_refused[METRICS_RL_TIERS];
static time_t started_at;

int metrics_init(const char *const *methods, const char *const *names,
                 size_t n)
{
    routes = calloc(n + 1, sizeof(*routes));
    if (routes == NULL)
        return -1;
    for (size_t m = 0; m < RING_MINUTES; m++) {
        ring[m].buckets = calloc((n + 1) * (NBOUNDS + 1),
                                 sizeof(*ring[m].buckets));
        if (ring[m].buckets == NULL) {
            metrics_cleanup();
            return -1;
        }
        atomic_store(&ring[m].minute, -1);
    }
    route_methods = methods;
    route_names = names;
    nroutes = n;
    started_at = time(NULL);
    return 0;
}

void metrics_cleanup(void)
{
    free(routes);
    routes = NULL;
    for (size_t m = 0; m < RING_MINUTES; m++) {
        free((void *)ring[m].buckets);
        ring[m].buckets = NULL;
    }
}

static int64_t now_minute(void)
{
    return (int64_t)time(NULL) / 60;
}

/* The slot of the current minute, cleared first if it held an old one. */
static minute_slot_t *current_slot(void)
{
    int64_t now = now_minute();
    minute_slot_t *slot = &ring[now % RING_MINUTES];
    int_fast64_t seen = atomic_load(&slot->minute);

    if (seen != now && atomic_compare_exchange_strong(&slot->minute, &seen, now)) {
        for (size_t i = 0; i < (nroutes + 1) * (NBOUNDS + 1); i++)
            atomic_store_explicit(&slot->buckets[i], 0, memory_order_relaxed);
    }
    return slot;
}

static size_t bucket_of(double ms)
{
    size_t i = 0;

    while (i < NBOUNDS && ms > bounds_ms[i])
        i++;
    return i;
}

static void observe(histogram_t *h, double ms)
{
    size_t i = bucket_of(ms);

    atomic_fetch_add_explicit(&h->buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->sum_us, (uint_fast64_t)(ms * 1000),
                              memory_order_relaxed);
}

void metrics_request(size_t route, int status, double dur_ms)
{
    size_t s = NSTATUS;

    if (routes == NULL)
        return;
    if (route > nroutes)
        route = nroutes;
    for (size_t i = 0; i < NSTATUS; i++)
        if (statuses[i] == status)
            s = i;
    atomic_fetch_add_explicit(&routes[route].by_status[s], 1,
                              memory_order_relaxed);
    observe(&routes[route].latency, dur_ms);
    atomic_fetch_add_explicit(&requests_total, 1, memory_order_relaxed);
    if (ring[0].buckets) {
        minute_slot_t *slot = current_slot();
        atomic_fetch_add_explicit(
            &slot->buckets[route * (NBOUNDS + 1) + bucket_of(dur_ms)], 1,
            memory_order_relaxed);
    }
}

void metrics_password_check(void)
{
    atomic_fetch_add_explicit(&password_checks, 1, memory_order_relaxed);
}

void metrics_slow_query(void)
{
    atomic_fetch_add_explicit(&slow_queries, 1, memory_order_relaxed);
}

uint64_t metrics_slow_queries(void)
{
    return atomic_load(&slow_queries);
}

uint64_t metrics_requests_total(void)
{
    return atomic_load(&requests_total);
}

/* The q-th quantile (0..1) of counts, interpolated linearly inside the
 * bucket it falls in; the open last bucket reports its lower bound. */
static double quantile(const uint64_t *counts, uint64_t total, double q)
{
    double target = q * (double)total, cum = 0;

    for (size_t i = 0; i <= NBOUNDS; i++) {
        if (counts[i] == 0)
            continue;
        if (cum + (double)counts[i] >= target) {
            double lo = i == 0 ? 0 : bounds_ms[i - 1];
            if (i == NBOUNDS)
                return lo;
            double frac = (target - cum) / (double)counts[i];
            return lo + (bounds_ms[i] - lo) * frac;
        }
        cum += (double)counts[i];
    }
    return bounds_ms[NBOUNDS - 1];
}

static int by_count_desc(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "count"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "count"));

    return x < y ? 1 : x > y ? -1 : 0;
}

json_t *metrics_window_json(int minutes)
{
    int64_t now = now_minute();
    size_t n = nroutes + 1;
    uint64_t *sum = calloc(n * (NBOUNDS + 1), sizeof(*sum));
    json_t *rows[128];
    size_t nrows = 0;
    json_t *out = json_array();

    if (sum == NULL || out == NULL || routes == NULL) {
        free(sum);
        json_decref(out);
        return routes == NULL ? json_array() : NULL;
    }
    for (size_t m = 0; m < RING_MINUTES; m++) {
        int64_t at = atomic_load(&ring[m].minute);
        if (at < 0 || now - at >= minutes)
            continue;
        for (size_t i = 0; i < n * (NBOUNDS + 1); i++)
            sum[i] += atomic_load_explicit(&ring[m].buckets[i],
                                           memory_order_relaxed);
    }
    for (size_t r = 0; r < n && nrows < 128; r++) {
        const uint64_t *c = sum + r * (NBOUNDS + 1);
        uint64_t total = 0;
        for (size_t i = 0; i <= NBOUNDS; i++)
            total += c[i];
        if (total == 0)
            continue;
        rows[nrows++] = json_pack("{ss ss sI sf sf sf}",
            "method", r < nroutes ? route_methods[r] : "",
            "route", r < nroutes ? route_names[r] : "unmatched",
            "count", (json_int_t)total,
            "p50_ms", quantile(c, total, 0.50),
            "p95_ms", quantile(c, total, 0.95),
            "p99_ms", quantile(c, total, 0.99));
    }
    qsort(rows, nrows, sizeof(rows[0]), by_count_desc);
    for (size_t i = 0; i < nrows; i++)
        json_array_append_new(out, rows[i]);
    free(sum);
    return out;
}

void metrics_ratelimit_request(int tier)
{
    if (tier >= 0 && tier < METRICS_RL_TIERS)
        atomic_fetch_add_explicit(&rl_requests[tier], 1, memory_order_relaxed);
}

void metrics_ratelimit_refusal(int tier)
{
    if (tier >= 0 && tier < METRICS_RL_TIERS)
        atomic_fetch_add_explicit(&rl_refused[tier], 1, memory_order_relaxed);
}

void metrics_db_query(double dur_ms)
{
    observe(&db_latency, dur_ms);
}

void metrics_db_pool_wait(double wait_ms, bool timed_out)
{
    observe(&pool_waits, wait_ms);
    if (timed_out)
        atomic_fetch_add_explicit(&pool_timeouts, 1, memory_order_relaxed);
}

typedef struct buf {
    char *p;
    size_t len, cap;
    int failed;
} buf_t;

static void put(buf_t *b, const char *fmt, ...)
{
    va_list ap;

    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->failed = 1;
            return;
        }
        if (b->p && (size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap * 2 : 16384;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (np == NULL) {
            b->failed = 1;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
}

void metrics_add_source(metrics_source_fn fn)
{
    if (nsources < sizeof(sources) / sizeof(sources[0]))
        sources[nsources++] = fn;
}

static void emit_to_buf(void *ctx, const char *fmt, ...)
{
    buf_t *b = ctx;
    char line[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    put(b, "%s", line);
}

static void put_histogram(buf_t *b, const char *name, const char *labels,
                          histogram_t *h)
{
    uint64_t cum = 0;
    const char *sep = labels[0] ? "," : "";

    for (size_t i = 0; i <= NBOUNDS; i++) {
        cum += atomic_load_explicit(&h->buckets[i], memory_order_relaxed);
        if (i < NBOUNDS)
            put(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep,
                bounds_ms[i] / 1000.0, (unsigned long long)cum);
        else
            put(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
                (unsigned long long)cum);
    }
    const char *open = labels[0] ? "{" : "", *close = labels[0] ? "}" : "";
    put(b, "%s_sum%s%s%s %.6f\n", name, open, labels, close,
        (double)atomic_load(&h->sum_us) / 1e6);
    put(b, "%s_count%s%s%s %llu\n", name, open, labels, close,
        (unsigned long long)atomic_load(&h->count));
}

static long rss_bytes(void)
{
    long pages_total, pages_rss;
    FILE *f = fopen("/proc/self/statm", "r");

    if (f == NULL)
        return 0;
    if (fscanf(f, "%ld %ld", &pages_total, &pages_rss) != 2)
        pages_rss = 0;
    fclose(f);
    return pages_rss * sysconf(_SC_PAGESIZE);
}

char *metrics_render(size_t *len)
{
    buf_t b = {0};
    char labels[160];

    put(&b, "# HELP fh_http_requests_total Requests answered, by route and status.\n"
            "# TYPE fh_http_requests_total counter\n");
    for (size_t r = 0; routes && r <= nroutes; r++) {
        const char *name = r < nroutes ? route_names[r] : "unmatched";
        const char *method = r < nroutes ? route_methods[r] : "";
        for (size_t s = 0; s <= NSTATUS; s++) {
            uint64_t v = atomic_load(&routes[r].by_status[s]);
            if (v == 0)
                continue;
            if (s < NSTATUS)
                put(&b, "fh_http_requests_total{method=\"%s\",route=\"%s\","
                        "status=\"%d\"} %llu\n", method, name, statuses[s],
                    (unsigned long long)v);
            else
                put(&b, "fh_http_requests_total{method=\"%s\",route=\"%s\","
                        "status=\"other\"} %llu\n", method, name,
                    (unsigned long long)v);
        }
    }
    put(&b, "# HELP fh_http_request_duration_seconds Time to answer, by route.\n"
            "# TYPE fh_http_request_duration_seconds histogram\n");
    for (size_t r = 0; routes && r <= nroutes; r++) {
        if (atomic_load(&routes[r].latency.count) == 0)
            continue;
        snprintf(labels, sizeof(labels), "method=\"%s\",route=\"%s\"",
                 r < nroutes ? route_methods[r] : "",
                 r < nroutes ? route_names[r] : "unmatched");
        put_histogram(&b, "fh_http_request_duration_seconds", labels,
                      &routes[r].latency);
    }
    put(&b, "# HELP fh_db_query_duration_seconds Time of each database statement.\n"
            "# TYPE fh_db_query_duration_seconds histogram\n");
    put_histogram(&b, "fh_db_query_duration_seconds", "", &db_latency);
    put(&b, "# HELP fh_db_pool_wait_seconds Waits for a pooled database "
            "connection (PostgreSQL).\n"
            "# TYPE fh_db_pool_wait_seconds histogram\n");
    put_histogram(&b, "fh_db_pool_wait_seconds", "", &pool_waits);
    put(&b, "# HELP fh_db_pool_timeouts_total Waits for a pooled connection "
            "that ended without one.\n"
            "# TYPE fh_db_pool_timeouts_total counter\n"
            "fh_db_pool_timeouts_total %llu\n",
        (unsigned long long)atomic_load(&pool_timeouts));
    put(&b, "# HELP fh_ratelimit_decisions_total Requests checked by the rate "
            "limiter, by tier and decision.\n"
            "# TYPE fh_ratelimit_decisions_total counter\n");
    for (int t = 0; t < METRICS_RL_TIERS; t++) {
        uint64_t all = atomic_load(&rl_requests[t]);
        uint64_t refused = atomic_load(&rl_refused[t]);
        put(&b, "fh_ratelimit_decisions_total{tier=\"%s\",decision=\"allowed\"}"
                " %llu\n", rl_tiers[t],
            (unsigned long long)(all > refused ? all - refused : 0));
        put(&b, "fh_ratelimit_decisions_total{tier=\"%s\",decision=\"refused\"}"
                " %llu\n", rl_tiers[t], (unsigned long long)refused);
    }
    put(&b, "# HELP fh_auth_password_checks_total Password hash verifications.\n"
            "# TYPE fh_auth_password_checks_total counter\n"
            "fh_auth_password_checks_total %llu\n",
        (unsigned long long)atomic_load(&password_checks));
    put(&b, "# HELP fh_process_resident_memory_bytes Resident set size.\n"
            "# TYPE fh_process_resident_memory_bytes gauge\n"
            "fh_process_resident_memory_bytes %ld\n", rss_bytes());
    put(&b, "# HELP fh_process_uptime_seconds Seconds since the server started.\n"
            "# TYPE fh_process_uptime_seconds gauge\n"
            "fh_process_uptime_seconds %lld\n",
        (long long)(time(NULL) - started_at));
    for (size_t i = 0; i < nsources; i++)
        sources[i](emit_to_buf, &b);
    if (b.failed) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}
