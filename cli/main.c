/* stoke — git-style subcommand dispatch.  The only place that prints errors and exits. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const struct cli_command commands[] = {
	{ "record", cmd_record, "record samples of a command, a process or the system" },
	{ "dump", cmd_dump, "print every record of a stoke file" },
	{ "report", cmd_report, "text call graph, bottom-up view or top table of a profile" },
	{ "diff", cmd_diff, "compare two profiles: which functions' share changed, and significantly" },
	{ "callgraph", cmd_callgraph, "call graph of functions as DOT, SVG or PNG (Graphviz)" },
	{ "flamegraph", cmd_flamegraph, "draw an interactive SVG flame graph" },
	{ "script", cmd_script, "every sample as perf script text (Firefox Profiler, speedscope)" },
	{ "export", cmd_export, "write a profile as pprof (profile.proto) or speedscope JSON" },
	{ NULL, NULL, NULL },
};

static int usage(FILE *f)
{
	fprintf(f, "usage: stoke <command> [options] [args]\n\ncommands:\n");
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
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
		if (argc < 3)
			return usage(stdout);
		return cli_help(argv[2]);
	}
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "stoke: '%s' is not a stoke command; see 'stoke --help'\n", name);
	return 2;
}
