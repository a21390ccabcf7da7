#include "report/resolve.h"
#include "common/arena.h"
#include "common/format.h"
#include "common/htab.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "symbolize/addrspace.h"
#include "symbolize/unwind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define ALIGN4(x) (((size_t)(x) + 3) & ~(size_t)3)
#define MAX_INLINE 32         /* frames one address may expand into */

struct comm_ent {
	uint32_t tid;      /* the key */
	const char *comm;  /* in the resolver's arena */
};

struct resolver {
	struct session *s;
	struct addrspace *as;      /* processes and maps, fed once per record; read by both */
	struct symbolizer *sym;
	struct unwinder *unwinder; /* created for the first DWARF sample */
	int unwind_flags;          /* unwind_new's */
	uint64_t *ips;
	struct arena *arena;       /* command names */
	struct strbuf kallsyms;    /* KALLSYMS records until the first sample */
	int kallsyms_given;
	const char *kallsyms_path; /* --kallsyms */
	void (*warn)(void *ctx, const char *msg);
	void *warn_ctx;
	struct htab *comms;        /* tid -> comm (struct comm_ent) */
	struct rframe *frames;     /* resolver_address's */
	size_t alloc_frames;
	struct rframe *sframes;    /* resolver_sample's, leaf first */
	size_t alloc_sframes;
	struct raddr *addrs;       /* resolver_addresses's */
	size_t alloc_addrs;
};

const struct rframe resolver_truncated_frame = {
	.sym = { .name = "[truncated]", .kind = SYM_UNKNOWN }, .truncated = 1,
};

struct resolver *resolver_new(const struct sym_opts *so, const struct resolve_opts *ro,
			      struct session *s)
{
	struct resolver *r = xcalloc(1, sizeof(*r));
	r->s = s;
	r->as = addrspace_new();
	r->sym = sym_new(so, r->as);
	if (ro) {
		r->unwind_flags = ro->unwind_flags;
		r->kallsyms_path = ro->kallsyms_path;
	}
	r->warn = so->warn;
	r->warn_ctx = so->warn_ctx;
	r->arena = arena_new();
	r->comms = htab_new(sizeof(struct comm_ent), sizeof(uint32_t), 1024, NULL, NULL);
	strbuf_init(&r->kallsyms);
	return r;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	unwind_free(r->unwinder);
	sym_free(r->sym);
	addrspace_free(r->as); /* after its readers */
	arena_free(r->arena);
	strbuf_release(&r->kallsyms);
	free(r->ips);
	htab_free(r->comms);
	free(r->frames);
	free(r->sframes);
	free(r->addrs);
	free(r);
}

void resolver_keep(struct resolver *r)
{
	sym_keep(r->sym);
}

void resolver_stats(const struct resolver *r, struct sym_stats *st, struct unwind_stats *ust)
{
	sym_get_stats(r->sym, st);
	memset(ust, 0, sizeof(*ust));
	if (r->unwinder)
		unwind_get_stats(r->unwinder, ust);
}

/* ---- tid → comm ------------------------------------------------------------ */

static void comm_set(struct resolver *r, uint32_t tid, const char *comm)
{
	if (!tid)
		return;
	struct comm_ent *c = htab_insert(r->comms, hash64(tid), &tid, NULL);
	c->tid = tid;
	c->comm = comm;
}

static const char *comm_get(struct resolver *r, uint32_t tid)
{
	const struct comm_ent *c = htab_find(r->comms, hash64(tid), &tid);
	return c ? c->comm : NULL;
}

uint32_t resolver_generation(struct resolver *r, uint32_t pid)
{
	return addrspace_generation(r->as, pid);
}

int resolver_find_map(struct resolver *r, uint32_t pid, uint64_t addr, uint64_t *start,
		      uint64_t *end, uint64_t *pgoff, const char **path)
{
	const struct as_map *m = addrspace_find(r->as, pid, addr);
	if (!m)
		return -ENOENT;
	*start = m->start;
	*end = m->end;
	*pgoff = m->pgoff;
	*path = m->path;
	return 0;
}

const char *resolver_comm(struct resolver *r, uint32_t pid, uint32_t tid)
{
	const char *c = comm_get(r, tid);
	if (!c)
		c = comm_get(r, pid);
	if (!c && !pid && !tid)
		return "swapper"; /* the idle task has no COMM record; the kernel's name for it */
	return c ? c : "[unknown]";
}

