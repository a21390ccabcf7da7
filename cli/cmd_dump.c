/* stoke dump: every record of a file, for debugging and tests. */
#include "cli/cli.h"
#include "common/format.h"
#include "common/strbuf.h"
#include "report/dump.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cmd_dump(int argc, char **argv)
{
	const char *path = "stoke.data";
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")))
		return cli_help("dump");
	if (argc > 2)
		return cli_error(2, "usage: stoke dump [FILE]");
	if (argc == 2)
		path = argv[1];

	struct fmt_reader *r;
	int err = fmt_reader_open(path, &r);
	if (err)
		return cli_error(1, "%s: %s", path, fmt_strerror(err));
	struct dump *d = dump_new();
	struct strbuf out = STRBUF_INIT;
	const struct perf_event_header *h;
	int rc = 0;
	while ((err = fmt_reader_next(r, &h)) > 0) {
		dump_record(d, h, fmt_reader_offset(r), &out);
		if (out.len > (1 << 20)) {
			if (strbuf_write_fd(&out, STDOUT_FILENO) < 0)
				break; /* reader went away (a pipe closed) */
			strbuf_reset(&out);
		}
	}
	dump_summary(d, &out);
	strbuf_write_fd(&out, STDOUT_FILENO);
	if (err < 0)
		rc = cli_error(1, "%s: %s at offset %llu; the records before it are shown", path,
			       fmt_strerror(err), (unsigned long long)fmt_reader_offset(r));
	strbuf_release(&out);
	dump_free(d);
	fmt_reader_free(r);
	return rc;
}
