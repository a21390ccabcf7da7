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
	  "  -o FILE             output file (default stoke.data; a previous one is kept as\n"
	  "                      FILE.old; one recorder per file)\n"
	  "  -e EVENT[,EVENT]    event(s): cpu-clock, task-clock, cycles, instructions,\n"
	  "                      branch-misses, cache-references, cache-misses,\n"
	  "                      L1-dcache-load-misses and other cache events,\n"
	  "                      context-switches, page-faults, rNNNN; modifiers :u :k\n"
	  "  -F HZ               sampling frequency (default 999)\n"
	  "  -c PERIOD           sample every PERIOD events instead of -F\n"
	  "  -g                  call graphs in the default mode (dwarf, 32768-byte copies)\n"
	  "  --call-graph dwarf[,SIZE]  DWARF call graphs (the default): copy SIZE bytes of\n"
	  "                      user stack per sample (default 32768, at most 65528) and\n"
	  "                      unwind them at report time; right without frame pointers\n"
	  "  --call-graph fp     frame-pointer call graphs (smaller; breaks at code built\n"
	  "                      without frame pointers, such as most of libc)\n"
	  "  --no-call-graph     sample only the instruction pointer\n"
	  "  -p PID[,PID]        record running processes (every thread, and new ones)\n"
	  "  -a                  record all CPUs (system-wide)\n"
	  "  -C CPUS             restrict to CPUs, e.g. 0-3,6\n"
	  "  --off-cpu           also record when each thread leaves and regains a CPU, with\n"
	  "                      its stack as it leaves (report --event off-cpu, --event wall;\n"
	  "                      docs/offcpu.md)\n"
	  "  --wakers            --off-cpu, and who woke each blocked thread (root or\n"
	  "                      CAP_PERFMON, tracefs)\n"
	  "  -d SECONDS          stop after SECONDS (fractions and units allowed: 500ms, 2m)\n"
	  "  -z LEVEL            zstd level (default 6; negative: faster)\n"
	  "  -m PAGES            ring buffer data pages per CPU (power of two), or a size\n"
	  "                      (512K); default 2048 pages with dwarf (fewer on many\n"
	  "                      CPUs), 128 with fp\n"
	  "  -q                  print no summary\n"
	  "  --no-mmap-build-id  read build-ids from the mapped files instead of asking the\n"
	  "                      kernel (as on kernels before 5.12; for diagnosis)\n"
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
	  "Compare two profiles (stoke files, perf.data files or folded stacks, in any mix):\n"
	  "the functions that changed most, with a significance test corrected for the\n"
	  "number of functions tested (Holm).  What is compared follows from how the two were recorded, and every\n"
	  "output says which and why (see docs/diff.md):\n"
	  "  counts   both ran one program to completion: the work of one whole run\n"
	  "           (Poisson test)\n"
	  "  rates    both cover a span of time (-d, -p, -a, a signal, --time): samples\n"
	  "           per second (Poisson test, the durations as exposure)\n"
	  "  shares   anything else (folded stacks, one of each, different programs or\n"
	  "           sampling): each function's share of its side (two-proportion test)\n"
	  "\n"
	  "  --counts            compare sample counts (--absolute is the same)\n"
	  "  --rates             compare samples per second of recording\n"
	  "  --shares            compare shares of each side's samples\n"
	  "  --alpha A           family-wise significance level (default 0.01)\n"
	  "                      (off-cpu and wall profiles are compared in time, untested)\n"
	  "  --sort self|total   rank by the change of self or total (default total)\n"
	  "  --top N             rows to show (default 30; 0: all)\n"
	  "  --folded            write \"stack BEFORE AFTER\" lines, stacks matched by name;\n"
	  "                      BEFORE scaled to AFTER's total (shares) or duration (rates)\n"
	  "  -o FILE.svg         differential flame graph: widths from AFTER, colour the\n"
	  "                      change compared (red grew, blue shrank), grey within\n"
	  "                      noise; frames only in BEFORE are listed under the graph\n"
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
	  "(as 'stoke record' would, at 999 Hz with call graphs; with --event off-cpu or\n"
	  "wall given before '--', with --off-cpu too) and exits with its status.\n"
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
	  "  --colors hot|kind   warm colours (default), or hues by frame kind; off-cpu\n"
	  "                      and wall profiles default to blues for off-CPU time\n"
	  "                      (user, kernel, JIT, inlined, unknown)\n"
	  "  --count-name NAME   unit shown in details (default samples)\n"
	  "  --diff BEFORE       differential graph, the same as 'stoke diff BEFORE FILE\n"
	  "                      -o': widths from FILE, colour the change since BEFORE of\n"
	  "                      counts, rates or shares (chosen as stoke diff does; red\n"
	  "                      grew, blue shrank), grey within noise; subtrees only in\n"
	  "                      BEFORE listed below\n"
	  "  --counts, --rates, --shares  with --diff: what to compare (--absolute: --counts)\n"
	  "  --alpha A           with --diff: significance level (default 0.01)\n"
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
	{ "export",
	  "usage: stoke export --format pprof|speedscope [-o FILE] [options] [FILE]\n"
	  "\n"
	  "Write a profile (a stoke file, default stoke.data, or folded stacks) in the\n"
	  "format of another tool: pprof's profile.proto, gzip-compressed (go tool pprof,\n"
	  "Grafana Pyroscope, Parca), or speedscope's JSON file format.  From a stoke\n"
	  "file the export keeps the addresses: one pprof mapping per mapped file with\n"
	  "its build-id, one location per address with its inlined functions and source\n"
	  "lines, labels pid, tid and thread; speedscope gets one profile per thread.\n"
	  "Folded stacks carry names only, and export as such.  See docs/export.md.\n"
	  "\n"
	  "  --format FORMAT     pprof or speedscope; by default taken from the output\n"
	  "                      name: NAME.pb.gz is pprof, NAME.speedscope.json speedscope\n"
	  "  -o FILE             output file (default: standard output; pprof is not\n"
	  "                      written to a terminal)\n"
	  "\n"
	  "Values: samples/count, then cpu/nanoseconds for cpu-clock and task-clock\n"
	  "(the sampling periods), or EVENT/count for any other event.  Threads are\n"
	  "always kept apart, so --per-thread and --kernel-suffix change nothing here.\n"
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
