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
 * The tree of every listed function's calls: a tree holding, for each sample
 * and each function F on its stack (its outermost occurrence for the caller
 * view, innermost for the callee view), the path from F toward the leaf
 * (caller view) or toward the root (callee view).  Paths start with F, so
 * F's sub-tree is the root's child F.  Frames are interned in source order,
 * so ids are the same as in t.
 */
static struct tree *build_views(const struct tree *t, int callee, const uint8_t *listed)
{
	struct tree *v = tree_new();
	size_t nr_frames = tree_nr_frames(t), nr_nodes = tree_nr_nodes(t);
	uint32_t *path = NULL, *rev = NULL;
	uint32_t *stamp = xcalloc(nr_frames ? nr_frames : 1, sizeof(*stamp));
	size_t alloc = 0, ralloc = 0;

	for (size_t i = 0; i < nr_frames; i++) {
		const struct tree_frame *f = tree_frame(t, (uint32_t)i);
		tree_intern(v, f->name, f->module, f->kind, f->file, f->line);
	}
	for (size_t idx = 1; idx < nr_nodes; idx++) {
		const struct tree_node *n = tree_node(t, (uint32_t)idx);
		if (!n->self)
			continue;
		/* the stack leaf first */
		size_t len = 0;
		for (uint32_t p = (uint32_t)idx; p != 0; p = tree_node(t, p)->parent) {
			ALLOC_GROW(path, len + 1, alloc);
			path[len++] = tree_node(t, p)->frame;
		}
		uint32_t mark = (uint32_t)idx;
		if (callee) {
			/* leaf-first order is the inverted stack; innermost occurrence first */
			for (size_t i = 0; i < len; i++) {
				uint32_t f = path[i];
				if (!listed[f] || stamp[f] == mark)
					continue;
				stamp[f] = mark;
				tree_add(v, path + i, len - i, n->self);
			}
		} else {
			ALLOC_GROW(rev, len, ralloc);
			for (size_t i = 0; i < len; i++)
				rev[i] = path[len - 1 - i];
			for (size_t i = 0; i < len; i++) {
				uint32_t f = rev[i];
				if (!listed[f] || stamp[f] == mark)
					continue;
				stamp[f] = mark;
				tree_add(v, rev + i, len - i, n->self);
			}
		}
	}
	free(path);
	free(rev);
	free(stamp);
	return v;
}

/* Print node's children (recursively) with indentation; prune below min. */
static void write_graph(const struct tree *v, uint32_t node, size_t depth, uint64_t all,
			uint64_t min, int time_us, struct strbuf *out)
{
	struct row *kids = NULL;
	size_t nr = 0, alloc = 0;
	for (uint32_t c = tree_node(v, node)->first_child; c != TREE_NONE;
	     c = tree_node(v, c)->next_sibling) {
		const struct tree_node *cn = tree_node(v, c);
		if (cn->total < min || !cn->total)
			continue;
		ALLOC_GROW(kids, nr + 1, alloc);
		kids[nr++] = (struct row){ cn->total, 0, tree_frame(v, cn->frame)->name, c };
	}
	if (nr)
		xsort(kids, nr, sizeof(*kids), cmp_rows);
	for (size_t i = 0; i < nr; i++) {
		const struct tree_node *cn = tree_node(v, kids[i].id);
		if (time_us) {
			struct strbuf tm = STRBUF_INIT;
			report_add_time(&tm, (double)cn->total);
			strbuf_addf(out, "%9s%10s%7.2f%%  %*s", "", tm.buf, pct(cn->total, all),
				    (int)(2 * depth), "");
			strbuf_release(&tm);
		} else {
			strbuf_addf(out, "%19s%7.2f%%  %*s", "", pct(cn->total, all), (int)(2 * depth), "");
		}
		add_name(out, tree_frame(v, cn->frame));
		strbuf_addch(out, '\n');
		write_graph(v, kids[i].id, depth + 1, all, min, time_us, out);
	}
	free(kids);
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
	struct tree *v = build_views(t, callee, listed);

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
		uint32_t sub = tree_child(v, 0, k);
		if (sub != TREE_NONE)
			write_graph(v, sub, 0, all, min, o->time_us, out);
	}
	if (shown < nr)
		strbuf_addf(out, "\n# %zu functions below %.2f%% not shown (--percent-limit)\n",
			    nr - shown, o->percent_limit);
	tree_free(v);
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
