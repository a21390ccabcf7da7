/* stoke script: samples as perf script text (for Firefox Profiler, speedscope, scripts). */
#include "cli/cli.h"
#include "cli/profile_args.h"
#include "common/format.h"
#include "common/outfile.h"
#include "report/script.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int cmd_script(int argc, char **argv)
{
	struct profile_args pa;
	const char *path = "stoke.data";
	int rc = 0, have_path = 0, srcline = 0;

	profile_args_init(&pa);
	for (int i = 1; i < argc; i++) {
		int r = profile_args_parse(&pa, argc, argv, &i);
		if (r < 0) {
			rc = 2;
			goto out;
		}
		if (r)
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			rc = cli_help("script");
			goto out;
		}
		if (!strcmp(argv[i], "--srcline")) {
			srcline = 1;
			continue;
		}
		if (argv[i][0] == '-' || have_path) {
			rc = cli_error(2, "script: unexpected '%s'; see 'stoke help script'", argv[i]);
			goto out;
		}
		path = argv[i];
		have_path = 1;
	}
	if (pa.stats) {
		rc = cli_error(2, "script: --stats is for report, flamegraph, callgraph and diff");
		goto out;
	}
	pa.opts.warn = NULL;
	struct script_stats st;
	struct outfile *of;
	int err = outfile_open(NULL, &of);
	if (err) {
		rc = cli_output_error(NULL, err);
		goto out;
	}
	err = script_write(path, &pa.opts, srcline, outfile_fd(of), &st);
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
	profile_args_release(&pa);
	return rc;
}
