/* The lexical layer of the Rust v0 demangler (v0lex.h). */
#include "symbolize/v0lex.h"
#include "symbolize/punycode.h"

#include <string.h>

#define MAX_DEPTH 300
#define MAX_OUT (1u << 20)

int v0_eat(struct v0_cursor *d, char c)
{
	if (d->err || v0_peek(d) != c)
		return 0;
	d->pos++;
	return 1;
}

char v0_next(struct v0_cursor *d)
{
	if (d->err || d->pos >= d->len) {
		d->err = 1;
		return 0;
	}
	return d->sym[d->pos++];
}

void v0_put(struct v0_cursor *d, const char *s, size_t n)
{
	if (d->skip || d->err)
		return;
	if (d->out->len + n > MAX_OUT) {
		d->err = 1;
		return;
	}
	strbuf_add(d->out, s, n);
}

void v0_puts(struct v0_cursor *d, const char *s) { v0_put(d, s, strlen(s)); }

void v0_put_u64(struct v0_cursor *d, uint64_t v)
{
	char buf[24];
	int n = 0;
	do {
		buf[sizeof(buf) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	v0_put(d, buf + sizeof(buf) - n, (size_t)n);
}

int v0_enter(struct v0_cursor *d)
{
	if (d->err || ++d->depth > MAX_DEPTH) {
		d->err = 1;
		return 0;
	}
	return 1;
}

/* <base-62-number> = { digit | lower | upper } "_"; "_" is 0, digits are value + 1. */
uint64_t v0_integer_62(struct v0_cursor *d)
{
	if (v0_eat(d, '_'))
		return 0;
	uint64_t x = 0;
	for (;;) {
		char c = v0_next(d);
		if (d->err)
			return 0;
		if (c == '_')
			break;
		unsigned v;
		if (c >= '0' && c <= '9')
			v = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'z')
			v = 10 + (unsigned)(c - 'a');
		else if (c >= 'A' && c <= 'Z')
			v = 36 + (unsigned)(c - 'A');
		else {
			d->err = 1;
			return 0;
		}
		if (x > (UINT64_MAX - v) / 62) {
			d->err = 1;
			return 0;
		}
		x = x * 62 + v;
	}
	if (x == UINT64_MAX) {
		d->err = 1;
		return 0;
	}
	return x + 1;
}

/* An optional tag followed by a base-62 number: 0 when absent, else the number + 1. */
uint64_t v0_opt_integer_62(struct v0_cursor *d, char tag)
{
	if (!v0_eat(d, tag))
		return 0;
	uint64_t x = v0_integer_62(d);
	if (x == UINT64_MAX)
		d->err = 1;
	return d->err ? 0 : x + 1;
}

uint64_t v0_disambiguator(struct v0_cursor *d) { return v0_opt_integer_62(d, 's'); }

uint64_t v0_decimal(struct v0_cursor *d)
{
	char c = v0_peek(d);
	if (c == '0') {
		d->pos++;
		return 0;
	}
	if (c < '1' || c > '9') {
		d->err = 1;
		return 0;
	}
	uint64_t x = 0;
	while ((c = v0_peek(d)) >= '0' && c <= '9') {
		if (x > (UINT64_MAX - 9) / 10) {
			d->err = 1;
			return 0;
		}
		x = x * 10 + (uint64_t)(c - '0');
		d->pos++;
	}
	return x;
}

/* <undisambiguated-identifier> = ["u"] <decimal-number> ["_"] <bytes> */
void v0_ident(struct v0_cursor *d, struct v0_ident *id)
{
	memset(id, 0, sizeof(*id));
	int puny = v0_eat(d, 'u');
	uint64_t n = v0_decimal(d);
	v0_eat(d, '_');
	if (d->err || n > d->len - d->pos) {
		d->err = 1;
		return;
	}
	const char *s = d->sym + d->pos;
	d->pos += n;
	id->ascii = s;
	id->ascii_len = n;
	if (!puny)
		return;
	/* The basic (ASCII) part ends at the last '_'; the deltas follow it. */
	size_t cut = n;
	while (cut > 0 && s[cut - 1] != '_')
		cut--;
	if (cut) {
		id->ascii_len = cut - 1;
		id->puny = s + cut;
		id->puny_len = n - cut;
	} else {
		id->ascii_len = 0;
		id->puny = s;
		id->puny_len = n;
	}
	if (!id->puny_len)
		d->err = 1;
}

void v0_put_ident(struct v0_cursor *d, const struct v0_ident *id)
{
	if (d->skip || d->err)
		return;
	if (!id->puny) {
		v0_put(d, id->ascii, id->ascii_len);
		return;
	}
	struct strbuf tmp = STRBUF_INIT;
	if (punycode_decode(id->ascii, id->ascii_len, id->puny, id->puny_len, &tmp) == 0) {
		v0_put(d, tmp.buf, tmp.len);
	} else {
		v0_puts(d, "punycode{");
		v0_put(d, id->ascii, id->ascii_len);
		v0_puts(d, "-");
		v0_put(d, id->puny, id->puny_len);
		v0_puts(d, "}");
	}
	strbuf_release(&tmp);
}
