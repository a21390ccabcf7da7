/* unwind_memo.h — a sample's unwinding, kept for the thread's next sample (the unwinder's own).
 *
 * Consecutive samples of a thread share the top of their stack copies (see
 * common/stackref.h): the outer frames have not moved.  While a sample is
 * unwound, the builder notes each frame's registers before its step, which
 * of them the steps from there on depend on, and every memory read with what
 * it gave.  The next sample, when it reaches a frame with the same address,
 * stack pointer and needed registers, and every read the rest made would give
 * the same bytes in its own copy, takes the rest of the frames over instead
 * of unwinding them.  Exact: the same inputs make the same steps.
 *
 * A memo keeps its frames outermost first, so that it passes from one sample
 * to the next in place: the next sample keeps the outer frames it shares and
 * puts its own after them.
 */
#ifndef STOKE_UNWIND_MEMO_H
#define STOKE_UNWIND_MEMO_H

#include "common/sample.h"
#include "symbolize/cfi.h"

#include <stddef.h>
#include <stdint.h>

#define UMEMO_ALL_REGS ((1u << CFI_NR_REGS) - 1)

enum umemo_read { UMEMO_READ_OK, UMEMO_READ_MISS, UMEMO_READ_FOREIGN };

/* Registers of a frame before its step, and what the steps from there depend on. */
struct umemo_state {
	struct cfi_regs regs;
	int exact;           /* the frame's address is exact (not a return address) */
	uint32_t own, keep;  /* needed by this frame's step; passed on to its caller unchanged */
	uint32_t needed;     /* in a memo: what this frame's step and those after depend on */
	uint32_t rd;         /* builder: its first read; memo: end of its and outer frames' reads */
};

struct umemo_rd {
	uint64_t addr, val;
	uint32_t kind;       /* enum umemo_read */
};

struct umemo; /* one thread's last unwinding; umemo_free */

/* The builder: the sample being unwound's frames, leaf first (the unwinder's scratch). */
struct umemo_builder {
	struct umemo_state *states;
	size_t nr_states, alloc_states;
	struct umemo_rd *reads;
	size_t nr_reads, alloc_reads;
	int off;          /* nothing is kept (libunwind's steps, a stack past the bound) */
	size_t cursor;    /* umemo_find: the memo's frames from here on lie below the last
			   * frame looked for (frames are looked for outward) */
};

void umemo_begin(struct umemo_builder *b);
void umemo_release(struct umemo_builder *b); /* frees the scratch */
void umemo_free(void *m);                    /* NULL is a no-op */
size_t umemo_bytes(const struct umemo *m);   /* the memory it holds (0 for NULL) */

/* A frame's registers before its step (frames in order from the leaf). */
void umemo_state(struct umemo_builder *b, const struct cfi_regs *regs, int exact);

/* The last frame's step depends on the registers in own and passes those in keep on to its
 * caller unchanged (UMEMO_ALL_REGS, UMEMO_ALL_REGS: anything may matter). */
void umemo_step(struct umemo_builder *b, uint32_t own, uint32_t keep);

void umemo_read_slow(struct umemo_builder *b, uint64_t addr, uint64_t val, enum umemo_read kind);

/* A read made by the step of the last frame (on every read: kept inline). */
static inline void umemo_read(struct umemo_builder *b, uint64_t addr, uint64_t val,
			      enum umemo_read kind)
{
	if (!b->off && b->nr_reads < b->alloc_reads)
		b->reads[b->nr_reads++] = (struct umemo_rd){ addr, val, kind };
	else
		umemo_read_slow(b, addr, val, kind);
}

/*
 * Each thread's memo by tid, for whole copies (no stack image to carry a memo from one
 * sample to the next): taken out for a sample, put back after it.  The memos held stay
 * within a byte budget (past it, put frees the memo: the thread's next sample unwinds
 * whole); a thread's entry goes at its exit, and the table is compacted as threads exit.
 */
struct umemo_threads;
struct umemo_threads *umemo_threads_new(size_t budget);
void umemo_threads_free(struct umemo_threads *t); /* with every memo; NULL is a no-op */
/* tid's memo (the caller's now), or NULL. */
struct umemo *umemo_threads_take(struct umemo_threads *t, uint32_t tid);
/* Keep m (may be NULL) as tid's, within the budget. */
void umemo_threads_put(struct umemo_threads *t, uint32_t tid, struct umemo *m);
/* Thread tid exited: its memo goes. */
void umemo_threads_forget(struct umemo_threads *t, uint32_t tid);

/* m was made in pid's address space at generation gen (its maps have not changed since). */
int umemo_valid(const struct umemo *m, uint32_t pid, uint64_t gen);

/*
 * Can the last frame noted (of sample s, whose copy starts at sp and is held
 * in one piece at copy, s->stack_dyn_size bytes; its image says which bytes
 * are the previous sample's) take the rest from m?  Its frame in m, or -1.
 */
long umemo_find(const struct umemo *m, struct umemo_builder *b, const struct sample *s,
		const unsigned char *copy, uint64_t sp);

/*
 * The sample's memo, made from what was noted and m (the previous sample's,
 * which this takes: it is reused or freed).  With at >= 0 (umemo_find's
 * answer for the last frame noted, ips[*n - 1]), m's frames from there on are
 * written to ips (up to max; *n and *truncated updated).  Returns the memo,
 * or NULL when nothing can be kept.
 */
struct umemo *umemo_finish(struct umemo_builder *b, struct umemo *m, long at, uint64_t *ips,
			   int *n, int max, int *truncated, uint32_t pid, uint64_t gen);

#endif
