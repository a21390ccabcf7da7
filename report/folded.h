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
};

/*
 * Callback deciding whether a parsed stack is kept (filters); frames are ids
 * in t, root first.  NULL keeps everything.
 */
typedef int (*folded_filter_fn)(void *ctx, const struct tree *t, const uint32_t *frames, size_t n);

/*
 * Parse folded text into t.  Frame suffixes _[k], _[i], _[j] set the frame
 * kind (and are removed); a first frame stays an ordinary frame.  Malformed
 * lines are skipped and counted.  Lines of the form "stack A B" (two counts,
 * as difffolded writes) are malformed here.  Returns 0 (stats in *st).
 */
int folded_parse(struct tree *t, const char *text, size_t len, folded_filter_fn keep,
		 void *keep_ctx, struct folded_stats *st);

/* 1 when the buffer looks like folded text (printable, lines ending in a count). */
int folded_sniff(const char *text, size_t len);

#endif
