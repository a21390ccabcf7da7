#include "symbolize/cfi.h"
#include "common/util.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct cfi {
	struct objfile *obj;    /* the file (its descriptor, Elf and debug-file search) */
	Elf *elf;               /* the object's */
	Dwarf_CFI *eh;          /* its .eh_frame (dwarf_getcfi_elf); NULL when none */
	int debug_tried;        /* .debug_frame is looked for once, on the first miss */
	int debug_fd;           /* a separate debug file, -1 when none is used */
	Elf *debug_elf;
	Dwarf *dwarf;           /* over elf or debug_elf: the one with .debug_frame */
	Dwarf_CFI *debug;       /* its .debug_frame, owned by dwarf */
	uint64_t debug_bias;    /* the file's address = .debug_frame's address + bias */
};

struct cfi_frame {
	Dwarf_Frame *frame;     /* malloc'd by libdw; its expressions live in the Dwarf_CFI */
};

struct cfi *cfi_new(struct objfile *obj)
{
	if (objfile_open(obj))
		return NULL;
	struct cfi *c = xcalloc(1, sizeof(*c));
	c->obj = obj;
	c->elf = objfile_elf(obj);
	c->debug_fd = -1;
	c->eh = dwarf_getcfi_elf(c->elf); /* .eh_frame_hdr's table when there is one, else .eh_frame */
	return c;
}

void cfi_free(struct cfi *c)
{
	if (!c)
		return;
	if (c->eh)
		dwarf_cfi_end(c->eh);
	if (c->dwarf)
		dwarf_end(c->dwarf);
	if (c->debug_elf)
		elf_end(c->debug_elf);
	if (c->debug_fd >= 0)
		close(c->debug_fd);
	free(c);
}

/* Does elf hold a .debug_frame with contents (not the NOBITS left by --only-keep-debug)? */
static int has_debug_frame(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS && sh.sh_size &&
		    (name = elf_strptr(elf, shstrndx, sh.sh_name)) && !strcmp(name, ".debug_frame"))
			return 1;
	}
	return 0;
}

