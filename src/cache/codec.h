/* The HTTP side of cached bodies: strong ETags from a body's hash, the
 * If-None-Match and Accept-Encoding checks, and gzip compression. */
#ifndef FH_CACHE_CODEC_H
#define FH_CACHE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"

/* The 64-bit hash a strong ETag is made from (xxh3 of the body). */
uint64_t cache_etag_hash(const char *body, size_t len);

/* Writes the quoted ETag of hash: "\"0123456789abcdef\"", with "-gz"
 * before the closing quote for the gzip form (a different representation
 * gets a different strong validator). */
void cache_etag_format(uint64_t hash, bool gz, char out[CACHE_ETAG_LEN]);

/* True when an If-None-Match header value names etag: "*", or a
 * comma-separated list in which one entity tag equals it (a W/ prefix is
 * ignored: If-None-Match uses the weak comparison). */
bool cache_etag_matches(const char *if_none_match, const char *etag);

/* True when an Accept-Encoding header value takes gzip: "gzip" or
 * "x-gzip" with a q above 0, or "*" with a q above 0 when gzip is not
 * refused by name. NULL takes nothing. */
bool cache_accepts_gzip(const char *accept_encoding);

/* Compresses in[0..len) into a new malloc'd gzip stream at level (1..9).
 * Returns 0, FH_ENOMEM, or FH_EINVAL when the result would not be smaller
 * than the input (then nothing is allocated). */
int cache_gzip(const char *in, size_t len, int level, char **out,
               size_t *out_len);

#endif
