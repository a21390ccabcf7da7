#include "symbolize/unwind.h"
#include "common/htab.h"
#include "common/util.h"
#include "symbolize/cfi.h"
#include "symbolize/unwind_memo.h"
#include "common/stackref.h"

#include <errno.h>
#include <gelf.h>
#include <libunwind.h>
#include <stdlib.h>
#include <string.h>

/* Not in libunwind's public headers, but exported: binary search of a remote .eh_frame_hdr table. */
extern int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
					      unw_dyn_info_t *di, unw_proc_info_t *pi,
					      int need_unwind_info, void *arg);

/* perf's x86-64 register numbers (the order of PERF_SAMPLE_REGS_USER). */
enum { PR_AX, PR_BX, PR_CX, PR_DX, PR_SI, PR_DI, PR_BP, PR_SP, PR_IP, PR_FLAGS,
       PR_CS, PR_SS, PR_DS, PR_ES, PR_FS, PR_GS, PR_R8 };

/*
 * Rules by lookup address (common/htab.h).  The kind is cfi_rule's, or RULE_NONE (no CFI:
 * libunwind decides), or RULE_FRAME: rules not of cfi_rule's form (PLT stubs, signal frames,
 * realigned stacks), evaluated from libdw's frame.
 */
enum { RULE_NONE = 0, RULE_FRAME = 3 };

struct rule_slot {
	uint64_t key;            /* the lookup address */
	struct cfi_rule rule;
	struct cfi_frame *frame; /* RULE_FRAME; owned by the file's table */
	int signal;              /* a signal frame: the caller's IP is exact, not a return address */
};

struct rule_table {
	struct htab *slots;      /* struct rule_slot by key; NULL until the first rule */
};

static const struct rule_slot *rt_find(const struct rule_table *t, uint64_t addr)
{
	return t->slots ? htab_find_u64(t->slots, hash_addr(addr), addr) : NULL;
}

static const struct rule_slot *rt_put(struct rule_table *t, uint64_t addr,
				      const struct rule_slot *r)
{
	if (!t->slots)
		t->slots = htab_new(sizeof(struct rule_slot), sizeof(uint64_t), 256, NULL, NULL);
	struct rule_slot *sl = htab_insert(t->slots, hash_addr(addr), &addr, NULL);
	*sl = *r;
	sl->key = addr;
	return sl;
}

/* owner: the table owns the frames of its slots. */
static void rt_release(struct rule_table *t, int owner)
{
	size_t pos = 0;
	struct rule_slot *sl;
	while (owner && t->slots && (sl = htab_next(t->slots, &pos)))
		cfi_frame_free(sl->frame);
	htab_free(t->slots);
	t->slots = NULL;
}

/* The unwinder's part of an object file, hung on its OBJFILE_UNWIND slot. */
struct elf_file {
	struct objfile *obj;
	const unsigned char *map; /* the object's image: the whole file, read-only */
	size_t size;
	int ok;                   /* opened, with load segments */
	uint64_t hdr_vaddr;       /* .eh_frame_hdr (PT_GNU_EH_FRAME), 0 when none */
	uint64_t hdr_size;
	const GElf_Phdr *loads;   /* PT_LOAD headers (the object's) */
	size_t nr_loads;
	struct cfi *cfi;          /* libdw's view of its CFI, for what .eh_frame_hdr misses */
	int cfi_tried;            /* cfi_new was called (cfi NULL: it failed) */
	struct rule_table rules;  /* compiled rules by file address */
};

/* One process: libunwind's address space (made on first use) and the rules by runtime address,
 * both derived from the process's maps at generation gen. */
struct as_entry {
	uint32_t pid;
	uint32_t gen;
	const struct as_proc *proc; /* the address space's process, once it has one */
	unw_addr_space_t as;
	struct rule_table rules;
};

struct space_ent {
	uint32_t pid;             /* the key */
	struct as_entry *e;
};

#define MEMO_BUDGET (64u << 20) /* bytes of per-thread memos (UNWIND_MEMO_BY_THREAD) */

