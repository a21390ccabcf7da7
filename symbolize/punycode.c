/* Punycode (RFC 3492) as Rust v0 symbols use it, and UTF-8 encoding. */
#include "symbolize/punycode.h"

#include <string.h>

#define MAX_IDENT_CHARS 4096 /* decoded code points of one identifier */

void utf8_put(struct strbuf *sb, uint32_t c)
{
	char b[4];
	size_t n;
	if (c < 0x80) {
		b[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		b[0] = (char)(0xc0 | c >> 6);
		b[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		b[0] = (char)(0xe0 | c >> 12);
		b[1] = (char)(0x80 | (c >> 6 & 0x3f));
		b[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		b[0] = (char)(0xf0 | c >> 18);
		b[1] = (char)(0x80 | (c >> 12 & 0x3f));
		b[2] = (char)(0x80 | (c >> 6 & 0x3f));
		b[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	strbuf_add(sb, b, n);
}

static uint32_t adapt(uint32_t delta, uint32_t points, int first)
{
	delta = first ? delta / 700 : delta / 2;
	delta += delta / points;
	uint32_t k = 0;
	while (delta > 35 * 26 / 2) {
		delta /= 35;
		k += 36;
	}
	return k + 36 * delta / (delta + 38);
}

int punycode_decode(const char *basic, size_t nbasic, const char *deltas, size_t ndeltas,
		    struct strbuf *sb)
{
	uint32_t cp[MAX_IDENT_CHARS];
	size_t n_out = 0;
	if (nbasic > MAX_IDENT_CHARS)
		return -1;
	for (size_t k = 0; k < nbasic; k++)
		cp[n_out++] = (unsigned char)basic[k];
	uint32_t n = 128, i = 0, bias = 72;
	size_t p = 0;
	while (p < ndeltas) {
		uint32_t old = i, w = 1;
		for (uint32_t k = 36;; k += 36) {
			if (p >= ndeltas)
				return -1;
			char c = deltas[p++];
			uint32_t digit;
			if (c >= 'a' && c <= 'z')
				digit = (uint32_t)(c - 'a');
			else if (c >= '0' && c <= '9')
				digit = 26 + (uint32_t)(c - '0');
			else
				return -1;
			if (digit > (UINT32_MAX - i) / w)
				return -1;
			i += digit * w;
			uint32_t t = k <= bias ? 1 : k >= bias + 26 ? 26 : k - bias;
			if (digit < t)
				break;
			if (w > UINT32_MAX / (36 - t))
				return -1;
			w *= 36 - t;
		}
		if (n_out >= MAX_IDENT_CHARS)
			return -1;
		uint32_t len = (uint32_t)n_out + 1;
		bias = adapt(i - old, len, old == 0);
		if (i / len > 0x10ffff - n)
			return -1;
		n += i / len;
		i %= len;
		if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff))
			return -1;
		memmove(cp + i + 1, cp + i, (n_out - i) * sizeof(cp[0]));
		cp[i++] = n;
		n_out++;
	}
	for (size_t k = 0; k < n_out; k++)
		utf8_put(sb, cp[k]);
	return 0;
}

