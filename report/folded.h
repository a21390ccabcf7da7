/* folded.h — FlameGraph "folded" stacks: `root;child;leaf COUNT\n`, read and written. */
#ifndef STOKE_FOLDED_H
#define STOKE_FOLDED_H

#include "common/strbuf.h"
#include "report/tree.h"

#include <stddef.h>
#include <stdint.h>

struct folded_opts {
	int annotate; /* 1: suffix kernel frames "_[k]", inlined "_[i]", JIT "_[j]" */
};

/*
 * Append one line per stack with self weight to out, in the tree's child
 * order (call tree_sort() first for stable output).  Names have ';' replaced
 * by ':' and line breaks by spaces, so every line parses back.
 */
void folded_write(const struct tree *t, const struct folded_opts *o, struct strbuf *out);

/* Append `name` to out as one folded frame (the replacements above, plus the suffix). */
void folded_add_frame(struct strbuf *out, const struct tree_frame *f, const struct folded_opts *o);

struct folded_stats {
	uint64_t lines;     /* stacks read */
	uint64_t malformed; /* lines skipped: no count, bad count, empty stack */
	uint64_t first_bad; /* 1-based number of the first malformed line, 0 if none */
	uint64_t saturated; /* lines whose count was cut so the total stays below 2^64 */
	uint64_t first_saturated; /* the first such line, 0 if none */
};

/*
 * Callback deciding whether a parsed stack is kept (filters); frames are ids
 * in t, root first.  NULL keeps everything.
 */
typedef int (*folded_filter_fn)(void *ctx, const struct tree *t, const uint32_t *frames, size_t n);

/*
 * Parse folded text into t.  Frame suffixes _[k], _[i], _[j] set the frame
 * kind (and are removed); a first frame stays an ordinary frame.  Every line
 * follows the same rules, the first included, and may be of any length: blank
 * lines and lines starting with '#' are skipped; a line without a count, with
 * a count above 2^64-1, without a named frame (";;; 3") or of the form
 * "stack A B" (two counts, as difffolded writes) is malformed, skipped and
 * counted.  Counts saturate: once the sum would pass 2^64-1, the line's count
 * is cut so that the total is exactly 2^64-1 (counted in st->saturated).
 * Returns 0 (stats in *st).
 */
int folded_parse(struct tree *t, const char *text, size_t len, folded_filter_fn keep,
		 void *keep_ctx, struct folded_stats *st);

/* 1 when the buffer looks like folded text: among its first 16 non-blank,
 * non-comment lines (of any length), at least one and at least half are
 * stacks by folded_parse's rules, and none holds a NUL. */
int folded_sniff(const char *text, size_t len);

#endif