struct unwinder {
	const struct addrspace *as; /* the caller's */
	int flags;
	struct umemo_threads *threads; /* each thread's memo (UNWIND_MEMO_BY_THREAD), or NULL */
	struct elf_file **files;  /* every elf_file made, to free */
	size_t nr_files, alloc_files;
	struct htab *spaces;      /* struct space_ent by pid */
	struct as_entry *last;    /* the last sample's (consecutive samples are mostly of one) */
	struct umemo_builder memo; /* the sample being unwound's (unwind_memo.h) */
	struct unwind_stats stats;
};

void unwind_get_stats(const struct unwinder *u, struct unwind_stats *st)
{
	*st = u->stats;
}

/* What the accessors need during one sample's unwinding. */
struct walk {
	struct unwinder *u;
	const struct sample *s;
	const struct as_proc *proc; /* the sample's process, looked up on the first need */
	int proc_known;
	uint64_t sp;         /* stack pointer at the sample: start of the copy */
	int stack_miss;      /* a read just past the copy was refused */
	/* The file whose unwind table is being searched, and its load bias: the
	 * table and the FDEs often sit in a read-only segment the recording has
	 * no map for (only executable maps are recorded). */
	struct elf_file *cur;
	uint64_t cur_bias;
	/* The registers libunwind's cursor starts from (access_reg serves them): the
	 * sample's, or the caller's after steps by rules or through libdw's CFI. */
	struct cfi_regs regs;
	uint64_t ret_ip;     /* the restarted cursor's IP: a return address, looked up at -1 */
	struct cfi_frame *pending; /* rules find_proc_info found where libunwind has none */
	struct umemo_builder *mb;  /* notes the reads for the memo; NULL: none is kept */
	const unsigned char *copy; /* the stack copy in one piece (stack_dyn_size bytes) */
};

/* The unwinder's view of obj, made on first use; NULL when it cannot be read as ELF. */
static struct elf_file *elf_get(struct unwinder *u, struct objfile *obj)
{
	struct elf_file *f = objfile_slot(obj, OBJFILE_UNWIND);
	if (f)
		return f->ok ? f : NULL;
	f = xcalloc(1, sizeof(*f));
	f->obj = obj;
	objfile_set_slot(obj, OBJFILE_UNWIND, f);
	ALLOC_GROW(u->files, u->nr_files + 1, u->alloc_files);
	u->files[u->nr_files++] = f;
	if (objfile_open(obj))
		return NULL;
	f->map = objfile_image(obj, &f->size);
	f->nr_loads = objfile_loads(obj, &f->loads);
	f->hdr_vaddr = objfile_eh_frame_hdr(obj, &f->hdr_size);
	f->ok = f->nr_loads > 0;
	return f->ok ? f : NULL;
}

/* Load bias of the file mapped by m: runtime address = vaddr + bias. */
static int elf_bias(const struct elf_file *f, const struct as_map *m, uint64_t *bias)
{
	return objfile_bias(f->obj, m->start, m->pgoff, bias);
}

/* Read 8 bytes at file offset off. */
static int file_read(const struct elf_file *f, uint64_t off, unw_word_t *val)
{
	if (off > f->size || f->size - off < sizeof(*val))
		return -1;
	memcpy(val, f->map + off, sizeof(*val));
	return 0;
}

/* Map a file address to an offset in the file through its PT_LOAD headers. */
static int vaddr_to_off(const struct elf_file *f, uint64_t vaddr, uint64_t *off)
{
	return objfile_vaddr_to_off(f->obj, vaddr, off);
}

/* The file mapped at addr in the sample's process, or NULL. */
static const struct as_map *find_map(struct walk *w, uint64_t addr)
{
	if (!w->proc_known) {
		w->proc_known = 1;
		w->proc = addrspace_proc(w->u->as, w->s->pid);
	}
	const struct as_map *m = w->proc ? as_proc_find(w->proc, addr) : NULL;
	return m && m->obj ? m : NULL;
}

