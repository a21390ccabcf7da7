/* stoke dump: every record of a file, for debugging and tests. */
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/format.h"
#include "common/outfile.h"
#include "common/strbuf.h"
#include "report/dump.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const struct cli_opt dump_opts[] = { { 0 } };

const struct cli_table cli_dump_table = {
	.name = "dump",
	.summary = "print every record of a stoke file",
	.usage = "dump [FILE]",
	.about = "Print every record of a stoke file (default stoke.data) in readable form.\n"
		 "A perf.data file shows as stoke reads it: its attrs, features and records.\n",
	.opts = dump_opts,
};

int cmd_dump(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(&cli_dump_table, NULL, argc, argv, &a);
	const char *path = a.nr_pos ? a.pos[0] : "stoke.data";
	int many = a.nr_pos > 1;
	cli_args_release(&a);
	if (rc >= 0)
		return rc;
	if (many)
		return cli_error(2, "usage: stoke dump [FILE]");

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
	int have_end = 0;
	rc = 0;
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
