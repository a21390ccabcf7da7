/* The perf events of one recording: attributes, fallbacks, fds and rings (perfev.h). */
#include "profiler/perfev.h"
#include "common/error.h"
#include "common/sample.h"
#include "common/util.h"
#include "profiler/offcpu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct rb {
	int cpu;
	int fd;                  /* event fd the ring is mapped from */
	struct ring *ring;
};

struct perfev {
	struct record_opts *o;   /* borrowed; fallbacks rewrite o->events[] */
	uint64_t sample_type;
	const int *cpus;         /* borrowed */
	size_t nr_cpus;
	const pid_t *tasks;      /* borrowed: pid argument of each open (the child, threads, or -1) */
	size_t nr_tasks;
	size_t pages;            /* data pages per ring; shrunk when the mlock limit refuses */
	int use_build_id;        /* ask MMAP2 records to carry build-ids (Linux >= 5.12) */
	int user_only;           /* kernel sampling refused: exclude it */
	int *fds;
	size_t nr_fds, alloc_fds;
	struct rb *rbs;          /* one per CPU, once opened */
	uint64_t **ids;          /* per event: kernel ids of its fds */
	size_t *nr_ids, *alloc_ids;
};

void record_notice(const struct record_opts *o, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (!o->notice)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	o->notice(o->notice_ctx, msg);
}

struct perfev *perfev_new(struct record_opts *o, uint64_t sample_type, const int *cpus,
			  size_t nr_cpus, const pid_t *tasks, size_t nr_tasks, size_t pages)
{
	struct perfev *pe = xcalloc(1, sizeof(*pe));
	pe->o = o;
	pe->sample_type = sample_type;
	pe->cpus = cpus;
	pe->nr_cpus = nr_cpus;
	pe->tasks = tasks;
	pe->nr_tasks = nr_tasks;
	pe->pages = pages;
	pe->use_build_id = !o->no_mmap_build_id;
	pe->ids = xcalloc(o->nr_events, sizeof(*pe->ids));
	pe->nr_ids = xcalloc(o->nr_events, sizeof(*pe->nr_ids));
	pe->alloc_ids = xcalloc(o->nr_events, sizeof(*pe->alloc_ids));
	return pe;
}

void perfev_free(struct perfev *pe)
{
	if (!pe)
		return;
	for (size_t c = 0; pe->rbs && c < pe->nr_cpus; c++)
		ring_free(pe->rbs[c].ring);
	for (size_t i = 0; i < pe->nr_fds; i++)
		close(pe->fds[i]);
	for (size_t ev = 0; ev < pe->o->nr_events; ev++)
		free(pe->ids[ev]);
	free(pe->ids);
	free(pe->nr_ids);
	free(pe->alloc_ids);
	free(pe->rbs);
	free(pe->fds);
	free(pe);
}

