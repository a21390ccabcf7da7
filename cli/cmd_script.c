/* stoke script: samples as perf script text (for Firefox Profiler, speedscope, scripts). */
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/profile_args.h"
#include "common/format.h"
#include "common/outfile.h"
#include "report/script.h"

#include <errno.h>
#include <stddef.h>

struct script_ctx {
	struct profile_args pa;
	int srcline;
};

static const struct cli_opt script_opts[] = {
	{ .name = "--srcline", .kind = CLI_SET, .off = CLI_AT(struct script_ctx, srcline, int),
	  .val = 1,
	  .help = "a \"  file:line\" line under each frame whose source line is known (as "
	  "perf script -F +srcline)" },
	PROFILE_ARGS_GROUP(struct script_ctx, pa),
	{ 0 },
};

const struct cli_table cli_script_table = {
	.name = "script",
	.summary = "every sample as perf script text (Firefox Profiler, speedscope)",
	.usage = "script [options] [FILE]",
	.about = "Print every sample of a stoke file (default stoke.data) or perf.data file in the\n"
		 "text form of perf script: a line \"comm PID/TID [CPU] TIME: PERIOD EVENT:\", then\n"
		 "one line per frame, leaf first (address, symbol, module), then a blank line.\n"
		 "Firefox Profiler and speedscope import it as a perf profile.\n",
	.opts = script_opts,
	.max_args = 1,
};

int cmd_script(int argc, char **argv)
{
	struct script_ctx c = { .srcline = 0 };
	struct cli_args a;
	const char *path;
	int rc;

	profile_args_init(&c.pa);
	if ((rc = cli_parse(&cli_script_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 0;
	path = a.nr_pos ? a.pos[0] : "stoke.data";
	if (c.pa.stats) {
		rc = cli_error(2, "script: --stats is for report, flamegraph, callgraph and diff");
		goto out;
	}
	c.pa.opts.warn = NULL;
	struct script_stats st;
	struct outfile *of;
	int err = outfile_open(NULL, &of);
	if (err) {
		rc = cli_output_error(NULL, err);
		goto out;
	}
	err = script_write(path, &c.pa.opts, c.srcline, outfile_fd(of), &st);
	if (st.write_error)
		outfile_set_error(of, st.write_error);
	int werr = outfile_commit(of);
	if (werr == -EPIPE)
		goto out; /* the reader went away (head): not an error */
	if (werr) {
		rc = cli_output_error(NULL, werr);
		goto out;
	}
	if (err) {
		rc = cli_input_error(path, err, 0);
		goto out;
	}
	/* A damaged or cut-short file: what could be read was written (exit 0, as
	 * for every report command; see docs/reliability.md). */
	if (st.truncated)
		cli_warn("%s: %s at offset %llu (the recording was cut short); the %llu samples "
			 "before it were written", path, stoke_strerror(st.read_error),
			 (unsigned long long)st.bad_offset, (unsigned long long)st.samples);
	else if (st.no_end)
		cli_warn("%s: no END record: the recording was cut short (its recorder was killed?); "
			 "the %llu samples in it were written", path, (unsigned long long)st.samples);
out:
	cli_args_release(&a);
	profile_args_release(&c.pa);
	return rc;
}
