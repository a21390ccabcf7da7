/* Rust v0 symbol demangling, written from the grammar of RFC 2603 ("Rust Symbol Name
 * Mangling v0") and its later additions (constants of every type).  One recursive-descent
 * pass prints while it parses; parts that are parsed but not shown (an impl's own path, the
 * instantiating crate) are parsed with printing switched off. */
#include "symbolize/demangle_rust.h"
#include "common/strbuf.h"
#include "symbolize/punycode.h"
#include "symbolize/v0lex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void print_path(struct v0_cursor *d, int in_value);
static void print_type(struct v0_cursor *d);
static void print_const(struct v0_cursor *d, int in_value);

/* "B" <base-62-number>: an earlier position of the symbol; printed again from there. */
static void backref(struct v0_cursor *d, void (*fn)(struct v0_cursor *, int), int arg)
{
	size_t at = d->pos - 1;
	uint64_t target = v0_integer_62(d);
	if (d->err || target >= at) {
		d->err = 1;
		return;
	}
	if (d->skip)
		return; /* nothing to print: the target was parsed where it first appeared */
	if (!v0_enter(d))
		return;
	size_t saved = d->pos;
	d->pos = (size_t)target;
	fn(d, arg);
	d->pos = saved;
	v0_leave(d);
}

static void print_type_arg(struct v0_cursor *d, int unused) { (void)unused; print_type(d); }

static void print_lifetime(struct v0_cursor *d, uint64_t lt)
{
	v0_puts(d, "'");
	if (lt == 0) {
		v0_puts(d, "_");
		return;
	}
	if (lt > d->bound_lifetimes) {
		d->err = 1;
		return;
	}
	uint64_t depth = d->bound_lifetimes - lt;
	if (depth < 26) {
		char c = (char)('a' + depth);
		v0_put(d, &c, 1);
	} else {
		v0_puts(d, "_");
		v0_put_u64(d, depth);
	}
}

/* Items up to "E", separated by sep; returns how many. */
static uint64_t sep_list(struct v0_cursor *d, void (*fn)(struct v0_cursor *, int), int arg,
			 const char *sep)
{
	uint64_t count = 0;
	while (!d->err && !v0_eat(d, 'E')) {
		if (count)
			v0_puts(d, sep);
		fn(d, arg);
		count++;
		if (d->pos >= d->len && !d->err) {
			d->err = 1; /* ran out before the "E" */
			break;
		}
	}
	return count;
}

static void generic_arg(struct v0_cursor *d, int unused)
{
	(void)unused;
	if (v0_eat(d, 'L'))
		print_lifetime(d, v0_integer_62(d));
	else if (v0_eat(d, 'K'))
		print_const(d, 0);
	else
		print_type(d);
}

static void print_path(struct v0_cursor *d, int in_value)
{
	if (!v0_enter(d))
		return;
	char tag = v0_next(d);
	struct v0_ident id;
	switch (tag) {
	case 'C':
		v0_disambiguator(d);
		v0_ident(d, &id);
		v0_put_ident(d, &id);
		break;
	case 'M':
	case 'X':
	case 'Y':
		if (tag != 'Y') {
			v0_disambiguator(d); /* the impl's own path is not shown */
			d->skip++;
			print_path(d, 0);
			d->skip--;
		}
		v0_puts(d, "<");
		print_type(d);
		if (tag != 'M') {
			v0_puts(d, " as ");
			print_path(d, 0);
		}
		v0_puts(d, ">");
		break;
	case 'N': {
		char ns = v0_next(d);
		print_path(d, in_value);
		uint64_t dis = v0_disambiguator(d);
		v0_ident(d, &id);
		if (ns >= 'A' && ns <= 'Z') {
			v0_puts(d, "::{");
			if (ns == 'C')
				v0_puts(d, "closure");
			else if (ns == 'S')
				v0_puts(d, "shim");
			else
				v0_put(d, &ns, 1);
			if (id.ascii_len || id.puny_len) {
				v0_puts(d, ":");
				v0_put_ident(d, &id);
			}
			v0_puts(d, "#");
			v0_put_u64(d, dis);
			v0_puts(d, "}");
		} else if (ns >= 'a' && ns <= 'z') {
			if (id.ascii_len || id.puny_len) {
				v0_puts(d, "::");
				v0_put_ident(d, &id);
			}
		} else {
			d->err = 1;
		}
		break;
	}
	case 'I':
		print_path(d, in_value);
		if (in_value)
			v0_puts(d, "::");
		v0_puts(d, "<");
		sep_list(d, generic_arg, 0, ", ");
		v0_puts(d, ">");
		break;
	case 'B':
		backref(d, print_path, in_value);
		break;
	default:
		d->err = 1;
	}
	v0_leave(d);
}