static uint64_t first_load_vaddr(Elf *elf)
{
	size_t n;
	if (elf_getphdrnum(elf, &n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			return ph.p_vaddr;
	}
	return 0;
}


/* Find and open the .debug_frame of the file or of its separate debug file; once. */
static void open_debug_frame(struct cfi *c)
{
	c->debug_tried = 1;
	Elf *elf = c->elf;
	if (!has_debug_frame(elf)) {
		/* Only the search is shared: letting libdwfl load the DWARF would inflate
		 * every debug section of the file (7 ms for ld.so's, 45 ms for libc's),
		 * though most have no .debug_frame. */
		int fd = objfile_debug_fd(c->obj, NULL);
		if (fd < 0)
			return;
		Elf *debug = elf_begin(fd, ELF_C_READ_MMAP, NULL);
		if (!debug || elf_kind(debug) != ELF_K_ELF || !has_debug_frame(debug)) {
			if (debug)
				elf_end(debug);
			close(fd);
			return;
		}
		c->debug_fd = fd;
		c->debug_elf = elf = debug;
		/* objcopy --only-keep-debug keeps the addresses; a prelinked file would not. */
		const GElf_Phdr *loads;
		uint64_t first = objfile_loads(c->obj, &loads) ? loads[0].p_vaddr : 0;
		c->debug_bias = first - first_load_vaddr(debug);
	}
	c->dwarf = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	if (c->dwarf)
		c->debug = dwarf_getcfi(c->dwarf);
}

static int addrframe(Dwarf_CFI *cfi, uint64_t bias, uint64_t vaddr, Dwarf_Frame **frame)
{
	*frame = NULL;
	if (!cfi || vaddr < bias)
		return -ENOENT;
	if (dwarf_cfi_addrframe(cfi, vaddr - bias, frame) || !*frame) {
		free(*frame);
		*frame = NULL;
		return -ENOENT;
	}
	return 0;
}

int cfi_find(struct cfi *c, uint64_t vaddr, struct cfi_frame **out)
{
	Dwarf_Frame *frame;
	*out = NULL;
	if (addrframe(c->eh, 0, vaddr, &frame)) {
		if (!c->debug_tried)
			open_debug_frame(c);
		if (addrframe(c->debug, c->debug_bias, vaddr, &frame))
			return -ENOENT;
	}
	*out = xcalloc(1, sizeof(**out));
	(*out)->frame = frame;
	return 0;
}

void cfi_frame_free(struct cfi_frame *f)
{
	if (!f)
		return;
	free(f->frame);
	free(f);
}

/* What eval needs besides the expression. */
struct eval_ctx {
	const struct cfi_regs *regs;
	uint64_t cfa;
	int have_cfa;
	cfi_read_fn read;
	void *read_ctx;
};

static int reg_value(const struct cfi_regs *r, uint64_t regno, uint64_t *val)
{
	if (regno >= CFI_NR_REGS || !(r->valid & (1u << regno)))
		return -EINVAL;
	*val = r->val[regno];
	return 0;
}

/*
 * Evaluate the expressions libdw hands out for CFI rules: DW_OP_bregN/bregx
 * (the CFA rule), DW_OP_call_frame_cfa + DW_OP_plus_uconst (offset and
 * val_offset rules), DW_OP_regx (register rule), and the few stack, arithmetic
 * and comparison operations compilers and linkers use in DW_CFA_def_cfa_expression
 * and DW_CFA_expression.  Sets
 * *is_value when the result is the value itself (DW_OP_stack_value, or a
 * register location) rather than the address of a saved value.
 */
static int eval(const struct eval_ctx *e, const Dwarf_Op *ops, size_t nops, uint64_t *result,
		int *is_value)
{
	uint64_t stack[16];
	size_t sp = 0;
	*is_value = 0;
	for (size_t i = 0; i < nops; i++) {
		const Dwarf_Op *op = &ops[i];
		uint8_t atom = op->atom;
		uint64_t v;
		if (atom == DW_OP_stack_value) {
			*is_value = 1;
			break;
		}
		if (atom == DW_OP_nop)
			continue;
		if ((atom >= DW_OP_reg0 && atom <= DW_OP_reg31) || atom == DW_OP_regx) {
			/* A register location: the value is in that register. */
			if (nops != 1)
				return -ENOTSUP;
			uint64_t regno = atom == DW_OP_regx ? op->number : (uint64_t)(atom - DW_OP_reg0);
			*is_value = 1;
			return reg_value(e->regs, regno, result);
		}
		/* Operations that push. */
		if (sp == ARRAY_SIZE(stack))
			return -ENOTSUP;
		if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (reg_value(e->regs, (uint64_t)(atom - DW_OP_breg0), &v))
				return -EINVAL;
			stack[sp++] = v + op->number; /* a signed offset, wrapping */
			continue;
		}
		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			stack[sp++] = (uint64_t)(atom - DW_OP_lit0);
			continue;
		}
		switch (atom) {
		case DW_OP_bregx:
			if (reg_value(e->regs, op->number, &v))
				return -EINVAL;
			stack[sp++] = v + op->number2;
			continue;
		case DW_OP_call_frame_cfa:
			if (!e->have_cfa)
				return -EINVAL;
			stack[sp++] = e->cfa;
			continue;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
		case DW_OP_constu: case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_consts:
			stack[sp++] = op->number; /* libdw sign-extends the signed forms */
			continue;
		case DW_OP_dup:
			if (!sp)
				return -EINVAL;
			stack[sp] = stack[sp - 1];
			sp++;
			continue;
		}
		/* Operations on the top of the stack. */
		if (!sp)
			return -EINVAL;
		switch (atom) {
		case DW_OP_deref: {
			int err = e->read(e->read_ctx, stack[sp - 1], &v);
			if (err)
				return err;
			stack[sp - 1] = v;
			continue;
		}
		case DW_OP_plus_uconst:
			stack[sp - 1] += op->number;
			continue;
		case DW_OP_neg:
			stack[sp - 1] = -stack[sp - 1];
			continue;
		case DW_OP_drop:
			sp--;
			continue;
		}
		/* Binary operations. */
		if (sp < 2)
			return -EINVAL;
		uint64_t b = stack[--sp], a = stack[sp - 1];
		switch (atom) {
		case DW_OP_plus:  v = a + b; break;
		case DW_OP_minus: v = a - b; break;
		case DW_OP_and:   v = a & b; break;
		case DW_OP_or:    v = a | b; break;
		case DW_OP_mul:   v = a * b; break;
		case DW_OP_shl:   v = b < 64 ? a << b : 0; break;
		case DW_OP_shr:   v = b < 64 ? a >> b : 0; break;
		case DW_OP_xor:   v = a ^ b; break;
		/* Comparisons are signed (PLT stubs: CFA = rsp + 8 + ((rip & 15) >= 11) << 3). */
		case DW_OP_eq:    v = a == b; break;
		case DW_OP_ne:    v = a != b; break;
		case DW_OP_lt:    v = (int64_t)a < (int64_t)b; break;
		case DW_OP_le:    v = (int64_t)a <= (int64_t)b; break;
		case DW_OP_gt:    v = (int64_t)a > (int64_t)b; break;
		case DW_OP_ge:    v = (int64_t)a >= (int64_t)b; break;
		default:
			return -ENOTSUP;
		}
		stack[sp - 1] = v;
	}
	if (!sp)
		return -EINVAL;
	*result = stack[sp - 1];
	return 0;
}

enum rule { RULE_UNDEFINED, RULE_SAME, RULE_SET };

