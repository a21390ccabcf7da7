/* symbolize/unwind: the walk of hand-built DWARF samples over a real ELF file.
 *
 * testdata/cfi_rules.S is built now as a shared object with .eh_frame and its
 * .eh_frame_hdr, and its executable segment mapped at BASE in an address
 * space, as a recording's MMAP2 would.  Each sample is registers and a stack
 * copy laid out by hand so that the frames are known:
 *
 *   sampled IP   f_push_deep        CFA = rsp + 48, rbx at CFA - 16, RA at CFA - 8
 *   return to    f_push_body + 1    CFA = rsp + 16, rbx at CFA - 16, RA at CFA - 8
 *   return to    f_rbp_body + 1     CFA = rbp + 16, rbp at CFA - 16, RA at CFA - 8
 *   return to    f_outer + 1        return address undefined: the outermost frame
 *
 * (a return address is looked up at itself minus one, here the label).  The
 * walk must give those four IPs, not truncated; with the copy cut short it
 * must stop where the copy ends and say truncated.
 */
#include "symbolize/addrspace.h"
#include "symbolize/unwind.h"
#include "t.h"
#include "t_elf.h"

#include <stdint.h>
#include <unistd.h>

static char dir[] = "/tmp/stoke-test-unwind.XXXXXX";

#define BASE 0x7f1200000000ULL  /* where the shared object is mapped */
#define SP 0x7ffd00001000ULL    /* the sampled stack pointer: the copy starts here */
#define WORDS 32

/* perf's x86-64 register numbers (PERF_SAMPLE_REGS_USER bits). */
enum { PR_BX = 1, PR_BP = 6, PR_SP = 7, PR_IP = 8 };

struct fixture {
	uint64_t regs[4];       /* bx, bp, sp, ip: the order of their bits */
	uint64_t stack[WORDS];
	uint64_t ra1, ra2, ra3; /* the return addresses the walk must find */
};

/* The four-frame stack of the header comment. */
static void build(struct fixture *fx, const char *so)
{
	uint64_t deep = t_nm_addr(so, "f_push_deep"), body = t_nm_addr(so, "f_push_body");
	uint64_t rbp_body = t_nm_addr(so, "f_rbp_body"), outer = t_nm_addr(so, "f_outer");
	memset(fx, 0, sizeof(*fx));
	fx->ra1 = BASE + body + 1;
	fx->ra2 = BASE + rbp_body + 1;
	fx->ra3 = BASE + outer + 1;
	/* f_push_deep: rsp = SP, CFA = SP + 48 */
	fx->stack[4] = 0x1111;   /* SP + 32: rbx saved by f_push */
	fx->stack[5] = fx->ra1;  /* SP + 40 */
	/* f_push_body: rsp = SP + 48, CFA = SP + 64 */
	fx->stack[6] = 0x2222;   /* SP + 48: rbx saved by its caller's f_push */
	fx->stack[7] = fx->ra2;  /* SP + 56 */
	/* f_rbp_body: rbp = SP + 96 (untouched so far), CFA = SP + 112 */
	fx->stack[12] = 0;       /* SP + 96: the caller's rbp (0: no frame chain beyond) */
	fx->stack[13] = fx->ra3; /* SP + 104 */
	fx->regs[0] = 0xb0b0;
	fx->regs[1] = SP + 96;
	fx->regs[2] = SP;
	fx->regs[3] = BASE + deep;
}

static struct sample sample_of(const struct fixture *fx, uint32_t pid, uint64_t copied)
{
	struct sample s = {
		.pid = pid, .tid = pid, .ip = fx->regs[3],
		.regs_abi = 2, /* PERF_SAMPLE_REGS_ABI_64 */
		.regs_mask = (1ULL << PR_BX) | (1ULL << PR_BP) | (1ULL << PR_SP) | (1ULL << PR_IP),
		.regs = fx->regs,
		.stack = (const unsigned char *)fx->stack,
		.stack_size = sizeof(fx->stack),
		.stack_dyn_size = copied,
	};
	return s;
}

