/* perfev.h — the perf events of one recording: attributes, fallbacks, fds and rings.
 *
 * record_run() makes one perfev once it knows the CPUs and tasks.  It opens
 * every event on every (task, CPU) pair with perf_event_open and maps one ring
 * per CPU (the CPU's other fds write into it).  perfev_probe() first opens each
 * event once to learn what this machine takes, applying the fallbacks: no
 * build-ids in MMAP2 on old kernels, cycles → cpu-clock without a PMU, user
 * space only when kernel sampling is refused.
 *
 * Ownership: the perfev owns the event fds, their rings and the kernel ids.
 * It borrows o, cpus and tasks, which must outlive it; fallbacks rewrite
 * o->events[] in place.  Nothing here prints: fallbacks are said through
 * o->notice, failures are a negative error plus res->stage/event/pid.
 */
#ifndef STOKE_PERFEV_H
#define STOKE_PERFEV_H

#include "profiler/record.h"
#include "profiler/ring.h"

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct perfev;

/*
 * Events of o with sample_type, to open on every task (a pid, or -1 for all)
 * of tasks and every CPU of cpus, with rings of pages data pages (fewer when
 * the kernel's mlock limit says so).  Opens nothing yet.
 */
struct perfev *perfev_new(struct record_opts *o, uint64_t sample_type, const int *cpus,
			  size_t nr_cpus, const pid_t *tasks, size_t nr_tasks, size_t pages);
void perfev_free(struct perfev *pe); /* unmaps the rings, closes the fds; NULL is a no-op */

/* Open each event once on the first task and CPU, applying the fallbacks.  0, or a
 * negative errno / -STOKE_ENOPMU / -STOKE_EKSTACK with res->event (and res->pid). */
int perfev_probe(struct perfev *pe, struct record_result *res);
/* Open every event everywhere, disabled, and map the rings.  0, or a negative errno
 * with res->stage (STAGE_OPEN or STAGE_MMAP) and res->event. */
int perfev_open(struct perfev *pe, struct record_result *res);

/* Start (on) or stop every event (a command's start with its exec instead). */
void perfev_enable(struct perfev *pe, int on);

/* The attributes event ev is opened with (as stored in the file's ATTR record). */
void perfev_attr(const struct perfev *pe, size_t ev, struct perf_event_attr *a);
/* Kernel ids of event ev's fds (valid until perfev_free). */
const uint64_t *perfev_ids(const struct perfev *pe, size_t ev, size_t *nr);
/* Kernel sampling was refused: every event excludes it. */
int perfev_user_only(const struct perfev *pe);
/* The ring of cpus[c] and the fd it is mapped from (for polling); after perfev_open. */
struct ring *perfev_ring(const struct perfev *pe, size_t c);
int perfev_ring_fd(const struct perfev *pe, size_t c);

/* o->notice with a formatted message (nothing when o->notice is NULL): how every part
 * of the recorder says a fallback. */
void record_notice(const struct record_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
