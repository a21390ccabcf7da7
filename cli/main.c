/* stoke — git-style subcommand dispatch.  The only place that prints errors and exits. */
#include "cli/cli.h"
#include "cli/opt.h"

#include <stdio.h>
#include <string.h>

const struct cli_command cli_commands[] = {
	{ &cli_record_table, cmd_record },
	{ &cli_dump_table, cmd_dump },
	{ &cli_report_table, cmd_report },
	{ &cli_diff_table, cmd_diff },
	{ &cli_callgraph_table, cmd_callgraph },
	{ &cli_flamegraph_table, cmd_flamegraph },
	{ &cli_script_table, cmd_script },
	{ &cli_export_table, cmd_export },
	{ NULL, NULL },
};

static int usage(FILE *f)
{
	fprintf(f, "usage: stoke <command> [options] [args]\n\ncommands:\n");
	for (const struct cli_command *c = cli_commands; c->table; c++)
		fprintf(f, "  %-12s %s\n", c->table->name, c->table->summary);
	fprintf(f, "  %-12s %s\n", "help", "show help for a command: stoke help <command>");
	return f == stderr ? 2 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		return usage(stdout);
	if (!strcmp(name, "--version")) {
		printf("stoke %s\n", STOKE_VERSION);
		return 0;
	}
	if (!strcmp(name, "help")) {
		/* "help --man CMD": the man page, for docs/man/generate.sh (not listed). */
		int man = argc > 2 && !strcmp(argv[2], "--man");
		if (argc < 3 + man)
			return usage(stdout);
		return cli_help(argv[2 + man], man);
	}
	for (const struct cli_command *c = cli_commands; c->table; c++)
		if (!strcmp(c->table->name, name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "stoke: '%s' is not a stoke command; see 'stoke --help'\n", name);
	return 2;
}
