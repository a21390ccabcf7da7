/* stoke diff BEFORE AFTER: which functions' share changed, and is it significant. */
#include "cli/cli.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/diff.h"
#include "report/flamegraph.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sig_ctx {
	const struct diff *d;
	const struct tree *shape; /* the tree whose nodes the flame graph draws */
};

/* A frame whose function's change is within sampling noise is drawn neutral. */
static int not_significant(void *ctx, uint32_t node, uint64_t before, uint64_t after)
{
	const struct sig_ctx *c = ctx;
	(void)before;
	(void)after;
	uint32_t frame = tree_node(c->shape, node)->frame;
	if (frame == TREE_NONE)
		return 1; /* the root: "all" */
	const struct tree_frame *f = tree_frame(c->shape, frame);
	if (f->kind == FRAME_ROOT)
		return 1;
	const struct diff_func *fn = diff_frame_stats(c->d, f->name);
	return !fn || !fn->significant;
}

static int write_svg(const char *path, const struct diff *d, struct tree *t[2],
		     const struct profile_info info[2], int absolute, int negate, int annotate)
{
	struct flamegraph_opts fo;
	struct strbuf svg = STRBUF_INIT, sub = STRBUF_INIT;
	struct sig_ctx sc = { d, negate ? t[0] : t[1] };
	flamegraph_opts_init(&fo);
	fo.before = t[0];
	fo.absolute = absolute;
	fo.negate = negate;
	fo.annotate = annotate;
	if (info[0].time_weighted || info[1].time_weighted) {
		/* Times: no test, every change coloured; widths and colours in microseconds. */
		fo.absolute = 1;
		fo.count_name = "\xc2\xb5s";
		strbuf_addf(&sub, "%s time, before %.3f s, after %.3f s (red grew, blue shrank)",
			    info[1].event && *info[1].event ? info[1].event : info[0].event,
			    (double)tree_total(t[0]) / 1e6, (double)tree_total(t[1]) / 1e6);
	} else {
		fo.not_significant = not_significant;
		fo.significance_ctx = &sc;
		strbuf_addf(&sub, "before %llu samples, after %llu samples; %zu of %zu functions "
				  "changed significantly (grey: within noise)",
			    (unsigned long long)info[0].samples, (unsigned long long)info[1].samples,
			    diff_nr_significant(d), diff_nr_tested(d));
	}
	fo.subtitle = sub.buf;
	int err = flamegraph_write(t[1], &fo, &svg);
	if (!err) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		err = fd < 0 ? -errno : strbuf_write_fd(&svg, fd);
		if (fd >= 0 && close(fd) < 0 && !err)
			err = -errno;
	}
	strbuf_release(&svg);
	strbuf_release(&sub);
	return err;
}

int cmd_diff(int argc, char **argv)
{
	struct profile_args pa;
	struct diff_opts dopts;
	struct profile_info info[2] = { { 0 }, { 0 } };
	struct tree *t[2] = { NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	struct diff *d = NULL;
	const char *paths[2] = { NULL, NULL }, *v;
	size_t rows = 30;
	const char *svg_path = NULL;
	int folded = 0, negate = 0, rc = 0, bad = 0, nr_paths = 0;

	profile_args_init(&pa);
	diff_opts_init(&dopts);
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
			rc = cli_help("diff");
			goto out;
		} else if (!strcmp(arg, "--absolute")) {
			dopts.absolute = 1;
		} else if (!strcmp(arg, "--folded")) {
			folded = 1;
		} else if (!strcmp(arg, "--negate")) {
			negate = 1;
		} else if ((v = cli_opt_value("-o", argc, argv, &i, &bad)) ||
			   (v = cli_opt_value("--output", argc, argv, &i, &bad))) {
			svg_path = v;
		} else if ((v = cli_opt_value("--alpha", argc, argv, &i, &bad))) {
			char *end;
			dopts.alpha = strtod(v, &end);
			if (*end || end == v || !(dopts.alpha > 0 && dopts.alpha < 1)) {
				rc = cli_error(2, "--alpha: expected a level between 0 and 1, not '%s'", v);
				goto out;
			}
		} else if ((v = cli_opt_value("--sort", argc, argv, &i, &bad))) {
			if (!strcmp(v, "self"))
				dopts.sort = DIFF_SORT_SELF;
			else if (!strcmp(v, "total"))
				dopts.sort = DIFF_SORT_TOTAL;
			else {
				rc = cli_error(2, "--sort: expected self or total, not '%s'", v);
				goto out;
			}
		} else if ((v = cli_opt_value("--top", argc, argv, &i, &bad))) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || end == v || n < 0) {
				rc = cli_error(2, "--top: '%s' is not a number of rows", v);
				goto out;
			}
			rows = (size_t)n;
		} else if (bad) {
			rc = 2;
			goto out;
		} else if (arg[0] == '-' && arg[1]) {
			rc = cli_error(2, "diff: unknown option '%s'; see 'stoke help diff'", arg);
			goto out;
		} else if (nr_paths < 2) {
			paths[nr_paths++] = arg;
		} else {
			rc = cli_error(2, "diff: expected two files, BEFORE and AFTER");
			goto out;
		}
	}
	if (nr_paths != 2) {
		rc = cli_error(2, "diff: expected two files, BEFORE and AFTER; see 'stoke help diff'");
		goto out;
	}
	pa.opts.no_lines = !svg_path; /* only the SVG's tooltips show source lines */
	for (int s = 0; s < 2; s++) {
		if (profile_args_load(&pa, paths[s], &t[s], &info[s])) {
			rc = 1;
			goto out;
		}
	}
	if (info[0].time_weighted != info[1].time_weighted &&
	    !info[0].is_folded && !info[1].is_folded) {
		rc = cli_error(2, "diff: one profile is of time (%s), the other of samples (%s): "
				  "give --event off-cpu (or wall) for both, or for neither",
			       info[0].time_weighted ? info[0].event : info[1].event,
			       info[0].time_weighted ? info[1].event : info[0].event);
		goto out;
	}
	dopts.time_us = info[0].time_weighted || info[1].time_weighted;
	d = diff_new(t[0], t[1], &dopts);
	if (svg_path) {
		int err = write_svg(svg_path, d, t, info, dopts.absolute, negate, pa.annotate);
		if (err)
			rc = cli_error(1, "diff: cannot write %s: %s", svg_path, strerror(-err));
		goto out;
	}
	if (folded) {
		diff_write_folded(d, &out);
	} else {
		strbuf_addf(&out, "# before: %s\n# after:  %s\n", paths[0], paths[1]);
		diff_write_table(d, rows, &out);
	}
	if (strbuf_write_fd(&out, STDOUT_FILENO))
		rc = cli_error(1, "diff: cannot write the output");
out:
	diff_free(d);
	strbuf_release(&out);
	for (int s = 0; s < 2; s++) {
		tree_free(t[s]);
		profile_info_release(&info[s]);
	}
	profile_args_release(&pa);
	return rc;
}
