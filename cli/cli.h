/* cli.h — subcommands: argument parsing and error reporting live here and only here. */
#ifndef STOKE_CLI_H
#define STOKE_CLI_H

#include "common/version.h"

struct cli_table;

struct cli_command {
	const struct cli_table *table; /* its name, summary, usage and options (cli/opt.h) */
	int (*fn)(int argc, char **argv); /* argv[0] is the command name */
};

/* Every command, ended by { NULL } (main.c). */
extern const struct cli_command cli_commands[];
extern const struct cli_table cli_record_table, cli_dump_table, cli_report_table, cli_diff_table,
	cli_callgraph_table, cli_flamegraph_table, cli_script_table, cli_export_table;

int cmd_record(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_script(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_callgraph(int argc, char **argv);
int cmd_flamegraph(int argc, char **argv);
int cmd_export(int argc, char **argv);

/*
 * What a differential profile compares (diff, flamegraph --diff): --counts,
 * --rates, --shares (forced: DIFF_MODE_AUTO or an enum diff_mode) and
 * --alpha (0: the default).  A group of options (cli/opt.h) both include.
 */
struct diff_mode_args {
	int forced;
	double alpha;
};
extern const struct cli_table diff_mode_table;
void diff_mode_args_init(struct diff_mode_args *dm);

/* Print the help of a command (man: its man page) to stdout; 0, or 2 for an unknown command. */
int cli_help(const char *name, int man);

/* Print "stoke: MSG" to stderr; returns `code` so callers can `return cli_error(1, ...)`. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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
/* cli_warn("%s", msg), as the warn/notice callback of the library's options. */
void cli_warn_cb(void *ctx, const char *msg);

#endif
