/* Serving the web page: each embedded file of web/ with its content type,
 * a strong ETag (304 on a match), Cache-Control, and a gzip copy made once
 * at first use for clients that accept it. Paths that name no file answer
 * with the page itself, which routes them in the browser. */
#include "api/web.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>
#include <zlib.h>

#include "common/err.h"
#include "http/reply.h"
#include "obs/log.h"

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
    unsigned char *gz;  /* the gzip copy, or NULL when it is not smaller */
    size_t gz_len;
    char etag[24];      /* "\"<16 hex digits>\"" */
    char etag_gz[28];   /* the same with -gz: another representation */
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

/* A gzip stream of data in a new buffer; NULL when out of memory or when
 * it would not be smaller than data. */
static unsigned char *gzip_copy(const unsigned char *data, size_t len,
                                size_t *out_len)
{
    z_stream zs;
    unsigned char *buf;

    memset(&zs, 0, sizeof(zs));
    if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&zs, (uLong)len);
    buf = malloc(cap);
    if (buf) {
        zs.next_in = (Bytef *)data;
        zs.avail_in = (uInt)len;
        zs.next_out = buf;
        zs.avail_out = (uInt)cap;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END || zs.total_out >= len) {
            free(buf);
            buf = NULL;
        }
    }
    *out_len = buf ? zs.total_out : 0;
    deflateEnd(&zs);
    return buf;
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
        unsigned long long h = (unsigned long long)XXH3_64bits(a->data, a->len);

        f->asset = a;
        f->type = type_for(a->path);
        f->gz = gzip_copy(a->data, a->len, &f->gz_len);
        snprintf(f->etag, sizeof(f->etag), "\"%016llx\"", h);
        snprintf(f->etag_gz, sizeof(f->etag_gz), "\"%016llx-gz\"", h);
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

/* Whether url names a folder with an index.html but lacks its final
 * slash ("/docs"): it is sent to "/docs/" so its relative links work. */
static bool folder_needs_slash(const char *url)
{
    char path[WEB_PATH_MAX];
    size_t n = strlen(url);

    if (n == 0 || url[n - 1] == '/' ||
        n + sizeof("/index.html") > sizeof(path))
        return false;
    memcpy(path, url, n);
    memcpy(path + n, "/index.html", sizeof("/index.html"));
    return file_find(path) != NULL;
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

/* Replies 308 to url with a final slash. */
static void reply_add_slash(http_req_t *req)
{
    char to[WEB_PATH_MAX + 2];

    int n = snprintf(to, sizeof(to), "%s/", req->url);

    http_reply_header(req, "Location", to);
    http_reply_raw(req, 308, "text/plain; charset=utf-8", to, (size_t)n);
}

/* Skips spaces and tabs. */
static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Whether an Accept-Encoding value accepts gzip: a "gzip" coding whose q
 * is not zero, or else a "*" whose q is not zero. */
static bool accepts_gzip(const char *ae)
{
    int gzip = -1, star = -1;  /* -1 not named, 0 refused, 1 accepted */

    while (ae && *ae) {
        const char *tok = skip_ows(ae);
        size_t len = strcspn(tok, ",; \t");
        const char *end = tok + strcspn(tok, ",");
        const char *q = strstr(tok, "q=");
        int ok = (q == NULL || q > end) ? 1 : strtod(q + 2, NULL) > 0;

        if (len == 4 && strncasecmp(tok, "gzip", 4) == 0)
            gzip = ok;
        else if (len == 1 && tok[0] == '*')
            star = ok;
        ae = *end ? end + 1 : NULL;
    }
    return gzip >= 0 ? gzip == 1 : star == 1;
}

/* Whether If-None-Match (a list of tags, or "*") holds etag, compared
 * weakly as RFC 9110 asks for this header. */
static bool etag_matches(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);

    while (inm && *inm) {
        const char *tok = skip_ows(inm);
        if (*tok == '*')
            return true;
        if (strncmp(tok, "W/", 2) == 0)
            tok += 2;
        if (strncmp(tok, etag, elen) == 0) {
            const char *after = skip_ows(tok + elen);
            if (*after == ',' || *after == '\0')
                return true;
        }
        inm = strchr(tok, ',');
        if (inm)
            inm++;
    }
    return false;
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
    if (folder_needs_slash(req->url)) {
        reply_add_slash(req);
        return;
    }
    f = file_resolve(req->url);
    if (f == NULL) {
        http_reply_error(req, 404, "not_found", "no such file", NULL);
        return;
    }

    bool gz = f->gz && accepts_gzip(http_header(req, "Accept-Encoding"));
    const char *etag = gz ? f->etag_gz : f->etag;

    http_reply_header(req, "ETag", etag);
    http_reply_header(req, "Cache-Control", WEB_CACHE_CONTROL);
    http_reply_header(req, "Vary", "Accept-Encoding");
    http_reply_header(req, "X-Content-Type-Options", "nosniff");
    if (strcmp(f->type, web_types[0].type) == 0)
        http_reply_header(req, "Content-Security-Policy", WEB_CSP);
    if (etag_matches(http_header(req, "If-None-Match"), etag)) {
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
