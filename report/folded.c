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

int folded_parse(struct tree *t, const char *text, size_t len, folded_filter_fn keep,
		 void *keep_ctx, struct folded_stats *st)
{
	uint32_t *frames = NULL;
	size_t alloc = 0;
	struct strbuf name = STRBUF_INIT;
	const char *end = text + len;
	uint64_t lineno = 0;

	memset(st, 0, sizeof(*st));
	for (const char *p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *e = eol;
		lineno++;
		while (e > p && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		const char *line = p;
		p = eol < end ? eol + 1 : end;
		if (e == line)
			continue; /* blank line */

		/* The count is the last space-separated field. */
		const char *sp = e;
		while (sp > line && sp[-1] != ' ')
			sp--;
		/* Digits only, parsed within the line: the text need not end in a NUL. */
		unsigned long long count = 0;
		int bad = sp == line || sp == e;
		for (const char *d = sp; !bad && d < e; d++) {
			if (!isdigit((unsigned char)*d) || count > (UINT64_MAX - 9) / 10)
				bad = 1;
			else
				count = count * 10 + (unsigned)(*d - '0');
		}
		const char *stack_end = sp;
		while (!bad && stack_end > line && stack_end[-1] == ' ')
			stack_end--;
		/* "stack A B" is difffolded output, not plain folded. */
		if (!bad) {
			const char *q = stack_end;
			while (q > line && isdigit((unsigned char)q[-1]))
				q--;
			if (q < stack_end && q > line && q[-1] == ' ')
				bad = 1;
		}
		if (bad || stack_end == line) {
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
	size_t check = len < 4096 ? len : 4096;
	for (size_t i = 0; i < check; i++)
		if (text[i] == '\0')
			return 0;
	/* The first non-blank line must end in a count. */
	const char *p = text, *end = text + check;
	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = len <= 4096 ? text + len : end;
	while (eol > p && (eol[-1] == '\r' || eol[-1] == ' '))
		eol--;
	if (eol == p || !isdigit((unsigned char)eol[-1]))
		return 0;
	while (eol > p && isdigit((unsigned char)eol[-1]))
		eol--;
	return eol > p && eol[-1] == ' ';
}
