#include "symbolize/unwind.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Not in libunwind's public headers, but exported: binary search of a remote .eh_frame_hdr table. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

/* perf's x86-64 register numbers (the order of PERF_SAMPLE_REGS_USER). */
enum { PR_AX, PR_BX, PR_CX, PR_DX, PR_SI, PR_DI, PR_BP, PR_SP, PR_IP, PR_FLAGS,
       PR_CS, PR_SS, PR_DS, PR_ES, PR_FS, PR_GS, PR_R8 };

struct elf_file {
	char *path;
	const unsigned char *map; /* whole file, read-only */
	size_t size;
	int ok;                   /* opened and parsed */
	uint64_t hdr_vaddr;       /* .eh_frame_hdr (PT_GNU_EH_FRAME), 0 when none */
	uint64_t hdr_size;
	GElf_Phdr *loads;         /* PT_LOAD headers */
	size_t nr_loads;
	struct elf_file *next;    /* hash chain */
};

struct as_entry {
	uint32_t pid;
	unw_addr_space_t as;
	struct as_entry *next;
};

#define NR_BUCKETS 256

struct unwinder {
	unwind_find_map_fn find_map;
	void *ctx;
	struct elf_file *files[NR_BUCKETS];
	struct as_entry *spaces[NR_BUCKETS];
	struct unwind_stats stats;
};

/* What the accessors need during one sample's unwinding. */
struct walk {
	struct unwinder *u;
	const struct sample *s;
	uint64_t sp;         /* stack pointer at the sample: start of the copy */
	int stack_miss;      /* a read just past the copy was refused */
	/* The file whose unwind table is being searched, and its load bias: the
	 * table and the FDEs often sit in a read-only segment the recording has
	 * no map for (only executable maps are recorded). */
	struct elf_file *cur;
	uint64_t cur_bias;
};

static struct elf_file *elf_get(struct unwinder *u, const char *path)
{
	size_t b = fnv1a(FNV_INIT, path, strlen(path)) % NR_BUCKETS;
	for (struct elf_file *f = u->files[b]; f; f = f->next)
		if (!strcmp(f->path, path))
			return f->ok ? f : NULL;
	struct elf_file *f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(path);
	f->next = u->files[b];
	u->files[b] = f;

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < 64) {
		close(fd);
		return NULL;
	}
	void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	f->map = m;
	f->size = (size_t)st.st_size;
	Elf *elf = elf_memory((char *)m, f->size);
	size_t n = 0;
	if (elf && elf_kind(elf) == ELF_K_ELF && !elf_getphdrnum(elf, &n)) {
		for (size_t i = 0; i < n; i++) {
			GElf_Phdr ph;
			if (!gelf_getphdr(elf, (int)i, &ph))
				continue;
			if (ph.p_type == PT_LOAD) {
				f->loads = xrealloc(f->loads, (f->nr_loads + 1) * sizeof(*f->loads));
				f->loads[f->nr_loads++] = ph;
			} else if (ph.p_type == PT_GNU_EH_FRAME) {
				f->hdr_vaddr = ph.p_vaddr;
				f->hdr_size = ph.p_memsz;
			}
		}
		f->ok = f->nr_loads > 0;
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return f->ok ? f : NULL;
}

/* Load bias of the file mapped by m: runtime address = vaddr + bias. */
static int elf_bias(const struct elf_file *f, const struct unwind_map *m, uint64_t *bias)
{
	for (size_t i = 0; i < f->nr_loads; i++) {
		const GElf_Phdr *ph = &f->loads[i];
		uint64_t off = ph->p_offset & ~(uint64_t)0xfff;
		if (m->pgoff >= off && m->pgoff < ph->p_offset + ph->p_filesz) {
			*bias = m->start - m->pgoff - (ph->p_vaddr - ph->p_offset);
			return 0;
		}
	}
	return -ENOENT;
}

