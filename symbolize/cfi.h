/* cfi.h — one x86-64 unwinding step from an ELF file's call frame information, through libdw.
 *
 * The unwinder's fallback for code that libunwind has no table for (a file
 * without .eh_frame_hdr, or an address its table does not cover).  The rules
 * come from the file's .eh_frame, read without a header, or else from the
 * .debug_frame of the file or of its separate debug file, the one the
 * object file's search found (objfile_debug_fd: build-id under
 * /usr/lib/debug/.build-id, .gnu_debuglink next to the file, in its .debug/,
 * under /usr/lib/debug).  Library code: nothing is printed.
 */
#ifndef STOKE_CFI_H
#define STOKE_CFI_H

#include "symbolize/objfile.h"

#include <stdint.h>

/* Registers in DWARF's x86-64 numbering: rax rdx rcx rbx rsi rdi rbp rsp, r8-r15, then the
 * return address column (rip).  The same numbers as libunwind's UNW_X86_64_*. */
enum { CFI_RBX = 3, CFI_RBP = 6, CFI_RSP = 7, CFI_R12 = 12, CFI_R15 = 15, CFI_RIP = 16,
       CFI_NR_REGS = 17 };

struct cfi_regs {
	uint64_t val[CFI_NR_REGS];
	uint32_t valid;         /* bit i set: val[i] is known */
	uint32_t lazy;          /* of valid, saved in memory: val[i] is where (cfi_regs_resolve) */
};

/* Read the 8 bytes at addr of the unwound process: 0, or a negative errno. */
typedef int (*cfi_read_fn)(void *ctx, uint64_t addr, uint64_t *val);

struct cfi;       /* one file's CFI; the Dwarf_CFI tables are built once and kept */
struct cfi_frame; /* the rules at one address */

/*
 * The CFI of the object file obj (opened if it was not), which must outlive
 * the result.  Reads nothing yet beyond the file itself; the object's
 * separate debug file is asked for on the first address that .eh_frame does
 * not cover.  NULL when the file cannot be read as ELF.  The caller frees the
 * result with cfi_free.
 */
struct cfi *cfi_new(struct objfile *obj);
void cfi_free(struct cfi *c); /* NULL is a no-op */

/*
 * The rules that hold at vaddr, an address of the file's own layout (its
 * ELF virtual addresses; for a caller's frame, the return address minus
 * one).  0 with *out set, to be freed with cfi_frame_free; -ENOENT when no
 * CFI covers vaddr.  *out stays valid while c is alive.
 */
int cfi_find(struct cfi *c, uint64_t vaddr, struct cfi_frame **out);
void cfi_frame_free(struct cfi_frame *f); /* NULL is a no-op */

/*
 * One step: the caller's registers from the frame's registers in.  Writes
 * rip (the return address), rsp (the CFA), and rbp, rbx, r12-r15: by their
 * rule where the CFI gives one, else unchanged (callee-saved: an absent or
 * "undefined" rule means this function did not touch them).  Other
 * registers come out unknown.  Memory is read only through read(ctx, ...).
 *
 * Returns 1 when out holds the caller's frame, 0 when this is the outermost
 * frame (the return address is undefined), or a negative errno: -EFAULT when
 * read failed for the CFA or the return address, -ENOTSUP for an expression
 * outside the subset evaluated here, -EINVAL when a register the rules need
 * is unknown.  out may be in.
 */
int cfi_frame_step(const struct cfi_frame *f, const struct cfi_regs *in, struct cfi_regs *out,
		   cfi_read_fn read, void *ctx);

/*
 * The rules at one address in the form nearly all compiled code has: the CFA
 * is a register plus an offset, the return address is saved at CFA + offset,
 * and each callee-saved register is either untouched or saved at CFA +
 * offset.  The unwinder keeps these per address and applies them without
 * going back to libdw; anything else (expressions, register rules, PLT
 * stubs, signal frames) stays with libunwind.
 */
enum { CFI_RULE_KEEP = INT16_MIN };     /* saved[i]: the caller's value is this frame's */
enum { CFI_RULE_STEP = 1, CFI_RULE_OUTERMOST = 2 };

struct cfi_rule {
	int32_t cfa_off;
	int16_t ra_off;     /* return address at CFA + ra_off */
	int16_t saved[6];   /* rbx, rbp, r12, r13, r14, r15: CFA offset, or CFI_RULE_KEEP */
	uint8_t cfa_reg;    /* DWARF register number */
	uint8_t kind;       /* CFI_RULE_STEP, or CFI_RULE_OUTERMOST (return address undefined) */
};

/* f is a signal frame (its CIE says so): the caller's IP is where it was interrupted. */
int cfi_frame_is_signal(const struct cfi_frame *f);

/* Compile f's rules: 0 with *out set, -ENOTSUP when they are not of that form. */
int cfi_compile(const struct cfi_frame *f, struct cfi_rule *out);

/* The registers (bits by DWARF number) r leaves to the caller unchanged. */
uint32_t cfi_rule_keeps(const struct cfi_rule *r);

/*
 * cfi_frame_step for a compiled rule: the same results from the same rules, except that a
 * register saved in memory comes out lazy (its address, not read: most are never needed;
 * cfi_regs_resolve reads them).  The CFA's register must not be lazy in in (-EINVAL).
 */
int cfi_rule_step(const struct cfi_rule *r, const struct cfi_regs *in, struct cfi_regs *out,
		  cfi_read_fn read, void *ctx);

/* Read the lazy registers of r in mask: each becomes its value, or unknown when the read
 * fails (as cfi_frame_step leaves a register saved where it cannot be read). */
void cfi_regs_resolve(struct cfi_regs *r, uint32_t mask, cfi_read_fn read, void *ctx);

#endif
