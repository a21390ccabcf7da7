/* stoke dump: every record of a file, for debugging and tests. */
#include "cli/cli.h"
#include "common/format.h"
#include "common/outfile.h"
#include "common/strbuf.h"
#include "report/dump.h"

#include <errno.h>
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
		return cli_input_error(path, err, 0);
	struct outfile *of;
	int werr = outfile_open(NULL, &of);
	if (werr) {
		fmt_reader_free(r);
		return cli_output_error(NULL, werr);
	}
	struct dump *d = dump_new();
	struct strbuf out = STRBUF_INIT;
	const struct perf_event_header *h;
	int rc = 0, have_end = 0;
	while ((err = fmt_reader_next(r, &h)) > 0) {
		have_end |= h->type == STOKE_REC_END;
		dump_record(d, h, fmt_reader_offset(r), &out);
		if (out.len > (1 << 20)) {
			if (outfile_write_sb(of, &out))
				break; /* a full disk, or the reader went away (a pipe closed) */
			strbuf_reset(&out);
		}
	}
	dump_summary(d, &out);
	outfile_write_sb(of, &out);
	werr = outfile_commit(of);
	if (werr && werr != -EPIPE)
		rc = cli_output_error(NULL, werr);
	else if (werr)
		; /* the reader went away (head): not an error */
	else if (err < 0) /* a damaged file: what could be read is shown (exit 0) */
		cli_warn("%s: %s at offset %llu (the recording was cut short); the records before "
			 "it are shown", path, stoke_strerror(err),
			 (unsigned long long)fmt_reader_offset(r));
	else if (!have_end && !fmt_reader_is_perf(r)) /* perf.data has no END record */
		cli_warn("%s: no END record: the recording was cut short (its recorder was "
			 "killed?); every record in it is shown", path);
	strbuf_release(&out);
	dump_free(d);
	fmt_reader_free(r);
	return rc;
}
