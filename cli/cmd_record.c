/* stoke record: option parsing, error messages and the summary. */
#include "cli/args.h"
#include "cli/cli.h"
#include "cli/opt.h"
#include "common/format.h"
#include "common/outfile.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "profiler/evspec.h"
#include "profiler/offcpu.h"
#include "profiler/record.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EVENTS 16

static long read_sysctl(const char *path)
{
	char *text;
	if (read_file(path, &text, NULL))
		return -9999;
	long v = strtol(text, NULL, 10);
	free(text);
	return v;
}

static int add_events(const char *list, struct evspec *evs, size_t *nr)
{
	char *copy = xstrdup(list), *save = NULL;
	int rc = 0;
	size_t len = strlen(list);
	if (!len || list[0] == ',' || list[len - 1] == ',' || strstr(list, ",,")) {
		free(copy);
		return cli_error(2, "-e: '%s' has an empty event name; see 'stoke help record' for "
				    "event names", list);
	}
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*nr >= MAX_EVENTS) {
			rc = cli_error(2, "too many events (at most %d)", MAX_EVENTS);
			break;
		}
		int err = evspec_parse(tok, &evs[*nr]);
		if (err == -STOKE_EMODIFIER) {
			rc = cli_error(2, "event '%s': bad modifier (use :u, :k, :h, :p)", tok);
			break;
		}
		if (err) {
			rc = cli_error(2, "unknown event '%s'; see 'stoke help record' for event names",
				       tok);
			break;
		}
		(*nr)++;
	}
	free(copy);
	return rc;
}

static int parse_u64(const char *opt, const char *s, long long max, uint64_t *out)
{
	long long v;
	if (cli_parse_int(opt, s, 1, max, NULL, &v))
		return 2;
	*out = (uint64_t)v;
	return 0;
}

/* -m: data pages per ring, a power of two, or a size with a unit (B, K, M, G). */
static int parse_mmap_pages(const char *s, size_t *out)
{
	static const struct cli_unit sizes[] = {
		{ "B", 1 }, { "K", 1024 }, { "M", 1 << 20 }, { "G", 1 << 30 }, { NULL, 0 },
	};
	long long v, page = sysconf(_SC_PAGESIZE);
	int has_unit = *s && s[strlen(s) - 1] >= 'A';
	if (cli_parse_int("-m", s, 1, has_unit ? (1LL << 40) : (1LL << 28), sizes, &v))
		return 2;
	if (has_unit) {
		if (v % page)
			return cli_error(2, "-m: '%s' is not a whole number of %lld-byte pages", s, page);
		v /= page;
	}
	if (v & (v - 1))
		return cli_error(2, "-m: '%s' is not a power of two pages (e.g. 128 or 512K)", s);
	*out = (size_t)v;
	return 0;
}

