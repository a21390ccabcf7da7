#include "report/report_text.h"
#include "common/util.h"
#include "report/funcs.h"

#include <stdlib.h>
#include <string.h>

void report_opts_init(struct report_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->view = REPORT_CALLER;
	o->sort = REPORT_SORT_DEFAULT;
	o->percent_limit = 0.5;
	o->top = 20;
}

void report_add_time(struct strbuf *out, double us)
{
	if (us < 1000)
		strbuf_addf(out, "%.0f us", us);
	else if (us < 1e6)
		strbuf_addf(out, "%.1f ms", us / 1e3);
	else
		strbuf_addf(out, "%.3f s", us / 1e6);
}

/* The times of an off-cpu or wall profile. */
static void write_time_header(const struct profile_info *info, struct strbuf *out)
{
	strbuf_addf(out, "# off-CPU intervals: %llu", (unsigned long long)info->intervals);
	if (info->hidden)
		strbuf_addf(out, " (%llu shorter than --min-block not shown)",
			    (unsigned long long)info->hidden);
	strbuf_adds(out, "\n# blocked: ");
	report_add_time(out, (double)info->blocked_ns / 1e3);
	strbuf_adds(out, ", preempted: ");
	report_add_time(out, (double)info->preempted_ns / 1e3);
	if (!strcmp(info->event, "wall")) {
		strbuf_adds(out, ", on-CPU: ");
		report_add_time(out, (double)info->oncpu_ns / 1e3);
	}
	strbuf_adds(out, "\n# weighted in time (folded output: microseconds); percentages are of the "
		    "recording's wall time (threads add up)\n");
}

void report_write_header(const struct profile_info *info, struct strbuf *out)
{
	if (info->time_weighted && info->event) {
		strbuf_addf(out, "# event: %s\n", info->event);
		write_time_header(info, out);
		if (info->duration_ns)
			strbuf_addf(out, "# duration: %.3f s\n", info->duration_ns / 1e9);
		strbuf_addf(out, "# lost: %llu\n", (unsigned long long)info->lost);
		return;
	}
	strbuf_addf(out, "# event: %s\n", info->is_folded || !info->event || !*info->event
					      ? "(folded input)" : info->event);
	if (info->samples != info->samples_total)
		strbuf_addf(out, "# samples: %llu (of %llu before filters)\n",
			    (unsigned long long)info->samples,
			    (unsigned long long)info->samples_total);
	else
		strbuf_addf(out, "# samples: %llu\n", (unsigned long long)info->samples);
	if (info->callgraph)
		strbuf_addf(out, "# call graph: %s\n", info->callgraph);
	if (info->is_folded)
		strbuf_adds(out, "# lost: unknown\n# duration: unknown\n");
	else {
		strbuf_addf(out, "# lost: %llu\n", (unsigned long long)info->lost);
		if (info->throttles)
			strbuf_addf(out, "# throttled: %llu times (the kernel lowered the sampling rate)\n",
				    (unsigned long long)info->throttles);
		if (info->duration_ns)
			strbuf_addf(out, "# duration: %.3f s\n", info->duration_ns / 1e9);
		else
			strbuf_adds(out, "# duration: unknown\n");
		if (info->truncated)
			strbuf_addf(out, "# recording: cut short (the file is damaged at offset %llu; "
				    "samples before it are reported)\n",
				    (unsigned long long)info->bad_offset);
		else if (info->no_end)
			strbuf_adds(out, "# recording: cut short (no END record: the recorder was "
				    "killed or crashed)\n");
	}
}

/* A row of a sorted listing: a function (frame id) or a graph child (node). */
struct row {
	uint64_t key1, key2; /* sort keys, larger first */
	const char *name;    /* then by name */
	uint32_t id;         /* frame id or node index; final tie-break */
};

static int cmp_rows(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->key1 != y->key1)
		return x->key1 < y->key1 ? 1 : -1;
	if (x->key2 != y->key2)
		return x->key2 < y->key2 ? 1 : -1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static double pct(uint64_t v, uint64_t total)
{
	return total ? 100.0 * (double)v / (double)total : 0.0;
}

static void add_name(struct strbuf *out, const struct tree_frame *f)
{
	strbuf_adds(out, f->name);
	if (f->module)
		strbuf_addf(out, f->module[0] == '[' ? "  %s" : "  [%s]", f->module);
	else if (f->kind == FRAME_KERNEL)
		strbuf_adds(out, "  [kernel]");
}

