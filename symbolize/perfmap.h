/* perfmap.h — JIT symbol maps, /tmp/perf-PID.map: "START SIZE name" lines, hex, later lines win. */
#ifndef STOKE_PERFMAP_H
#define STOKE_PERFMAP_H

#include "common/error.h"

#include <stddef.h>
#include <stdint.h>

struct perfmap;

/* Errors beyond errno (common/error.h): STOKE_ENOTREG (a symlink or not a
 * regular file), STOKE_EOWNER (owned by another user than the reader or root). */

/*
 * Open and parse a map file.  It is trusted only when it is a regular file
 * (opened with O_NOFOLLOW) owned by the current user or root.  Returns 0
 * and sets *out, or a negative errno / -PERFMAP_*.  *malformed counts lines
 * skipped.
 */
int perfmap_load(const char *path, struct perfmap **out, size_t *malformed);

/* Parse text (for tests and fuzzing): same rules, no file checks. */
struct perfmap *perfmap_parse(const char *text, size_t len, size_t *malformed);

void perfmap_free(struct perfmap *m);
size_t perfmap_count(const struct perfmap *m);

/* Name of the entry containing addr (the last one written wins), and its start; NULL if none. */
const char *perfmap_lookup(const struct perfmap *m, uint64_t addr, uint64_t *start);

#endif
