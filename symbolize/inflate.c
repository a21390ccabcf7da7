#include "symbolize/inflate.h"
#include "common/elfinit.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif
#define COPY 0             /* a piece copied as it is */
#define MAX_WORKERS 4      /* past the largest section more threads cannot help */
/* No compressor makes a section more than this many times smaller: a header saying otherwise
 * is damaged (deflate's bound is 1032; zstd's is higher in theory, never in debug data). */
#define MAX_RATIO 2048
#define MAX_ALIGN (1u << 20) /* past this an alignment is damage, not a layout */

/* One section's bytes: where they are in the source and where they go in the image. */
struct piece {
	uint64_t from, from_len;
	uint64_t to, to_len;
	uint32_t how;          /* COPY or an ELFCOMPRESS_* type */
	int worker;            /* who writes it */
};

struct worker {
	const unsigned char *src;
	unsigned char *dst;
	const struct piece *p;
	size_t nr;
	int self;
	int err;               /* 0, or -EBADMSG: a section did not inflate to its size */
	pthread_t thread;
};

static int write_piece(struct libdeflate_decompressor **z, const unsigned char *src,
		       unsigned char *dst, const struct piece *p)
{
	const unsigned char *in = src + p->from;
	unsigned char *out = dst + p->to;
	if (p->how == COPY) {
		memcpy(out, in, p->to_len);
		return 0;
	}
	if (p->how == ELFCOMPRESS_ZSTD) {
		size_t n = ZSTD_decompress(out, p->to_len, in, p->from_len);
		return !ZSTD_isError(n) && n == p->to_len ? 0 : -EBADMSG;
	}
	if (!*z && !(*z = libdeflate_alloc_decompressor()))
		return -ENOMEM;
	size_t n_in = 0, n_out = 0; /* all of it one stream, as libelf reads it */
	return libdeflate_zlib_decompress_ex(*z, in, p->from_len, out, p->to_len, &n_in, &n_out) ==
			       LIBDEFLATE_SUCCESS && n_in == p->from_len && n_out == p->to_len ? 0 : -EBADMSG;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct libdeflate_decompressor *z = NULL;
	for (size_t i = 0; i < w->nr && !w->err; i++)
		if (w->p[i].worker == w->self)
			w->err = write_piece(&z, w->src, w->dst, &w->p[i]);
	if (z)
		libdeflate_free_decompressor(z);
	return NULL;
}

/* Largest first (the pieces' order is free: each has its own place in the image). */
static int cmp_size(const void *a, const void *b)
{
	const struct piece *x = a, *y = b;
	return (x->to_len < y->to_len) - (x->to_len > y->to_len);
}

/* Share the pieces among n workers, largest first to the least loaded (the same split on
 * every run; the result never depends on it). */
static void share(struct piece *p, size_t nr, int n)
{
	uint64_t load[MAX_WORKERS] = { 0 };
	xsort(p, nr, sizeof(*p), cmp_size);
	for (size_t i = 0; i < nr; i++) {
		int best = 0;
		for (int k = 1; k < n; k++)
			if (load[k] < load[best])
				best = k;
		p[i].worker = best;
		/* copying is an order of magnitude cheaper than inflating */
		load[best] += p[i].how == COPY ? p[i].to_len / 16 : p[i].to_len;
	}
}

static int run_workers(const unsigned char *src, unsigned char *dst, struct piece *p, size_t nr)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cpus < 1 ? 1 : cpus > MAX_WORKERS ? MAX_WORKERS : (int)cpus;
	if ((size_t)n > nr)
		n = nr ? (int)nr : 1;
	share(p, nr, n);
	struct worker w[MAX_WORKERS];
	int started[MAX_WORKERS] = { 0 };
	for (int k = 0; k < n; k++) {
		w[k] = (struct worker){ .src = src, .dst = dst, .p = p, .nr = nr, .self = k };
		if (k)
			started[k] = !pthread_create(&w[k].thread, NULL, work, &w[k]);
	}
	work(&w[0]);
	int err = w[0].err;
	for (int k = 1; k < n; k++) {
		if (started[k])
			pthread_join(w[k].thread, NULL);
		else
			work(&w[k]); /* no thread to be had: the share is done here */
		if (!err)
			err = w[k].err;
	}
	return err;
}

static int is_location_list(const char *name)
{
	return name && (!strcmp(name, ".debug_loc") || !strcmp(name, ".debug_loclists"));
}

static int host_data(void)
{
	const uint16_t one = 1;
	return *(const unsigned char *)&one ? ELFDATA2LSB : ELFDATA2MSB;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return a > 1 ? (v + a - 1) / a * a : v;
}

