/* stoke diff BEFORE AFTER: which functions changed (counts, rates or shares), and is it significant. */
#include "cli/args.h"
#include "cli/cli.h"
#include "common/error.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/diff.h"
#include "report/diff_mode.h"
#include "report/diff_svg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "# before: PATH: how it was recorded" for both sides, then what is compared. */
static void add_header(struct strbuf *out, const char *const paths[2],
		       const struct profile_info info[2], const struct diff_choice *c)
{
	for (int s = 0; s < 2; s++) {
		strbuf_addf(out, "# %s %s: ", s ? "after: " : "before:", paths[s]);
		diff_mode_describe(&info[s], out);
		strbuf_addch(out, '\n');
	}
	strbuf_adds(out, "# ");
	diff_mode_statement(c, out);
	strbuf_adds(out, c->automatic ? "; --counts, --rates or --shares to choose\n" : "\n");
}

static int write_svg(const char *path, const struct diff *d, struct tree *t[2],
		     const struct diff_choice *c, int negate, int annotate)
{
	struct flamegraph_opts fo;
	struct strbuf svg = STRBUF_INIT, statement = STRBUF_INIT;
	flamegraph_opts_init(&fo);
	fo.negate = negate;
	fo.annotate = annotate;
	diff_mode_statement(c, &statement);
	int err = diff_write_svg(d, t[0], t[1], &fo, statement.buf, &svg);
	int rc = err ? cli_error(1, "diff: %s", stoke_strerror(err)) : cli_write_output(path, &svg);
	strbuf_release(&svg);
	strbuf_release(&statement);
	return rc;
}

int cmd_diff(int argc, char **argv)
{
	struct profile_args pa;
	struct diff_opts dopts;
	struct profile_info info[2] = { { 0 }, { 0 } };
	struct tree *t[2] = { NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	struct diff *d = NULL;
	struct diff_choice choice;
	const char *paths[2] = { NULL, NULL }, *v;
	size_t rows = 30;
	const char *svg_path = NULL;
	int folded = 0, negate = 0, rc = 0, bad = 0, nr_paths = 0, forced = DIFF_MODE_AUTO;

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
		} else if (!strcmp(arg, "--counts") || !strcmp(arg, "--absolute")) {
			forced = DIFF_COUNTS;
		} else if (!strcmp(arg, "--rates")) {
			forced = DIFF_RATES;
		} else if (!strcmp(arg, "--shares")) {
			forced = DIFF_SHARES;
		} else if (!strcmp(arg, "--folded")) {
			folded = 1;
		} else if (!strcmp(arg, "--negate")) {
			negate = 1;
		} else if ((v = cli_opt_value("-o", argc, argv, &i, &bad)) ||
			   (v = cli_opt_value("--output", argc, argv, &i, &bad))) {
			svg_path = v;
		} else if ((v = cli_opt_value("--alpha", argc, argv, &i, &bad))) {
			if ((rc = cli_parse_real("--alpha", v, 0, 1, 1, NULL, &dopts.alpha)))
				goto out;
			if (dopts.alpha == 1) {
				rc = cli_error(2, "--alpha: '%s' is out of range (more than 0, less than 1)", v);
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
			long long n;
			if ((rc = cli_parse_int("--top", v, 0, INT32_MAX, NULL, &n)))
				goto out;
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
	/* Only the SVG's tooltips show source lines; --no-inline reads no DWARF (docs/report.md). */
	pa.opts.no_lines = !svg_path || pa.opts.no_inline;
	for (int s = 0; s < 2; s++) {
		if (profile_args_load(&pa, paths[s], &t[s], &info[s])) {
			rc = 1;
			goto out;
		}
	}
	if (diff_mode_choose(&info[0], &info[1], forced, &choice)) {
		rc = cli_error(2, "diff: %s", choice.why);
		goto out;
	}
	diff_mode_apply(&choice, &dopts);
	d = diff_new(t[0], t[1], &dopts);
	if (svg_path) {
		rc = write_svg(svg_path, d, t, &choice, negate, pa.annotate);
		goto out;
	}
	add_header(&out, paths, info, &choice);
	if (folded) {
		strbuf_addf(&out, "# stack, BEFORE's self samples%s, AFTER's self samples\n",
			    dopts.mode == DIFF_SHARES  ? " scaled to AFTER's total"
			    : dopts.mode == DIFF_RATES ? " scaled to AFTER's duration" : "");
		diff_write_folded(d, &out);
	} else {
		diff_write_table(d, rows, &out);
	}
	rc = cli_write_output(NULL, &out);
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
