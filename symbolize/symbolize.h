/* symbolize.h — (process, address) → frames: function, inline chain, source line, module.
 *
 * Processes and their maps are the address space's (addrspace.h), which the
 * caller feeds with the recording's process events in time order; the
 * symbolizer reads it and looks addresses up as samples come.
 * Names come from ELF symbol tables and DWARF through libdwfl (separate debug
 * files by build-id and .gnu_debuglink included), from the kallsyms snapshot
 * for the kernel, and from /tmp/perf-PID.map files for JIT code.  Results are
 * cached per ELF file and address, so a report looks each address up once.
 * Every string returned lives until the address space is freed.  Nothing here prints.
 */
#ifndef STOKE_SYMBOLIZE_H
#define STOKE_SYMBOLIZE_H

#include "symbolize/addrspace.h"

#include <stddef.h>
#include <stdint.h>

struct sym_opts {
	int demangle;             /* 1: demangle C++ and Rust names */
	int inline_frames;        /* 1: expand inlined calls into frames */
	int lines;                /* 1: source file:line */
	const char *perf_map_dir; /* where perf-PID.map files are (NULL: /tmp) */
	const char *cache_dir;    /* inflated debug files by build-id (symbolize/debugcache.h);
				   * NULL: no cache */
	uint64_t cache_max_bytes; /* its bound; 0: the default (1 GiB) */
	void (*warn)(void *ctx, const char *msg); /* each distinct problem once; may be NULL */
	void *warn_ctx;
};

enum sym_kind { SYM_USER, SYM_KERNEL, SYM_JIT, SYM_UNKNOWN };

struct sym_frame {
	const char *name;   /* function (demangled when asked); NULL when unknown */
	const char *module; /* basename of the mapped file, "[kernel.kallsyms]", "[ext4]", "[jit]" */
	const char *path;   /* full path of the mapped file, or NULL */
	const char *file;   /* source file or NULL */
	int line;           /* 0 when unknown */
	uint64_t addr;      /* the address looked up */
	uint64_t rel;       /* address within the module (ELF vaddr), for "[libfoo.so+0x1a2b]";
			     * for unnamed code the unwind tables place, its function's start */
	enum sym_kind kind;
	int inlined;        /* 1: inlined into the next (outer) frame */
};

struct strbuf;

/* Append the name of a frame no symbol names to out: "[libfoo.so+0x1a2b]" (rel, within the
 * module), "[vdso+0x10]" for a bracketed module, or "[unknown]" without one. */
void sym_frame_label(const struct sym_frame *f, struct strbuf *out);

struct symbolizer;

/* as: the processes and maps looked up in; it must outlive the symbolizer.  Every string
 * the symbolizer returns is interned in as's strings. */
struct symbolizer *sym_new(const struct sym_opts *opts, struct addrspace *as);
void sym_free(struct symbolizer *s); /* NULL is a no-op */

/* The kallsyms snapshot (whole text; a second call replaces it).  0 or a negative errno. */
int sym_set_kallsyms(struct symbolizer *s, const char *text, size_t len);

/*
 * Resolve addr in pid.  kernel: a kernel address.  caller: a return address
 * (lines and inlines are looked up at addr - 1).  Writes up to max frames,
 * innermost inlined first, the real function last; returns the count (>= 1
 * when max >= 1).
 */
int sym_lookup(struct symbolizer *s, uint32_t pid, uint64_t addr, int kernel, int caller,
	       struct sym_frame *out, int max);

/* Counters for benchmarks. */
struct sym_stats {
	uint64_t lookups, cache_hits; /* addresses looked up; answered from the address cache */
	uint64_t elf_files;           /* ELF files opened */
	uint64_t debug_files;         /* separate debug files opened (symbols or DWARF) */
	uint64_t dwarf_modules;       /* modules whose DWARF was read (lines, inline frames) */
	uint64_t dcache_hits, dcache_writes, dcache_bad; /* debug cache: served, written, damaged */
	uint64_t symcache_tables, symcache_saved, symcache_bad; /* symbol tables read, written,
								 * damaged (the same cache) */
	uint64_t symcache_served;     /* addresses answered from a symbol table */
};
void sym_get_stats(const struct symbolizer *s, struct sym_stats *st);
/* Keep what was looked up so far in the symbol cache (sym_free keeps the rest). */
void sym_keep(struct symbolizer *s);

#endif
