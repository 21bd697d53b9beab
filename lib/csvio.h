/*
 * csvio: writing CSV and TSV fields (reading lives in csvio.c behind the
 * reader interface of reader.h).
 *
 * CSV output quotes a field only when it holds a comma, a double quote, CR
 * or LF (doubling inner quotes), and writes "" for the one field of a
 * one-column record that is empty, so the line is not read back as blank.
 * TSV output escapes tab, LF, CR and backslash as \t \n \r \\.
 */
#ifndef COV_CSVIO_H
#define COV_CSVIO_H

#include <stddef.h>

#include "io.h"

/* Write one CSV field.  excel_safe prefixes values that begin with = + - @
 * TAB or CR with a single quote, so spreadsheets do not run them. */
void csv_write_field(struct out_file *o, const char *s, size_t n,
		     int excel_safe);

/* Write one TSV field (see above). */
void tsv_write_field(struct out_file *o, const char *s, size_t n,
		     int excel_safe);

#endif
