/* Small helpers with no dependencies on the rest of the program: time in
 * RFC 3339, integer parsing, UTF-8 checks. */
#ifndef FH_COMMON_UTIL_H
#define FH_COMMON_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define FH_TIME_BUF 32  /* "2025-03-02T10:15:04Z" plus room */

/* Seconds since the epoch, UTC. */
int64_t fh_now(void);

/* Milliseconds from a monotonic clock, for durations. */
double fh_mono_ms(void);

/* The moment ms milliseconds from now on clock, as the timed waits of
 * pthreads take it: CLOCK_MONOTONIC for a condition variable set to that
 * clock, CLOCK_REALTIME for pthread_mutex_timedlock. */
struct timespec fh_deadline_in(clockid_t clock, int64_t ms);

/* Writes epoch seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf. */
void fh_time_format(int64_t epoch, char buf[FH_TIME_BUF]);

/* Parses RFC 3339 ("2024-05-13T09:44:00Z", an offset "+02:00", optional
 * fraction) or a bare date "2024-05-13". Returns 0 and the UTC epoch seconds,
 * or FH_EMALFORMED. */
int fh_time_parse(const char *s, int64_t *out);

/* Parses a whole base-10 integer with no sign-less junk: "12", "-3". Returns
 * 0 or FH_EMALFORMED (empty, junk, overflow). */
int fh_parse_int64(const char *s, int64_t *out);

/* True when s[0..len) is well-formed UTF-8 with no NUL and no overlong or
 * surrogate sequences. */
bool fh_utf8_valid(const char *s, size_t len);

/* Length of the well-formed UTF-8 sequence at p (before end), or 0 when
 * there is none there: a NUL, a stray or missing continuation byte, an
 * overlong form, a surrogate, or a code point past U+10FFFF. */
size_t fh_utf8_seq_len(const unsigned char *p, const unsigned char *end);

/* Number of code points in a valid UTF-8 string. */
size_t fh_utf8_len(const char *s);

#endif
