/* tree.h — the call tree every report is built from: interned frames and a prefix tree of stacks.
 *
 * Frames are interned by (name, module, kind): the same function seen from two
 * stacks is one frame id.  Stacks are added root first; each node counts the
 * weight of the stacks passing through it (total) and ending in it (self).
 * Nodes are stored in one array; node 0 is the root, which has no frame.
 * Strings passed in are copied into the tree's arena; pointers returned stay
 * valid until tree_free().
 */
#ifndef STOKE_TREE_H
#define STOKE_TREE_H

#include <stddef.h>
#include <stdint.h>

enum frame_kind {
	FRAME_USER,    /* native user-space function */
	FRAME_KERNEL,  /* kernel function */
	FRAME_JIT,     /* from a perf map (JIT-compiled code) */
	FRAME_INLINE,  /* inlined into its caller (the next frame toward the root) */
	FRAME_UNKNOWN, /* unresolved: name is "[module+0xoff]" or "[unknown]" */
	FRAME_ROOT,    /* synthetic root: command name, or comm-pid/tid with --per-thread */
	FRAME_TRUNCATED, /* marker: the unwinder stopped before reaching the stack's root */
};

struct tree_frame {
	const char *name;   /* display name; never NULL */
	const char *module; /* short module name, or NULL */
	const char *file;   /* source file of the first occurrence, or NULL */
	int line;           /* its line, 0 when unknown */
	enum frame_kind kind;
};

#define TREE_NONE UINT32_MAX

struct tree_node {
	uint32_t frame;        /* interned frame id; TREE_NONE for the root */
	uint32_t parent;       /* node index; TREE_NONE for the root */
	uint32_t first_child;  /* node index or TREE_NONE */
	uint32_t next_sibling; /* node index or TREE_NONE */
	uint64_t total;        /* weight of stacks through this node */
	uint64_t self;         /* weight of stacks ending here */
};

struct tree;

struct tree *tree_new(void);
void tree_free(struct tree *t); /* NULL is a no-op */

/* Intern a frame; returns its id.  file/line are kept from the first call. */
uint32_t tree_intern(struct tree *t, const char *name, const char *module,
		     enum frame_kind kind, const char *file, int line);

/* Add one stack (frame ids, root first) with the given weight. */
void tree_add(struct tree *t, const uint32_t *frames, size_t n, uint64_t weight);

/* Child of `node` for `frame`, or TREE_NONE. */
uint32_t tree_child(const struct tree *t, uint32_t node, uint32_t frame);

/*
 * Order every node's children by frame name (then module, then kind), so
 * outputs are stable.  Call after the last tree_add(); adding afterwards is
 * allowed but leaves the new children unsorted.
 */
void tree_sort(struct tree *t);

size_t tree_nr_nodes(const struct tree *t);
size_t tree_nr_frames(const struct tree *t);
const struct tree_node *tree_node(const struct tree *t, uint32_t idx);
const struct tree_frame *tree_frame(const struct tree *t, uint32_t id);
uint64_t tree_total(const struct tree *t); /* == tree_node(t, 0)->total */
/* Depth of the deepest node (root = 0). */
size_t tree_max_depth(const struct tree *t);

#endif
