/*
 * norm_email: e-mail address cleaning, domain extraction and the canonical
 * dedupe key.  Every function takes a pointer and a length (no NUL needed),
 * writes into a caller's buf (reset first, but by email_key_add) and
 * allocates nothing per call once the buffers have grown.  Scratch
 * buffers are per thread.
 */
#ifndef COV_NORM_EMAIL_H
#define COV_NORM_EMAIL_H

#include <stddef.h>

#include "buf.h"

/* Clean an address into out: NFC, trimmed (Unicode white space too), a
 * leading "mailto:" (and its "?query") removed, a display-name form
 * `"Jane Doe" <jane@x.com>` or `<jane@x.com>` reduced to the address, and the
 * whole address lower-cased, local part included (ASCII and Unicode).
 * No syntax check.  Returns 0, or -1 on invalid UTF-8 (out then empty). */
int email_clean(const char *s, size_t n, struct buf *out);

/* Find the domain of an already cleaned address: the bytes after the last
 * '@', one trailing dot excluded.  *dom points into email (borrowed).
 * Returns 0, or -1 when there is no '@' or the domain is empty. */
int email_domain(const char *email, size_t n, const char **dom, size_t *dn);

/* Canonical dedupe key: email_clean, then for the providers in the table in
 * norm_email.c the sub-address tag removed ("+news", or "-news" at Yahoo),
 * and at Gmail the dots of the local part removed with googlemail.com
 * mapped to gmail.com.  Returns 0, or -1 when the input is not UTF-8 or has
 * no '@' (out then empty). */
int email_key(const char *s, size_t n, struct buf *out);

/* email_key, appended to what out holds (out is left as it was on -1). */
int email_key_add(const char *s, size_t n, struct buf *out);

/* Free the calling thread's scratch buffer (one per thread); for a thread
 * about to end. */
void email_thread_release(void);

#endif