/* <basic-type>: one lowercase letter each. */
static const char *basic_type(char c)
{
	static const char *const names['z' - 'a' + 1] = {
		['a' - 'a'] = "i8",   ['b' - 'a'] = "bool", ['c' - 'a'] = "char", ['d' - 'a'] = "f64",
		['e' - 'a'] = "str",  ['f' - 'a'] = "f32",  ['h' - 'a'] = "u8",   ['i' - 'a'] = "isize",
		['j' - 'a'] = "usize", ['l' - 'a'] = "i32", ['m' - 'a'] = "u32",  ['n' - 'a'] = "i128",
		['o' - 'a'] = "u128", ['p' - 'a'] = "_",    ['s' - 'a'] = "i16",  ['t' - 'a'] = "u16",
		['u' - 'a'] = "()",   ['v' - 'a'] = "...",  ['x' - 'a'] = "i64",  ['y' - 'a'] = "u64",
		['z' - 'a'] = "!",
	};
	return c >= 'a' && c <= 'z' ? names[c - 'a'] : NULL;
}

/* "(" items ")" up to "E", with Rust's trailing comma for one item. */
static void tuple(struct v0_cursor *d, void (*fn)(struct v0_cursor *, int))
{
	v0_puts(d, "(");
	if (sep_list(d, fn, 0, ", ") == 1)
		v0_puts(d, ",");
	v0_puts(d, ")");
}

/* [<binder>] then fn: "G" <base-62-number> introduces that many + 1 lifetimes. */
static void in_binder(struct v0_cursor *d, void (*fn)(struct v0_cursor *))
{
	uint64_t bound = v0_opt_integer_62(d, 'G');
	if (d->err || bound > 1000) {
		d->err = 1;
		return;
	}
	if (bound) {
		v0_puts(d, "for<");
		for (uint64_t i = 0; i < bound; i++) {
			if (i)
				v0_puts(d, ", ");
			d->bound_lifetimes++;
			print_lifetime(d, 1);
		}
		v0_puts(d, "> ");
	}
	fn(d);
	d->bound_lifetimes -= bound;
}

static void fn_sig(struct v0_cursor *d)
{
	int is_unsafe = v0_eat(d, 'U');
	struct v0_ident abi = { 0 };
	int has_abi = 0;
	if (v0_eat(d, 'K')) {
		has_abi = 1;
		if (v0_eat(d, 'C')) {
			abi.ascii = "C";
			abi.ascii_len = 1;
		} else {
			v0_ident(d, &abi);
			if (abi.puny)
				d->err = 1;
		}
	}
	if (is_unsafe)
		v0_puts(d, "unsafe ");
	if (has_abi) {
		v0_puts(d, "extern \"");
		for (size_t i = 0; i < abi.ascii_len && !d->err; i++) /* "_" stands for "-" */
			v0_put(d, abi.ascii[i] == '_' ? "-" : &abi.ascii[i], 1);
		v0_puts(d, "\" ");
	}
	v0_puts(d, "fn(");
	sep_list(d, print_type_arg, 0, ", ");
	v0_puts(d, ")");
	if (!v0_eat(d, 'u')) {
		v0_puts(d, " -> ");
		print_type(d);
	}
}