/* ---- records ----------------------------------------------------------------- */

void resolver_record(struct resolver *r, const struct perf_event_header *h)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	size_t blen = h->size - sizeof(*h);
	uint32_t v[4];

	if (h->type == PERF_RECORD_COMM && blen > 8) {
		memcpy(v, body, 8);
		const char *c = (const char *)body + 8;
		comm_set(r, v[1], arena_strndup(r->arena, c, strnlen(c, blen - 8)));
	} else if (h->type == PERF_RECORD_FORK && blen >= 16) {
		memcpy(v, body, 16); /* pid, ppid, tid, ptid */
		const char *parent = comm_get(r, v[3]);
		if (parent)
			comm_set(r, v[2], parent);
	}
	addrspace_record(r->as, h); /* after the names: a COMM exec's new name stays */
}

void resolver_meta(struct resolver *r, const struct perf_event_header *h)
{
	if (h->type == STOKE_REC_KALLSYMS && !r->kallsyms_given)
		strbuf_add(&r->kallsyms, h + 1, h->size - sizeof(*h));
}

static void warnf(struct resolver *r, const char *fmt, const char *a, const char *b)
{
	char msg[512];
	if (!r->warn)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b);
	r->warn(r->warn_ctx, msg);
}

/* The running kernel's GNU build-id from /sys/kernel/notes, as hex; 0 or -ENOENT. */
static int running_kernel_build_id(char *hexout, size_t cap)
{
	char *notes;
	size_t len, off = 0;
	if (read_file("/sys/kernel/notes", &notes, &len))
		return -ENOENT;
	int ret = -ENOENT;
	while (len - off >= 12) {
		uint32_t nh[3]; /* namesz, descsz, type */
		memcpy(nh, notes + off, 12);
		size_t name = off + 12, desc = name + ALIGN4(nh[0]), next = desc + ALIGN4(nh[1]);
		if (nh[0] > len || nh[1] > len || next > len)
			break;
		if (nh[2] == 3 && nh[0] == 4 && !memcmp(notes + name, "GNU", 4) && nh[1] * 2 < cap) {
			hex_encode(hexout, notes + desc, nh[1]);
			ret = 0;
			break;
		}
		off = next;
	}
	free(notes);
	return ret;
}

static int give_kallsyms_file(struct resolver *r, const char *path)
{
	char *text;
	size_t len;
	int err = read_file(path, &text, &len);
	if (!err) {
		sym_set_kallsyms(r->sym, text, len);
		free(text);
	}
	return err;
}

static void give_kallsyms(struct resolver *r)
{
	r->kallsyms_given = 1;
	if (r->kallsyms.len) {
		sym_set_kallsyms(r->sym, r->kallsyms.buf, r->kallsyms.len);
		strbuf_release(&r->kallsyms);
		return;
	}
	if (r->kallsyms_path) {
		if (give_kallsyms_file(r, r->kallsyms_path))
			warnf(r, "--kallsyms %s: cannot read it%s; kernel frames stay unnamed",
			      r->kallsyms_path, "");
		return;
	}
	/* No snapshot (a perf.data file, a stoke file cut short): the running
	 * kernel's symbols are right only on the kernel it was recorded on:
	 * the same release and, when the file names it, the same build-id (else
	 * the same host). */
	const char *release = session_info(r->s, "release");
	const char *rec_host = session_info(r->s, "hostname");
	const char *rec_id = session_info(r->s, "kernel-build-id");
	char host[256] = "", id[81] = "";
	struct utsname u;
	gethostname(host, sizeof(host) - 1);
	if (!release || uname(&u))
		return;
	int same = !strcmp(u.release, release);
	if (same && rec_id)
		same = !running_kernel_build_id(id, sizeof(id)) && !strcmp(id, rec_id);
	else if (same)
		same = rec_host && !strcmp(host, rec_host);
	if (same)
		give_kallsyms_file(r, "/proc/kallsyms");
	else if (session_info(r->s, "source")) /* perf.data: it never has a snapshot */
		warnf(r, "recorded on another kernel (%s, this is %s): kernel frames stay unnamed; "
			 "pass --kallsyms with a copy of that machine's /proc/kallsyms", release,
		      u.release);
}

/* ---- samples ------------------------------------------------------------------ */

