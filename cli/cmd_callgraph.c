/* stoke callgraph: the call graph as DOT, or SVG/PNG through Graphviz. */
#include "cli/args.h"
#include "cli/cli.h"
#include "common/error.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/callgraph.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int parse_fraction(const char *opt, const char *v, double *out)
{
	return cli_parse_real(opt, v, 0, 1, 0, NULL, out);
}

static const char *suffix_format(const char *path)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	if (dot && (!strcmp(dot, ".svg") || !strcmp(dot, ".png") || !strcmp(dot, ".dot")))
		return dot + 1;
	return "dot";
}

int cmd_callgraph(int argc, char **argv)
{
	struct profile_args pa;
	struct callgraph_opts co;
	struct profile_info info = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct tree *t = NULL;
	const char *path = NULL, *output = NULL, *format = NULL, *v;
	int rc = 0, bad = 0;

	profile_args_init(&pa);
	callgraph_opts_init(&co);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int r = profile_args_parse(&pa, argc, argv, &i);
		if (r < 0) {
			rc = 2;
			goto out;
		}
		if (r)
			continue;
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			rc = cli_help("callgraph");
			goto out;
		} else if ((v = cli_opt_value("-o", argc, argv, &i, &bad)) ||
			   (v = cli_opt_value("--output", argc, argv, &i, &bad))) {
			output = v;
		} else if ((v = cli_opt_value("--format", argc, argv, &i, &bad))) {
			if (strcmp(v, "dot") && strcmp(v, "svg") && strcmp(v, "png")) {
				rc = cli_error(2, "--format: expected dot, svg or png, not '%s'", v);
				goto out;
			}
			format = v;
		} else if ((v = cli_opt_value("--by", argc, argv, &i, &bad))) {
			if (!strcmp(v, "function"))
				co.by = CALLGRAPH_BY_FUNCTION;
			else if (!strcmp(v, "module"))
				co.by = CALLGRAPH_BY_MODULE;
			else {
				rc = cli_error(2, "--by: expected function or module, not '%s'", v);
				goto out;
			}
		} else if ((v = cli_opt_value("--node-fraction", argc, argv, &i, &bad))) {
			if ((rc = parse_fraction("--node-fraction", v, &co.node_fraction)))
				goto out;
		} else if ((v = cli_opt_value("--edge-fraction", argc, argv, &i, &bad))) {
			if ((rc = parse_fraction("--edge-fraction", v, &co.edge_fraction)))
				goto out;
		} else if (bad) {
			rc = 2;
			goto out;
		} else if (arg[0] == '-' && arg[1]) {
			rc = cli_error(2, "callgraph: unknown option '%s'; see 'stoke help callgraph'", arg);
			goto out;
		} else if (!path) {
			path = arg;
		} else {
			rc = cli_error(2, "callgraph: one input file only");
			goto out;
		}
	}
	if (!path)
		path = "stoke.data";
	if (!format)
		format = suffix_format(output);
	if (strcmp(format, "dot") && !output) {
		rc = cli_error(2, "callgraph: --format %s needs -o FILE", format);
		goto out;
	}
	pa.opts.no_lines = 1; /* nothing here shows source lines */
	if (profile_args_load(&pa, path, &t, &info)) {
		rc = 1;
		goto out;
	}
	co.title = path;
	callgraph_write_dot(t, &co, &out);
	if (strcmp(format, "dot")) {
		struct strbuf rendered = STRBUF_INIT;
		int err = callgraph_render(&out, format, &rendered);
		if (err == -ENOENT)
			rc = cli_error(1, "callgraph: %s output needs Graphviz's 'dot', which is not "
				       "installed (Debian package 'graphviz'); or use --format dot", format);
		else if (err == -EIO)
			rc = cli_error(1, "callgraph: dot failed to render %s", output);
		else if (err)
			rc = cli_error(1, "callgraph: cannot run dot: %s", stoke_strerror(err));
		else
			rc = cli_write_output(output, &rendered);
		strbuf_release(&rendered);
		goto out;
	}
	rc = cli_write_output(output, &out);
out:
	strbuf_release(&out);
	tree_free(t);
	profile_info_release(&info);
	profile_args_release(&pa);
	return rc;
}
