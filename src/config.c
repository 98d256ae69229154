#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/util.h"
#include "obs/log.h"
#include "ratelimit/client.h"
#include "ratelimit/redis.h"

config_t fh_config;

enum opt_kind { OPT_STR, OPT_INT, OPT_INT64, OPT_BOOL, OPT_LEVEL };

typedef struct option {
    const char *env;     /* environment name */
    const char *flag;    /* command-line name without the dashes */
    enum opt_kind kind;
    size_t offset;       /* into config_t */
    size_t size;         /* buffer size for OPT_STR */
    int64_t min, max;    /* range for numbers */
} option_t;

#define STR(e, f, m) {e, f, OPT_STR, offsetof(config_t, m), \
                      sizeof(((config_t *)0)->m), 0, 0}
#define INT(e, f, m, lo, hi) {e, f, OPT_INT, offsetof(config_t, m), 0, lo, hi}
#define BOOL(e, f, m) {e, f, OPT_BOOL, offsetof(config_t, m), 0, 0, 1}

static const option_t options[] = {
    STR("HOST", "host", host),
    INT("PORT", "port", port, 0, 65535),
    STR("DATABASE_URL", "database-url", database_url),
    STR("DATABASE_READ_URL", "database-read-url", database_read_url),
    INT("THREADS", "threads", threads, 0, 256),
    INT("DB_POOL_SIZE", "db-pool-size", db_pool_size, 0, 1000),
    INT("DB_POOL_TIMEOUT_MS", "db-pool-timeout-ms", db_pool_timeout_ms,
        1, 600000),
    {"LOG_LEVEL", "log-level", OPT_LEVEL, offsetof(config_t, log_level), 0, 0, 0},
    STR("LOG_FILE", "log-file", log_file),
    BOOL("LOG_JSON_FORMAT", "log-json-format", log_json),
    INT("SLOW_QUERY_MS", "slow-query-ms", slow_query_ms, 0, 3600000),
    INT("SLOW_REQUEST_MS", "slow-request-ms", slow_request_ms, 0, 3600000),
    {"MAX_BODY_BYTES", "max-body-bytes", OPT_INT64,
     offsetof(config_t, max_body_bytes), 0, 64, 1LL << 30},
    INT("SHUTDOWN_TIMEOUT_S", "shutdown-timeout-s", shutdown_timeout_s, 0, 3600),
    INT("CONNECTION_TIMEOUT_S", "connection-timeout-s", connection_timeout_s,
        1, 3600),
    INT("MAX_CONNECTIONS", "max-connections", max_connections, 1, 1000000),
    BOOL("CACHE_ENABLED", "cache-enabled", cache_enabled),
    INT("CACHE_DEFAULT_TTL", "cache-default-ttl", cache_default_ttl, 0, 86400),
    INT("CACHE_TTL_PROFILE", "cache-ttl-profile", cache_ttl_profile, 0, 86400),
    INT("CACHE_TTL_JOBS", "cache-ttl-jobs", cache_ttl_jobs, 0, 86400),
    INT("CACHE_TTL_ANALYTICS", "cache-ttl-analytics", cache_ttl_analytics,
        0, 86400),
    INT("CACHE_TTL_MARKETPLACE", "cache-ttl-marketplace", cache_ttl_marketplace,
        0, 86400),
    INT("CACHE_MAX_MB", "cache-max-mb", cache_max_mb, 1, 65536),
    STR("REDIS_URL", "redis-url", redis_url),
    BOOL("RATE_LIMIT_ENABLED", "rate-limit-enabled", rate_limit_enabled),
    INT("RATE_LIMIT_STRICT", "rate-limit-strict", rate_limit_strict, 1, 10000000),
    INT("RATE_LIMIT_STANDARD", "rate-limit-standard", rate_limit_standard,
        1, 10000000),
    INT("RATE_LIMIT_LENIENT", "rate-limit-lenient", rate_limit_lenient,
        1, 10000000),
    INT("RATE_LIMIT_AUTH", "rate-limit-auth", rate_limit_auth, 1, 10000000),
    INT("RATE_LIMIT_SEARCH", "rate-limit-search", rate_limit_search, 1, 10000000),
    STR("TRUSTED_PROXIES", "trusted-proxies", trusted_proxies),
    INT("RATE_LIMIT_MAX_BUCKETS", "rate-limit-max-buckets",
        rate_limit_max_buckets, 512, 100000000),
    INT("SESSION_TTL_HOURS", "session-ttl-hours", session_ttl_hours, 1, 24 * 365),
    INT("AUTH_HASH_OPS", "auth-hash-ops", auth_hash_ops, 1, 10),
    INT("AUTH_HASH_MEMORY_KB", "auth-hash-memory-kb", auth_hash_memory_kb,
        8, 1024 * 1024),
};

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void config_init(config_t *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    snprintf(cfg->host, sizeof(cfg->host), "127.0.0.1");
    cfg->port = 8080;
    snprintf(cfg->database_url, sizeof(cfg->database_url),
             "sqlite:data/freelance-hub.db");
    cfg->db_pool_timeout_ms = 2000;
    cfg->log_level = LOG_INFO;
    cfg->slow_query_ms = 100;
    cfg->slow_request_ms = 500;
    cfg->max_body_bytes = 1 << 20;
    cfg->shutdown_timeout_s = 10;
    cfg->connection_timeout_s = 30;
    cfg->max_connections = 4096;
    cfg->cache_enabled = true;
    cfg->cache_default_ttl = 120;
    cfg->cache_ttl_profile = 300;
    cfg->cache_ttl_jobs = 60;
    cfg->cache_ttl_analytics = 300;
    cfg->cache_ttl_marketplace = 180;
    cfg->cache_max_mb = 64;
    cfg->rate_limit_enabled = true;
    cfg->rate_limit_strict = 5;
    cfg->rate_limit_standard = 60;
    cfg->rate_limit_lenient = 300;
    cfg->rate_limit_auth = 5;
    cfg->rate_limit_search = 30;
    cfg->rate_limit_max_buckets = 131072;
    cfg->session_ttl_hours = 72;
    cfg->auth_hash_ops = 2;
    cfg->auth_hash_memory_kb = 19456;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *yes[] = {"1", "true", "yes", "on"};
    static const char *no[] = {"0", "false", "no", "off"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return FH_EINVAL;
}

/* Stores value into the field of opt; name is what the user wrote, for the
 * error line. */
static int apply(config_t *cfg, const option_t *opt, const char *name,
                 const char *value, char err[FH_CONFIG_ERR_LEN])
{
    char *field = (char *)cfg + opt->offset;
    int64_t n;

    switch (opt->kind) {
    case OPT_STR:
        if (strlen(value) >= opt->size) {
            snprintf(err, FH_CONFIG_ERR_LEN, "%s is longer than %zu characters",
                     name, opt->size - 1);
            return FH_EINVAL;
        }
        memcpy(field, value, strlen(value) + 1);
        return 0;
    case OPT_BOOL:
        if (parse_bool(value, (bool *)field) < 0) {
            snprintf(err, FH_CONFIG_ERR_LEN,
                     "%s must be true or false, not \"%.64s\"", name, value);
            return FH_EINVAL;
        }
        return 0;
    case OPT_LEVEL:
        if (log_level_parse(value, (int *)field) < 0) {
            snprintf(err, FH_CONFIG_ERR_LEN,
                     "%s must be debug, info, warning or error, not \"%.64s\"",
                     name, value);
            return FH_EINVAL;
        }
        return 0;
    case OPT_INT:
    case OPT_INT64:
        if (fh_parse_int64(value, &n) < 0 || n < opt->min || n > opt->max) {
            snprintf(err, FH_CONFIG_ERR_LEN,
                     "%s must be a whole number from %lld to %lld, not \"%.64s\"",
                     name, (long long)opt->min, (long long)opt->max, value);
            return FH_EINVAL;
        }
        if (opt->kind == OPT_INT)
            *(int *)field = (int)n;
        else
            *(int64_t *)field = n;
        return 0;
    }
    return FH_EINVAL;
}

int config_load_env(config_t *cfg, char err[FH_CONFIG_ERR_LEN])
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        const char *v = getenv(options[i].env);
        if (v == NULL)
            continue;
        int rc = apply(cfg, &options[i], options[i].env, v, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int config_load_args(config_t *cfg, int argc, char **argv, int first,
                     int *rest, int *nrest, char err[FH_CONFIG_ERR_LEN])
{
    *nrest = 0;
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        const option_t *opt = NULL;
        const char *value = NULL;
        size_t len;

        if (strncmp(arg, "--", 2) != 0) {
            rest[(*nrest)++] = i;
            continue;
        }
        const char *eq = strchr(arg + 2, '=');
        len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
        for (size_t k = 0; k < NOPTIONS; k++) {
            if (strlen(options[k].flag) == len &&
                strncmp(options[k].flag, arg + 2, len) == 0) {
                opt = &options[k];
                break;
            }
        }
        if (opt == NULL) {
            rest[(*nrest)++] = i;
            continue;
        }
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc) {
            value = argv[++i];
        } else {
            snprintf(err, FH_CONFIG_ERR_LEN, "--%s needs a value", opt->flag);
            return FH_EINVAL;
        }
        char name[80];
        snprintf(name, sizeof(name), "--%s", opt->flag);
        int rc = apply(cfg, opt, name, value, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int config_validate(const config_t *cfg, char err[FH_CONFIG_ERR_LEN])
{
    bool pg = strncmp(cfg->database_url, "postgresql://", 13) == 0 ||
              strncmp(cfg->database_url, "postgres://", 11) == 0;

    if (!pg && strncmp(cfg->database_url, "sqlite:", 7) != 0) {
        snprintf(err, FH_CONFIG_ERR_LEN,
                 "DATABASE_URL must be sqlite:PATH or postgresql://...");
        return FH_EINVAL;
    }
    if (!pg && cfg->database_url[7] == '\0') {
        snprintf(err, FH_CONFIG_ERR_LEN, "DATABASE_URL names no SQLite file");
        return FH_EINVAL;
    }
    if (cfg->database_read_url[0] &&
        (!pg || (strncmp(cfg->database_read_url, "postgresql://", 13) != 0 &&
                 strncmp(cfg->database_read_url, "postgres://", 11) != 0))) {
        snprintf(err, FH_CONFIG_ERR_LEN,
                 "DATABASE_READ_URL must be postgresql://... and needs a "
                 "PostgreSQL DATABASE_URL");
        return FH_EINVAL;
    }
    if (cfg->redis_url[0] &&
        rl_redis_url_parse(cfg->redis_url, NULL, 0, NULL, NULL, err,
                           FH_CONFIG_ERR_LEN) < 0)
        return FH_EINVAL;
    rl_proxies_t proxies;
    if (rl_proxies_parse(cfg->trusted_proxies, &proxies, err,
                         FH_CONFIG_ERR_LEN) < 0)
        return FH_EINVAL;
    if (cfg->host[0] == '\0') {
        snprintf(err, FH_CONFIG_ERR_LEN, "HOST must not be empty");
        return FH_EINVAL;
    }
    return 0;
}
