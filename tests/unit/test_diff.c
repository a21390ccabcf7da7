/* Unit tests of report/diff on trees built in code. */
#include "report/diff.h"
#include "tests/unit/t.h"

#include <math.h>

/* Add "prog;main;NAME" (or "prog;main;NAME;LEAF") w times, names interned on the fly. */
static void add(struct tree *t, const char *mid, const char *leaf, uint64_t w)
{
	uint32_t f[4];
	size_t n = 0;
	f[n++] = tree_intern(t, "prog", NULL, FRAME_ROOT, NULL, 0);
	f[n++] = tree_intern(t, "main", "prog", FRAME_USER, NULL, 0);
	f[n++] = tree_intern(t, mid, "prog", FRAME_USER, NULL, 0);
	if (leaf)
		f[n++] = tree_intern(t, leaf, "libc.so.6", FRAME_USER, NULL, 0);
	tree_add(t, f, n, w);
}

static void test_shares(void)
{
	struct tree *b = tree_new(), *a = tree_new();
	struct diff_opts o;

	add(b, "steady", NULL, 5000);
	add(b, "grows", NULL, 1000);
	add(b, "gone", "memcpy", 200);
	/* after: folded-like frames (no module, not ROOT) must still match by name */
	uint32_t f[4];
	f[0] = tree_intern(a, "prog", NULL, FRAME_USER, NULL, 0);
	f[1] = tree_intern(a, "main", NULL, FRAME_USER, NULL, 0);
	f[2] = tree_intern(a, "steady", NULL, FRAME_USER, NULL, 0);
	tree_add(a, f, 3, 5000);
	f[2] = tree_intern(a, "grows", NULL, FRAME_USER, NULL, 0);
	tree_add(a, f, 3, 2000);
	f[2] = tree_intern(a, "fresh", NULL, FRAME_USER, NULL, 0);
	f[3] = tree_intern(a, "memcpy", NULL, FRAME_KERNEL, NULL, 0);
	tree_add(a, f, 4, 7);
	tree_sort(a);
	tree_sort(b);

	diff_opts_init(&o);
	struct diff *d = diff_new(b, a, &o);
	T_EQ_INT(diff_samples(d, DIFF_BEFORE), 6200, "before samples");
	T_EQ_INT(diff_samples(d, DIFF_AFTER), 7007, "after samples");
	const struct diff_func *g = diff_func(d, 0);
	T_EQ_STR(g->name, "grows", "largest change first");
	T_EQ_INT(g->significant, 1, "doubled function significantly up");
	T_EQ_INT(g->total[0], 1000, "grows before");
	T_EQ_INT(g->total[1], 2000, "grows after");
	/* pooled two-proportion z by hand */
	double p1 = 1000.0 / 6200, p2 = 2000.0 / 7007, pp = 3000.0 / 13207;
	double z = (p2 - p1) / sqrt(pp * (1 - pp) * (1.0 / 6200 + 1.0 / 7007));
	T_OK(fabs(g->z - z) < 1e-9, "z statistic");
	T_OK(!diff_frame_stats(d, "prog"), "command name is not a function");
	const struct diff_func *m = diff_frame_stats(d, "main");
	T_OK(m && !m->tested && !m->significant, "function in every sample is not tested");
	const struct diff_func *mc = diff_frame_stats(d, "memcpy");
	T_OK(mc && mc->total[0] == 200 && mc->total[1] == 7, "memcpy matched by name across kinds");
	T_OK(diff_frame_stats(d, "gone")->significant == -1, "vanished function significantly down");
	T_OK(!diff_frame_stats(d, "nosuch"), "unknown name");
	T_EQ_INT(diff_nr_tested(d), 5, "tested: steady grows gone fresh memcpy");

	/* node matching: every after node of a name path the before tree has */
	uint64_t tot, self;
	uint32_t root = tree_child(a, 0, f[0]), mainn = tree_child(a, root, f[1]);
	uint32_t grows = tree_child(a, mainn, tree_intern(a, "grows", NULL, FRAME_USER, NULL, 0));
	const struct diff_func *nf = diff_node_before(d, grows, &tot, &self);
	T_OK(tot == 1000 && self == 1000 && nf == g, "after node matched to before stack");
	nf = diff_node_before(d, mainn, &tot, &self);
	T_OK(tot == 6200 && self == 0 && nf == m, "interior node matched");
	uint32_t fresh = tree_child(a, mainn, f[2]);
	diff_node_before(d, tree_child(a, fresh, f[3]), &tot, &self);
	T_OK(tot == 0 && self == 0, "stack absent before");
	T_OK(diff_node_before(d, root, &tot, &self) == NULL && tot == 6200, "root frame node");

	struct strbuf out = STRBUF_INIT;
	diff_write_folded(d, &out);
	T_EQ_STR(out.buf,
		 "prog;main;fresh;memcpy 0 7\n"
		 "prog;main;gone;memcpy 200 0\n"
		 "prog;main;grows 1000 2000\n"
		 "prog;main;steady 5000 5000\n",
		 "folded diff lines, sorted, matched by name");
	strbuf_release(&out);
	diff_free(d);

	/* --absolute: same counts are not a change even though shares moved */
	o.absolute = 1;
	d = diff_new(b, a, &o);
	T_OK(diff_frame_stats(d, "steady")->significant == 0, "absolute: equal counts not significant");
	T_OK(diff_frame_stats(d, "grows")->significant == 1, "absolute: doubled count significant");
	T_OK(diff_frame_stats(d, "main")->tested, "absolute: main tested");
	diff_free(d);
	tree_free(a);
	tree_free(b);
}

static void test_identical(void)
{
	struct tree *b = tree_new();
	struct diff_opts o;
	add(b, "x", "y", 100);
	add(b, "z", NULL, 50);
	tree_sort(b);
	diff_opts_init(&o);
	struct diff *d = diff_new(b, b, &o);
	T_EQ_INT(diff_nr_significant(d), 0, "a profile against itself");
	T_OK(diff_func(d, diff_nr_funcs(d)) == NULL, "diff_func out of range");
	diff_free(d);
	diff_free(NULL);
	tree_free(b);
}

int main(void)
{
	test_shares();
	test_identical();
	T_DONE();
}
