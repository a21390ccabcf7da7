#include "symbolize/elfsym.h"
#include "common/arena.h"
#include "common/htab.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "symbolize/debugcache.h"
#include "symbolize/inflate.h"
#include "symbolize/demangle.h"
#include "symbolize/symcache.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FRAMES SYMCACHE_MAX_FRAMES /* inline depth kept per address */

struct cached {
	uint64_t key;          /* vaddr << 1 | caller */
	uint32_t nr;
	uint32_t kept;         /* 1: read from the symbol cache; 2: and served since */
	struct sym_frame *frames;
};

/* A sized, named symbol of a module, at its address in the module's Dwfl space. */
struct func_sym {
	uint64_t start, size;
	const char *name;         /* owned by libdwfl, valid while the module is open */
	uint32_t index;           /* in libdwfl's symbol table */
	int rank;                 /* binding: global 3, weak 2, local 1 (libdwfl's preference) */
};

struct dso {
	struct objfile *obj;      /* the file: path, descriptor, load segments, debug file */
	const char *path, *name;  /* the object's, kept here for every frame */
	const GElf_Phdr *loads;   /* the object's PT_LOAD headers, once opened */
	size_t nr_loads;
	int opened;               /* tried to open */
	int usable;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	struct func_sym *syms;    /* sorted by start; built on the first lookup */
	size_t nr_syms, alloc_syms;
	int syms_built;
	const unsigned char *fde_table; /* .eh_frame_hdr search table: {start, fde} pairs of
					 * datarel sdata4, sorted by start (in the objfile's image) */
	uint32_t nr_fdes;
	uint64_t hdr_vaddr;       /* what the table's values are relative to */
	int fdes_read;
	int dwarf_tried;          /* its DWARF was asked for (lines, inline frames) */
	struct dso_set *set;      /* the module's libdwfl userdata points here */
	struct htab *cache;       /* struct cached by key */
	size_t nr_kept;           /* of them, read from the symbol cache (symcache.h) */
	char table[80];           /* its name there ("" when not kept: no build-id, no cache) */
	struct symcache_source source;
};

#define MISSING_NAMED 3 /* files that cannot be opened named one by one; the rest counted */

struct dso_set {
	const struct sym_opts *opts;
	struct strtab *strings;
	struct arena *arena;      /* cached frame arrays */
	struct dso **all;         /* every dso made (each hung on its objfile) */
	size_t nr_all, alloc_all;
	uint64_t files, debug_files, dwarf_modules, hits, served;
	uint64_t missing;         /* files that could not be opened (the first few are named) */
	struct debugcache *dcache; /* NULL: none (no cache directory) */
};

struct dso_set *dso_set_new(const struct sym_opts *opts, struct strtab *strings)
{
	struct dso_set *d = xcalloc(1, sizeof(*d));
	d->opts = opts;
	d->strings = strings;
	d->arena = arena_new();
	if (opts->cache_dir)
		d->dcache = debugcache_new(opts->cache_dir, opts->cache_max_bytes, opts->warn,
					   opts->warn_ctx);
	return d;
}

static void save_table(struct dso_set *d, struct dso *f);
static void warn(struct dso_set *d, const char *fmt, const char *a, const char *b);

void dso_set_keep(struct dso_set *d)
{
	for (size_t i = 0; i < d->nr_all; i++)
		save_table(d, d->all[i]);
}

void dso_set_free(struct dso_set *d)
{
	if (!d)
		return;
	if (d->missing > MISSING_NAMED) {
		char n[32];
		snprintf(n, sizeof(n), "%llu", (unsigned long long)(d->missing - MISSING_NAMED));
		warn(d, "%s more files could not be opened%s: their frames show as [module+offset] "
			"too", n, "");
	}
	for (size_t i = 0; i < d->nr_all; i++) {
		struct dso *f = d->all[i];
		save_table(d, f);
		if (f->dwfl)
			dwfl_end(f->dwfl);
		free(f->syms);
		htab_free(f->cache);
		objfile_set_slot(f->obj, OBJFILE_SYMBOLS, NULL);
		free(f);
	}
	free(d->all);
	arena_free(d->arena);
	debugcache_free(d->dcache);
	free(d);
}

static void warn(struct dso_set *d, const char *fmt, const char *a, const char *b)
{
	if (!d->opts->warn)
		return;
	char msg[1024];
	snprintf(msg, sizeof(msg), fmt, a, b);
	d->opts->warn(d->opts->warn_ctx, msg);
}


