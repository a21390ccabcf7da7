/* stoke callgraph: the call graph as DOT, or SVG/PNG through Graphviz. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/error.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/callgraph.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

static const char *suffix_format(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (dot && (!strcmp(dot, ".svg") || !strcmp(dot, ".png") || !strcmp(dot, ".dot")))
		return dot + 1;
	return "dot";
}

static const char *const formats[] = { "dot", "svg", "png" };

struct callgraph_ctx {
	struct profile_args pa;
	struct callgraph_opts co;
	const char *output;
	int format, by;
};

#define C(field, type) CLI_AT(struct callgraph_ctx, field, type)

static const struct cli_opt callgraph_opts_table[] = {
	{ .name = "--output", .letter = 'o', .arg = "FILE", .kind = CLI_STR,
	  .off = C(output, const char *),
	  .help = "output file (default: DOT on standard output)" },
	{ .name = "--format", .arg = "dot|svg|png", .kind = CLI_CHOICE, .off = C(format, int),
	  .choices = "dot|svg|png",
	  .help = "output format (default: from the -o suffix, else dot)" },
	{ .name = "--by", .arg = "function|module", .kind = CLI_CHOICE, .off = C(by, int),
	  .choices = "function|module", .help = "what a node is (default function)" },
	{ .name = "--node-fraction", .arg = "F", .kind = CLI_REAL,
	  .off = C(co.node_fraction, double), .rmin = 0, .rmax = 1,
	  .help = "drop nodes whose total is below F of all samples (default 0.005)" },
	{ .name = "--edge-fraction", .arg = "F", .kind = CLI_REAL,
	  .off = C(co.edge_fraction, double), .rmin = 0, .rmax = 1,
	  .help = "drop arcs below F of all samples (default 0.001)" },
	PROFILE_ARGS_GROUP(struct callgraph_ctx, pa),
	{ 0 },
};

const struct cli_table cli_callgraph_table = {
	.name = "callgraph",
	.summary = "call graph of functions as DOT, SVG or PNG (Graphviz)",
	.usage = "callgraph [options] [FILE]",
	.about = "Call graph of a profile: a node per function (or module), labelled with its self\n"
		 "and total shares; arcs caller -> callee labelled with the share of samples\n"
		 "passing along them.  SVG and PNG need Graphviz's dot (Debian package graphviz).\n",
	.opts = callgraph_opts_table,
	.max_args = 1,
};

int cmd_callgraph(int argc, char **argv)
{
	struct callgraph_ctx c = { .format = -1 };
	struct cli_args a;
	struct profile_info info = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct tree *t = NULL;
	const char *path, *format;
	int rc;

	profile_args_init(&c.pa);
	callgraph_opts_init(&c.co);
	c.by = (int)c.co.by;
	if ((rc = cli_parse(&cli_callgraph_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 0;
	path = a.nr_pos ? a.pos[0] : "stoke.data";
	c.co.by = c.by ? CALLGRAPH_BY_MODULE : CALLGRAPH_BY_FUNCTION;
	format = c.format >= 0 ? formats[c.format] : suffix_format(c.output);
	if (strcmp(format, "dot") && !c.output) {
		rc = cli_error(2, "callgraph: --format %s needs -o FILE", format);
		goto out;
	}
	c.pa.opts.no_lines = 1; /* nothing here shows source lines */
	if (profile_args_load(&c.pa, path, &t, &info)) {
		rc = 1;
		goto out;
	}
	c.co.title = path;
	callgraph_write_dot(t, &c.co, &out);
	if (strcmp(format, "dot")) {
		struct strbuf rendered = STRBUF_INIT;
		int err = callgraph_render(&out, format, &rendered);
		if (err == -ENOENT)
			rc = cli_error(1, "callgraph: %s output needs Graphviz's 'dot', which is not "
				       "installed (Debian package 'graphviz'); or use --format dot", format);
		else if (err == -EIO)
			rc = cli_error(1, "callgraph: dot failed to render %s", c.output);
		else if (err)
			rc = cli_error(1, "callgraph: cannot run dot: %s", stoke_strerror(err));
		else
			rc = cli_write_output(c.output, &rendered);
		strbuf_release(&rendered);
		goto out;
	}
	rc = cli_write_output(c.output, &out);
out:
	cli_args_release(&a);
	strbuf_release(&out);
	tree_free(t);
	profile_info_release(&info);
	profile_args_release(&c.pa);
	return rc;
}
