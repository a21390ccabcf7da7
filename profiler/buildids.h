/* buildids.h — the set of files mapped during a recording and their build-ids. */
#ifndef STOKE_BUILDIDS_H
#define STOKE_BUILDIDS_H

#include <stddef.h>

struct buildids;

struct buildids *buildids_new(void);
void buildids_free(struct buildids *b);

/* Remember path (copied) with its build-id if known (id may be NULL). */
void buildids_note(struct buildids *b, const char *path, const unsigned char *id, size_t len);

/*
 * Call fn for every ELF file path noted, with its build-id (read from the file
 * when the kernel gave none; files without one are skipped).  Stops at and
 * returns fn's first non-zero result.
 */
int buildids_each(struct buildids *b,
		  int (*fn)(void *ctx, const char *path, const unsigned char *id, size_t len),
		  void *ctx);

#endif
