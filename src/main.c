/* freelance-hub: the marketplace server and its tools.
 *   serve      answer the HTTP API (the default)
 *   migrate    bring the database schema up to date
 *   seed       fill an empty database with a demo marketplace
 *   import     load the real data sets
 *   maintain   analyse, optimise and check the database
 *   explain    print the query plans of the hot statements
 *   user add   create a user from the command line */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <jansson.h>

#include "common/err.h"
#include "common/util.h"
#include "config.h"
#include "http/server.h"
#include "obs/log.h"
#include "store/db.h"
#include "store/db_read.h"
#include "store/explain.h"
#include "store/maintain.h"
#include "store/migrate.h"
#include "store/sessions.h"
#include "store/users.h"
#include "tools/tools.h"

static void usage(FILE *to)
{
    fprintf(to,
        "usage: freelance-hub [serve] [--host H] [--port P] [--database-url URL]\n"
        "       freelance-hub migrate\n"
        "       freelance-hub seed --jobs N [--freelancers N] [--clients N] [--seed S]"
        " [--now YYYY-MM-DD]\n"
        "       freelance-hub import [DIR]\n"
        "       freelance-hub maintain [--vacuum]\n"
        "       freelance-hub explain\n"
        "       freelance-hub user add --role R --email E --name N [--country C]"
        " [--password-stdin]\n"
        "       freelance-hub user create-admin EMAIL [--name N]   (password on stdin)\n"
        "Every setting is also read from the environment (PORT, DATABASE_URL, ...);\n"
        "see the README for the list.\n");
}

/* Creates the directory that holds a SQLite file, when it is missing. */
static void ensure_sqlite_dir(const char *url)
{
    char path[1024];
    char *slash;

    if (strncmp(url, "sqlite:", 7) != 0)
        return;
    snprintf(path, sizeof(path), "%s", url + 7);
    slash = strrchr(path, '/');
    if (slash == NULL || slash == path)
        return;
    *slash = '\0';
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        fprintf(stderr, "cannot create %s: %s\n", path, strerror(errno));
}

static int run_migrate(const config_t *cfg, bool quiet)
{
    db_t *db;
    int applied = 0;
    int rc;

    ensure_sqlite_dir(cfg->database_url);
    rc = db_open(cfg->database_url, &db);
    if (rc < 0) {
        fprintf(stderr, "cannot open the database: %s\n", fh_err_name(rc));
        return 1;
    }
    rc = migrate_apply(db, migrate_embedded, &applied);
    db_close(db);
    if (rc < 0) {
        fprintf(stderr, "migration failed: %s\n", fh_err_name(rc));
        return 1;
    }
    if (!quiet)
        printf("%d migration%s applied\n", applied, applied == 1 ? "" : "s");
    return 0;
}

static int run_serve(const config_t *cfg)
{
    http_server_t *srv;
    sigset_t set;
    int sig, rc;

    if (run_migrate(cfg, true) != 0)
        return 1;
    rc = db_setup(cfg->database_url);
    if (rc == 0)
        rc = db_read_setup(cfg->database_read_url);
    if (rc < 0)
        return 1;

    /* Signals are taken by sigwait here, never by the worker threads. */
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    rc = http_server_start(cfg, &srv);
    if (rc < 0)
        return 1;
    log_info("listening", "s:host", cfg->host,
             "i:port", (int64_t)http_server_port(srv),
             "s:database", strncmp(cfg->database_url, "sqlite:", 7) == 0
                               ? cfg->database_url : "postgresql");
    for (;;) {
        if (sigwait(&set, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            log_reopen();
            log_info("log reopened");
            continue;
        }
        break;
    }
    log_info("shutting down", "s:signal", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_server_stop(srv, cfg->shutdown_timeout_s);
    db_read_teardown();
    db_teardown();
    log_info("stopped");
    return 0;
}

static int run_maintain(const config_t *cfg, int argc, char **argv)
{
    bool vacuum = false;
    db_t *db;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--vacuum") != 0) {
            fprintf(stderr, "maintain: unknown option %s\n", argv[i]);
            return 2;
        }
        vacuum = true;
    }
    if (run_migrate(cfg, true) != 0 || db_open(cfg->database_url, &db) < 0)
        return 1;
    int rc = store_maintain(db, vacuum, stdout);
    db_close(db);
    return rc == 0 ? 0 : 1;
}

/* Reads one line from standard input as a password: 10..128 characters
 * once the line end is removed. Returns 0 or -1 with a message printed. */
static int read_password(char *out, size_t len)
{
    if (fgets(out, (int)len, stdin) == NULL) {
        fprintf(stderr, "no password on standard input\n");
        return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    size_t n = fh_utf8_valid(out, strlen(out)) ? fh_utf8_len(out) : 0;
    if (n < 10 || n > 128) {
        fprintf(stderr, "the password must be 10 to 128 characters of UTF-8\n");
        return -1;
    }
    return 0;
}

/* freelance-hub user create-admin EMAIL [--name N]: the password is read
 * from standard input. */
static int run_create_admin(const config_t *cfg, int argc, char **argv)
{
    char password[520], hash[crypto_pwhash_STRBYTES];
    const char *name = "Administrator";
    int64_t id;
    db_t *db;
    int rc;

    if (argc < 2 || strchr(argv[1], '@') == NULL) {
        fprintf(stderr, "user create-admin needs an EMAIL; the password is "
                        "read from standard input\n");
        return 2;
    }
    if (argc == 4 && strcmp(argv[2], "--name") == 0)
        name = argv[3];
    if (read_password(password, sizeof(password)) < 0)
        return 2;
    rc = store_password_hash(password, hash, sizeof(hash));
    sodium_memzero(password, sizeof(password));
    if (rc < 0 || run_migrate(cfg, true) != 0 ||
        db_open(cfg->database_url, &db) < 0)
        return 1;
    rc = store_user_create(db, argv[1], name, ROLE_ADMIN, NULL, hash, &id);
    db_close(db);
    if (rc == FH_ECONFLICT) {
        fprintf(stderr, "a user with this email exists\n");
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "cannot create the admin: %s\n", fh_err_name(rc));
        return 1;
    }
    printf("{\"id\":%lld}\n", (long long)id);
    return 0;
}

