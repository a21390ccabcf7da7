#include "report/stackcache.h"
#include "common/arena.h"
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* The table's entries. */
struct slot {
	uint64_t seq;             /* insertion order */
	struct stack_key key;     /* chain points into the arena */
	struct stack_entry e;
};

struct stackcache {
	struct arena *arena;      /* chains and ids */
	struct htab *slots;       /* struct slot, by key */
};

static int slot_matches(const void *entry, const void *key, void *ctx);

struct stackcache *stackcache_new(void)
{
	struct stackcache *c = xcalloc(1, sizeof(*c));
	c->arena = arena_new();
	c->slots = htab_new(sizeof(struct slot), 0, 4096, slot_matches, NULL);
	return c;
}

void stackcache_free(struct stackcache *c)
{
	if (!c)
		return;
	arena_free(c->arena);
	htab_free(c->slots);
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
	if (!k->nr)
		return hash64(hash_words(h, &k->ip, 1));
	/* Two lanes: a callchain is tens of words, and one lane's multiplications wait for each
	 * other (only the table's placement depends on the hash; the order is kept apart). */
	uint64_t a = h, b = h ^ k->nr;
	size_t i = 0;
	for (; i + 1 < k->nr; i += 2) {
		a = (a ^ k->chain[i]) * 0x9e3779b97f4a7c15ULL;
		b = (b ^ k->chain[i + 1]) * 0xc2b2ae3d27d4eb4fULL;
		a ^= a >> 29;
		b ^= b >> 31;
	}
	if (i < k->nr)
		a = (a ^ k->chain[i]) * 0x9e3779b97f4a7c15ULL;
	return hash64(a ^ (b * 0x165667b19e3779f9ULL));
}

static int key_eq(const struct stack_key *a, const struct stack_key *b)
{
	return a->pid == b->pid && a->tid == b->tid && a->gen == b->gen && a->root == b->root &&
	       a->cpumode == b->cpumode && a->nr == b->nr &&
	       (a->nr ? !memcmp(a->chain, b->chain, a->nr * sizeof(*a->chain)) : a->ip == b->ip);
}

static int slot_matches(const void *entry, const void *key, void *ctx)
{
	return key_eq(&((const struct slot *)entry)->key, key);
}

struct stack_entry *stackcache_get(struct stackcache *c, const struct stack_key *k, int *fresh)
{
	size_t seq = htab_count(c->slots);
	struct slot *s = htab_insert(c->slots, key_hash(k), k, fresh);
	if (!*fresh)
		return &s->e;
	s->seq = seq;
	s->key = *k;
	if (k->nr) {
		uint64_t *chain = arena_alloc(c->arena, k->nr * sizeof(*chain));
		memcpy(chain, k->chain, k->nr * sizeof(*chain));
		s->key.chain = chain;
	}
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
	size_t n = htab_count(c->slots), pos = 0;
	const struct slot **order = xmalloc((n ? n : 1) * sizeof(*order));
	for (const struct slot *s; (s = htab_next(c->slots, &pos));)
		order[s->seq] = s;
	for (size_t i = 0; i < n; i++)
		fn(ctx, &order[i]->e);
	free(order);
}
