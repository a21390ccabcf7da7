/* Help texts of the subcommands and the shared error printers. */
#include "cli/cli.h"
#include "cli/profile_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct help {
	const char *name;
	const char *text;
};

static const struct help helps[] = {
	{ "record",
	  "usage: stoke record [options] -- command [args...]\n"
	  "       stoke record [options] -p PID[,PID...]\n"
	  "       stoke record [options] -a [-C CPUS]\n"
	  "\n"
	  "Sample a command, running processes or the whole system into a zstd-compressed file.\n"
	  "\n"
	  "  -o FILE             output file (default stoke.data)\n"
	  "  -e EVENT[,EVENT]    event(s): cpu-clock, task-clock, cycles, instructions,\n"
	  "                      branch-misses, cache-references, cache-misses,\n"
	  "                      L1-dcache-load-misses and other cache events,\n"
	  "                      context-switches, page-faults, rNNNN; modifiers :u :k\n"
	  "  -F HZ               sampling frequency (default 999)\n"
	  "  -c PERIOD           sample every PERIOD events instead of -F\n"
	  "  -g, --call-graph fp frame-pointer call graphs (the default)\n"
	  "  --call-graph dwarf[,SIZE]  DWARF call graphs: copy SIZE bytes of user stack (default 8192)\n"
	  "  --no-call-graph     sample only the instruction pointer\n"
	  "  -p PID[,PID]        record running processes (every thread, and new ones)\n"
	  "  -a                  record all CPUs (system-wide)\n"
	  "  -C CPUS             restrict to CPUs, e.g. 0-3,6\n"
	  "  -d SECONDS          stop after SECONDS (fractions allowed)\n"
	  "  -z LEVEL            zstd level (default 1; negative levels are faster)\n"
	  "  -m PAGES            ring buffer data pages per CPU (power of two)\n"
	  "  -q                  print no summary\n"
	  "\n"
	  "Ctrl-C or SIGTERM stop recording cleanly.  With a command, stoke exits with\n"
	  "the command's exit status.\n" },
	{ "dump",
	  "usage: stoke dump [FILE]\n"
	  "\n"
	  "Print every record of a stoke file (default stoke.data) in readable form.\n" },
	{ "report",
	  "usage: stoke report [options] [FILE]\n"
	  "\n"
	  "Text report of a profile (a stoke file, default stoke.data, or folded stacks).\n"
	  "By default: a header, then every function by total share (samples whose stack\n"
	  "holds it, counted once under recursion) with its self share, each followed by\n"
	  "the tree of what it calls.\n"
	  "\n"
	  "  --caller            top-down: each function, then its callees (the default)\n"
	  "  --callee            bottom-up: each function, then its callers\n"
	  "  --top N             a flat table of the N first functions (0: all)\n"
	  "  --sort self|total   order of functions (default: total; self for --top)\n"
	  "  --percent-limit P   hide functions and graph lines below P% (default 0.5)\n"
	  "  --folded            write folded stacks instead (see --kernel-suffix)\n"
	  "\n" },
	{ "diff",
	  "usage: stoke diff [options] BEFORE AFTER\n"
	  "\n"
	  "Compare two profiles (stoke files or folded stacks): the functions whose share\n"
	  "of samples changed most, with a significance test corrected for the number of\n"
	  "functions tested (Holm).  See docs/diff.md.\n"
	  "\n"
	  "  --alpha A           family-wise significance level (default 0.01)\n"
	  "  --absolute          compare raw sample counts (Poisson rate test), not shares\n"
	  "  --sort self|total   rank by the change of self or total (default total)\n"
	  "  --top N             rows to show (default 30; 0: all)\n"
	  "  --folded            write \"stack BEFORE AFTER\" lines, stacks matched by name\n"
	  "\n" },
	{ "callgraph",
	  "usage: stoke callgraph [options] [FILE]\n"
	  "\n"
	  "Call graph of a profile: a node per function (or module), labelled with its self\n"
	  "and total shares; arcs caller -> callee labelled with the share of samples\n"
	  "passing along them.  SVG and PNG need Graphviz's dot (Debian package graphviz).\n"
	  "\n"
	  "  -o FILE             output file (default: DOT on standard output)\n"
	  "  --format dot|svg|png  output format (default: from the -o suffix, else dot)\n"
	  "  --by function|module  what a node is (default function)\n"
	  "  --node-fraction F   drop nodes whose total is below F of all samples (default 0.005)\n"
	  "  --edge-fraction F   drop arcs below F of all samples (default 0.001)\n"
	  "\n" },
	{ NULL, NULL },
};

int cli_help(const char *name)
{
	for (const struct help *h = helps; h->name; h++) {
		if (!strcmp(h->name, name)) {
			fputs(h->text, stdout);
			/* report commands share the filter options */
			if (!strcmp(name, "report") || !strcmp(name, "diff") || !strcmp(name, "callgraph"))
				printf("filters:\n%s", profile_args_help);
			return 0;
		}
	}
	fprintf(stderr, "stoke: no help for '%s'; see 'stoke --help'\n", name);
	return 2;
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stoke: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return code;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("stoke: warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}
