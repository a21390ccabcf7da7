/* offcpu.h — what `stoke record --off-cpu` and `--wakers` add to a recording.
 *
 * --off-cpu is one more event, named "off-cpu": the context-switches software
 * event (period 1, with the recording's call graphs, so each sample is the
 * stack of a thread as it leaves its CPU) with attr.context_switch set, so the
 * kernel also writes a switch record at every switch out and in (the times).
 * --wakers adds the sched:sched_waking tracepoint (call graphs and raw data):
 * the waker's stack and, in the raw data, the woken thread.
 * docs/offcpu.md describes the records, the pairing and the permissions.
 */
#ifndef STOKE_OFFCPU_H
#define STOKE_OFFCPU_H

#include "profiler/evspec.h"

#include <stddef.h>
#include <stdint.h>

#define OFFCPU_EVENT "off-cpu"
#define OFFCPU_WAKING_EVENT "sched:sched_waking"

/* The off-cpu event. */
void offcpu_event(struct evspec *out);

/*
 * The sched:sched_waking tracepoint, from tracefs (/sys/kernel/tracing, else
 * /sys/kernel/debug/tracing): its id and the offset of its `pid` field (the
 * woken thread) in the raw data, written to *pid_offset.  Then opened once on
 * this process to see whether the kernel allows it (tracepoint samples with
 * raw data need CAP_PERFMON or kernel.perf_event_paranoid -1).
 * Returns 0, or -ENOENT (no tracefs, or no such tracepoint: tracefs not
 * mounted), -EACCES (tracefs not readable), or the open's negative errno.
 */
int offcpu_waking_event(struct evspec *out, unsigned *pid_offset);

/* The off-CPU events see every switch and wakeup, whatever -F or -c say: set attr's period. */
void offcpu_attr(const struct evspec *e, struct perf_event_attr *attr);

/* 1 when an event (off-cpu) has its samples taken in kernel mode, so user-only is refused. */
int offcpu_needs_kernel(const struct evspec *events, size_t nr);

/*
 * The recorder's count of off-CPU intervals, for its summary: switch records
 * come from several rings, out of time order, so they are queued and paired
 * round by round (the rule of FINISHED_ROUND: after a pass over every ring,
 * everything not later than the previous pass's newest record is complete).
 */
struct offcpu_stats {
	uint64_t intervals;   /* off-CPU intervals of the recorded threads */
	uint64_t blocked;     /* of which blocked (waiting for something) */
	uint64_t blocked_ns;  /* their total length */
	uint64_t preempted_ns; /* total length of the preempted ones */
};

struct offcpu_track;

struct offcpu_track *offcpu_track_new(uint64_t sample_type);
void offcpu_track_free(struct offcpu_track *t); /* NULL is a no-op */
/* A record read from a ring (switch and exit records are kept; others ignored). */
void offcpu_track_record(struct offcpu_track *t, const void *rec);
/* A pass over every ring ended. */
void offcpu_track_round(struct offcpu_track *t);
/* Recording ended at end_ns: pair what is left, count threads still off-CPU to end_ns. */
void offcpu_track_finish(struct offcpu_track *t, uint64_t end_ns, struct offcpu_stats *st);

#endif
