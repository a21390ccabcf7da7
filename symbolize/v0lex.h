/* v0lex.h — the lexical layer of the Rust v0 demangler (symbolize/demangle_rust.c): a cursor
 * over the symbol with its output buffer, and the grammar's terminals (base-62 and decimal
 * numbers, disambiguators, identifiers with their punycode).
 *
 * They set d->err on malformed input, on nesting deeper than 300 levels (v0_enter) or on
 * output beyond 1 MiB (v0_put); once it is set, nothing more is printed and what they
 * return means nothing (the grammar reads d->err and d->pos directly).  Output is dropped
 * while d->skip > 0 (parts parsed but not shown).  The cursor borrows sym and out.
 */
#ifndef STOKE_V0LEX_H
#define STOKE_V0LEX_H

#include "common/strbuf.h"

#include <stddef.h>
#include <stdint.h>

struct v0_cursor {
	const char *sym;       /* after the "_R" prefix */
	size_t len, pos;
	struct strbuf *out;
	int skip;              /* > 0: parse without printing */
	int depth;
	int err;
	uint64_t bound_lifetimes; /* lifetimes introduced by the enclosing binders */
};

struct v0_ident {
	const char *ascii, *puny; /* puny: NULL when not punycode */
	size_t ascii_len, puny_len;
};

/* The next character, not consumed; 0 at the end. */
static inline char v0_peek(const struct v0_cursor *d)
{
	return d->pos < d->len ? d->sym[d->pos] : 0;
}
/* Consume c when it comes next: 1, else 0. */
int v0_eat(struct v0_cursor *d, char c);
/* Consume the next character; past the end sets err. */
char v0_next(struct v0_cursor *d);

/* Output (nothing while skip > 0). */
void v0_put(struct v0_cursor *d, const char *s, size_t n);
void v0_puts(struct v0_cursor *d, const char *s);
void v0_put_u64(struct v0_cursor *d, uint64_t v);

/* One level deeper (0 and err when too deep); v0_leave goes back up. */
int v0_enter(struct v0_cursor *d);
static inline void v0_leave(struct v0_cursor *d) { d->depth--; }

/* <base-62-number>: 0 for "_", else the digits' value + 1. */
uint64_t v0_integer_62(struct v0_cursor *d);
/* An optional tag and a base-62 number: 0 when absent, else the number + 1. */
uint64_t v0_opt_integer_62(struct v0_cursor *d, char tag);
/* ["s" <base-62-number>], as v0_opt_integer_62. */
uint64_t v0_disambiguator(struct v0_cursor *d);
/* <decimal-number>. */
uint64_t v0_decimal(struct v0_cursor *d);
/* <undisambiguated-identifier> into *id (pointing into the symbol). */
void v0_ident(struct v0_cursor *d, struct v0_ident *id);
/* Print an identifier, its punycode decoded (or shown as punycode{...} when invalid). */
void v0_put_ident(struct v0_cursor *d, const struct v0_ident *id);

#endif
