/*
 * norm_company: the company key used to match and dedupe companies by name.
 *
 *   "The Acme Company, Inc."  -> "acme"
 *   "ACME GmbH & Co. KG"      -> "acme"
 *   "Société Générale S.A."   -> "societe generale"
 *   "O'Reilly Media"          -> "oreilly media"
 *
 * Not thread-safe: static scratch buffers are reused across calls.
 */
#ifndef COV_NORM_COMPANY_H
#define COV_NORM_COMPANY_H

#include <stddef.h>

#include "buf.h"

/* Write the company key of s[0..n) into out: folded (text_fold: case,
 * accents, compatibility forms), apostrophes removed inside words, dots
 * inside abbreviations removed ("S.p.A." -> "spa", "Amazon.com" ->
 * "amazon"), '&' read as "and", any other punctuation a word break, a
 * leading "The" dropped, legal-form suffixes dropped from the end of each
 * part separated by commas, brackets or " - " (table in norm_company.c), but
 * never the last word left ("AG" stays "ag").  Words are joined by one
 * space.  A placeholder ("N/A", "none", "-": value_is_placeholder of
 * norm_value.h) gives the empty key.  Returns 0, or -1 on invalid UTF-8
 * (out then empty). */
int company_key(const char *s, size_t n, struct buf *out);

/* Free the calling thread's buffers (one set per thread); for a thread
 * about to end. */
void company_thread_release(void);

#endif