static char *debuginfo_path_default = NULL;

/* libdwfl's search for a separate debug file: the file's own search (objfile_debug_fd, done
 * once per file), counted and, where DWARF will be read, swapped for its inflated cached copy. */
static int find_debuginfo(Dwfl_Module *mod, void **userdata, const char *modname, Dwarf_Addr base,
			  const char *file, const char *debuglink, GElf_Word crc, char **name)
{
	struct dso *f = userdata ? *userdata : NULL;
	if (!f)
		return dwfl_standard_find_debuginfo(mod, userdata, modname, base, file, debuglink,
						    crc, name);
	/* Only DWARF is worth inflating: without lines or inline frames it is never read. */
	const struct sym_opts *o = f->set->opts;
	int dwarf = o->inline_frames || o->lines;
	struct debugcache *dc = dwarf ? f->set->dcache : NULL;
	const unsigned char *id = NULL;
	GElf_Addr id_vaddr;
	int id_len = dc ? dwfl_module_build_id(mod, &id, &id_vaddr) : 0;
	int has_id = id_len > 0 && id_len <= 20;
	const char *found = NULL;
	int fd = has_id ? debugcache_lookup(dc, id, (size_t)id_len) : -1;
	if (fd >= 0) {
		/* Where a dwz file's relative name starts from: the build-id path. */
		struct strbuf path = STRBUF_INIT;
		objfile_build_id_path(id, (size_t)id_len, &path);
		*name = strbuf_detach(&path);
	} else if ((fd = objfile_debug_fd(f->obj, &found)) >= 0) {
		if (has_id) {
			/* A file found by .gnu_debuglink may have no build-id to file it
			 * under: then it is used as it is. */
			int keep = dup(fd);
			int sub = debugcache_substitute(dc, fd, id, (size_t)id_len);
			if (sub < 0) {
				sub = keep;
			} else if (keep >= 0) {
				close(keep);
			}
			fd = sub;
		} else if (dwarf) {
			/* No cache: inflated in memory, faster than libdw inflating it. */
			int m = elf_inflate_memfd(fd);
			if (m >= 0) {
				close(fd);
				fd = m;
			}
		}
		if (fd >= 0 && found)
			*name = xstrdup(found);
	}
	if (fd >= 0)
		f->set->debug_files++;
	return fd;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path_default,
};

/* ---- the symbol cache: a module's answers kept from one report to the next ---- */

static void add_kept(void *ctx, uint64_t key, const struct sym_frame *frames, uint32_t nr)
{
	struct dso *f = ctx;
	int added;
	struct cached *c = htab_insert(f->cache, hash_addr(key), &key, &added);
	if (!added)
		return;
	c->key = key;
	c->nr = nr;
	c->kept = 1;
	c->frames = nr ? arena_alloc(f->set->arena, sizeof(*frames) * nr) : NULL;
	if (nr)
		memcpy(c->frames, frames, sizeof(*frames) * nr);
	f->nr_kept++;
}

