/* symcache.h — a module's resolved addresses as bytes, to keep from one report to the next.
 *
 * What the symbolizer answers for an address of a module (its frames: the function, the
 * inline chain, source lines; for unnamed code its function's start) depends only on the
 * module (its build-id and its file), its separate debug file, the options that shape names
 * and libdw.  The
 * symbolizer keeps its answers in the debug cache's directory under the build-id
 * (symbolize/debugcache.h, which checks each file whole), so that the next report of the
 * same binaries looks nothing up; this module turns the answers into bytes and back,
 * checking every count and offset it reads.  Bytes are the machine's own order: a cache
 * directory belongs to one machine.
 */
#ifndef STOKE_SYMCACHE_H
#define STOKE_SYMCACHE_H

#include "symbolize/strtab.h"
#include "symbolize/symbolize.h"

#include <stddef.h>
#include <stdint.h>

/* Bump when the symbolizer's answers change (names, inline frames, lines): older files are
 * then never read (their name says the version). */
#define SYMCACHE_VERSION 1
#define SYMCACHE_MAX_FRAMES 32

/* What else the answers were made from: the module file itself (a strip keeps its build-id),
 * the debug file (0, 0: none), the options, and the libraries that read them. */
struct symcache_source {
	uint64_t file_size, file_mtime_ns;
	uint64_t debug_size, debug_mtime_ns;
	uint64_t libs;  /* a hash of libdw's version */
	uint32_t opts;  /* bits: demangle 1, inline frames 2, lines 4 */
};

/* One address's answer: key (the symbolizer's, vaddr << 1 | caller) and its frames (the
 * fields name, file, line, rel and inlined; the rest is set where they are used). */
struct symcache_entry {
	uint64_t key;
	uint32_t nr;
	const struct sym_frame *frames;
};

/* The bytes for n entries made from src: *out (malloc'd, the caller frees) and *len. */
void symcache_encode(const struct symcache_source *src, const struct symcache_entry *e, size_t n,
		     unsigned char **out, size_t *len);

/*
 * Read the entries of p (len bytes): add is called for each, with frames valid during the
 * call, their strings interned in strings.  0; -ESTALE when the bytes were made from
 * another file, debug file, library or options (nothing added); -EBADMSG when they are malformed
 * (nothing added: every entry is checked before the first is given).
 */
int symcache_decode(const unsigned char *p, size_t len, const struct symcache_source *src,
		    struct strtab *strings,
		    void (*add)(void *ctx, uint64_t key, const struct sym_frame *frames, uint32_t nr),
		    void *ctx);

#endif
