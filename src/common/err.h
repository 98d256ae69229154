/* Error codes shared by every layer: 0 is success, a negative fh_err is a
 * failure. http/reply.c maps each to an HTTP status and an error code. */
#ifndef FH_COMMON_ERR_H
#define FH_COMMON_ERR_H

enum fh_err {
    FH_OK = 0,
    FH_ENOMEM = -1,        /* an allocation failed */
    FH_ENOTFOUND = -2,     /* no row with that id */
    FH_ECONFLICT = -3,     /* duplicate, or the row is in the wrong state */
    FH_EINVAL = -4,        /* well formed but invalid input */
    FH_EFORBIDDEN = -5,    /* the caller does not own the row */
    FH_EDB = -6,           /* the database failed (a bug or corruption) */
    FH_EUNAVAILABLE = -7,  /* the database is unreachable or busy */
    FH_EUNAUTHORIZED = -8, /* no caller, or an unknown one */
    FH_EMALFORMED = -9,    /* syntactically broken input */
};

/* A static English name for the code, for logs. */
const char *fh_err_name(int rc);

#endif
