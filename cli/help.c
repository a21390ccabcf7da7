/* Help texts of the subcommands and the shared error printers. */
#include "cli/cli.h"
#include "cli/profile_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct help {
	const char *name;
	const char *text;
	const char *filters; /* profile_args_help for commands that take the shared filters */
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
	  "  -z LEVEL            zstd level (default 6; negative: faster)\n"
	  "  -m PAGES            ring buffer data pages per CPU (power of two)\n"
	  "  -q                  print no summary\n"
	  "\n"
	  "Ctrl-C or SIGTERM stop recording cleanly.  With a command, stoke exits with\n"
	  "the command's exit status.\n", NULL },
	{ "dump",
	  "usage: stoke dump [FILE]\n"
	  "\n"
	  "Print every record of a stoke file (default stoke.data) in readable form.\n"
	  "A perf.data file shows as stoke reads it: its attrs, features and records.\n", NULL },
	{ "report",
	  "usage: stoke report [options] [FILE]\n"
	  "\n"
	  "Text report of a profile (a stoke file, default stoke.data, a perf.data file\n"
	  "from perf record, or folded stacks; docs/perfdata.md).\n"
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
	  "\nFilters shared with the other report commands:\n",
	  profile_args_help },
	{ "diff",
	  "usage: stoke diff [options] BEFORE AFTER\n"
	  "\n"
	  "Compare two profiles (stoke files, perf.data files or folded stacks, in any\n"
	  "mix): the functions whose share\n"
	  "of samples changed most, with a significance test corrected for the number of\n"
	  "functions tested (Holm).  See docs/diff.md.\n"
	  "\n"
	  "  --alpha A           family-wise significance level (default 0.01)\n"
	  "  --absolute          compare raw sample counts (Poisson rate test), not shares\n"
	  "  --sort self|total   rank by the change of self or total (default total)\n"
	  "  --top N             rows to show (default 30; 0: all)\n"
	  "  --folded            write \"stack BEFORE AFTER\" lines, stacks matched by name\n"
	  "  -o FILE.svg         differential flame graph: widths from AFTER, red grew,\n"
	  "                      blue shrank, grey within noise; frames only in BEFORE\n"
	  "                      are listed under the graph\n"
	  "  --negate            with -o: draw BEFORE's shape instead\n"
	  "\nFilters shared with the other report commands:\n",
	  profile_args_help },
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
	  "\nFilters shared with the other report commands:\n",
	  profile_args_help },
	{ "flamegraph",
	  "usage: stoke flamegraph [FILE] [-o OUT.svg] [options]\n"
	  "       stoke flamegraph -o OUT.svg [options] -- COMMAND [ARGS]\n"
	  "\n"
	  "Draw an interactive flame graph of FILE (a stoke file, default stoke.data,\n"
	  "a perf.data file, or folded stacks from any tool) as a self-contained SVG.  Open it in a\n"
	  "browser: hover for details, click to zoom, Escape to reset, Ctrl-F or / to\n"
	  "search; see docs/flamegraph.md.  With -- COMMAND, records the command first\n"
	  "(as 'stoke record' would, at 999 Hz with call graphs) and exits with its status.\n"
	  "\n"
	  "  -o, --output FILE   write the SVG to FILE (default: standard output)\n"
	  "  --title TEXT        title (default \"Flame Graph\")\n"
	  "  --subtitle TEXT     subtitle (default: event, samples, duration, lost)\n"
	  "  --width PX          image width (default 1200)\n"
	  "  --minwidth PX       do not draw frames narrower than PX at the current\n"
	  "                      zoom (default 0.1); their samples still count\n"
	  "  --max-frames N      keep at most N frames in the file (default 1500000);\n"
	  "                      the narrowest are left out, still counted in callers\n"
	  "  --inverted          icicle graph: callers at the top\n"
	  "  --colors hot|kind   warm colours (default), or hues by frame kind\n"
	  "                      (user, kernel, JIT, inlined, unknown)\n"
	  "  --count-name NAME   unit shown in details (default samples)\n"
	  "  --diff BEFORE       differential graph: widths from FILE, colour from the\n"
	  "                      change of each frame's share since BEFORE (red grew,\n"
	  "                      blue shrank); subtrees only in BEFORE listed below\n"
	  "  --absolute          with --diff: compare sample counts, not shares\n"
	  "  --negate            with --diff: draw BEFORE's shape instead\n"
	  "\n"
	  "Filters shared with the other report commands:\n",
	  profile_args_help },
	{ "script",
	  "usage: stoke script [options] [FILE]\n"
	  "\n"
	  "Print every sample of a stoke file (default stoke.data) or perf.data file in the text form of\n"
	  "perf script: a line \"comm PID/TID [CPU] TIME: PERIOD EVENT:\", then one line per\n"
	  "frame, leaf first (address, symbol, module), then a blank line.  Firefox\n"
	  "Profiler and speedscope import it as a perf profile.\n"
	  "\n"
	  "  --srcline           a \"  file:line\" line under each frame whose source line\n"
	  "                      is known (as perf script -F +srcline)\n"
	  "\nFilters shared with the other report commands:\n",
	  profile_args_help },
	{ NULL, NULL, NULL },
};

int cli_help(const char *name)
{
	for (const struct help *h = helps; h->name; h++) {
		if (!strcmp(h->name, name)) {
			fputs(h->text, stdout);
			if (h->filters)
				fputs(h->filters, stdout);
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