/* Read 8 bytes at file offset off. */
static int file_read(const struct elf_file *f, uint64_t off, unw_word_t *val)
{
	if (off > f->size || f->size - off < sizeof(*val))
		return -1;
	memcpy(val, f->map + off, sizeof(*val));
	return 0;
}

/* Map a runtime address to an offset in the file through its PT_LOAD headers. */
static int vaddr_to_off(const struct elf_file *f, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < f->nr_loads; i++) {
		const GElf_Phdr *ph = &f->loads[i];
		if (vaddr >= ph->p_vaddr && vaddr < ph->p_vaddr + ph->p_filesz) {
			*off = vaddr - ph->p_vaddr + ph->p_offset;
			return 0;
		}
	}
	return -1;
}

static int find_map(struct walk *w, uint64_t addr, struct unwind_map *m)
{
	if (w->u->find_map(w->u->ctx, w->s->pid, addr, m))
		return -1;
	return m->path && m->path[0] == '/' ? 0 : -1;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write, void *arg)
{
	struct walk *w = arg;
	(void)as;
	if (write)
		return -UNW_EINVAL;
	const struct sample *s = w->s;
	if (addr >= w->sp && addr + sizeof(*valp) <= w->sp + s->stack_dyn_size) {
		memcpy(valp, s->stack + (addr - w->sp), sizeof(*valp));
		return 0;
	}
	/* Just past the copy: the real stack went on; the unwinding is truncated. */
	if (addr >= w->sp && addr < w->sp + (64u << 20)) {
		w->stack_miss = 1;
		return -UNW_EINVAL;
	}
	struct unwind_map m;
	struct elf_file *f;
	uint64_t bias, off;
	if (w->cur && addr >= w->cur_bias && !vaddr_to_off(w->cur, addr - w->cur_bias, &off) &&
	    !file_read(w->cur, off, valp))
		return 0;
	if (find_map(w, addr, &m) || !(f = elf_get(w->u, m.path)) || elf_bias(f, &m, &bias) ||
	    vaddr_to_off(f, addr - bias, &off) || file_read(f, off, valp))
		return -UNW_EINVAL;
	return 0;
}

static int perf_reg(int unw_reg)
{
	static const int map[] = {
		[UNW_X86_64_RAX] = PR_AX, [UNW_X86_64_RDX] = PR_DX, [UNW_X86_64_RCX] = PR_CX,
		[UNW_X86_64_RBX] = PR_BX, [UNW_X86_64_RSI] = PR_SI, [UNW_X86_64_RDI] = PR_DI,
		[UNW_X86_64_RBP] = PR_BP, [UNW_X86_64_RSP] = PR_SP,
		[UNW_X86_64_R8] = PR_R8, [UNW_X86_64_R9] = PR_R8 + 1, [UNW_X86_64_R10] = PR_R8 + 2,
		[UNW_X86_64_R11] = PR_R8 + 3, [UNW_X86_64_R12] = PR_R8 + 4,
		[UNW_X86_64_R13] = PR_R8 + 5, [UNW_X86_64_R14] = PR_R8 + 6,
		[UNW_X86_64_R15] = PR_R8 + 7, [UNW_X86_64_RIP] = PR_IP,
	};
	if (unw_reg < 0 || unw_reg >= (int)ARRAY_SIZE(map))
		return -1;
	return map[unw_reg];
}

static int sample_reg(const struct sample *s, int preg, uint64_t *val)
{
	int i = preg < 0 ? -1 : sample_reg_index(s->regs_mask, preg);
	if (i < 0 || !s->regs)
		return -1;
	*val = s->regs[i];
	return 0;
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *valp, int write, void *arg)
{
	struct walk *w = arg;
	uint64_t v;
	(void)as;
	if (write || sample_reg(w->s, perf_reg(reg), &v))
		return -UNW_EBADREG;
	*valp = v;
	return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write, void *arg)
{
	(void)as; (void)reg; (void)val; (void)write; (void)arg;
	return -UNW_EINVAL;
}