static int report_failure(const struct record_opts *o, const struct record_result *res, int err)
{
	const char *out = o->output;
	if (err == -STOKE_EKSTACK)
		return cli_error(1, "--off-cpu needs kernel-mode samples (a thread's stack is taken "
				    "as it switches out, in the kernel), which "
				    "kernel.perf_event_paranoid=%ld refuses: run as root, or 'sysctl -w "
				    "kernel.perf_event_paranoid=1'",
				 read_sysctl("/proc/sys/kernel/perf_event_paranoid"));
	if (err == -STOKE_ENOPMU)
		return cli_error(1, "event '%s' is not supported on this machine: it needs a hardware "
				    "PMU (virtual machines often have none); use -e cpu-clock",
				 res->event);
	switch (res->stage) {
	case STAGE_EXEC:
		if (err == -ENOENT)
			return cli_error(127, "command not found: %s", o->argv[0]);
		return cli_error(126, "cannot run %s: %s", o->argv[0], stoke_strerror(err));
	case STAGE_TARGET:
		return cli_error(1, "process %d not found (it may have exited); check the PID with ps",
				 (int)res->pid);
	case STAGE_OUTPUT:
		if (res->frames)
			return cli_error(1, "%s writing %s; the %llu frames written before are kept "
					    "and readable", err == -ENOSPC ? "disk full" : stoke_strerror(err),
					 out, (unsigned long long)res->frames);
		if (err == -ENOSPC)
			return cli_error(1, "disk full writing %s; nothing was recorded", out);
		return cli_error(1, "cannot write %s: %s", out, stoke_strerror(err));
	case STAGE_MMAP:
		return cli_error(1, "cannot map the ring buffer: %s; try a smaller -m or raise "
				    "kernel.perf_event_mlock_kb", stoke_strerror(err));
	default:
		break;
	}
	if ((err == -EACCES || err == -EPERM) && o->nr_pids && geteuid() != 0) {
		/* Attaching to a process is a ptrace-style access check: another user's
		 * process is refused whatever perf_event_paranoid says. */
		for (size_t k = 0; k < o->nr_pids; k++) {
			char proc[32];
			struct stat st;
			snprintf(proc, sizeof(proc), "/proc/%d", (int)o->pids[k]);
			if (stat(proc, &st) == 0 && st.st_uid != geteuid()) {
				struct passwd *pw = getpwuid(st.st_uid);
				return cli_error(1, "permission denied recording process %d: it belongs "
						    "to user %s (uid %u), and without privileges you may "
						    "record only your own processes (ptrace access); run as "
						    "root or as that user", (int)o->pids[k],
						 pw ? pw->pw_name : "?", (unsigned)st.st_uid);
			}
		}
	}
	if (err == -EACCES || err == -EPERM) {
		long paranoid = read_sysctl("/proc/sys/kernel/perf_event_paranoid");
		return cli_error(1, "permission denied opening '%s' (kernel.perf_event_paranoid=%ld): "
				    "run as root, or lower it with 'sysctl -w "
				    "kernel.perf_event_paranoid=%d'",
				 res->event, paranoid, o->system_wide ? -1 : 1);
	}
	if (err == -EMFILE || err == -ENFILE)
		return cli_error(1, "too many open files (one event per thread and CPU); raise the "
				    "limit with 'ulimit -n'");
	if (err == -EINVAL && o->freq && !o->period) {
		long max = read_sysctl("/proc/sys/kernel/perf_event_max_sample_rate");
		if (max > 0 && (long)o->freq > max)
			return cli_error(1, "-F %llu exceeds kernel.perf_event_max_sample_rate (%ld)",
					 (unsigned long long)o->freq, max);
	}
	if (res->event[0])
		return cli_error(1, "cannot open event '%s': %s", res->event, stoke_strerror(err));
	return cli_error(1, "record failed: %s", stoke_strerror(err));
}

/* "cfi (user stacks unwound while recording from 32768-byte copies; the default)", "fp" ... */
static const char *callgraph_desc(const struct record_opts *o, const struct record_result *res,
				  char *buf, size_t len)
{
	int dflt = o->callgraph == RECORD_DEFAULT_CALLGRAPH &&
		   o->stack_size == RECORD_DEFAULT_STACK_SIZE;
	if (o->callgraph == CALLGRAPH_CFI)
		snprintf(buf, len, "cfi (user stacks unwound while recording from %u-byte copies%s; "
			 "%llu unwound, %llu of them cut short by the copy's end)", o->stack_size,
			 dflt ? ", the default" : "", (unsigned long long)res->unwound,
			 (unsigned long long)res->unwound_truncated);
	else if (o->callgraph == CALLGRAPH_DWARF)
		snprintf(buf, len, "dwarf (%u-byte user stack copies, unwound by the report)",
			 o->stack_size);
	else
		snprintf(buf, len, "%s", o->callgraph == CALLGRAPH_FP ? "fp (frame pointers)" : "none");
	return buf;
}

static void print_summary(const struct record_opts *o, const struct record_result *res)
{
	double raw = (double)res->raw_bytes, file = (double)res->file_bytes;
	char mode[192];
	fprintf(stderr, "[ stoke record: %llu samples, %llu lost, %llu wakeups, %.3f s",
		(unsigned long long)res->samples, (unsigned long long)res->lost,
		(unsigned long long)res->wakeups, res->seconds);
	if (res->throttles)
		fprintf(stderr, ", throttled %llu times", (unsigned long long)res->throttles);
	fprintf(stderr, " ]\n[ stoke record: call graphs: %s ]", callgraph_desc(o, res, mode, sizeof(mode)));
	fprintf(stderr, "\n[ stoke record: wrote %.3f MB to %s (%.3f MB raw, %.1fx",
		file / 1e6, o->output, raw / 1e6, file > 0 ? raw / file : 0.0);
	if (res->fast_frames)
		fprintf(stderr, "; %llu of %llu frames at zstd level 1 to keep up",
			(unsigned long long)res->fast_frames, (unsigned long long)res->frames);
	fprintf(stderr, ") ]\n");
	if (res->has_offcpu)
		fprintf(stderr, "[ stoke record: %llu off-CPU intervals: %llu blocked (%.3f s), "
			"%llu preempted (%.3f s) ]\n", (unsigned long long)res->offcpu.intervals,
			(unsigned long long)res->offcpu.blocked, (double)res->offcpu.blocked_ns / 1e9,
			(unsigned long long)(res->offcpu.intervals - res->offcpu.blocked),
			(double)res->offcpu.preempted_ns / 1e9);
	if (res->lost)
		cli_warn("the kernel dropped %llu samples (%llu LOST records): use a larger -m or a "
			 "lower -F", (unsigned long long)res->lost,
			 (unsigned long long)res->lost_records);
}