static int file_stamp(int fd, uint64_t *size, uint64_t *mtime_ns)
{
	struct stat st;
	if (fd < 0 || fstat(fd, &st))
		return -1;
	*size = (uint64_t)st.st_size;
	*mtime_ns = (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

/*
 * The answers a report of these binaries kept.  They hold while the files, the options and
 * libdw are the same: the table says which it was made from, and anything else makes it
 * stale.
 */
static void load_table(struct dso_set *d, struct dso *f, const unsigned char *id, size_t len)
{
	const struct sym_opts *o = d->opts;
	if (!d->dcache || len > 20)
		return;
	uint32_t opts = o->demangle ? 1 : 0;
	opts |= o->inline_frames ? 2 : 0;
	opts |= o->lines ? 4 : 0;
	const char *libs = dwfl_version(NULL);
	f->source = (struct symcache_source){ .opts = opts,
					      .libs = libs ? fnv1a(FNV_INIT, libs, strlen(libs)) : 0 };
	if (file_stamp(objfile_fd(f->obj), &f->source.file_size, &f->source.file_mtime_ns))
		return;
	const char *found = NULL;
	int dfd = objfile_debug_fd(f->obj, &found);
	file_stamp(dfd, &f->source.debug_size, &f->source.debug_mtime_ns);
	if (dfd >= 0)
		close(dfd);
	char key[41];
	hex_encode(key, id, len);
	snprintf(f->table, sizeof(f->table), "%s.s%u-v%d", key, f->source.opts, SYMCACHE_VERSION);
	unsigned char *data;
	size_t n;
	if (debugcache_get(d->dcache, f->table, &data, &n))
		return;
	if (symcache_decode(data, n, &f->source, d->strings, add_kept, f) == -EBADMSG)
		debugcache_drop(d->dcache, f->table); /* whole but not a table: as damaged */
	free(data);
}

/* Keep f's answers when this report added to them. */
static void save_table(struct dso_set *d, struct dso *f)
{
	size_t n = htab_count(f->cache), pos = 0, i = 0;
	if (!f->table[0] || !f->usable || n <= f->nr_kept)
		return;
	struct symcache_entry *e = xmalloc(n * sizeof(*e));
	const struct cached *c;
	while ((c = htab_next(f->cache, &pos)))
		e[i++] = (struct symcache_entry){ c->key, c->nr, c->frames };
	unsigned char *data;
	size_t len;
	symcache_encode(&f->source, e, n, &data, &len);
	debugcache_put(d->dcache, f->table, data, len);
	f->nr_kept = n; /* kept: the next save writes only when more were added */
	free(data);
	free(e);
}

static void open_dso(struct dso_set *d, struct dso *f)
{
	const char *path = f->path;
	f->opened = 1;
	int err = objfile_open(f->obj);
	f->nr_loads = objfile_loads(f->obj, &f->loads);
	if (err == -ENOEXEC)
		return; /* not ELF: [vdso] copies, data files, ... */
	if (err) {
		/* A memfd (sealed code a process made in memory) never was a file to keep. */
		if (strncmp(path, "/memfd:", 7) && ++d->missing <= MISSING_NAMED)
			warn(d, "cannot open %s (%s): its frames show as [module+offset]", path,
			     strerror(-err));
		return;
	}
	int fd = dup(objfile_fd(f->obj));
	if (fd < 0)
		return;
	f->dwfl = dwfl_begin(&callbacks);
	if (!f->dwfl) {
		close(fd);
		return;
	}
	/* Base 0: module addresses are the file's virtual addresses (fd consumed). */
	f->mod = dwfl_report_elf(f->dwfl, f->name, path, fd, 0, false);
	dwfl_report_end(f->dwfl, NULL, NULL);
	if (!f->mod)
		return;
	d->files++;
	void **userdata = NULL;
	dwfl_module_info(f->mod, &userdata, NULL, NULL, NULL, NULL, NULL, NULL);
	if (userdata) {
		f->set = d;
		*userdata = f;
	}

	size_t want_len;
	const unsigned char *want_id = objfile_build_id(f->obj, &want_len);
	int matched = 0; /* the file's build-id is the recorded one (its answers may be kept) */
	if (want_len) {
		const unsigned char *bits;
		GElf_Addr vaddr;
		int len = dwfl_module_build_id(f->mod, &bits, &vaddr);
		matched = len > 0 && (size_t)len == want_len && !memcmp(bits, want_id, want_len);
		if (len > 0 && !matched) {
			char want[41], have[41];
			hex_encode(want, want_id, want_len);
			hex_encode(have, bits, (size_t)len < 20 ? (size_t)len : 20);
			char msg[160];
			snprintf(msg, sizeof(msg), "build-id %s, recorded %s", have, want);
			warn(d, "%s changed since the recording (%s): not trusting its symbols",
			     path, msg);
			return;
		}
	}
	f->usable = 1;
	if (matched)
		load_table(d, f, want_id, want_len);
}

static struct dso *dso_get(struct dso_set *d, struct objfile *obj)
{
	struct dso *f = objfile_slot(obj, OBJFILE_SYMBOLS);
	if (f)
		return f;
	f = xcalloc(1, sizeof(*f));
	f->obj = obj;
	f->path = objfile_path(obj);
	f->name = objfile_name(obj);
	f->set = d;
	f->cache = htab_new(sizeof(struct cached), sizeof(uint64_t), 256, NULL, NULL);
	objfile_set_slot(obj, OBJFILE_SYMBOLS, f);
	ALLOC_GROW(d->all, d->nr_all + 1, d->alloc_all);
	d->all[d->nr_all++] = f;
	return f;
}

static const char *name_of(struct dso_set *d, const char *raw)
{
	/* Drop a symbol version ("clock_gettime@@GLIBC_2.17"): one function, one name. */
	const char *at = strchr(raw, '@');
	if (at && at != raw) {
		char *plain = xstrndup(raw, (size_t)(at - raw));
		const char *r = name_of(d, plain);
		free(plain);
		return r;
	}
	if (d->opts->demangle) {
		char *dm = demangle(raw);
		if (dm) {
			const char *s = strtab_intern(d->strings, dm);
			free(dm);
			return s;
		}
	}
	return strtab_intern(d->strings, raw);
}

/* Name of an inlined subroutine: its abstract origin's linkage or plain name. */
static const char *inline_name(struct dso_set *d, Dwarf_Die *scope)
{
	Dwarf_Attribute attr;
	Dwarf_Die origin;
	Dwarf_Die *die = scope;
	if (dwarf_attr(scope, DW_AT_abstract_origin, &attr) && dwarf_formref_die(&attr, &origin))
		die = &origin;
	const char *linkage = NULL;
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &attr) ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &attr))
		linkage = dwarf_formstring(&attr);
	if (linkage)
		return name_of(d, linkage);
	const char *n = dwarf_diename(die);
	return n ? strtab_intern(d->strings, n) : NULL;
}

