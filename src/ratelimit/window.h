/* A fixed-window counter per key, in process memory, bounded in size: the
 * sign-in routes' limit of so many attempts per window per client and per
 * account. */
#ifndef FH_RATELIMIT_WINDOW_H
#define FH_RATELIMIT_WINDOW_H

#include <stdbool.h>
#include <stdint.h>

#define RL_WINDOW_SLOTS 65536  /* keys tracked at once; the oldest go first */

/* Counts one attempt for key at time now (seconds). Returns true when it is
 * within limit attempts per window_s; otherwise false with the seconds until
 * the window ends in *retry_after (at least 1). */
bool rl_window_hit(const char *key, int64_t now, int limit, int window_s,
                   int *retry_after);

/* Forgets every key (tests). */
void rl_window_reset(void);

#endif
