/* resolve.h — samples of a stoke file to symbolized frames (shared by report, flamegraph, script).
 *
 * Owns the address space (processes and maps, fed once from the session's
 * process records in time order), the symbolizer and the DWARF unwinder that
 * both read it, and the thread → command-name map.
 */
#ifndef STOKE_RESOLVE_H
#define STOKE_RESOLVE_H

#include "common/sample.h"
#include "report/session.h"
#include "symbolize/symbolize.h"
#include "symbolize/unwind.h"

#include <stddef.h>
#include <stdint.h>

struct rframe {
	struct sym_frame sym;
	int truncated; /* the [truncated] marker: the unwinder ran out of stack copy */
};

struct resolver;

/* What the resolver itself decides, beside the symbolizer's options. */
struct resolve_opts {
	int unwind_flags;          /* unwind_new's: UNWIND_LIBUNWIND_ONLY, UNWIND_NO_MEMO */
	const char *kallsyms_path; /* kernel symbols for a file without a snapshot (--kallsyms) */
};

/* s is the session being read (for its INFO); both must outlive the resolver.  ro may be
 * NULL (the defaults).  Warnings go through so's warn. */
struct resolver *resolver_new(const struct sym_opts *so, const struct resolve_opts *ro,
			      struct session *s);
void resolver_free(struct resolver *r); /* NULL is a no-op */

/* Timed process records (COMM, FORK, EXIT, MMAP, MMAP2), in time order. */
void resolver_record(struct resolver *r, const struct perf_event_header *h);
/* stoke metadata records (KALLSYMS is used). */
void resolver_meta(struct resolver *r, const struct perf_event_header *h);

/* Address-space generation of pid (see as_proc_generation). */
uint32_t resolver_generation(struct resolver *r, uint32_t pid);

/* The mapping of addr in pid (see addrspace_find): 0, or -ENOENT. */
int resolver_find_map(struct resolver *r, uint32_t pid, uint64_t addr, uint64_t *start,
		      uint64_t *end, uint64_t *pgoff, const char **path);

/* The symbolizer's and the unwinder's counters so far. */
void resolver_stats(const struct resolver *r, struct sym_stats *st, struct unwind_stats *ust);

/* Every sample is in: what was looked up is kept for the next report (sym_keep). */
void resolver_keep(struct resolver *r);

/* Command name of a thread (its process's when unknown), or "[unknown]". */
const char *resolver_comm(struct resolver *r, uint32_t pid, uint32_t tid);

/* One address of a sample's stack: in the kernel, or a user address that is a return
 * address (caller: looked up at addr - 1) or not (the sampled IP). */
struct raddr {
	uint64_t addr;
	uint8_t kernel, caller;
};

/* The [truncated] frame that ends a stack whose unwinding ran out of stack copy. */
extern const struct rframe resolver_truncated_frame;

/*
 * The addresses of a sample's stack, leaf first, before symbolization: the
 * kernel part from the callchain (none with no_kernel), the user part from
 * the callchain or unwound.  *truncated: the unwinding ran out of stack copy
 * (the stack goes on past the last address).  *out stays valid until the next
 * call.  Returns the count.
 */
size_t resolver_addresses(struct resolver *r, const struct sample *s, int no_kernel,
			  const struct raddr **out, int *truncated);

/*
 * The frames of one address of pid's (inlined ones first, the function that
 * holds them last; none inlined with no_inline).  Depends only on (pid, its
 * generation, a), so a caller may keep the result per (pid, generation,
 * address).  *out stays valid until the next call.  Returns the count (>= 1).
 */
size_t resolver_address(struct resolver *r, uint32_t pid, const struct raddr *a, int no_inline,
			const struct rframe **out);

/*
 * The frames of a sample, leaf first (resolver_addresses, each through
 * resolver_address, then the [truncated] frame when there is one): kernel part from the callchain, user
 * part from the callchain or (DWARF recordings) unwound from the stack copy.
 * no_kernel drops kernel frames, no_inline inlined ones.  *out stays valid
 * until the next call.  Returns the count.
 */
size_t resolver_sample(struct resolver *r, const struct sample *s, int no_kernel, int no_inline,
		       const struct rframe **out);

#endif
