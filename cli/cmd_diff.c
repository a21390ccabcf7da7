/* stoke diff BEFORE AFTER: which functions changed (counts, rates or shares), and is it significant. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/error.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/diff.h"
#include "report/diff_mode.h"
#include "report/diff_svg.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

/* --alpha: a level in (0, 1). */
static int opt_alpha(void *ctx, const char *opt, const char *v)
{
	struct diff_mode_args *dm = ctx;
	if (cli_parse_real(opt, v, 0, 1, 1, NULL, &dm->alpha))
		return 2;
	if (dm->alpha == 1)
		return cli_error(2, "%s: '%s' is out of range (more than 0, less than 1)", opt, v);
	return 0;
}

#define DM(field, type) CLI_AT(struct diff_mode_args, field, type)

static const struct cli_opt diff_mode_opts[] = {
	{ .name = "--counts", .kind = CLI_SET, .off = DM(forced, int), .val = DIFF_COUNTS,
	  .help = "compare sample counts (--absolute is the same)" },
	{ .name = "--absolute", .kind = CLI_SET, .off = DM(forced, int), .val = DIFF_COUNTS,
	  .help = NULL },
	{ .name = "--rates", .kind = CLI_SET, .off = DM(forced, int), .val = DIFF_RATES,
	  .help = "compare samples per second of recording" },
	{ .name = "--shares", .kind = CLI_SET, .off = DM(forced, int), .val = DIFF_SHARES,
	  .help = "compare shares of each side's samples" },
	{ .name = "--alpha", .arg = "A", .kind = CLI_CALL, .fn = opt_alpha,
	  .help = "family-wise significance level (default 0.01; off-cpu and wall profiles "
	  "are compared in time, untested)" },
	{ 0 },
};

const struct cli_table diff_mode_table = {
	.name = "the comparison",
	.opts = diff_mode_opts,
};

void diff_mode_args_init(struct diff_mode_args *dm)
{
	dm->forced = DIFF_MODE_AUTO;
	dm->alpha = 0;
}

struct diff_ctx {
	struct profile_args pa;
	struct diff_mode_args dm;
	const char *svg_path;
	long long rows;
	int folded, negate, sort;
};

#define C(field, type) CLI_AT(struct diff_ctx, field, type)

static const struct cli_opt diff_opts[] = {
	{ .name = "--sort", .arg = "self|total", .kind = CLI_CHOICE, .off = C(sort, int),
	  .choices = "self|total",
	  .help = "rank by the change of self or total (default total)" },
	{ .name = "--top", .arg = "N", .kind = CLI_INT, .off = C(rows, long long), .imin = 0,
	  .imax = INT32_MAX, .help = "rows to show (default 30; 0: all)" },
	{ .name = "--folded", .kind = CLI_SET, .off = C(folded, int), .val = 1,
	  .help = "write \"stack BEFORE AFTER\" lines, stacks matched by name; BEFORE scaled "
	  "to AFTER's total (shares) or duration (rates)" },
	{ .name = "--output", .letter = 'o', .arg = "FILE.svg", .kind = CLI_STR,
	  .off = C(svg_path, const char *),
	  .help = "differential flame graph: widths from AFTER, colour the change compared "
	  "(red grew, blue shrank), grey within noise; frames only in BEFORE are listed "
	  "under the graph" },
	{ .name = "--negate", .kind = CLI_SET, .off = C(negate, int), .val = 1,
	  .help = "with -o: draw BEFORE's shape instead" },
	{ .kind = CLI_GROUP, .off = C(dm, struct diff_mode_args), .group = &diff_mode_table,
	  .help = "What is compared (by default chosen from how the two were recorded):" },
	PROFILE_ARGS_GROUP(struct diff_ctx, pa),
	{ 0 },
};

const struct cli_table cli_diff_table = {
	.name = "diff",
	.summary = "compare two profiles: which functions' share changed, and significantly",
	.usage = "diff [options] BEFORE AFTER",
	.about = "Compare two profiles (stoke files, perf.data files or folded stacks, in any\n"
		 "mix): the functions that changed most, with a significance test corrected for\n"
		 "the number of functions tested (Holm).  What is compared follows from how the\n"
		 "two were recorded, and every output says which and why (see docs/diff.md):\n"
		 "\n"
		 "  counts   both ran one program to completion: the work of one whole run\n"
		 "           (Poisson test)\n"
		 "  rates    both cover a span of time (-d, -p, -a, a signal, --time): samples\n"
		 "           per second (Poisson test, the durations as exposure)\n"
		 "  shares   anything else (folded stacks, one of each, different programs or\n"
		 "           sampling): each function's share of its side (two-proportion test)\n",
	.opts = diff_opts,
};

int cmd_diff(int argc, char **argv)
{
	struct diff_ctx c = { .rows = 30, .sort = 1 };
	struct cli_args a;
	struct diff_opts dopts;
	struct profile_info info[2] = { { 0 }, { 0 } };
	struct tree *t[2] = { NULL, NULL };
	struct strbuf out = STRBUF_INIT;
	struct diff *d = NULL;
	struct diff_choice choice;
	const char *paths[2];
	int rc;

	profile_args_init(&c.pa);
	diff_mode_args_init(&c.dm);
	diff_opts_init(&dopts);
	if ((rc = cli_parse(&cli_diff_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 0;
	if (a.nr_pos != 2) {
		rc = cli_error(2, "diff: expected two files, BEFORE and AFTER; see 'stoke help diff'");
		goto out;
	}
	paths[0] = a.pos[0];
	paths[1] = a.pos[1];
	dopts.sort = c.sort == 0 ? DIFF_SORT_SELF : DIFF_SORT_TOTAL;
	if (c.dm.alpha)
		dopts.alpha = c.dm.alpha;
	/* Only the SVG's tooltips show source lines; --no-inline reads no DWARF (docs/report.md). */
	c.pa.opts.no_lines = !c.svg_path || c.pa.opts.no_inline;
	for (int s = 0; s < 2; s++) {
		if (profile_args_load(&c.pa, paths[s], &t[s], &info[s])) {
			rc = 1;
			goto out;
		}
	}
	if (diff_mode_choose(&info[0], &info[1], c.dm.forced, &choice)) {
		rc = cli_error(2, "diff: %s", choice.why);
		goto out;
	}
	diff_mode_apply(&choice, &dopts);
	d = diff_new(t[0], t[1], &dopts);
	if (c.svg_path) {
		rc = write_svg(c.svg_path, d, t, &choice, c.negate, c.pa.annotate);
		goto out;
	}
	add_header(&out, paths, info, &choice);
	if (c.folded) {
		strbuf_addf(&out, "# stack, BEFORE's self samples%s, AFTER's self samples\n",
			    dopts.mode == DIFF_SHARES  ? " scaled to AFTER's total"
			    : dopts.mode == DIFF_RATES ? " scaled to AFTER's duration" : "");
		diff_write_folded(d, &out);
	} else {
		diff_write_table(d, (size_t)c.rows, &out);
	}
	rc = cli_write_output(NULL, &out);
out:
	cli_args_release(&a);
	diff_free(d);
	strbuf_release(&out);
	for (int s = 0; s < 2; s++) {
		tree_free(t[s]);
		profile_info_release(&info[s]);
	}
	profile_args_release(&c.pa);
	return rc;
}
