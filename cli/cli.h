/* cli.h — subcommands: argument parsing and error reporting live here and only here. */
#ifndef STOKE_CLI_H
#define STOKE_CLI_H

#define STOKE_VERSION "0.1.0"

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
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
