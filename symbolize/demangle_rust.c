/* Rust v0 symbol demangling, written from the grammar of RFC 2603 ("Rust Symbol Name
 * Mangling v0") and its later additions (constants of every type).  One recursive-descent
 * pass prints while it parses; parts that are parsed but not shown (an impl's own path, the
 * instantiating crate) are parsed with printing switched off. */
#include "symbolize/demangle_rust.h"
#include "common/strbuf.h"
#include "symbolize/punycode.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 300
#define MAX_OUT (1u << 20)

struct dm {
	const char *sym;       /* after the "_R" prefix */
	size_t len, pos;
	struct strbuf *out;
	int skip;              /* > 0: parse without printing */
	int depth;
	int err;
	uint64_t bound_lifetimes; /* lifetimes introduced by the enclosing binders */
};

struct ident {
	const char *ascii, *puny; /* puny: NULL when not punycode */
	size_t ascii_len, puny_len;
};

static char peek(const struct dm *d) { return d->pos < d->len ? d->sym[d->pos] : 0; }

static int eat(struct dm *d, char c)
{
	if (d->err || peek(d) != c)
		return 0;
	d->pos++;
	return 1;
}

static char next(struct dm *d)
{
	if (d->err || d->pos >= d->len) {
		d->err = 1;
		return 0;
	}
	return d->sym[d->pos++];
}

static void put(struct dm *d, const char *s, size_t n)
{
	if (d->skip || d->err)
		return;
	if (d->out->len + n > MAX_OUT) {
		d->err = 1;
		return;
	}
	strbuf_add(d->out, s, n);
}

static void puts_(struct dm *d, const char *s) { put(d, s, strlen(s)); }

