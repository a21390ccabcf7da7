/* stoke flamegraph: a profile (stoke file or folded stacks) to an interactive SVG. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/error.h"
#include "common/util.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/diff.h"
#include "report/diff_mode.h"
#include "report/diff_svg.h"
#include "report/flamegraph.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_thousands(struct strbuf *sb, unsigned long long v)
{
	char d[32];
	int len = snprintf(d, sizeof(d), "%llu", v);
	for (int k = 0; k < len; k++) {
		if (k && (len - k) % 3 == 0)
			strbuf_addch(sb, ',');
		strbuf_addch(sb, d[k]);
	}
}

/* "cpu-clock @ 999 Hz · 12,345 samples · 10.0 s · 0 lost" from what the profile says. */
static void default_subtitle(struct strbuf *sb, const struct profile_info *info)
{
	static const char dot[] = " \xc2\xb7 ";
	if (info->event && *info->event) {
		strbuf_adds(sb, info->event);
		if (info->freq)
			strbuf_addf(sb, " @ %llu Hz", (unsigned long long)info->freq);
		else if (info->period)
			strbuf_addf(sb, " every %llu", (unsigned long long)info->period);
		strbuf_adds(sb, dot);
	}
	add_thousands(sb, info->samples);
	strbuf_adds(sb, " samples");
	if (info->samples_total && info->samples_total != info->samples) {
		strbuf_adds(sb, " of ");
		add_thousands(sb, info->samples_total);
	}
	if (info->duration_ns)
		strbuf_addf(sb, "%s%.1f s", dot, (double)info->duration_ns / 1e9);
	if (!info->is_folded) {
		strbuf_adds(sb, dot);
		add_thousands(sb, info->lost);
		strbuf_adds(sb, " lost");
	}
	if (info->truncated)
		strbuf_addf(sb, "%sfile truncated", dot);
	else if (info->no_end)
		strbuf_addf(sb, "%srecording cut short", dot);
	if (info->cmdline && *info->cmdline)
		strbuf_addf(sb, "%s%s", dot, info->cmdline);
}

static void add_secs(struct strbuf *sb, uint64_t ns)
{
	double us = (double)ns / 1e3;
	if (us < 1000)
		strbuf_addf(sb, "%.0f \xc2\xb5s", us);
	else if (us < 1e6)
		strbuf_addf(sb, "%.1f ms", us / 1e3);
	else
		strbuf_addf(sb, "%.3f s", us / 1e6);
}

/* "off-cpu · time in µs · 89 intervals · blocked 3.348 s · preempted 0.7 ms · 1.4 s · cmd". */
static void time_subtitle(struct strbuf *sb, const struct profile_info *info)
{
	static const char dot[] = " \xc2\xb7 ";
	int wall = !strcmp(info->event, "wall");
	strbuf_addf(sb, "%s%stime in \xc2\xb5s%s", info->event, dot, dot);
	add_thousands(sb, info->intervals);
	strbuf_adds(sb, " off-CPU intervals");
	strbuf_addf(sb, "%sblocked ", dot);
	add_secs(sb, info->blocked_ns);
	strbuf_addf(sb, "%spreempted ", dot);
	add_secs(sb, info->preempted_ns);
	if (wall) {
		strbuf_addf(sb, "%son-CPU ", dot);
		add_secs(sb, info->oncpu_ns);
	}
	if (info->duration_ns)
		strbuf_addf(sb, "%s%.1f s", dot, (double)info->duration_ns / 1e9);
	if (info->truncated)
		strbuf_addf(sb, "%sfile truncated", dot);
	if (info->cmdline && *info->cmdline)
		strbuf_addf(sb, "%s%s", dot, info->cmdline);
}

struct flamegraph_ctx {
	struct profile_args pa;
	struct diff_mode_args dm;
	struct flamegraph_opts fo;
	const char *output, *before;
	long long width, max_frames;
	int colors;
};

#define C(field, type) CLI_AT(struct flamegraph_ctx, field, type)

