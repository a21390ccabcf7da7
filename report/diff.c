#include "report/diff.h"
#include "common/util.h"
#include "report/folded.h"
#include "report/funcs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NO_FUNC UINT32_MAX

struct diff {
	struct tree *names[2];    /* each side's stacks with frames merged by name; names[0]
				   * also interns every name of both sides: its frame ids
				   * are the function keys */
	uint64_t samples[2];
	struct diff_func *funcs;  /* ranked by change */
	size_t nr_funcs;
	uint32_t *by_name;        /* indices into funcs, sorted by name */
	size_t nr_after_nodes;
	uint64_t *before_total;   /* [after node] weight of the same-named stack before */
	uint64_t *before_self;
	uint32_t *node_func;      /* [after node] index into funcs, or NO_FUNC */
	size_t nr_tested, nr_significant;
	struct diff_opts opts;
};

void diff_opts_init(struct diff_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->alpha = 0.01;
	o->sort = DIFF_SORT_TOTAL;
}

/* ids[f]: the frame id in nt of the name of src's frame f (interned when new). */
static uint32_t *intern_names(struct tree *nt, const struct tree *src)
{
	size_t n = tree_nr_frames(src);
	uint32_t *ids = xmalloc((n ? n : 1) * sizeof(*ids));
	for (size_t f = 0; f < n; f++)
		ids[f] = tree_intern(nt, tree_frame(src, (uint32_t)f)->name, NULL, FRAME_USER, NULL, 0);
	return ids;
}

/* Add every stack of src to nt, frames renamed through ids. */
static void add_stacks(struct tree *nt, const struct tree *src, const uint32_t *ids)
{
	uint32_t *path = NULL;
	size_t alloc = 0;
	for (size_t idx = 1; idx < tree_nr_nodes(src); idx++) {
		const struct tree_node *n = tree_node(src, (uint32_t)idx);
		if (!n->self)
			continue;
		size_t len = 0;
		for (uint32_t p = (uint32_t)idx; p; p = tree_node(src, p)->parent)
			len++;
		ALLOC_GROW(path, len, alloc);
		size_t i = len;
		for (uint32_t p = (uint32_t)idx; p; p = tree_node(src, p)->parent)
			path[--i] = ids[tree_node(src, p)->frame];
		tree_add(nt, path, len, n->self);
	}
	free(path);
}

/* Function keys of src's frames: the name id, or FUNCS_SKIP for command names. */
static uint32_t *func_keys(const struct tree *src, const uint32_t *ids, const uint8_t *is_root)
{
	size_t n = tree_nr_frames(src);
	uint32_t *keys = xmalloc((n ? n : 1) * sizeof(*keys));
	for (size_t f = 0; f < n; f++)
		keys[f] = is_root[ids[f]] ? FUNCS_SKIP : ids[f];
	return keys;
}

