#include "symbolize/strtab.h"
#include "common/arena.h"
#include "common/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strtab {
	struct arena *arena;
	const char **slots;
	uint64_t *hashes;
	size_t cap, used;
};

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));
	t->arena = arena_new();
	t->cap = 1024;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->hashes = xcalloc(t->cap, sizeof(*t->hashes));
	return t;
}

void strtab_free(struct strtab *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	free(t->slots);
	free(t->hashes);
	free(t);
}

static void grow(struct strtab *t)
{
	const char **os = t->slots;
	uint64_t *oh = t->hashes;
	size_t ocap = t->cap;
	t->cap *= 2;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->hashes = xcalloc(t->cap, sizeof(*t->hashes));
	for (size_t i = 0; i < ocap; i++) {
		if (!os[i])
			continue;
		size_t j = oh[i] & (t->cap - 1);
		while (t->slots[j])
			j = (j + 1) & (t->cap - 1);
		t->slots[j] = os[i];
		t->hashes[j] = oh[i];
	}
	free(os);
	free(oh);
}

const char *strtab_intern_n(struct strtab *t, const char *s, size_t n)
{
	if ((t->used + 1) * 2 > t->cap)
		grow(t);
	uint64_t h = fnv1a(FNV_INIT, s, n);
	size_t i = h & (t->cap - 1);
	while (t->slots[i]) {
		if (t->hashes[i] == h && !strncmp(t->slots[i], s, n) && !t->slots[i][n])
			return t->slots[i];
		i = (i + 1) & (t->cap - 1);
	}
	t->slots[i] = arena_strndup(t->arena, s, n);
	t->hashes[i] = h;
	t->used++;
	return t->slots[i];
}

const char *strtab_intern(struct strtab *t, const char *s)
{
	return strtab_intern_n(t, s, strlen(s));
}
