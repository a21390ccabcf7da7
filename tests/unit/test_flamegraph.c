/* Unit tests of report/flamegraph: the frame data, escaping, elision, diff. */
#include "report/diff.h"
#include "report/diff_svg.h"
#include "report/flamegraph.h"
#include "common/strbuf.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>

/* Add "a;b;c" with weight w. */
static void add(struct tree *t, const char *stack, uint64_t w)
{
	uint32_t ids[32];
	size_t n = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", stack);
	for (char *tok = strtok(buf, ";"); tok && n < 32; tok = strtok(NULL, ";"))
		ids[n++] = tree_intern(t, tok, NULL, FRAME_USER, NULL, 0);
	tree_add(t, ids, n, w);
}

/* Concatenated contents of the <metadata class="CLS"> chunks, brackets removed. */
static void chunks(const char *svg, const char *cls, struct strbuf *out)
{
	char open[64];
	snprintf(open, sizeof(open), "<metadata class=\"%s\">[", cls);
	for (const char *p = strstr(svg, open); p; p = strstr(p, open)) {
		p += strlen(open);
		const char *e = strstr(p, "]</metadata>");
		if (out->len)
			strbuf_addch(out, ',');
		strbuf_add(out, p, (size_t)(e - p));
	}
}

/* The numbers of the nodes array. */
static size_t node_values(const char *svg, unsigned long long *v, size_t max)
{
	struct strbuf sb = STRBUF_INIT;
	size_t n = 0;
	chunks(svg, "stoke-nodes", &sb);
	for (char *p = sb.buf; *p && n < max;) {
		v[n++] = strtoull(p, &p, 10);
		if (*p == ',')
			p++;
	}
	strbuf_release(&sb);
	return n;
}

static void test_structure(void)
{
	struct tree *t = tree_new();
	add(t, "prog;main;compute;hash", 40);
	add(t, "prog;main;compute;sort", 20);
	add(t, "prog;main;compute", 10);
	add(t, "prog;main;io", 30);
	tree_sort(t);

	struct flamegraph_opts o;
	struct flamegraph_stats st;
	struct strbuf svg = STRBUF_INIT;
	flamegraph_opts_init(&o);
	o.title = "T & <t>";
	o.subtitle = "sub \"quoted\"";
	o.stats = &st;
	T_EQ_INT(flamegraph_write(t, &o, &svg), 0, "write succeeds");
	T_OK(!strncmp(svg.buf, "<?xml", 5) && strstr(svg.buf, "</svg>\n"), "is an SVG document");
	T_EQ_INT(st.frames, 7, "frames: all, prog, main, compute, hash, sort, io");
	T_EQ_INT(st.max_depth, 4, "max depth");
	T_EQ_INT(st.elided, 0, "nothing elided");
	T_OK(strstr(svg.buf, ">T &amp; &lt;t&gt;</text>") != NULL, "title escaped");
	T_OK(strstr(svg.buf, "sub &quot;quoted&quot;") != NULL, "subtitle escaped");
	T_OK(!strstr(svg.buf, "<script src") && !strstr(svg.buf, "href="), "nothing loaded from outside");

	unsigned long long v[64];
	size_t n = node_values(svg.buf, v, 64);
	T_EQ_INT(n, 21, "three numbers a frame");
	/* Pre-order, children by name: all, prog, main, compute, hash, sort, io. */
	T_EQ_INT(v[1], 100, "root total");
	T_EQ_INT(v[2], 0, "root depth");
	T_EQ_INT(v[3 * 3 + 1], 70, "compute weight (width is proportional)");
	T_EQ_INT(v[3 * 4 + 1], 40, "hash weight");
	T_EQ_INT(v[3 * 4 + 2], 4, "hash depth");
	T_EQ_INT(v[3 * 6 + 1], 30, "io weight");
	T_EQ_INT(v[3 * 6 + 2], 3, "io depth");

	struct strbuf names = STRBUF_INIT;
	chunks(svg.buf, "stoke-names", &names);
	T_EQ_STR(names.buf, "\"all\",\"prog\",\"main\",\"compute\",\"hash\",\"sort\",\"io\"", "names in order");
	strbuf_release(&names);

	o.width = 50;
	T_EQ_INT(flamegraph_write(t, &o, &svg), -EINVAL, "width < 100 rejected");
	o.width = 1200;
	o.minwidth = -1;
	T_EQ_INT(flamegraph_write(t, &o, &svg), -EINVAL, "negative minwidth rejected");
	strbuf_release(&svg);
	tree_free(t);
}