/* Read 8 bytes of the process: from the stack copy, or from the file mapped at addr. */
static int read_word(struct walk *w, uint64_t addr, uint64_t *valp)
{
	const struct sample *s = w->s;
	/* Differences, not sums: an address near 2^64 must not wrap into the copy. */
	if (addr >= w->sp && s->stack_dyn_size >= sizeof(*valp) &&
	    addr - w->sp <= s->stack_dyn_size - sizeof(*valp)) {
		memcpy(valp, w->copy + (addr - w->sp), sizeof(*valp));
		if (w->mb)
			umemo_read(w->mb, addr, *valp, UMEMO_READ_OK);
		return 0;
	}
	/* Just past the copy: the real stack went on; the unwinding is truncated. */
	if (addr >= w->sp && addr - w->sp < (64u << 20)) {
		if (w->mb)
			umemo_read(w->mb, addr, 0, UMEMO_READ_MISS);
		w->stack_miss = 1;
		return -EFAULT;
	}
	if (w->mb)
		umemo_read(w->mb, addr, 0, UMEMO_READ_FOREIGN);
	const struct as_map *m;
	struct elf_file *f;
	uint64_t bias, off;
	if (w->cur && addr >= w->cur_bias && !vaddr_to_off(w->cur, addr - w->cur_bias, &off) &&
	    !file_read(w->cur, off, valp))
		return 0;
	if (!(m = find_map(w, addr)) || !(f = elf_get(w->u, m->obj)) || elf_bias(f, m, &bias) ||
	    vaddr_to_off(f, addr - bias, &off) || file_read(f, off, valp))
		return -EFAULT;
	return 0;
}

static int cfi_read(void *arg, uint64_t addr, uint64_t *valp)
{
	return read_word(arg, addr, valp);
}

/* Read the lazy registers of w->regs in mask (cfi_rule_step leaves saved ones unread).  A
 * register saved past the copy is merely unknown, as when it is read at its step. */
static void resolve_regs(struct walk *w, uint32_t mask)
{
	int miss = w->stack_miss;
	cfi_regs_resolve(&w->regs, mask, cfi_read, w);
	w->stack_miss = miss;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *valp, int write, void *arg)
{
	uint64_t v;
	(void)as;
	if (write || read_word(arg, addr, &v))
		return -UNW_EINVAL;
	*valp = v;
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
	(void)as;
	if (write)
		return -UNW_EBADREG;
	/* libunwind's x86-64 register numbers are DWARF's, as cfi.h's are. */
	if (reg < 0 || reg >= CFI_NR_REGS || !(w->regs.valid & (1u << reg)))
		return -UNW_EBADREG;
	*valp = w->regs.val[reg];
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

/* libunwind's binary search of f's .eh_frame_hdr (f mapped by m with bias): -UNW_ENOINFO when
 * the file has no table, or none that covers ip. */
static int search_eh_frame_hdr(unw_addr_space_t as, struct walk *w, struct elf_file *f,
			       const struct as_map *m, uint64_t bias, unw_word_t ip,
			       unw_proc_info_t *pi, int need_unwind_info)
{
	uint64_t hdr_off;
	uint32_t fde_count;

	if (!f->hdr_vaddr || vaddr_to_off(f, f->hdr_vaddr, &hdr_off))
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
	di.start_ip = m->start;
	di.end_ip = m->end;
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
	return _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, w);
}

/* The libdw CFI of f, opened on first use; NULL when it has none. */
static struct cfi *file_cfi(struct elf_file *f)
{
	if (!f->cfi_tried) {
		f->cfi_tried = 1;
		f->cfi = cfi_new(f->obj);
	}
	return f->cfi;
}

/*
 * Where .eh_frame_hdr has nothing for ip, libdw may still know the rules
 * (.eh_frame without a header, .debug_frame here or in a debug file).  They
 * cannot be handed to libunwind, so the walk takes that step itself: keep
 * the rules and stop unw_step with an error it passes through untouched
 * (-UNW_ENOINFO would make it guess a frame from rbp instead).
 */