static int resume(unw_addr_space_t as, unw_cursor_t *c, void *arg)
{
	(void)as; (void)c; (void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t addr, char *buf, size_t len,
			 unw_word_t *off, void *arg)
{
	(void)as; (void)addr; (void)buf; (void)len; (void)off; (void)arg;
	return -UNW_EINVAL;
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *dil, void *arg)
{
	(void)as; (void)dil; (void)arg;
	return -UNW_ENOINFO;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	(void)as;
	(void)pi;
	(void)arg;
	/* The info comes from libunwind's own pool, which it manages itself. */
}

/* Read a DW_EH_PE_udata4/sdata4 value of the .eh_frame_hdr. */
static int hdr_u32(const struct elf_file *f, uint64_t off, uint32_t *v)
{
	if (off > f->size || f->size - off < 4)
		return -1;
	memcpy(v, f->map + off, 4);
	return 0;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct walk *w = arg;
	struct unwind_map m;
	struct elf_file *f;
	uint64_t bias, hdr_off;
	uint32_t fde_count;

	if (find_map(w, ip, &m) || !(f = elf_get(w->u, m.path)) || !f->hdr_vaddr ||
	    elf_bias(f, &m, &bias) || vaddr_to_off(f, f->hdr_vaddr, &hdr_off))
		return -UNW_ENOINFO;
	/* .eh_frame_hdr: version 1, eh_frame_ptr_enc, fde_count_enc, table_enc;
	 * stoke handles the encoding every toolchain emits: sdata4 pointers,
	 * udata4 count, datarel sdata4 table (0x1b, 0x03, 0x3b). */
	const unsigned char *h = f->map + hdr_off;
	if (hdr_off + 12 > f->size || h[0] != 1 || h[2] != 0x03 || h[3] != 0x3b ||
	    hdr_u32(f, hdr_off + 8, &fde_count) || !fde_count)
		return -UNW_ENOINFO;

	w->cur = f;
	w->cur_bias = bias;
	unw_dyn_info_t di;
	memset(&di, 0, sizeof(di));
	di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
	di.start_ip = m.start;
	di.end_ip = m.end;
	/* Cover the whole file's text, not just this mapping. */
	for (size_t i = 0; i < f->nr_loads; i++) {
		if (f->loads[i].p_flags & PF_X) {
			di.start_ip = f->loads[i].p_vaddr + bias;
			di.end_ip = f->loads[i].p_vaddr + f->loads[i].p_memsz + bias;
			if (ip >= di.start_ip && ip < di.end_ip)
				break;
		}
	}
	di.u.rti.segbase = f->hdr_vaddr + bias;
	di.u.rti.table_data = f->hdr_vaddr + bias + 12;
	di.u.rti.table_len = (uint64_t)fde_count * 8 / sizeof(unw_word_t);
	return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

struct unwinder *unwind_new(unwind_find_map_fn find_map_fn, void *ctx)
{
	elf_version(EV_CURRENT);
	struct unwinder *u = xcalloc(1, sizeof(*u));
	u->find_map = find_map_fn;
	u->ctx = ctx;
	return u;
}

void unwind_free(struct unwinder *u)
{
	if (!u)
		return;
	for (size_t b = 0; b < NR_BUCKETS; b++) {
		for (struct elf_file *f = u->files[b], *next; f; f = next) {
			next = f->next;
			if (f->map)
				munmap((void *)f->map, f->size);
			free(f->loads);
			free(f->path);
			free(f);
		}
		for (struct as_entry *e = u->spaces[b], *next; e; e = next) {
			next = e->next;
			unw_destroy_addr_space(e->as);
			free(e);
		}
	}
	free(u);
}

static unw_addr_space_t space_for(struct unwinder *u, uint32_t pid)
{
	size_t b = pid % NR_BUCKETS;
	for (struct as_entry *e = u->spaces[b]; e; e = e->next)
		if (e->pid == pid)
			return e->as;
	unw_addr_space_t as = unw_create_addr_space(&accessors, 0);
	if (!as)
		return NULL;
	/* The global cache halves the cost per sample: this libunwind takes its locks
	 * (two sigprocmask calls each) around every memory-pool use, cache or not.
	 * The cache lock is still two sigprocmask calls per step, about half of all
	 * unwinding time; Debian's build has no per-thread cache (UNW_CACHE_PER_THREAD
	 * becomes UNW_CACHE_GLOBAL), which would have avoided it. */
	unw_set_caching_policy(as, UNW_CACHE_GLOBAL);
	struct as_entry *e = xcalloc(1, sizeof(*e));
	e->pid = pid;
	e->as = as;
	e->next = u->spaces[b];
	u->spaces[b] = e;
	return as;
}

void unwind_flush(struct unwinder *u, uint32_t pid)
{
	size_t b = pid % NR_BUCKETS;
	for (struct as_entry *e = u->spaces[b]; e; e = e->next)
		if (e->pid == pid)
			unw_flush_cache(e->as, 0, 0);
}

void unwind_get_stats(const struct unwinder *u, struct unwind_stats *st)
{
	*st = u->stats;
}

/* Frame-pointer steps from bp, reading only the stack copy. */
static int fp_walk(struct walk *w, uint64_t bp, uint64_t *ips, int n, int max, int *truncated)
{
	const struct sample *s = w->s;
	while (n < max) {
		uint64_t frame[2];
		if (bp < w->sp || bp + sizeof(frame) > w->sp + s->stack_dyn_size) {
			/* A frame pointer into the stack but past the copy: truncated. */
			if (bp >= w->sp + s->stack_dyn_size && bp < w->sp + (64u << 20))
				*truncated = 1;
			break;
		}
		memcpy(frame, s->stack + (bp - w->sp), sizeof(frame));
		if (!frame[1] || frame[0] <= bp)
			break; /* outermost frame, or not a frame chain */
		ips[n++] = frame[1];
		w->u->stats.fp_steps++;
		bp = frame[0];
	}
	return n;
}

int unwind_sample(struct unwinder *u, const struct sample *s, uint64_t *ips, int max,
		  int *truncated)
{
	struct walk w = { .u = u, .s = s };
	uint64_t ip, bp;
	int n = 0;

	*truncated = 0;
	u->stats.samples++;
	if (max <= 0 || sample_reg(s, PR_IP, &ip) || sample_reg(s, PR_SP, &w.sp))
		return 0;
	ips[n++] = ip;
	unw_addr_space_t as = space_for(u, s->pid);
	unw_cursor_t c;
	if (!as || !s->stack_dyn_size || unw_init_remote(&c, as, &w) < 0) {
		u->stats.failed++;
		if (!sample_reg(s, PR_BP, &bp))
			n = fp_walk(&w, bp, ips, n, max, truncated);
		u->stats.frames += (uint64_t)n;
		return n;
	}
	for (;;) {
		int r = unw_step(&c);
		if (r <= 0) {
			if (w.stack_miss) {
				*truncated = 1;
				break;
			}
			/* No unwind information for this frame: carry on with the frame pointer. */
			unw_word_t rbp = 0;
			if (r < 0 && n < max && !unw_get_reg(&c, UNW_X86_64_RBP, &rbp))
				n = fp_walk(&w, rbp, ips, n, max, truncated);
			break;
		}
		unw_word_t pc;
		if (unw_get_reg(&c, UNW_REG_IP, &pc) < 0 || !pc)
			break;
		if (n >= max)
			break;
		ips[n++] = pc;
	}
	if (*truncated)
		u->stats.truncated++;
	u->stats.frames += (uint64_t)n;
	return n;
}
