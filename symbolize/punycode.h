/* punycode.h — decoding RFC 3492 punycode (the deltas of Rust v0 identifiers) to UTF-8. */
#ifndef STOKE_PUNYCODE_H
#define STOKE_PUNYCODE_H

#include "common/strbuf.h"

#include <stddef.h>
#include <stdint.h>

/* Append code point c to sb as UTF-8 (c must be at most 0x10ffff). */
void utf8_put(struct strbuf *sb, uint32_t c);

/*
 * Decode the identifier whose basic (ASCII) part is basic[0..nbasic) and whose encoded deltas
 * are deltas[0..ndeltas), appending it to sb as UTF-8.  Returns 0, or -1 (sb unchanged) when
 * the deltas are invalid, overflow, give a surrogate or more than 4096 code points.
 */
int punycode_decode(const char *basic, size_t nbasic, const char *deltas, size_t ndeltas,
		    struct strbuf *sb);

#endif
