/* cli.h — subcommands: argument parsing and error reporting live here and only here. */
#ifndef STOKE_CLI_H
#define STOKE_CLI_H

#include "common/version.h"

struct cli_command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
	const char *summary;
};

int cmd_record(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_callgraph(int argc, char **argv);
int cmd_flamegraph(int argc, char **argv);
int cmd_export(int argc, char **argv);

/* Print the help text of a command to stdout; 0, or 2 for an unknown command. */
int cli_help(const char *name);

/* Print "stoke: MSG" to stderr; returns `code` so callers can `return cli_error(1, ...)`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * Value of option `name` at argv[*i] ("--name=value" or "--name value",
 * advancing *i past a separate value), or NULL when argv[*i] is another
 * option.  When the value is missing, prints an error, sets *bad and returns NULL.
 */
const char *cli_opt_value(const char *name, int argc, char **argv, int *i, int *bad);
/*
 * Write sb to path (NULL or "-": standard output) through common/outfile:
 * every write and the close checked, no half-written file under the name.
 * 0, or 1 after the one error line "stoke: writing PATH: REASON".
 */
struct strbuf;
int cli_write_output(const char *path, const struct strbuf *sb);
/* Print one line saying why input `path` cannot be read (a directory, a
 * device, an empty file, not a profile, or err); folded_ok: the command also
 * reads folded stacks.  Returns 1. */
int cli_input_error(const char *path, int err, int folded_ok);
/* Print "stoke: writing PATH: REASON" for a failed output; returns 1. */
int cli_output_error(const char *path, int err);
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