static int find_cfi(struct walk *w, struct elf_file *f, uint64_t bias, unw_word_t ip)
{
	struct cfi_frame *frame;
	if (!file_cfi(f) || ip < bias || cfi_find(f->cfi, ip - bias, &frame))
		return -UNW_ENOINFO;
	cfi_frame_free(w->pending);
	w->pending = frame;
	return -UNW_ESTOPUNWIND;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct walk *w = arg;
	const struct as_map *m;
	struct elf_file *f;
	uint64_t bias;

	/* A cursor restarted at a return address takes it for an exact IP: look at the call. */
	if (w->ret_ip && ip == w->ret_ip)
		ip--;
	if (!(m = find_map(w, ip)) || !(f = elf_get(w->u, m->obj)) || elf_bias(f, m, &bias))
		return -UNW_ENOINFO;
	int r = search_eh_frame_hdr(as, w, f, m, bias, ip, pi, need_unwind_info);
	return r == -UNW_ENOINFO ? find_cfi(w, f, bias, ip) : r;
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

struct unwinder *unwind_new(const struct addrspace *as, int flags)
{
	struct unwinder *u = xcalloc(1, sizeof(*u));
	u->as = as;
	u->flags = flags;
	u->spaces = htab_new(sizeof(struct space_ent), sizeof(uint32_t), 64, NULL, NULL);
	if (flags & UNWIND_MEMO_BY_THREAD)
		u->threads = umemo_threads_new(MEMO_BUDGET);
	return u;
}

/* What the unwinder built from a file (its CFI, its compiled rules), and its slot cleared.
 * Processes' tables copy the file's rules but never own (nor, once their maps moved on,
 * read) their frames: those go with the file's table. */
static void file_free(struct elf_file *f)
{
	cfi_free(f->cfi);
	rt_release(&f->rules, 1);
	objfile_set_slot(f->obj, OBJFILE_UNWIND, NULL);
	free(f);
}

/* What was derived from a process's maps: libunwind's space, the rules by runtime address. */
static void entry_release(struct as_entry *e)
{
	if (e->as)
		unw_destroy_addr_space(e->as);
	e->as = NULL;
	rt_release(&e->rules, 0);
}

void unwind_drop_file(struct unwinder *u, struct objfile *obj)
{
	struct elf_file *f = objfile_slot(obj, OBJFILE_UNWIND);
	if (!f)
		return;
	for (size_t i = 0; i < u->nr_files; i++)
		if (u->files[i] == f) {
			u->files[i] = u->files[--u->nr_files];
			break;
		}
	file_free(f);
}

void unwind_forget_thread(struct unwinder *u, uint32_t tid)
{
	if (u->threads)
		umemo_threads_forget(u->threads, tid);
}

void unwind_free(struct unwinder *u)
{
	if (!u)
		return;
	for (size_t i = 0; i < u->nr_files; i++)
		file_free(u->files[i]);
	umemo_release(&u->memo);
	free(u->files);
	umemo_threads_free(u->threads);
	size_t pos = 0;
	struct space_ent *se;
	while ((se = htab_next(u->spaces, &pos))) {
		entry_release(se->e);
		free(se->e);
	}
	htab_free(u->spaces);
	free(u);
}

void unwind_forget(struct unwinder *u, uint32_t pid)
{
	struct space_ent *se = htab_find(u->spaces, hash64(pid), &pid);
	if (se)
		entry_release(se->e);
}

/*
 * The process pid, with what was derived from its maps dropped when they
 * changed since (mmap, exec, fork: the address space's generation moved).
 */
static struct as_entry *process(struct unwinder *u, uint32_t pid)
{
	struct as_entry *e = u->last;
	if (!e || e->pid != pid) {
		int added;
		struct space_ent *se = htab_insert(u->spaces, hash64(pid), &pid, &added);
		if (added) {
			se->pid = pid;
			se->e = xcalloc(1, sizeof(*se->e));
			se->e->pid = pid;
		}
		u->last = e = se->e;
	}
	if (!e->proc)
		e->proc = addrspace_proc(u->as, pid); /* never freed before the address space */
	uint32_t gen = e->proc ? as_proc_generation(e->proc) : 0;
	if (e->gen != gen) {
		e->gen = gen;
		if (e->as)
			unw_flush_cache(e->as, 0, 0);
		/* Freed rather than cleared: a process that maps often (a JIT) would clear a
		 * large table each time; the rules come back from the files' tables. */
		rt_release(&e->rules, 0);
	}
	return e;
}

static unw_addr_space_t space_for(struct as_entry *e)
{
	if (e->as)
		return e->as;
	e->as = unw_create_addr_space(&accessors, 0);
	/* The global cache halves the cost per step: this libunwind takes its locks
	 * (two sigprocmask calls each) around every memory-pool use, cache or not.
	 * The cache lock is still two sigprocmask calls per step, most of the time
	 * of a step; Debian's build has no per-thread cache (UNW_CACHE_PER_THREAD
	 * becomes UNW_CACHE_GLOBAL), which would have avoided it.  Hence the rules
	 * cache in front of it (unwind_sample). */
	if (e->as)
		unw_set_caching_policy(e->as, UNW_CACHE_GLOBAL);
	return e->as;
}

/* Frame-pointer steps from bp, reading only the stack copy. */
static int fp_walk(struct walk *w, uint64_t bp, uint64_t *ips, int n, int max, int *truncated)
{
	const struct sample *s = w->s;
	for (;;) {
		uint64_t frame[2];
		if (bp < w->sp || s->stack_dyn_size < sizeof(frame) ||
		    bp - w->sp > s->stack_dyn_size - sizeof(frame)) {
			/* A frame pointer into the stack but past the copy: truncated. */
			if (bp >= w->sp && bp - w->sp >= s->stack_dyn_size && bp - w->sp < (64u << 20))
				*truncated = 1;
			break;
		}
		if (sample_stack_read(s, bp - w->sp, frame, sizeof(frame)))
			break;
		if (!frame[1] || frame[0] <= bp)
			break; /* outermost frame, or not a frame chain */
		if (n >= max) {
			*truncated = 1;
			break;
		}
		ips[n++] = frame[1];
		bp = frame[0];
	}
	return n;
}

/*
 * The step unw_step left to the walk: the caller's registers from the rules
 * find_cfi kept, applied to the cursor's frame.  On success they become the
 * register set the cursor is restarted from.  Returns 1 stepped, 0 outermost
 * frame, or a negative errno (-EFAULT with stack_miss set: truncated).
 */
static int cfi_step(struct walk *w, unw_cursor_t *c)
{
	struct cfi_regs in = { .valid = 0 }, out;
	int miss = w->stack_miss;
	for (int r = 0; r < CFI_NR_REGS; r++) {
		unw_word_t v;
		if (!unw_get_reg(c, r, &v)) {
			in.val[r] = v;
			in.valid |= 1u << r;
		}
	}
	w->stack_miss = miss; /* a register saved past the copy is merely unknown */
	int ret = cfi_frame_step(w->pending, &in, &out, cfi_read, w);
	cfi_frame_free(w->pending);
	w->pending = NULL;
	if (ret != -EFAULT)
		w->stack_miss = miss;
	if (ret <= 0)
		return ret;
	/* A caller's frame lies above its callee's: anything else would loop. */
	if (!(in.valid & (1u << CFI_RSP)) || out.val[CFI_RSP] <= in.val[CFI_RSP])
		return -EINVAL;
	w->regs = out;
	return 1;
}

/*
 * The rest of the stack with libunwind, from the registers in w->regs (the
 * frame at ips[n - 1]; exact: its IP is the sampled one, not a return
 * address).  Returns the new count.
 */
static int libunwind_walk(struct walk *w, struct as_entry *e, int exact, uint64_t *ips, int n,
			  int max, int *truncated)
{
	unw_addr_space_t as = space_for(e);
	unw_cursor_t c;
	uint64_t bp;

	w->ret_ip = exact ? 0 : w->regs.val[CFI_RIP];
	if (!as || !w->s->stack_dyn_size || unw_init_remote(&c, as, w) < 0) {
		if (w->regs.valid & (1u << CFI_RBP)) {
			bp = w->regs.val[CFI_RBP];
			n = fp_walk(w, bp, ips, n, max, truncated);
		}
		return n;
	}
	for (;;) {
		int r = unw_step(&c);
		w->ret_ip = 0;
		if (r == -UNW_ESTOPUNWIND && w->pending) {
			/* No libunwind table, but CFI from libdw: one step here, then a fresh
			 * cursor from the caller's registers. */
			r = cfi_step(w, &c);
			if (r > 0) {
				uint64_t pc = w->regs.val[CFI_RIP];
				if (pc && n >= max)
					*truncated = 1; /* a caller past the frames asked for */
				if (!pc || n >= max)
					break;
				ips[n++] = pc;
				if (unw_init_remote(&c, as, w) < 0)
					break;
				w->ret_ip = pc;
				continue;
			}
		}
		if (r <= 0) {
			if (w->stack_miss) {
				*truncated = 1;
				break;
			}
			/* No unwind information for this frame: carry on with the frame pointer. */
			unw_word_t rbp = 0;
			if (r < 0 && n < max && !unw_get_reg(&c, UNW_X86_64_RBP, &rbp))
				n = fp_walk(w, rbp, ips, n, max, truncated);
			break;
		}
		unw_word_t pc;
		if (unw_get_reg(&c, UNW_REG_IP, &pc) < 0 || !pc)
			break;
		if (n >= max) {
			*truncated = 1;
			break;
		}
		ips[n++] = pc;
	}
	return n;
}

/*
 * The rules for the frame at pc (exact: the sampled IP; else a return address,
 * looked up at pc - 1): cached per process by address, and per file by file
 * address.
 */
static const struct rule_slot *rule_for(struct walk *w, struct as_entry *e, uint64_t pc,
					int exact)
{
	uint64_t addr = exact ? pc : pc - 1, bias;
	const struct rule_slot *r = rt_find(&e->rules, addr);
	struct rule_slot rule = { .rule.kind = RULE_NONE };
	const struct as_map *m;
	struct elf_file *f;

	if (r)
		return r;
	if ((m = find_map(w, addr)) && (f = elf_get(w->u, m->obj)) && !elf_bias(f, m, &bias) &&
	    addr >= bias) {
		if ((r = rt_find(&f->rules, addr - bias))) {
			rule = *r;
		} else {
			if (file_cfi(f) && !cfi_find(f->cfi, addr - bias, &rule.frame)) {
				rule.signal = cfi_frame_is_signal(rule.frame);
				if (!cfi_compile(rule.frame, &rule.rule) && !rule.signal) {
					cfi_frame_free(rule.frame);
					rule.frame = NULL;
				} else {
					rule.rule.kind = RULE_FRAME;
				}
			}
			rt_put(&f->rules, addr - bias, &rule);
		}
	}
	return rt_put(&e->rules, addr, &rule);
}

/* The sample's registers in DWARF numbering (one pass over the values it holds). */
static void sample_regs(const struct sample *s, struct cfi_regs *r)
{
	uint64_t by_perf[64];
	size_t k = 0;
	r->valid = 0;
	if (!s->regs)
		return;
	for (uint64_t m = s->regs_mask; m; m &= m - 1)
		by_perf[__builtin_ctzll(m)] = s->regs[k++];
	for (int i = 0; i < CFI_NR_REGS; i++) {
		int preg = perf_reg(i);
		if (preg >= 0 && (s->regs_mask >> preg & 1)) {
			r->val[i] = by_perf[preg];
			r->valid |= 1u << i;
		}
	}
}

/* Registers a compiled step reads: the CFA's base, and the frame's address and stack
 * pointer (which choose the rules and check the step). */
static uint32_t rule_needs(const struct rule_slot *rule)
{
	if (rule->rule.kind == RULE_FRAME)
		return UMEMO_ALL_REGS;
	return 1u << rule->rule.cfa_reg | 1u << CFI_RIP | 1u << CFI_RSP;
}

/* What a thread's sample leaves the next one (on its image: stackimg_attach): its copy in
 * one piece and the memo of its frames. */
struct carry {
	struct stackimg_flat flat;
	struct umemo *memo;
};

static void carry_free(void *p)
{
	struct carry *c = p;
	stackimg_flat_release(&c->flat);
	umemo_free(c->memo);
	free(c);
}

int unwind_sample(struct unwinder *u, const struct sample *s, uint64_t *ips, int max,
		  int *truncated)
{
	struct walk w = { .u = u, .s = s };
	struct umemo *prev = NULL;
	int by_thread = 0;
	struct carry *c = NULL;
	long at = -1;
	uint64_t ip;
	int n = 0, exact = 1;

	*truncated = 0;
	if (max <= 0 || sample_reg(s, PR_IP, &ip) || sample_reg(s, PR_SP, &w.sp))
		return 0;
	ips[n++] = ip;
	struct as_entry *e = process(u, s->pid);
	sample_regs(s, &w.regs);
	if (s->stack_img) {
		/* The copy in one piece, so that every read is a load: the previous sample's,
		 * with this one's runs written over it. */
		if (!(c = stackimg_take_prev(s->stack_img)))
			c = xcalloc(1, sizeof(*c));
		w.copy = stackimg_flatten(s->stack_img, &c->flat);
		prev = c->memo;
		c->memo = NULL;
	} else if (s->stack) {
		w.copy = s->stack;
		if (u->threads) {
			prev = umemo_threads_take(u->threads, s->tid);
			by_thread = 1;
		}
	}
	/* A copy that shares its top with the thread's previous one: that sample's frames
	 * may be taken over from the first frame where nothing differs (with a whole copy,
	 * every read the outer frames made is compared). */
	if ((s->stack_img || by_thread) && !(u->flags & (UNWIND_LIBUNWIND_ONLY | UNWIND_NO_MEMO))) {
		w.mb = &u->memo;
		umemo_begin(w.mb);
	}
	if (prev && (!w.mb || !umemo_valid(prev, s->pid, e->gen))) {
		umemo_free(prev);
		prev = NULL;
	}

	/* Steps by compiled rules while they hold; libunwind for the rest. */
	while (!(u->flags & UNWIND_LIBUNWIND_ONLY) && s->stack_dyn_size) {
		if (w.mb) {
			umemo_state(w.mb, &w.regs, exact);
			if (prev && (at = umemo_find(prev, w.mb, s, w.copy, w.sp)) >= 0)
				goto done;
		}
		const struct rule_slot *rule = rule_for(&w, e, w.regs.val[CFI_RIP], exact);
		struct cfi_regs next;
		int r;
		if (rule->rule.kind == RULE_NONE)
			break;
		if (rule->rule.kind == RULE_FRAME) {
			resolve_regs(&w, UMEMO_ALL_REGS);
			r = cfi_frame_step(rule->frame, &w.regs, &next, cfi_read, &w);
		} else {
			resolve_regs(&w, 1u << rule->rule.cfa_reg);
			r = cfi_rule_step(&rule->rule, &w.regs, &next, cfi_read, &w);
		}
		if (w.mb)
			umemo_step(w.mb, rule_needs(rule),
				   rule->rule.kind == RULE_FRAME ? UMEMO_ALL_REGS : cfi_rule_keeps(&rule->rule));
		if (r < 0 && w.stack_miss) {
			*truncated = 1; /* the CFA or the return address is past the copy */
			goto done;
		}
		w.stack_miss = 0; /* a register saved past the copy is merely unknown */
		if (r == 0)
			goto done; /* the outermost frame */
		if (r < 0)
			break;
		if (next.val[CFI_RSP] <= w.regs.val[CFI_RSP] || !next.val[CFI_RIP])
			goto done; /* not a caller's frame (it would loop), or the end */
		if (n >= max) {
			*truncated = 1; /* callers past the frames asked for: not a whole stack */
			if (w.mb)
				w.mb->off = 1; /* no read says where the cut was: keep no memo */
			goto done;
		}
		ips[n++] = next.val[CFI_RIP];
		w.regs = next;
		exact = rule->signal; /* after a signal frame: the interrupted instruction */
	}
	if (w.mb)
		w.mb->off = 1; /* libunwind's steps are not noted: no memo */
	resolve_regs(&w, UMEMO_ALL_REGS);
	n = libunwind_walk(&w, e, exact, ips, n, max, truncated);
done:
	u->stats.samples++;
	u->stats.frames += (uint64_t)n - (at >= 0);
	if (w.mb) {
		int own = n;
		struct umemo *m = umemo_finish(w.mb, prev, at, ips, &n, max, truncated, s->pid,
					       e->gen);
		u->stats.frames_reused += (uint64_t)(n - own + (at >= 0));
		if (c)
			c->memo = m;
		else
			umemo_threads_put(u->threads, s->tid, m);
	}
	if (c)
		stackimg_attach(s->stack_img, c, carry_free);
	cfi_frame_free(w.pending);
	return n;
}