/* --off-cpu: the off-cpu event; --wakers: sched:sched_waking, or one line why not. */
static int add_offcpu_events(struct evspec *evs, size_t *nr, int wakers, char *offset_buf)
{
	if (*nr + 2 > MAX_EVENTS)
		return cli_error(2, "too many events (at most %d)", MAX_EVENTS);
	offcpu_event(&evs[(*nr)++]);
	if (!wakers)
		return 0;
	unsigned off = 0;
	int err = offcpu_waking_event(&evs[*nr], &off);
	if (!err) {
		(*nr)++;
		snprintf(offset_buf, 16, "%u", off);
		return 0;
	}
	long paranoid = read_sysctl("/proc/sys/kernel/perf_event_paranoid");
	if (err == -ENOENT)
		cli_warn("--wakers: no sched:sched_waking tracepoint in tracefs (not mounted? "
			 "'mount -t tracefs nodev /sys/kernel/tracing' as root); recording "
			 "off-CPU time without wakers");
	else if (err == -EACCES || err == -EPERM)
		cli_warn("--wakers: the sched:sched_waking tracepoint needs root or CAP_PERFMON "
			 "(or kernel.perf_event_paranoid=-1 and a readable tracefs; it is %ld); "
			 "recording off-CPU time without wakers", paranoid);
	else
		cli_warn("--wakers: cannot open sched:sched_waking (%s); recording off-CPU time "
			 "without wakers", strerror(-err));
	return 0;
}

/* Everything the options set; o points into the lists until record_run returns. */
struct record_ctx {
	struct record_opts o;
	struct evspec evs[MAX_EVENTS];
	size_t nr_events;
	int quiet, off_cpu, wakers;
	int *cpus, *pids;
	size_t nr_cpus, alloc_cpus, nr_pids, alloc_pids;
};

static int opt_event(void *ctx, const char *opt, const char *v)
{
	struct record_ctx *c = ctx;
	return add_events(v, c->evs, &c->nr_events);
}

static int opt_freq(void *ctx, const char *opt, const char *v)
{
	struct record_opts *o = &((struct record_ctx *)ctx)->o;
	if (parse_u64(opt, v, 1LL << 31, &o->freq))
		return 2;
	o->period = 0;
	o->period_given = 1;
	return 0;
}

static int opt_count(void *ctx, const char *opt, const char *v)
{
	struct record_opts *o = &((struct record_ctx *)ctx)->o;
	if (parse_u64(opt, v, INT64_MAX, &o->period))
		return 2;
	o->period_given = 1;
	return 0;
}

static int opt_call_graph(void *ctx, const char *opt, const char *v)
{
	struct record_opts *o = &((struct record_ctx *)ctx)->o;
	if (!strcmp(v, "fp")) {
		o->callgraph = CALLGRAPH_FP;
	} else if ((!strncmp(v, "dwarf", 5) && (!v[5] || v[5] == ',')) ||
		   (!strncmp(v, "cfi", 3) && (!v[3] || v[3] == ','))) {
		size_t k = v[0] == 'd' ? 5 : 3;
		o->callgraph = v[0] == 'd' ? CALLGRAPH_DWARF : CALLGRAPH_CFI;
		o->stack_size = RECORD_DEFAULT_STACK_SIZE;
		if (v[k]) {
			uint64_t sz;
			if (parse_u64(k == 5 ? "--call-graph dwarf,SIZE" : "--call-graph cfi,SIZE",
				      v + k + 1, 65528, &sz))
				return 2;
			if (sz < 8)
				return cli_error(2, "stack size must be 8..65528 bytes");
			o->stack_size = (uint32_t)(sz & ~7ULL);
		}
	} else if (!strcmp(v, "none")) {
		o->callgraph = CALLGRAPH_NONE;
	} else {
		return cli_error(2, "--call-graph: expected cfi[,SIZE], dwarf[,SIZE], fp or none");
	}
	return 0;
}

