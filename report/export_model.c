/* The tables of an export_profile: each kind of entry is interned once through one small hash index. */
#include "report/export_model.h"
#include "common/htab.h"
#include "common/util.h"
#include "symbolize/strtab.h"

#include <stdlib.h>
#include <string.h>

/* Entry indexes (uint32_t) in a common/htab, made on the first put; equality decided by the
 * caller's callback on the profile's arrays. */
struct xindex {
	struct htab *t;
};

struct export_private {
	struct strtab *strings;
	struct xindex functions, mappings, locations, stacks, threads;
	size_t alloc_functions, alloc_mappings, alloc_locations, alloc_lines, alloc_stacks,
	       alloc_stack_locs, alloc_threads;
	uint32_t kernel_mapping; /* id, 0 until the first kernel address */
};

typedef int (*xindex_eq)(const struct export_profile *p, uint32_t idx, const void *key);

/* What a probe compares: key, against the entry at an index of p's arrays, by eq. */
struct xkey {
	const struct export_profile *p;
	const void *key;
	xindex_eq eq;
};

static int xkey_matches(const void *entry, const void *key, void *ctx)
{
	const struct xkey *k = key;
	return k->eq(k->p, *(const uint32_t *)entry, k->key);
}

static void xindex_release(struct xindex *x)
{
	htab_free(x->t);
}

/* Index idx (already in p's arrays) under key, which no entry matched. */
static void xindex_put(struct xindex *x, const struct export_profile *p, uint64_t h,
		       const void *key, xindex_eq eq, uint32_t idx)
{
	struct xkey k = { p, key, eq };
	if (!x->t)
		x->t = htab_new(sizeof(uint32_t), 0, 1024, xkey_matches, NULL);
	*(uint32_t *)htab_insert(x->t, h, &k, NULL) = idx;
}

/* Index of the entry equal to key, or UINT32_MAX. */
static uint32_t xindex_find(const struct xindex *x, const struct export_profile *p, uint64_t h,
			    const void *key, xindex_eq eq)
{
	struct xkey k = { p, key, eq };
	const uint32_t *e = x->t ? htab_find(x->t, h, &k) : NULL;
	return e ? *e : UINT32_MAX;
}

static uint64_t hash_ptrs(const void *a, const void *b, const void *c)
{
	uint64_t w[3] = { (uintptr_t)a, (uintptr_t)b, (uintptr_t)c };
	return hash_words(FNV_INIT, w, 3);
}

struct export_profile *xb_new(void)
{
	struct export_profile *p = xcalloc(1, sizeof(*p));
	p->priv = xcalloc(1, sizeof(*p->priv));
	p->priv->strings = strtab_new();
	p->event = p->value_type = p->value_unit = "";
	return p;
}

void export_free(struct export_profile *p)
{
	if (!p)
		return;
	struct export_private *x = p->priv;
	for (size_t i = 0; i < p->nr_threads; i++)
		free(p->threads[i].samples);
	free(p->threads);
	free(p->functions);
	free(p->mappings);
	free(p->locations);
	free(p->lines);
	free(p->stacks);
	free(p->stack_locs);
	xindex_release(&x->functions);
	xindex_release(&x->mappings);
	xindex_release(&x->locations);
	xindex_release(&x->stacks);
	xindex_release(&x->threads);
	strtab_free(x->strings);
	free(x);
	free(p);
}

const char *xb_str(struct export_profile *p, const char *s)
{
	return s ? strtab_intern(p->priv->strings, s) : NULL;
}

/* ---- functions ------------------------------------------------------------ */

static int function_eq(const struct export_profile *p, uint32_t idx, const void *key)
{
	const struct export_function *a = &p->functions[idx], *b = key;
	return a->name == b->name && a->system_name == b->system_name && a->file == b->file;
}

uint32_t xb_function(struct export_profile *p, const char *name, const char *system_name,
		     const char *file)
{
	struct export_private *x = p->priv;
	struct export_function key = { name, system_name, file };
	uint64_t h = hash_ptrs(name, system_name, file);
	uint32_t idx = xindex_find(&x->functions, p, h, &key, function_eq);
	if (idx != UINT32_MAX)
		return idx;
	ALLOC_GROW(p->functions, p->nr_functions + 1, x->alloc_functions);
	idx = (uint32_t)p->nr_functions++;
	p->functions[idx] = key;
	xindex_put(&x->functions, p, h, &key, function_eq, idx);
	return idx;
}

