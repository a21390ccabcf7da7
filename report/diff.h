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

/* What is compared (docs/diff.md); report/diff_mode.h chooses one from how the profiles were recorded. */
enum diff_mode {
	DIFF_SHARES, /* each function's fraction of its side's samples; two-proportion z-test */
	DIFF_COUNTS, /* raw sample counts (the work of one whole run); Poisson test, equal exposure */
	DIFF_RATES,  /* samples per second of recording; Poisson test, the durations as exposure */
};

struct diff_opts {
	double alpha;        /* family-wise error rate (Holm); default 0.01 */
	enum diff_mode mode; /* default DIFF_SHARES */
	double seconds[2];   /* DIFF_RATES: each side's recording length (> 0) */
	enum diff_sort sort;
	int time_us;         /* 1: weights are microseconds (off-cpu, wall profiles): compare
			      * times; no significance test (a time is not a count of
			      * independent samples), functions ranked by the change of time */
};

void diff_opts_init(struct diff_opts *o);

/* "shares", "counts" or "rates". */
const char *diff_mode_name(enum diff_mode m);

/*
 * The tests, for one function; exposed for unit tests.  Each returns the
 * two-sided p-value and sets *z (positive when it grew).
 *
 * diff_test_shares: x1 of n1 samples before, x2 of n2 after, pooled
 * two-proportion z-test; returns -1 (untested) when n1 or n2 is 0 or the
 * pooled share is 0 or 1.
 *
 * diff_test_poisson: counts x1, x2 over exposures e1, e2 (> 0).  Under "same
 * rate", given n = x1 + x2, x2 is Binomial(n, e2 / (e1 + e2)): the exact test
 * (twice the smaller tail, capped at 1) for n <= 1000, else the normal
 * approximation with continuity correction.  Returns -1 when n is 0.
 */
double diff_test_shares(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double *z);
double diff_test_poisson(uint64_t x1, double e1, uint64_t x2, double e2, double *z);

/* One function (all frames of one name) in both profiles; [DIFF_BEFORE], [DIFF_AFTER]. */
struct diff_func {
	const char *name;
	uint64_t self[2];     /* samples ending in it */
	uint64_t total[2];    /* samples whose stack holds it, once each */
	double self_pct[2];   /* self share of that side's samples, in percent */
	double total_pct[2];  /* total share, in percent */
	double self_rate[2];  /* DIFF_RATES: self samples per second; other modes: 0 */
	double total_rate[2];
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

const struct diff_opts *diff_get_opts(const struct diff *d);

/* Append the change table: a header, then the first `rows` functions (0: all).
 * Its columns are in the unit of the mode (percent, samples, samples/s). */
void diff_write_table(const struct diff *d, size_t rows, struct strbuf *out);

/*
 * Append "stack BEFORE AFTER" lines (the format of FlameGraph's difffolded):
 * every stack, matched by names, with its self weight on each side; sorted
 * by stack.  Kind suffixes are not written (matching ignores kinds).  So that
 * after − before is the change the mode compares, BEFORE's weights are
 * scaled (and rounded) to AFTER's total samples (shares) or duration
 * (rates); counts are written as they are.
 */
void diff_write_folded(const struct diff *d, struct strbuf *out);

#endif
