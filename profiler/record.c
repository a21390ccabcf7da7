/* The recording session: open per-CPU events, drain their rings in one loop, stream to the file. */
#include "profiler/record.h"
#include "common/version.h"
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "common/util.h"
#include "profiler/buildids.h"
#include "profiler/liveunwind.h"
#include "profiler/meta.h"
#include "profiler/offcpu.h"
#include "profiler/perfev.h"
#include "profiler/ring.h"
#include "profiler/synth.h"
#include "profiler/target.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PAGES 128        /* 512 KiB per CPU: perf's default, within perf_event_mlock_kb */
/* DWARF samples reserve their whole stack copy in the ring (32 KiB by default): 8 MiB per
 * CPU holds a quarter of a second at 999 Hz, so a recorder kept off the CPU by a busy
 * machine loses nothing; at most 128 MiB in all on large machines, at least 2 MiB a CPU. */
#define DWARF_PAGES_MAX 2048
#define DWARF_PAGES_MIN 512
#define DWARF_PAGES_TOTAL 32768
#define FRAME_INTERVAL_NS 1000000000ULL /* close a frame at least every second */
#define POLL_MS 100
/* CFI mode: a sample is timed before the kernel has copied its stack into the ring, so what
 * is released each round stops this long before the rings were read (profiler/liveunwind.h). */
#define CUT_MARGIN_NS 2000000ULL
#define STACKREF_BYTES (64u << 20) /* threads' last stack copies kept for DWARF deltas */

struct rec {
	struct record_opts *o;
	struct record_result *res;
	struct fmt_writer *w;
	struct target *target;
	int *cpus;
	size_t nr_cpus;
	pid_t *tasks;            /* pid argument of each open: the child, threads, or -1 */
	size_t nr_tasks;
	struct perfev *ev;       /* the events' fds and rings */
	struct stoke_cpu_stats *st; /* per CPU: what its ring delivered */
	struct buildids *bids;
	struct kaddrs *kaddrs;   /* kernel addresses in samples, noted as they are drained */
	uint64_t sample_type;
	struct stackref *stackref; /* DWARF mode: threads' last stack copies */
	struct liveunwind *live;   /* CFI mode: what the rings gave, until it is unwound */
	struct offcpu_track *offcpu; /* --off-cpu: switch records paired for the summary */
	int epfd, sigfd;
	struct stoke_cpu_stats *cur; /* stats of the ring being drained */
	int write_err;
	uint64_t start_ns;
};

static int online_cpus(int **out)
{
	char *text;
	int err = read_file("/sys/devices/system/cpu/online", &text, NULL);
	int max = 4096;
	int *cpus = xmalloc(sizeof(int) * (size_t)max);
	int n;
	if (err) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);
		n = c > 0 ? (int)c : 1;
		for (int i = 0; i < n; i++)
			cpus[i] = i;
	} else {
		n = parse_cpu_list(text, cpus, max);
		free(text);
	}
	if (n <= 0) {
		free(cpus);
		return -EINVAL;
	}
	*out = cpus;
	return n;
}

/* ---- draining ----------------------------------------------------------- */

/* Count what the kernel wrote (r->cur's ring), note what the trailer needs from it. */
static void note_record(struct rec *r, const struct perf_event_header *h)
{
	struct stoke_cpu_stats *st = r->cur;
	const uint64_t *body = (const uint64_t *)(h + 1);

	st->bytes += h->size;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		st->samples++;
		kaddrs_note(r->kaddrs, h);
		break;
	case PERF_RECORD_LOST:
		st->lost_records++;
		if (h->size >= sizeof(*h) + 16)
			st->lost_samples += body[1];
		break;
	case PERF_RECORD_THROTTLE:
		st->throttles++;
		break;
	case PERF_RECORD_UNTHROTTLE:
		st->unthrottles++;
		break;
	case PERF_RECORD_MMAP2:
		if (h->size > sizeof(*h) + sizeof(struct mmap2_body)) {
			const struct mmap2_body *m = (const void *)(h + 1);
			const char *name = (const char *)(m + 1);
			size_t max = h->size - sizeof(*h) - sizeof(*m);
			if (strnlen(name, max) < max && (m->prot & 4)) {
				int has = h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID;
				buildids_note(r->bids, name, has ? m->build_id : NULL,
					      has ? m->build_id_size : 0);
			}
		}
		break;
	}
	if (r->offcpu && (h->type == PERF_RECORD_SWITCH || h->type == PERF_RECORD_SWITCH_CPU_WIDE ||
			  h->type == PERF_RECORD_EXIT))
		offcpu_track_record(r->offcpu, h);
}

