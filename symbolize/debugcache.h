/* debugcache.h — separate debug files with their compressed sections inflated, kept by build-id.
 *
 * Distributions ship debug files (libc6-dbg, ...) with compressed .debug_* sections, which must
 * be inflated before libdw reads them (symbolize/inflate.h: 15-20 ms for glibc's).  The cache
 * keeps one inflated copy per build-id in a directory ($XDG_CACHE_HOME/stoke/debug-v1, chosen by
 * the caller), so later reports map it as it is.
 *
 * Entries are named by the build-id and checked on open (trailer with a CRC, layout, build-id),
 * so a stale entry cannot be served and a damaged one is dropped (one warning) and rebuilt.  A
 * new entry is written on a thread of its own, while the report goes on with the same image in
 * memory, to a temporary file in the directory and renamed: concurrent reports see a whole
 * entry or none.  Past max_bytes the least recently used entries are removed.
 * Beside them, the symbolizer's resolved addresses of a build-id (symbolize/symcache.h) are
 * kept as named tables, checked, written and evicted the same way.
 * Nothing here prints: problems go to warn, each kind once.
 */
#ifndef STOKE_DEBUGCACHE_H
#define STOKE_DEBUGCACHE_H

#include <stddef.h>
#include <stdint.h>

#define DEBUGCACHE_MAX_BYTES (1ULL << 30) /* default bound: 1 GiB */

struct debugcache;

struct debugcache_stats {
	uint64_t hits;    /* debug files served from the cache */
	uint64_t writes;  /* entries written */
	uint64_t bad;     /* entries found damaged (dropped, rebuilt) */
	uint64_t evicted; /* entries removed to stay under the bound */
	uint64_t tables, tables_written, tables_bad; /* the same for symbol tables */
};

/* dir is copied (created on the first write); max_bytes 0: DEBUGCACHE_MAX_BYTES. */
struct debugcache *debugcache_new(const char *dir, uint64_t max_bytes,
				  void (*warn)(void *ctx, const char *msg), void *warn_ctx);
void debugcache_free(struct debugcache *c); /* NULL is a no-op */

/*
 * The entry for this build-id: a descriptor on it (the caller owns it), or -1 when there is
 * none.  A damaged entry is removed (said once through warn) and counts as none.
 */
int debugcache_lookup(struct debugcache *c, const unsigned char *id, size_t len);

/*
 * fd: an open separate debug file that should have this build-id; ownership passes in.
 * Returns a descriptor the caller owns: on the inflated image (fd closed; its entry is being
 * written, finished by debugcache_get_stats or debugcache_free), or fd itself when the file has
 * nothing compressed this can inflate or uses a dwz supplementary file; -1 (fd closed) when its
 * build-id is not id.  An entry that cannot be written is said once through warn.
 */
int debugcache_substitute(struct debugcache *c, int fd, const unsigned char *id, size_t len);

/*
 * A symbol table by name (letters, digits, '.', '-'): 0 with *data (malloc'd, the caller's)
 * and *len, the bytes last put whole; -ENOENT when there is none.  A damaged one is removed
 * (said once through warn) and counts as none.
 */
int debugcache_get(struct debugcache *c, const char *name, unsigned char **data, size_t *len);

/* Keep a symbol table (replacing one of the same name: readers see either whole).  0, or a
 * negative errno, said once through warn. */
int debugcache_put(struct debugcache *c, const char *name, const unsigned char *data, size_t len);

/* A table debugcache_get gave was not what its reader wrote (its format): removed, counted and
 * said as a damaged one is. */
void debugcache_drop(struct debugcache *c, const char *name);

/* Waits for the entries still being written first (their failures said through warn). */
void debugcache_get_stats(struct debugcache *c, struct debugcache_stats *st);

#endif
