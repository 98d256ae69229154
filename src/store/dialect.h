/* SQL fragments whose spelling differs between SQLite (SQ_) and PostgreSQL
 * (PG_), for building the two static texts of one statement. */
#ifndef FH_STORE_DIALECT_H
#define FH_STORE_DIALECT_H

/* A JSON object from key, value, ... pairs. */
#define SQ_JSON_OBJECT "json_object"
#define PG_JSON_OBJECT "json_build_object"

/* The aggregate that gathers values into a JSON array. PostgreSQL's gives
 * NULL over no rows where SQLite's gives []; a *_json column (rows.h)
 * reads both as []. */
#define SQ_JSON_AGG "json_group_array"
#define PG_JSON_AGG "json_agg"

/* sum / count rounded to two decimals, as a number. */
#define SQ_AVG2(sum, count) \
    "ROUND(CAST(" sum " AS REAL) / " count ", 2)"
#define PG_AVG2(sum, count) \
    "ROUND(CAST(" sum " AS NUMERIC) / " count ", 2)"

/* A DOUBLE PRECISION column rounded to two decimals. */
#define SQ_ROUND2(x) "ROUND(" x ", 2)"
#define PG_ROUND2(x) "ROUND(CAST(" x " AS NUMERIC), 2)"

#endif
