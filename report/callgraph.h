/* callgraph.h — a call graph of functions (or modules) as Graphviz DOT, and rendering through `dot`.
 *
 * A node is a function (frames merged across the tree, as in report/funcs.h)
 * or a module; its total counts each sample once even under recursion.  An
 * arc caller -> callee weighs the samples whose stack holds that adjacent
 * pair, once per sample, so the arcs into a function that is never a root
 * frame add up to its total (fewer under recursion, where they overlap).
 */
#ifndef STOKE_CALLGRAPH_H
#define STOKE_CALLGRAPH_H

#include "common/strbuf.h"
#include "report/tree.h"

enum callgraph_by {
	CALLGRAPH_BY_FUNCTION,
	CALLGRAPH_BY_MODULE, /* arcs inside one module are not drawn */
};

struct callgraph_opts {
	enum callgraph_by by;
	double node_fraction; /* hide nodes whose total is below this fraction of samples */
	double edge_fraction; /* hide arcs below this fraction of samples */
	const char *title;    /* first line of the graph label (say the file name), or NULL */
};

/* Defaults: by function, node_fraction 0.005, edge_fraction 0.001, no title. */
void callgraph_opts_init(struct callgraph_opts *o);

/*
 * Append the DOT graph of t to out.  Nodes are labelled name, module, self%
 * and total%, sized and coloured (a heat palette) by total; arcs are
 * labelled with their share.  The graph label says how many nodes and arcs
 * were hidden by the fractions and how much self time the hidden nodes hold.
 */
void callgraph_write_dot(const struct tree *t, const struct callgraph_opts *o, struct strbuf *out);

/* Append s as the inside of a DOT double-quoted string ("\\", "\"", newlines as \n). */
void callgraph_add_escaped(struct strbuf *out, const char *s);

/*
 * Render DOT text in `format` ("svg", "png", ...) by running Graphviz's dot
 * (found on PATH; no shell), appending the result to out.  Returns 0,
 * -ENOENT when dot is not installed, -EIO when dot failed (its messages go to
 * standard error), or another negative errno.
 */
int callgraph_render(const struct strbuf *dot, const char *format, struct strbuf *out);

#endif
