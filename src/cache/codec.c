#include "cache/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>
#include <zlib.h>

#include "common/err.h"

uint64_t cache_etag_hash(const char *body, size_t len)
{
    return XXH3_64bits(body, len);
}

void cache_etag_format(uint64_t hash, bool gz, char out[CACHE_ETAG_LEN])
{
    snprintf(out, CACHE_ETAG_LEN, "\"%016llx%s\"", (unsigned long long)hash,
             gz ? "-gz" : "");
}

static const char *skip_ows(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

bool cache_etag_matches(const char *inm, const char *etag)
{
    size_t elen = strlen(etag);

    if (inm == NULL)
        return false;
    for (const char *p = skip_ows(inm); *p; p = skip_ows(p)) {
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == '*')
            return true;
        if (strncmp(p, "W/", 2) == 0)
            p += 2;
        if (*p != '"')
            return false;  /* not a list of entity tags: no match */
        const char *end = strchr(p + 1, '"');
        if (end == NULL)
            return false;
        if ((size_t)(end + 1 - p) == elen && memcmp(p, etag, elen) == 0)
            return true;
        p = end + 1;
    }
    return false;
}

/* The q value of one Accept-Encoding element's parameters (after the
 * coding name), 1 when none is given. */
static double element_q(const char *params, const char *end)
{
    const char *p = params;

    while (p < end) {
        p = skip_ows(p);
        if (*p == ';')
            p = skip_ows(p + 1);
        if ((p[0] == 'q' || p[0] == 'Q') && p[1] == '=')
            return strtod(p + 2, NULL);
        while (p < end && *p != ';')
            p++;
    }
    return 1.0;
}

bool cache_accepts_gzip(const char *ae)
{
    int gzip = -1, star = -1;   /* -1 not named, 0 refused, 1 taken */

    if (ae == NULL)
        return false;
    for (const char *p = ae; *p;) {
        p = skip_ows(p);
        const char *end = strchr(p, ',');
        if (end == NULL)
            end = p + strlen(p);
        size_t n = strcspn(p, ";, \t");
        if (n > (size_t)(end - p))
            n = (size_t)(end - p);
        int take = element_q(p + n, end) > 0.0;
        if ((n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
            (n == 6 && strncasecmp(p, "x-gzip", 6) == 0))
            gzip = take;
        else if (n == 1 && *p == '*')
            star = take;
        p = *end ? end + 1 : end;
    }
    return gzip == 1 || (gzip == -1 && star == 1);
}

int cache_gzip(const char *in, size_t len, int level, char **out,
               size_t *out_len)
{
    z_stream z;
    char *buf;
    int rc;

    memset(&z, 0, sizeof(z));
    /* 15 window bits plus 16: a gzip header and trailer, not zlib's. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
                     Z_DEFAULT_STRATEGY) != Z_OK)
        return FH_ENOMEM;
    size_t cap = deflateBound(&z, (uLong)len);
    buf = malloc(cap);
    if (buf == NULL) {
        deflateEnd(&z);
        return FH_ENOMEM;
    }
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    rc = deflate(&z, Z_FINISH);
    size_t n = z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END || n >= len) {
        free(buf);
        return rc == Z_STREAM_END ? FH_EINVAL : FH_ENOMEM;
    }
    *out = buf;
    *out_len = n;
    return 0;
}
