/* The hash table (common/htab.h). */
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/*
 * Each slot is the entry's hash (0: empty; a hash of 0 is stored as 1) and
 * then the entry, so that a probe reads one place.
 */
struct htab {
	unsigned char *slots;   /* cap slots of slot_size bytes */
	size_t cap, used;       /* cap: a power of two */
	size_t slot_size, entry_size, key_size;
	htab_match_fn match;
	void *ctx;
};

#define HASH(t, i) (*(uint64_t *)((t)->slots + (i) * (t)->slot_size))
#define ENTRY(t, i) ((void *)((t)->slots + (i) * (t)->slot_size + sizeof(uint64_t)))

struct htab *htab_new(size_t entry_size, size_t key_size, size_t min_slots, htab_match_fn match,
		      void *ctx)
{
	struct htab *t = xcalloc(1, sizeof(*t));
	size_t cap = 8;
	while (cap < min_slots)
		cap *= 2;
	t->entry_size = entry_size;
	t->slot_size = sizeof(uint64_t) + ALIGN8(entry_size);
	t->key_size = key_size;
	t->match = match;
	t->ctx = ctx;
	t->cap = cap;
	t->slots = xcalloc(cap, t->slot_size);
	return t;
}

void htab_free(struct htab *t)
{
	if (!t)
		return;
	free(t->slots);
	free(t);
}

static inline uint64_t stored(uint64_t hash)
{
	return hash ? hash : 1;
}

static inline int same_key(const struct htab *t, const void *entry, const void *key)
{
	if (t->match)
		return t->match(entry, key, t->ctx);
	/* The common integer keys without a call of memcmp. */
	if (t->key_size == sizeof(uint64_t)) {
		uint64_t a, b;
		memcpy(&a, entry, sizeof(a));
		memcpy(&b, key, sizeof(b));
		return a == b;
	}
	if (t->key_size == sizeof(uint32_t)) {
		uint32_t a, b;
		memcpy(&a, entry, sizeof(a));
		memcpy(&b, key, sizeof(b));
		return a == b;
	}
	return !memcmp(entry, key, t->key_size);
}

/* The slot holding key, or the empty slot where it would go. */
static inline size_t probe(const struct htab *t, uint64_t h, const void *key)
{
	size_t mask = t->cap - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		uint64_t sh = HASH(t, i);
		if (!sh)
			return i;
		if (sh == h && same_key(t, ENTRY(t, i), key))
			return i;
	}
}

void *htab_find(const struct htab *t, uint64_t hash, const void *key)
{
	size_t i = probe(t, stored(hash), key);
	return HASH(t, i) ? ENTRY(t, i) : NULL;
}

void *htab_find_u64(const struct htab *t, uint64_t hash, uint64_t key)
{
	uint64_t h = stored(hash);
	size_t mask = t->cap - 1, i = h & mask;
	for (;; i = (i + 1) & mask) {
		const unsigned char *slot = t->slots + i * t->slot_size;
		uint64_t sh, k;
		memcpy(&sh, slot, sizeof(sh));
		if (!sh)
			return NULL;
		memcpy(&k, slot + sizeof(sh), sizeof(k));
		if (sh == h && k == key)
			return (void *)(slot + sizeof(sh));
	}
}

static void grow(struct htab *t)
{
	struct htab old = *t;
	t->cap = old.cap * 2;
	t->slots = xcalloc(t->cap, t->slot_size);
	size_t mask = t->cap - 1;
	for (size_t i = 0; i < old.cap; i++) {
		uint64_t h = HASH(&old, i);
		if (!h)
			continue;
		size_t j = h & mask;
		while (HASH(t, j))
			j = (j + 1) & mask;
		memcpy(t->slots + j * t->slot_size, old.slots + i * old.slot_size, t->slot_size);
	}
	free(old.slots);
}

void *htab_insert(struct htab *t, uint64_t hash, const void *key, int *added)
{
	uint64_t h = stored(hash);
	size_t i = probe(t, h, key);
	if (HASH(t, i)) {
		if (added)
			*added = 0;
		return ENTRY(t, i);
	}
	if ((t->used + 1) * 4 > t->cap * 3) {
		grow(t);
		i = probe(t, h, key);
	}
	HASH(t, i) = h;
	t->used++;
	if (added)
		*added = 1;
	return ENTRY(t, i); /* zero: calloc'ed or cleared */
}

size_t htab_count(const struct htab *t)
{
	return t->used;
}

void *htab_next(const struct htab *t, size_t *pos)
{
	for (size_t i = *pos; i < t->cap; i++) {
		if (HASH(t, i)) {
			*pos = i + 1;
			return ENTRY(t, i);
		}
	}
	*pos = t->cap;
	return NULL;
}

void htab_clear(struct htab *t)
{
	memset(t->slots, 0, t->cap * t->slot_size);
	t->used = 0;
}
