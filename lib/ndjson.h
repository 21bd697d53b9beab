/*
 * ndjson: NDJSON field writing and JSON helpers (reading lives in ndjson.c
 * behind the reader interface of reader.h).
 *
 * Reading: each non-blank line must be one JSON object (RFC 8259).  String
 * members become text fields (escapes decoded; a lone surrogate is an
 * error); numbers, true, false, null, nested objects and arrays are kept
 * verbatim as RAW fields after full validation, nesting at most
 * JSON_MAX_DEPTH deep.  Keys seen for the first time are appended to the
 * schema; a key given twice keeps its last value.  A malformed line
 * leaves the schema as it was: its keys are not fields (nor do they
 * change which field a renamed field's old name finds), whatever the
 * point at which it turns out malformed.  The schema holds at most
 * NDJSON_MAX_FIELDS fields: every record costs time in proportion to the
 * fields seen so far, so a line that would bring one more is rejected
 * (too_many_fields), and a file of ever new keys stays linear, not
 * quadratic.
 */
#ifndef COV_NDJSON_H
#define COV_NDJSON_H

#include <stddef.h>

#include "buf.h"
#include "io.h"

#define JSON_MAX_DEPTH 512
#define NDJSON_MAX_FIELDS 16384 /* as many columns as a spreadsheet has */

/* Write s[0..n) as a JSON string, quotes included. */
void json_write_string(struct out_file *o, const char *s, size_t n);

/* Append s[0..n) to b as a JSON string, quotes included. */
void json_buf_string(struct buf *b, const char *s, size_t n);

/* 1 when s[0..n) is exactly one valid JSON value (no surrounding text but
 * white space). */
int json_valid_value(const char *s, size_t n);

#endif
