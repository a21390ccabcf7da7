/* stoke report: text call graph, bottom-up view, top table or folded stacks. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/folded.h"
#include "report/report_text.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cmd_report(int argc, char **argv)
{
	struct profile_args pa;
	struct report_opts ro;
	struct profile_info info = { 0 };
	struct strbuf out = STRBUF_INIT;
	struct tree *t = NULL;
	const char *path = NULL, *v;
	int folded = 0, rc = 0, bad = 0;

	profile_args_init(&pa);
	report_opts_init(&ro);
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
			rc = cli_help("report");
			goto out;
		} else if (!strcmp(arg, "--callee")) {
			ro.view = REPORT_CALLEE;
		} else if (!strcmp(arg, "--caller")) {
			ro.view = REPORT_CALLER;
		} else if (!strcmp(arg, "--folded")) {
			folded = 1;
		} else if ((v = cli_opt_value("--top", argc, argv, &i, &bad))) {
			long long n;
			if ((rc = cli_parse_int("--top", v, 0, INT32_MAX, NULL, &n)))
				goto out;
			ro.view = REPORT_TOP;
			ro.top = (size_t)n;
		} else if ((v = cli_opt_value("--sort", argc, argv, &i, &bad))) {
			if (!strcmp(v, "self"))
				ro.sort = REPORT_SORT_SELF;
			else if (!strcmp(v, "total"))
				ro.sort = REPORT_SORT_TOTAL;
			else {
				rc = cli_error(2, "--sort: expected self or total, not '%s'", v);
				goto out;
			}
		} else if ((v = cli_opt_value("--percent-limit", argc, argv, &i, &bad))) {
			if ((rc = cli_parse_real("--percent-limit", v, 0, 100, 0, NULL,
						 &ro.percent_limit)))
				goto out;
		} else if (bad) {
			rc = 2;
			goto out;
		} else if (arg[0] == '-' && arg[1]) {
			rc = cli_error(2, "report: unknown option '%s'; see 'stoke help report'", arg);
			goto out;
		} else if (!path) {
			path = arg;
		} else {
			rc = cli_error(2, "report: one input file only");
			goto out;
		}
	}
	if (!path)
		path = "stoke.data";
	pa.opts.no_lines = 1; /* nothing here shows source lines */
	if (profile_args_load(&pa, path, &t, &info)) {
		rc = 1;
		goto out;
	}
	if (folded) {
		struct folded_opts fo = { .annotate = pa.annotate };
		folded_write(t, &fo, &out);
	} else {
		if (info.time_weighted) {
			ro.time_us = 1;
			ro.base = info.duration_ns / 1000;
		}
		report_write_header(&info, &out);
		strbuf_addch(&out, '\n');
		report_write(t, &ro, &out);
	}
	rc = cli_write_output(NULL, &out);
out:
	strbuf_release(&out);
	tree_free(t);
	profile_info_release(&info);
	profile_args_release(&pa);
	return rc;
}
