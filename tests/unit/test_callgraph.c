/* Unit tests of report/callgraph on trees built in code. */
#include "report/callgraph.h"
#include "tests/unit/t.h"

static uint32_t F(struct tree *t, const char *name)
{
	return tree_intern(t, name, "prog", FRAME_USER, NULL, 0);
}

static int has(const struct strbuf *sb, const char *s)
{
	return strstr(sb->buf, s) != NULL;
}

static void test_escape(void)
{
	struct strbuf sb = STRBUF_INIT;
	callgraph_add_escaped(&sb, "a\"b\\c\nd\te<f>");
	T_EQ_STR(sb.buf, "a\\\"b\\\\c\\nd e<f>", "DOT string escaping");
	strbuf_release(&sb);
}

static void test_graph(void)
{
	struct tree *t = tree_new();
	uint32_t comm = tree_intern(t, "prog", NULL, FRAME_ROOT, NULL, 0);
	uint32_t m = F(t, "main"), x = F(t, "x"), y = F(t, "y"), shared = F(t, "shared");
	uint32_t r = F(t, "r"), small = F(t, "small");
	uint32_t s1[] = { comm, m, x, shared }, s2[] = { comm, m, y, shared };
	uint32_t s3[] = { comm, m, r, r, r }, s4[] = { comm, m, r }, s5[] = { comm, m, small };
	tree_add(t, s1, 4, 300);
	tree_add(t, s2, 4, 100);
	tree_add(t, s3, 5, 400);
	tree_add(t, s4, 3, 199);
	tree_add(t, s5, 2 + 1, 1);
	tree_sort(t);

	struct callgraph_opts o;
	struct strbuf sb = STRBUF_INIT;
	callgraph_opts_init(&o);
	o.title = "t\"1";
	callgraph_write_dot(t, &o, &sb);
	T_OK(has(&sb, "label=\"t\\\"1\\n1000 samples;"), "title escaped in the graph label");
	char want[128];
	snprintf(want, sizeof(want), "\tn%u [label=\"shared\\nprog\\nself 40.00%%\\ntotal 40.00%%\"", shared);
	T_OK(has(&sb, want), "one node for a function with two callers");
	snprintf(want, sizeof(want), "\tn%u -> n%u [label=\"30.00%%\"", x, shared);
	T_OK(has(&sb, want), "arc x->shared 30 percent");
	snprintf(want, sizeof(want), "\tn%u -> n%u [label=\"10.00%%\"", y, shared);
	T_OK(has(&sb, want), "arc y->shared 10 percent, the two add up to the total");
	snprintf(want, sizeof(want), "\tn%u [label=\"r\\nprog\\nself 59.90%%\\ntotal 59.90%%\"", r);
	T_OK(has(&sb, want), "recursive function counted once per sample");
	snprintf(want, sizeof(want), "\tn%u -> n%u [label=\"40.00%%\"", r, r);
	T_OK(has(&sb, want), "recursive self arc counted once per sample");
	T_OK(!has(&sb, "label=\"prog"), "command root is not a node");
	T_OK(has(&sb, "5 of 6 functions shown (hidden: total below 0.50%, holding 0.10% of samples as self)"),
	     "pruned node accounted for");
	T_OK(has(&sb, "6 of 7 arcs shown (hidden: below 0.10% or at a hidden node)"),
	     "pruned arc accounted for");

	strbuf_reset(&sb);
	o.by = CALLGRAPH_BY_MODULE;
	o.title = NULL;
	callgraph_write_dot(t, &o, &sb);
	T_OK(has(&sb, "[label=\"prog\\nself 100.00%\\ntotal 100.00%\""), "module node");
	T_OK(!has(&sb, "->"), "no arc inside one module");
	strbuf_release(&sb);
	tree_free(t);
}

int main(void)
{
	test_escape();
	test_graph();
	T_DONE();
}