static void check_walks(const char *so, int flags, const char *label)
{
	struct fixture fx;
	struct addrspace *as = addrspace_new();
	struct unwinder *u = unwind_new(as, flags);
	uint64_t ips[16];
	int truncated = -1;
	char name[256];

	build(&fx, so);
	T_OK(t_map_binary(as, 7, so, BASE) == 1, "%s: the executable segment mapped", label);

	/* The whole stack copied: four frames, the last the outermost. */
	struct sample s = sample_of(&fx, 7, sizeof(fx.stack));
	int n = unwind_sample(u, &s, ips, 16, &truncated);
	snprintf(name, sizeof(name), "%s: whole copy: four frames", label);
	T_EQ_INT(n, 4, name);
	T_OK(n >= 4 && ips[0] == fx.regs[3] && ips[1] == fx.ra1 && ips[2] == fx.ra2 &&
	     ips[3] == fx.ra3, "%s: whole copy: the sampled IP, then each return address", label);
	snprintf(name, sizeof(name), "%s: whole copy: not truncated", label);
	T_EQ_INT(truncated, 0, name);

	/* max bounds the walk. */
	n = unwind_sample(u, &s, ips, 2, &truncated);
	T_OK(n == 2 && ips[1] == fx.ra1, "%s: max = 2: two frames", label);

	/* The copy ends before f_rbp_body's frame (SP + 96): the walk stops there, truncated. */
	s = sample_of(&fx, 7, 64);
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n == 3 && ips[1] == fx.ra1 && ips[2] == fx.ra2,
	     "%s: copy of 64 bytes: three frames (got %d)", label, n);
	snprintf(name, sizeof(name), "%s: copy of 64 bytes: truncated", label);
	T_EQ_INT(truncated, 1, name);

	/* The copy ends before the first return address (SP + 40). */
	s = sample_of(&fx, 7, 40);
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n == 1 && ips[0] == fx.regs[3], "%s: copy of 40 bytes: the sampled IP alone (got %d)",
	     label, n);
	snprintf(name, sizeof(name), "%s: copy of 40 bytes: truncated", label);
	T_EQ_INT(truncated, 1, name);

	/* No copy at all: nothing but the IP, and nothing to say it was cut. */
	s = sample_of(&fx, 7, 0);
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n == 1 && ips[0] == fx.regs[3], "%s: no copy: the sampled IP alone", label);

	/* A forked child walks through its copy of the parent's maps. */
	addrspace_fork(as, 7, 8);
	s = sample_of(&fx, 8, sizeof(fx.stack));
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n == 4 && ips[3] == fx.ra3 && !truncated, "%s: a forked child: the same four frames",
	     label);

	/* After an exec the old maps are gone: what the unwinder kept for the process
	 * must go with them (the address space's generation). */
	addrspace_exec(as, 7);
	s = sample_of(&fx, 7, sizeof(fx.stack));
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n >= 1 && ips[0] == fx.regs[3] && (n < 2 || ips[1] != fx.ra1),
	     "%s: after exec: the old file's rules are not used (%d frames)", label, n);

	/* The file mapped again elsewhere: the frames follow it. */
	uint64_t moved = 0x10000000ULL;
	T_OK(t_map_binary(as, 7, so, BASE + moved) == 1, "%s: mapped again", label);
	struct fixture fy = fx;
	fy.regs[3] += moved;
	fy.stack[5] = fy.ra1 = fx.ra1 + moved;
	fy.stack[7] = fy.ra2 = fx.ra2 + moved;
	fy.stack[13] = fy.ra3 = fx.ra3 + moved;
	s = sample_of(&fy, 7, sizeof(fy.stack));
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n == 4 && ips[1] == fy.ra1 && ips[2] == fy.ra2 && ips[3] == fy.ra3 && !truncated,
	     "%s: moved mapping: four frames at the new addresses", label);

	/* A sample of a process nothing is known of: its IP. */
	s = sample_of(&fx, 99, sizeof(fx.stack));
	n = unwind_sample(u, &s, ips, 16, &truncated);
	T_OK(n >= 1 && ips[0] == fx.regs[3], "%s: unknown process: the sampled IP first", label);

	unwind_free(u);
	addrspace_free(as);
}

int main(void)
{
	const char *src = "testdata/cfi_rules.S";
	if (access(src, R_OK)) {
		T_SKIP("unwind", "run from the repository root");
		T_DONE();
	}
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	char so[512];
	snprintf(so, sizeof(so), "%s/walk.so", dir);
	int built = !t_sh("cc -shared -nostdlib -Wl,--eh-frame-hdr -o %s %s", so, src);
	T_OK(built, "build cfi_rules.S as a shared object with .eh_frame_hdr");
	if (built) {
		check_walks(so, 0, "compiled rules");
		check_walks(so, UNWIND_LIBUNWIND_ONLY, "libunwind");
	}
	t_sh("rm -rf %s", dir);
	T_DONE();
}
