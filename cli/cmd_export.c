/* stoke export: a profile as pprof (profile.proto, gzip) or speedscope JSON. */
#include "cli/cli.h"
#include "cli/opt.h"
#include "cli/profile_args.h"
#include "common/format.h"
#include "common/outfile.h"
#include "report/export.h"
#include "report/pprof.h"
#include "report/speedscope.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

enum export_format { FORMAT_NONE, FORMAT_PPROF, FORMAT_SPEEDSCOPE };

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static enum export_format format_of_name(const char *out)
{
	if (!out)
		return FORMAT_NONE;
	if (ends_with(out, ".pb.gz"))
		return FORMAT_PPROF;
	if (ends_with(out, ".speedscope.json"))
		return FORMAT_SPEEDSCOPE;
	return FORMAT_NONE;
}

static int write_profile(const struct export_profile *p, enum export_format fmt, const char *name,
			 int fd)
{
	return fmt == FORMAT_PPROF ? pprof_write(p, fd) : speedscope_write(p, name, fd);
}

struct export_ctx {
	struct profile_args pa;
	const char *out, *format;
};

static const struct cli_opt export_opts[] = {
	{ .name = "--format", .arg = "FORMAT", .kind = CLI_STR,
	  .off = CLI_AT(struct export_ctx, format, const char *),
	  .help = "pprof or speedscope; by default taken from the output name: NAME.pb.gz is "
	  "pprof, NAME.speedscope.json speedscope" },
	{ .name = "--output", .letter = 'o', .arg = "FILE", .kind = CLI_STR,
	  .off = CLI_AT(struct export_ctx, out, const char *),
	  .help = "output file (default: standard output; pprof is not written to a "
	  "terminal)" },
	PROFILE_ARGS_GROUP(struct export_ctx, pa),
	{ 0 },
};

const struct cli_table cli_export_table = {
	.name = "export",
	.summary = "write a profile as pprof (profile.proto) or speedscope JSON",
	.usage = "export --format pprof|speedscope [-o FILE] [options] [FILE]",
	.about = "Write a profile (a stoke file, default stoke.data, or folded stacks) in the\n"
		 "format of another tool: pprof's profile.proto, gzip-compressed (go tool pprof,\n"
		 "Grafana Pyroscope, Parca), or speedscope's JSON file format.  From a stoke\n"
		 "file the export keeps the addresses: one pprof mapping per mapped file with\n"
		 "its build-id, one location per address with its inlined functions and source\n"
		 "lines, labels pid, tid and thread; speedscope gets one profile per thread.\n"
		 "Folded stacks carry names only, and export as such.  See docs/export.md.\n",
	.opts = export_opts,
	.epilogue = "Values: samples/count, then cpu/nanoseconds for cpu-clock and task-clock\n"
		    "(the sampling periods), or EVENT/count for any other event.  Threads are\n"
		    "always kept apart, so --per-thread and --kernel-suffix change nothing here.\n",
	.max_args = 1,
};

/* To out (NULL: standard output) through common/outfile: no half-written file under its name. */
static int write_output(const struct export_profile *p, enum export_format fmt, const char *name,
			const char *out)
{
	struct outfile *of;
	int err = outfile_open(out, &of);
	if (err)
		return cli_output_error(out, err);
	err = write_profile(p, fmt, name, outfile_fd(of));
	if (err)
		outfile_set_error(of, err);
	err = outfile_commit(of);
	if (err == -EPIPE && !out)
		return 0; /* the reader went away (head): not an error */
	return err ? cli_output_error(out, err) : 0;
}

int cmd_export(int argc, char **argv)
{
	struct export_ctx c = { .out = NULL };
	struct cli_args a;
	const char *path, *out, *format;
	struct export_profile *p = NULL;
	int rc;

	profile_args_init(&c.pa);
	if ((rc = cli_parse(&cli_export_table, &c, argc, argv, &a)) >= 0)
		goto out;
	rc = 0;
	path = a.nr_pos ? a.pos[0] : "stoke.data";
	out = c.out;
	format = c.format;
	if (out && !strcmp(out, "-"))
		out = NULL;
	enum export_format fmt = format_of_name(out);
	if (format) {
		if (!strcmp(format, "pprof")) {
			fmt = FORMAT_PPROF;
		} else if (!strcmp(format, "speedscope")) {
			fmt = FORMAT_SPEEDSCOPE;
		} else {
			rc = cli_error(2, "export: --format '%s' is not pprof or speedscope", format);
			goto out;
		}
	}
	if (fmt == FORMAT_NONE) {
		rc = cli_error(2, "export: which format? give --format pprof|speedscope, or -o NAME.pb.gz "
				  "or NAME.speedscope.json");
		goto out;
	}
	if (!out && fmt == FORMAT_PPROF && isatty(STDOUT_FILENO)) {
		rc = cli_error(2, "export: not writing gzip data to a terminal; give -o FILE.pb.gz");
		goto out;
	}

	if (c.pa.stats) {
		rc = cli_error(2, "export: --stats is for report, flamegraph, callgraph and diff");
		goto out;
	}
	c.pa.opts.warn = cli_warn_cb;
	int err = export_load(path, &c.pa.opts, &p);
	if (err == -STOKE_ENOEVENT) {
		rc = 1; /* the warning named the file's events */
		goto out;
	}
	if (err == -STOKE_EBADMAGIC) {
		rc = cli_error(1, "%s: not a stoke file nor folded stacks", path);
		goto out;
	}
	if (err) {
		rc = cli_error(1, "%s: %s", path, stoke_strerror(err));
		goto out;
	}
	if (p->truncated)
		cli_warn("%s: %s at offset %llu; exporting the %llu samples before it", path,
			 stoke_strerror(p->read_error), (unsigned long long)p->bad_offset,
			 (unsigned long long)p->samples);
	if (!p->samples)
		cli_warn("%s: no samples left after the filters; the export is empty", path);

	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	rc = write_output(p, fmt, base, out);
	if (!rc && p->truncated)
		rc = 1;
out:
	cli_args_release(&a);
	export_free(p);
	profile_args_release(&c.pa);
	return rc;
}
