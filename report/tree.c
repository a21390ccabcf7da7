#include "report/tree.h"
#include "common/arena.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* Open-addressing hash slots: key -> index.  Capacity is a power of two. */
struct slot {
	uint64_t key;
	uint32_t val; /* TREE_NONE when empty */
};

struct table {
	struct slot *slots;
	size_t cap, used;
};

struct tree {
	struct arena *arena;
	struct tree_frame *frames;
	size_t nr_frames, alloc_frames;
	uint64_t *frame_hash;  /* hash of each frame's key, parallel to frames */
	struct tree_node *nodes;
	size_t nr_nodes, alloc_nodes;
	struct table frame_index; /* hash(name,module,kind) -> frame id */
	struct table child_index; /* (parent, frame) -> node */
	size_t max_depth;
};

static void table_init(struct table *tb, size_t cap)
{
	tb->cap = cap;
	tb->used = 0;
	tb->slots = xmalloc(cap * sizeof(*tb->slots));
	for (size_t i = 0; i < cap; i++)
		tb->slots[i].val = TREE_NONE;
}

static void table_put(struct table *tb, uint64_t key, uint32_t val);

static void table_grow(struct table *tb)
{
	struct table old = *tb;
	table_init(tb, old.cap * 2);
	for (size_t i = 0; i < old.cap; i++)
		if (old.slots[i].val != TREE_NONE)
			table_put(tb, old.slots[i].key, old.slots[i].val);
	free(old.slots);
}

static void table_put(struct table *tb, uint64_t key, uint32_t val)
{
	if ((tb->used + 1) * 4 > tb->cap * 3)
		table_grow(tb);
	size_t i = hash64(key) & (tb->cap - 1);
	while (tb->slots[i].val != TREE_NONE)
		i = (i + 1) & (tb->cap - 1);
	tb->slots[i].key = key;
	tb->slots[i].val = val;
	tb->used++;
}

struct tree *tree_new(void)
{
	struct tree *t = xcalloc(1, sizeof(*t));
	t->arena = arena_new();
	table_init(&t->frame_index, 1024);
	table_init(&t->child_index, 4096);
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
	free(t->frame_hash);
	free(t->nodes);
	free(t->frame_index.slots);
	free(t->child_index.slots);
	free(t);
}

static int same_str(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return !strcmp(a, b);
}

uint32_t tree_intern(struct tree *t, const char *name, const char *module,
		     enum frame_kind kind, const char *file, int line)
{
	uint64_t h = fnv1a(FNV_INIT, name, strlen(name));
	h = fnv1a(h, "\0", 1);
	if (module)
		h = fnv1a(h, module, strlen(module));
	h = fnv1a(h, &kind, sizeof(kind));

	struct table *tb = &t->frame_index;
	for (size_t i = hash64(h) & (tb->cap - 1); tb->slots[i].val != TREE_NONE;
	     i = (i + 1) & (tb->cap - 1)) {
		if (tb->slots[i].key != h)
			continue;
		const struct tree_frame *f = &t->frames[tb->slots[i].val];
		if (f->kind == kind && !strcmp(f->name, name) && same_str(f->module, module))
			return tb->slots[i].val;
	}
	ALLOC_GROW(t->frames, t->nr_frames + 1, t->alloc_frames);
	t->frame_hash = xrealloc(t->frame_hash, t->alloc_frames * sizeof(*t->frame_hash));
	uint32_t id = (uint32_t)t->nr_frames++;
	struct tree_frame *f = &t->frames[id];
	f->name = arena_strdup(t->arena, name);
	f->module = module ? arena_strdup(t->arena, module) : NULL;
	f->file = file ? arena_strdup(t->arena, file) : NULL;
	f->line = line;
	f->kind = kind;
	t->frame_hash[id] = h;
	table_put(tb, h, id);
	return id;
}

static uint64_t child_key(uint32_t parent, uint32_t frame)
{
	return ((uint64_t)parent << 32) | frame;
}

uint32_t tree_child(const struct tree *t, uint32_t node, uint32_t frame)
{
	const struct table *tb = &t->child_index;
	uint64_t key = child_key(node, frame);
	for (size_t i = hash64(key) & (tb->cap - 1); tb->slots[i].val != TREE_NONE;
	     i = (i + 1) & (tb->cap - 1))
		if (tb->slots[i].key == key)
			return tb->slots[i].val;
	return TREE_NONE;
}

void tree_add(struct tree *t, const uint32_t *frames, size_t n, uint64_t weight)
{
	uint32_t cur = 0;
	t->nodes[0].total += weight;
	for (size_t i = 0; i < n; i++) {
		uint32_t next = tree_child(t, cur, frames[i]);
		if (next == TREE_NONE) {
			ALLOC_GROW(t->nodes, t->nr_nodes + 1, t->alloc_nodes);
			next = (uint32_t)t->nr_nodes++;
			t->nodes[next] = (struct tree_node){
				.frame = frames[i], .parent = cur,
				.first_child = TREE_NONE, .next_sibling = t->nodes[cur].first_child,
			};
			t->nodes[cur].first_child = next;
			table_put(&t->child_index, child_key(cur, frames[i]), next);
		}
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
