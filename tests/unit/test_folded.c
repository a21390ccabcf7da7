/* folded_parse / folded_sniff: one rule for every line, any length, counts that cannot wrap. */
#include "common/strbuf.h"
#include "report/folded.h"
#include "report/tree.h"
#include "t.h"

#include <stdint.h>

static struct tree *parse(const char *text, size_t len, struct folded_stats *st)
{
	struct tree *t = tree_new();
	folded_parse(t, text, len, NULL, NULL, st);
	return t;
}

static void test_long_first_line(void)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_adds(&sb, "root");
	while (sb.len < (1 << 20))
		strbuf_adds(&sb, ";a_long_frame_name");
	strbuf_adds(&sb, " 7\nroot;b 3\n");
	T_OK(folded_sniff(sb.buf, sb.len), "a 1 MB first line is folded text");
	struct folded_stats st;
	struct tree *t = parse(sb.buf, sb.len, &st);
	T_EQ_INT(st.lines, 2, "both stacks read");
	T_EQ_INT(st.malformed, 0, "none malformed");
	T_EQ_INT(tree_total(t), 10, "total of both");
	T_OK(tree_max_depth(t) > 50000, "the deep stack is whole");
	tree_free(t);
	strbuf_release(&sb);
}

static void test_every_line_alike(void)
{
	static const char text[] = "# a comment\nnot folded\n;;; 3\nmain;a 3\n\nmain;b 4\nx 1 2\nmain;a 2\n";
	T_OK(folded_sniff(text, sizeof(text) - 1), "a comment and malformed first lines: still folded");
	struct folded_stats st;
	struct tree *t = parse(text, sizeof(text) - 1, &st);
	T_EQ_INT(st.lines, 3, "three stacks");
	T_EQ_INT(st.malformed, 3, "'not folded', ';;; 3' and 'x 1 2' malformed");
	T_EQ_INT(st.first_bad, 2, "first malformed at line 2");
	T_EQ_INT(tree_total(t), 9, "total");
	tree_free(t);
	static const char mostly_bad[] = "hello world\nfoo bar\nbaz qux\na 1\n";
	T_OK(!folded_sniff(mostly_bad, sizeof(mostly_bad) - 1), "text with few stacks is not folded");
	static const char comments[] = "# only\n# comments\n";
	T_OK(!folded_sniff(comments, sizeof(comments) - 1), "comments only is not folded");
	static const char nul[] = "a;b 1\n\0c 2\n";
	T_OK(!folded_sniff(nul, sizeof(nul) - 1), "a NUL byte is not text");
}

static void test_saturation(void)
{
	static const char text[] = "a;b 18446744073709551615\na;c 18446744073709551615\na;d 3\n"
				   "a;e 18446744073709551616\n";
	struct folded_stats st;
	struct tree *t = parse(text, sizeof(text) - 1, &st);
	T_OK(tree_total(t) == UINT64_MAX, "the total saturates at 2^64-1");
	T_EQ_INT(st.saturated, 2, "two lines cut");
	T_EQ_INT(st.first_saturated, 2, "from line 2");
	T_EQ_INT(st.malformed, 1, "a count of 2^64 is malformed");
	T_EQ_INT(st.first_bad, 4, "... at line 4");
	tree_free(t);
}

int main(void)
{
	test_long_first_line();
	test_every_line_alike();
	test_saturation();
	T_DONE();
}
