/* htab.h — the one hash table of stoke: open addressing, entries stored inline.
 *
 * A table holds fixed-size entries (a struct of the caller's, entry_size
 * bytes) in one power-of-two array, probed linearly from hash & (slots - 1),
 * and doubles when an insertion would make it more than 3/4 full.  The caller
 * computes each key's 64-bit hash (any function; equal keys must hash equal)
 * and says when an entry holds a key: either with a match function, or, when
 * match is NULL, by the entry's first key_size bytes equal to the key's.
 * A probe calls match only where the stored hash is the key's.
 *
 * Ownership: the table owns its slot array and nothing else.  Whatever an
 * entry points to (strings, buffers) stays the caller's, before and after
 * htab_free.  A pointer to an entry is valid until the next htab_insert or
 * htab_clear (growth moves entries).  There is no removal of one entry.
 */
#ifndef STOKE_HTAB_H
#define STOKE_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab;

/* 1 when entry holds key (ctx is htab_new's). */
typedef int (*htab_match_fn)(const void *entry, const void *key, void *ctx);

/*
 * A new empty table of entries of entry_size bytes, with room for about
 * min_slots * 3/4 entries before it first grows (min_slots is rounded up to
 * a power of two, at least 8).  With match NULL, an entry holds key when its
 * first key_size bytes equal key's; otherwise key_size is unused.  Never NULL
 * (allocation failure aborts, as xmalloc does).
 */
struct htab *htab_new(size_t entry_size, size_t key_size, size_t min_slots, htab_match_fn match,
		      void *ctx);
void htab_free(struct htab *t); /* NULL is a no-op */

/* The entry holding key (whose hash is hash), or NULL. */
void *htab_find(const struct htab *t, uint64_t hash, const void *key);
/* The same for a table whose key is the entries' first 8 bytes (key_size 8, match NULL), by
 * value: the lookups of code addresses on the report's hottest paths. */
void *htab_find_u64(const struct htab *t, uint64_t hash, uint64_t key);

/*
 * The entry holding key, added when there was none: then *added (when not
 * NULL) is 1 and the entry's bytes are zero, and the caller fills it in,
 * key included, so that it holds key.  Otherwise *added is 0.
 */
void *htab_insert(struct htab *t, uint64_t hash, const void *key, int *added);

/* Number of entries. */
size_t htab_count(const struct htab *t);

/*
 * Iteration in slot order: start with *pos = 0; each call returns the next
 * entry, or NULL at the end.  No insertion during an iteration.
 */
void *htab_next(const struct htab *t, size_t *pos);

/* Drop every entry (the slots stay allocated). */
void htab_clear(struct htab *t);

#endif
