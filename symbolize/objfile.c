/* One object per (path, build-id): the file opened, mapped and its headers read once. */
#include "symbolize/objfile.h"
#include "common/elfinit.h"
#include "common/htab.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

struct objfile {
	const char *path, *name;  /* interned */
	unsigned char build_id[20];
	size_t build_id_len;      /* 0: not recorded */
	int opened;               /* objfile_open ran */
	int open_err;             /* its result */
	int fd;                   /* -1 until open */
	Elf *elf;                 /* libelf's read-only mapping of the file */
	const unsigned char *image; /* the whole file, through elf */
	size_t size;
	GElf_Phdr *loads;         /* PT_LOAD headers */
	size_t nr_loads;
	uint64_t hdr_vaddr, hdr_size; /* PT_GNU_EH_FRAME; 0 when none */
	int debug_searched;       /* objfile_debug_fd searched */
	int debug_fd;             /* what it found, -1: none (handed out as dups) */
	char *debug_name;
	void *slots[OBJFILE_NR_SLOTS];
};

struct objfiles {
	struct strtab *strings;
	struct htab *byname;      /* struct objfile * by (path, build-id) */
};

struct obj_key {
	const char *path;
	const unsigned char *id;
	size_t id_len;
};

static int obj_match(const void *entry, const void *key, void *ctx)
{
	const struct objfile *o = *(struct objfile *const *)entry;
	const struct obj_key *k = key;
	(void)ctx;
	return !strcmp(o->path, k->path) && o->build_id_len == k->id_len &&
	       (!k->id_len || !memcmp(o->build_id, k->id, k->id_len));
}

struct objfiles *objfiles_new(struct strtab *strings)
{
	struct objfiles *set = xcalloc(1, sizeof(*set));
	set->strings = strings;
	set->byname = htab_new(sizeof(struct objfile *), 0, 64, obj_match, NULL);
	elfinit();
	return set;
}

/* Let go of the open file: libelf's mapping, the descriptor, the headers read. */
static void release_file(struct objfile *o)
{
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	o->elf = NULL;
	o->fd = -1;
	o->image = NULL;
	o->size = 0;
	free(o->loads);
	o->loads = NULL;
	o->nr_loads = 0;
	o->hdr_vaddr = o->hdr_size = 0;
}

/* ... and of what the debug-file search found. */
static void release_debug(struct objfile *o)
{
	if (o->debug_fd >= 0)
		close(o->debug_fd);
	o->debug_fd = -1;
	free(o->debug_name);
	o->debug_name = NULL;
	o->debug_searched = 0;
}

void objfiles_free(struct objfiles *set)
{
	if (!set)
		return;
	size_t pos = 0;
	struct objfile **e;
	while ((e = htab_next(set->byname, &pos))) {
		struct objfile *o = *e;
		release_file(o);
		release_debug(o);
		free(o);
	}
	htab_free(set->byname);
	free(set);
}

struct objfile *objfiles_get(struct objfiles *set, const char *path, const unsigned char *build_id,
			     size_t build_id_len)
{
	if (!build_id)
		build_id_len = 0;
	if (build_id_len > 20)
		build_id_len = 20;
	struct obj_key k = { path, build_id, build_id_len };
	uint64_t h = fnv1a(FNV_INIT, path, strlen(path));
	if (build_id_len)
		h = fnv1a(h, build_id, build_id_len);
	int added;
	struct objfile **e = htab_insert(set->byname, h, &k, &added);
	if (!added)
		return *e;
	struct objfile *o = xcalloc(1, sizeof(*o));
	o->path = strtab_intern(set->strings, path);
	const char *slash = strrchr(path, '/');
	o->name = strtab_intern(set->strings, slash ? slash + 1 : path);
	if (build_id_len)
		memcpy(o->build_id, build_id, build_id_len);
	o->build_id_len = build_id_len;
	o->fd = o->debug_fd = -1;
	*e = o;
	return o;
}

const char *objfile_path(const struct objfile *o) { return o->path; }
const char *objfile_name(const struct objfile *o) { return o->name; }

const unsigned char *objfile_build_id(const struct objfile *o, size_t *len)
{
	*len = o->build_id_len;
	return o->build_id;
}

