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
	  "  -z LEVEL            zstd level (default 1; negative levels are faster)\n"
	  "  -m PAGES            ring buffer data pages per CPU (power of two)\n"
	  "  -q                  print no summary\n"
	  "\n"
	  "Ctrl-C or SIGTERM stop recording cleanly.  With a command, stoke exits with\n"
	  "the command's exit status.\n", NULL },
	{ "dump",
	  "usage: stoke dump [FILE]\n"
	  "\n"
	  "Print every record of a stoke file (default stoke.data) in readable form.\n", NULL },
	{ "flamegraph",
	  "usage: stoke flamegraph [FILE] [-o OUT.svg] [options]\n"
	  "\n"
	  "Draw an interactive flame graph of FILE (a stoke file, default stoke.data,\n"
	  "or folded stacks from any tool) as a self-contained SVG.  Open it in a\n"
	  "browser: hover for details, click to zoom, Escape to reset, Ctrl-F or / to\n"
	  "search; see docs/flamegraph.md.\n"
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
