/* diff.h — compare two profiles: per-function changes of share with a significance test,
 * and stack matching by frame names for the differential flame graph.
 *
 * Frames of the two trees are matched by name only (not module, kind or
 * address), so a stoke file compares with folded text from any tool.  A
 * "function" is every frame of a name merged; its total counts a sample once
 * even under recursion.  FRAME_ROOT frames (command names) are not functions.
 * The test and its assumptions are described in docs/diff.md.
 */
#ifndef STOKE_DIFF_H
#define STOKE_DIFF_H

#include "common/strbuf.h"
#include "report/tree.h"

#include <stddef.h>
#include <stdint.h>

enum { DIFF_BEFORE = 0, DIFF_AFTER = 1 };

enum diff_sort {
	DIFF_SORT_TOTAL, /* rank by the change of total (the default) */
	DIFF_SORT_SELF,  /* rank by the change of self */
};

struct diff_opts {
	double alpha;        /* family-wise error rate (Holm); default 0.01 */
	int absolute;        /* 1: compare raw counts (Poisson rate test), not shares */
	enum diff_sort sort;
	int time_us;         /* 1: weights are microseconds (off-cpu, wall profiles): compare
			      * times; no significance test (a time is not a count of
			      * independent samples), functions ranked by the change of time */
};

void diff_opts_init(struct diff_opts *o);

/* One function (all frames of one name) in both profiles; [DIFF_BEFORE], [DIFF_AFTER]. */
struct diff_func {
	const char *name;
	uint64_t self[2];     /* samples ending in it */
	uint64_t total[2];    /* samples whose stack holds it, once each */
	double self_pct[2];   /* self share of that side's samples, in percent */
	double total_pct[2];  /* total share, in percent */
	double z;             /* test statistic, positive when it grew; 0 when untested */
	double p;             /* two-sided p-value (1 when untested) */
	double p_adj;         /* Holm-adjusted p-value (1 when untested) */
	int tested;           /* took part in the test (counted in the correction) */
	int significant;      /* p_adj <= alpha: +1 grew, -1 shrank, 0 not significant */
};

struct diff;

/*
 * Compare two trees.  Neither is modified nor kept: the diff copies what it
 * needs, but node numbers given to diff_node_*() are those of `after` as it
 * was passed.  Never fails (allocation failure aborts).  Free with diff_free().
 */
struct diff *diff_new(const struct tree *before, const struct tree *after,
		      const struct diff_opts *o);
void diff_free(struct diff *d); /* NULL is a no-op */

/* Samples of one side (DIFF_BEFORE or DIFF_AFTER). */
uint64_t diff_samples(const struct diff *d, int side);

/* Functions present on either side, ranked by the size of their change (largest first). */
size_t diff_nr_funcs(const struct diff *d);
const struct diff_func *diff_func(const struct diff *d, size_t i);
/* How many functions were tested, and how many are significant. */
size_t diff_nr_tested(const struct diff *d);
size_t diff_nr_significant(const struct diff *d);

/* The function of this name, or NULL when neither profile has it. */
const struct diff_func *diff_frame_stats(const struct diff *d, const char *name);

/*
 * For node `after_node` of the after tree: the weight, in the before tree, of
 * the stack with the same frame names from the root to that node (total:
 * through it, self: ending there); 0 and 0 when the before profile never has
 * that stack.  Returns the function of the node's frame, or NULL for node
 * 0, a command-name (FRAME_ROOT) frame or an out-of-range node.
 */
const struct diff_func *diff_node_before(const struct diff *d, uint32_t after_node,
					 uint64_t *total, uint64_t *self);

/* Append the change table: a header, then the first `rows` functions (0: all). */
void diff_write_table(const struct diff *d, size_t rows, struct strbuf *out);

/*
 * Append "stack BEFORE AFTER" lines (the format of FlameGraph's difffolded):
 * every stack, matched by names, with its self weight on each side; sorted
 * by stack.  Kind suffixes are not written (matching ignores kinds).
 */
void diff_write_folded(const struct diff *d, struct strbuf *out);

#endif
