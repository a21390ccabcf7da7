/* offcpu.h — off-CPU intervals of a recording made with --off-cpu, with their stacks and wakers.
 *
 * Fed in time order (the session's order): the stack of each context-switch
 * sample (the thread's stack as it left its CPU), the switch records (the
 * times, paired per thread by common/swpair.h), and, when recorded, each
 * sched_waking sample (the waker's stack and the woken thread).  Each
 * interval, once it ends, goes to the emit callback with the stack taken at
 * its switch-out and the stack of the thread that woke it.  The view knows
 * nothing of trees or filters: the caller resolves stacks to frame ids and
 * says whether a stack is kept.
 */
#ifndef STOKE_REPORT_OFFCPU_H
#define STOKE_REPORT_OFFCPU_H

#include "common/swpair.h"

#include <stddef.h>
#include <stdint.h>

struct offcpu_interval {
	const struct swpair_interval *iv; /* times, thread, preempted or blocked */
	const uint32_t *stack;  /* frame ids at switch-out, root first (the caller's) */
	size_t nr_stack;
	const uint32_t *waker;  /* the waker's frame ids, root first, or NULL */
	size_t nr_waker;
};

struct offcpu_view_cb {
	/* An interval ended; kept is 0 when its stack was filtered out. */
	void (*emit)(void *ctx, const struct offcpu_interval *in, int kept);
	/*
	 * A switch-out with no context-switch sample before it (lost, or a
	 * recording without call graphs): give a stack (*ids, *n, valid until
	 * the next call) and return 1 to keep the interval, 0 to drop it.
	 */
	int (*no_stack)(void *ctx, const struct swpair_switch *sw, const uint32_t **ids, size_t *n);
	void *ctx;
};

struct offcpu_view;

struct offcpu_view *offcpu_view_new(const struct offcpu_view_cb *cb);
void offcpu_view_free(struct offcpu_view *v); /* NULL is a no-op */

/* The stack of a context-switch sample of tid at `time` (ids copied); kept: passes the filters. */
void offcpu_view_stack(struct offcpu_view *v, uint32_t tid, uint64_t time, const uint32_t *ids,
		       size_t n, int kept);

/* A switch record (or, with h an EXIT record, swpair_note_exit). */
void offcpu_view_switch(struct offcpu_view *v, const struct swpair_switch *sw);
void offcpu_view_exit(struct offcpu_view *v, const void *exit_record);

/* wakee was woken by a thread whose stack is ids (root first; copied). */
void offcpu_view_waking(struct offcpu_view *v, uint32_t wakee, const uint32_t *ids, size_t n);

/* The recording ended at end_ns: intervals still open end there. */
void offcpu_view_finish(struct offcpu_view *v, uint64_t end_ns);

#endif