/* -g: call graphs in the default mode; -g fp|dwarf[,SIZE]|cfi[,SIZE] as --call-graph. */
static int g_takes(const char *next)
{
	return !strcmp(next, "fp") || !strncmp(next, "dwarf", 5) || !strcmp(next, "cfi") ||
	       !strncmp(next, "cfi,", 4);
}

static int opt_g(void *ctx, const char *opt, const char *v)
{
	struct record_opts *o = &((struct record_ctx *)ctx)->o;
	if (v)
		return opt_call_graph(ctx, "--call-graph", v);
	o->callgraph = RECORD_DEFAULT_CALLGRAPH;
	o->stack_size = RECORD_DEFAULT_STACK_SIZE;
	return 0;
}

static int opt_no_call_graph(void *ctx, const char *opt, const char *v)
{
	((struct record_ctx *)ctx)->o.callgraph = CALLGRAPH_NONE;
	return 0;
}

static int opt_pid(void *ctx, const char *opt, const char *v)
{
	struct record_ctx *c = ctx;
	return cli_parse_ids(opt, v, 0, 1, INT32_MAX, "a process id", &c->pids, &c->nr_pids,
			     &c->alloc_pids);
}

static int opt_cpu(void *ctx, const char *opt, const char *v)
{
	struct record_ctx *c = ctx;
	long ncpu = sysconf(_SC_NPROCESSORS_CONF);
	c->nr_cpus = 0;
	if (cli_parse_ids(opt, v, 1, 0, ncpu - 1, "a CPU list such as 0-3,6", &c->cpus, &c->nr_cpus,
			  &c->alloc_cpus))
		return 2;
	c->o.cpus = c->cpus;
	c->o.nr_cpus = c->nr_cpus;
	return 0;
}

static int opt_level(void *ctx, const char *opt, const char *v)
{
	long long lv;
	if (cli_parse_int(opt, v, -7, 19, NULL, &lv))
		return 2;
	if (lv == 0)
		return cli_error(2, "%s: level must be 1..19 (or -1..-7 for faster)", opt);
	((struct record_ctx *)ctx)->o.zlevel = (int)lv;
	return 0;
}

static int opt_mmap_pages(void *ctx, const char *opt, const char *v)
{
	return parse_mmap_pages(v, &((struct record_ctx *)ctx)->o.mmap_pages);
}

static int opt_wakers(void *ctx, const char *opt, const char *v)
{
	struct record_ctx *c = ctx;
	c->off_cpu = c->wakers = 1;
	return 0;
}

#define C(field, type) CLI_AT(struct record_ctx, field, type)

