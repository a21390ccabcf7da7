/* unwind.h — user stacks of DWARF-mode samples: compiled CFI rules, and libunwind's remote API.
 *
 * A sample carries the user registers and a copy of the top of the user
 * stack.  Each step applies the rules that hold at the frame's address,
 * found once per address through libdw (the file's .eh_frame via its
 * .eh_frame_hdr, else .debug_frame, its own or a separate debug file's; see
 * cfi.h) and kept per process and per file: the common form (CFA = register
 * + offset, registers saved at CFA + offset) compiled, anything else (PLT
 * stubs, signal frames) evaluated from libdw's frame.  Where no CFI covers a
 * frame, libunwind takes the rest of the stack from there, with its own
 * table lookup and its frame-pointer guess, and the frame pointer after that.
 * With UNWIND_LIBUNWIND_ONLY libunwind steps every frame (slower: this
 * libunwind makes two system calls per step), a cross-check.  Memory reads
 * come from the copy (stack addresses) or from the mapped ELF files; nothing
 * outside the copy or the files is ever read.  The maps are the address
 * space's (addrspace.h); what the unwinder derives from a process's maps is
 * dropped when their generation changes, and what it derives from a file
 * (its CFI, its compiled rules) hangs on the file's object (OBJFILE_UNWIND).
 */
#ifndef STOKE_UNWIND_H
#define STOKE_UNWIND_H

#include "common/sample.h"
#include "symbolize/addrspace.h"

#include <stddef.h>
#include <stdint.h>

struct unwinder;

/* The most user frames a sample is unwound to (the recorder's and the report's). */
#define UNWIND_MAX_FRAMES 1024

/* unwind_new flags */
enum {
	UNWIND_LIBUNWIND_ONLY = 1, /* every step through libunwind, no compiled rules */
	UNWIND_NO_MEMO = 2,        /* no frames taken from the thread's previous sample */
	/* Whole copies (no stack image to carry the memo from sample to sample): keep each
	 * thread's memo here, by tid, until unwind_forget_thread.  The recorder's way. */
	UNWIND_MEMO_BY_THREAD = 4,
};

/* as: the processes and maps unwound in; it must outlive the unwinder. */
struct unwinder *unwind_new(const struct addrspace *as, int flags);
/* Frees what it hung on as's objects and clears their slots.  NULL is a no-op. */
void unwind_free(struct unwinder *u);

/* Let go of what the unwinder built from obj (its CFI, its compiled rules) and clear its
 * slot, so that the file may be closed: no process maps it any more (addrspace_unmapped_files). */
void unwind_drop_file(struct unwinder *u, struct objfile *obj);

/* Thread tid exited: its memo (UNWIND_MEMO_BY_THREAD) goes. */
void unwind_forget_thread(struct unwinder *u, uint32_t tid);

/* Let go of what was derived from pid's maps (its rules by runtime address, libunwind's
 * address space): a process that is gone (addrspace_forget). */
void unwind_forget(struct unwinder *u, uint32_t pid);

/* Counters: DWARF samples unwound, frames found by unwinding, and frames taken over from
 * the thread's previous sample (its memo) instead. */
struct unwind_stats {
	uint64_t samples, frames, frames_reused;
};
void unwind_get_stats(const struct unwinder *u, struct unwind_stats *st);

/*
 * Unwind the user stack of s (which must have user registers).  Writes up to
 * max instruction pointers, the sampled one first, callers after.  Returns
 * the count (>= 1 when the sample has an IP), and sets *truncated when the
 * unwinding stopped because the stack copy ended (a deeper stack than the
 * copied size) or max frames were written with callers left, as opposed to
 * reaching the outermost frame.
 */
int unwind_sample(struct unwinder *u, const struct sample *s, uint64_t *ips, int max,
		  int *truncated);

#endif
