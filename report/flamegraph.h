/* flamegraph.h — an interactive, self-contained SVG flame graph (and its differential form).
 *
 * The SVG carries its own CSS and JavaScript and needs no network.  Frame
 * data is embedded compactly as JSON (about 10 bytes a frame) and drawn by
 * the script, which only builds elements for frames at least `minwidth`
 * pixels wide at the current zoom: zooming in reveals the small frames, and
 * search counts them.  Past `max_frames` frames the narrowest subtrees are
 * left out of the data (elided); their weight stays in their callers, so
 * widths and totals are still right, and the graph then says that a search
 * may miss matches inside them.
 *
 * Every name reaches the document as XML-escaped text or as an escaped JSON
 * string that the script only ever puts into text nodes: a frame called
 * "<script>" is shown, never run.
 */
#ifndef STOKE_FLAMEGRAPH_H
#define STOKE_FLAMEGRAPH_H

#include "common/strbuf.h"
#include "report/tree.h"

#include <stddef.h>
#include <stdint.h>

enum flamegraph_colors {
	FLAMEGRAPH_HOT,  /* warm hues (red..yellow), chosen by a hash of the name */
	FLAMEGRAPH_KIND, /* hue family by frame kind (user, kernel, JIT, inline,
			  * unknown), shade by a hash of the name */
	FLAMEGRAPH_COLD, /* blues, shade by a hash of the name: off-CPU time */
	FLAMEGRAPH_WALL, /* blues for frames under a [blocked] or [preempted] frame
			  * (off-CPU), warm hues for the others (running) */
};

/* Differential graphs: the change a frame's colour shows. */
enum flamegraph_delta {
	FLAMEGRAPH_DELTA_SHARE, /* of its share of its side's samples */
	FLAMEGRAPH_DELTA_COUNT, /* of its sample count */
	FLAMEGRAPH_DELTA_RATE,  /* of its samples per second */
};

/* What flamegraph_write() drew and left out; for tests and messages. */
struct flamegraph_stats {
	size_t frames;          /* frames in the data, the root ("all") included */
	size_t elided;          /* subtrees left out to stay within max_frames */
	uint64_t elided_weight; /* their total weight (still counted in their parents) */
	size_t max_depth;       /* deepest frame drawn (root = 0) */
	size_t only_other;      /* diff: subtrees found only in the other profile */
	uint64_t only_other_weight;
};

/*
 * Differential mode: set `before`.  The graph has the shape of the tree passed
 * to flamegraph_write() (AFTER) and each frame is coloured by the change that
 * `delta` names: of its share, after/after_total - before/before_total; of its
 * count, after - before; or of its rate, after/seconds[1] - before/seconds[0].
 * report/diff_svg.h sets these from a diff, with its significance test.  Red grew, blue shrank, white unchanged; the intensity is
 * scaled to the largest change in the graph.  With `negate` the graph takes
 * BEFORE's shape instead, colours keep meaning before -> after, and frames
 * that vanished are drawn (blue) while the new ones are listed.  Subtrees
 * present only in the profile whose shape is not drawn are listed in a panel
 * under the graph (the largest 20, with their weight) and counted in stats.
 */
struct flamegraph_opts {
	const char *title;      /* NULL: "Flame Graph", "Icicle Graph" or "Differential Flame Graph" */
	const char *subtitle;   /* shown under the title; NULL: none */
	unsigned width;         /* image width in px; 0: 1200 */
	double minwidth;        /* px at the current zoom; narrower frames are not drawn
				 * (default 0.1; the script never goes below 0.1) */
	size_t max_frames;      /* frames kept in the data; 0: 1,500,000 */
	int inverted;           /* 1: icicle graph, root at the top */
	enum flamegraph_colors colors;
	int annotate;           /* 1: show kind suffixes _[k] _[i] _[j] after names */
	const char *count_name; /* unit of the weights; NULL: "samples" */
	uint64_t time_base_us;  /* non-zero: weights are microseconds; details show times and
				 * shares of this (the recording's wall time, in us) */

	const struct tree *before; /* non-NULL: differential graph (see above) */
	enum flamegraph_delta delta; /* what the colour compares (default: shares) */
	double seconds[2];         /* FLAMEGRAPH_DELTA_RATE: durations of before, after (> 0) */
	int negate;                /* draw BEFORE's shape */
	/*
	 * Optional: return non-zero when the change of `node` (an index in the
	 * tree whose shape is drawn: AFTER, or BEFORE with negate) is not
	 * significant; that frame is drawn neutral grey.  before/after are the
	 * frame's weights in the two profiles.
	 */
	int (*not_significant)(void *ctx, uint32_t node, uint64_t before, uint64_t after);
	void *significance_ctx;

	struct flamegraph_stats *stats; /* filled when non-NULL */
};

/* Sets every field to its default. */
void flamegraph_opts_init(struct flamegraph_opts *o);

/*
 * Append the SVG document for t to out (call tree_sort() first for a stable
 * order; profile_load() does).  An empty tree gives a valid graph that says
 * so.  Returns 0, or -EINVAL for an option out of range (width < 100 or >
 * 100000, minwidth < 0).  Neither tree is modified.
 */
int flamegraph_write(const struct tree *t, const struct flamegraph_opts *o, struct strbuf *out);

#endif
