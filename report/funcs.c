#include "report/funcs.h"
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* Edge map entry: (caller << 32 | callee) -> edge index. */
struct edge_ent {
	uint64_t key;
	uint32_t edge;
};

/* Index of the edge (a, b), created with weight 0 when new. */
static uint32_t edge_index(struct funcs *f, size_t *alloc, struct htab *m, uint32_t a, uint32_t b)
{
	uint64_t key = ((uint64_t)a << 32) | b;
	int added;
	struct edge_ent *e = htab_insert(m, hash64(key), &key, &added);
	if (added) {
		ALLOC_GROW(f->edges, f->nr_edges + 1, *alloc);
		f->edges[f->nr_edges] = (struct funcs_edge){ a, b, 0 };
		e->key = key;
		e->edge = (uint32_t)f->nr_edges++;
	}
	return e->edge;
}

/* One entry per node on the current root-to-node path. */
struct level {
	uint32_t key;    /* this node's key, or FUNCS_SKIP */
	uint32_t edge;   /* the arc entered here, or UINT32_MAX */
	uint32_t caller; /* nearest non-skipped key at or above this node */
};

void funcs_compute(struct funcs *f, const struct tree *t, const uint32_t *keys, size_t nr_keys,
		   int want_edges, int self_edges)
{
	/* on_path[k]: how many nodes of the current path have key k; a node's
	 * total counts for k only when it is the topmost such node, which is
	 * what makes a recursive sample count once. */
	uint32_t *on_path = xcalloc(nr_keys ? nr_keys : 1, sizeof(*on_path));
	uint32_t *edge_on_path = NULL;
	size_t edge_alloc = 0, eop_alloc = 0, path_alloc = 0, depth = 0;
	struct level *path = NULL;
	struct htab *map = NULL;

	memset(f, 0, sizeof(*f));
	f->nr_keys = nr_keys;
	f->self = xcalloc(nr_keys ? nr_keys : 1, sizeof(*f->self));
	f->total = xcalloc(nr_keys ? nr_keys : 1, sizeof(*f->total));
	if (want_edges)
		map = htab_new(sizeof(struct edge_ent), sizeof(uint64_t), 256, NULL, NULL);

	uint32_t node = tree_node(t, 0)->first_child;
	while (node != TREE_NONE) {
		/* enter node */
		const struct tree_node *n = tree_node(t, node);
		uint32_t k = keys[n->frame];
		uint32_t caller = depth ? path[depth - 1].caller : FUNCS_SKIP;
		struct level lv = { k, UINT32_MAX, caller };
		if (k != FUNCS_SKIP) {
			if (!on_path[k]++)
				f->total[k] += n->total;
			f->self[k] += n->self;
			lv.caller = k;
			if (want_edges && caller != FUNCS_SKIP && (caller != k || self_edges)) {
				size_t before = f->nr_edges;
				lv.edge = edge_index(f, &edge_alloc, map, caller, k);
				if (f->nr_edges > before) {
					ALLOC_GROW(edge_on_path, f->nr_edges, eop_alloc);
					edge_on_path[lv.edge] = 0;
				}
			}
		}
		ALLOC_GROW(path, depth + 1, path_alloc);
		path[depth++] = lv;
		if (lv.edge != UINT32_MAX) {
			if (!edge_on_path[lv.edge]++)
				f->edges[lv.edge].weight += n->total;
		}
		if (n->first_child != TREE_NONE) {
			node = n->first_child;
			continue;
		}
		/* leave nodes until one has a next sibling */
		for (;;) {
			struct level *top = &path[--depth];
			if (top->key != FUNCS_SKIP)
				on_path[top->key]--;
			if (top->edge != UINT32_MAX)
				edge_on_path[top->edge]--;
			const struct tree_node *cur = tree_node(t, node);
			if (cur->next_sibling != TREE_NONE) {
				node = cur->next_sibling;
				break;
			}
			node = cur->parent;
			if (node == 0 || node == TREE_NONE) {
				node = TREE_NONE;
				break;
			}
		}
	}
	free(on_path);
	free(edge_on_path);
	free(path);
	htab_free(map);
}

void funcs_release(struct funcs *f)
{
	free(f->self);
	free(f->total);
	free(f->edges);
	memset(f, 0, sizeof(*f));
}

uint32_t *funcs_keys_by_frame(const struct tree *t, size_t *nr_keys)
{
	size_t n = tree_nr_frames(t);
	uint32_t *keys = xmalloc((n ? n : 1) * sizeof(*keys));
	for (size_t i = 0; i < n; i++)
		keys[i] = tree_frame(t, (uint32_t)i)->kind == FRAME_ROOT ? FUNCS_SKIP : (uint32_t)i;
	*nr_keys = n;
	return keys;
}

uint32_t *funcs_keys_by_module(const struct tree *t, size_t *nr_keys, const char ***names)
{
	size_t n = tree_nr_frames(t), nr = 0, alloc = 0;
	uint32_t *keys = xmalloc((n ? n : 1) * sizeof(*keys));
	const char **mods = NULL;

	/* Modules are few: a linear search per frame keeps this simple. */
	for (size_t i = 0; i < n; i++) {
		const struct tree_frame *fr = tree_frame(t, (uint32_t)i);
		if (fr->kind == FRAME_ROOT) {
			keys[i] = FUNCS_SKIP;
			continue;
		}
		const char *m = fr->module ? fr->module : "[unknown]";
		size_t k;
		for (k = 0; k < nr; k++)
			if (!strcmp(mods[k], m))
				break;
		if (k == nr) {
			ALLOC_GROW(mods, nr + 1, alloc);
			mods[nr++] = m;
		}
		keys[i] = (uint32_t)k;
	}
	*nr_keys = nr;
	*names = mods;
	return keys;
}