static int write_record(void *ctx, const struct perf_event_header *h)
{
	struct rec *r = ctx;
	int err = fmt_writer_append(r->w, h, h->size);
	if (err && !r->write_err)
		r->write_err = err;
	return err;
}

/* To the file; in CFI mode through the queue, which unwinds samples in time order. */
static void keep_record(struct rec *r, const struct perf_event_header *h)
{
	if (r->live)
		liveunwind_add(r->live, h);
	else
		write_record(r, h);
}

static int on_record(void *ctx, const struct perf_event_header *h)
{
	struct rec *r = ctx;
	note_record(r, h);
	/* DWARF samples: the kernel reserves the whole stack-copy size but writes only
	 * dyn_size bytes (the rest is stale ring contents), and most of a copy repeats the
	 * thread's previous one: keep the live, changed part (common/stackref.h).  Done in
	 * the ring, so only what is kept is copied out. */
	if (h->type == PERF_RECORD_SAMPLE && r->stackref) {
		int err;
		void *dst = fmt_writer_reserve(r->w, h->size, &err);
		if (dst)
			fmt_writer_commit(r->w, stackref_encode(r->stackref, h, r->sample_type,
								STOKE_REGS_USER_MASK, dst));
		else if (!err)
			err = -EINVAL;
		if (err && !r->write_err)
			r->write_err = err;
	} else {
		keep_record(r, h);
		/* An exited thread's stack copy is let go, as readers do (common/stackref.h). */
		if (r->stackref)
			stackref_exit(r->stackref, h);
	}
	return 0; /* keep consuming so the kernel is never blocked on us */
}

/* Read every ring; in CFI mode, hand on what came before the reading began (all of it
 * when final: the events are off). */
static void drain_all(struct rec *r, int final)
{
	int any = 0;
	if (r->live)
		liveunwind_reap(r->live);
	uint64_t limit = final ? UINT64_MAX : now_ns() - CUT_MARGIN_NS;
	for (size_t c = 0; c < r->nr_cpus; c++) {
		r->cur = &r->st[c];
		long n = ring_drain(perfev_ring(r->ev, c), on_record, r);
		if (n > 0) {
			r->st[c].wakeups++;
			any = 1;
		}
	}
	if (r->live && liveunwind_queued(r->live, NULL)) {
		liveunwind_release(r->live, limit, write_record, r); /* errors: in r->write_err */
		any = 1;
	}
	if (any) {
		if (r->offcpu)
			offcpu_track_round(r->offcpu);
		int err = fmt_writer_add(r->w, STOKE_REC_FINISHED_ROUND, 0, NULL, 0);
		if (err && !r->write_err)
			r->write_err = err;
	}
}

/* ---- metadata -------------------------------------------------------------- */