static int open_file(struct objfile *o)
{
	struct stat st;
	size_t n = 0;
	o->fd = open(o->path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0)
		return -errno;
	if (fstat(o->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 64)
		return -ENOEXEC;
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || elf_getphdrnum(o->elf, &n))
		return -ENOEXEC;
	o->image = (const unsigned char *)elf_rawfile(o->elf, &o->size);
	if (!o->image)
		return -ENOEXEC;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (!gelf_getphdr(o->elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_LOAD) {
			o->loads = xrealloc(o->loads, (o->nr_loads + 1) * sizeof(*o->loads));
			o->loads[o->nr_loads++] = ph;
		} else if (ph.p_type == PT_GNU_EH_FRAME) {
			o->hdr_vaddr = ph.p_vaddr;
			o->hdr_size = ph.p_memsz;
		}
	}
	return 0;
}

int objfile_open(struct objfile *o)
{
	if (o->opened)
		return o->open_err;
	o->opened = 1;
	o->open_err = open_file(o);
	if (o->open_err)
		release_file(o);
	return o->open_err;
}

int objfile_is_open(const struct objfile *o)
{
	return o->opened && !o->open_err;
}

int objfile_close(struct objfile *o)
{
	for (int i = 0; i < OBJFILE_NR_SLOTS; i++)
		if (o->slots[i])
			return -EBUSY;
	release_file(o);
	release_debug(o);
	o->opened = 0;
	o->open_err = 0;
	return 0;
}

void objfiles_each(struct objfiles *set, void (*fn)(void *ctx, struct objfile *o), void *ctx)
{
	size_t pos = 0;
	struct objfile **e;
	while ((e = htab_next(set->byname, &pos)))
		fn(ctx, *e);
}

int objfile_fd(const struct objfile *o) { return o->fd; }
Elf *objfile_elf(const struct objfile *o) { return o->elf; }

const unsigned char *objfile_image(const struct objfile *o, size_t *size)
{
	*size = o->size;
	return o->image;
}

size_t objfile_loads(const struct objfile *o, const GElf_Phdr **loads)
{
	*loads = o->loads;
	return o->nr_loads;
}

int objfile_off_to_vaddr(const struct objfile *o, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < o->nr_loads; i++) {
		const GElf_Phdr *ph = &o->loads[i];
		if (off >= ph->p_offset && off < ph->p_offset + ph->p_filesz) {
			*vaddr = off - ph->p_offset + ph->p_vaddr;
			return 0;
		}
	}
	return -ENOENT;
}

int objfile_vaddr_to_off(const struct objfile *o, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < o->nr_loads; i++) {
		const GElf_Phdr *ph = &o->loads[i];
		if (vaddr >= ph->p_vaddr && vaddr < ph->p_vaddr + ph->p_filesz) {
			*off = vaddr - ph->p_vaddr + ph->p_offset;
			return 0;
		}
	}
	return -ENOENT;
}

int objfile_bias(const struct objfile *o, uint64_t start, uint64_t pgoff, uint64_t *bias)
{
	for (size_t i = 0; i < o->nr_loads; i++) {
		const GElf_Phdr *ph = &o->loads[i];
		uint64_t off = ph->p_offset & ~(uint64_t)0xfff;
		if (pgoff >= off && pgoff < ph->p_offset + ph->p_filesz) {
			*bias = start - pgoff - (ph->p_vaddr - ph->p_offset);
			return 0;
		}
	}
	return -ENOENT;
}

uint64_t objfile_eh_frame_hdr(const struct objfile *o, uint64_t *size)
{
	*size = o->hdr_size;
	return o->hdr_vaddr;
}

static char *no_debuginfo_path = NULL;

static const Dwfl_Callbacks search_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &no_debuginfo_path,
};

/* libdwfl's own search, which also asks a debuginfod server: only where one is configured
 * (loading its client costs a report ~8 ms), and after the local search found nothing. */
static void search_debuginfod(struct objfile *o)
{
	const char *urls = getenv("DEBUGINFOD_URLS");
	if (!urls || !*urls)
		return;
	int dup_fd = dup(o->fd);
	Dwfl *dwfl = dup_fd >= 0 ? dwfl_begin(&search_callbacks) : NULL;
	if (!dwfl) {
		if (dup_fd >= 0)
			close(dup_fd);
		return;
	}
	/* dup_fd is consumed, whatever the result. */
	Dwfl_Module *mod = dwfl_report_elf(dwfl, o->path, o->path, dup_fd, 0, true);
	dwfl_report_end(dwfl, NULL, NULL);
	if (mod) {
		GElf_Word crc = 0;
		const char *link = dwelf_elf_gnu_debuglink(o->elf, &crc);
		char *found = NULL;
		o->debug_fd = dwfl_standard_find_debuginfo(mod, NULL, o->path, 0, o->path, link, crc,
							   &found);
		if (o->debug_fd >= 0)
			o->debug_name = found;
		else
			free(found);
	}
	/* dwfl_end closes descriptor 0 as well (seen with elfutils 0.188): keep stdin. */
	int in = dup(0);
	dwfl_end(dwfl); /* the descriptor is ours; libdwfl's handles on it are gone */
	if (in >= 0) {
		dup2(in, 0);
		close(in);
	}
}

