#include "report/folded.h"
#include "common/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *kind_suffix(enum frame_kind k)
{
	switch (k) {
	case FRAME_KERNEL: return "_[k]";
	case FRAME_INLINE: return "_[i]";
	case FRAME_JIT: return "_[j]";
	default: return "";
	}
}

void folded_add_frame(struct strbuf *out, const struct tree_frame *f, const struct folded_opts *o)
{
	for (const char *p = f->name; *p; p++) {
		char c = *p;
		if (c == ';')
			c = ':';
		else if (c == '\n' || c == '\r')
			c = ' ';
		strbuf_addch(out, c);
	}
	if (o && o->annotate)
		strbuf_adds(out, kind_suffix(f->kind));
}

void folded_write(const struct tree *t, const struct folded_opts *o, struct strbuf *out)
{
	/* Iterative depth-first walk; prefix[] holds the byte length of the line
	 * prefix at each depth so a sibling can truncate back to its parent. */
	struct strbuf line = STRBUF_INIT;
	size_t *prefix = NULL, alloc = 0, depth = 0;
	uint32_t node = tree_node(t, 0)->first_child;

	ALLOC_GROW(prefix, 1, alloc);
	prefix[0] = 0;
	while (node != TREE_NONE) {
		const struct tree_node *n = tree_node(t, node);
		strbuf_setlen(&line, prefix[depth]);
		if (depth)
			strbuf_addch(&line, ';');
		folded_add_frame(&line, tree_frame(t, n->frame), o);
		if (n->self) {
			strbuf_add(out, line.buf, line.len);
			strbuf_addf(out, " %llu\n", (unsigned long long)n->self);
		}
		if (n->first_child != TREE_NONE) {
			depth++;
			ALLOC_GROW(prefix, depth + 1, alloc);
			prefix[depth] = line.len;
			node = n->first_child;
			continue;
		}
		/* Climb until a node with a next sibling. */
		while (node != TREE_NONE && tree_node(t, node)->next_sibling == TREE_NONE) {
			node = tree_node(t, node)->parent;
			if (node == 0 || node == TREE_NONE) {
				node = TREE_NONE;
				break;
			}
			depth--;
		}
		if (node != TREE_NONE)
			node = tree_node(t, node)->next_sibling;
	}
	free(prefix);
	strbuf_release(&line);
}

/* Strip a kind suffix from [s, s+*n); returns the kind. */
static enum frame_kind strip_suffix(const char *s, size_t *n)
{
	if (*n > 4 && s[*n - 4] == '_' && s[*n - 3] == '[' && s[*n - 1] == ']') {
		enum frame_kind k;
		switch (s[*n - 2]) {
		case 'k': k = FRAME_KERNEL; break;
		case 'i': k = FRAME_INLINE; break;
		case 'j': k = FRAME_JIT; break;
		default: return FRAME_USER;
		}
		*n -= 4;
		return k;
	}
	return FRAME_USER;
}

/* What one line of folded text is. */
enum line_kind { LINE_BLANK, LINE_COMMENT, LINE_STACK, LINE_BAD };

/*
 * Classify the line [line, e) (no newline): a stack "FRAMES COUNT" sets
 * *stack_end (end of the frames) and *count.  The one set of rules for every
 * line, the first included, used by the parser and by the format check.
 */
