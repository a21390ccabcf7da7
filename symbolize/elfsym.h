/* elfsym.h — one ELF file's symbols, lines and inline chains through libdwfl, cached per address.
 *
 * The symbolizer's part of an object file (objfile.h): a libdwfl module over the object's
 * descriptor, its sorted symbols and the frames of each address looked up, hung on the
 * object's OBJFILE_SYMBOLS slot and owned by the dso_set that made it. */
#ifndef STOKE_ELFSYM_H
#define STOKE_ELFSYM_H

#include "symbolize/objfile.h"
#include "symbolize/strtab.h"
#include "symbolize/symbolize.h"

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

struct dso;
struct dso_set;

/* Files are opened lazily and shared by every process that maps them.  opts and strings
 * must outlive the set. */
struct dso_set *dso_set_new(const struct sym_opts *opts, struct strtab *strings);
/* Frees every dso and clears its object's slot (the objects stay). */
void dso_set_free(struct dso_set *d);

/*
 * The symbols of obj (hung on it on the first call).  Never NULL; a file
 * that cannot be read, or whose build-id differs from the recorded one,
 * resolves nothing (and says why once through opts->warn).
 */
struct dso *dso_get(struct dso_set *d, struct objfile *obj);

/* File offset → ELF virtual address, through the runtime file's PT_LOAD headers. 0 or -ENOENT. */
int dso_offset_to_vaddr(struct dso_set *d, struct dso *f, uint64_t off, uint64_t *vaddr);

/*
 * Frames for vaddr (innermost inlined first): see sym_lookup.  Frames' addr
 * is left for the caller to set.  Where no symbol covers vaddr but the unwind
 * tables do, one frame with a NULL name and rel = the start of its function
 * (so every address of a stripped function shows as one frame).  Returns the
 * count, 0 when nothing is known (the caller shows the module and offset).
 */
int dso_lookup(struct dso_set *d, struct dso *f, uint64_t vaddr, int caller,
	       struct sym_frame *out, int max);

/* Fills the file, DWARF, address-cache and debug-cache counters of st. */
void dso_stats(const struct dso_set *d, struct sym_stats *st);

#endif
