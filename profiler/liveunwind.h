/* liveunwind.h — the default call graph: user stacks unwound while recording.
 *
 * In this mode the kernel records with each sample the user registers and a
 * copy of the top of the user stack, as in --call-graph dwarf, and the
 * recorder unwinds them before anything reaches the file.  It queues every
 * record it drains (liveunwind_add: a copy, without the part of a stack copy
 * the kernel did not fill) and, once per round, hands on those up to a
 * time, in time order (liveunwind_release; the queue is common/tqueue.h).  Process records (COMM exec, FORK,
 * MMAP2) feed an address space (symbolize/addrspace.h) as a report's would
 * and are handed on as they are; each sample's user stack is unwound by the
 * reporter's unwinder (symbolize/unwind.h) in the maps of that moment, and
 * the sample handed on without its registers and copy, the way a
 * frame-pointer recording has it: its callchain is the kernel's part, then
 * PERF_CONTEXT_USER and the unwound addresses (the sampled IP first), then
 * STOKE_CONTEXT_TRUNCATED (common/format.h) when the copy ended before the
 * outermost frame.  A file of this mode reads like a frame-pointer one.
 *
 * The cut: records come through one ring per CPU, and a sample may use a
 * mapping whose MMAP2 record is in another CPU's ring.  The kernel writes
 * that record before the mmap call returns, so before the mapping can be
 * used: every record timed before the moment the rings were last read from
 * was in them then (less the few microseconds between a sample's time and the
 * end of its copy into the ring: the caller keeps a margin).  The caller takes
 * that moment before it drains the rings and releases what came before it;
 * records after it wait for the next round.
 *
 * Ownership: a liveunwind owns its queue, its address space (and the object
 * files it opens) and its unwinder; records handed to emit are its own,
 * valid until emit returns.  Nothing here prints.
 */
#ifndef STOKE_LIVEUNWIND_H
#define STOKE_LIVEUNWIND_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct liveunwind;

/* sample_type and regs_mask: the events' (with PERF_SAMPLE_REGS_USER, PERF_SAMPLE_STACK_USER
 * and PERF_SAMPLE_CALLCHAIN). */
struct liveunwind *liveunwind_new(uint64_t sample_type, uint64_t regs_mask);
void liveunwind_free(struct liveunwind *lu); /* NULL is a no-op */

/* The sample_type of the samples it hands on: the events' without registers and copy. */
uint64_t liveunwind_sample_type(const struct liveunwind *lu);

/* Queue a copy of record h, as the kernel (or the recorder's synthesis of what was mapped
 * before) wrote it.  A record without a time (no sample_id) counts as time 0. */
void liveunwind_add(struct liveunwind *lu, const struct perf_event_header *h);

/* Records queued, and the bytes they hold. */
size_t liveunwind_queued(const struct liveunwind *lu, size_t *bytes);

typedef int (*liveunwind_emit_fn)(void *ctx, const struct perf_event_header *h);

/*
 * Hand every queued record timed at or before limit (UINT64_MAX: all) to emit, in
 * time order (queue order among equal times).  Returns 0, or the first error emit
 * returned (the records it had are let go; the others are handed on still).
 */
int liveunwind_release(struct liveunwind *lu, uint64_t limit, liveunwind_emit_fn emit,
		       void *ctx);

/*
 * Bounds what a long recording of many processes keeps: a process whose main thread's EXIT
 * was handed on is checked here (kill(pid, 0)) until it is gone; the next release then
 * frees its maps and what the unwinder derived from them, unless the pid started again in
 * between (a FORK of it moved its generation), and (at most four times a second) closes
 * the object files no process maps any more.  Call it before taking the time of a round's
 * cut, so that every record of a process found gone is older than the cut.
 */
void liveunwind_reap(struct liveunwind *lu);

/* Close now the object files no process maps any more (what a release does by itself, at
 * most four times a second, after it let processes go); a later need opens them again. */
void liveunwind_close_unmapped(struct liveunwind *lu);

/* Samples unwound, how many of them ended in STOKE_CONTEXT_TRUNCATED, processes let go,
 * object files closed because no process mapped them any more. */
struct liveunwind_stats {
	uint64_t samples, truncated, forgotten, files_closed;
};
void liveunwind_get_stats(const struct liveunwind *lu, struct liveunwind_stats *st);

#endif
