/* arena.h — bump allocator for per-report data freed in one call.
 *
 * Memory from arena_alloc() lives until arena_free(); it is never freed
 * individually.  arena_free(NULL) is a no-op.
 */
#ifndef STOKE_ARENA_H
#define STOKE_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);
/* 8-byte aligned, zero-filled memory of n bytes; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Bytes handed out so far (for memory accounting). */
size_t arena_used(const struct arena *a);

#endif
