/* report/stackcache: one entry per distinct raw stack (every field of the key counts, the
 * chain by content, not by address), ids copied in, entries visited in insertion order. */
#include "report/stackcache.h"
#include "t.h"

#include <stdint.h>

struct walk {
	uint64_t counts[3000];
	size_t n;
};

static void visit(void *ctx, const struct stack_entry *e)
{
	struct walk *w = ctx;
	if (w->n < 3000)
		w->counts[w->n] = e->count;
	w->n++;
}

int main(void)
{
	struct stackcache *c = stackcache_new();
	static const char root_a[] = "a", root_b[] = "b";
	int fresh, ok_new = 1, ok_old = 1;
	/* 2000 stacks: chain [i, i+1, ...] of i % 7 + 1 entries, pid i % 5. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint64_t i = 0; i < 2000; i++) {
			uint64_t chain[8];
			size_t nr = i % 7 + 1;
			for (size_t j = 0; j < nr; j++)
				chain[j] = 0x400000 + i * 16 + j;
			struct stack_key k = { .pid = (uint32_t)(i % 5), .gen = 1, .root = root_a,
					       .cpumode = 2, .nr = nr, .chain = chain };
			struct stack_entry *e = stackcache_get(c, &k, &fresh);
			if (fresh != !pass)
				*(pass ? &ok_old : &ok_new) = 0;
			if (fresh) {
				uint32_t ids[2] = { (uint32_t)i, 7 };
				stackcache_set_ids(c, e, ids, 2);
			} else if (!e->ids || e->nr_ids != 2 || e->ids[0] != i) {
				ok_old = 0;
			}
			e->count += i + 1;
			chain[0] = 0; /* the cache copied the chain */
		}
	}
	T_OK(ok_new, "2000 distinct stacks are each new once");
	T_OK(ok_old, "the same stacks again find their entries and ids (chains by content)");

	uint64_t chain[2] = { 1, 2 };
	struct stack_key base = { .pid = 9, .tid = 0, .gen = 1, .root = root_a, .cpumode = 2,
				  .nr = 2, .chain = chain };
	stackcache_get(c, &base, &fresh);
	struct stack_key v[6];
	for (int i = 0; i < 6; i++)
		v[i] = base;
	v[0].pid = 10;
	v[1].tid = 3;
	v[2].gen = 2;
	v[3].root = root_b;
	v[4].cpumode = 1;
	v[5].nr = 1;
	int all_new = 1;
	for (int i = 0; i < 6; i++) {
		stackcache_get(c, &v[i], &fresh);
		all_new &= fresh;
	}
	T_OK(all_new, "pid, tid, generation, root, CPU mode and chain length each tell stacks apart");
	struct stack_key noch = { .pid = 9, .gen = 1, .root = root_a, .cpumode = 2, .ip = 0x1234 };
	stackcache_get(c, &noch, &fresh);
	int first = fresh;
	noch.ip = 0x1235;
	stackcache_get(c, &noch, &fresh);
	T_OK(first && fresh, "without a chain, the IP is the stack");

	struct walk w = { .n = 0 };
	stackcache_each(c, visit, &w);
	int order = w.n == 2000 + 1 + 6 + 2;
	for (size_t i = 0; order && i < 2000; i++)
		order = w.counts[i] == 2 * (i + 1);
	T_OK(order, "every entry visited once, in insertion order, with its counts");
	stackcache_free(c);
	stackcache_free(NULL);
	T_DONE();
}