/* Functions with a non-zero key, sorted; returns the count. */
static size_t sorted_funcs(const struct tree *t, const struct funcs *fs, int by_self, struct row **out)
{
	struct row *rows = NULL;
	size_t nr = 0, alloc = 0;
	for (size_t k = 0; k < fs->nr_keys; k++) {
		if (!fs->total[k])
			continue;
		ALLOC_GROW(rows, nr + 1, alloc);
		rows[nr++] = (struct row){
			.key1 = by_self ? fs->self[k] : fs->total[k],
			.key2 = by_self ? fs->total[k] : fs->self[k],
			.name = tree_frame(t, (uint32_t)k)->name,
			.id = (uint32_t)k,
		};
	}
	if (nr)
		xsort(rows, nr, sizeof(*rows), cmp_rows);
	*out = rows;
	return nr;
}

static void write_top(const struct tree *t, const struct funcs *fs, const struct report_opts *o,
		      struct strbuf *out)
{
	int by_self = o->sort != REPORT_SORT_TOTAL;
	uint64_t all = o->base ? o->base : tree_total(t);
	struct row *rows;
	size_t nr = sorted_funcs(t, fs, by_self, &rows);
	size_t shown = o->top && o->top < nr ? o->top : nr;
	struct strbuf tm = STRBUF_INIT;

	strbuf_adds(out, "#   self%   total%        self       total  function  [module]\n");
	for (size_t i = 0; i < shown; i++) {
		uint32_t k = rows[i].id;
		strbuf_addf(out, "%8.2f%% %7.2f%% ", pct(fs->self[k], all), pct(fs->total[k], all));
		if (o->time_us) {
			strbuf_reset(&tm);
			report_add_time(&tm, (double)fs->self[k]);
			strbuf_addf(out, "%11s ", tm.buf);
			strbuf_reset(&tm);
			report_add_time(&tm, (double)fs->total[k]);
			strbuf_addf(out, "%11s  ", tm.buf);
		} else {
			strbuf_addf(out, "%11llu %11llu  ", (unsigned long long)fs->self[k],
				    (unsigned long long)fs->total[k]);
		}
		add_name(out, tree_frame(t, k));
		strbuf_addch(out, '\n');
	}
	if (shown < nr)
		strbuf_addf(out, "# %zu more functions not shown (--top)\n", nr - shown);
	strbuf_release(&tm);
	free(rows);
}

/*
 * The calls of every listed function F, printed without building them: a line
 * of F's graph stands for a group of nodes of t reached by the same frames
 * from F, each with the weight it brings.  Caller view: from each outermost
 * occurrence of F (its sub-trees hold every sample through F once) toward the
 * leaves, a member's weight its node's total.  Callee view: from each
 * occurrence X of F toward the root, X weighing the samples whose innermost
 * F is X.  Work grows with the nodes of t the printed lines touch, not with
 * the stacks times their depth squared.  Siblings of equal weight and name
 * keep the order of the first sample through them (nodes are numbered in
 * creation order, parents before children).
 */
struct member {
	uint32_t node;  /* in t */
	uint32_t frame; /* its frame */
	uint32_t first; /* the first sample (node index) through this member */
	uint64_t weight;
};

struct views {
	const struct tree *t;
	int callee;
	int time_us;          /* weights are microseconds: show times beside shares */
	uint64_t all, min;
	uint32_t *first;      /* caller view: [node] the first sample through it, UINT32_MAX none */
	struct member **occ;  /* [frame]: the starting members of each listed frame */
	size_t *nr_occ, *alloc_occ;
};

static uint64_t member_key(const struct member *m)
{
	return (uint64_t)m->frame << 32 | m->node;
}

/* Members by (frame, node), stable.  A radix sort (a byte at a time, bytes all members share
 * skipped): this sort was a sixth of the default view's time on a large tree, and qsort's
 * calls through a pointer most of that. */
static void sort_members(struct member *m, size_t n)
{
	if (n < 32) {
		for (size_t i = 1; i < n; i++) {
			struct member x = m[i];
			size_t j = i;
			for (; j > 0 && member_key(&m[j - 1]) > member_key(&x); j--)
				m[j] = m[j - 1];
			m[j] = x;
		}
		return;
	}
	struct member *tmp = xmalloc(n * sizeof(*tmp)), *src = m, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = { 0 };
		for (size_t i = 0; i < n; i++)
			count[(member_key(&src[i]) >> shift) & 0xff]++;
		if (count[(member_key(&src[0]) >> shift) & 0xff] == n)
			continue; /* every member has this byte */
		for (size_t b = 0, sum = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[count[(member_key(&src[i]) >> shift) & 0xff]++] = src[i];
		struct member *t = src;
		src = dst;
		dst = t;
	}
	if (src != m)
		memcpy(m, src, n * sizeof(*m));
	free(tmp);
}