static double two_sided_p(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

const char *diff_mode_name(enum diff_mode m)
{
	return m == DIFF_COUNTS ? "counts" : m == DIFF_RATES ? "rates" : "shares";
}

double diff_test_shares(uint64_t x1, uint64_t n1, uint64_t x2, uint64_t n2, double *z)
{
	*z = 0;
	if (!n1 || !n2)
		return -1;
	double a = (double)x1, b = (double)x2, m = (double)n1, n = (double)n2;
	double pooled = (a + b) / (m + n);
	double var = pooled * (1 - pooled) * (1 / m + 1 / n);
	if (!(var > 0))
		return -1; /* in every sample of both sides, or in none: nothing to test */
	*z = (b / n - a / m) / sqrt(var);
	return two_sided_p(*z);
}

double diff_test_poisson(uint64_t x1, double e1, uint64_t x2, double e2, double *z)
{
	uint64_t n = x1 + x2;
	*z = 0;
	if (!n || !(e1 > 0) || !(e2 > 0))
		return -1;
	/* Given n, x2 is Binomial(n, q) when both sides have one rate. */
	double q = e2 / (e1 + e2), nn = (double)n, x = (double)x2;
	double mean = nn * q, sd = sqrt(nn * q * (1 - q));
	double dev = fabs(x - mean) - 0.5; /* continuity correction */
	*z = (dev > 0 ? dev : 0) / sd * (x >= mean ? 1 : -1);
	if (n > 1000)
		return two_sided_p(*z);
	/* The tail on x2's side of the mean is the smaller one (or within a term of it). */
	double lgn = lgamma(nn + 1), lq = log(q), lr = log1p(-q), tail = 0;
	uint64_t lo = x >= mean ? x2 : 0, hi = x >= mean ? n : x2;
	for (uint64_t k = lo; k <= hi; k++) {
		double kk = (double)k;
		tail += exp(lgn - lgamma(kk + 1) - lgamma(nn - kk + 1) + kk * lq + (nn - kk) * lr);
	}
	double pv = 2 * tail;
	return pv > 1 ? 1 : pv;
}

static void test_func(struct diff_func *f, const uint64_t samples[2], const struct diff_opts *o)
{
	double p;
	switch (o->mode) {
	case DIFF_COUNTS:
		p = diff_test_poisson(f->total[0], 1, f->total[1], 1, &f->z);
		break;
	case DIFF_RATES:
		p = diff_test_poisson(f->total[0], o->seconds[0], f->total[1], o->seconds[1], &f->z);
		break;
	default:
		p = diff_test_shares(f->total[0], samples[0], f->total[1], samples[1], &f->z);
		break;
	}
	f->tested = p >= 0;
	f->p = f->tested ? p : 1;
}

struct rank {
	double key;
	const char *name;
	uint32_t idx;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Holm's step-down correction over the tested functions. */
static void holm(struct diff *d)
{
	struct rank *r = xmalloc((d->nr_funcs ? d->nr_funcs : 1) * sizeof(*r));
	size_t m = 0;
	for (size_t i = 0; i < d->nr_funcs; i++) {
		d->funcs[i].p_adj = 1;
		d->funcs[i].significant = 0;
		if (d->funcs[i].tested)
			r[m++] = (struct rank){ -d->funcs[i].p, d->funcs[i].name, (uint32_t)i };
	}
	xsort(r, m, sizeof(*r), cmp_rank); /* ascending p */
	double run = 0;
	for (size_t j = 0; j < m; j++) {
		struct diff_func *f = &d->funcs[r[j].idx];
		double adj = (double)(m - j) * f->p;
		if (adj > 1)
			adj = 1;
		if (adj > run)
			run = adj;
		f->p_adj = run;
		if (run <= d->opts.alpha) {
			f->significant = f->z > 0 ? 1 : -1;
			d->nr_significant++;
		}
	}
	d->nr_tested = m;
	free(r);
}

/* The size of a function's change in the unit of the mode. */
static double change_of(const struct diff_func *f, const struct diff_opts *o)
{
	int self = o->sort == DIFF_SORT_SELF;
	if (o->time_us) /* times: the change in microseconds */
		return self ? fabs((double)f->self[1] - (double)f->self[0])
			    : fabs((double)f->total[1] - (double)f->total[0]);
	switch (o->mode) {
	case DIFF_COUNTS:
		return self ? fabs((double)f->self[1] - (double)f->self[0])
			    : fabs((double)f->total[1] - (double)f->total[0]);
	case DIFF_RATES:
		return self ? fabs(f->self_rate[1] - f->self_rate[0])
			    : fabs(f->total_rate[1] - f->total_rate[0]);
	default:
		return self ? fabs(f->self_pct[1] - f->self_pct[0])
			    : fabs(f->total_pct[1] - f->total_pct[0]);
	}
}

static int cmp_name_idx(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	return strcmp(x->name, y->name);
}

struct diff *diff_new(const struct tree *before, const struct tree *after,
		      const struct diff_opts *o)
{
	struct diff *d = xcalloc(1, sizeof(*d));
	const struct tree *src[2] = { before, after };
	uint32_t *ids[2], *keys[2];
	struct funcs fs[2];

	d->opts = *o;
	d->names[0] = tree_new();
	d->names[1] = tree_new();
	ids[0] = intern_names(d->names[0], before);
	uint32_t *after_ids = intern_names(d->names[1], after);
	add_stacks(d->names[0], before, ids[0]);
	add_stacks(d->names[1], after, after_ids);
	ids[1] = intern_names(d->names[0], after); /* after's names in the key space */
	tree_sort(d->names[0]);
	tree_sort(d->names[1]);

	size_t nr_keys = tree_nr_frames(d->names[0]);
	uint8_t *is_root = xcalloc(nr_keys + 1, 1);
	for (int s = 0; s < 2; s++)
		for (size_t f = 0; f < tree_nr_frames(src[s]); f++)
			if (tree_frame(src[s], (uint32_t)f)->kind == FRAME_ROOT)
				is_root[ids[s][f]] = 1;
	for (int s = 0; s < 2; s++) {
		keys[s] = func_keys(src[s], ids[s], is_root);
		funcs_compute(&fs[s], src[s], keys[s], nr_keys, 0, 0);
		d->samples[s] = tree_total(src[s]);
	}

	/* One diff_func per key present on either side. */
	uint32_t *key_func = xmalloc((nr_keys ? nr_keys : 1) * sizeof(*key_func));
	d->funcs = xcalloc(nr_keys ? nr_keys : 1, sizeof(*d->funcs));
	for (size_t k = 0; k < nr_keys; k++) {
		key_func[k] = NO_FUNC;
		if (!fs[0].total[k] && !fs[1].total[k])
			continue;
		struct diff_func *f = &d->funcs[d->nr_funcs];
		f->name = tree_frame(d->names[0], (uint32_t)k)->name;
		for (int s = 0; s < 2; s++) {
			f->self[s] = fs[s].self[k];
			f->total[s] = fs[s].total[k];
			f->self_pct[s] = d->samples[s] ? 100.0 * (double)f->self[s] / (double)d->samples[s] : 0;
			f->total_pct[s] = d->samples[s] ? 100.0 * (double)f->total[s] / (double)d->samples[s] : 0;
			if (o->mode == DIFF_RATES && o->seconds[s] > 0) {
				f->self_rate[s] = (double)f->self[s] / o->seconds[s];
				f->total_rate[s] = (double)f->total[s] / o->seconds[s];
			}
		}
		if (!o->time_us)
			test_func(f, d->samples, o);
		else
			f->p = f->p_adj = 1; /* an interval's length is no count: no test */
		key_func[k] = (uint32_t)d->nr_funcs++;
	}
	holm(d);

	/* Rank by change; remap key_func through the permutation. */
	struct rank *r = xmalloc((d->nr_funcs ? d->nr_funcs : 1) * sizeof(*r));
	for (size_t i = 0; i < d->nr_funcs; i++)
		r[i] = (struct rank){ change_of(&d->funcs[i], o), d->funcs[i].name, (uint32_t)i };
	xsort(r, d->nr_funcs, sizeof(*r), cmp_rank);
	struct diff_func *ranked = xmalloc((d->nr_funcs ? d->nr_funcs : 1) * sizeof(*ranked));
	uint32_t *new_pos = xmalloc((d->nr_funcs ? d->nr_funcs : 1) * sizeof(*new_pos));
	for (size_t i = 0; i < d->nr_funcs; i++) {
		ranked[i] = d->funcs[r[i].idx];
		new_pos[r[i].idx] = (uint32_t)i;
	}
	free(d->funcs);
	d->funcs = ranked;
	for (size_t k = 0; k < nr_keys; k++)
		if (key_func[k] != NO_FUNC)
			key_func[k] = new_pos[key_func[k]];
	for (size_t i = 0; i < d->nr_funcs; i++)
		r[i] = (struct rank){ 0, d->funcs[i].name, (uint32_t)i };
	xsort(r, d->nr_funcs, sizeof(*r), cmp_name_idx);
	d->by_name = xmalloc((d->nr_funcs ? d->nr_funcs : 1) * sizeof(*d->by_name));
	for (size_t i = 0; i < d->nr_funcs; i++)
		d->by_name[i] = r[i].idx;

	/* Match every after node to the before stack of the same names.  A
	 * node's parent has a smaller index (tree_add appends), so one pass
	 * in index order sees parents first. */
	size_t nn = tree_nr_nodes(after);
	uint32_t *match = xmalloc(nn * sizeof(*match));
	d->nr_after_nodes = nn;
	d->before_total = xcalloc(nn, sizeof(*d->before_total));
	d->before_self = xcalloc(nn, sizeof(*d->before_self));
	d->node_func = xmalloc(nn * sizeof(*d->node_func));
	match[0] = 0;
	d->node_func[0] = NO_FUNC;
	d->before_total[0] = tree_total(before);
	for (size_t idx = 1; idx < nn; idx++) {
		const struct tree_node *n = tree_node(after, (uint32_t)idx);
		uint32_t key = ids[1][n->frame];
		uint32_t pm = match[n->parent];
		match[idx] = pm == TREE_NONE ? TREE_NONE : tree_child(d->names[0], pm, key);
		if (match[idx] != TREE_NONE) {
			d->before_total[idx] = tree_node(d->names[0], match[idx])->total;
			d->before_self[idx] = tree_node(d->names[0], match[idx])->self;
		}
		d->node_func[idx] = key_func[key];
	}

	free(match);
	free(new_pos);
	free(r);
	free(key_func);
	free(is_root);
	for (int s = 0; s < 2; s++) {
		funcs_release(&fs[s]);
		free(keys[s]);
		free(ids[s]);
	}
	free(after_ids);
	return d;
}

void diff_free(struct diff *d)
{
	if (!d)
		return;
	tree_free(d->names[0]);
	tree_free(d->names[1]);
	free(d->funcs);
	free(d->by_name);
	free(d->before_total);
	free(d->before_self);
	free(d->node_func);
	free(d);
}

uint64_t diff_samples(const struct diff *d, int side) { return d->samples[side ? 1 : 0]; }
size_t diff_nr_funcs(const struct diff *d) { return d->nr_funcs; }
size_t diff_nr_tested(const struct diff *d) { return d->nr_tested; }
size_t diff_nr_significant(const struct diff *d) { return d->nr_significant; }

const struct diff_func *diff_func(const struct diff *d, size_t i)
{
	return i < d->nr_funcs ? &d->funcs[i] : NULL;
}

const struct diff_func *diff_frame_stats(const struct diff *d, const char *name)
{
	size_t lo = 0, hi = d->nr_funcs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(d->funcs[d->by_name[mid]].name, name);
		if (!c)
			return &d->funcs[d->by_name[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct diff_func *diff_node_before(const struct diff *d, uint32_t after_node,
					 uint64_t *total, uint64_t *self)
{
	if (after_node >= d->nr_after_nodes) {
		*total = *self = 0;
		return NULL;
	}
	*total = d->before_total[after_node];
	*self = d->before_self[after_node];
	uint32_t fi = d->node_func[after_node];
	return fi == NO_FUNC ? NULL : &d->funcs[fi];
}

const struct diff_opts *diff_get_opts(const struct diff *d) { return &d->opts; }

/* Children of node in t, by name order (both name trees are sorted). */
static uint32_t first_child(const struct tree *t, uint32_t node)
{
	return node == TREE_NONE ? TREE_NONE : tree_node(t, node)->first_child;
}

static uint32_t next_sibling(const struct tree *t, uint32_t node)
{
	return tree_node(t, node)->next_sibling;
}

/*
 * Merge-join the children of b (in names[0]) and a (in names[1]), either of
 * which may be TREE_NONE, writing one line per stack with self weight on a
 * side, BEFORE's weights multiplied by scale.  line holds the stack up to the parent.
 */
static void write_merged(const struct diff *d, uint32_t b, uint32_t a, double scale,
			 struct strbuf *line, struct strbuf *out)
{
	const struct tree *bt = d->names[0], *at = d->names[1];
	uint32_t cb = first_child(bt, b), ca = first_child(at, a);
	size_t base = line->len;

	while (cb != TREE_NONE || ca != TREE_NONE) {
		int c;
		if (cb == TREE_NONE)
			c = 1;
		else if (ca == TREE_NONE)
			c = -1;
		else
			c = strcmp(tree_frame(bt, tree_node(bt, cb)->frame)->name,
				   tree_frame(at, tree_node(at, ca)->frame)->name);
		uint32_t nb = c <= 0 ? cb : TREE_NONE, na = c >= 0 ? ca : TREE_NONE;
		const struct tree *nt = nb != TREE_NONE ? bt : at;
		const struct tree_node *n = tree_node(nt, nb != TREE_NONE ? nb : na);
		uint64_t sb = nb != TREE_NONE ? tree_node(bt, nb)->self : 0;
		uint64_t sa = na != TREE_NONE ? tree_node(at, na)->self : 0;

		strbuf_setlen(line, base);
		if (base)
			strbuf_addch(line, ';');
		folded_add_frame(line, tree_frame(nt, n->frame), NULL);
		if (sb || sa) {
			strbuf_add(out, line->buf, line->len);
			strbuf_addf(out, " %llu %llu\n", (unsigned long long)llround((double)sb * scale),
				    (unsigned long long)sa);
		}
		write_merged(d, nb, na, scale, line, out);
		if (nb != TREE_NONE)
			cb = next_sibling(bt, cb);
		if (na != TREE_NONE)
			ca = next_sibling(at, ca);
	}
	strbuf_setlen(line, base);
}

void diff_write_folded(const struct diff *d, struct strbuf *out)
{
	struct strbuf line = STRBUF_INIT;
	double scale = 1;
	if (d->opts.mode == DIFF_SHARES && d->samples[0])
		scale = (double)d->samples[1] / (double)d->samples[0];
	else if (d->opts.mode == DIFF_RATES && d->opts.seconds[0] > 0)
		scale = d->opts.seconds[1] / d->opts.seconds[0];
	write_merged(d, 0, 0, scale, &line, out);
	strbuf_release(&line);
}
