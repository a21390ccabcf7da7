/* t_elf.h — a fixture binary's executable PT_LOAD segments, as the kernel maps them, for the
 * tests that put a real file into a synthetic process (an address space or MMAP2 records). */
#ifndef STOKE_T_ELF_H
#define STOKE_T_ELF_H

#include "symbolize/addrspace.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <unistd.h>

/* One executable segment of a file loaded at base, widened to whole pages. */
struct t_load {
	uint64_t start, len, pgoff;
};

/* fn for each executable PT_LOAD of path loaded at base; how many (0: path is no ELF file). */
static inline int t_exec_loads(const char *path, uint64_t base,
			       void (*fn)(void *ctx, const struct t_load *l), void *ctx)
{
	int fd = open(path, O_RDONLY), n_loads = 0;
	elf_version(EV_CURRENT);
	Elf *elf = fd >= 0 ? elf_begin(fd, ELF_C_READ, NULL) : NULL;
	size_t n = 0;
	if (elf && !elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
			    !(ph.p_flags & PF_X))
				continue;
			uint64_t start = base + (ph.p_vaddr & ~0xfffULL);
			uint64_t end = (base + ph.p_vaddr + ph.p_memsz + 0xfff) & ~0xfffULL;
			struct t_load l = { start, end - start, ph.p_offset & ~0xfffULL };
			fn(ctx, &l);
			n_loads++;
		}
	}
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
	return n_loads;
}

struct t_map_ctx {
	struct addrspace *as;
	uint32_t pid;
	const char *path;
};

static inline void t_map_load(void *ctx, const struct t_load *l)
{
	const struct t_map_ctx *m = ctx;
	addrspace_mmap(m->as, m->pid, l->start, l->len, l->pgoff, 5, m->path, NULL, 0);
}

/* Map the executable segments of path at base in pid of as; how many. */
static inline int t_map_binary(struct addrspace *as, uint32_t pid, const char *path,
			       uint64_t base)
{
	struct t_map_ctx m = { as, pid, path };
	return t_exec_loads(path, base, t_map_load, &m);
}

#endif
