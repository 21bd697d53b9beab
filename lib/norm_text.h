/*
 * norm_text: Unicode text cleaning shared by every normaliser.
 *
 * Two forms of a string:
 *   clean  for display: NFC, leading/trailing white space removed, every run
 *          of white space (ASCII, NBSP and the other Unicode spaces, control
 *          characters) collapsed to one ASCII space, zero-width spaces and
 *          BOMs dropped.  Case is never changed.
 *   fold   for keys: clean, then compatibility-decomposed, case-folded and
 *          stripped of combining marks ("Müller" -> "muller", "ﬁ" -> "fi"),
 *          and the Latin letters Unicode does not decompose reduced to
 *          their base letters: ł -> l, ø -> o, đ -> d, ħ -> h, ŧ -> t,
 *          ð -> d, ı -> i, æ -> ae, œ -> oe, þ -> th (ß folds to ss).
 * Both write into a caller's buf (reset first) and never allocate per call
 * once the buffers have grown: a static code-point buffer is reused, so these
 * functions are not thread-safe.  ASCII input takes a fast path that never
 * touches utf8proc.
 */
#ifndef COV_NORM_TEXT_H
#define COV_NORM_TEXT_H

#include <stddef.h>

#include "buf.h"

/* 1 when s[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
int text_utf8_valid(const char *s, size_t n);

/* The offset of the first byte of s[0..n) that begins no valid UTF-8
 * character, or n when there is none. */
size_t text_utf8_bad(const char *s, size_t n);

/* Clean s into out (see above).  Returns 0, or -1 on invalid UTF-8 (out then
 * holds s unchanged). */
int text_clean(struct buf *out, const char *s, size_t n);

/* 1 when text_clean would return s unchanged; a quick, conservative test
 * (it may say 0 for clean text with rare combining sequences).  Use it to
 * skip the copy for the common already-clean value. */
int text_is_clean(const char *s, size_t n);

/* Fold s into out (see above).  Returns 0, or -1 on invalid UTF-8. */
int text_fold(struct buf *out, const char *s, size_t n);

/* Append s to out lower-cased: each code point of its canonical
 * decomposition by utf8proc_tolower (simple, one-to-one), then composed
 * (NFC).  In that order a letter's case never changes the result, even
 * where it changes what composes: U+0130 and "I" + U+0307 both give
 * "i" + U+0307 (U+0130's own lower case is a plain "i").  Returns 0, or
 * -1 on invalid UTF-8 (out unchanged). */
int text_lower(struct buf *out, const char *s, size_t n);

/* Append s to out case-folded (Unicode full case folding) and in NFC,
 * accents and white space kept as they are.  Returns 0, or -1 on invalid
 * UTF-8 (out unchanged). */
int text_casefold(struct buf *out, const char *s, size_t n);

/* 1 when s[0..n) is only ASCII. */
int text_is_ascii(const char *s, size_t n);

/* Free the calling thread's buffers (the functions here keep one per
 * thread); for a thread about to end. */
void text_thread_release(void);

#endif
