/* The program's settings: one struct, filled from the environment, then from
 * command-line flags, and validated once before anything starts. */
#ifndef FH_CONFIG_H
#define FH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FH_CONFIG_ERR_LEN 256

typedef struct config {
    char host[64];              /* listen address, IPv4 or IPv6 literal */
    int port;                   /* 1..65535 */
    char database_url[1024];    /* sqlite:PATH or postgresql://... */
    char database_read_url[1024]; /* a streaming replica; empty = none */
    int threads;                /* worker threads; 0 = one per core */
    int db_pool_size;           /* PostgreSQL connections; 0 = threads + 2 */
    int db_pool_timeout_ms;     /* longest wait for a pooled connection */
    int log_level;              /* LOG_DEBUG..LOG_ERROR from obs/log.h */
    char log_file[1024];        /* empty = standard error */
    bool log_json;              /* one JSON object per line */
    int slow_query_ms;          /* statements slower than this are logged */
    int slow_request_ms;        /* requests slower than this are logged */
    int64_t max_body_bytes;     /* largest request body accepted */
    int shutdown_timeout_s;     /* how long in-flight requests may finish */
    int connection_timeout_s;   /* idle keep-alive and slow-client timeout */
    int max_connections;        /* open connections before refusing */

    bool cache_enabled;
    int cache_default_ttl;      /* seconds */
    int cache_ttl_profile;
    int cache_ttl_jobs;
    int cache_ttl_analytics;
    int cache_ttl_marketplace;
    int cache_max_mb;
    char redis_url[512];        /* empty = no Redis tier */

    bool rate_limit_enabled;
    int rate_limit_strict;      /* requests a minute */
    int rate_limit_standard;
    int rate_limit_lenient;
    int rate_limit_auth;        /* requests per five minutes */
    int rate_limit_search;
    char trusted_proxies[1024]; /* comma-separated addresses and CIDR blocks */
    int rate_limit_max_buckets; /* local buckets held at most (memory bound) */

    int session_ttl_hours;      /* how long a sign-in lasts */
    int auth_hash_ops;          /* argon2id passes */
    int auth_hash_memory_kb;    /* argon2id memory per hash */
} config_t;

/* Fills cfg with the defaults. */
void config_init(config_t *cfg);

/* Reads every known variable from the environment. Returns 0, or
 * FH_EINVAL with one line naming the variable in err. */
int config_load_env(config_t *cfg, char err[FH_CONFIG_ERR_LEN]);

/* Applies "--name value" and "--name=value" flags from argv[first..argc),
 * the long form of each variable (--port, --database-url, ...). Unknown
 * flags are left for the caller: their indices go to rest[], their count to
 * *nrest. Returns 0 or FH_EINVAL with err set. */
int config_load_args(config_t *cfg, int argc, char **argv, int first,
                     int *rest, int *nrest, char err[FH_CONFIG_ERR_LEN]);

/* Checks cross-field rules once both sources were read. */
int config_validate(const config_t *cfg, char err[FH_CONFIG_ERR_LEN]);

/* The process-wide settings, set once at start and read-only after. */
extern config_t fh_config;

#endif
