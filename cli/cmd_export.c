/* stoke export: a profile as pprof (profile.proto, gzip) or speedscope JSON. */
#include "cli/cli.h"
#include "cli/profile_args.h"
#include "common/format.h"
#include "report/export.h"
#include "report/pprof.h"
#include "report/speedscope.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static void warn_line(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

static int write_profile(const struct export_profile *p, enum export_format fmt, const char *name,
			 int fd)
{
	return fmt == FORMAT_PPROF ? pprof_write(p, fd) : speedscope_write(p, name, fd);
}

/* Write to a temporary file beside out, then rename: no half-written file under out's name. */
static int write_file(const struct export_profile *p, enum export_format fmt, const char *name,
		      const char *out)
{
	size_t n = strlen(out) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return cli_error(1, "%s: %s", out, strerror(ENOMEM));
	snprintf(tmp, n, "%s.tmpXXXXXX", out);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return cli_error(1, "%s: %s", out, strerror(e));
	}
	int err = write_profile(p, fmt, name, fd);
	mode_t mask = umask(0); /* mkstemp made it 0600: give it the usual mode */
	umask(mask);
	if (!err && fchmod(fd, 0666 & ~mask) < 0)
		err = -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	if (!err && rename(tmp, out) < 0)
		err = -errno;
	if (err)
		unlink(tmp);
	free(tmp);
	return err ? cli_error(1, "%s: %s", out, stoke_strerror(err)) : 0;
}

int cmd_export(int argc, char **argv)
{
	struct profile_args pa;
	const char *path = "stoke.data", *out = NULL, *format = NULL;
	struct export_profile *p = NULL;
	int rc = 0, have_path = 0, bad = 0;

	profile_args_init(&pa);
	for (int i = 1; i < argc; i++) {
		int r = profile_args_parse(&pa, argc, argv, &i);
		if (r < 0) {
			rc = 2;
			goto out;
		}
		if (r)
			continue;
		const char *v;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			rc = cli_help("export");
			goto out;
		} else if ((v = cli_opt_value("--format", argc, argv, &i, &bad))) {
			format = v;
		} else if ((v = cli_opt_value("-o", argc, argv, &i, &bad))) {
			out = v;
		} else if (bad) {
			rc = 2;
			goto out;
		} else if (argv[i][0] == '-' || have_path) {
			rc = cli_error(2, "export: unexpected '%s'; see 'stoke help export'", argv[i]);
			goto out;
		} else {
			path = argv[i];
			have_path = 1;
		}
	}
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

	if (pa.stats) {
		rc = cli_error(2, "export: --stats is for report, flamegraph, callgraph and diff");
		goto out;
	}
	pa.opts.warn = warn_line;
	int err = export_load(path, &pa.opts, &p);
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
	if (out) {
		rc = write_file(p, fmt, base, out);
	} else {
		err = write_profile(p, fmt, base, STDOUT_FILENO);
		if (err && err != -EPIPE)
			rc = cli_error(1, "writing the export: %s", stoke_strerror(err));
	}
	if (!rc && p->truncated)
		rc = 1;
out:
	export_free(p);
	profile_args_release(&pa);
	return rc;
}
