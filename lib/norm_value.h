/*
 * norm_value: small field values of CRM exports - booleans, dates and
 * e-mail verification statuses - to one canonical spelling each.  Inputs
 * are pointer + length (any bytes); nothing is allocated per call.
 */
#ifndef COV_NORM_VALUE_H
#define COV_NORM_VALUE_H

#include <stddef.h>

#include "buf.h"

/* How to read an ambiguous numeric date such as 05/03/2024. */
enum { DATE_MDY = 0, DATE_DMY = 1 };

/* 1 for a true value (y, yes, true, t, 1, on, x, checked, ja, oui, si, sí,
 * sim, ...), 0 for a false one (n, no, false, f, 0, off, nein, non, não,
 * ...), -1 for anything else, the empty value included. */
int value_bool(const char *s, size_t n);

/* Write the date s[0..n) as ISO 8601 into out (reset first): YYYY-MM-DD, or
 * YYYY-MM-DDTHH:MM:SS when s has a time, followed by "Z" or "+HH:MM" when s
 * has a zone (kept, never converted).  order (DATE_MDY or DATE_DMY) decides
 * only numeric dates with "/" or "-" that fit both readings.  Returns 0, or
 * -1 (out empty) when s is not a valid date between 1900 and 2199. */
int value_date(const char *s, size_t n, int order, struct buf *out);

/* 1 for a value that stands for "nothing here" (any case): one made only
 * of - _ . ? * / # ~, spaces and TABs ("-", "?", "---"); one whose ASCII
 * letters and digits alone spell n/a, none, null, nil, nan, unknown,
 * undefined, tbd, missing, empty, not available, not applicable, not
 * provided or no email ("N/A", "#N/A", "n.a.", "--None--", "<null>"); a
 * spreadsheet error (#REF!, #VALUE!, #NAME?, #DIV/0!, #NUM!).  Else 0: the
 * empty value, a value with an '@' (an attempt at an address), a byte
 * beyond ASCII or a control character.  The one test of the tools: a
 * placeholder is no e-mail address, no required value, no country and no
 * company. */
int value_is_placeholder(const char *s, size_t n);

/* "valid", "invalid", "bounced" or "unknown" for an e-mail verification
 * status; NULL for an empty (or all white space) value.  Unrecognised
 * values are "unknown".  Static strings. */
const char *value_email_status(const char *s, size_t n);

/* value_email_status for a recognised spelling only: NULL for an empty
 * value and for one that is no known status (which value_email_status
 * reads as "unknown"). */
const char *value_email_status_known(const char *s, size_t n);

#endif
