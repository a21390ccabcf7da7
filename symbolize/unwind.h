/* unwind.h — user stacks of DWARF-mode samples, unwound with libunwind's remote API.
 *
 * A sample carries the user registers and a copy of the top of the user
 * stack.  The unwinder serves libunwind's memory reads from that copy (for
 * stack addresses) or from the mapped ELF files (everything else), and finds
 * unwind tables through each file's .eh_frame_hdr.  It never reads outside
 * the copy or the files.  Where .eh_frame_hdr does not cover a frame, the
 * step uses libdw's reading of the file's .eh_frame or .debug_frame (its own
 * or a separate debug file's; see cfi.h).  Where no CFI covers a frame, it
 * falls back to the frame pointer from there on.
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

struct unwinder *unwind_new(unwind_find_map_fn find_map, void *ctx);
void unwind_free(struct unwinder *u); /* NULL is a no-op */

/* pid's maps changed (mmap, exec, exit): forget what libunwind cached for it. */
void unwind_flush(struct unwinder *u, uint32_t pid);

struct unwind_stats {
	uint64_t samples, frames, truncated, fp_steps, failed;
	uint64_t cfi_steps; /* steps through libdw's CFI, where libunwind had no table */
};
void unwind_get_stats(const struct unwinder *u, struct unwind_stats *st);

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
