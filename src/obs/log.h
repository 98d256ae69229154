/* One line per event, as key=value text or as a JSON object, to standard
 * error or a file. Lines written while a request is served carry its id,
 * method and route from a per-thread context. */
#ifndef FH_OBS_LOG_H
#define FH_OBS_LOG_H

#include <stdbool.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Parses "debug", "info", "warning" (or "warn"), "error". */
int log_level_parse(const char *s, int *out);

/* Starts logging at level; path NULL or "" is standard error. Returns 0, or
 * a negative fh_err when the file cannot be opened. */
int log_open(const char *path, int level, bool json);

/* Reopens the file after rotation; does nothing for standard error. */
void log_reopen(void);

void log_close(void);

bool log_enabled(int level);

/* The calling thread's request context; pointers must stay valid until
 * log_context_clear(). */
void log_context_set(const char *request_id, const char *method,
                     const char *route);
void log_context_clear(void);

/* Writes one event. After msg come pairs of a typed key and a value, ended
 * by NULL: "s:name" takes a const char *, "i:name" an int64_t (cast it),
 * "f:name" a double, "b:name" an int read as a boolean. */
void log_event(int level, const char *msg, ...);

#define log_debug(...) \
    do { if (log_enabled(LOG_DEBUG)) log_event(LOG_DEBUG, __VA_ARGS__, (const char *)0); } while (0)
#define log_info(...)  log_event(LOG_INFO, __VA_ARGS__, (const char *)0)
#define log_warn(...)  log_event(LOG_WARN, __VA_ARGS__, (const char *)0)
#define log_error(...) log_event(LOG_ERROR, __VA_ARGS__, (const char *)0)

#endif
