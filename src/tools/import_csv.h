/* An RFC 4180 CSV reader over a buffer held in memory: comma separators,
 * double-quoted fields that may hold commas, doubled quotes and raw line
 * breaks, records ended by LF or CRLF. */
#ifndef FH_TOOLS_IMPORT_CSV_H
#define FH_TOOLS_IMPORT_CSV_H

#include <stddef.h>

typedef struct import_csv {
    const char *data;     /* the input; not owned */
    size_t len;
    size_t pos;           /* next byte to read */
    size_t line;          /* 1-based line of data[pos] */
    size_t record_line;   /* line on which the last record began */
    size_t error_line;    /* line where a malformed record was detected */
    const char *error;    /* static text naming the fault, or NULL */
    char *buf;            /* the record's fields, each ended by NUL */
    size_t buf_cap;
    size_t *starts;       /* offset of each field in buf */
    size_t *lens;         /* length of each field, without the NUL */
    size_t nfields;
    size_t fields_cap;
} import_csv_t;

/* Starts reading data[0..len). The reader borrows data; it must outlive
 * the reader. */
void import_csv_init(import_csv_t *csv, const char *data, size_t len);

/* Reads the next record. Returns 1 when one is ready, 0 at the end of the
 * input, FH_EMALFORMED when a quoted field is never closed or a closing
 * quote is followed by anything but a separator or a line break (error
 * and error_line say which and where), or FH_ENOMEM. Empty lines between
 * records are skipped. Fields keep their bytes as they are, including the
 * line breaks inside quotes; the fields of the previous record become
 * invalid. */
int import_csv_next(import_csv_t *csv);

/* Field i of the current record, NUL-terminated (it may also contain NUL
 * bytes from the input, which the length counts), or NULL past the last.
 * The caller may change the field's bytes in place. */
char *import_csv_field(const import_csv_t *csv, size_t i);
size_t import_csv_field_len(const import_csv_t *csv, size_t i);

/* Frees the reader's buffers; the input is left alone. */
void import_csv_cleanup(import_csv_t *csv);

#endif
