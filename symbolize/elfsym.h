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
void dso_set_free(struct dso_set *d); /* keeps what dso_set_keep has not kept yet */
/* Keep each module's new answers in the symbol cache now (symbolize/symcache.h). */
void dso_set_keep(struct dso_set *d);

/*
 * Frames for file offset off of obj (innermost inlined first; see
 * sym_lookup), the symbols hung on obj on the first call.  out[0] comes
 * preset by the caller (addr, kind SYM_UNKNOWN); its module and path become
 * the file's.  Where no symbol covers the address but the unwind tables do,
 * one frame with a NULL name and rel = the start of its function (so every
 * address of a stripped function shows as one frame); where nothing is known
 * (or the file cannot be read, or its build-id differs from the recorded one:
 * said once through opts->warn), out[0] alone, unnamed, with rel the ELF
 * address (the file offset when no load segment holds it).  Returns the
 * count, >= 1 when max >= 1.
 */
int dso_lookup(struct dso_set *d, struct objfile *obj, uint64_t off, int caller,
	       struct sym_frame *out, int max);

/* Fills the file, DWARF, address-cache and debug-cache counters of st. */
void dso_stats(const struct dso_set *d, struct sym_stats *st);

#endif
