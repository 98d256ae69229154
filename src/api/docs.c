/* Serving the API's description and its documentation page from the copies
 * compiled into the binary. The page may load only its own files and the
 * document; the renderer (Redoc) builds its styles at run time, hence
 * style-src 'unsafe-inline', and runs its search in a worker made from a
 * blob. */
#include "api/docs.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "common/err.h"
#include "http/reply.h"
#include "obs/log.h"

#define DOCS_MAX 8  /* assets the table may hold */

#define DOCS_CSP                                                             \
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " \
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "     \
    "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; "        \
    "frame-ancestors 'none'"

/* LIMITATION: the files are sent uncompressed, even to clients that accept
 * gzip, and each 200 copies its file into the reply: a first visit to /docs
 * moves the renderer's 0.9 MB instead of about 0.3 MB. Later visits
 * revalidate with the ETag and move nothing. Bites on slow links, or if
 * /docs were put under load, never on the API itself. */

static char docs_etags[DOCS_MAX][24];  /* "\"<16 hex digits>\"" per asset */
static pthread_once_t docs_once = PTHREAD_ONCE_INIT;

static void docs_init(void)
{
    for (size_t i = 0; i < DOCS_MAX && docs_assets[i].path; i++)
        snprintf(docs_etags[i], sizeof(docs_etags[i]), "\"%016llx\"",
                 (unsigned long long)XXH3_64bits(docs_assets[i].data,
                                                 docs_assets[i].len));
}

/* The content type for the asset at path: the page itself has no
 * extension. */
static const char *docs_type(const char *path)
{
    size_t n = strlen(path);

    if (n > 5 && strcmp(path + n - 5, ".json") == 0)
        return "application/json; charset=utf-8";
    if (n > 3 && strcmp(path + n - 3, ".js") == 0)
        return "text/javascript; charset=utf-8";
    if (n > 4 && strcmp(path + n - 4, ".txt") == 0)
        return "text/plain; charset=utf-8";
    return "text/html; charset=utf-8";
}

/* Whether an If-None-Match value names etag (or is "*"). */
static bool etag_matches(const char *header, const char *etag)
{
    size_t n = strlen(etag);

    if (header == NULL)
        return false;
    for (const char *p = header; *p;) {
        p += strspn(p, " ,\t");
        if (strncmp(p, "W/", 2) == 0)
            p += 2;  /* a weak comparison is enough for GET */
        if (*p == '*' || (strncmp(p, etag, n) == 0 &&
                          (p[n] == '\0' || p[n] == ',' || p[n] == ' ')))
            return true;
        p += strcspn(p, ",");
    }
    return false;
}

void api_docs_file(http_req_t *req)
{
    const char *path = req->route->path;
    const char *type = docs_type(path);
    size_t i = 0;

    pthread_once(&docs_once, docs_init);
    while (i < DOCS_MAX && docs_assets[i].path &&
           strcmp(docs_assets[i].path, path) != 0)
        i++;
    if (i == DOCS_MAX || docs_assets[i].path == NULL) {
        log_error("no embedded file for a documentation route",
                  "s:path", path);
        http_reply_fh(req, FH_EDB, NULL, NULL);
        return;
    }

    http_reply_header(req, "ETag", docs_etags[i]);
    http_reply_header(req, "Cache-Control", "public, no-cache");
    if (etag_matches(http_header(req, "If-None-Match"), docs_etags[i])) {
        http_reply_raw(req, 304, type, "", 0);
        return;
    }
    http_reply_header(req, "X-Content-Type-Options", "nosniff");
    if (strncmp(type, "text/html", 9) == 0)
        http_reply_header(req, "Content-Security-Policy", DOCS_CSP);
    http_reply_raw(req, 200, type, (const char *)docs_assets[i].data,
                   docs_assets[i].len);
}
