/*
 * norm_title: job title -> persona, seniority and department (SPEC §4).
 *
 * A taxonomy is a rule table: word and phrase patterns (folded, with `*` for
 * prefix, suffix or compound matches) that each contribute a department
 * with a priority and/or a seniority level.  The default table is
 * data/taxonomy.tsv, embedded in the binary; taxonomy_load adds a user's
 * file on top (its rules win) or, with a `!replace` line, starts over.  The
 * file format is described at the top of data/taxonomy.tsv.
 *
 * A taxonomy keeps scratch buffers and a memo cache of recent titles, so one
 * taxonomy must not be used from two threads at once.
 */
#ifndef COV_NORM_TITLE_H
#define COV_NORM_TITLE_H

#include <stddef.h>

#include "err.h"

struct taxonomy; /* opaque */

/* The three labels: static strings, never freed; all "" for an empty title. */
struct title_labels {
	const char *persona, *seniority, *department;
};

/* A taxonomy holding the embedded default rules.  Free with taxonomy_free.
 * Returns NULL only if the embedded table is malformed (a build error). */
struct taxonomy *taxonomy_new(void);

/* Add the rules of the file at path (user rules take precedence; a
 * `!replace` line drops everything loaded before it, built-in rules too).
 * Returns 0, or -1 with e set: COV_EXIT_IO when the file cannot be read,
 * COV_EXIT_USAGE with FILE:LINE for a malformed line.  On error t is
 * unchanged. */
int taxonomy_load(struct taxonomy *t, const char *path, struct cov_err *e);

/* The same as taxonomy_load for rules held in memory; name is used in error
 * messages. */
int taxonomy_load_mem(struct taxonomy *t, const char *name, const char *text,
		      size_t n, struct cov_err *e);

/* Free t and everything it holds; NULL is ignored. */
void taxonomy_free(struct taxonomy *t);

/* Classify title[0..n) (any bytes, not NUL-terminated) into out.  Never
 * fails; a title with no recognised words is other/individual_contributor/
 * other, an empty or blank one gives "" for all three. */
void title_classify(struct taxonomy *t, const char *title, size_t n,
		    struct title_labels *out);

#endif
