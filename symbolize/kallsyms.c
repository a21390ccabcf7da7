#include "symbolize/kallsyms.h"
#include "common/arena.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	uint64_t addr;
	const char *name;
	const char *module;
};

struct ksyms {
	struct arena *arena;
	struct ksym *syms; /* sorted by address */
	size_t nr, alloc;
	int hidden;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	return (x->addr > y->addr) - (x->addr < y->addr);
}

struct ksyms *ksyms_parse(const char *text, size_t len)
{
	struct ksyms *k = xcalloc(1, sizeof(*k));
	const char *end = text + len, *kernel = NULL;
	size_t zeros = 0, lines = 0;
	k->arena = arena_new();
	kernel = arena_strdup(k->arena, "[kernel.kallsyms]");
	for (const char *p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *line = p;
		p = eol + (eol < end);
		char *q;
		uint64_t addr = strtoull(line, &q, 16);
		if (q == line || q + 3 > eol || q[0] != ' ' || q[2] != ' ')
			continue;
		lines++;
		zeros += addr == 0;
		char type = q[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		const char *name = q + 3, *name_end = name;
		while (name_end < eol && *name_end != '\t' && *name_end != ' ')
			name_end++;
		const char *module = kernel;
		const char *br = memchr(name_end, '[', (size_t)(eol - name_end));
		if (br) {
			const char *close = memchr(br, ']', (size_t)(eol - br));
			if (close)
				module = arena_strndup(k->arena, br, (size_t)(close - br + 1));
		}
		ALLOC_GROW(k->syms, k->nr + 1, k->alloc);
		k->syms[k->nr].addr = addr;
		k->syms[k->nr].name = arena_strndup(k->arena, name, (size_t)(name_end - name));
		k->syms[k->nr].module = module;
		k->nr++;
	}
	k->hidden = lines > 0 && zeros == lines;
	xsort(k->syms, k->nr, sizeof(*k->syms), cmp_ksym);
	return k;
}

void ksyms_free(struct ksyms *k)
{
	if (!k)
		return;
	arena_free(k->arena);
	free(k->syms);
	free(k);
}

int ksyms_hidden(const struct ksyms *k)
{
	return k->hidden;
}

size_t ksyms_count(const struct ksyms *k)
{
	return k->nr;
}

int ksyms_lookup(const struct ksyms *k, uint64_t addr, const char **name, const char **module,
		 uint64_t *off)
{
	if (k->hidden || !k->nr || addr < k->syms[0].addr)
		return -ENOENT;
	size_t lo = 0, hi = k->nr;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Past the last symbol there is no end to check against: accept 1 MiB. */
	if (lo + 1 == k->nr && addr - k->syms[lo].addr > (1u << 20))
		return -ENOENT;
	*name = k->syms[lo].name;
	*module = k->syms[lo].module;
	*off = addr - k->syms[lo].addr;
	return 0;
}
