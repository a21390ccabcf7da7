/* diff_svg.h — the differential flame graph of a diff (stoke diff -o, stoke flamegraph --diff).
 *
 * One implementation for both commands: the colour is the change the diff
 * compares (shares, counts or rates) and a frame whose function's change is
 * within sampling noise (not significant in the diff's test) is grey.
 */
#ifndef STOKE_DIFF_SVG_H
#define STOKE_DIFF_SVG_H

#include "common/strbuf.h"
#include "report/diff.h"
#include "report/flamegraph.h"

/*
 * Append the SVG of d, built from before and after (the trees passed to
 * diff_new()).  base gives the look (title, width, colours, annotate,
 * inverted, negate...); its before, delta, seconds and significance fields
 * are replaced.  When base->subtitle is NULL the subtitle is `statement`
 * (what is compared and why; may be NULL) followed by the sample counts and
 * how many functions changed significantly.  Returns flamegraph_write()'s
 * result.
 */
int diff_write_svg(const struct diff *d, const struct tree *before, const struct tree *after,
		   const struct flamegraph_opts *base, const char *statement, struct strbuf *out);

#endif
