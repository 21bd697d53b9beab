/*
 * norm_phone: telephone numbers to E.164 ("+" and up to 15 digits) with a
 * project table of ITU country calling codes and national trunk prefixes.
 * Inputs are pointer + length; nothing is allocated per call.
 */
#ifndef COV_NORM_PHONE_H
#define COV_NORM_PHONE_H

#include <stddef.h>

#include "buf.h"

/* Write s[0..n) as "+<digits>" into out (reset first).  A number without
 * "+", "00" (or "011" for NANP) is national to default_country (alpha-2, any
 * case; NULL or unknown for none), whose trunk prefix is dropped.
 * Extensions ("x123", "ext. 123", "#123", ";ext=123") are dropped.  Returns
 * 0, or -1 (out empty) when the number cannot be made E.164: letters,
 * unassigned country code, no country, or a length outside the rules. */
int phone_e164(const char *s, size_t n, const char *default_country,
	       struct buf *out);

/* Country calling code of an alpha-2 code (any case), e.g. 44 for "GB", 1
 * for every NANP member; 0 when unknown. */
int phone_calling_code(const char code[2]);

#endif