/* ---- mappings ------------------------------------------------------------- */

static int mapping_eq(const struct export_profile *p, uint32_t idx, const void *key)
{
	const struct export_mapping *a = &p->mappings[idx], *b = key;
	return a->file == b->file && a->start == b->start && a->limit == b->limit &&
	       a->offset == b->offset && !a->is_kernel;
}

static uint32_t add_mapping(struct export_profile *p, const struct export_mapping *m)
{
	ALLOC_GROW(p->mappings, p->nr_mappings + 1, p->priv->alloc_mappings);
	p->mappings[p->nr_mappings] = *m;
	return (uint32_t)++p->nr_mappings;
}

uint32_t xb_mapping(struct export_profile *p, const char *file, uint64_t start, uint64_t limit,
		    uint64_t offset, const char *build_id)
{
	struct export_private *x = p->priv;
	struct export_mapping key = { start, limit, offset, file, build_id, 0 };
	uint64_t w[4] = { (uintptr_t)file, start, limit, offset };
	uint64_t h = hash_words(FNV_INIT, w, 4);
	uint32_t idx = xindex_find(&x->mappings, p, h, &key, mapping_eq);
	if (idx != UINT32_MAX)
		return idx + 1;
	uint32_t id = add_mapping(p, &key);
	xindex_put(&x->mappings, p, h, &key, mapping_eq, id - 1);
	return id;
}

uint32_t xb_kernel_mapping(struct export_profile *p, uint64_t addr)
{
	struct export_private *x = p->priv;
	if (!x->kernel_mapping) {
		struct export_mapping m = { addr, addr + 1, 0, xb_str(p, "[kernel.kallsyms]"), NULL, 1 };
		x->kernel_mapping = add_mapping(p, &m);
	}
	struct export_mapping *m = &p->mappings[x->kernel_mapping - 1];
	if (addr < m->start)
		m->start = addr;
	if (addr >= m->limit)
		m->limit = addr + 1;
	return x->kernel_mapping;
}

/* ---- locations ------------------------------------------------------------ */

struct location_key {
	uint32_t mapping, scope;
	uint64_t addr;
	const struct export_line *lines;
	size_t n;
};

static int location_eq(const struct export_profile *p, uint32_t idx, const void *key)
{
	const struct export_location *a = &p->locations[idx];
	const struct location_key *b = key;
	if (a->address != b->addr || a->mapping != b->mapping || a->nr_lines != b->n)
		return 0;
	/* Equal address, mapping and lines: the same location (scope only spreads the hash). */
	for (size_t i = 0; i < b->n; i++) {
		const struct export_line *l = &p->lines[a->first_line + i];
		if (l->function != b->lines[i].function || l->line != b->lines[i].line)
			return 0;
	}
	return 1;
}

uint32_t xb_location(struct export_profile *p, uint32_t mapping, uint64_t addr, uint32_t scope,
		     const struct export_line *lines, size_t n)
{
	struct export_private *x = p->priv;
	struct location_key key = { mapping, mapping ? 0 : scope, addr, lines, n };
	uint64_t w[4] = { mapping, key.scope, addr, n };
	uint64_t h = hash_words(FNV_INIT, w, 4);
	for (size_t i = 0; i < n; i++) {
		uint64_t lw[2] = { lines[i].function, (uint64_t)(uint32_t)lines[i].line };
		h = hash_words(h, lw, 2);
	}
	uint32_t idx = xindex_find(&x->locations, p, h, &key, location_eq);
	if (idx != UINT32_MAX)
		return idx;
	ALLOC_GROW(p->lines, p->nr_lines + n, x->alloc_lines);
	memcpy(p->lines + p->nr_lines, lines, n * sizeof(*lines));
	ALLOC_GROW(p->locations, p->nr_locations + 1, x->alloc_locations);
	idx = (uint32_t)p->nr_locations++;
	p->locations[idx] = (struct export_location){ addr, mapping, (uint32_t)p->nr_lines, (uint32_t)n };
	p->nr_lines += n;
	xindex_put(&x->locations, p, h, &key, location_eq, idx);
	return idx;
}

