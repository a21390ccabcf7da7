/* cfi_rules.S: functions whose CFI uses each kind of rule symbolize/cfi.c evaluates, for
 * tests/unit/test_cfi.c.  Built as a shared object twice: with -DDEBUG_FRAME the CFI goes to
 * .debug_frame, without it to .eh_frame (linked with --no-eh-frame-hdr).  The code is never run;
 * only the labels' addresses and the rules that hold there matter. */
#ifdef DEBUG_FRAME
	.cfi_sections .debug_frame
#endif
	.text

/* push; sub: offset rules, CFA = rsp + N */
	.globl f_push, f_push_body, f_push_deep
	.type f_push, @function
f_push:
	.cfi_startproc
	push %rbx
	.cfi_def_cfa_offset 16
	.cfi_offset %rbx, -16
f_push_body:
	sub $32, %rsp
	.cfi_def_cfa_offset 48
f_push_deep:
	nop
	add $32, %rsp
	.cfi_def_cfa_offset 16
	pop %rbx
	.cfi_def_cfa_offset 8
	ret
	.cfi_endproc
	.size f_push, .-f_push

/* a frame pointer: CFA = rbp + 16; then register and val_offset rules */
	.globl f_rbp, f_rbp_body, f_rbp_regs
	.type f_rbp, @function
f_rbp:
	.cfi_startproc
	push %rbp
	.cfi_def_cfa_offset 16
	.cfi_offset %rbp, -16
	mov %rsp, %rbp
	.cfi_def_cfa_register %rbp
f_rbp_body:
	mov %r12, %r13
	.cfi_register %r12, %r13
	.cfi_val_offset %r14, -32
f_rbp_regs:
	nop
	leave
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size f_rbp, .-f_rbp

/* expressions: CFA = [rsp + 8] (a switched stack); rbx saved at rsp + 16;
 * r15 = rsp + 4 (a value) */
	.globl f_expr, f_expr_body
	.type f_expr, @function
f_expr:
	.cfi_startproc
	nop
	/* DW_CFA_def_cfa_expression { DW_OP_breg7 8; DW_OP_deref } */
	.cfi_escape 0x0f, 3, 0x77, 8, 0x06
	/* DW_CFA_expression rbx { DW_OP_breg7 16 } */
	.cfi_escape 0x10, 3, 2, 0x77, 16
	/* DW_CFA_val_expression r15 { DW_OP_breg7 0; DW_OP_lit4; DW_OP_plus } */
	.cfi_escape 0x16, 15, 4, 0x77, 0, 0x34, 0x22
f_expr_body:
	nop
	ret
	.cfi_endproc
	.size f_expr, .-f_expr

/* the outermost frame: no return address */
	.globl f_outer
	.type f_outer, @function
f_outer:
	.cfi_startproc
	.cfi_undefined %rip
	nop
	ret
	.cfi_endproc
	.size f_outer, .-f_outer

/* a PLT stub's rule, as linkers write it: CFA = rsp + 8 + ((rip & 15) >= 11) << 3 */
	.globl f_plt
	.type f_plt, @function
f_plt:
	.cfi_startproc
	/* DW_CFA_def_cfa_expression { DW_OP_breg7 8; DW_OP_breg16 0; DW_OP_lit15; DW_OP_and;
	 * DW_OP_lit11; DW_OP_ge; DW_OP_lit3; DW_OP_shl; DW_OP_plus } */
	.cfi_escape 0x0f, 11, 0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22
	nop
	ret
	.cfi_endproc
	.size f_plt, .-f_plt

/* a signal frame (the CIE says so): the caller's IP is exact */
	.globl f_signal
	.type f_signal, @function
f_signal:
	.cfi_startproc
	.cfi_signal_frame
	nop
	ret
	.cfi_endproc
	.size f_signal, .-f_signal

/* no CFI at all */
	.globl f_nocfi
	.type f_nocfi, @function
f_nocfi:
	nop
	ret
	.size f_nocfi, .-f_nocfi

	.section .note.GNU-stack, "", @progbits
