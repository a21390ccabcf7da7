/* addrspace.h — the processes of a recording, their maps, and the object files mapped.
 *
 * The one model of what each process had mapped at each moment.  The caller
 * replays a recording's process events in time order, once each:
 * addrspace_exec (a COMM record of an exec: the old maps are gone),
 * addrspace_fork (a new process starts with a copy of its parent's maps),
 * addrspace_mmap (a new map replaces the parts of older ones it covers).
 * Maps are kept after a process exits: samples may be ordered after the exit
 * record.  The symbolizer and the unwinder read the same model (they are
 * handed a pointer to it, which must outlive them); ELF files are shared
 * objects (objfile.h), one per (path, build-id), owned here.  Nothing here
 * prints.
 */
#ifndef STOKE_ADDRSPACE_H
#define STOKE_ADDRSPACE_H

#include "symbolize/objfile.h"

#include <linux/perf_event.h>

#include <stddef.h>
#include <stdint.h>

struct as_map {
	uint64_t start, end;  /* [start, end) */
	uint64_t pgoff;       /* file offset of start */
	uint32_t prot;
	const char *path;     /* interned ("//anon", "[vdso]", "/usr/lib/..."); alive until
			       * addrspace_free */
	struct objfile *obj;  /* the file ("/..." but not "//anon"); NULL when not a file */
};

struct addrspace;
struct as_proc;

struct addrspace *addrspace_new(void);
void addrspace_free(struct addrspace *as); /* NULL is a no-op; after its readers */

/* pid exec'd: its maps are gone. */
void addrspace_exec(struct addrspace *as, uint32_t pid);
/* pid starts with a copy of ppid's maps (ppid == pid: a new thread, nothing changes). */
void addrspace_fork(struct addrspace *as, uint32_t ppid, uint32_t pid);
/* pid is gone and nothing more will be asked of it (a reader in time order that knows it, as
 * the recorder does): its maps are freed and its generation moves.  A later fork of the same
 * pid starts afresh, as ever. */
void addrspace_forget(struct addrspace *as, uint32_t pid);
/* fn for every open object file that no process's maps name any more (fn may close it:
 * objfile_close, once its readers let go of it). */
void addrspace_unmapped_files(struct addrspace *as, void (*fn)(void *ctx, struct objfile *o),
			      void *ctx);
/* A mapping in pid; replaces the parts of older ones it covers.  build_id may be NULL.
 * An empty or wrapping range is ignored. */
void addrspace_mmap(struct addrspace *as, uint32_t pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, uint32_t prot, const char *path, const unsigned char *build_id,
		    size_t build_id_len);

/* The same from a recording's record h (as the kernel or a perf.data file wrote it): a
 * COMM of an exec, a FORK, an MMAP2 or an MMAP change the maps; malformed ones and other
 * records change nothing (an EXIT neither: samples may be ordered after it). */
void addrspace_record(struct addrspace *as, const struct perf_event_header *h);

/* The process pid (NULL when nothing is known of it); valid until addrspace_free. */
struct as_proc *addrspace_proc(const struct addrspace *as, uint32_t pid);
uint32_t as_proc_pid(const struct as_proc *p);
/* The map holding addr, or NULL; valid until the process's maps next change. */
const struct as_map *as_proc_find(const struct as_proc *p, uint64_t addr);
/* Changes whenever the process's maps change (mmap, exec, fork), so a reader may cache
 * what it derived from them by (pid, generation). */
uint32_t as_proc_generation(const struct as_proc *p);

/* The same by pid: the map of addr in pid or NULL; pid's generation (0: unknown pid). */
const struct as_map *addrspace_find(const struct addrspace *as, uint32_t pid, uint64_t addr);
uint32_t addrspace_generation(const struct addrspace *as, uint32_t pid);

/* The strings the model interns (paths); readers may intern theirs there too. */
struct strtab *addrspace_strings(struct addrspace *as);

#endif