static const struct cli_opt record_opts_table[] = {
	{ .name = "--output", .letter = 'o', .arg = "FILE", .kind = CLI_STR,
	  .off = C(o.output, const char *),
	  .help = "output file (default stoke.data; a previous one is kept as FILE.old; one "
	  "recorder per file: the file is locked while recording)" },
	{ .name = "--event", .letter = 'e', .arg = "EVENT[,EVENT]", .kind = CLI_CALL,
	  .fn = opt_event,
	  .help = "event(s): cpu-clock (the default), task-clock, cycles, instructions, "
	  "branch-misses, cache-references, cache-misses, L1-dcache-load-misses and other "
	  "cache events, context-switches, page-faults, rNNNN (raw); modifiers :u :k :p. "
	  "Without a hardware PMU, cycles falls back to cpu-clock with a notice and other "
	  "hardware events are refused" },
	{ .name = "--freq", .letter = 'F', .arg = "HZ", .kind = CLI_CALL, .fn = opt_freq,
	  .help = "sampling frequency (default 999)" },
	{ .name = "--count", .letter = 'c', .arg = "PERIOD", .kind = CLI_CALL, .fn = opt_count,
	  .help = "sample every PERIOD events instead of -F (context-switches: every switch "
	  "unless -F or -c is given)" },
	{ .letter = 'g', .kind = CLI_CALL, .fn = opt_g, .maybe = g_takes,
	  .help = "call graphs in the default mode (cfi, 32768-byte copies); -g fp, -g "
	  "dwarf[,SIZE] and -g cfi[,SIZE] are --call-graph's" },
	{ .name = "--call-graph", .arg = "cfi[,SIZE]|dwarf[,SIZE]|fp|none", .kind = CLI_CALL,
	  .fn = opt_call_graph,
	  .help = "cfi (the default): copy SIZE bytes of user stack per sample (default "
	  "32768, at most 65528) and unwind them with the code's call-frame information "
	  "while recording: right without frame pointers, files and reports close to fp's.  "
	  "dwarf: the same copies kept in the file and unwound at report time (larger files, "
	  "slower reports; report --unwinder applies).  fp: frame-pointer call graphs "
	  "(breaks at code built without frame pointers, such as most of libc).  none: as "
	  "--no-call-graph" },
	{ .name = "--no-call-graph", .kind = CLI_CALL, .fn = opt_no_call_graph,
	  .help = "sample only the instruction pointer" },
	{ .name = "--pid", .letter = 'p', .arg = "PID[,PID]", .kind = CLI_CALL, .fn = opt_pid,
	  .help = "record running processes (every thread, and new ones)" },
	{ .name = "--all-cpus", .letter = 'a', .kind = CLI_SET, .off = C(o.system_wide, int),
	  .val = 1, .help = "record all CPUs (system-wide)" },
	{ .name = "--cpu", .letter = 'C', .arg = "CPUS", .kind = CLI_CALL, .fn = opt_cpu,
	  .help = "restrict to CPUs, e.g. 0-3,6 (alone: those CPUs, system-wide)" },
	{ .name = "--off-cpu", .kind = CLI_SET, .off = C(off_cpu, int), .val = 1,
	  .help = "also record when each thread leaves and regains a CPU, with its stack as "
	  "it leaves (report --event off-cpu, --event wall; needs kernel-mode samples: root, "
	  "or kernel.perf_event_paranoid <= 1; docs/offcpu.md)" },
	{ .name = "--wakers", .kind = CLI_CALL, .fn = opt_wakers,
	  .help = "--off-cpu, and who woke each blocked thread (root or CAP_PERFMON, "
	  "tracefs; where not allowed, one line says why and the recording goes on without)" },
	{ .name = "--duration", .letter = 'd', .arg = "SECONDS", .kind = CLI_REAL,
	  .off = C(o.duration, double), .rmin = 0, .rmax = 1e7, .open_min = 1,
	  .units = cli_units_seconds,
	  .help = "stop after SECONDS (fractions and units allowed: 500ms, 2m; a command "
	  "still running is sent SIGTERM)" },
	{ .name = "--compression-level", .letter = 'z', .arg = "LEVEL", .kind = CLI_CALL,
	  .fn = opt_level,
	  .help = "zstd level (default 6; negative: faster; the writer drops to 1 while it "
	  "is behind)" },
	{ .name = "--mmap-pages", .letter = 'm', .arg = "PAGES", .kind = CLI_CALL,
	  .fn = opt_mmap_pages,
	  .help = "ring buffer data pages per CPU (power of two), or a size (512K); default "
	  "2048 pages with dwarf (fewer on many CPUs), 128 with fp" },
	{ .name = "--quiet", .letter = 'q', .kind = CLI_SET, .off = C(quiet, int), .val = 1,
	  .help = "print no summary" },
	{ .name = "--no-mmap-build-id", .kind = CLI_SET, .off = C(o.no_mmap_build_id, int),
	  .val = 1,
	  .help = "read build-ids from the mapped files instead of asking the kernel (as on "
	  "kernels before 5.12; for diagnosis)" },
	{ 0 },
};

static const struct cli_section record_man[] = {
	{ "ERRORS",
	  "Each problem is one line and a non-zero exit: a bad option or value (2), unknown\n"
	  "event (2), event not supported on this machine, permission denied (with the value of\n"
	  "kernel.perf_event_paranoid and the sysctl to change), process not found, command not\n"
	  "found (127), output not writable, disk full (the frames already written stay\n"
	  "readable).  Samples the kernel dropped are counted from LOST records and reported.\n" },
	{ NULL, NULL },
};

const struct cli_table cli_record_table = {
	.name = "record",
	.summary = "record samples of a command, a process or the system",
	.usage = "record [options] -- command [args...]\n"
		 "record [options] -p PID[,PID...]\n"
		 "record [options] -a [-C CPUS]",
	.about = "Sample a command, running processes or the whole system into a zstd-compressed\n"
		 "file (docs/format.md).  A command is started stopped, the events are enabled\n"
		 "when it execs, and every thread, fork and exec of it is followed; recording\n"
		 "ends when it exits.  With -p every existing thread of the processes is\n"
		 "followed, and the threads they create later.  With -a every CPU is sampled.\n",
	.opts = record_opts_table,
	.epilogue = "Ctrl-C or SIGTERM stop recording cleanly.  With a command, stoke exits with\n"
		    "the command's exit status.\n",
	.man = record_man,
	.flags = CLI_OPTIONS_FIRST,
};

