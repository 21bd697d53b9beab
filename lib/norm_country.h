/*
 * norm_country: country names, aliases and codes to ISO 3166-1 alpha-2, and
 * the sales region of a code.  The names come from data/countries.tsv
 * (Debian iso-codes: English, official and common names, alpha-3 codes and
 * the de, fr, es, pt, pt_BR, it and nl translations) plus an alias table in
 * norm_country.c.  Inputs are pointer + length; not thread-safe (the lookup
 * reuses static buffers, as norm_text does).
 */
#ifndef COV_NORM_COUNTRY_H
#define COV_NORM_COUNTRY_H

#include <stddef.h>

/* Resolve s[0..n) to an alpha-2 code written upper case and NUL-terminated
 * into out.  Case, accents, punctuation and the word "the" are ignored;
 * "Korea, Republic of" and "Bolivia (Plurinational State of)" also match
 * their inverted forms.  Returns 1, or 0 when s names no known country,
 * as a placeholder does ("N/A", "#N/A", "n.a.", "none", "-": see
 * value_is_placeholder), but for an exact code ("NA" is Namibia). */
int country_code(const char *s, size_t n, char out[3]);

/* 1 when s[0..n) is exactly an ISO 3166-1 alpha-2 or alpha-3 code (any
 * case, no punctuation), else 0. */
int country_is_code(const char *s, size_t n);

/* Region of an alpha-2 code (upper or lower case): "NA", "EMEA", "APAC" or
 * "LATAM"; "" for an unknown code.  Static string. */
const char *country_region(const char code[2]);

#endif