/* Section headers as the file's class writes them. */
static int put_shdrs(unsigned char *to, int class, const GElf_Shdr *sh, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const GElf_Shdr *s = &sh[i];
		if (class == ELFCLASS64) {
			Elf64_Shdr o = { s->sh_name, s->sh_type, s->sh_flags, s->sh_addr, s->sh_offset,
					 s->sh_size, s->sh_link, s->sh_info, s->sh_addralign,
					 s->sh_entsize };
			memcpy(to + i * sizeof(o), &o, sizeof(o));
			continue;
		}
		if (s->sh_flags > UINT32_MAX || s->sh_addr > UINT32_MAX || s->sh_offset > UINT32_MAX ||
		    s->sh_size > UINT32_MAX || s->sh_addralign > UINT32_MAX || s->sh_entsize > UINT32_MAX)
			return -EBADMSG;
		Elf32_Shdr o = { s->sh_name, s->sh_type, (Elf32_Word)s->sh_flags, (Elf32_Addr)s->sh_addr,
				 (Elf32_Off)s->sh_offset, (Elf32_Word)s->sh_size, s->sh_link, s->sh_info,
				 (Elf32_Word)s->sh_addralign, (Elf32_Word)s->sh_entsize };
		memcpy(to + i * sizeof(o), &o, sizeof(o));
	}
	return 0;
}

/* A section's place in the file, to lay the image out in the same order. */
struct place {
	uint64_t offset;
	size_t index;
};