/* The registers a step carries over to the caller, in struct cfi_rule's saved[] order. */
static const int callee_saved[] = { CFI_RBX, CFI_RBP, 12, 13, 14, CFI_R15 };

/* regno's rule in frame: RULE_UNDEFINED, RULE_SAME, or RULE_SET with its expression in *ops
 * (which may point into mem). */
static enum rule reg_rule(Dwarf_Frame *frame, int regno, Dwarf_Op mem[3], Dwarf_Op **ops,
			  size_t *nops)
{
	if (dwarf_frame_register(frame, regno, mem, ops, nops))
		return RULE_UNDEFINED;
	if (!*nops)
		return *ops ? RULE_UNDEFINED : RULE_SAME;
	return RULE_SET;
}

/* The caller's value of regno: RULE_SET with *val, or what the CFI says when it gives none. */
static int caller_reg(Dwarf_Frame *frame, const struct eval_ctx *e, int regno, uint64_t *val,
		      enum rule *rule)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	int is_value;
	if ((*rule = reg_rule(frame, regno, mem, &ops, &nops)) != RULE_SET)
		return 0;
	int err = eval(e, ops, nops, val, &is_value);
	if (!err && !is_value)
		err = e->read(e->read_ctx, *val, val);
	if (err)
		return err;
	*rule = RULE_SET;
	return 0;
}

int cfi_frame_step(const struct cfi_frame *f, const struct cfi_regs *in, struct cfi_regs *out,
		   cfi_read_fn read, void *ctx)
{
	struct eval_ctx e = { .regs = in, .read = read, .read_ctx = ctx };
	struct cfi_regs next = { .valid = 0 };
	Dwarf_Op *ops;
	size_t nops;
	int is_value, err;
	enum rule rule;
	uint64_t v;

	if (dwarf_frame_cfa(f->frame, &ops, &nops) || !nops)
		return -EINVAL;
	if ((err = eval(&e, ops, nops, &e.cfa, &is_value)))
		return err;
	e.have_cfa = 1;

	if ((err = caller_reg(f->frame, &e, CFI_RIP, &v, &rule)))
		return err;
	if (rule == RULE_UNDEFINED)
		return 0; /* the outermost frame (_start, clone) says so */
	if (rule == RULE_SAME)
		return -EINVAL; /* would not move: no use going on */
	next.val[CFI_RIP] = v;
	next.valid |= 1u << CFI_RIP;

	/* x86-64: the caller's stack pointer is the CFA unless a rule says otherwise. */
	next.val[CFI_RSP] = e.cfa;
	if (!caller_reg(f->frame, &e, CFI_RSP, &v, &rule) && rule == RULE_SET)
		next.val[CFI_RSP] = v;
	next.valid |= 1u << CFI_RSP;

	for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++) {
		int r = callee_saved[i];
		/* A read that fails leaves the register unknown; the step itself still holds. */
		if (caller_reg(f->frame, &e, r, &v, &rule))
			continue;
		/* "Undefined" is also what libdw reports for a callee-saved register the CFI
		 * never mentions (its x86-64 defaults omit rbx): keep the value, as libunwind does. */
		if (rule != RULE_SET && reg_value(in, (uint64_t)r, &v))
			continue;
		next.val[r] = v;
		next.valid |= 1u << r;
	}
	*out = next;
	return 1;
}

/*
 * A register rule that is "at CFA + off" (or, with *is_value, "is CFA + off"): libdw writes
 * them as DW_OP_call_frame_cfa [DW_OP_plus_uconst off] [DW_OP_stack_value].
 */
static int cfa_offset_rule(const Dwarf_Op *ops, size_t nops, int64_t *off, int *is_value)
{
	size_t i = 1;
	*off = 0;
	*is_value = 0;
	if (!nops || ops[0].atom != DW_OP_call_frame_cfa)
		return -ENOTSUP;
	if (i < nops && ops[i].atom == DW_OP_plus_uconst)
		*off = (int64_t)ops[i++].number; /* a negative offset wraps, as in eval */
	if (i < nops && ops[i].atom == DW_OP_stack_value) {
		*is_value = 1;
		i++;
	}
	return i == nops ? 0 : -ENOTSUP;
}

/* How the caller's regno comes out of the frame: KEEP, UNDEFINED or at CFA + *off. */
enum compiled { C_KEEP, C_UNDEFINED, C_AT_CFA, C_IS_CFA };

static int compile_reg(Dwarf_Frame *frame, int regno, int64_t *off, enum compiled *how)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	int is_value;
	enum rule rule = reg_rule(frame, regno, mem, &ops, &nops);
	if (rule != RULE_SET) {
		*how = rule == RULE_SAME ? C_KEEP : C_UNDEFINED;
		return 0;
	}
	if (cfa_offset_rule(ops, nops, off, &is_value))
		return -ENOTSUP;
	*how = is_value ? C_IS_CFA : C_AT_CFA;
	return 0;
}