/* A path whose generic arguments stay open, so associated-type bindings can follow. */
static int path_open_generics(struct v0_cursor *d)
{
	if (v0_eat(d, 'B')) {
		size_t at = d->pos - 1;
		uint64_t target = v0_integer_62(d);
		if (d->err || target >= at) {
			d->err = 1;
			return 0;
		}
		if (d->skip || !v0_enter(d))
			return 0;
		size_t saved = d->pos;
		d->pos = (size_t)target;
		int open = path_open_generics(d);
		d->pos = saved;
		v0_leave(d);
		return open;
	}
	if (v0_eat(d, 'I')) {
		print_path(d, 0);
		v0_puts(d, "<");
		sep_list(d, generic_arg, 0, ", ");
		return 1;
	}
	print_path(d, 0);
	return 0;
}

static void dyn_trait(struct v0_cursor *d, int unused)
{
	(void)unused;
	int open = path_open_generics(d);
	while (!d->err && v0_eat(d, 'p')) {
		v0_puts(d, open ? ", " : "<");
		open = 1;
		struct v0_ident id;
		v0_ident(d, &id);
		v0_put_ident(d, &id);
		v0_puts(d, " = ");
		print_type(d);
	}
	if (open)
		v0_puts(d, ">");
}

static void dyn_traits(struct v0_cursor *d) { sep_list(d, dyn_trait, 0, " + "); }

static void print_type(struct v0_cursor *d)
{
	if (!v0_enter(d))
		return;
	char tag = v0_next(d);
	const char *basic = basic_type(tag);
	if (basic) {
		v0_puts(d, basic);
		v0_leave(d);
		return;
	}
	switch (tag) {
	case 'R':
	case 'Q':
		v0_puts(d, "&");
		if (v0_eat(d, 'L')) {
			uint64_t lt = v0_integer_62(d);
			if (lt) {
				print_lifetime(d, lt);
				v0_puts(d, " ");
			}
		}
		if (tag == 'Q')
			v0_puts(d, "mut ");
		print_type(d);
		break;
	case 'P':
		v0_puts(d, "*const ");
		print_type(d);
		break;
	case 'O':
		v0_puts(d, "*mut ");
		print_type(d);
		break;
	case 'A':
		v0_puts(d, "[");
		print_type(d);
		v0_puts(d, "; ");
		print_const(d, 1);
		v0_puts(d, "]");
		break;
	case 'S':
		v0_puts(d, "[");
		print_type(d);
		v0_puts(d, "]");
		break;
	case 'T':
		tuple(d, print_type_arg);
		break;
	case 'F':
		in_binder(d, fn_sig);
		break;
	case 'D': {
		v0_puts(d, "dyn ");
		in_binder(d, dyn_traits);
		if (!v0_eat(d, 'L')) {
			d->err = 1;
			break;
		}
		uint64_t lt = v0_integer_62(d);
		if (lt) {
			v0_puts(d, " + ");
			print_lifetime(d, lt);
		}
		break;
	}
	case 'B':
		backref(d, print_type_arg, 0);
		break;
	default:
		d->pos--;
		print_path(d, 0);
	}
	v0_leave(d);
}

