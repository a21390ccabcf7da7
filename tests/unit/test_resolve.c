/* report/resolve: process records in, names out.  Thread names from COMM records (a thread
 * without one takes its process's, a forked thread its parent's, exec renames), a fixture's
 * mapping from an MMAP2 record, a frame-pointer callchain with kernel and user parts resolved
 * leaf first (kernel names from a KALLSYMS record), --no-kernel, and the address-space
 * generation moving with each new mapping. */
#include "common/format.h"
#include "common/sample.h"
#include "report/resolve.h"
#include "report/session.h"
#include "t.h"
#include "t_elf.h"

#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

static char dir[] = "/tmp/stoke-test-resolve.XXXXXX";
static unsigned char buf[8192];

static void comm(struct resolver *r, uint32_t pid, uint32_t tid, const char *name, int exec)
{
	struct perf_event_header *h = (void *)buf;
	h->type = PERF_RECORD_COMM;
	h->misc = exec ? PERF_RECORD_MISC_COMM_EXEC : 0;
	uint32_t v[2] = { pid, tid };
	memcpy(h + 1, v, 8);
	size_t n = strlen(name) + 1;
	memcpy((char *)(h + 1) + 8, name, n);
	h->size = (uint16_t)(sizeof(*h) + ((8 + n + 7) & ~7u));
	resolver_record(r, h);
}

static void fork_rec(struct resolver *r, uint32_t pid, uint32_t ppid, uint32_t tid, uint32_t ptid)
{
	struct perf_event_header *h = (void *)buf;
	h->type = PERF_RECORD_FORK;
	h->misc = 0;
	uint32_t v[4] = { pid, ppid, tid, ptid };
	memcpy(h + 1, v, 16);
	memset((char *)(h + 1) + 16, 0, 8); /* time */
	h->size = sizeof(*h) + 24;
	resolver_record(r, h);
}

struct mmap_ctx {
	struct resolver *r;
	uint32_t pid;
	const char *bin;
};

static void mmap_record(void *ctx, const struct t_load *l)
{
	const struct mmap_ctx *c = ctx;
	struct perf_event_header *h = (void *)buf;
	struct mmap2_body *m = (void *)(h + 1);
	memset(m, 0, sizeof(*m));
	m->pid = m->tid = c->pid;
	m->addr = l->start;
	m->len = l->len;
	m->pgoff = l->pgoff;
	m->prot = 5;
	m->flags = 2;
	size_t pl = strlen(c->bin) + 1;
	memcpy(m + 1, c->bin, pl);
	h->type = PERF_RECORD_MMAP2;
	h->misc = PERF_RECORD_MISC_USER;
	h->size = (uint16_t)(sizeof(*h) + ((sizeof(*m) + pl + 7) & ~7u));
	resolver_record(c->r, h);
}

/* MMAP2 records for the executable PT_LOAD segments of bin in pid (non-PIE: at their vaddr). */
static int map_binary(struct resolver *r, uint32_t pid, const char *bin)
{
	struct mmap_ctx c = { r, pid, bin };
	return t_exec_loads(bin, 0, mmap_record, &c);
}

