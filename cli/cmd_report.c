/* stoke report: text call graph, bottom-up view, top table or folded stacks. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/folded.h"
#include "report/report_text.h"

#include <stddef.h>

struct report_ctx {
	struct profile_args pa;
	struct report_opts ro;
	int view, sort, folded;
	long long top;
};

#define C(field, type) CLI_AT(struct report_ctx, field, type)

static int opt_top(void *ctx, const char *opt, const char *v)
{
	struct report_ctx *c = ctx;
	if (cli_parse_int(opt, v, 0, INT32_MAX, NULL, &c->top))
		return 2;
	c->view = REPORT_TOP;
	return 0;
}

static const struct cli_opt report_opts_table[] = {
	{ .name = "--caller", .kind = CLI_SET, .off = C(view, int), .val = REPORT_CALLER,
	  .help = "top-down: each function, then its callees (the default)" },
	{ .name = "--callee", .kind = CLI_SET, .off = C(view, int), .val = REPORT_CALLEE,
	  .help = "bottom-up: each function, then its callers" },
	{ .name = "--top", .arg = "N", .kind = CLI_CALL, .fn = opt_top,
	  .help = "a flat table of the N first functions (0: all)" },
	{ .name = "--sort", .arg = "self|total", .kind = CLI_CHOICE, .off = C(sort, int),
	  .choices = "self|total",
	  .help = "order of functions (default: total; self for --top)" },
	{ .name = "--percent-limit", .arg = "P", .kind = CLI_REAL,
	  .off = C(ro.percent_limit, double), .rmin = 0, .rmax = 100,
	  .help = "hide functions and graph lines below P% (default 0.5)" },
	{ .name = "--folded", .kind = CLI_SET, .off = C(folded, int), .val = 1,
	  .help = "write folded stacks instead (see --kernel-suffix)" },
	PROFILE_ARGS_GROUP(struct report_ctx, pa),
	{ 0 },
};

const struct cli_table cli_report_table = {
	.name = "report",
	.summary = "text call graph, bottom-up view or top table of a profile",
	.usage = "report [options] [FILE]",
	.about = "Text report of a profile (a stoke file, default stoke.data, a perf.data file\n"
		 "from perf record, or folded stacks; docs/perfdata.md).\n"
		 "By default: a header, then every function by total share (samples whose stack\n"
		 "holds it, counted once under recursion) with its self share, each followed by\n"
		 "the tree of what it calls.\n",
	.opts = report_opts_table,
	.max_args = 1,
};

int cmd_report(int argc, char **argv)
{
	struct report_ctx c = { .sort = -1 };
	struct cli_args a;
	struct profile_info info = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct tree *t = NULL;
	const char *path;
	int rc;

	profile_args_init(&c.pa);
	report_opts_init(&c.ro);
	c.view = (int)c.ro.view;
	if ((rc = cli_parse(&cli_report_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 0;
	path = a.nr_pos ? a.pos[0] : "stoke.data";
	c.ro.view = (enum report_view)c.view;
	if (c.view == REPORT_TOP)
		c.ro.top = (size_t)c.top;
	if (c.sort >= 0)
		c.ro.sort = c.sort == 0 ? REPORT_SORT_SELF : REPORT_SORT_TOTAL;
	c.pa.opts.no_lines = 1; /* nothing here shows source lines */
	if (profile_args_load(&c.pa, path, &t, &info)) {
		rc = 1;
		goto out;
	}
	if (c.folded) {
		struct folded_opts fo = { .annotate = c.pa.annotate };
		folded_write(t, &fo, &out);
	} else {
		if (info.time_weighted) {
			c.ro.time_us = 1;
			c.ro.base = info.duration_ns / 1000;
		}
		report_write_header(&info, &out);
		strbuf_addch(&out, '\n');
		report_write(t, &c.ro, &out);
	}
	rc = cli_write_output(NULL, &out);
out:
	cli_args_release(&a);
	strbuf_release(&out);
	tree_free(t);
	profile_info_release(&info);
	profile_args_release(&c.pa);
	return rc;
}