static void test_escaping(void)
{
	struct tree *t = tree_new();
	add(t, "prog;<script>alert(1)</script>", 5);
	add(t, "prog;<img src=x onerror=alert(1)>", 5);
	add(t, "prog;a&b \"q\" 'x' ]]> \\ end", 5);
	add(t, "prog;bad\xff\xfeutf8", 5);
	tree_sort(t);
	struct strbuf svg = STRBUF_INIT;
	T_EQ_INT(flamegraph_write(t, NULL, &svg), 0, "write with default options");
	/* The only '<' of a name anywhere would be markup; names are JSON with \u003c. */
	T_OK(!strstr(svg.buf, "<script>alert") && !strstr(svg.buf, "<img"), "no raw markup from names");
	T_OK(strstr(svg.buf, "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e") != NULL, "script name escaped");
	T_OK(strstr(svg.buf, "a\\u0026b \\\"q\\\" 'x' ]]\\u003e \\\\ end") != NULL, "quotes, & and ]]> escaped");
	T_OK(strstr(svg.buf, "bad\\ufffd\\ufffdutf8") != NULL, "invalid UTF-8 replaced");
	/* Only the script's own CDATA section may contain "]]>". */
	const char *cdata = strstr(svg.buf, "<script type=");
	const char *p = strstr(svg.buf, "]]>");
	T_OK(p && (p < cdata ? strstr(svg.buf, "<style") < p : 1), "no ]]> outside CDATA ends");
	strbuf_release(&svg);
	tree_free(t);
}

static void test_elision(void)
{
	struct tree *t = tree_new();
	add(t, "p;big", 1000);
	char stack[64];
	for (int i = 0; i < 50; i++) {
		snprintf(stack, sizeof(stack), "p;small%02d;leaf", i);
		add(t, stack, 1);
	}
	tree_sort(t);
	struct flamegraph_opts o;
	struct flamegraph_stats st;
	struct strbuf svg = STRBUF_INIT;
	flamegraph_opts_init(&o);
	o.stats = &st;
	flamegraph_write(t, &o, &svg);
	T_EQ_INT(st.frames, 1 + 1 + 1 + 50 * 2, "every frame kept under the budget");
	T_EQ_INT(st.elided, 0, "none elided");

	strbuf_reset(&svg);
	o.max_frames = 10;
	flamegraph_write(t, &o, &svg);
	T_OK(st.frames <= 10, "at most max_frames kept (%zu)", st.frames);
	T_EQ_INT(st.elided, 50, "the 50 small subtrees elided");
	T_EQ_INT(st.elided_weight, 50, "elided weight accounted");
	unsigned long long v[64];
	size_t n = node_values(svg.buf, v, 64);
	T_EQ_INT(n, 3 * st.frames, "data matches stats");
	T_EQ_INT(v[1], 1050, "root total keeps the elided samples");
	T_EQ_INT(v[4], 1050, "p keeps the elided samples");
	T_EQ_INT(v[7], 1000, "big unchanged");
	T_OK(strstr(svg.buf, "\"elided\":50") != NULL, "the script is told (Matched: is a lower bound)");
	strbuf_release(&svg);
	tree_free(t);
}

static int insignificant(void *ctx, uint32_t node, uint64_t before, uint64_t after)
{
	(void)ctx; (void)node;
	return before == 10 && after == 10;
}

