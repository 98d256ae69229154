/* Serving the web page: each embedded file of web/ (docs/ is served by
 * api/docs.c) with its content type,
 * a strong ETag (304 on a match), Cache-Control, and a gzip copy made once
 * at first use for clients that accept it. Paths that name no file answer
 * with the page itself, which routes them in the browser. */
#include "api/web.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cache/codec.h"
#include "common/err.h"
#include "http/reply.h"

#define WEB_INDEX "/index.html"
#define WEB_PATH_MAX 256

/* The page may load its own files and talk to its own API, nothing else;
 * no inline script, no framing by other sites. */
#define WEB_CSP                                                              \
    "default-src 'self'; script-src 'self'; style-src 'self'; "             \
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "         \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* Every file revalidates on each use (no hashed file names here): a 304
 * costs one small round trip and a new build is seen at once. */
#define WEB_CACHE_CONTROL "public, no-cache"

typedef struct web_file {
    const web_asset_t *asset;
    const char *type;
    char *gz;           /* the gzip copy, or NULL when it is not smaller */
    size_t gz_len;
    char etag[CACHE_ETAG_LEN];     /* of the bytes as they are */
    char etag_gz[CACHE_ETAG_LEN];  /* of the gzip copy: "...-gz" */
} web_file_t;

static web_file_t *web_files;
static size_t web_nfiles;
static int web_init_rc;
static pthread_once_t web_once = PTHREAD_ONCE_INIT;

static const struct {
    const char *ext;
    const char *type;
} web_types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".yaml", "application/yaml"},
    {".webmanifest", "application/manifest+json"},
};

/* The content type for path's extension; bytes of an unknown kind are
 * offered as a download, never sniffed. */
static const char *type_for(const char *path)
{
    const char *dot = strrchr(path, '.');

    if (dot && strchr(dot, '/') == NULL)
        for (size_t i = 0; i < sizeof(web_types) / sizeof(web_types[0]); i++)
            if (strcasecmp(dot, web_types[i].ext) == 0)
                return web_types[i].type;
    return "application/octet-stream";
}

/* Builds the table of served files once: types, ETags, gzip copies. They
 * live as long as the process. */
static void web_init(void)
{
    size_t n = 0;

    while (web_assets[n].path)
        n++;
    web_files = calloc(n ? n : 1, sizeof(*web_files));
    if (web_files == NULL) {
        web_init_rc = FH_ENOMEM;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        web_file_t *f = &web_files[i];
        const web_asset_t *a = &web_assets[i];
        uint64_t h = cache_etag_hash((const char *)a->data, a->len);

        f->asset = a;
        f->type = type_for(a->path);
        if (cache_gzip((const char *)a->data, a->len, 9, &f->gz,
                       &f->gz_len) < 0)
            f->gz = NULL;  /* not smaller, or no memory: sent as it is */
        cache_etag_format(h, false, f->etag);
        cache_etag_format(h, true, f->etag_gz);
    }
    web_nfiles = n;
}

static const web_file_t *file_find(const char *path)
{
    for (size_t i = 0; i < web_nfiles; i++)
        if (strcmp(web_files[i].asset->path, path) == 0)
            return &web_files[i];
    return NULL;
}

/* Whether the last segment of path has a dot: it names a file. */
static bool path_names_file(const char *path)
{
    const char *last = strrchr(path, '/');

    return strchr(last ? last : path, '.') != NULL;
}

/* The file for a URL path: the file itself, a folder's index.html, or the
 * page for a path without an extension. NULL for a missing file. */
static const web_file_t *file_resolve(const char *url)
{
    char path[WEB_PATH_MAX];
    size_t n = strlen(url);
    const web_file_t *f = NULL;

    if (n > 0 && n + sizeof("index.html") <= sizeof(path)) {
        memcpy(path, url, n + 1);
        if (url[n - 1] == '/')
            memcpy(path + n, "index.html", sizeof("index.html"));
        f = file_find(path);
    }
    if (f == NULL && !path_names_file(url))
        f = file_find(WEB_INDEX);
    return f;
}

void api_web_file(http_req_t *req)
{
    bool get = strcmp(req->method, "GET") == 0;
    const web_file_t *f;

    if (!get && strcmp(req->method, "HEAD") != 0) {
        http_reply_header(req, "Allow", "GET, HEAD");
        http_reply_error(req, 405, "method_not_allowed",
                         "the page is read with GET or HEAD", NULL);
        return;
    }
    pthread_once(&web_once, web_init);
    if (web_init_rc < 0) {
        http_reply_fh(req, web_init_rc, NULL, NULL);
        return;
    }
    f = file_resolve(req->url);
    if (f == NULL) {
        http_reply_error(req, 404, "not_found", "no such file", NULL);
        return;
    }

    bool gz = f->gz && cache_accepts_gzip(http_header(req, "Accept-Encoding"));
    const char *etag = gz ? f->etag_gz : f->etag;

    http_reply_header(req, "ETag", etag);
    http_reply_header(req, "Cache-Control", WEB_CACHE_CONTROL);
    http_reply_header(req, "Vary", "Accept-Encoding");
    http_reply_header(req, "X-Content-Type-Options", "nosniff");
    if (strcmp(f->type, web_types[0].type) == 0)
        http_reply_header(req, "Content-Security-Policy", WEB_CSP);
    if (cache_etag_matches(http_header(req, "If-None-Match"), etag)) {
        http_reply_raw(req, 304, f->type, "", 0);
        return;
    }
    if (gz) {
        http_reply_header(req, "Content-Encoding", "gzip");
        http_reply_raw(req, 200, f->type, (const char *)f->gz, f->gz_len);
    } else {
        http_reply_raw(req, 200, f->type, (const char *)f->asset->data,
                       f->asset->len);
    }
}
