/* Help texts of the subcommands and the shared error printers. */
#include "cli/cli.h"

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
	{ NULL, NULL },
};

int cli_help(const char *name)
{
	for (const struct help *h = helps; h->name; h++) {
		if (!strcmp(h->name, name)) {
			fputs(h->text, stdout);
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