static int record_cmd(int argc, char **argv, struct record_ctx *c);

int cmd_record(int argc, char **argv)
{
	struct record_ctx *c = xcalloc(1, sizeof(*c));
	int rc = record_cmd(argc, argv, c);
	free(c->cpus);
	free(c->pids);
	free(c);
	return rc;
}

static int record_cmd(int argc, char **argv, struct record_ctx *c)
{
	struct record_opts o = {
		.output = "stoke.data", .freq = 999, .callgraph = RECORD_DEFAULT_CALLGRAPH,
		.stack_size = RECORD_DEFAULT_STACK_SIZE, .zlevel = 0,
	};
	struct cli_args a;
	c->o = o;
	int rc = cli_parse(&cli_record_table, c, argc, argv, &a);
	cli_args_release(&a);
	if (rc >= 0)
		return rc;
	o = c->o;
	struct evspec *evs = c->evs;
	size_t nr_events = c->nr_events;
	int quiet = c->quiet, off_cpu = c->off_cpu, wakers = c->wakers;
	if (a.nr_rest)
		o.argv = a.rest;
	o.pids = c->pids;
	o.nr_pids = c->nr_pids;
	int targets = (o.argv != NULL) + (o.nr_pids > 0) + o.system_wide;
	if (targets == 0) {
		if (!o.cpus)
			return cli_error(2, "nothing to record: give a command, -p PID or -a; "
					    "see 'stoke help record'");
		o.system_wide = 1; /* -C alone means those CPUs, system-wide */
	}
	if (targets > 1)
		return cli_error(2, "give only one of: a command, -p PID, -a");
	if (!nr_events)
		evspec_parse("cpu-clock", &evs[nr_events++]);
	char waking_offset[16];
	const char *extra_info[] = { "waking-pid-offset", waking_offset, NULL, NULL };
	if (off_cpu && add_offcpu_events(evs, &nr_events, wakers, waking_offset))
		return 2;
	if (wakers && nr_events && !strcmp(evs[nr_events - 1].name, "sched:sched_waking"))
		o.extra_info = extra_info;
	/* Level 6 for every mode: DWARF copies reach the writer as deltas, and the writer
	 * drops to level 1 by itself while it is behind. */
	if (!o.zlevel)
		o.zlevel = 6;
	o.events = evs;
	o.nr_events = nr_events;

	struct strbuf cmdline = STRBUF_INIT;
	strbuf_adds(&cmdline, "stoke");
	for (int k = 0; k < argc; k++)
		strbuf_addf(&cmdline, " %s", argv[k]);
	o.cmdline = cmdline.buf;
	o.notice = cli_warn_cb;

	/* One recorder per file: the output is locked, and a previous recording
	 * under the name is kept as NAME.old (see docs/reliability.md). */
	struct outfile *of;
	pid_t holder;
	int err = outfile_open_recording(o.output, &of, &holder);
	if (err == -EBUSY) {
		strbuf_release(&cmdline);
		if (holder)
			return cli_error(1, "%s is being recorded by another stoke (pid %d); wait for "
					    "it to finish or give another -o", o.output, (int)holder);
		return cli_error(1, "%s is being recorded by another stoke; wait for it to finish "
				    "or give another -o", o.output);
	}
	if (err) {
		strbuf_release(&cmdline);
		return cli_error(1, "cannot write %s: %s", o.output, stoke_strerror(err));
	}
	o.output_fd = outfile_fd(of);

	struct record_result res;
	err = record_run(&o, &res);
	strbuf_release(&cmdline);
	if (o.output_fd < 0)
		outfile_take_fd(of); /* the recorder's writer closed it */
	if (err) {
		int frc = report_failure(&o, &res, err);
		if (res.stage != STAGE_OUTPUT || !res.frames)
			outfile_abort(of); /* nothing useful in it: the previous file gets its name back */
		else
			outfile_commit(of);
		return frc;
	}
	err = outfile_commit(of);
	if (err)
		return cli_error(1, "writing %s: %s", o.output, stoke_strerror(err));
	if (!quiet)
		print_summary(&o, &res);
	if (res.has_exit && !res.timed_out && !res.interrupted) {
		if (WIFEXITED(res.exit_status))
			return WEXITSTATUS(res.exit_status);
		if (WIFSIGNALED(res.exit_status))
			return 128 + WTERMSIG(res.exit_status);
	}
	return 0;
}