int main(void)
{
	elf_version(EV_CURRENT);
	if (!mkdtemp(dir))
		return 1;
	char bin[512];
	snprintf(bin, sizeof(bin), "%s/fx", dir);
	T_OK(!t_sh("cc -g -O0 -no-pie -fno-omit-frame-pointer -o %s testdata/sym_fixture.c", bin),
	     "build the non-PIE fixture");
	uint64_t recurse = t_nm_addr(bin, "recurse"), mainf = t_nm_addr(bin, "main");
	T_OK(recurse && mainf, "its symbols (recurse, main)");

	struct session *s = session_new();
	struct sym_opts so = { .demangle = 1, .inline_frames = 1, .lines = 1 };
	struct resolver *r = resolver_new(&so, NULL, s);

	T_EQ_STR(resolver_comm(r, 100, 100), "[unknown]", "no COMM yet: [unknown]");
	comm(r, 100, 100, "sh", 0);
	comm(r, 100, 100, "fx", 1); /* exec */
	comm(r, 100, 101, "worker", 0);
	fork_rec(r, 100, 100, 102, 101); /* a thread started by the worker */
	T_EQ_STR(resolver_comm(r, 100, 100), "fx", "exec renames the process");
	T_EQ_STR(resolver_comm(r, 100, 101), "worker", "a thread's own name");
	T_EQ_STR(resolver_comm(r, 100, 102), "worker", "a forked thread takes its parent's");
	T_EQ_STR(resolver_comm(r, 100, 103), "fx", "a thread without COMM takes its process's");

	uint32_t gen0 = resolver_generation(r, 100);
	T_OK(map_binary(r, 100, bin) > 0, "map the fixture into pid 100");
	uint32_t gen1 = resolver_generation(r, 100);
	T_OK(gen1 != gen0, "a new mapping moves the generation");
	uint64_t start, end, pgoff;
	const char *path;
	T_OK(!resolver_find_map(r, 100, recurse, &start, &end, &pgoff, &path) && !strcmp(path, bin) &&
	     start <= recurse && recurse < end, "find_map: recurse is in the fixture's mapping");
	T_OK(resolver_find_map(r, 100, 0x10, &start, &end, &pgoff, &path) < 0,
	     "find_map: nothing at 0x10");

	/* The old PERF_RECORD_MMAP (perf.data files) changes the same address space, so it
	 * moves the generation that the unwinder's and the report's caches are keyed on. */
	{
		_Alignas(8) unsigned char rec[64];
		struct perf_event_header *mh = (void *)rec;
		uint32_t ids[2] = { 100, 100 };
		uint64_t where[3] = { 0x40000000, 0x1000, 0 };
		memset(rec, 0, sizeof(rec));
		memcpy(rec + sizeof(*mh), ids, sizeof(ids));
		memcpy(rec + sizeof(*mh) + 8, where, sizeof(where));
		memcpy(rec + sizeof(*mh) + 32, "/old/mmap", 10);
		mh->type = PERF_RECORD_MMAP;
		mh->misc = PERF_RECORD_MISC_USER;
		mh->size = sizeof(*mh) + 32 + 16;
		resolver_record(r, mh);
		T_OK(resolver_generation(r, 100) != gen1 &&
		     !resolver_find_map(r, 100, 0x40000800, &start, &end, &pgoff, &path) &&
		     !strcmp(path, "/old/mmap"), "PERF_RECORD_MMAP: mapped, the generation moves");
	}

	const char ks[] = "ffffffff81000000 T _text\nffffffff81000100 T kfunc\n"
			  "ffffffff81000200 T knext\n";
	struct perf_event_header *h = (void *)buf;
	h->type = STOKE_REC_KALLSYMS;
	h->misc = 0;
	memcpy(h + 1, ks, sizeof(ks) - 1);
	h->size = (uint16_t)(sizeof(*h) + ((sizeof(ks) - 1 + 7) & ~7u));
	memset((char *)(h + 1) + sizeof(ks) - 1, 0, 8);
	resolver_meta(r, h);

	uint64_t chain[] = { PERF_CONTEXT_KERNEL, 0xffffffff81000110ULL, PERF_CONTEXT_USER,
			     recurse + 4, mainf + 9 };
	struct sample smp = { .ip = 0xffffffff81000110ULL, .pid = 100, .tid = 101,
			      .nr_callchain = 5, .callchain = chain,
			      .misc = PERF_RECORD_MISC_KERNEL };
	const struct rframe *f;
	size_t n = resolver_sample(r, &smp, 0, 0, &f);
	T_EQ_INT(n, 3, "three frames: kernel, then the user callchain");
	if (n == 3) {
		T_OK(f[0].sym.kind == SYM_KERNEL && f[0].sym.name && !strcmp(f[0].sym.name, "kfunc"),
		     "leaf: kfunc from the KALLSYMS record");
		T_OK(f[1].sym.name && !strcmp(f[1].sym.name, "recurse") && f[1].sym.kind == SYM_USER,
		     "then recurse, from the fixture");
		T_OK(f[2].sym.name && !strcmp(f[2].sym.name, "main"), "then main");
	}
	n = resolver_sample(r, &smp, 1, 0, &f);
	T_OK(n == 2 && f[0].sym.name && !strcmp(f[0].sym.name, "recurse"),
	     "--no-kernel drops the kernel frame");

	struct sample other = smp;
	other.pid = other.tid = 200;
	n = resolver_sample(r, &other, 1, 0, &f);
	T_OK(n == 2 && !f[0].sym.name, "another process without maps: unknown frames");

	resolver_free(r);
	resolver_free(NULL);
	session_free(s);
	t_sh("rm -rf %s", dir);
	T_DONE();
}
