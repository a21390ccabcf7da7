/* Unit tests of report/funcs and report/report_text on trees built in code. */
#include "report/funcs.h"
#include "report/report_text.h"
#include "tests/unit/t.h"

#include "common/util.h"

#include <stdarg.h>

static struct tree *t;
static uint32_t comm, main_, a, b, rec, leaf;

static void add(uint64_t w, size_t n, ...)
{
	uint32_t frames[16];
	va_list ap;
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		frames[i] = va_arg(ap, uint32_t);
	va_end(ap);
	tree_add(t, frames, n, w);
}

static void build(void)
{
	t = tree_new();
	comm = tree_intern(t, "prog", NULL, FRAME_ROOT, NULL, 0);
	main_ = tree_intern(t, "main", "prog", FRAME_USER, NULL, 0);
	a = tree_intern(t, "a", "prog", FRAME_USER, NULL, 0);
	b = tree_intern(t, "b", "prog", FRAME_USER, NULL, 0);
	rec = tree_intern(t, "rec", "prog", FRAME_USER, NULL, 0);
	leaf = tree_intern(t, "leaf", "libc.so.6", FRAME_USER, NULL, 0);
	add(10, 4, comm, main_, a, leaf);  /* leaf called from a ... */
	add(30, 4, comm, main_, b, leaf);  /* ... and from b */
	add(20, 3, comm, main_, a);
	add(5, 5, comm, main_, rec, rec, rec); /* recursion: 5 samples, 3 deep */
	add(5, 4, comm, main_, rec, leaf);
	add(30, 5, comm, main_, rec, rec, leaf);
	tree_sort(t);
}

static const struct funcs_edge *find_edge(const struct funcs *f, uint32_t x, uint32_t y)
{
	for (size_t i = 0; i < f->nr_edges; i++)
		if (f->edges[i].caller == x && f->edges[i].callee == y)
			return &f->edges[i];
	return NULL;
}

static void test_funcs(void)
{
	struct funcs f;
	size_t nr;
	uint32_t *keys = funcs_keys_by_frame(t, &nr);
	funcs_compute(&f, t, keys, nr, 1, 1);

	T_EQ_INT(tree_total(t), 100, "tree total");
	T_EQ_INT(f.total[comm], 0, "command root is not a function");
	T_EQ_INT(f.total[main_], 100, "main total");
	T_EQ_INT(f.total[rec], 40, "recursive function counted once per sample");
	T_EQ_INT(f.self[rec], 5, "recursive self");
	T_EQ_INT(f.total[leaf], 75, "leaf merged across callers");
	T_EQ_INT(f.self[leaf], 75, "leaf self merged");
	T_EQ_INT(f.total[a], 30, "a total");
	const struct funcs_edge *e = find_edge(&f, a, leaf);
	T_OK(e && e->weight == 10, "arc a->leaf");
	e = find_edge(&f, b, leaf);
	T_OK(e && e->weight == 30, "arc b->leaf");
	e = find_edge(&f, rec, rec);
	T_OK(e && e->weight == 35, "self arc rec->rec counted once per sample");
	e = find_edge(&f, rec, leaf);
	T_OK(e && e->weight == 35, "arc rec->leaf at two depths");
	T_OK(!find_edge(&f, comm, main_), "no arc from the command root");
	funcs_release(&f);

	funcs_compute(&f, t, keys, nr, 1, 0);
	T_OK(!find_edge(&f, rec, rec), "self arcs dropped when not asked");
	funcs_release(&f);
	free(keys);

	const char **mods;
	keys = funcs_keys_by_module(t, &nr, &mods);
	T_EQ_INT(nr, 2, "two modules");
	funcs_compute(&f, t, keys, nr, 1, 0);
	T_EQ_INT(f.total[keys[leaf]], 75, "libc module total");
	T_EQ_INT(f.self[keys[main_]], 25, "prog module self");
	T_EQ_INT(f.nr_edges, 1, "one arc between modules");
	funcs_release(&f);
	free(mods);
	free(keys);
}

static int contains(const struct strbuf *sb, const char *s)
{
	return strstr(sb->buf, s) != NULL;
}

static void test_views(void)
{
	struct report_opts o;
	struct strbuf out = STRBUF_INIT;

	report_opts_init(&o);
	o.view = REPORT_TOP;
	report_write(t, &o, &out);
	T_OK(contains(&out, "   75.00%   75.00%          75          75  leaf  [libc.so.6]\n"),
	     "top: leaf first with self and total");
	T_OK(contains(&out, "    5.00%   40.00%           5          40  rec  [prog]\n"),
	     "top: recursion counted once");
	T_OK(!contains(&out, "prog  ["), "top: command root not listed");

	strbuf_reset(&out);
	o.view = REPORT_CALLER;
	report_write(t, &o, &out);
	T_OK(contains(&out, "\n  100.00%    0.00%  main  [prog]\n"), "caller: main first");
	T_OK(contains(&out, "  40.00%  rec  [prog]\n"), "caller: rec under main");
	T_OK(contains(&out, "\n   40.00%    5.00%  rec  [prog]\n"
			    "                     35.00%  rec  [prog]\n"
			    "                     30.00%    leaf  [libc.so.6]\n"),
	     "caller: rec's own tree starts at its outermost call");

	strbuf_reset(&out);
	o.view = REPORT_CALLEE;
	report_write(t, &o, &out);
	T_OK(contains(&out, "\n   75.00%   75.00%  leaf  [libc.so.6]\n"
			    "                     35.00%  rec  [prog]\n"),
	     "callee: leaf's callers, rec first");
	T_OK(contains(&out, "                     30.00%  b  [prog]\n"), "callee: b calls leaf");

	strbuf_reset(&out);
	o.percent_limit = 50;
	report_write(t, &o, &out);
	T_OK(!contains(&out, "  a  [prog]\n"), "percent limit hides small functions");
	T_OK(contains(&out, "functions below 50.00% not shown"), "percent limit says so");

	strbuf_release(&out);
}

static void test_empty(void)
{
	struct tree *e = tree_new();
	struct report_opts o;
	struct strbuf out = STRBUF_INIT;
	report_opts_init(&o);
	report_write(e, &o, &out);
	T_EQ_STR(out.buf, "# no samples\n", "empty tree");
	strbuf_release(&out);
	tree_free(e);
}

int main(void)
{
	build();
	test_funcs();
	test_views();
	test_empty();
	tree_free(t);
	T_DONE();
}