size_t resolver_address(struct resolver *r, uint32_t pid, const struct raddr *a, int no_inline,
			const struct rframe **out)
{
	struct sym_frame sf[MAX_INLINE];
	size_t n = 0;
	if (a->kernel && !r->kallsyms_given)
		give_kallsyms(r); /* only a recording with kernel frames pays for kernel symbols */
	int k = sym_lookup(r->sym, pid, a->addr, a->kernel, a->caller, sf, MAX_INLINE);
	ALLOC_GROW(r->frames, (size_t)k + 1, r->alloc_frames);
	for (int i = 0; i < k; i++) {
		if (sf[i].inlined && no_inline)
			continue;
		r->frames[n].sym = sf[i];
		r->frames[n].truncated = 0;
		n++;
	}
	*out = r->frames;
	return n;
}

static void add_raddr(struct resolver *r, size_t *n, uint64_t addr, int kernel, int caller)
{
	ALLOC_GROW(r->addrs, *n + 1, r->alloc_addrs);
	r->addrs[(*n)++] = (struct raddr){ .addr = addr, .kernel = (uint8_t)kernel,
					   .caller = (uint8_t)caller };
}

/* DWARF recordings: unwind the user part from the sampled registers and stack copy. */
static void unwound_user(struct resolver *r, const struct sample *s, size_t *n, int *truncated)
{
	if (!r->unwinder) {
		r->unwinder = unwind_new(r->as, r->unwind_flags);
		r->ips = xmalloc(sizeof(*r->ips) * UNWIND_MAX_FRAMES);
	}
	int k = unwind_sample(r->unwinder, s, r->ips, UNWIND_MAX_FRAMES, truncated);
	ALLOC_GROW(r->addrs, *n + (size_t)k, r->alloc_addrs);
	for (int i = 0; i < k; i++)
		r->addrs[(*n)++] = (struct raddr){ .addr = r->ips[i], .caller = i > 0 };
}

size_t resolver_addresses(struct resolver *r, const struct sample *s, int no_kernel,
			  const struct raddr **out, int *truncated)
{
	int dwarf = s->regs_abi && s->regs;
	int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	size_t n = 0;

	*truncated = 0;
	if (s->nr_callchain) {
		int first = 1, skip = 0;
		ALLOC_GROW(r->addrs, (size_t)s->nr_callchain, r->alloc_addrs);
		for (uint64_t i = 0; i < s->nr_callchain; i++) {
			uint64_t a = s->callchain[i];
			if (a == STOKE_CONTEXT_TRUNCATED) {
				*truncated = 1; /* unwound while recording, to the copy's end */
				continue;
			}
			if (a >= PERF_CONTEXT_MAX) {
				kernel = a == PERF_CONTEXT_KERNEL;
				skip = a != PERF_CONTEXT_KERNEL && a != PERF_CONTEXT_USER; /* guest, hv */
				/* The first user address under a kernel part is where user
				 * mode was interrupted, not a return address. */
				if (a == PERF_CONTEXT_USER)
					first = 1;
				continue;
			}
			if (skip || (dwarf && !kernel) || (kernel && no_kernel))
				continue;
			r->addrs[n++] = (struct raddr){ .addr = a, .kernel = (uint8_t)kernel,
							.caller = (uint8_t)!first };
			first = 0;
		}
	} else if ((!dwarf || kernel) && !(kernel && no_kernel)) {
		add_raddr(r, &n, s->ip, kernel, 0);
	}
	if (dwarf)
		unwound_user(r, s, &n, truncated);
	*out = r->addrs;
	return n;
}

size_t resolver_sample(struct resolver *r, const struct sample *s, int no_kernel, int no_inline,
		       const struct rframe **out)
{
	const struct raddr *a;
	int truncated;
	size_t na = resolver_addresses(r, s, no_kernel, &a, &truncated), n = 0;
	for (size_t i = 0; i < na; i++) {
		const struct rframe *f;
		size_t k = resolver_address(r, s->pid, &a[i], no_inline, &f);
		ALLOC_GROW(r->sframes, n + k + 1, r->alloc_sframes);
		memcpy(r->sframes + n, f, k * sizeof(*f));
		n += k;
	}
	if (truncated) {
		ALLOC_GROW(r->sframes, n + 1, r->alloc_sframes);
		r->sframes[n] = resolver_truncated_frame;
		n++;
	}
	*out = r->sframes;
	return n;
}