/* ---- stacks --------------------------------------------------------------- */

struct stack_key {
	const uint32_t *locs;
	size_t n;
};

static int stack_eq(const struct export_profile *p, uint32_t idx, const void *key)
{
	const struct export_stack *a = &p->stacks[idx];
	const struct stack_key *b = key;
	return a->nr == b->n && !memcmp(p->stack_locs + a->first, b->locs, b->n * sizeof(*b->locs));
}

uint32_t xb_stack(struct export_profile *p, const uint32_t *locs, size_t n)
{
	struct export_private *x = p->priv;
	struct stack_key key = { locs, n };
	uint64_t h = fnv1a(FNV_INIT, locs, n * sizeof(*locs)) ^ n;
	uint32_t idx = xindex_find(&x->stacks, p, h, &key, stack_eq);
	if (idx != UINT32_MAX)
		return idx;
	ALLOC_GROW(p->stack_locs, p->nr_stack_locs + n, x->alloc_stack_locs);
	memcpy(p->stack_locs + p->nr_stack_locs, locs, n * sizeof(*locs));
	ALLOC_GROW(p->stacks, p->nr_stacks + 1, x->alloc_stacks);
	idx = (uint32_t)p->nr_stacks++;
	p->stacks[idx] = (struct export_stack){ (uint32_t)p->nr_stack_locs, (uint32_t)n };
	p->nr_stack_locs += n;
	xindex_put(&x->stacks, p, h, &key, stack_eq, idx);
	return idx;
}

/* ---- threads -------------------------------------------------------------- */

struct thread_key {
	uint32_t pid, tid;
	const char *name;
};

static int thread_eq(const struct export_profile *p, uint32_t idx, const void *key)
{
	const struct export_thread *a = &p->threads[idx];
	const struct thread_key *b = key;
	return a->pid == b->pid && a->tid == b->tid && a->name == b->name;
}

void xb_sample(struct export_profile *p, uint32_t pid, uint32_t tid, const char *comm,
	       uint32_t stack, uint64_t count, uint64_t weight, uint64_t time)
{
	struct export_private *x = p->priv;
	struct thread_key key = { pid, tid, xb_str(p, comm) };
	uint64_t w[3] = { pid, tid, (uintptr_t)key.name };
	uint64_t h = hash_words(FNV_INIT, w, 3);
	uint32_t idx = xindex_find(&x->threads, p, h, &key, thread_eq);
	if (idx == UINT32_MAX) {
		ALLOC_GROW(p->threads, p->nr_threads + 1, x->alloc_threads);
		idx = (uint32_t)p->nr_threads++;
		p->threads[idx] = (struct export_thread){ .pid = pid, .tid = tid, .name = key.name };
		xindex_put(&x->threads, p, h, &key, thread_eq, idx);
	}
	struct export_thread *t = &p->threads[idx];
	ALLOC_GROW(t->samples, t->nr_samples + 1, t->alloc_samples);
	t->samples[t->nr_samples++] = (struct export_sample){ stack, count, weight, time };
	t->weight += weight;
	p->samples += count;
	p->weight += weight;
}

/* ---- finishing ------------------------------------------------------------ */

void xb_finish(struct export_profile *p, const char *main_file)
{
	size_t n = p->nr_mappings;
	if (!n || !main_file)
		return;
	uint32_t *new_id = xmalloc((n + 1) * sizeof(*new_id));
	struct export_mapping *out = xmalloc(n * sizeof(*out));
	size_t k = 0;
	new_id[0] = EXPORT_NONE;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if ((p->mappings[i].file == main_file) == !pass) {
				out[k] = p->mappings[i];
				new_id[i + 1] = (uint32_t)++k;
			}
	for (size_t i = 0; i < p->nr_locations; i++)
		p->locations[i].mapping = new_id[p->locations[i].mapping];
	if (p->priv->kernel_mapping)
		p->priv->kernel_mapping = new_id[p->priv->kernel_mapping];
	free(p->mappings);
	p->mappings = out;
	p->priv->alloc_mappings = n;
	/* The index keys on the old numbering: no mapping is added after this. */
	xindex_release(&p->priv->mappings);
	memset(&p->priv->mappings, 0, sizeof(p->priv->mappings));
	free(new_id);
}