static const char *call_file(struct dso_set *d, Dwarf_Die *cu, Dwarf_Die *scope, int *line)
{
	Dwarf_Attribute attr;
	Dwarf_Word idx = 0, ln = 0;
	Dwarf_Files *files;
	size_t nfiles;
	*line = 0;
	if (dwarf_attr(scope, DW_AT_call_line, &attr) && !dwarf_formudata(&attr, &ln))
		*line = (int)ln;
	if (!dwarf_attr(scope, DW_AT_call_file, &attr) || dwarf_formudata(&attr, &idx) ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) || idx >= nfiles)
		return NULL;
	const char *f = dwarf_filesrc(files, idx, NULL, NULL);
	return f ? strtab_intern(d->strings, f) : NULL;
}

static int cmp_func_sym(const void *a, const void *b)
{
	const struct func_sym *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

/* libdwfl's dwfl_module_addrinfo scans the whole symbol table on every call; a profile asks
 * for thousands of addresses per module, so the sized symbols are sorted once. */
static void build_syms(struct dso *f)
{
	f->syms_built = 1;
	int n = dwfl_module_getsymtab(f->mod);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(f->mod, i, &sym, &addr, NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		if (!name || !*name || !sym.st_size || type == STT_SECTION || type == STT_FILE ||
		    type == STT_TLS)
			continue;
		ALLOC_GROW(f->syms, f->nr_syms + 1, f->alloc_syms);
		int bind = GELF_ST_BIND(sym.st_info);
		int rank = bind == STB_GLOBAL ? 3 : bind == STB_WEAK ? 2 : bind == STB_LOCAL ? 1 : 0;
		f->syms[f->nr_syms++] = (struct func_sym){ addr, sym.st_size, name, (uint32_t)i, rank };
	}
	if (f->nr_syms)
		xsort(f->syms, f->nr_syms, sizeof(*f->syms), cmp_func_sym);
}

/* The symbol holding addr, as libdwfl would choose it: the closest start among the sized
 * symbols that hold it; at that start the strongest binding, then the first in the table.
 * NULL when no sized symbol nearby holds it (libdwfl then looks at sizeless labels). */
static const char *table_lookup(struct dso *f, uint64_t addr, GElf_Off *off)
{
	if (!f->syms_built)
		build_syms(f);
	size_t lo = 0, hi = f->nr_syms;
	while (lo < hi) { /* first entry starting after addr */
		size_t mid = lo + (hi - lo) / 2;
		if (f->syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, seen = 0; i > 0 && seen < 16; i--, seen++) {
		const struct func_sym *c = &f->syms[i - 1];
		if (addr - c->start >= c->size)
			continue;
		const struct func_sym *best = c;
		for (size_t j = i; j > 0 && f->syms[j - 1].start == c->start; j--) {
			const struct func_sym *o = &f->syms[j - 1];
			if (addr - o->start < o->size &&
			    (o->rank > best->rank || (o->rank == best->rank && o->index < best->index)))
				best = o;
		}
		*off = addr - best->start;
		return best->name;
	}
	return NULL;
}

static int resolve(struct dso_set *d, struct dso *f, uint64_t addr, struct sym_frame *out, int max)
{
	GElf_Off off;
	GElf_Sym sym;
	const char *sname = table_lookup(f, addr, &off);
	if (!sname)
		sname = dwfl_module_addrinfo(f->mod, addr, &off, &sym, NULL, NULL, NULL);
	const char *file = NULL;
	int line = 0, n = 0;

	if ((d->opts->lines || d->opts->inline_frames) && !f->dwarf_tried) {
		/* The first need of this module's DWARF: counted for --stats. */
		Dwarf_Addr bias;
		f->dwarf_tried = 1;
		if (dwfl_module_getdwarf(f->mod, &bias))
			d->dwarf_modules++;
	}
	if (d->opts->lines) {
		Dwfl_Line *l = dwfl_module_getsrc(f->mod, addr);
		if (l) {
			const char *src = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
			file = src ? strtab_intern(d->strings, src) : NULL;
		}
	}
	if (d->opts->inline_frames) {
		Dwarf_Addr bias = 0;
		Dwarf_Die *cu = dwfl_module_addrdie(f->mod, addr, &bias);
		Dwarf_Die *scopes = NULL, *chain = NULL;
		int ns = cu ? dwarf_getscopes(cu, addr - bias, &scopes) : 0;
		/* dwarf_getscopes follows an inlined instance into its abstract
		 * definition; the physical nesting of inlined calls comes from
		 * dwarf_getscopes_die on the innermost instance. */
		int nc = 0;
		for (int i = 0; i < ns; i++) {
			if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
				nc = dwarf_getscopes_die(&scopes[i], &chain);
				break;
			}
		}
		for (int i = 0; i < nc && n < max - 1; i++) {
			int tag = dwarf_tag(&chain[i]);
			if (tag == DW_TAG_subprogram)
				break;
			if (tag != DW_TAG_inlined_subroutine)
				continue;
			const char *iname = inline_name(d, &chain[i]);
			out[n++] = (struct sym_frame){
				.name = iname ? iname : strtab_intern(d->strings, "[inlined]"),
				.file = file, .line = line, .inlined = 1,
			};
			/* The caller's line is where this inline call sits. */
			file = call_file(d, cu, &chain[i], &line);
		}
		free(chain);
		free(scopes);
	}
	if (!sname && !n)
		return 0;
	out[n++] = (struct sym_frame){
		.name = sname ? name_of(d, sname) : NULL, .file = file, .line = line,
	};
	return n;
}

/* The .eh_frame_hdr binary-search table of f, when it has the usual encoding. */
static void read_fde_table(struct dso *f)
{
	uint64_t size, off, vaddr = objfile_eh_frame_hdr(f->obj, &size);
	size_t image_size;
	const unsigned char *image = objfile_image(f->obj, &image_size);
	f->fdes_read = 1;
	if (!vaddr || size < 12 || objfile_vaddr_to_off(f->obj, vaddr, &off) || off > image_size ||
	    image_size - off < size)
		return;
	const unsigned char *h = image + off;
	/* version 1; eh_frame_ptr any 4-byte form; fde_count udata4; table datarel sdata4 */
	if (h[0] != 1 || (h[1] & 0x0f) != 0x0b || h[2] != 0x03 || h[3] != 0x3b)
		return;
	uint32_t count;
	memcpy(&count, h + 8, 4);
	if ((uint64_t)count * 8 > size - 12)
		return;
	f->fde_table = h + 12;
	f->nr_fdes = count;
	f->hdr_vaddr = vaddr;
}

/*
 * Code no symbol covers (a stripped file): the start of the function holding
 * addr, from the unwind tables, which stripped files keep.  Every address of
 * one function then makes one frame, "[libz.so.1+0xaa60]", not one per address.
 * libdw says whether an FDE covers addr; the sorted .eh_frame_hdr table says
 * where the one that does begins (FDEs do not overlap).  0, or -ENOENT.
 */
static int fde_start(struct dso *f, uint64_t addr, uint64_t *start)
{
	Dwarf_Addr bias = 0;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(f->mod, &bias);
	Dwarf_Frame *frame = NULL;
	if (!cfi || bias || dwarf_cfi_addrframe(cfi, addr, &frame) || !frame)
		return -ENOENT;
	free(frame);
	if (!f->fdes_read)
		read_fde_table(f);
	size_t lo = 0, hi = f->nr_fdes; /* first entry starting past addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int32_t rel;
		memcpy(&rel, f->fde_table + mid * 8, 4);
		if (f->hdr_vaddr + (uint64_t)(int64_t)rel <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -ENOENT;
	int32_t rel;
	memcpy(&rel, f->fde_table + (lo - 1) * 8, 4);
	*start = f->hdr_vaddr + (uint64_t)(int64_t)rel;
	return 0;
}

/* The frames of vaddr in f, the address addr of the process (see dso_lookup): the count, 0
 * when nothing is known. */
static inline int lookup_vaddr(struct dso_set *d, struct dso *f, uint64_t addr, uint64_t vaddr,
			       int caller, struct sym_frame *out, int max)
{
	if (!f->usable)
		return 0;
	uint64_t key = (vaddr << 1) | (caller ? 1 : 0);
	struct cached *c = htab_find_u64(f->cache, hash_addr(key), key);
	if (!c) {
		struct sym_frame tmp[MAX_FRAMES];
		/* A return address may be one past the end of its function: look at the call. */
		uint64_t at = caller && vaddr ? vaddr - 1 : vaddr, start;
		int n = resolve(d, f, at, tmp, MAX_FRAMES);
		if (!n && !fde_start(f, at, &start)) {
			/* Unnamed, but known to be the function at start (rel stays start). */
			tmp[0] = (struct sym_frame){ .rel = start };
			n = 1;
		}
		c = htab_insert(f->cache, hash_addr(key), &key, NULL);
		c->key = key;
		c->nr = (uint32_t)n;
		c->frames = n ? arena_alloc(d->arena, sizeof(*tmp) * (size_t)n) : NULL;
		if (n)
			memcpy(c->frames, tmp, sizeof(*tmp) * (size_t)n);
	} else if (c->kept == 1) {
		c->kept = 2;
		d->served++;
	} else {
		d->hits++;
	}
	int n = (int)c->nr < max ? (int)c->nr : max;
	if (n < (int)c->nr && n > 0) {
		/* Keep the real function (last) when the caller has less room. */
		memcpy(out, c->frames + (c->nr - (uint32_t)n), sizeof(*out) * (size_t)n);
	} else if (n) {
		memcpy(out, c->frames, sizeof(*out) * (size_t)n);
	}
	for (int i = 0; i < n; i++) {
		out[i].module = f->name;
		out[i].path = f->path;
		out[i].addr = addr;
		if (out[i].name)
			out[i].rel = vaddr; /* unnamed frames keep their function's start */
		out[i].kind = SYM_USER;
	}
	return n;
}

int dso_lookup(struct dso_set *d, struct objfile *obj, uint64_t off, int caller,
	       struct sym_frame *out, int max)
{
	struct dso *f = dso_get(d, obj);
	uint64_t addr = out->addr, vaddr;
	if (max <= 0)
		return 0;
	out->module = f->name;
	out->path = f->path;
	out->rel = off;
	if (!f->opened)
		open_dso(d, f);
	/* File offset → ELF virtual address, through the runtime file's PT_LOAD headers. */
	size_t i = 0;
	for (; i < f->nr_loads; i++) {
		const GElf_Phdr *ph = &f->loads[i];
		if (off >= ph->p_offset && off < ph->p_offset + ph->p_filesz) {
			vaddr = off - ph->p_offset + ph->p_vaddr;
			break;
		}
	}
	if (i == f->nr_loads)
		return 1; /* [libfoo.so+0x1a2b] */
	out->rel = vaddr;
	int n = lookup_vaddr(d, f, addr, vaddr, caller, out, max);
	return n ? n : 1;
}

void dso_stats(const struct dso_set *d, struct sym_stats *st)
{
	st->elf_files = d->files;
	st->debug_files = d->debug_files;
	st->dwarf_modules = d->dwarf_modules;
	st->cache_hits = d->hits;
	if (d->dcache) {
		struct debugcache_stats c;
		debugcache_get_stats(d->dcache, &c);
		st->dcache_hits = c.hits;
		st->dcache_writes = c.writes;
		st->dcache_bad = c.bad;
		st->symcache_tables = c.tables;
		st->symcache_saved = c.tables_written;
		st->symcache_bad = c.tables_bad;
	}
	st->symcache_served = d->served;
}