/* <const-data> = ["n"] {hex-digit} "_"; the nibbles, leading zeros dropped. */
static void hex_nibbles(struct v0_cursor *d, const char **start, size_t *n)
{
	size_t from = d->pos;
	char c;
	while ((c = v0_peek(d)) && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
		d->pos++;
	size_t to = d->pos;
	if (!v0_eat(d, '_'))
		d->err = 1;
	while (from < to && d->sym[from] == '0')
		from++;
	*start = d->sym + from;
	*n = to - from;
}

static int nibbles_u64(const char *s, size_t n, uint64_t *v)
{
	if (n > 16)
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v = *v << 4 | (uint64_t)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
	return 0;
}

static void const_uint(struct v0_cursor *d)
{
	const char *s;
	size_t n;
	uint64_t v;
	hex_nibbles(d, &s, &n);
	if (d->err)
		return;
	if (!nibbles_u64(s, n, &v)) {
		v0_put_u64(d, v);
	} else {
		v0_puts(d, "0x");
		v0_put(d, s, n);
	}
}

/* A char or the chars of a string, quoted as Rust's Debug would. */
static void put_escaped(struct v0_cursor *d, uint32_t c, char quote)
{
	char buf[16];
	switch (c) {
	case '\t': v0_puts(d, "\\t"); return;
	case '\r': v0_puts(d, "\\r"); return;
	case '\n': v0_puts(d, "\\n"); return;
	case '\\': v0_puts(d, "\\\\"); return;
	case '\0': v0_puts(d, "\\0"); return;
	}
	if (c == (uint32_t)quote) {
		buf[0] = '\\';
		buf[1] = quote;
		v0_put(d, buf, 2);
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		static const char hex[] = "0123456789abcdef";
		memcpy(buf, "\\u{", 3);
		buf[3] = hex[c >> 4];
		buf[4] = hex[c & 15];
		buf[5] = '}';
		v0_put(d, buf, 6);
		return;
	}
	if (d->skip || d->err)
		return;
	struct strbuf tmp = STRBUF_INIT;
	utf8_put(&tmp, c);
	v0_put(d, tmp.buf, tmp.len);
	strbuf_release(&tmp);
}

static unsigned hex_byte(const char *s)
{
	unsigned hi = (unsigned)(s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10);
	unsigned lo = (unsigned)(s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10);
	return hi << 4 | lo;
}

/* A string constant: hex bytes that must be UTF-8, printed as a quoted literal. */
static void const_str(struct v0_cursor *d)
{
	const char *s;
	size_t n, from = d->pos;
	hex_nibbles(d, &s, &n);
	if (d->err)
		return;
	s = d->sym + from; /* leading zero nibbles are bytes here */
	n = d->pos - 1 - from;
	if (n % 2) {
		d->err = 1;
		return;
	}
	v0_puts(d, "\"");
	for (size_t i = 0; i < n && !d->err;) {
		unsigned b = hex_byte(s + i), need;
		uint32_t c;
		i += 2;
		if (b < 0x80)
			c = b, need = 0;
		else if ((b & 0xe0) == 0xc0)
			c = b & 0x1f, need = 1;
		else if ((b & 0xf0) == 0xe0)
			c = b & 0x0f, need = 2;
		else if ((b & 0xf8) == 0xf0)
			c = b & 0x07, need = 3;
		else
			need = 4; /* not a leading byte */
		for (; need && need < 4; need--, i += 2) {
			if (i + 2 > n || (hex_byte(s + i) & 0xc0) != 0x80)
				break;
			c = c << 6 | (hex_byte(s + i) & 0x3f);
		}
		if (need || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			d->err = 1;
		else
			put_escaped(d, c, '"');
	}
	v0_puts(d, "\"");
}

static void const_arg(struct v0_cursor *d, int unused) { (void)unused; print_const(d, 1); }

static void const_field(struct v0_cursor *d, int unused)
{
	(void)unused;
	struct v0_ident id;
	v0_disambiguator(d);
	v0_ident(d, &id);
	v0_put_ident(d, &id);
	v0_puts(d, ": ");
	print_const(d, 1);
}

static void print_const(struct v0_cursor *d, int in_value)
{
	if (!v0_enter(d))
		return;
	char tag = v0_next(d);
	/* Outside an expression, everything but a literal needs braces. */
	int brace = 0;
#define OPEN_BRACE()                          \
	do {                                  \
		if (!in_value) {              \
			v0_puts(d, "{");        \
			brace = 1;            \
		}                             \
	} while (0)
	switch (tag) {
	case 'p':
		v0_puts(d, "_");
		break;
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		if (v0_eat(d, 'n'))
			v0_puts(d, "-");
		const_uint(d);
		break;
	case 'h': case 't': case 'm': case 'y': case 'o': case 'j':
		const_uint(d);
		break;
	case 'b': {
		const char *s;
		size_t n;
		uint64_t v;
		hex_nibbles(d, &s, &n);
		if (!d->err && !nibbles_u64(s, n, &v) && v <= 1)
			v0_puts(d, v ? "true" : "false");
		else
			d->err = 1;
		break;
	}
	case 'c': {
		const char *s;
		size_t n;
		uint64_t v;
		hex_nibbles(d, &s, &n);
		if (d->err || nibbles_u64(s, n, &v) || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
			d->err = 1;
			break;
		}
		v0_puts(d, "'");
		put_escaped(d, (uint32_t)v, '\'');
		v0_puts(d, "'");
		break;
	}
	case 'e':
		OPEN_BRACE();
		v0_puts(d, "*");
		const_str(d);
		break;
	case 'R':
	case 'Q':
		if (tag == 'R' && v0_eat(d, 'e')) { /* &str prints as the literal */
			const_str(d);
			break;
		}
		OPEN_BRACE();
		v0_puts(d, tag == 'R' ? "&" : "&mut ");
		print_const(d, 1);
		break;
	case 'A':
		OPEN_BRACE();
		v0_puts(d, "[");
		sep_list(d, const_arg, 0, ", ");
		v0_puts(d, "]");
		break;
	case 'T':
		OPEN_BRACE();
		tuple(d, const_arg);
		break;
	case 'V':
		OPEN_BRACE();
		print_path(d, 1);
		switch (v0_next(d)) {
		case 'U':
			break;
		case 'T':
			v0_puts(d, "(");
			sep_list(d, const_arg, 0, ", ");
			v0_puts(d, ")");
			break;
		case 'S':
			v0_puts(d, " { ");
			sep_list(d, const_field, 0, ", ");
			v0_puts(d, " }");
			break;
		default:
			d->err = 1;
		}
		break;
	case 'B':
		backref(d, print_const, in_value);
		break;
	default:
		d->err = 1;
	}
#undef OPEN_BRACE
	if (brace)
		v0_puts(d, "}");
	v0_leave(d);
}

/* ".llvm.<hex>" (LTO) is dropped; 0 when the suffix is exactly that. */
static int llvm_suffix(const char *s)
{
	if (strncmp(s, ".llvm.", 6))
		return -1;
	for (s += 6; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F') || *s == '@'))
			return -1;
	return 0;
}

char *rust_v0_demangle(const char *name)
{
	const char *s;
	if (!strncmp(name, "_R", 2))
		s = name + 2;
	else if (!strncmp(name, "__R", 3))
		s = name + 3;
	else if (name[0] == 'R')
		s = name + 1;
	else
		return NULL;
	/* Paths start with an uppercase letter; a digit would be a later encoding version. */
	if (!(*s >= 'A' && *s <= 'Z'))
		return NULL;
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return NULL;

	struct strbuf out = STRBUF_INIT;
	struct v0_cursor d = { .sym = s, .len = len, .out = &out };
	/* The symbol ends where a vendor suffix starts; the grammar never uses '.' or '$'. */
	size_t end = strcspn(s, ".$");
	d.len = end;
	print_path(&d, 1);
	if (!d.err && d.pos < d.len && d.sym[d.pos] >= 'A' && d.sym[d.pos] <= 'Z') {
		d.skip++; /* the instantiating crate */
		print_path(&d, 0);
		d.skip--;
	}
	if (d.err || d.pos != d.len) {
		strbuf_release(&out);
		return NULL;
	}
	if (s[end] && llvm_suffix(s + end))
		strbuf_adds(&out, s + end);
	return strbuf_detach(&out);
}
