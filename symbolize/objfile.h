/* objfile.h — one object per mapped ELF file: (path, build-id) → descriptor, image, load segments.
 *
 * Every process that maps a file shares its object, and every reader of the
 * file (the symbolizer's libdwfl module and symbols, the unwinder's CFI and
 * compiled rules) reads this one: the file is opened, mapped and its program
 * headers read once, on the first need (objfile_open), and its separate debug
 * file is searched for once (objfile_debug_fd).  What a reader builds from
 * the file it hangs on the object (objfile_slot) and frees itself, before the
 * set is freed.  Nothing here prints.
 */
#ifndef STOKE_OBJFILE_H
#define STOKE_OBJFILE_H

#include "symbolize/strtab.h"

#include <gelf.h>
#include <stddef.h>
#include <stdint.h>

struct objfile;
struct objfiles;

/* A set of objects; strings (paths) are interned in strings, which must outlive the set. */
struct objfiles *objfiles_new(struct strtab *strings);
/* Frees every object (closes, unmaps).  Readers must have cleared their slots. NULL: no-op. */
void objfiles_free(struct objfiles *set);

/*
 * The object of path with the recorded build-id (NULL or len 0 when unknown;
 * more than 20 bytes are cut to 20): made on the first call for that pair,
 * unopened.  Never NULL; owned by the set.
 */
struct objfile *objfiles_get(struct objfiles *set, const char *path, const unsigned char *build_id,
			     size_t build_id_len);

/* Path (interned), its basename (interned), and the recorded build-id (len 0: none). */
const char *objfile_path(const struct objfile *o);
const char *objfile_name(const struct objfile *o);
const unsigned char *objfile_build_id(const struct objfile *o, size_t *len);

/*
 * Open, map and read the program headers, once (later calls return the first
 * result): 0; a negative errno from open(2) (the file is gone: a reader may say
 * so); -ENOEXEC when it is not a regular ELF file ([vdso] copies, data files).
 */
int objfile_open(struct objfile *o);

/* 1 when objfile_open ran and succeeded (and objfile_close did not follow). */
int objfile_is_open(const struct objfile *o);

/*
 * Close the file (descriptor, mapping, headers, the debug file found) and forget the
 * search: a later objfile_open opens it again.  0, or -EBUSY (nothing done) while a reader
 * still holds a slot.  A long recording lets go of files no process maps any more.
 */
int objfile_close(struct objfile *o);

/* fn for every object of the set (fn may close them, not add or free any). */
void objfiles_each(struct objfiles *set, void (*fn)(void *ctx, struct objfile *o), void *ctx);

/* Of an open object: its descriptor, libelf's handle on the image and the image itself
 * (read-only, the whole file); all owned by the object. */
int objfile_fd(const struct objfile *o);
Elf *objfile_elf(const struct objfile *o);
const unsigned char *objfile_image(const struct objfile *o, size_t *size);

/* The PT_LOAD headers of the file (the runtime file's, never a debug file's): the count. */
size_t objfile_loads(const struct objfile *o, const GElf_Phdr **loads);

/* File offset → ELF virtual address, and back, through the PT_LOAD headers: 0 or -ENOENT. */
int objfile_off_to_vaddr(const struct objfile *o, uint64_t off, uint64_t *vaddr);
int objfile_vaddr_to_off(const struct objfile *o, uint64_t vaddr, uint64_t *off);

/* Load bias of a mapping of the file at start with file offset pgoff: runtime address =
 * vaddr + bias.  0 or -ENOENT (no load segment holds pgoff). */
int objfile_bias(const struct objfile *o, uint64_t start, uint64_t pgoff, uint64_t *bias);

/* The PT_GNU_EH_FRAME segment (.eh_frame_hdr): its vaddr and size; 0 when none. */
uint64_t objfile_eh_frame_hdr(const struct objfile *o, uint64_t *size);

/*
 * The separate debug file, searched for once (the places libdwfl's standard
 * search looks: build-id under /usr/lib/debug/.build-id, then .gnu_debuglink
 * next to the file, in .debug/, under /usr/lib/debug; the candidate checked
 * against the build-id or the link's CRC; then, only where DEBUGINFOD_URLS
 * names a server, libdwfl's search with debuginfod): a new descriptor on it, which the caller owns,
 * and *name (when not NULL) where it was found (owned by the object); -1 when
 * there is none.
 */
int objfile_debug_fd(struct objfile *o, const char **name);

struct strbuf;
/* Append the build-id path of a debug file (/usr/lib/debug/.build-id/ab/cdef….debug) for id
 * (len bytes, at least 2) to out. */
void objfile_build_id_path(const unsigned char *id, size_t len, struct strbuf *out);

/* What the readers of the file keep with it: one pointer each, NULL until set.  The reader
 * that sets a slot owns what it points to and clears it before the set is freed. */
enum objfile_slot { OBJFILE_SYMBOLS, OBJFILE_UNWIND, OBJFILE_NR_SLOTS };
void *objfile_slot(const struct objfile *o, enum objfile_slot which);
void objfile_set_slot(struct objfile *o, enum objfile_slot which, void *p);

#endif