int cfi_compile(const struct cfi_frame *f, struct cfi_rule *out)
{
	Dwarf_Op *ops;
	size_t nops;
	int64_t off;
	enum compiled how;
	struct cfi_rule r = { .kind = CFI_RULE_STEP };

	if (dwarf_frame_cfa(f->frame, &ops, &nops) || nops != 1)
		return -ENOTSUP;
	if (ops[0].atom == DW_OP_bregx) {
		if (ops[0].number >= CFI_NR_REGS)
			return -ENOTSUP;
		r.cfa_reg = (uint8_t)ops[0].number;
		off = (int64_t)ops[0].number2;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom < DW_OP_breg0 + CFI_NR_REGS) {
		r.cfa_reg = (uint8_t)(ops[0].atom - DW_OP_breg0);
		off = (int64_t)ops[0].number;
	} else {
		return -ENOTSUP;
	}
	if (off < INT32_MIN || off > INT32_MAX)
		return -ENOTSUP;
	r.cfa_off = (int32_t)off;

	if (compile_reg(f->frame, CFI_RIP, &off, &how))
		return -ENOTSUP;
	if (how == C_UNDEFINED) {
		r.kind = CFI_RULE_OUTERMOST;
		*out = r;
		return 0;
	}
	if (how != C_AT_CFA || off <= INT16_MIN || off > INT16_MAX)
		return -ENOTSUP;
	r.ra_off = (int16_t)off;

	/* The caller's rsp: the CFA, by x86-64's convention or by an explicit "is CFA + 0". */
	if (compile_reg(f->frame, CFI_RSP, &off, &how) ||
	    (how != C_KEEP && how != C_UNDEFINED && (how != C_IS_CFA || off)))
		return -ENOTSUP;

	for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++) {
		if (compile_reg(f->frame, callee_saved[i], &off, &how) || how == C_IS_CFA)
			return -ENOTSUP;
		if (how == C_AT_CFA && (off <= INT16_MIN || off > INT16_MAX))
			return -ENOTSUP;
		r.saved[i] = how == C_AT_CFA ? (int16_t)off : CFI_RULE_KEEP;
	}
	*out = r;
	return 0;
}

int cfi_rule_step(const struct cfi_rule *r, const struct cfi_regs *in, struct cfi_regs *out,
		  cfi_read_fn read, void *ctx)
{
	uint64_t cfa, ra, v[ARRAY_SIZE(callee_saved)];
	uint32_t valid = 1u << CFI_RIP | 1u << CFI_RSP, lazy = 0;
	int err;

	if (!(in->valid & (1u << r->cfa_reg)) || (in->lazy & (1u << r->cfa_reg)))
		return -EINVAL;
	cfa = in->val[r->cfa_reg] + (uint64_t)(int64_t)r->cfa_off;
	if (r->kind == CFI_RULE_OUTERMOST)
		return 0;
	if ((err = read(ctx, cfa + (uint64_t)(int64_t)r->ra_off, &ra)))
		return err;
	for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++) {
		uint32_t bit = 1u << callee_saved[i];
		if (r->saved[i] == CFI_RULE_KEEP) {
			v[i] = in->val[callee_saved[i]];
			valid |= in->valid & bit;
			lazy |= in->lazy & bit;
		} else {
			v[i] = cfa + (uint64_t)(int64_t)r->saved[i];
			valid |= bit;
			lazy |= bit;
		}
	}
	/* Only what valid names is written (in and out may be one; the rest is unknown). */
	out->val[CFI_RIP] = ra;
	out->val[CFI_RSP] = cfa;
	for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++)
		out->val[callee_saved[i]] = v[i];
	out->valid = valid;
	out->lazy = lazy;
	return 1;
}

void cfi_regs_resolve(struct cfi_regs *r, uint32_t mask, cfi_read_fn read, void *ctx)
{
	for (uint32_t m = r->lazy & mask; m; m &= m - 1) {
		int i = __builtin_ctz(m);
		uint64_t v;
		if (read(ctx, r->val[i], &v))
			r->valid &= ~(1u << i);
		else
			r->val[i] = v;
		r->lazy &= ~(1u << i);
	}
}

uint32_t cfi_rule_keeps(const struct cfi_rule *r)
{
	uint32_t m = 0;
	for (size_t i = 0; i < ARRAY_SIZE(callee_saved); i++)
		if (r->saved[i] == CFI_RULE_KEEP)
			m |= 1u << callee_saved[i];
	return m;
}

int cfi_frame_is_signal(const struct cfi_frame *f)
{
	bool signal = false;
	dwarf_frame_info(f->frame, NULL, NULL, &signal);
	return signal;
}