static int write_header_records(struct rec *r)
{
	const struct record_opts *o = r->o;
	struct utsname u;
	char host[256] = "", cpus[1024] = "", rt[32], mono[32], freq[32], period[32], pagesz[32];
	char stack[32], target[4096] = "";
	struct timespec ts;
	int err;

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	for (size_t i = 0; i < r->nr_cpus; i++) {
		size_t n = strlen(cpus);
		snprintf(cpus + n, sizeof(cpus) - n, "%s%d", i ? "," : "", r->cpus[i]);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(rt, sizeof(rt), "%llu", (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec);
	snprintf(mono, sizeof(mono), "%llu", (unsigned long long)now_ns());
	snprintf(freq, sizeof(freq), "%llu", (unsigned long long)(o->period ? 0 : o->freq));
	snprintf(period, sizeof(period), "%llu", (unsigned long long)o->period);
	snprintf(pagesz, sizeof(pagesz), "%ld", sysconf(_SC_PAGESIZE));
	snprintf(stack, sizeof(stack), "%u", record_copies_stack(o->callgraph) ? o->stack_size : 0);
	if (o->argv) {
		for (char *const *a = o->argv; *a; a++) {
			size_t n = strlen(target);
			snprintf(target + n, sizeof(target) - n, "%s%s", a == o->argv ? "" : " ", *a);
		}
	} else if (o->nr_pids) {
		for (size_t i = 0; i < o->nr_pids; i++) {
			size_t n = strlen(target);
			snprintf(target + n, sizeof(target) - n, "%s%d", i ? "," : "pid ", o->pids[i]);
		}
	} else {
		snprintf(target, sizeof(target), "system-wide");
	}
	const char *cg = o->callgraph == CALLGRAPH_DWARF ? "dwarf" :
			 o->callgraph == CALLGRAPH_CFI ? "cfi" :
			 o->callgraph == CALLGRAPH_FP ? "fp" : "none";
	const char *kv[] = {
		"stoke-version", STOKE_VERSION,
		"hostname", host,
		"release", u.release,
		"arch", u.machine,
		"cmdline", o->cmdline ? o->cmdline : "",
		"target", target,
		"cpus", cpus,
		"start-realtime-ns", rt,
		"start-monotonic-ns", mono,
		"freq", freq,
		"period", period,
		"callgraph", cg,
		"stack-size", stack,
		"page-size", pagesz,
		"user-only", perfev_user_only(r->ev) ? "1" : "0",
		NULL, NULL,
	};
	err = meta_write_info(r->w, kv);
	if (!err && o->extra_info)
		err = meta_write_info(r->w, o->extra_info);
	for (size_t ev = 0; !err && ev < o->nr_events; ev++) {
		struct perf_event_attr a;
		size_t nr_ids;
		const uint64_t *ids = perfev_ids(r->ev, ev, &nr_ids);
		perfev_attr(r->ev, ev, &a);
		if (r->live) /* what the file's samples hold: no registers, no copy */
			a.sample_type = liveunwind_sample_type(r->live);
		err = meta_write_attr(r->w, &a, ids, nr_ids, o->events[ev].name);
	}
	return err;
}

static int emit_synth(void *ctx, const struct perf_event_header *h)
{
	struct rec *r = ctx;
	if (h->type == PERF_RECORD_MMAP2) {
		r->cur = &r->st[0];
		note_record(r, h);
	}
	keep_record(r, h);
	return r->write_err;
}

static int write_buildid(void *ctx, const char *path, const unsigned char *id, size_t len)
{
	struct rec *r = ctx;
	unsigned char buf[8 + 24 + 4096];
	size_t plen = strnlen(path, 4095);
	memset(buf, 0, 32);
	buf[0] = (unsigned char)len;
	memcpy(buf + 8, id, len);
	memcpy(buf + 32, path, plen);
	buf[32 + plen] = '\0';
	return fmt_writer_add(r->w, STOKE_REC_BUILD_ID, 0, buf, 32 + plen + 1);
}

static int write_trailer_records(struct rec *r, uint64_t end_ns)
{
	struct record_result *res = r->res;
	struct stoke_end end = { .start_ns = r->start_ns, .end_ns = end_ns, .exit_status = -1 };
	int err, hidden;

	/* Every frame queued is written before the trailer. */
	err = fmt_writer_sync(r->w);
	if (!err)
		err = fmt_writer_mark_trailer(r->w);
	if (!err) {
		int kerr = meta_write_kallsyms(r->w, r->kaddrs, &hidden);
		if (kerr && kerr != -ENOENT && kerr != -EACCES)
			err = kerr;
		else if (kerr)
			record_notice(r->o, "cannot read /proc/kallsyms (%s); kernel frames will "
					    "show as [kernel]", stoke_strerror(kerr));
		else if (hidden && !perfev_user_only(r->ev))
			record_notice(r->o, "kernel addresses are hidden (kernel.kptr_restrict); "
					    "kernel frames will show as [kernel.kallsyms]");
	}
	for (size_t c = 0; c < r->nr_cpus && !err; c++) {
		struct stoke_cpu_stats *st = &r->st[c];
		err = fmt_writer_add(r->w, STOKE_REC_CPU_STATS, 0, st, sizeof(*st));
		res->samples += st->samples;
		res->lost += st->lost_samples;
		res->lost_records += st->lost_records;
		res->throttles += st->throttles;
		res->wakeups += st->wakeups;
	}
	if (!err)
		err = buildids_each(r->bids, write_buildid, r);
	end.samples = res->samples;
	end.lost = res->lost;
	end.wakeups = res->wakeups;
	if (res->has_exit)
		end.exit_status = res->exit_status;
	if (res->interrupted || res->timed_out)
		end.flags |= STOKE_END_INTERRUPTED;
	if (!err)
		err = fmt_writer_add(r->w, STOKE_REC_END, 0, &end, sizeof(end));
	return err;
}

/* ---- the loop --------------------------------------------------------------- */

static int pids_alive(const struct record_opts *o)
{
	for (size_t i = 0; i < o->nr_pids; i++)
		if (kill(o->pids[i], 0) == 0 || errno == EPERM)
			return 1;
	return 0;
}

static size_t default_pages(const struct record_opts *o, size_t nr_cpus)
{
	if (!record_copies_stack(o->callgraph))
		return DEFAULT_PAGES;
	size_t pages = DWARF_PAGES_MAX;
	while (pages > DWARF_PAGES_MIN && pages * nr_cpus > DWARF_PAGES_TOTAL)
		pages /= 2;
	return pages;
}

static int setup_tasks(struct rec *r)
{
	const struct record_opts *o = r->o;
	if (o->argv) {
		int err = target_prepare(o->argv, &r->target);
		if (err) {
			r->res->stage = STAGE_EXEC;
			return err;
		}
		r->tasks = xmalloc(sizeof(pid_t));
		r->tasks[0] = target_pid(r->target);
		r->nr_tasks = 1;
	} else if (o->nr_pids) {
		size_t alloc = 0;
		for (size_t i = 0; i < o->nr_pids; i++) {
			pid_t *tids;
			int n = synth_threads(o->pids[i], &tids);
			if (n <= 0) {
				r->res->stage = STAGE_TARGET;
				r->res->pid = o->pids[i];
				return -ESRCH;
			}
			ALLOC_GROW(r->tasks, r->nr_tasks + (size_t)n, alloc);
			memcpy(r->tasks + r->nr_tasks, tids, sizeof(pid_t) * (size_t)n);
			r->nr_tasks += (size_t)n;
			free(tids);
		}
	} else {
		r->tasks = xmalloc(sizeof(pid_t));
		r->tasks[0] = -1;
		r->nr_tasks = 1;
	}
	return 0;
}

static int run_loop(struct rec *r)
{
	const struct record_opts *o = r->o;
	struct record_result *res = r->res;
	uint64_t deadline = o->duration > 0 ? r->start_ns + (uint64_t)(o->duration * 1e9) : 0;
	struct epoll_event evs[64];

	for (;;) {
		int timeout = POLL_MS;
		uint64_t now = now_ns();
		if (deadline) {
			if (now >= deadline) {
				res->timed_out = 1;
				break;
			}
			uint64_t left_ms = (deadline - now + 999999) / 1000000;
			if (left_ms < (uint64_t)timeout)
				timeout = (int)left_ms;
		}
		int n = epoll_wait(r->epfd, evs, 64, timeout);
		if (n < 0 && errno != EINTR)
			return -errno;
		int stop = 0;
		for (int i = 0; i < n; i++) {
			if (evs[i].data.fd == r->sigfd) {
				struct signalfd_siginfo si;
				while (read(r->sigfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGCHLD)
						continue;
					res->interrupted = (int)si.ssi_signo;
					stop = 1;
				}
			} else if (evs[i].events & (EPOLLHUP | EPOLLERR)) {
				/* The owning task is gone; its ring is still drained every pass. */
				epoll_ctl(r->epfd, EPOLL_CTL_DEL, evs[i].data.fd, NULL);
			}
		}
		drain_all(r, 0);
		if (r->write_err)
			return r->write_err;
		int err = fmt_writer_tick(r->w, now_ns(), FRAME_INTERVAL_NS);
		if (err)
			return err;
		if (r->target) {
			int status;
			if (target_reap(r->target, 0, &status) == 1) {
				res->has_exit = 1;
				res->exit_status = status;
				stop = 1;
			}
		}
		if (o->nr_pids && !pids_alive(o))
			stop = 1;
		if (stop)
			break;
	}
	return 0;
}

static void stop_target(struct rec *r)
{
	struct record_result *res = r->res;
	int status;
	if (!r->target || res->has_exit)
		return;
	target_kill(r->target, SIGTERM);
	for (int i = 0; i < 200; i++) {
		if (target_reap(r->target, 0, &status) == 1) {
			res->has_exit = 1;
			res->exit_status = status;
			return;
		}
		usleep(10000);
	}
	target_kill(r->target, SIGKILL);
	if (target_reap(r->target, 1, &status) == 1) {
		res->has_exit = 1;
		res->exit_status = status;
	}
}

int record_run(struct record_opts *o, struct record_result *res)
{
	struct rec rr = { .o = o, .res = res, .epfd = -1, .sigfd = -1 };
	struct rec *r = &rr;
	sigset_t mask, old;
	int err, n;

	memset(res, 0, sizeof(*res));
	res->stage = STAGE_SETUP;
	r->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			 PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	if (o->callgraph != CALLGRAPH_NONE)
		r->sample_type |= PERF_SAMPLE_CALLCHAIN;
	if (record_copies_stack(o->callgraph))
		r->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	for (size_t ev = 0; ev < o->nr_events; ev++) {
		/* Tracepoints' fields are in the raw data (--wakers: the woken thread). */
		if (o->events[ev].attr.type == PERF_TYPE_TRACEPOINT)
			r->sample_type |= PERF_SAMPLE_RAW;
	}
	if (offcpu_needs_kernel(o->events, o->nr_events))
		r->offcpu = offcpu_track_new(r->sample_type);
	if (o->callgraph == CALLGRAPH_DWARF)
		r->stackref = stackref_new(STACKREF_BYTES);
	else if (o->callgraph == CALLGRAPH_CFI)
		r->live = liveunwind_new(r->sample_type, STOKE_REGS_USER_MASK);
	r->kaddrs = kaddrs_new(r->sample_type,
			       record_copies_stack(o->callgraph) ? STOKE_REGS_USER_MASK : 0);
	r->bids = buildids_new();

	/* Signals arrive through a descriptor in the poll set: no race with epoll_wait. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &old);

	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}

	if (o->cpus) {
		r->cpus = xmalloc(sizeof(int) * o->nr_cpus);
		memcpy(r->cpus, o->cpus, sizeof(int) * o->nr_cpus);
		n = (int)o->nr_cpus;
	} else {
		n = online_cpus(&r->cpus);
	}
	err = n;
	if (n <= 0)
		goto out;
	r->nr_cpus = (size_t)n;
	r->st = xcalloc(r->nr_cpus, sizeof(*r->st));
	for (size_t c = 0; c < r->nr_cpus; c++)
		r->st[c].cpu = (uint32_t)r->cpus[c];

	err = setup_tasks(r);
	if (err)
		goto out;

	res->stage = STAGE_OPEN;
	r->ev = perfev_new(o, r->sample_type, r->cpus, r->nr_cpus, r->tasks, r->nr_tasks,
			   o->mmap_pages ? o->mmap_pages : default_pages(o, r->nr_cpus));
	err = perfev_probe(r->ev, res);
	if (!err)
		err = perfev_open(r->ev, res);
	if (err)
		goto out;
	res->nr_rings = r->nr_cpus;

	res->stage = STAGE_OUTPUT;
	if (o->output_fd > 0) {
		int fd = o->output_fd;
		o->output_fd = -1; /* the writer owns it now, on error too */
		err = fmt_writer_open_fd(fd, o->zlevel, 0, &r->w);
	} else {
		err = fmt_writer_open(o->output, o->zlevel, 0, &r->w);
	}
	if (err)
		goto out;
	err = write_header_records(r);
	if (err)
		goto out;
	if (o->nr_pids || o->system_wide) {
		size_t nr_ids;
		struct synth *s = synth_new(r->sample_type, perfev_ids(r->ev, 0, &nr_ids)[0]);
		for (size_t i = 0; !err && i < o->nr_pids; i++)
			err = synth_process(s, o->pids[i], emit_synth, r);
		if (!err && o->system_wide)
			err = synth_all(s, emit_synth, r);
		synth_free(s);
		if (err)
			goto out;
	}

	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	r->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (r->epfd < 0 || r->sigfd < 0) {
		err = -errno;
		res->stage = STAGE_SETUP;
		goto out;
	}
	struct epoll_event pe = { .events = EPOLLIN, .data.fd = r->sigfd };
	epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sigfd, &pe);
	for (size_t c = 0; c < r->nr_cpus; c++) {
		pe.data.fd = perfev_ring_fd(r->ev, c);
		epoll_ctl(r->epfd, EPOLL_CTL_ADD, pe.data.fd, &pe);
	}

	r->start_ns = now_ns();
	if (!r->target)
		perfev_enable(r->ev, 1);
	if (r->target) {
		res->stage = STAGE_EXEC;
		err = target_start(r->target);
		if (err)
			goto out;
	}
	res->stage = STAGE_OUTPUT;
	err = run_loop(r);
	perfev_enable(r->ev, 0);
	stop_target(r);
	drain_all(r, 1);
	if (r->live) {
		struct liveunwind_stats ls;
		liveunwind_get_stats(r->live, &ls);
		res->unwound = ls.samples;
		res->unwound_truncated = ls.truncated;
	}
	uint64_t end_ns = now_ns();
	res->seconds = (double)(end_ns - r->start_ns) / 1e9;
	if (r->offcpu) {
		res->has_offcpu = 1;
		offcpu_track_finish(r->offcpu, end_ns, &res->offcpu);
	}
	if (!err)
		err = r->write_err;
	if (!err)
		err = write_trailer_records(r, end_ns);
out:
	if (r->w) {
		struct fmt_writer_stats ws;
		int cerr = fmt_writer_close(r->w, &ws);
		if (!err && cerr)
			err = cerr, res->stage = STAGE_OUTPUT;
		res->raw_bytes = ws.raw_bytes;
		res->file_bytes = ws.compressed_bytes;
		res->frames = ws.frames;
		res->fast_frames = ws.fast_frames;
	}
	perfev_free(r->ev);
	target_free(r->target); /* kills and reaps a child that never ran */
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	free(r->st);
	free(r->cpus);
	free(r->tasks);
	buildids_free(r->bids);
	kaddrs_free(r->kaddrs);
	stackref_free(r->stackref);
	liveunwind_free(r->live);
	offcpu_track_free(r->offcpu);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}
