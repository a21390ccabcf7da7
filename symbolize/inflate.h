/* inflate.h — an ELF file's compressed sections written out inflated, on several threads.
 *
 * Distributions compress the .debug_* sections of their separate debug files (SHF_COMPRESSED,
 * zlib; zstd too where the tools are newer).  libdw inflates every one of them with zlib on one
 * thread the first time a module's DWARF is read.  elf_inflate_memfd writes an image of the
 * file in which they are plain, with libdeflate (2-3x zlib's speed) and the sections shared among the
 * machine's CPUs, straight into the pages of an in-memory file.
 *
 * The image holds what a symbolizer reads: the location-list sections (.debug_loc,
 * .debug_loclists: where variables live, never asked for) are left out as SHT_NOBITS, so
 * libdw neither inflates nor reads them.  Everything else keeps its contents and order; only
 * section offsets and sizes (and e_shoff) change.
 */
#ifndef STOKE_INFLATE_H
#define STOKE_INFLATE_H

#include <stdint.h>

/*
 * A descriptor on an anonymous in-memory file (memfd) holding the inflated image of the ELF
 * file on src (src is not consumed, its offset untouched); the caller owns it.  Or -ENODATA
 * when src has no section to inflate, -EPROTONOSUPPORT for a file of another byte order than
 * the host's or a compression this build cannot read, -EBADMSG for a damaged file (a cut one,
 * a section that does not inflate to the size its header gives), another negative errno from
 * the system.
 */
int elf_inflate_memfd(int src);

#endif
