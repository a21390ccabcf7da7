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

#include <stddef.h>
#include <stdint.h>

struct rframe {
	struct sym_frame sym;
	int truncated; /* the [truncated] marker: the unwinder ran out of stack copy */
};

struct resolver;

/* s is the session being read (for its INFO); both must outlive the resolver. */
struct resolver *resolver_new(const struct sym_opts *so, struct session *s);
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

/* The symbolizer's counters so far. */
void resolver_stats(const struct resolver *r, struct sym_stats *st);

/* Command name of a thread (its process's when unknown), or "[unknown]". */
const char *resolver_comm(struct resolver *r, uint32_t pid, uint32_t tid);

/*
 * The frames of a sample, leaf first: kernel part from the callchain, user
 * part from the callchain or (DWARF recordings) unwound from the stack copy.
 * no_kernel drops kernel frames, no_inline inlined ones.  *out stays valid
 * until the next call.  Returns the count.
 */
size_t resolver_sample(struct resolver *r, const struct sample *s, int no_kernel, int no_inline,
		       const struct rframe **out);

#endif
