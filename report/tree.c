#include "report/tree.h"
#include "common/arena.h"
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* frame_index entry: a frame's id; the key is the frame's (name, module, kind). */
struct frame_ent {
	uint32_t id;
};

struct frame_key {
	const char *name, *module;
	enum frame_kind kind;
};

/* child_index entry: (parent << 32 | frame) -> node. */
struct child_ent {
	uint64_t key;
	uint32_t node;
};

struct tree {
	struct arena *arena;
	struct tree_frame *frames;
	size_t nr_frames, alloc_frames;
	struct tree_node *nodes;
	size_t nr_nodes, alloc_nodes;
	struct htab *frame_index; /* (name, module, kind) -> frame id */
	struct htab *child_index; /* (parent, frame) -> node */
	size_t max_depth;
};

static int same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

static int frame_matches(const void *entry, const void *key, void *ctx)
{
	const struct tree *t = ctx;
	const struct frame_key *k = key;
	const struct tree_frame *f = &t->frames[((const struct frame_ent *)entry)->id];
	return f->kind == k->kind && !strcmp(f->name, k->name) && same_str(f->module, k->module);
}

struct tree *tree_new(void)
{
	struct tree *t = xcalloc(1, sizeof(*t));
	t->arena = arena_new();
	t->frame_index = htab_new(sizeof(struct frame_ent), 0, 1024, frame_matches, t);
	t->child_index = htab_new(sizeof(struct child_ent), sizeof(uint64_t), 4096, NULL, NULL);
	ALLOC_GROW(t->nodes, 1, t->alloc_nodes);
	t->nodes[0] = (struct tree_node){ TREE_NONE, TREE_NONE, TREE_NONE, TREE_NONE, 0, 0 };
	t->nr_nodes = 1;
	return t;
}

void tree_free(struct tree *t)
{
	if (!t)
		return;
	arena_free(t->arena);
	free(t->frames);
	free(t->nodes);
	htab_free(t->frame_index);
	htab_free(t->child_index);
	free(t);
}

uint32_t tree_intern(struct tree *t, const char *name, const char *module,
		     enum frame_kind kind, const char *file, int line)
{
	uint64_t h = fnv1a(FNV_INIT, name, strlen(name));
	h = fnv1a(h, "\0", 1);
	if (module)
		h = fnv1a(h, module, strlen(module));
	h = fnv1a(h, &kind, sizeof(kind));

	struct frame_key key = { name, module, kind };
	int added;
	struct frame_ent *e = htab_insert(t->frame_index, hash64(h), &key, &added);
	if (!added)
		return e->id;
	ALLOC_GROW(t->frames, t->nr_frames + 1, t->alloc_frames);
	uint32_t id = (uint32_t)t->nr_frames++;
	struct tree_frame *f = &t->frames[id];
	f->name = arena_strdup(t->arena, name);
	f->module = module ? arena_strdup(t->arena, module) : NULL;
	f->file = file ? arena_strdup(t->arena, file) : NULL;
	f->line = line;
	f->kind = kind;
	e->id = id; /* after the arena copies: e stays valid (no insertion in between) */
	return id;
}

static uint64_t child_key(uint32_t parent, uint32_t frame)
{
	return ((uint64_t)parent << 32) | frame;
}

uint32_t tree_child(const struct tree *t, uint32_t node, uint32_t frame)
{
	uint64_t key = child_key(node, frame);
	const struct child_ent *e = htab_find(t->child_index, hash64(key), &key);
	return e ? e->node : TREE_NONE;
}

void tree_add(struct tree *t, const uint32_t *frames, size_t n, uint64_t weight)
{
	uint32_t cur = 0;
	t->nodes[0].total += weight;
	for (size_t i = 0; i < n; i++) {
		uint64_t key = child_key(cur, frames[i]);
		int added;
		struct child_ent *e = htab_insert(t->child_index, hash64(key), &key, &added);
		if (added) {
			ALLOC_GROW(t->nodes, t->nr_nodes + 1, t->alloc_nodes);
			e->key = key;
			e->node = (uint32_t)t->nr_nodes++;
			t->nodes[e->node] = (struct tree_node){
				.frame = frames[i], .parent = cur,
				.first_child = TREE_NONE, .next_sibling = t->nodes[cur].first_child,
			};
			t->nodes[cur].first_child = e->node;
		}
		uint32_t next = e->node;
		t->nodes[next].total += weight;
		cur = next;
	}
	t->nodes[cur].self += weight;
	if (n > t->max_depth)
		t->max_depth = n;
}

static int cmp_nodes(const void *a, const void *b, void *ctx)
{
	const struct tree *t = ctx;
	const struct tree_frame *fa = &t->frames[t->nodes[*(const uint32_t *)a].frame];
	const struct tree_frame *fb = &t->frames[t->nodes[*(const uint32_t *)b].frame];
	int c = strcmp(fa->name, fb->name);
	if (c)
		return c;
	c = strcmp(fa->module ? fa->module : "", fb->module ? fb->module : "");
	if (c)
		return c;
	return (int)fa->kind - (int)fb->kind;
}

void tree_sort(struct tree *t)
{
	uint32_t *kids = NULL;
	size_t alloc = 0;
	for (size_t p = 0; p < t->nr_nodes; p++) {
		size_t n = 0;
		for (uint32_t c = t->nodes[p].first_child; c != TREE_NONE; c = t->nodes[c].next_sibling) {
			ALLOC_GROW(kids, n + 1, alloc);
			kids[n++] = c;
		}
		if (n < 2)
			continue;
		xsort_r(kids, n, sizeof(*kids), cmp_nodes, t);
		t->nodes[p].first_child = kids[0];
		for (size_t i = 0; i + 1 < n; i++)
			t->nodes[kids[i]].next_sibling = kids[i + 1];
		t->nodes[kids[n - 1]].next_sibling = TREE_NONE;
	}
	free(kids);
}

size_t tree_nr_nodes(const struct tree *t) { return t->nr_nodes; }
size_t tree_nr_frames(const struct tree *t) { return t->nr_frames; }
const struct tree_node *tree_node(const struct tree *t, uint32_t idx) { return &t->nodes[idx]; }
const struct tree_frame *tree_frame(const struct tree *t, uint32_t id) { return &t->frames[id]; }
uint64_t tree_total(const struct tree *t) { return t->nodes[0].total; }
size_t tree_max_depth(const struct tree *t) { return t->max_depth; }
