#include "tools/import_csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

enum csv_state {
    CSV_FIELD_START,  /* nothing of the field read yet */
    CSV_UNQUOTED,     /* inside a field that did not start with a quote */
    CSV_QUOTED,       /* inside quotes */
    CSV_QUOTE_SEEN,   /* a quote inside quotes: doubled, or the closing one */
};

void import_csv_init(import_csv_t *csv, const char *data, size_t len)
{
    memset(csv, 0, sizeof(*csv));
    csv->data = data;
    csv->len = len;
    csv->line = 1;
}

void import_csv_cleanup(import_csv_t *csv)
{
    free(csv->buf);
    free(csv->starts);
    free(csv->lens);
    csv->buf = NULL;
    csv->starts = csv->lens = NULL;
    csv->nfields = csv->buf_cap = csv->fields_cap = 0;
}

/* Makes room for n more bytes in the field buffer. */
static int buf_reserve(import_csv_t *csv, size_t used, size_t n)
{
    size_t cap = csv->buf_cap ? csv->buf_cap : 256;
    char *p;

    if (used + n <= csv->buf_cap)
        return 0;
    while (cap < used + n)
        cap *= 2;
    p = realloc(csv->buf, cap);
    if (p == NULL)
        return FH_ENOMEM;
    csv->buf = p;
    csv->buf_cap = cap;
    return 0;
}

/* Ends the field that started at buf[start] and whose last byte is at
 * buf[used - 1]. */
static int field_end(import_csv_t *csv, size_t start, size_t *used)
{
    if (csv->nfields == csv->fields_cap) {
        size_t cap = csv->fields_cap ? csv->fields_cap * 2 : 16;
        size_t *s = realloc(csv->starts, cap * sizeof(*s));
        if (s == NULL)
            return FH_ENOMEM;
        csv->starts = s;
        size_t *l = realloc(csv->lens, cap * sizeof(*l));
        if (l == NULL)
            return FH_ENOMEM;
        csv->lens = l;
        csv->fields_cap = cap;
    }
    if (buf_reserve(csv, *used, 1) < 0)
        return FH_ENOMEM;
    csv->starts[csv->nfields] = start;
    csv->lens[csv->nfields] = *used - start;
    csv->nfields++;
    csv->buf[(*used)++] = '\0';
    return 0;
}

/* Length of the line break at data[pos]: 1 for LF, 2 for CRLF, else 0. */
static size_t line_break(const import_csv_t *csv, size_t pos)
{
    if (csv->data[pos] == '\n')
        return 1;
    if (csv->data[pos] == '\r' && pos + 1 < csv->len &&
        csv->data[pos + 1] == '\n')
        return 2;
    return 0;
}

static int fail(import_csv_t *csv, const char *what, size_t line)
{
    csv->error = what;
    csv->error_line = line;
    return FH_EMALFORMED;
}

int import_csv_next(import_csv_t *csv)
{
    enum csv_state state = CSV_FIELD_START;
    size_t used = 0, start = 0, quote_line = 0, brk;

    csv->nfields = 0;
    while (csv->pos < csv->len && (brk = line_break(csv, csv->pos)) > 0) {
        csv->pos += brk;
        csv->line++;
    }
    if (csv->pos >= csv->len)
        return 0;
    csv->record_line = csv->line;

    while (csv->pos < csv->len) {
        char c = csv->data[csv->pos];

        if (state != CSV_QUOTED && (brk = line_break(csv, csv->pos)) > 0) {
            csv->pos += brk;
            csv->line++;
            return field_end(csv, start, &used) < 0 ? FH_ENOMEM : 1;
        }
        csv->pos++;
        switch (state) {
        case CSV_FIELD_START:
        case CSV_UNQUOTED:
            if (c == ',') {
                if (field_end(csv, start, &used) < 0)
                    return FH_ENOMEM;
                start = used;
                state = CSV_FIELD_START;
                continue;
            }
            if (c == '"' && state == CSV_FIELD_START) {
                state = CSV_QUOTED;
                quote_line = csv->line;
                continue;
            }
            state = CSV_UNQUOTED;
            break;
        case CSV_QUOTED:
            if (c == '"') {
                state = CSV_QUOTE_SEEN;
                continue;
            }
            if (c == '\n')
                csv->line++;
            break;
        case CSV_QUOTE_SEEN:
            if (c == ',') {
                if (field_end(csv, start, &used) < 0)
                    return FH_ENOMEM;
                start = used;
                state = CSV_FIELD_START;
                continue;
            }
            if (c != '"')
                return fail(csv, "text after a closing quote", csv->line);
            state = CSV_QUOTED;
            break;
        }
        if (buf_reserve(csv, used, 1) < 0)
            return FH_ENOMEM;
        csv->buf[used++] = c;
    }
    if (state == CSV_QUOTED)
        return fail(csv, "quoted field never closed", quote_line);
    return field_end(csv, start, &used) < 0 ? FH_ENOMEM : 1;
}

char *import_csv_field(const import_csv_t *csv, size_t i)
{
    return i < csv->nfields ? csv->buf + csv->starts[i] : NULL;
}

size_t import_csv_field_len(const import_csv_t *csv, size_t i)
{
    return i < csv->nfields ? csv->lens[i] : 0;
}