static int sys_perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return (int)syscall(__NR_perf_event_open, a, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

static void setup_attr(const struct perfev *pe, size_t ev, int tracking, struct perf_event_attr *a)
{
	const struct record_opts *o = pe->o;
	const struct evspec *e = &o->events[ev];

	*a = e->attr;
	a->size = sizeof(*a);
	a->sample_type = pe->sample_type;
	if (o->period) {
		a->sample_period = o->period;
	} else if (!o->period_given && e->default_period) {
		a->sample_period = 1;
	} else {
		a->freq = 1;
		a->sample_freq = o->freq;
	}
	offcpu_attr(e, a);
	/* Everything starts disabled: a command's events are enabled by its exec,
	 * the others once /proc has been read (synthesizing every process of a
	 * busy machine takes long enough to overflow the rings). */
	a->disabled = 1;
	a->enable_on_exec = o->argv != NULL;
	a->inherit = o->argv != NULL || o->nr_pids > 0;
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	a->sample_id_all = 1;
	a->watermark = 1;
	a->wakeup_watermark = (uint32_t)(pe->pages * (size_t)sysconf(_SC_PAGESIZE) / 4);
	if (tracking) {
		a->mmap = 1;
		a->mmap2 = 1;
		a->comm = 1;
		a->comm_exec = 1;
		a->task = 1;
		a->build_id = pe->use_build_id;
	}
	if (record_copies_stack(o->callgraph)) {
		a->sample_regs_user = STOKE_REGS_USER_MASK;
		a->sample_stack_user = o->stack_size;
		a->exclude_callchain_user = 1;
	}
	if (pe->user_only) {
		a->exclude_kernel = 1;
		a->exclude_hv = 1;
	}
}

/*
 * Open event ev once on the first task and CPU to find out whether this
 * machine takes it, applying the fallbacks: no build-id in MMAP2 on old
 * kernels, cycles → cpu-clock without a PMU, user-only when kernel sampling
 * is not allowed.
 */
static int probe_event(struct perfev *pe, struct record_result *res, size_t ev)
{
	struct evspec *e = &pe->o->events[ev];
	for (int tries = 0; tries < 4; tries++) {
		struct perf_event_attr a;
		setup_attr(pe, ev, ev == 0, &a);
		int fd = sys_perf_event_open(&a, pe->tasks[0], pe->cpus[0]);
		if (fd >= 0) {
			close(fd);
			if (e->attr.context_switch && pe->user_only) {
				snprintf(res->event, sizeof(res->event), "%s", e->name);
				return -STOKE_EKSTACK;
			}
			if (pe->user_only && !res->user_only_fallback &&
			    !offcpu_needs_kernel(pe->o->events, pe->o->nr_events)) {
				res->user_only_fallback = 1;
				record_notice(pe->o, "kernel samples not allowed "
						    "(kernel.perf_event_paranoid); recording user space only");
			}
			return 0;
		}
		int err = -errno;
		if (e->attr.context_switch && pe->user_only) {
			/* Its samples are taken in kernel mode: user-only would record none. */
			snprintf(res->event, sizeof(res->event), "%s", e->name);
			return -STOKE_EKSTACK;
		}
		if (err == -EINVAL && ev == 0 && pe->use_build_id) {
			pe->use_build_id = 0;
			continue;
		}
		if ((err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV) && evspec_needs_pmu(e)) {
			if (e->attr.type == PERF_TYPE_HARDWARE &&
			    e->attr.config == PERF_COUNT_HW_CPU_CYCLES) {
				struct perf_event_attr keep = e->attr;
				record_notice(pe->o, "'%s' needs a hardware PMU, which this machine "
						    "lacks; sampling cpu-clock instead", e->name);
				evspec_parse("cpu-clock", e);
				e->attr.exclude_user = keep.exclude_user;
				e->attr.exclude_kernel = keep.exclude_kernel;
				e->attr.exclude_hv = keep.exclude_hv;
				continue;
			}
			snprintf(res->event, sizeof(res->event), "%s", e->name);
			return -STOKE_ENOPMU;
		}
		if ((err == -EACCES || err == -EPERM) && !pe->user_only && !a.exclude_kernel) {
			/* Try user space only; say so only if that is what gets recorded. */
			pe->user_only = 1;
			continue;
		}
		if (pe->user_only && !res->user_only_fallback && (err == -EACCES || err == -EPERM))
			pe->user_only = 0; /* refused either way: report the plain refusal */
		snprintf(res->event, sizeof(res->event), "%s", e->name);
		if (err == -ESRCH)
			res->stage = STAGE_TARGET, res->pid = pe->tasks[0];
		return err;
	}
	return -EINVAL;
}

static int map_ring(struct perfev *pe, struct rb *rb, int fd)
{
	size_t pages = pe->pages;
	for (;;) {
		int err = ring_new(fd, pages, &rb->ring);
		if (!err) {
			rb->fd = fd;
			pe->pages = pages; /* later rings use what worked */
			return 0;
		}
		/* Unprivileged users are held to perf_event_mlock_kb: shrink and retry. */
		if (err != -EPERM || pages <= 8)
			return err;
		pages /= 2;
	}
}

int perfev_open(struct perfev *pe, struct record_result *res)
{
	struct perf_event_attr a;
	pe->rbs = xcalloc(pe->nr_cpus, sizeof(*pe->rbs));
	for (size_t c = 0; c < pe->nr_cpus; c++) {
		struct rb *rb = &pe->rbs[c];
		rb->cpu = pe->cpus[c];
		rb->fd = -1;
		for (size_t t = 0; t < pe->nr_tasks; t++) {
			for (size_t ev = 0; ev < pe->o->nr_events; ev++) {
				setup_attr(pe, ev, ev == 0, &a);
				int fd = sys_perf_event_open(&a, pe->tasks[t], rb->cpu);
				if (fd < 0) {
					int err = -errno;
					/* A thread of -p that exited since we listed it. */
					if (err == -ESRCH && pe->o->nr_pids)
						break;
					snprintf(res->event, sizeof(res->event), "%s",
						 pe->o->events[ev].name);
					res->stage = STAGE_OPEN;
					return err;
				}
				ALLOC_GROW(pe->fds, pe->nr_fds + 1, pe->alloc_fds);
				pe->fds[pe->nr_fds++] = fd;
				if (!rb->ring) {
					int err = map_ring(pe, rb, fd);
					if (err) {
						res->stage = STAGE_MMAP;
						return err;
					}
				} else if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, rb->fd) < 0) {
					res->stage = STAGE_MMAP;
					return -errno;
				}
				uint64_t id;
				if (ioctl(fd, PERF_EVENT_IOC_ID, &id) < 0) {
					res->stage = STAGE_OPEN;
					return -errno;
				}
				ALLOC_GROW(pe->ids[ev], pe->nr_ids[ev] + 1, pe->alloc_ids[ev]);
				pe->ids[ev][pe->nr_ids[ev]++] = id;
			}
		}
	}
	return 0;
}

int perfev_probe(struct perfev *pe, struct record_result *res)
{
	for (size_t ev = 0; ev < pe->o->nr_events; ev++) {
		int err = probe_event(pe, res, ev);
		if (err)
			return err;
	}
	return 0;
}

void perfev_enable(struct perfev *pe, int on)
{
	for (size_t i = 0; i < pe->nr_fds; i++)
		ioctl(pe->fds[i], on ? PERF_EVENT_IOC_ENABLE : PERF_EVENT_IOC_DISABLE, 0);
}

void perfev_attr(const struct perfev *pe, size_t ev, struct perf_event_attr *a)
{
	setup_attr(pe, ev, ev == 0, a);
}

const uint64_t *perfev_ids(const struct perfev *pe, size_t ev, size_t *nr)
{
	*nr = pe->nr_ids[ev];
	return pe->ids[ev];
}

int perfev_user_only(const struct perfev *pe)
{
	return pe->user_only;
}

struct ring *perfev_ring(const struct perfev *pe, size_t c)
{
	return pe->rbs[c].ring;
}

int perfev_ring_fd(const struct perfev *pe, size_t c)
{
	return pe->rbs[c].fd;
}
