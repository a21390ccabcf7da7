/* stoke record: option parsing, error messages and the summary. */
#include "cli/args.h"
#include "cli/cli.h"
#include "common/format.h"
#include "common/outfile.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "profiler/evspec.h"
#include "profiler/offcpu.h"
#include "profiler/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_EVENTS 16

static void print_notice(void *ctx, const char *msg)
{
	(void)ctx;
	cli_warn("%s", msg);
}

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

/* "dwarf (32768-byte stack copies, the default)", "fp", "none" */
static const char *callgraph_desc(const struct record_opts *o, char *buf, size_t len)
{
	if (o->callgraph == CALLGRAPH_DWARF)
		snprintf(buf, len, "dwarf (%u-byte user stack copies%s)", o->stack_size,
			 o->callgraph == RECORD_DEFAULT_CALLGRAPH &&
			 o->stack_size == RECORD_DEFAULT_STACK_SIZE ? "; the default" : "");
	else
		snprintf(buf, len, "%s", o->callgraph == CALLGRAPH_FP ? "fp (frame pointers)" : "none");
	return buf;
}

static void print_summary(const struct record_opts *o, const struct record_result *res)
{
	double raw = (double)res->raw_bytes, file = (double)res->file_bytes;
	char mode[96];
	fprintf(stderr, "[ stoke record: %llu samples, %llu lost, %llu wakeups, %.3f s",
		(unsigned long long)res->samples, (unsigned long long)res->lost,
		(unsigned long long)res->wakeups, res->seconds);
	if (res->throttles)
		fprintf(stderr, ", throttled %llu times", (unsigned long long)res->throttles);
	fprintf(stderr, " ]\n[ stoke record: call graphs: %s ]", callgraph_desc(o, mode, sizeof(mode)));
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

/* The -p and -C lists; o points into them until record_run returns. */
struct id_lists {
	int *cpus, *pids;
	size_t nr_cpus, alloc_cpus, nr_pids, alloc_pids;
};

static int record_cmd(int argc, char **argv, struct id_lists *l);

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

int cmd_record(int argc, char **argv)
{
	struct id_lists l = { 0 };
	int rc = record_cmd(argc, argv, &l);
	free(l.cpus);
	free(l.pids);
	return rc;
}

static int record_cmd(int argc, char **argv, struct id_lists *l)
{
	struct evspec evs[MAX_EVENTS];
	size_t nr_events = 0;
	int quiet = 0, off_cpu = 0, wakers = 0;
	struct record_opts o = {
		.output = "stoke.data", .freq = 999, .callgraph = RECORD_DEFAULT_CALLGRAPH,
		.stack_size = RECORD_DEFAULT_STACK_SIZE, .zlevel = 0,
	};
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = 1;
		if (!strcmp(a, "--")) {
			i++;
			break;
		}
		if (a[0] != '-')
			break;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return cli_help("record");
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = 1;
			continue;
		}
		if (!strcmp(a, "--off-cpu")) {
			off_cpu = 1;
			continue;
		}
		if (!strcmp(a, "--wakers")) {
			off_cpu = wakers = 1;
			continue;
		}
		if (!strcmp(a, "-a") || !strcmp(a, "--all-cpus")) {
			o.system_wide = 1;
			continue;
		}
		if (!strcmp(a, "-g")) {
			/* -g: call graphs in the default mode; -g fp|dwarf[,SIZE] as --call-graph. */
			if (val && (!strcmp(val, "fp") || !strncmp(val, "dwarf", 5))) {
				a = "--call-graph";
			} else {
				o.callgraph = RECORD_DEFAULT_CALLGRAPH;
				o.stack_size = RECORD_DEFAULT_STACK_SIZE;
				continue;
			}
		}
		if (!strcmp(a, "--no-mmap-build-id")) {
			o.no_mmap_build_id = 1;
			continue;
		}
		if (!strcmp(a, "--no-call-graph")) {
			o.callgraph = CALLGRAPH_NONE;
			continue;
		}
		if (!strncmp(a, "--call-graph=", 13)) {
			val = a + 13;
			a = "--call-graph";
			takes = 0;
		}
		if (!val)
			return cli_error(2, "%s needs a value; see 'stoke help record'", a);
		if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
			o.output = val;
		} else if (!strcmp(a, "-e") || !strcmp(a, "--event")) {
			if (add_events(val, evs, &nr_events))
				return 2;
		} else if (!strcmp(a, "-F") || !strcmp(a, "--freq")) {
			if (parse_u64(a, val, 1LL << 31, &o.freq))
				return 2;
			o.period = 0;
			o.period_given = 1;
		} else if (!strcmp(a, "-c") || !strcmp(a, "--count")) {
			if (parse_u64(a, val, INT64_MAX, &o.period))
				return 2;
			o.period_given = 1;
		} else if (!strcmp(a, "--call-graph")) {
			if (!strcmp(val, "fp")) {
				o.callgraph = CALLGRAPH_FP;
			} else if (!strncmp(val, "dwarf", 5) && (!val[5] || val[5] == ',')) {
				o.callgraph = CALLGRAPH_DWARF;
				o.stack_size = RECORD_DEFAULT_STACK_SIZE;
				if (val[5]) {
					uint64_t sz;
					if (parse_u64("--call-graph dwarf,SIZE", val + 6, 65528, &sz))
						return 2;
					if (sz < 8)
						return cli_error(2, "dwarf stack size must be 8..65528 bytes");
					o.stack_size = (uint32_t)(sz & ~7ULL);
				}
			} else if (!strcmp(val, "none")) {
				o.callgraph = CALLGRAPH_NONE;
			} else {
				return cli_error(2, "--call-graph: expected fp, dwarf[,SIZE] or none");
			}
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pid")) {
			if (cli_parse_ids("-p", val, 0, 1, INT32_MAX, "a process id", &l->pids,
					  &l->nr_pids, &l->alloc_pids))
				return 2;
		} else if (!strcmp(a, "-C") || !strcmp(a, "--cpu")) {
			long ncpu = sysconf(_SC_NPROCESSORS_CONF);
			l->nr_cpus = 0;
			if (cli_parse_ids("-C", val, 1, 0, ncpu - 1, "a CPU list such as 0-3,6",
					  &l->cpus, &l->nr_cpus, &l->alloc_cpus))
				return 2;
			o.cpus = l->cpus;
			o.nr_cpus = l->nr_cpus;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--duration")) {
			if (cli_parse_real("-d", val, 0, 1e7, 1, cli_units_seconds, &o.duration))
				return 2;
		} else if (!strcmp(a, "-z") || !strcmp(a, "--compression-level")) {
			long long lv;
			if (cli_parse_int("-z", val, -7, 19, NULL, &lv))
				return 2;
			if (lv == 0)
				return cli_error(2, "-z: level must be 1..19 (or -1..-7 for faster)");
			o.zlevel = (int)lv;
		} else if (!strcmp(a, "-m") || !strcmp(a, "--mmap-pages")) {
			if (parse_mmap_pages(val, &o.mmap_pages))
				return 2;
		} else {
			return cli_error(2, "unknown option '%s'; see 'stoke help record'", a);
		}
		i += takes;
	}
	if (i < argc)
		o.argv = argv + i;
	o.pids = l->pids;
	o.nr_pids = l->nr_pids;
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
	o.notice = print_notice;

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
		int rc = report_failure(&o, &res, err);
		if (res.stage != STAGE_OUTPUT || !res.frames)
			outfile_abort(of); /* nothing useful in it: the previous file gets its name back */
		else
			outfile_commit(of);
		return rc;
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
