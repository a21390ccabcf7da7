/* stackcache.h — samples with the same raw stack resolve once.
 *
 * A key is what decides a sample's frames: process, its address-space
 * generation, root name, CPU mode and callchain.  The first sample of a key
 * is resolved to frame ids; later ones only count.  Not for DWARF samples,
 * whose stacks are in the stack copy, not the key.
 */
#ifndef STOKE_STACKCACHE_H
#define STOKE_STACKCACHE_H

#include <stddef.h>
#include <stdint.h>

struct stack_key {
	uint32_t pid, tid;     /* tid only when roots are per thread, else 0 */
	uint32_t gen;          /* address-space generation of pid */
	const void *root;      /* root name (an interned pointer) */
	uint64_t ip;           /* used when there is no callchain */
	uint16_t cpumode;
	uint64_t nr;           /* callchain entries */
	const uint64_t *chain; /* copied on insert */
};

struct stack_entry {
	uint32_t *ids;   /* frame ids, root first; NULL until set */
	uint32_t nr_ids;
	int dropped;     /* resolved to nothing, or filtered out */
	uint64_t count;  /* samples */
};

struct stackcache;

struct stackcache *stackcache_new(void);
void stackcache_free(struct stackcache *c); /* NULL is a no-op */

/* The entry for k (created empty, *fresh = 1, when new). Valid until the next call. */
struct stack_entry *stackcache_get(struct stackcache *c, const struct stack_key *k, int *fresh);

/* Copy ids into the entry. */
void stackcache_set_ids(struct stackcache *c, struct stack_entry *e, const uint32_t *ids, size_t n);

/* Call fn for every entry, in the order they were first inserted. */
void stackcache_each(struct stackcache *c, void (*fn)(void *ctx, const struct stack_entry *e), void *ctx);

#endif