static enum line_kind parse_line(const char *line, const char *e, const char **stack_end,
				 uint64_t *count)
{
	while (e > line && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e == line)
		return LINE_BLANK;
	if (*line == '#')
		return LINE_COMMENT; /* "# before: ..." as diff writes, or a note */
	/* The count is the last space-separated field: digits only, parsed within
	 * the line (the text need not end in a NUL); more than 2^64-1 is malformed. */
	const char *sp = e;
	while (sp > line && sp[-1] != ' ')
		sp--;
	if (sp == line || sp == e)
		return LINE_BAD;
	uint64_t c = 0;
	for (const char *d = sp; d < e; d++) {
		unsigned digit = (unsigned)(*d - '0');
		if (digit > 9 || c > (UINT64_MAX - digit) / 10)
			return LINE_BAD;
		c = c * 10 + digit;
	}
	const char *se = sp;
	while (se > line && se[-1] == ' ')
		se--;
	/* "stack A B" is difffolded output, not plain folded. */
	const char *q = se;
	while (q > line && isdigit((unsigned char)q[-1]))
		q--;
	if (q < se && q > line && q[-1] == ' ')
		return LINE_BAD;
	/* A stack needs at least one named frame: ";;; 3" has none. */
	int named = 0;
	for (const char *f = line; f < se && !named; f++)
		named = *f != ';' && *f != ' ';
	if (!named)
		return LINE_BAD;
	*stack_end = se;
	*count = c;
	return LINE_STACK;
}

int folded_parse(struct tree *t, const char *text, size_t len, folded_filter_fn keep,
		 void *keep_ctx, struct folded_stats *st)
{
	uint32_t *frames = NULL;
	size_t alloc = 0;
	struct strbuf name = STRBUF_INIT;
	const char *end = text + len;
	uint64_t lineno = 0, total = tree_total(t);

	memset(st, 0, sizeof(*st));
	for (const char *p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *line = p, *stack_end = NULL;
		uint64_t count = 0;
		lineno++;
		p = eol < end ? eol + 1 : end;
		enum line_kind kind = parse_line(line, eol, &stack_end, &count);
		if (kind == LINE_BLANK || kind == LINE_COMMENT)
			continue;
		if (kind == LINE_BAD) {
			st->malformed++;
			if (!st->first_bad)
				st->first_bad = lineno;
			continue;
		}

		size_t n = 0;
		for (const char *f = line; f < stack_end;) {
			const char *semi = memchr(f, ';', (size_t)(stack_end - f));
			if (!semi)
				semi = stack_end;
			size_t flen = (size_t)(semi - f);
			if (flen) {
				enum frame_kind k = strip_suffix(f, &flen);
				strbuf_reset(&name);
				strbuf_add(&name, f, flen);
				if (!flen)
					strbuf_adds(&name, "[unknown]");
				ALLOC_GROW(frames, n + 1, alloc);
				frames[n++] = tree_intern(t, name.buf, NULL, k, NULL, 0);
			}
			f = semi + 1;
		}
		st->lines++;
		if (!n || (keep && !keep(keep_ctx, t, frames, n)))
			continue;
		/* Saturate: the total (and so every node's) stays within 64 bits. */
		if (count > UINT64_MAX - total) {
			count = UINT64_MAX - total;
			st->saturated++;
			if (!st->first_saturated)
				st->first_saturated = lineno;
		}
		total += count;
		tree_add(t, frames, n, count);
	}
	free(frames);
	strbuf_release(&name);
	return 0;
}

int folded_sniff(const char *text, size_t len)
{
	if (len >= 4 && !memcmp(text, "\x5e\x2a\x4d\x18", 4))
		return 0; /* zstd skippable frame: a stoke file */
	/* Judge by the first lines that say something (up to 16, whatever their
	 * length), with the parser's own rules: folded when at least one is a
	 * stack and at least half of them are.  Binary data (a NUL) is not text. */
	const char *p = text, *end = text + len;
	int stacks = 0, seen = 0;
	while (p < end && seen < 16) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (memchr(p, '\0', (size_t)(eol - p)))
			return 0;
		const char *se;
		uint64_t c;
		enum line_kind kind = parse_line(p, eol, &se, &c);
		if (kind == LINE_STACK || kind == LINE_BAD) {
			seen++;
			stacks += kind == LINE_STACK;
		}
		p = eol < end ? eol + 1 : end;
	}
	return stacks > 0 && stacks * 2 >= seen;
}
