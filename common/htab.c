/* The hash table (common/htab.h). */
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct htab {
	unsigned char *entries; /* cap entries of entry_size bytes */
	uint64_t *hashes;       /* each slot's hash; 0: empty (a hash of 0 is stored as 1) */
	size_t cap, used;       /* cap: a power of two */
	size_t entry_size, key_size;
	htab_match_fn match;
	void *ctx;
};

static void alloc_slots(struct htab *t, size_t cap)
{
	t->cap = cap;
	t->entries = xcalloc(cap, t->entry_size);
	t->hashes = xcalloc(cap, sizeof(*t->hashes));
}

struct htab *htab_new(size_t entry_size, size_t key_size, size_t min_slots, htab_match_fn match,
		      void *ctx)
{
	struct htab *t = xcalloc(1, sizeof(*t));
	size_t cap = 8;
	while (cap < min_slots)
		cap *= 2;
	t->entry_size = entry_size ? entry_size : 1;
	t->key_size = key_size;
	t->match = match;
	t->ctx = ctx;
	alloc_slots(t, cap);
	return t;
}

void htab_free(struct htab *t)
{
	if (!t)
		return;
	free(t->entries);
	free(t->hashes);
	free(t);
}

static inline uint64_t stored(uint64_t hash)
{
	return hash ? hash : 1;
}

static inline int holds(const struct htab *t, size_t i, const void *key)
{
	const void *e = t->entries + i * t->entry_size;
	return t->match ? t->match(e, key, t->ctx) : !memcmp(e, key, t->key_size);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t probe(const struct htab *t, uint64_t h, const void *key)
{
	size_t mask = t->cap - 1, i = h & mask;
	while (t->hashes[i] && (t->hashes[i] != h || !holds(t, i, key)))
		i = (i + 1) & mask;
	return i;
}

void *htab_find(const struct htab *t, uint64_t hash, const void *key)
{
	size_t i = probe(t, stored(hash), key);
	return t->hashes[i] ? t->entries + i * t->entry_size : NULL;
}

static void grow(struct htab *t)
{
	unsigned char *old_entries = t->entries;
	uint64_t *old_hashes = t->hashes;
	size_t old_cap = t->cap;
	alloc_slots(t, old_cap * 2);
	size_t mask = t->cap - 1;
	for (size_t i = 0; i < old_cap; i++) {
		if (!old_hashes[i])
			continue;
		size_t j = old_hashes[i] & mask;
		while (t->hashes[j])
			j = (j + 1) & mask;
		t->hashes[j] = old_hashes[i];
		memcpy(t->entries + j * t->entry_size, old_entries + i * t->entry_size,
		       t->entry_size);
	}
	free(old_entries);
	free(old_hashes);
}

void *htab_insert(struct htab *t, uint64_t hash, const void *key, int *added)
{
	uint64_t h = stored(hash);
	size_t i = probe(t, h, key);
	if (t->hashes[i]) {
		if (added)
			*added = 0;
		return t->entries + i * t->entry_size;
	}
	if ((t->used + 1) * 4 > t->cap * 3) {
		grow(t);
		i = probe(t, h, key);
	}
	t->hashes[i] = h;
	t->used++;
	if (added)
		*added = 1;
	return t->entries + i * t->entry_size; /* zero: calloc'ed or cleared */
}

size_t htab_count(const struct htab *t)
{
	return t->used;
}

void *htab_next(const struct htab *t, size_t *pos)
{
	for (size_t i = *pos; i < t->cap; i++) {
		if (t->hashes[i]) {
			*pos = i + 1;
			return t->entries + i * t->entry_size;
		}
	}
	*pos = t->cap;
	return NULL;
}

void htab_clear(struct htab *t)
{
	memset(t->entries, 0, t->cap * t->entry_size);
	memset(t->hashes, 0, t->cap * sizeof(*t->hashes));
	t->used = 0;
}
