/* symbolize/cfi: one unwinding step from each kind of CFI rule, on testdata/cfi_rules.S built
 * now as shared objects with its CFI in .debug_frame, in .eh_frame without a header, and in
 * .debug_frame of a separate debug file next to a stripped copy.  Registers and stack are
 * synthetic: a fake stack at STACK, read through the callback. */
#include "symbolize/cfi.h"
#include "t.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <unistd.h>

static char dir[] = "/tmp/stoke-test-cfi.XXXXXX";

#define STACK 0x7ff000ULL
#define WORDS 64
static uint64_t stack[WORDS];

static int read_stack(void *ctx, uint64_t addr, uint64_t *val)
{
	(void)ctx;
	if (addr < STACK || addr >= STACK + sizeof(stack) || (addr - STACK) % 8)
		return -EFAULT;
	*val = stack[(addr - STACK) / 8];
	return 0;
}

static void set_reg(struct cfi_regs *r, int regno, uint64_t v)
{
	r->val[regno] = v;
	r->valid |= 1u << regno;
}

static int has(const struct cfi_regs *r, int regno)
{
	return !!(r->valid & (1u << regno));
}

static int compiled, compiled_agree, signal_frame;

/*
 * Step at symbol name (its address in syms, a file with symbols); cfi_frame_step's result,
 * -ENOENT when no CFI covers it.  Where the rules compile, cfi_rule_step runs too and must
 * give the same result (counted in compiled, compiled_agree).
 */
static int step_at(struct cfi *c, const char *syms, const char *name, const struct cfi_regs *in,
		   struct cfi_regs *out)
{
	struct cfi_frame *f;
	struct cfi_rule rule;
	uint64_t a = t_nm_addr(syms, name);
	if (!a || cfi_find(c, a, &f))
		return -ENOENT;
	int r = cfi_frame_step(f, in, out, read_stack, NULL);
	signal_frame = cfi_frame_is_signal(f);
	if (!cfi_compile(f, &rule)) {
		struct cfi_regs out2 = { .valid = 0 };
		int r2 = cfi_rule_step(&rule, in, &out2, read_stack, NULL);
		cfi_regs_resolve(&out2, ~0u, read_stack, NULL);
		int same = r2 == r;
		for (int i = 0; same && r > 0 && i < CFI_NR_REGS; i++)
			same = ((out->valid ^ out2.valid) & (1u << i)) == 0 &&
			       (!(out->valid & (1u << i)) || out->val[i] == out2.val[i]);
		compiled++;
		compiled_agree += same;
		if (!same)
			fprintf(stderr, "  %s: compiled rule gives %d, libdw's %d\n", name, r2, r);
	}
	cfi_frame_free(f);
	return r;
}

/* Whether the rules at name compile. */
static int compiles(struct cfi *c, const char *syms, const char *name)
{
	struct cfi_frame *f;
	struct cfi_rule rule;
	uint64_t a = t_nm_addr(syms, name);
	if (!a || cfi_find(c, a, &f))
		return 0;
	int ok = !cfi_compile(f, &rule);
	cfi_frame_free(f);
	return ok;
}

