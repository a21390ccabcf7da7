/* stoke flamegraph: a profile (stoke file or folded stacks) to an interactive SVG. */
#include "cli/args.h"
#include "cli/cli.h"
#include "common/error.h"
#include "common/util.h"
#include "cli/profile_args.h"
#include "common/strbuf.h"
#include "report/diff.h"
#include "report/diff_mode.h"
#include "report/diff_svg.h"
#include "report/flamegraph.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "--opt value" or "--opt=value"; 1 when argv[*i] is opt (value in *val), -1 when it lacks one. */
static int opt_value(const char *opt, int argc, char **argv, int *i, const char **val)
{
	size_t n = strlen(opt);
	const char *arg = argv[*i];
	if (strncmp(arg, opt, n))
		return 0;
	if (arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	if (arg[n])
		return 0;
	if (*i + 1 >= argc) {
		cli_error(2, "flamegraph: %s needs a value", opt);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

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

int cmd_flamegraph(int argc, char **argv)
{
	struct profile_args pa;
	struct flamegraph_opts fo;
	struct profile_info info;
	struct strbuf svg = STRBUF_INIT, subtitle = STRBUF_INIT;
	struct profile_info before_info;
	struct tree *t = NULL, *before = NULL;
	const char *input = NULL, *output = NULL, *before_path = NULL, *val;
	char tmp[] = "/tmp/stoke-flamegraph.XXXXXX";
	int rc = 2, r, recorded = 0, cmd_status = 0, forced = DIFF_MODE_AUTO, colors_given = 0;
	double alpha = 0;

	profile_args_init(&pa);
	flamegraph_opts_init(&fo);
	memset(&info, 0, sizeof(info));
	memset(&before_info, 0, sizeof(before_info));
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "--")) {
			/* One shot: record the command (default options), then draw it. */
			if (input || i + 1 >= argc) {
				cli_error(2, "flamegraph: give either FILE or -- COMMAND [ARGS]");
				goto out;
			}
			int fd = mkstemp(tmp);
			if (fd < 0) {
				rc = cli_error(1, "flamegraph: cannot create a temporary file: %s",
					       strerror(errno));
				goto out;
			}
			close(fd);
			recorded = 1;
			char **rargv = xcalloc((size_t)(argc - i) + 6, sizeof(char *));
			int k = 0;
			rargv[k++] = (char *)"record";
			rargv[k++] = (char *)"-q";
			rargv[k++] = (char *)"-o";
			rargv[k++] = tmp;
			if (pa.opts.event && (!strcmp(pa.opts.event, "off-cpu") ||
					      !strcmp(pa.opts.event, "wall")))
				rargv[k++] = (char *)"--off-cpu";
			for (int j = i; j < argc; j++)
				rargv[k++] = argv[j];
			cmd_status = cmd_record(k, rargv);
			free(rargv);
			if (cmd_status == 126 || cmd_status == 127 || access(tmp, R_OK)) {
				rc = cmd_status ? cmd_status : 1;
				goto out;
			}
			input = tmp;
			break;
		}
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			rc = cli_help("flamegraph");
			goto out;
		}
		if (!strcmp(arg, "--inverted")) {
			fo.inverted = 1;
			continue;
		}
		if (!strcmp(arg, "--negate")) {
			fo.negate = 1;
			continue;
		}
		if (!strcmp(arg, "--counts") || !strcmp(arg, "--absolute")) {
			forced = DIFF_COUNTS;
			continue;
		}
		if (!strcmp(arg, "--rates")) {
			forced = DIFF_RATES;
			continue;
		}
		if (!strcmp(arg, "--shares")) {
			forced = DIFF_SHARES;
			continue;
		}
		if ((r = opt_value("--alpha", argc, argv, &i, &val))) {
			char *end;
			if (r < 0)
				goto out;
			alpha = strtod(val, &end);
			if (*end || end == val || !(alpha > 0 && alpha < 1)) {
				cli_error(2, "flamegraph: --alpha: expected a level between 0 and 1, not '%s'",
					  val);
				goto out;
			}
			continue;
		}
		if ((r = opt_value("--diff", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			before_path = val;
			continue;
		}
		if ((r = opt_value("-o", argc, argv, &i, &val)) ||
		    (r = opt_value("--output", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			output = val;
			continue;
		}
		if ((r = opt_value("--title", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			fo.title = val;
			continue;
		}
		if ((r = opt_value("--subtitle", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			fo.subtitle = val;
			continue;
		}
		if ((r = opt_value("--count-name", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			fo.count_name = val;
			continue;
		}
		if ((r = opt_value("--width", argc, argv, &i, &val))) {
			long long w;
			if (r < 0 || cli_parse_int("--width", val, 100, 100000, NULL, &w))
				goto out;
			fo.width = (unsigned)w;
			continue;
		}
		if ((r = opt_value("--minwidth", argc, argv, &i, &val))) {
			double m;
			if (r < 0 || cli_parse_real("--minwidth", val, 0, 1000, 0, NULL, &m))
				goto out;
			fo.minwidth = m;
			continue;
		}
		if ((r = opt_value("--max-frames", argc, argv, &i, &val))) {
			long long m;
			if (r < 0 || cli_parse_int("--max-frames", val, 1, INT64_MAX, NULL, &m))
				goto out;
			fo.max_frames = (size_t)m;
			continue;
		}
		if ((r = opt_value("--colors", argc, argv, &i, &val))) {
			if (r < 0)
				goto out;
			colors_given = 1;
			if (!strcmp(val, "hot")) {
				fo.colors = FLAMEGRAPH_HOT;
			} else if (!strcmp(val, "kind")) {
				fo.colors = FLAMEGRAPH_KIND;
			} else {
				cli_error(2, "flamegraph: --colors: expected hot or kind, not '%s'", val);
				goto out;
			}
			continue;
		}
		r = profile_args_parse(&pa, argc, argv, &i);
		if (r < 0)
			goto out;
		if (r > 0)
			continue;
		if (arg[0] == '-' && arg[1]) {
			cli_error(2, "flamegraph: unknown option '%s'; see 'stoke help flamegraph'", arg);
			goto out;
		}
		if (input) {
			cli_error(2, "flamegraph: one input file only ('%s' and '%s')", input, arg);
			goto out;
		}
		input = arg;
	}
	if (!input)
		input = "stoke.data";
	if (!output && isatty(1)) {
		cli_error(2, "flamegraph: give an output file with -o FILE.svg");
		goto out;
	}

	rc = 1;
	/* Inline frames and file:line are what only DWARF has: --no-inline reads no DWARF. */
	pa.opts.no_lines = pa.opts.no_inline;
	if (profile_args_load(&pa, input, &t, &info))
		goto out;
	if (before_path) {
		if (profile_args_load(&pa, before_path, &before, &before_info))
			goto out;
	} else if (fo.negate || forced != DIFF_MODE_AUTO || alpha) {
		cli_error(2, "flamegraph: --negate, --counts, --rates, --shares and --alpha need "
			     "--diff BEFORE");
		rc = 2;
		goto out;
	}
	if (info.time_weighted) {
		if (!colors_given)
			fo.colors = strcmp(info.event, "wall") ? FLAMEGRAPH_COLD : FLAMEGRAPH_WALL;
		if (!fo.count_name)
			fo.count_name = "\xc2\xb5s";
		fo.time_base_us = info.duration_ns / 1000;
		if (!fo.title && !fo.inverted && !before)
			fo.title = strcmp(info.event, "wall") ? "Off-CPU Time Flame Graph"
							      : "Wall-Clock Flame Graph";
	}
	fo.annotate = pa.annotate;
	if (before) {
		/* The same comparison, test and drawing as stoke diff -o. */
		struct diff_choice choice;
		struct diff_opts dopts;
		if (diff_mode_choose(&before_info, &info, forced, &choice)) {
			rc = cli_error(2, "flamegraph: %s", choice.why);
			goto out;
		}
		diff_opts_init(&dopts);
		diff_mode_apply(&choice, &dopts);
		if (alpha)
			dopts.alpha = alpha;
		diff_mode_statement(&choice, &subtitle);
		struct diff *d = diff_new(before, t, &dopts);
		r = diff_write_svg(d, before, t, &fo, subtitle.buf, &svg);
		diff_free(d);
	} else {
		if (!fo.subtitle) {
			if (info.time_weighted)
				time_subtitle(&subtitle, &info);
			else
				default_subtitle(&subtitle, &info);
			fo.subtitle = subtitle.buf;
		}
		r = flamegraph_write(t, &fo, &svg);
	}
	if (r) {
		cli_error(1, "flamegraph: %s", stoke_strerror(r));
		goto out;
	}
	rc = cli_write_output(output, &svg);
	if (!rc && recorded)
		rc = cmd_status; /* like record: the command's exit status */
out:
	if (recorded)
		unlink(tmp);
	tree_free(t);
	tree_free(before);
	profile_info_release(&info);
	profile_info_release(&before_info);
	profile_args_release(&pa);
	strbuf_release(&svg);
	strbuf_release(&subtitle);
	return rc;
}