static int cmp_place(const void *a, const void *b)
{
	const struct place *x = a, *y = b;
	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The image's layout: the new headers in sh, the pieces to write; its size, or an error. */
static int64_t plan(Elf *elf, uint64_t file_size, GElf_Shdr *sh, size_t shnum, uint64_t prefix,
		    struct piece *p, size_t *np)
{
	size_t shstrndx, nr = 0;
	struct place *order = xmalloc(shnum * sizeof(*order));
	size_t chdr = gelf_fsize(elf, ELF_T_CHDR, 1, EV_CURRENT);
	int64_t ret = -EBADMSG;
	int inflated = 0;
	if (elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	for (size_t i = 0; i < shnum; i++)
		order[i] = (struct place){ sh[i].sh_offset, i };
	qsort(order, shnum, sizeof(*order), cmp_place);
	uint64_t cur = prefix, src_end = prefix;
	for (size_t k = 0; k < shnum; k++) {
		size_t i = order[k].index;
		GElf_Shdr *s = &sh[i];
		if (s->sh_type == SHT_NULL) {
			if (i) /* libelf ignores it; the image must not look compressed */
				*s = (GElf_Shdr){ .sh_name = s->sh_name, .sh_offset = cur };
			continue;
		}
		if (s->sh_type == SHT_NOBITS) {
			s->sh_flags &= ~(GElf_Xword)SHF_COMPRESSED; /* nothing to inflate */
			s->sh_offset = cur;
			continue;
		}
		if (!s->sh_size && !(s->sh_flags & SHF_COMPRESSED)) {
			s->sh_offset = cur;
			continue;
		}
		if (s->sh_addralign > MAX_ALIGN)
			goto out;
		/* Sections sharing bytes would each be inflated: MAX_RATIO bounds the image only
		 * when every byte of the file is inflated once. */
		if (s->sh_offset < src_end || s->sh_offset > file_size ||
		    s->sh_size > file_size - s->sh_offset)
			goto out;
		src_end = s->sh_offset + s->sh_size;
		Elf_Scn *scn = elf_getscn(elf, i);
		const char *name = elf_strptr(elf, shstrndx, s->sh_name);
		struct piece q = { .from = s->sh_offset, .from_len = s->sh_size, .to_len = s->sh_size };
		if (s->sh_flags & SHF_COMPRESSED) {
			GElf_Chdr ch;
			if (!scn || !gelf_getchdr(scn, &ch) || s->sh_size < chdr ||
			    ch.ch_size / MAX_RATIO > s->sh_size || ch.ch_addralign > MAX_ALIGN)
				goto out;
			s->sh_flags &= ~(GElf_Xword)SHF_COMPRESSED;
			s->sh_size = ch.ch_size;
			s->sh_addralign = ch.ch_addralign;
			q = (struct piece){ .from = q.from + chdr, .from_len = q.from_len - chdr,
					    .to_len = ch.ch_size, .how = ch.ch_type };
			if (q.how != ELFCOMPRESS_ZLIB && q.how != ELFCOMPRESS_ZSTD) {
				ret = -EPROTONOSUPPORT;
				goto out;
			}
			inflated = 1;
		}
		if (is_location_list(name)) {
			s->sh_type = SHT_NOBITS;
			s->sh_offset = cur;
			continue;
		}
		uint64_t at = align_up(cur, s->sh_addralign);
		if (at < cur || q.to_len > (UINT64_MAX >> 2) - at)
			goto out;
		s->sh_offset = q.to = cur = at;
		cur += q.to_len;
		if (q.to_len)
			p[nr++] = q;
	}
	ret = inflated ? (int64_t)cur : -ENODATA;
	*np = nr;
out:
	free(order);
	return ret;
}

/* Segments whose bytes moved with a section copied as it is (the notes, say) follow it. */
static void move_segments(unsigned char *out, int class, uint64_t phoff, size_t phnum,
			  const struct piece *p, size_t np)
{
	for (size_t i = 0; i < phnum; i++) {
		uint64_t off;
		unsigned char *at = out + phoff + i * (class == ELFCLASS64 ? sizeof(Elf64_Phdr) :
								     sizeof(Elf32_Phdr));
		if (class == ELFCLASS64) {
			memcpy(&off, at + offsetof(Elf64_Phdr, p_offset), 8);
		} else {
			uint32_t o32;
			memcpy(&o32, at + offsetof(Elf32_Phdr, p_offset), 4);
			off = o32;
		}
		for (size_t k = 0; k < np; k++) {
			if (p[k].how != COPY || off < p[k].from || off >= p[k].from + p[k].from_len)
				continue;
			off = p[k].to + (off - p[k].from);
			if (class == ELFCLASS64) {
				memcpy(at + offsetof(Elf64_Phdr, p_offset), &off, 8);
			} else {
				uint32_t o32 = (uint32_t)off;
				memcpy(at + offsetof(Elf32_Phdr, p_offset), &o32, 4);
			}
			break;
		}
	}
}

/* The image of src written into the memfd dst: its size, or a negative errno. */
static int64_t inflate_into(int src, int dst)
{
	elfinit();
	Elf *elf = NULL;
	const unsigned char *in = NULL;
	unsigned char *out = MAP_FAILED;
	GElf_Shdr *sh = NULL;
	struct piece *p = NULL;
	size_t shnum = 0, phnum = 0, np = 0, size = 0;
	uint64_t total = 0;
	int64_t ret = -EBADMSG;
	GElf_Ehdr eh;
	/* The file as libelf mapped it: the pieces are read from there. */
	if (!(elf = elf_begin(src, ELF_C_READ_MMAP, NULL)) || elf_kind(elf) != ELF_K_ELF ||
	    !(in = (const unsigned char *)elf_rawfile(elf, &size)) || !gelf_getehdr(elf, &eh) ||
	    elf_getshdrnum(elf, &shnum) || elf_getphdrnum(elf, &phnum) || !shnum)
		goto out;
	if (eh.e_ident[EI_DATA] != host_data()) {
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	int class = eh.e_ident[EI_CLASS];
	uint64_t prefix = gelf_fsize(elf, ELF_T_EHDR, 1, EV_CURRENT);
	uint64_t phsize = gelf_fsize(elf, ELF_T_PHDR, phnum, EV_CURRENT); /* as libelf reads them */
	if (phnum && (eh.e_phoff > (uint64_t)size || phsize > (uint64_t)size - eh.e_phoff))
		goto out;
	if (phnum && eh.e_phoff + phsize > prefix)
		prefix = eh.e_phoff + phsize;
	if (prefix > (uint64_t)size)
		goto out;
	sh = xcalloc(shnum, sizeof(*sh));
	p = xcalloc(shnum, sizeof(*p));
	for (size_t i = 0; i < shnum; i++) {
		Elf_Scn *scn = elf_getscn(elf, i);
		if (!scn || !gelf_getshdr(scn, &sh[i]))
			goto out;
	}
	int64_t end = plan(elf, (uint64_t)size, sh, shnum, prefix, p, &np);
	if (end < 0) {
		ret = end;
		goto out;
	}
	size_t shent = gelf_fsize(elf, ELF_T_SHDR, 1, EV_CURRENT);
	uint64_t shoff = align_up((uint64_t)end, 8);
	total = shoff + shnum * shent;
	if (class == ELFCLASS32 && total > UINT32_MAX)
		goto out; /* more than a 32-bit file can hold: its headers lie */
	/* Pages are taken as they are written (a damaged file fails before it filled them). */
	if ((ret = ftruncate(dst, (off_t)total) ? -errno : 0))
		goto out;
	out = mmap(NULL, (size_t)total, PROT_READ | PROT_WRITE, MAP_SHARED, dst, 0);
	if (out == MAP_FAILED) {
		ret = -errno;
		goto out;
	}
	memcpy(out, in, (size_t)prefix);
	move_segments(out, class, eh.e_phoff, phnum, p, np);
	if ((ret = run_workers(in, out, p, np)) || (ret = put_shdrs(out + shoff, class, sh, shnum)))
		goto out;
	if (class == ELFCLASS64) {
		uint64_t v = shoff;
		memcpy(out + offsetof(Elf64_Ehdr, e_shoff), &v, sizeof(v));
	} else {
		uint32_t v = (uint32_t)shoff;
		memcpy(out + offsetof(Elf32_Ehdr, e_shoff), &v, sizeof(v));
	}
	ret = (int64_t)total;
out:
	if (out != MAP_FAILED)
		munmap(out, (size_t)total);
	if (elf)
		elf_end(elf);
	free(sh);
	free(p);
	return ret;
}

int elf_inflate_memfd(int src)
{
	int m = memfd_create("stoke-debug", MFD_CLOEXEC);
	if (m < 0)
		return -errno;
	int64_t n = inflate_into(src, m);
	if (n < 0) {
		close(m);
		return (int)n;
	}
	return m;
}