static const struct cli_opt flamegraph_opts_table[] = {
	{ .name = "--output", .letter = 'o', .arg = "FILE", .kind = CLI_STR,
	  .off = C(output, const char *),
	  .help = "write the SVG to FILE (default: standard output)" },
	{ .name = "--title", .arg = "TEXT", .kind = CLI_STR, .off = C(fo.title, const char *),
	  .help = "title (default \"Flame Graph\")" },
	{ .name = "--subtitle", .arg = "TEXT", .kind = CLI_STR,
	  .off = C(fo.subtitle, const char *),
	  .help = "subtitle (default: event, samples, duration, lost)" },
	{ .name = "--width", .arg = "PX", .kind = CLI_INT, .off = C(width, long long),
	  .imin = 100, .imax = 100000, .help = "image width (default 1200)" },
	{ .name = "--minwidth", .arg = "PX", .kind = CLI_REAL, .off = C(fo.minwidth, double),
	  .rmin = 0, .rmax = 1000,
	  .help = "do not draw frames narrower than PX at the current zoom (default 0.1); "
	  "their samples still count" },
	{ .name = "--max-frames", .arg = "N", .kind = CLI_INT, .off = C(max_frames, long long),
	  .imin = 1, .imax = INT64_MAX,
	  .help = "keep at most N frames in the file (default 1500000); the narrowest are "
	  "left out, still counted in callers" },
	{ .name = "--inverted", .kind = CLI_SET, .off = C(fo.inverted, int), .val = 1,
	  .help = "icicle graph: callers at the top" },
	{ .name = "--colors", .arg = "hot|kind", .kind = CLI_CHOICE, .off = C(colors, int),
	  .choices = "hot|kind",
	  .help = "warm colours (default), or hues by frame kind (user, kernel, JIT, "
	  "inlined, unknown); off-cpu and wall profiles default to blues for off-CPU time" },
	{ .name = "--count-name", .arg = "NAME", .kind = CLI_STR,
	  .off = C(fo.count_name, const char *),
	  .help = "unit shown in details (default samples)" },
	{ .name = "--diff", .arg = "BEFORE", .kind = CLI_STR, .off = C(before, const char *),
	  .help = "differential graph, the same as 'stoke diff BEFORE FILE -o': widths from "
	  "FILE, colour the change since BEFORE of counts, rates or shares (chosen as stoke "
	  "diff does; red grew, blue shrank), grey within noise; subtrees only in BEFORE "
	  "listed below" },
	{ .name = "--negate", .kind = CLI_SET, .off = C(fo.negate, int), .val = 1,
	  .help = "with --diff: draw BEFORE's shape instead" },
	{ .kind = CLI_GROUP, .off = C(dm, struct diff_mode_args), .group = &diff_mode_table,
	  .help = "With --diff, what is compared (by default chosen as stoke diff chooses):" },
	PROFILE_ARGS_GROUP(struct flamegraph_ctx, pa),
	{ 0 },
};

const struct cli_table cli_flamegraph_table = {
	.name = "flamegraph",
	.summary = "draw an interactive SVG flame graph",
	.usage = "flamegraph [FILE] [-o OUT.svg] [options]\n"
		 "flamegraph -o OUT.svg [options] -- COMMAND [ARGS]",
	.about = "Draw an interactive flame graph of FILE (a stoke file, default stoke.data,\n"
		 "a perf.data file, or folded stacks from any tool) as a self-contained SVG.\n"
		 "Open it in a browser: hover for details, click to zoom, Escape to reset,\n"
		 "Ctrl-F or / to search; see docs/flamegraph.md.  With -- COMMAND, records the\n"
		 "command first (as 'stoke record' would, at 999 Hz with call graphs; with\n"
		 "--event off-cpu or wall given before '--', with --off-cpu too) and exits with\n"
		 "its status.\n",
	.opts = flamegraph_opts_table,
	.flags = CLI_DASHDASH_REST,
	.max_args = 1,
};

