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
 * outside the copy or the files is ever read.
 */
#ifndef STOKE_UNWIND_H
#define STOKE_UNWIND_H

#include "common/sample.h"

#include <stddef.h>
#include <stdint.h>

/* Where an address is mapped in a process: what the caller's address-space model knows. */
struct unwind_map {
	uint64_t start, end; /* [start, end) */
	uint64_t pgoff;      /* file offset of start */
	const char *path;    /* mapped file; NULL or not "/..." when not a file */
};

/* Fill *out for addr in pid; 0 when found, a negative errno when not. */
typedef int (*unwind_find_map_fn)(void *ctx, uint32_t pid, uint64_t addr, struct unwind_map *out);

struct unwinder;

/* unwind_new flags */
enum {
	UNWIND_LIBUNWIND_ONLY = 1, /* every step through libunwind, no compiled rules */
	UNWIND_NO_MEMO = 2,        /* no frames taken from the thread's previous sample */
};

struct unwinder *unwind_new(unwind_find_map_fn find_map, void *ctx, int flags);
void unwind_free(struct unwinder *u); /* NULL is a no-op */

/* Counters: DWARF samples unwound, frames found by unwinding, and frames taken over from
 * the thread's previous sample (its memo) instead. */
struct unwind_stats {
	uint64_t samples, frames, frames_reused;
};
void unwind_get_stats(const struct unwinder *u, struct unwind_stats *st);

/* pid's maps changed (mmap, exec, exit): forget what libunwind cached for it. */
void unwind_flush(struct unwinder *u, uint32_t pid);

/*
 * Unwind the user stack of s (which must have user registers).  Writes up to
 * max instruction pointers, the sampled one first, callers after.  Returns
 * the count (>= 1 when the sample has an IP), and sets *truncated when the
 * unwinding stopped because the stack copy ended (a deeper stack than the
 * copied size), as opposed to reaching the outermost frame.
 */
int unwind_sample(struct unwinder *u, const struct sample *s, uint64_t *ips, int max,
		  int *truncated);

#endif