static void put_u64(struct dm *d, uint64_t v)
{
	char buf[24];
	int n = 0;
	do {
		buf[sizeof(buf) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(d, buf + sizeof(buf) - n, (size_t)n);
}

static int enter(struct dm *d)
{
	if (d->err || ++d->depth > MAX_DEPTH) {
		d->err = 1;
		return 0;
	}
	return 1;
}

static void leave(struct dm *d) { d->depth--; }

/* <base-62-number> = { digit | lower | upper } "_"; "_" is 0, digits are value + 1. */
static uint64_t integer_62(struct dm *d)
{
	if (eat(d, '_'))
		return 0;
	uint64_t x = 0;
	for (;;) {
		char c = next(d);
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
static uint64_t opt_integer_62(struct dm *d, char tag)
{
	if (!eat(d, tag))
		return 0;
	uint64_t x = integer_62(d);
	if (x == UINT64_MAX)
		d->err = 1;
	return d->err ? 0 : x + 1;
}

static uint64_t disambiguator(struct dm *d) { return opt_integer_62(d, 's'); }

static uint64_t decimal(struct dm *d)
{
	char c = peek(d);
	if (c == '0') {
		d->pos++;
		return 0;
	}
	if (c < '1' || c > '9') {
		d->err = 1;
		return 0;
	}
	uint64_t x = 0;
	while ((c = peek(d)) >= '0' && c <= '9') {
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
static void ident(struct dm *d, struct ident *id)
{
	memset(id, 0, sizeof(*id));
	int puny = eat(d, 'u');
	uint64_t n = decimal(d);
	eat(d, '_');
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

static void put_ident(struct dm *d, const struct ident *id)
{
	if (d->skip || d->err)
		return;
	if (!id->puny) {
		put(d, id->ascii, id->ascii_len);
		return;
	}
	struct strbuf tmp = STRBUF_INIT;
	if (punycode_decode(id->ascii, id->ascii_len, id->puny, id->puny_len, &tmp) == 0) {
		put(d, tmp.buf, tmp.len);
	} else {
		puts_(d, "punycode{");
		put(d, id->ascii, id->ascii_len);
		puts_(d, "-");
		put(d, id->puny, id->puny_len);
		puts_(d, "}");
	}
	strbuf_release(&tmp);
}

static void print_path(struct dm *d, int in_value);
static void print_type(struct dm *d);
static void print_const(struct dm *d, int in_value);

/* "B" <base-62-number>: an earlier position of the symbol; printed again from there. */
static void backref(struct dm *d, void (*fn)(struct dm *, int), int arg)
{
	size_t at = d->pos - 1;
	uint64_t target = integer_62(d);
	if (d->err || target >= at) {
		d->err = 1;
		return;
	}
	if (d->skip)
		return; /* nothing to print: the target was parsed where it first appeared */
	if (!enter(d))
		return;
	size_t saved = d->pos;
	d->pos = (size_t)target;
	fn(d, arg);
	d->pos = saved;
	leave(d);
}

static void print_type_arg(struct dm *d, int unused) { (void)unused; print_type(d); }

static void print_lifetime(struct dm *d, uint64_t lt)
{
	puts_(d, "'");
	if (lt == 0) {
		puts_(d, "_");
		return;
	}
	if (lt > d->bound_lifetimes) {
		d->err = 1;
		return;
	}
	uint64_t depth = d->bound_lifetimes - lt;
	if (depth < 26) {
		char c = (char)('a' + depth);
		put(d, &c, 1);
	} else {
		puts_(d, "_");
		put_u64(d, depth);
	}
}

/* Items up to "E", separated by sep; returns how many. */
static uint64_t sep_list(struct dm *d, void (*fn)(struct dm *, int), int arg, const char *sep)
{
	uint64_t count = 0;
	while (!d->err && !eat(d, 'E')) {
		if (count)
			puts_(d, sep);
		fn(d, arg);
		count++;
		if (d->pos >= d->len && !d->err) {
			d->err = 1; /* ran out before the "E" */
			break;
		}
	}
	return count;
}

static void generic_arg(struct dm *d, int unused)
{
	(void)unused;
	if (eat(d, 'L'))
		print_lifetime(d, integer_62(d));
	else if (eat(d, 'K'))
		print_const(d, 0);
	else
		print_type(d);
}

static void print_path(struct dm *d, int in_value)
{
	if (!enter(d))
		return;
	char tag = next(d);
	struct ident id;
	switch (tag) {
	case 'C':
		disambiguator(d);
		ident(d, &id);
		put_ident(d, &id);
		break;
	case 'M':
	case 'X':
	case 'Y':
		if (tag != 'Y') {
			disambiguator(d); /* the impl's own path is not shown */
			d->skip++;
			print_path(d, 0);
			d->skip--;
		}
		puts_(d, "<");
		print_type(d);
		if (tag != 'M') {
			puts_(d, " as ");
			print_path(d, 0);
		}
		puts_(d, ">");
		break;
	case 'N': {
		char ns = next(d);
		print_path(d, in_value);
		uint64_t dis = disambiguator(d);
		ident(d, &id);
		if (ns >= 'A' && ns <= 'Z') {
			puts_(d, "::{");
			if (ns == 'C')
				puts_(d, "closure");
			else if (ns == 'S')
				puts_(d, "shim");
			else
				put(d, &ns, 1);
			if (id.ascii_len || id.puny_len) {
				puts_(d, ":");
				put_ident(d, &id);
			}
			puts_(d, "#");
			put_u64(d, dis);
			puts_(d, "}");
		} else if (ns >= 'a' && ns <= 'z') {
			if (id.ascii_len || id.puny_len) {
				puts_(d, "::");
				put_ident(d, &id);
			}
		} else {
			d->err = 1;
		}
		break;
	}
	case 'I':
		print_path(d, in_value);
		if (in_value)
			puts_(d, "::");
		puts_(d, "<");
		sep_list(d, generic_arg, 0, ", ");
		puts_(d, ">");
		break;
	case 'B':
		backref(d, print_path, in_value);
		break;
	default:
		d->err = 1;
	}
	leave(d);
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
static void tuple(struct dm *d, void (*fn)(struct dm *, int))
{
	puts_(d, "(");
	if (sep_list(d, fn, 0, ", ") == 1)
		puts_(d, ",");
	puts_(d, ")");
}

/* [<binder>] then fn: "G" <base-62-number> introduces that many + 1 lifetimes. */
static void in_binder(struct dm *d, void (*fn)(struct dm *))
{
	uint64_t bound = opt_integer_62(d, 'G');
	if (d->err || bound > 1000) {
		d->err = 1;
		return;
	}
	if (bound) {
		puts_(d, "for<");
		for (uint64_t i = 0; i < bound; i++) {
			if (i)
				puts_(d, ", ");
			d->bound_lifetimes++;
			print_lifetime(d, 1);
		}
		puts_(d, "> ");
	}
	fn(d);
	d->bound_lifetimes -= bound;
}

static void fn_sig(struct dm *d)
{
	int is_unsafe = eat(d, 'U');
	struct ident abi = { 0 };
	int has_abi = 0;
	if (eat(d, 'K')) {
		has_abi = 1;
		if (eat(d, 'C')) {
			abi.ascii = "C";
			abi.ascii_len = 1;
		} else {
			ident(d, &abi);
			if (abi.puny)
				d->err = 1;
		}
	}
	if (is_unsafe)
		puts_(d, "unsafe ");
	if (has_abi) {
		puts_(d, "extern \"");
		for (size_t i = 0; i < abi.ascii_len && !d->err; i++) /* "_" stands for "-" */
			put(d, abi.ascii[i] == '_' ? "-" : &abi.ascii[i], 1);
		puts_(d, "\" ");
	}
	puts_(d, "fn(");
	sep_list(d, print_type_arg, 0, ", ");
	puts_(d, ")");
	if (!eat(d, 'u')) {
		puts_(d, " -> ");
		print_type(d);
	}
}

/* A path whose generic arguments stay open, so associated-type bindings can follow. */
static int path_open_generics(struct dm *d)
{
	if (eat(d, 'B')) {
		size_t at = d->pos - 1;
		uint64_t target = integer_62(d);
		if (d->err || target >= at) {
			d->err = 1;
			return 0;
		}
		if (d->skip || !enter(d))
			return 0;
		size_t saved = d->pos;
		d->pos = (size_t)target;
		int open = path_open_generics(d);
		d->pos = saved;
		leave(d);
		return open;
	}
	if (eat(d, 'I')) {
		print_path(d, 0);
		puts_(d, "<");
		sep_list(d, generic_arg, 0, ", ");
		return 1;
	}
	print_path(d, 0);
	return 0;
}

static void dyn_trait(struct dm *d, int unused)
{
	(void)unused;
	int open = path_open_generics(d);
	while (!d->err && eat(d, 'p')) {
		puts_(d, open ? ", " : "<");
		open = 1;
		struct ident id;
		ident(d, &id);
		put_ident(d, &id);
		puts_(d, " = ");
		print_type(d);
	}
	if (open)
		puts_(d, ">");
}

static void dyn_traits(struct dm *d) { sep_list(d, dyn_trait, 0, " + "); }

static void print_type(struct dm *d)
{
	if (!enter(d))
		return;
	char tag = next(d);
	const char *basic = basic_type(tag);
	if (basic) {
		puts_(d, basic);
		leave(d);
		return;
	}
	switch (tag) {
	case 'R':
	case 'Q':
		puts_(d, "&");
		if (eat(d, 'L')) {
			uint64_t lt = integer_62(d);
			if (lt) {
				print_lifetime(d, lt);
				puts_(d, " ");
			}
		}
		if (tag == 'Q')
			puts_(d, "mut ");
		print_type(d);
		break;
	case 'P':
		puts_(d, "*const ");
		print_type(d);
		break;
	case 'O':
		puts_(d, "*mut ");
		print_type(d);
		break;
	case 'A':
		puts_(d, "[");
		print_type(d);
		puts_(d, "; ");
		print_const(d, 1);
		puts_(d, "]");
		break;
	case 'S':
		puts_(d, "[");
		print_type(d);
		puts_(d, "]");
		break;
	case 'T':
		tuple(d, print_type_arg);
		break;
	case 'F':
		in_binder(d, fn_sig);
		break;
	case 'D': {
		puts_(d, "dyn ");
		in_binder(d, dyn_traits);
		if (!eat(d, 'L')) {
			d->err = 1;
			break;
		}
		uint64_t lt = integer_62(d);
		if (lt) {
			puts_(d, " + ");
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
	leave(d);
}

/* <const-data> = ["n"] {hex-digit} "_"; the nibbles, leading zeros dropped. */
static void hex_nibbles(struct dm *d, const char **start, size_t *n)
{
	size_t from = d->pos;
	char c;
	while ((c = peek(d)) && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
		d->pos++;
	size_t to = d->pos;
	if (!eat(d, '_'))
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

static void const_uint(struct dm *d)
{
	const char *s;
	size_t n;
	uint64_t v;
	hex_nibbles(d, &s, &n);
	if (d->err)
		return;
	if (!nibbles_u64(s, n, &v)) {
		put_u64(d, v);
	} else {
		puts_(d, "0x");
		put(d, s, n);
	}
}

/* A char or the chars of a string, quoted as Rust's Debug would. */
static void put_escaped(struct dm *d, uint32_t c, char quote)
{
	char buf[16];
	switch (c) {
	case '\t': puts_(d, "\\t"); return;
	case '\r': puts_(d, "\\r"); return;
	case '\n': puts_(d, "\\n"); return;
	case '\\': puts_(d, "\\\\"); return;
	case '\0': puts_(d, "\\0"); return;
	}
	if (c == (uint32_t)quote) {
		buf[0] = '\\';
		buf[1] = quote;
		put(d, buf, 2);
		return;
	}
	if (c < 0x20 || c == 0x7f) {
		static const char hex[] = "0123456789abcdef";
		memcpy(buf, "\\u{", 3);
		buf[3] = hex[c >> 4];
		buf[4] = hex[c & 15];
		buf[5] = '}';
		put(d, buf, 6);
		return;
	}
	if (d->skip || d->err)
		return;
	struct strbuf tmp = STRBUF_INIT;
	utf8_put(&tmp, c);
	put(d, tmp.buf, tmp.len);
	strbuf_release(&tmp);
}

static unsigned hex_byte(const char *s)
{
	unsigned hi = (unsigned)(s[0] <= '9' ? s[0] - '0' : s[0] - 'a' + 10);
	unsigned lo = (unsigned)(s[1] <= '9' ? s[1] - '0' : s[1] - 'a' + 10);
	return hi << 4 | lo;
}

/* A string constant: hex bytes that must be UTF-8, printed as a quoted literal. */
static void const_str(struct dm *d)
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
	puts_(d, "\"");
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
	puts_(d, "\"");
}

static void const_arg(struct dm *d, int unused) { (void)unused; print_const(d, 1); }

static void const_field(struct dm *d, int unused)
{
	(void)unused;
	struct ident id;
	disambiguator(d);
	ident(d, &id);
	put_ident(d, &id);
	puts_(d, ": ");
	print_const(d, 1);
}

static void print_const(struct dm *d, int in_value)
{
	if (!enter(d))
		return;
	char tag = next(d);
	/* Outside an expression, everything but a literal needs braces. */
	int brace = 0;
#define OPEN_BRACE()                          \
	do {                                  \
		if (!in_value) {              \
			puts_(d, "{");        \
			brace = 1;            \
		}                             \
	} while (0)
	switch (tag) {
	case 'p':
		puts_(d, "_");
		break;
	case 'a': case 's': case 'l': case 'x': case 'n': case 'i':
		if (eat(d, 'n'))
			puts_(d, "-");
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
			puts_(d, v ? "true" : "false");
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
		puts_(d, "'");
		put_escaped(d, (uint32_t)v, '\'');
		puts_(d, "'");
		break;
	}
	case 'e':
		OPEN_BRACE();
		puts_(d, "*");
		const_str(d);
		break;
	case 'R':
	case 'Q':
		if (tag == 'R' && eat(d, 'e')) { /* &str prints as the literal */
			const_str(d);
			break;
		}
		OPEN_BRACE();
		puts_(d, tag == 'R' ? "&" : "&mut ");
		print_const(d, 1);
		break;
	case 'A':
		OPEN_BRACE();
		puts_(d, "[");
		sep_list(d, const_arg, 0, ", ");
		puts_(d, "]");
		break;
	case 'T':
		OPEN_BRACE();
		tuple(d, const_arg);
		break;
	case 'V':
		OPEN_BRACE();
		print_path(d, 1);
		switch (next(d)) {
		case 'U':
			break;
		case 'T':
			puts_(d, "(");
			sep_list(d, const_arg, 0, ", ");
			puts_(d, ")");
			break;
		case 'S':
			puts_(d, " { ");
			sep_list(d, const_field, 0, ", ");
			puts_(d, " }");
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
		puts_(d, "}");
	leave(d);
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
	struct dm d = { .sym = s, .len = len, .out = &out };
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