static int run_explain(const config_t *cfg)
{
    db_t *db;

    if (run_migrate(cfg, true) != 0 || db_open(cfg->database_url, &db) < 0)
        return 1;
    int rc = store_explain_hot(db, stdout);
    db_close(db);
    return rc == 0 ? 0 : 1;
}

/* freelance-hub user add --role R --email E --name N [--country C]
 *     [--password-stdin] */
static int run_user(const config_t *cfg, int argc, char **argv)
{
    const char *role = NULL, *email = NULL, *name = NULL, *country = NULL;
    char password[520], hash[crypto_pwhash_STRBYTES];
    bool with_password = false;
    int64_t id;
    db_t *db;

    if (argc >= 1 && strcmp(argv[0], "create-admin") == 0)
        return run_create_admin(cfg, argc, argv);
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        usage(stderr);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--password-stdin") == 0)
            with_password = true;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--password-stdin") == 0)
            continue;
        if (strcmp(argv[i], "--role") == 0)
            role = argv[i + 1];
        else if (strcmp(argv[i], "--email") == 0)
            email = argv[i + 1];
        else if (strcmp(argv[i], "--name") == 0)
            name = argv[i + 1];
        else if (strcmp(argv[i], "--country") == 0)
            country = argv[i + 1];
        else
            continue;
        i++;
    }
    if (store_role_parse(role) == ROLE_NONE || email == NULL ||
        strchr(email, '@') == NULL || name == NULL || name[0] == '\0') {
        fprintf(stderr, "user add needs --role freelancer|client|admin, "
                        "--email with an @ and a --name\n");
        return 2;
    }
    if (with_password) {
        if (read_password(password, sizeof(password)) < 0)
            return 2;
        int hrc = store_password_hash(password, hash, sizeof(hash));
        sodium_memzero(password, sizeof(password));
        if (hrc < 0)
            return 1;
    }
    if (run_migrate(cfg, true) != 0 || db_open(cfg->database_url, &db) < 0)
        return 1;
    int rc = store_user_create(db, email, name, store_role_parse(role),
                               country, with_password ? hash : NULL, &id);
    db_close(db);
    if (rc == FH_ECONFLICT) {
        fprintf(stderr, "a user with this email exists\n");
        return 1;
    }
    if (rc < 0) {
        fprintf(stderr, "cannot create the user: %s\n", fh_err_name(rc));
        return 1;
    }
    printf("{\"id\":%lld}\n", (long long)id);
    return 0;
}

int main(int argc, char **argv)
{
    char err[FH_CONFIG_ERR_LEN] = "";
    const char *cmd = "serve";
    int first = 1;
    int rest[256], nrest = 0;
    char *rest_argv[256];

    if (argc > 1 && argv[1][0] != '-') {
        cmd = argv[1];
        first = 2;
    }
    if (strcmp(cmd, "help") == 0 || (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
                                                  strcmp(argv[1], "-h") == 0))) {
        usage(stdout);
        return 0;
    }
    if (argc > 256) {
        fprintf(stderr, "too many arguments\n");
        return 2;
    }
    config_init(&fh_config);
    if (config_load_env(&fh_config, err) < 0 ||
        config_load_args(&fh_config, argc, argv, first, rest, &nrest, err) < 0 ||
        config_validate(&fh_config, err) < 0) {
        fprintf(stderr, "freelance-hub: %s\n", err);
        return 2;
    }
    for (int i = 0; i < nrest; i++) {
        rest_argv[i] = argv[rest[i]];
        if (strcmp(rest_argv[i], "--help") == 0 || strcmp(rest_argv[i], "-h") == 0) {
            usage(stdout);  /* before anything opens the database */
            return 0;
        }
    }
    if (log_open(fh_config.log_file, fh_config.log_level, fh_config.log_json) < 0) {
        fprintf(stderr, "freelance-hub: LOG_FILE cannot be opened: %s\n",
                fh_config.log_file);
        return 2;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "freelance-hub: libsodium failed to start\n");
        return 1;
    }

    int code;
    if (strcmp(cmd, "serve") == 0) {
        if (nrest > 0) {
            fprintf(stderr, "freelance-hub: unknown option %s\n", rest_argv[0]);
            return 2;
        }
        code = run_serve(&fh_config);
    } else if (strcmp(cmd, "migrate") == 0) {
        code = run_migrate(&fh_config, false);
    } else if (strcmp(cmd, "seed") == 0) {
        code = run_migrate(&fh_config, true);
        if (code == 0)
            code = seed_main(&fh_config, nrest, rest_argv);
    } else if (strcmp(cmd, "import") == 0) {
        code = run_migrate(&fh_config, true);
        if (code == 0)
            code = import_main(&fh_config, nrest, rest_argv);
    } else if (strcmp(cmd, "explain") == 0) {
        code = run_explain(&fh_config);
    } else if (strcmp(cmd, "maintain") == 0) {
        code = run_maintain(&fh_config, nrest, rest_argv);
    } else if (strcmp(cmd, "user") == 0) {
        code = run_user(&fh_config, nrest, rest_argv);
    } else {
        fprintf(stderr, "freelance-hub: unknown command \"%s\"\n", cmd);
        usage(stderr);
        code = 2;
    }
    log_close();
    return code;
}
