/* funcs.h — per-function aggregation of a call tree, shared by report, diff and callgraph.
 *
 * The prefix tree can hold one function at many nodes (different callers,
 * recursion).  funcs_compute() merges them under a caller-chosen grouping:
 * every frame maps to a key (its frame id, its module, its name ...).  For
 * each key it counts
 *   self  — samples whose leaf frame has the key;
 *   total — samples whose stack contains the key at least once: under
 *           recursion a sample counts once, so total <= tree_total();
 * and optionally the arcs caller key -> callee key between adjacent frames,
 * each weighted by the samples whose stack contains that pair (once per
 * sample, recursion included).
 */
#ifndef STOKE_FUNCS_H
#define STOKE_FUNCS_H

#include "report/tree.h"

#include <stddef.h>
#include <stdint.h>

/* A key that takes no part: the frame is transparent (say the comm root). */
#define FUNCS_SKIP UINT32_MAX

struct funcs_edge {
	uint32_t caller; /* key of the nearest non-skipped frame toward the root */
	uint32_t callee; /* key of the frame below it */
	uint64_t weight; /* samples whose stack holds this adjacent pair, once each */
};

/* Results; embedded by the caller (funcs_compute / funcs_release). */
struct funcs {
	size_t nr_keys;
	uint64_t *self;          /* [nr_keys] */
	uint64_t *total;         /* [nr_keys] */
	struct funcs_edge *edges; /* in order of first appearance; NULL unless asked */
	size_t nr_edges;
};

/*
 * Aggregate t.  keys[frame id] is a key below nr_keys or FUNCS_SKIP, for each
 * of tree_nr_frames(t) frames.  want_edges: also collect arcs; an arc from a
 * key to itself (direct recursion, or two frames of one module) is kept only
 * when self_edges is set.  Fills *f (release it with funcs_release()).
 */
void funcs_compute(struct funcs *f, const struct tree *t, const uint32_t *keys, size_t nr_keys,
		   int want_edges, int self_edges);
void funcs_release(struct funcs *f);

/*
 * Keys grouping by function: key = frame id, FRAME_ROOT frames (the command
 * name of stoke files) skipped.  Returns a malloc'ed array of
 * tree_nr_frames(t) keys; *nr_keys = tree_nr_frames(t).
 */
uint32_t *funcs_keys_by_frame(const struct tree *t, size_t *nr_keys);

/*
 * Keys grouping by module: frames of one module share a key; frames without
 * a module share the key of "[unknown]".  *names receives a malloc'ed array
 * of *nr_keys module names (pointers into t, or the literal "[unknown]").
 */
uint32_t *funcs_keys_by_module(const struct tree *t, size_t *nr_keys, const char ***names);

#endif
