/* swpair.h — pair a thread's context-switch records into off-CPU intervals.
 *
 * The kernel writes PERF_RECORD_SWITCH (per-task events) or
 * PERF_RECORD_SWITCH_CPU_WIDE (CPU-wide events) when a thread leaves a CPU
 * (misc has PERF_RECORD_MISC_SWITCH_OUT, and PERF_RECORD_MISC_SWITCH_OUT_PREEMPT
 * when it was still runnable) and when it comes back.  A thread often leaves
 * on one CPU and returns on another, so records are paired per thread id,
 * over all CPUs, in time order: feed them sorted by time.  Used by the
 * recorder (its summary) and by the reports.
 */
#ifndef STOKE_SWPAIR_H
#define STOKE_SWPAIR_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PERF_RECORD_MISC_SWITCH_OUT_PREEMPT
#define PERF_RECORD_MISC_SWITCH_OUT_PREEMPT (1 << 14)
#endif

/* One switch record, decoded. */
struct swpair_switch {
	uint32_t pid, tid; /* the thread that left or came back */
	uint64_t time;     /* CLOCK_MONOTONIC ns */
	uint32_t cpu;
	int out;           /* 1: it left the CPU */
	int preempt;       /* left while runnable (only with out) */
};

/*
 * Decode h when it is a switch record of a thread (not the idle task, tid 0).
 * sample_type is the file's (switch records carry the sample_id trailer).
 * Returns 1 and fills *sw, 0 for any other record, -EINVAL when malformed.
 */
int swpair_decode(const struct perf_event_header *h, uint64_t sample_type, struct swpair_switch *sw);

struct swpair_interval {
	uint32_t pid, tid;
	uint64_t start, end; /* switch-out and switch-in times, ns */
	int preempted;       /* 1: runnable the whole time (waiting for a CPU); 0: blocked */
	uint32_t slot;       /* the thread's index (swpair_slot) */
};

struct swpair;

struct swpair *swpair_new(void);
void swpair_free(struct swpair *p); /* NULL is a no-op */

/*
 * Feed one switch, in time order.  A switch-in that follows the thread's
 * switch-out closes an interval: returns 1 and fills *iv.  Otherwise returns
 * 0: a switch-out opens an interval (a second switch-out without a switch-in
 * between, which only lost records cause, restarts it), and a switch-in
 * without one before it (the thread's first run, or it left before
 * recording began) is ignored.
 */
int swpair_feed(struct swpair *p, const struct swpair_switch *sw, struct swpair_interval *iv);

/*
 * A PERF_RECORD_EXIT (h; other records are ignored): the thread's last
 * switch-out, which follows, opens no interval.  Feed it in time order too.
 */
void swpair_note_exit(struct swpair *p, const struct perf_event_header *h);

/* The thread's dense index (0, 1, ... in order of first use), for callers' per-thread data. */
uint32_t swpair_slot(struct swpair *p, uint32_t tid);

/* Call fn for each interval still open, ended at `end` (the end of the recording). */
void swpair_finish(struct swpair *p, uint64_t end,
		   void (*fn)(void *ctx, const struct swpair_interval *iv), void *ctx);

#endif
