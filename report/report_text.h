/* report_text.h — the text reports of `stoke report`: call graph views and the flat top table.
 *
 * Functions are frames merged across the whole tree (one frame id, wherever
 * it appears); a function's total counts each sample once even when the
 * function recurses.  Percentages are of the tree's total samples.
 */
#ifndef STOKE_REPORT_TEXT_H
#define STOKE_REPORT_TEXT_H

#include "common/strbuf.h"
#include "report/profile.h"
#include "report/tree.h"

#include <stddef.h>

enum report_view {
	REPORT_CALLER, /* each function, then what it calls (top-down) */
	REPORT_CALLEE, /* each function, then who calls it (bottom-up, stacks inverted) */
	REPORT_TOP,    /* a flat table of functions */
};

enum report_sort {
	REPORT_SORT_DEFAULT, /* total for the call graph views, self for the top table */
	REPORT_SORT_SELF,
	REPORT_SORT_TOTAL,
};

struct report_opts {
	enum report_view view;
	enum report_sort sort;
	double percent_limit; /* in percent: functions and graph lines below it are hidden */
	size_t top;           /* rows of the top table; 0: all */
	int time_us;          /* weights are microseconds (off-cpu, wall): show times */
	uint64_t base;        /* percentages are of this (time_us: the recording's wall
			       * time in microseconds); 0: of the tree's total */
};

/* Append a time given in microseconds as "950 us", "12.3 ms" or "1.234 s". */
void report_add_time(struct strbuf *out, double us);

/* Defaults: caller view, default sort, 0.5% limit, 20 rows. */
void report_opts_init(struct report_opts *o);

/* Append "# event: ...", samples, lost, duration lines taken from info. */
void report_write_header(const struct profile_info *info, struct strbuf *out);

/* Append the report of t (after tree_sort()) in the chosen view to out. */
void report_write(const struct tree *t, const struct report_opts *o, struct strbuf *out);

#endif