/* -- COMMAND [ARGS]: record it as 'stoke record -q -o tmp' would into tmp; its exit status. */
static int record_first(struct flamegraph_ctx *c, char **cmd, int nr, char *tmp, int *rc)
{
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*rc = cli_error(1, "flamegraph: cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	close(fd);
	char **rargv = xcalloc((size_t)nr + 7, sizeof(char *));
	int k = 0;
	rargv[k++] = (char *)"record";
	rargv[k++] = (char *)"-q";
	rargv[k++] = (char *)"-o";
	rargv[k++] = tmp;
	if (c->pa.opts.event && (!strcmp(c->pa.opts.event, "off-cpu") ||
				 !strcmp(c->pa.opts.event, "wall")))
		rargv[k++] = (char *)"--off-cpu";
	rargv[k++] = (char *)"--";
	for (int j = 0; j < nr; j++)
		rargv[k++] = cmd[j];
	int status = cmd_record(k, rargv);
	free(rargv);
	if (status == 126 || status == 127 || access(tmp, R_OK)) {
		unlink(tmp);
		*rc = status ? status : 1;
		return -1;
	}
	return status;
}

int cmd_flamegraph(int argc, char **argv)
{
	struct flamegraph_ctx c = { .colors = -1 };
	struct cli_args a;
	struct profile_info info;
	struct strbuf svg = STRBUF_INIT, subtitle = STRBUF_INIT;
	struct profile_info before_info;
	struct tree *t = NULL, *before = NULL;
	struct flamegraph_opts *fo = &c.fo;
	const char *input = NULL;
	char tmp[] = "/tmp/stoke-flamegraph.XXXXXX";
	int rc, r, recorded = 0, cmd_status = 0;

	profile_args_init(&c.pa);
	diff_mode_args_init(&c.dm);
	flamegraph_opts_init(fo);
	memset(&info, 0, sizeof(info));
	memset(&before_info, 0, sizeof(before_info));
	if ((rc = cli_parse(&cli_flamegraph_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 2;
	if (a.dashdash && (a.nr_pos || !a.nr_rest)) {
		cli_error(2, "flamegraph: give either FILE or -- COMMAND [ARGS]");
		goto out;
	}
	if (c.width)
		fo->width = (unsigned)c.width;
	if (c.max_frames)
		fo->max_frames = (size_t)c.max_frames;
	if (c.colors >= 0)
		fo->colors = c.colors ? FLAMEGRAPH_KIND : FLAMEGRAPH_HOT;
	if (a.dashdash) {
		/* One shot: record the command (default options), then draw it. */
		if ((cmd_status = record_first(&c, a.rest, a.nr_rest, tmp, &rc)) < 0)
			goto out;
		recorded = 1;
		input = tmp;
	}
	if (!input)
		input = a.nr_pos ? a.pos[0] : "stoke.data";
	if (!c.output && isatty(1)) {
		cli_error(2, "flamegraph: give an output file with -o FILE.svg");
		goto out;
	}

	rc = 1;
	/* Inline frames and file:line are what only DWARF has: --no-inline reads no DWARF. */
	c.pa.opts.no_lines = c.pa.opts.no_inline;
	if (profile_args_load(&c.pa, input, &t, &info))
		goto out;
	if (c.before) {
		if (profile_args_load(&c.pa, c.before, &before, &before_info))
			goto out;
	} else if (fo->negate || c.dm.forced != DIFF_MODE_AUTO || c.dm.alpha) {
		rc = cli_error(2, "flamegraph: --negate, --counts, --rates, --shares and --alpha need "
				  "--diff BEFORE");
		goto out;
	}
	if (info.time_weighted) {
		if (c.colors < 0)
			fo->colors = strcmp(info.event, "wall") ? FLAMEGRAPH_COLD : FLAMEGRAPH_WALL;
		if (!fo->count_name)
			fo->count_name = "\xc2\xb5s";
		fo->time_base_us = info.duration_ns / 1000;
		if (!fo->title && !fo->inverted && !before)
			fo->title = strcmp(info.event, "wall") ? "Off-CPU Time Flame Graph"
							       : "Wall-Clock Flame Graph";
	}
	fo->annotate = c.pa.annotate;
	if (before) {
		/* The same comparison, test and drawing as stoke diff -o. */
		struct diff_choice choice;
		struct diff_opts dopts;
		if (diff_mode_choose(&before_info, &info, c.dm.forced, &choice)) {
			rc = cli_error(2, "flamegraph: %s", choice.why);
			goto out;
		}
		diff_opts_init(&dopts);
		diff_mode_apply(&choice, &dopts);
		if (c.dm.alpha)
			dopts.alpha = c.dm.alpha;
		diff_mode_statement(&choice, &subtitle);
		struct diff *d = diff_new(before, t, &dopts);
		r = diff_write_svg(d, before, t, fo, subtitle.buf, &svg);
		diff_free(d);
	} else {
		if (!fo->subtitle) {
			if (info.time_weighted)
				time_subtitle(&subtitle, &info);
			else
				default_subtitle(&subtitle, &info);
			fo->subtitle = subtitle.buf;
		}
		r = flamegraph_write(t, fo, &svg);
	}
	if (r) {
		cli_error(1, "flamegraph: %s", stoke_strerror(r));
		goto out;
	}
	rc = cli_write_output(c.output, &svg);
	if (!rc && recorded)
		rc = cmd_status; /* like record: the command's exit status */
out:
	if (recorded)
		unlink(tmp);
	cli_args_release(&a);
	tree_free(t);
	tree_free(before);
	profile_info_release(&info);
	profile_info_release(&before_info);
	profile_args_release(&c.pa);
	strbuf_release(&svg);
	strbuf_release(&subtitle);
	return rc;
}
