#include "report/stackcache.h"
#include "common/arena.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t hash;            /* 0: empty */
	uint64_t seq;             /* insertion order */
	struct stack_key key;     /* chain points into the arena */
	struct stack_entry e;
};

struct stackcache {
	struct arena *arena;
	struct slot *slots;
	size_t cap, used;
};

struct stackcache *stackcache_new(void)
{
	struct stackcache *c = xcalloc(1, sizeof(*c));
	c->arena = arena_new();
	c->cap = 4096;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	return c;
}

void stackcache_free(struct stackcache *c)
{
	if (!c)
		return;
	arena_free(c->arena);
	free(c->slots);
	free(c);
}

static uint64_t key_hash(const struct stack_key *k)
{
	uint64_t head[3] = {
		(uint64_t)k->pid << 32 | k->tid,
		(uint64_t)k->gen << 16 | k->cpumode,
		(uint64_t)(uintptr_t)k->root,
	};
	uint64_t h = hash_words(0, head, 3);
	h = k->nr ? hash_words(h, k->chain, k->nr) : hash_words(h, &k->ip, 1);
	h = hash64(h);
	return h ? h : 1;
}

static int key_eq(const struct stack_key *a, const struct stack_key *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->gen == b->gen && a->root == b->root &&
	       a->cpumode == b->cpumode && a->nr == b->nr &&
	       (a->nr ? !memcmp(a->chain, b->chain, a->nr * sizeof(*a->chain)) : a->ip == b->ip);
}

static void grow(struct stackcache *c)
{
	struct slot *old = c->slots;
	size_t old_cap = c->cap;
	c->cap *= 2;
	c->slots = xcalloc(c->cap, sizeof(*c->slots));
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].hash)
			continue;
		size_t j = old[i].hash & (c->cap - 1);
		while (c->slots[j].hash)
			j = (j + 1) & (c->cap - 1);
		c->slots[j] = old[i];
	}
	free(old);
}

struct stack_entry *stackcache_get(struct stackcache *c, const struct stack_key *k, int *fresh)
{
	if ((c->used + 1) * 4 > c->cap * 3)
		grow(c);
	uint64_t h = key_hash(k);
	size_t i = h & (c->cap - 1);
	while (c->slots[i].hash) {
		if (c->slots[i].hash == h && key_eq(&c->slots[i].key, k)) {
			*fresh = 0;
			return &c->slots[i].e;
		}
		i = (i + 1) & (c->cap - 1);
	}
	struct slot *s = &c->slots[i];
	s->hash = h;
	s->seq = c->used;
	s->key = *k;
	if (k->nr) {
		uint64_t *chain = arena_alloc(c->arena, k->nr * sizeof(*chain));
		memcpy(chain, k->chain, k->nr * sizeof(*chain));
		s->key.chain = chain;
	}
	c->used++;
	*fresh = 1;
	return &s->e;
}

void stackcache_set_ids(struct stackcache *c, struct stack_entry *e, const uint32_t *ids, size_t n)
{
	e->ids = arena_alloc(c->arena, n * sizeof(*ids));
	memcpy(e->ids, ids, n * sizeof(*ids));
	e->nr_ids = (uint32_t)n;
}

void stackcache_each(struct stackcache *c, void (*fn)(void *ctx, const struct stack_entry *e), void *ctx)
{
	/* In insertion order: slot order follows hashes of pointers, which differ from run to
	 * run, and the tree built from the entries must not (ties in reports are broken by it). */
	const struct slot **order = xmalloc((c->used ? c->used : 1) * sizeof(*order));
	for (size_t i = 0; i < c->cap; i++)
		if (c->slots[i].hash)
			order[c->slots[i].seq] = &c->slots[i];
	for (size_t i = 0; i < c->used; i++)
		fn(ctx, &order[i]->e);
	free(order);
}