static void check_file(const char *label, const char *path, const char *file)
{
	char name[256];
	struct cfi_regs in, out;
	struct strtab *strings = strtab_new();
	struct objfiles *objs = objfiles_new(strings);
	struct cfi *c = cfi_new(objfiles_get(objs, path, NULL, 0));
	snprintf(name, sizeof(name), "%s: cfi_new", label);
	T_OK(c != NULL, "%s", name);
	if (!c) {
		objfiles_free(objs);
		strtab_free(strings);
		return;
	}

	/* Entry of f_push: CFA = rsp + 8, return address at rsp; rbx untouched. */
	memset(stack, 0, sizeof(stack));
	memset(&in, 0, sizeof(in));
	set_reg(&in, CFI_RSP, STACK);
	set_reg(&in, CFI_RIP, 0x1000);
	set_reg(&in, CFI_RBX, 0xb0b0);
	set_reg(&in, CFI_RBP, 0xb9b9);
	stack[0] = 0x4444;
	snprintf(name, sizeof(name), "%s: f_push entry steps", label);
	T_EQ_INT(step_at(c, file, "f_push", &in, &out), 1, name);
	snprintf(name, sizeof(name), "%s: f_push entry: rip from [rsp]", label);
	T_EQ_INT(out.val[CFI_RIP], 0x4444, name);
	snprintf(name, sizeof(name), "%s: f_push entry: rsp = CFA = rsp + 8", label);
	T_EQ_INT(out.val[CFI_RSP], STACK + 8, name);
	snprintf(name, sizeof(name), "%s: f_push entry: rbx and rbp kept (no rule)", label);
	T_OK(has(&out, CFI_RBX) && out.val[CFI_RBX] == 0xb0b0 && out.val[CFI_RBP] == 0xb9b9, "%s", name);
	snprintf(name, sizeof(name), "%s: f_push entry: caller-saved registers unknown", label);
	T_OK(!has(&out, 0) && !has(&out, 5), "%s", name);

	/* After push rbx: CFA = rsp + 16, rbx at CFA - 16. */
	stack[0] = 0x5555; /* saved rbx */
	stack[1] = 0x6666; /* return address */
	snprintf(name, sizeof(name), "%s: f_push_body: offset rules", label);
	T_OK(step_at(c, file, "f_push_body", &in, &out) == 1 && out.val[CFI_RIP] == 0x6666 &&
	     out.val[CFI_RSP] == STACK + 16 && out.val[CFI_RBX] == 0x5555, "%s", name);

	/* After sub $32: CFA = rsp + 48. */
	stack[4] = 0x7777;
	stack[5] = 0x8888;
	snprintf(name, sizeof(name), "%s: f_push_deep: CFA = rsp + 48", label);
	T_OK(step_at(c, file, "f_push_deep", &in, &out) == 1 && out.val[CFI_RIP] == 0x8888 &&
	     out.val[CFI_RSP] == STACK + 48 && out.val[CFI_RBX] == 0x7777, "%s", name);

	/* Frame pointer: CFA = rbp + 16, saved rbp at CFA - 16. */
	memset(stack, 0, sizeof(stack));
	set_reg(&in, CFI_RBP, STACK + 16);
	set_reg(&in, 13, 0x1313);
	stack[2] = 0x2222; /* saved rbp */
	stack[3] = 0x3333; /* return address */
	snprintf(name, sizeof(name), "%s: f_rbp_body: CFA = rbp + 16", label);
	T_OK(step_at(c, file, "f_rbp_body", &in, &out) == 1 && out.val[CFI_RIP] == 0x3333 &&
	     out.val[CFI_RSP] == STACK + 32 && out.val[CFI_RBP] == 0x2222, "%s", name);
	snprintf(name, sizeof(name), "%s: f_rbp_regs: register rule (r12 in r13)", label);
	T_OK(step_at(c, file, "f_rbp_regs", &in, &out) == 1 && has(&out, 12) &&
	     out.val[12] == 0x1313, "%s", name);
	snprintf(name, sizeof(name), "%s: f_rbp_regs: val_offset rule (r14 = CFA - 32)", label);
	T_OK(has(&out, 14) && out.val[14] == STACK, "%s", name);
	in.valid &= ~(1u << CFI_RBP);
	snprintf(name, sizeof(name), "%s: f_rbp_body without rbp: -EINVAL", label);
	T_EQ_INT(step_at(c, file, "f_rbp_body", &in, &out), -EINVAL, name);

	/* Expressions: CFA = [rsp + 8]; rbx at rsp + 16; r15 = rsp + 4. */
	memset(stack, 0, sizeof(stack));
	set_reg(&in, CFI_RSP, STACK);
	stack[1] = STACK + 0x100; /* the CFA */
	stack[2] = 0xabab;        /* saved rbx */
	stack[0x100 / 8 - 1] = 0x9999;
	snprintf(name, sizeof(name), "%s: f_expr_body: CFA from an expression with deref", label);
	T_OK(step_at(c, file, "f_expr_body", &in, &out) == 1 && out.val[CFI_RSP] == STACK + 0x100 &&
	     out.val[CFI_RIP] == 0x9999, "%s", name);
	snprintf(name, sizeof(name), "%s: f_expr_body: expression and val_expression rules", label);
	T_OK(out.val[CFI_RBX] == 0xabab && has(&out, 15) && out.val[15] == STACK + 4, "%s", name);

	snprintf(name, sizeof(name), "%s: f_outer: undefined return address is the outermost frame", label);
	T_EQ_INT(step_at(c, file, "f_outer", &in, &out), 0, name);
	snprintf(name, sizeof(name), "%s: f_nocfi: no CFI", label);
	T_EQ_INT(step_at(c, file, "f_nocfi", &in, &out), -ENOENT, name);

	/* PLT stub: the CFA depends on rip's low bits. */
	memset(stack, 0, sizeof(stack));
	memset(&in, 0, sizeof(in));
	set_reg(&in, CFI_RSP, STACK);
	stack[0] = 0x1111;
	stack[1] = 0x2222;
	set_reg(&in, CFI_RIP, 0x4000 + 6); /* the jmp: nothing pushed yet */
	snprintf(name, sizeof(name), "%s: f_plt at offset 6: CFA = rsp + 8", label);
	T_OK(step_at(c, file, "f_plt", &in, &out) == 1 && out.val[CFI_RSP] == STACK + 8 &&
	     out.val[CFI_RIP] == 0x1111, "%s", name);
	set_reg(&in, CFI_RIP, 0x4000 + 11); /* after push: one more word */
	snprintf(name, sizeof(name), "%s: f_plt at offset 11: CFA = rsp + 16", label);
	T_OK(step_at(c, file, "f_plt", &in, &out) == 1 && out.val[CFI_RSP] == STACK + 16 &&
	     out.val[CFI_RIP] == 0x2222, "%s", name);
	snprintf(name, sizeof(name), "%s: f_plt: not a compiled rule", label);
	T_OK(!compiles(c, file, "f_plt"), "%s", name);
	step_at(c, file, "f_signal", &in, &out);
	int sig = signal_frame;
	step_at(c, file, "f_push", &in, &out);
	snprintf(name, sizeof(name), "%s: f_signal is a signal frame, f_push is not", label);
	T_OK(sig && !signal_frame, "%s", name);

	/* Which rules compile: offsets from rsp or rbp, the outermost frame; not register,
	 * val_offset or expression rules. */
	snprintf(name, sizeof(name), "%s: compiled: f_push, f_push_body, f_push_deep, f_rbp_body, "
		 "f_outer", label);
	T_OK(compiles(c, file, "f_push") && compiles(c, file, "f_push_body") &&
	     compiles(c, file, "f_push_deep") && compiles(c, file, "f_rbp_body") &&
	     compiles(c, file, "f_outer"), "%s", name);
	snprintf(name, sizeof(name), "%s: not compiled: f_rbp_regs, f_expr_body", label);
	T_OK(!compiles(c, file, "f_rbp_regs") && !compiles(c, file, "f_expr_body"), "%s", name);

	/* A return address outside readable memory. */
	set_reg(&in, CFI_RSP, STACK + sizeof(stack));
	snprintf(name, sizeof(name), "%s: unreadable return address: -EFAULT", label);
	T_EQ_INT(step_at(c, file, "f_push", &in, &out), -EFAULT, name);
	cfi_free(c);
	objfiles_free(objs);
	strtab_free(strings);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	const char *src = "testdata/cfi_rules.S";
	if (access(src, R_OK)) {
		T_SKIP("cfi", "run from the repository root");
		T_DONE();
	}
	int built = !t_sh("cc -shared -nostdlib -DDEBUG_FRAME -o %s/dbg.so %s", dir, src) &&
		    !t_sh("cc -shared -nostdlib -Wl,--no-eh-frame-hdr -o %s/eh.so %s", dir, src) &&
		    !t_sh("mkdir %s/strip && cp %s/dbg.so %s/strip/dbg.so && cd %s/strip && "
			"objcopy --only-keep-debug dbg.so dbg.so.debug && strip --strip-all dbg.so && "
			"objcopy --add-gnu-debuglink=dbg.so.debug dbg.so && mv dbg.so stripped.so",
			dir, dir, dir, dir);
	T_OK(built, "build cfi_rules.S fixtures");
	if (built) {
		char path[512], syms[512];
		snprintf(syms, sizeof(syms), "%s/dbg.so", dir);
		check_file(".debug_frame", syms, syms);
		snprintf(path, sizeof(path), "%s/eh.so", dir);
		check_file(".eh_frame, no header", path, path);
		snprintf(path, sizeof(path), "%s/strip/stripped.so", dir);
		check_file("separate debug file", path, syms);
		/* Each check_file compiles f_push (x3 steps), f_push_body, f_push_deep,
		 * f_rbp_body (x2), f_outer: every compiled step must match libdw's. */
		T_OK(compiled >= 3 * 7 && compiled_agree == compiled,
		     "compiled rules agree with libdw's evaluation (%d of %d)", compiled_agree, compiled);
	}
	t_sh("rm -rf %s", dir);
	T_DONE();
}
