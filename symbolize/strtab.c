#include "symbolize/strtab.h"
#include "common/arena.h"
#include "common/htab.h"
#include "common/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct strtab {
	struct arena *arena;  /* the strings */
	struct htab *strings; /* struct interned by content */
};

struct interned {
	const char *s;        /* in the arena, NUL-terminated */
	size_t len;
};

static int same_string(const void *entry, const void *key, void *ctx)
{
	const struct interned *e = entry, *k = key;
	(void)ctx;
	return e->len == k->len && !memcmp(e->s, k->s, k->len);
}

struct strtab *strtab_new(void)
{
	struct strtab *t = xcalloc(1, sizeof(*t));
	t->arena = arena_new();
	t->strings = htab_new(sizeof(struct interned), 0, 1024, same_string, NULL);
	return t;
}

void strtab_free(struct strtab *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	htab_free(t->strings);
	free(t);
}

const char *strtab_intern_n(struct strtab *t, const char *s, size_t n)
{
	struct interned key = { s, n };
	int added;
	struct interned *e = htab_insert(t->strings, fnv1a(FNV_INIT, s, n), &key, &added);
	if (added) {
		e->s = arena_strndup(t->arena, s, n);
		e->len = n;
	}
	return e->s;
}

const char *strtab_intern(struct strtab *t, const char *s)
{
	return strtab_intern_n(t, s, strlen(s));
}
