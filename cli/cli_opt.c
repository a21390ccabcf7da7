/* Writing a command's output, and the one line for an input that cannot be read. */
#include "cli/cli.h"
#include "common/format.h"
#include "common/outfile.h"
#include "common/strbuf.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int cli_output_error(const char *path, int err)
{
	const char *name = path && strcmp(path, "-") ? path : "standard output";
	return cli_error(1, "writing %s: %s", name, stoke_strerror(err));
}

int cli_write_output(const char *path, const struct strbuf *sb)
{
	struct outfile *of;
	int err = outfile_open(path, &of);
	if (!err) {
		outfile_write_sb(of, sb);
		err = outfile_commit(of);
	}
	return err ? cli_output_error(path, err) : 0;
}

int cli_input_error(const char *path, int err, int folded_ok)
{
	const char *what = folded_ok ? "a stoke file or folded stacks" : "a stoke data file";
	struct stat st;
	int have = stat(path, &st) == 0;
	if (err == -EISDIR || (have && S_ISDIR(st.st_mode)))
		return cli_error(1, "%s: is a directory; give %s", path, what);
	if (have && !S_ISREG(st.st_mode))
		return cli_error(1, "%s: not a regular file; give %s (save a pipe's output to a "
				    "file first)", path, what);
	if (have && st.st_size == 0)
		return cli_error(1, "%s: empty file: not %s", path, what);
	if (err == -STOKE_EBADMAGIC && folded_ok)
		return cli_error(1, "%s: not a stoke file, a perf.data file nor folded stacks", path);
	return cli_error(1, "%s: %s", path, stoke_strerror(err));
}