static void test_diff(void)
{
	struct tree *before = tree_new(), *after = tree_new();
	add(before, "p;grows", 10);
	add(before, "p;shrinks", 40);
	add(before, "p;same", 10);
	add(before, "p;gone;deep", 40);
	add(after, "p;grows", 50);
	add(after, "p;shrinks", 10);
	add(after, "p;same", 10);
	add(after, "p;new", 30);
	tree_sort(before);
	tree_sort(after);

	struct flamegraph_opts o;
	struct flamegraph_stats st;
	struct strbuf svg = STRBUF_INIT, other = STRBUF_INIT, ns = STRBUF_INIT;
	flamegraph_opts_init(&o);
	o.before = before;
	o.stats = &st;
	o.not_significant = insignificant;
	T_EQ_INT(flamegraph_write(after, &o, &svg), 0, "diff write");
	/* after order: all, p, grows, new, same, shrinks */
	T_EQ_INT(st.frames, 6, "shape from after");
	chunks(svg.buf, "stoke-other", &other);
	T_EQ_STR(other.buf, "100,100,10,0,10,40", "before weights matched by path");
	chunks(svg.buf, "stoke-ns", &ns);
	T_EQ_STR(ns.buf, "4", "insignificant frame flagged");
	T_EQ_INT(st.only_other, 1, "one subtree only in before");
	T_EQ_INT(st.only_other_weight, 40, "its weight");
	T_OK(strstr(svg.buf, "Only in before: 1 subtree") && strstr(svg.buf, "p;gone</text>"),
	     "listed under the graph");

	strbuf_reset(&svg);
	strbuf_reset(&other);
	o.negate = 1;
	o.not_significant = NULL;
	flamegraph_write(after, &o, &svg);
	/* before order: all, p, gone, deep, grows, same, shrinks */
	T_EQ_INT(st.frames, 7, "negate: shape from before");
	chunks(svg.buf, "stoke-other", &other);
	T_EQ_STR(other.buf, "100,100,0,0,50,10,10", "negate: after weights");
	T_OK(strstr(svg.buf, "Only in after: 1 subtree") && strstr(svg.buf, "p;new</text>"),
	     "negate: new frames listed");
	T_OK(strstr(svg.buf, "\"negate\":1") != NULL, "negate passed to the script");
	strbuf_release(&svg);
	strbuf_release(&other);
	strbuf_release(&ns);
	tree_free(before);
	tree_free(after);
}

/* diff_write_svg: the diff's mode and significance reach the graph. */
static void test_diff_svg(void)
{
	struct tree *before = tree_new(), *after = tree_new();
	add(before, "p;grows", 1000);
	add(before, "p;same", 1000);
	add(after, "p;grows", 4000);
	add(after, "p;same", 1500);
	tree_sort(before);
	tree_sort(after);

	struct diff_opts dopts;
	struct flamegraph_opts o;
	struct strbuf svg = STRBUF_INIT, ns = STRBUF_INIT;
	diff_opts_init(&dopts);
	dopts.mode = DIFF_RATES;
	dopts.seconds[0] = 2;
	dopts.seconds[1] = 3;
	struct diff *d = diff_new(before, after, &dopts);
	flamegraph_opts_init(&o);
	T_EQ_INT(diff_write_svg(d, before, after, &o, "compared: rates: test", &svg), 0, "diff svg");
	T_OK(strstr(svg.buf, "\"mode\":\"rate\",\"secs\":[2,3]") != NULL, "rates and durations reach the script");
	T_OK(strstr(svg.buf, ">compared: rates: test \xc2\xb7 before 2000 samples, after 5500") != NULL,
	     "the subtitle says what is compared");
	T_OK(strstr(svg.buf, "samples per second (rates)") != NULL, "the legend names the comparison");
	/* after order: all, p, grows, same; "same" kept its rate (1000 in 2 s, 1500 in 3 s) */
	chunks(svg.buf, "stoke-ns", &ns);
	T_EQ_STR(ns.buf, "0,3", "grey: the root and the function of unchanged rate (p grew)");
	diff_free(d);

	strbuf_reset(&svg);
	strbuf_reset(&ns);
	dopts.mode = DIFF_SHARES;
	d = diff_new(before, after, &dopts);
	diff_write_svg(d, before, after, &o, NULL, &svg);
	T_OK(strstr(svg.buf, "\"mode\":\"share\"") != NULL, "shares reach the script");
	chunks(svg.buf, "stoke-ns", &ns);
	T_EQ_STR(ns.buf, "0,1", "by share the same function fell: coloured; p (in every sample) untested");
	diff_free(d);
	strbuf_release(&svg);
	strbuf_release(&ns);
	tree_free(before);
	tree_free(after);
}

static void test_empty(void)
{
	struct tree *t = tree_new();
	struct strbuf svg = STRBUF_INIT;
	T_EQ_INT(flamegraph_write(t, NULL, &svg), 0, "empty tree");
	T_OK(strstr(svg.buf, "No samples.") != NULL, "says so");
	strbuf_release(&svg);
	tree_free(t);
}

int main(void)
{
	test_structure();
	test_escaping();
	test_elision();
	test_diff();
	test_diff_svg();
	test_empty();
	T_DONE();
}
