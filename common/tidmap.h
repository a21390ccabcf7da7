/* tidmap.h — thread id → dense index (0, 1, 2 ... in order of first use), for per-thread state.
 *
 * Callers keep their per-thread structs in an array indexed by the value
 * tidmap_get() returns; the map only assigns the indexes.
 */
#ifndef STOKE_TIDMAP_H
#define STOKE_TIDMAP_H

#include <stddef.h>
#include <stdint.h>

struct tidmap;

struct tidmap *tidmap_new(void);
void tidmap_free(struct tidmap *m); /* NULL is a no-op */

/* Index of tid; a new tid gets the next index and *fresh = 1 (fresh may be NULL). */
uint32_t tidmap_get(struct tidmap *m, uint32_t tid, int *fresh);

/* Number of tids seen (the next index). */
size_t tidmap_count(const struct tidmap *m);

#endif