static void add_occ(struct views *vw, uint32_t frame, struct member m)
{
	ALLOC_GROW(vw->occ[frame], vw->nr_occ[frame] + 1, vw->alloc_occ[frame]);
	vw->occ[frame][vw->nr_occ[frame]++] = m;
}

static void find_occurrences(struct views *vw, const uint8_t *listed)
{
	const struct tree *t = vw->t;
	size_t nr_nodes = tree_nr_nodes(t), nr_frames = tree_nr_frames(t);
	if (!vw->callee) {
		/* first[]: the first sample through each node; children come after parents. */
		uint32_t *first = vw->first = xmalloc((nr_nodes ? nr_nodes : 1) * sizeof(*first));
		memset(first, 0xff, (nr_nodes ? nr_nodes : 1) * sizeof(*first));
		for (size_t idx = nr_nodes; idx-- > 1;) {
			const struct tree_node *n = tree_node(t, (uint32_t)idx);
			if (n->self && (uint32_t)idx < first[idx])
				first[idx] = (uint32_t)idx;
			if (n->parent != TREE_NONE && first[idx] < first[n->parent])
				first[n->parent] = first[idx];
		}
		/* Outermost occurrences: no node above with the same frame. */
		uint32_t *on_path = xcalloc(nr_frames ? nr_frames : 1, sizeof(*on_path));
		uint32_t node = tree_node(t, 0)->first_child;
		while (node != TREE_NONE) {
			const struct tree_node *n = tree_node(t, node);
			if (listed[n->frame] && !on_path[n->frame] && first[node] != UINT32_MAX)
				add_occ(vw, n->frame, (struct member){ node, n->frame, first[node], n->total });
			on_path[n->frame]++;
			if (n->first_child != TREE_NONE) {
				node = n->first_child;
				continue;
			}
			for (;;) {
				const struct tree_node *cur = tree_node(t, node);
				on_path[cur->frame]--;
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
		return;
	}
	/* Callee view: each sample's innermost occurrence of each listed frame on its stack. */
	uint32_t *slot = xmalloc((nr_nodes ? nr_nodes : 1) * sizeof(*slot)); /* node -> member */
	uint32_t *stamp = xcalloc(nr_frames ? nr_frames : 1, sizeof(*stamp));
	memset(slot, 0xff, (nr_nodes ? nr_nodes : 1) * sizeof(*slot));
	for (size_t idx = 1; idx < nr_nodes; idx++) {
		const struct tree_node *n = tree_node(t, (uint32_t)idx);
		if (!n->self)
			continue;
		for (uint32_t p = (uint32_t)idx; p != 0; p = tree_node(t, p)->parent) {
			uint32_t f = tree_node(t, p)->frame;
			if (!listed[f] || stamp[f] == (uint32_t)idx)
				continue;
			stamp[f] = (uint32_t)idx;
			if (slot[p] == UINT32_MAX) {
				slot[p] = (uint32_t)vw->nr_occ[f];
				add_occ(vw, f, (struct member){ p, f, (uint32_t)idx, 0 });
			}
			vw->occ[f][slot[p]].weight += n->self;
		}
	}
	free(stamp);
	free(slot);
}

struct group {
	uint64_t total;
	const char *name;
	uint32_t first, frame;
	size_t start, nr; /* its members in the level's array */
};

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Print the lines below a group of members (recursively); prune below min. */
static void write_graph(const struct views *vw, const struct member *m, size_t nr, size_t depth,
			struct strbuf *out)
{
	const struct tree *t = vw->t;
	struct member *next = NULL;
	size_t nr_next = 0, alloc = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct tree_node *n = tree_node(t, m[i].node);
		if (vw->callee) {
			if (n->parent == 0 || n->parent == TREE_NONE)
				continue;
			ALLOC_GROW(next, nr_next + 1, alloc);
			next[nr_next++] = (struct member){ n->parent, tree_node(t, n->parent)->frame,
							   m[i].first, m[i].weight };
			continue;
		}
		for (uint32_t c = n->first_child; c != TREE_NONE; c = tree_node(t, c)->next_sibling) {
			const struct tree_node *cn = tree_node(t, c);
			ALLOC_GROW(next, nr_next + 1, alloc);
			next[nr_next++] = (struct member){ c, cn->frame, vw->first[c], cn->total };
		}
	}
	if (!nr_next) {
		free(next);
		return;
	}
	sort_members(next, nr_next);
	struct group *g = NULL;
	size_t nr_g = 0, galloc = 0;
	for (size_t i = 0; i < nr_next;) {
		uint32_t frame = next[i].frame;
		struct group gr = { 0, tree_frame(t, frame)->name, UINT32_MAX, frame, i, 0 };
		for (; i < nr_next && next[i].frame == frame; i++) {
			gr.total += next[i].weight;
			if (next[i].first < gr.first)
				gr.first = next[i].first;
			gr.nr++;
		}
		if (gr.total < vw->min || !gr.total)
			continue;
		ALLOC_GROW(g, nr_g + 1, galloc);
		g[nr_g++] = gr;
	}
	if (nr_g)
		xsort(g, nr_g, sizeof(*g), cmp_group);
	for (size_t k = 0; k < nr_g; k++) {
		if (vw->time_us) {
			struct strbuf tm = STRBUF_INIT;
			report_add_time(&tm, (double)g[k].total);
			strbuf_addf(out, "%9s%10s%7.2f%%  %*s", "", tm.buf, pct(g[k].total, vw->all),
				    (int)(2 * depth), "");
			strbuf_release(&tm);
		} else {
			strbuf_addf(out, "%19s%7.2f%%  %*s", "", pct(g[k].total, vw->all),
				    (int)(2 * depth), "");
		}
		add_name(out, tree_frame(t, g[k].frame));
		strbuf_addch(out, '\n');
		write_graph(vw, next + g[k].start, g[k].nr, depth + 1, out);
	}
	free(g);
	free(next);
}

static void write_graph_view(const struct tree *t, const struct funcs *fs,
			     const struct report_opts *o, struct strbuf *out)
{
	int by_self = o->sort == REPORT_SORT_SELF;
	int callee = o->view == REPORT_CALLEE;
	uint64_t all = o->base ? o->base : tree_total(t);
	/* smallest weight shown: percent_limit of all, rounded up */
	double lim = o->percent_limit > 0 ? o->percent_limit * (double)all / 100.0 : 0;
	uint64_t min = (uint64_t)lim;
	if ((double)min < lim)
		min++;
	struct row *rows;
	size_t nr = sorted_funcs(t, fs, by_self, &rows);
	uint8_t *listed = xcalloc(tree_nr_frames(t) + 1, 1);
	size_t shown = 0;

	for (size_t i = 0; i < nr; i++)
		if (rows[i].key1 >= min && rows[i].key1)
			listed[rows[i].id] = 1, shown++;
	struct views vw = { t, callee, o->time_us, all, min, NULL, NULL, NULL, NULL };
	size_t nf = tree_nr_frames(t) + 1;
	vw.occ = xcalloc(nf, sizeof(*vw.occ));
	vw.nr_occ = xcalloc(nf, sizeof(*vw.nr_occ));
	vw.alloc_occ = xcalloc(nf, sizeof(*vw.alloc_occ));
	find_occurrences(&vw, listed);

	strbuf_addf(out, "#  total%%   self%%  function  [module]; below: %s, %% of %s\n",
		    callee ? "its callers (bottom-up)" : "its callees (top-down)",
		    o->time_us ? "wall time" : "all samples");
	for (size_t i = 0; i < shown; i++) {
		uint32_t k = rows[i].id;
		strbuf_addf(out, "\n%8.2f%% %7.2f%%  ", pct(fs->total[k], all), pct(fs->self[k], all));
		if (o->time_us) {
			strbuf_adds(out, "(");
			report_add_time(out, (double)fs->total[k]);
			strbuf_adds(out, ")  ");
		}
		add_name(out, tree_frame(t, k));
		strbuf_addch(out, '\n');
		if (vw.nr_occ[k])
			write_graph(&vw, vw.occ[k], vw.nr_occ[k], 0, out);
	}
	if (shown < nr)
		strbuf_addf(out, "\n# %zu functions below %.2f%% not shown (--percent-limit)\n",
			    nr - shown, o->percent_limit);
	for (size_t f = 0; f < nf; f++)
		free(vw.occ[f]);
	free(vw.occ);
	free(vw.nr_occ);
	free(vw.alloc_occ);
	free(vw.first);
	free(listed);
	free(rows);
}

void report_write(const struct tree *t, const struct report_opts *o, struct strbuf *out)
{
	struct funcs fs;
	size_t nr_keys;
	uint32_t *keys = funcs_keys_by_frame(t, &nr_keys);

	if (!tree_total(t)) {
		strbuf_adds(out, "# no samples\n");
		free(keys);
		return;
	}
	funcs_compute(&fs, t, keys, nr_keys, 0, 0);
	if (o->view == REPORT_TOP)
		write_top(t, &fs, o, out);
	else
		write_graph_view(t, &fs, o, out);
	funcs_release(&fs);
	free(keys);
}