/*
 * The candidate at path, when it is this file's debug file: an ELF file with the file's
 * build-id, or (neither naming one) the CRC the .gnu_debuglink asks for.  A descriptor, or -1.
 */
static int debug_candidate(const struct objfile *o, const char *path, const void *id, ssize_t id_len,
			   int have_crc, uint32_t crc)
{
	if (!strcmp(path, o->path))
		return -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	const void *cid = NULL;
	ssize_t clen = elf && elf_kind(elf) == ELF_K_ELF ? dwelf_elf_gnu_build_id(elf, &cid) : -1;
	int ok = 0;
	if (elf && elf_kind(elf) == ELF_K_ELF) {
		if (id_len > 0 && clen > 0)
			ok = clen == id_len && !memcmp(cid, id, (size_t)id_len);
		else if (have_crc) {
			size_t size;
			const char *img = elf_rawfile(elf, &size);
			ok = img && (uint32_t)crc32(0, (const Bytef *)img, (uInt)size) == crc;
		} else {
			ok = id_len <= 0; /* nothing to check it against, as libdwfl takes it */
		}
	}
	if (elf)
		elf_end(elf);
	if (!ok) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The standard places, as libdwfl searches them: the build-id path under
 * /usr/lib/debug/.build-id, then the .gnu_debuglink name next to the file, in its .debug/,
 * and under /usr/lib/debug.
 */
static void search_debug_file(struct objfile *o)
{
	o->debug_searched = 1;
	if (objfile_open(o))
		return;
	const void *id = NULL;
	ssize_t id_len = dwelf_elf_gnu_build_id(o->elf, &id);
	GElf_Word crc = 0;
	const char *link = dwelf_elf_gnu_debuglink(o->elf, &crc);
	struct strbuf p = STRBUF_INIT;
	if (id_len > 1 && id_len <= 64) {
		objfile_build_id_path(id, (size_t)id_len, &p);
		o->debug_fd = debug_candidate(o, p.buf, id, id_len, 0, 0);
	}
	const char *slash = strrchr(o->path, '/'), *dir = slash ? o->path : ".";
	int dir_len = slash ? (int)(slash - o->path) : 1;
	static const char *const where[] = { "%.*s/%s", "%.*s/.debug/%s", "/usr/lib/debug%.*s/%s" };
	for (size_t i = 0; link && *link && !strchr(link, '/') && o->debug_fd < 0 &&
			   i < ARRAY_SIZE(where); i++) {
		strbuf_reset(&p);
		strbuf_addf(&p, where[i], dir_len, dir, link);
		o->debug_fd = debug_candidate(o, p.buf, id, id_len, 1, crc);
	}
	if (o->debug_fd >= 0)
		o->debug_name = strbuf_detach(&p);
	strbuf_release(&p);
	if (o->debug_fd < 0)
		search_debuginfod(o);
}

void objfile_build_id_path(const unsigned char *id, size_t len, struct strbuf *out)
{
	char hex[2 * 64 + 1];
	len = len < 64 ? len : 64;
	hex_encode(hex, id, len);
	strbuf_addf(out, "/usr/lib/debug/.build-id/%.2s/%s.debug", hex, hex + 2);
}

int objfile_debug_fd(struct objfile *o, const char **name)
{
	if (!o->debug_searched)
		search_debug_file(o);
	if (o->debug_fd < 0)
		return -1;
	int fd = dup(o->debug_fd);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (fd >= 0 && name)
		*name = o->debug_name;
	return fd;
}

void *objfile_slot(const struct objfile *o, enum objfile_slot which)
{
	return o->slots[which];
}

void objfile_set_slot(struct objfile *o, enum objfile_slot which, void *p)
{
	o->slots[which] = p;
}
