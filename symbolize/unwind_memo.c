#include "symbolize/unwind_memo.h"
#include "common/htab.h"
#include "common/stackimg.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_NOTED = 4096 };           /* frames of one sample worth keeping (reads: 4x) */
#define STACK_SPAN (64ull << 20)     /* the unwinder's "in the stack": see read_word */

/* A memo's read, with what is known of it and every read before it (frames further out):
 * the lowest address of a read from the stack copy (0 after any other kind) and the end of
 * the highest. */
struct mread {
	struct umemo_rd r;
	uint64_t lo, hi;
};

/* Frames outermost first: states[i] is the frame whose address is ips[i]. */
struct umemo {
	uint32_t pid;
	uint64_t gen;            /* the address-space generation of pid it was made at */
	int truncated;
	size_t nr, alloc;       /* frames; room in states, ips and sps */
	struct umemo_state *states;
	uint64_t *ips;
	uint64_t *sps;          /* states[i]'s stack pointer, together for the search */
	struct mread *reads;    /* frame by frame, outermost first */
	size_t nr_reads, alloc_reads;
};

void umemo_begin(struct umemo_builder *b)
{
	b->nr_states = b->nr_reads = 0;
	b->off = 0;
	b->cursor = SIZE_MAX;
}

void umemo_release(struct umemo_builder *b)
{
	free(b->states);
	free(b->reads);
	memset(b, 0, sizeof(*b));
}

size_t umemo_bytes(const struct umemo *m)
{
	if (!m)
		return 0;
	return sizeof(*m) + m->alloc * (sizeof(*m->states) + sizeof(*m->ips) + sizeof(*m->sps)) +
	       m->alloc_reads * sizeof(*m->reads);
}

void umemo_free(void *p)
{
	struct umemo *m = p;
	if (!m)
		return;
	free(m->states);
	free(m->ips);
	free(m->sps);
	free(m->reads);
	free(m);
}

void umemo_state(struct umemo_builder *b, const struct cfi_regs *regs, int exact)
{
	if (b->off || b->nr_states >= MAX_NOTED) {
		b->off = 1;
		return;
	}
	ALLOC_GROW(b->states, b->nr_states + 1, b->alloc_states);
	struct umemo_state *st = &b->states[b->nr_states++];
	st->regs = *regs;
	st->exact = exact;
	st->own = st->keep = UMEMO_ALL_REGS;
	st->rd = (uint32_t)b->nr_reads;
}

void umemo_step(struct umemo_builder *b, uint32_t own, uint32_t keep)
{
	if (b->off || !b->nr_states)
		return;
	b->states[b->nr_states - 1].own = own;
	b->states[b->nr_states - 1].keep = keep;
}

void umemo_read_slow(struct umemo_builder *b, uint64_t addr, uint64_t val, enum umemo_read kind)
{
	if (b->off)
		return;
	if (b->nr_reads >= 4 * MAX_NOTED) {
		b->off = 1;
		return;
	}
	ALLOC_GROW(b->reads, b->nr_reads + 1, b->alloc_reads);
	b->reads[b->nr_reads++] = (struct umemo_rd){ addr, val, kind };
}

int umemo_valid(const struct umemo *m, uint32_t pid, uint64_t gen)
{
	return m->pid == pid && m->gen == gen;
}

/* Would a sample whose copy (dyn bytes at copy) starts at sp read what r read, the same way? */
static int same_read(const struct umemo_rd *r, const unsigned char *copy, uint64_t dyn,
		     uint64_t sp)
{
	uint64_t a = r->addr, v;
	int in_stack = a >= sp && a - sp < STACK_SPAN;
	int in_copy = a >= sp && dyn >= 8 && a - sp <= dyn - 8;
	switch (r->kind) {
	case UMEMO_READ_OK:
		if (!in_copy)
			return 0;
		memcpy(&v, copy + (a - sp), sizeof(v));
		return v == r->val;
	case UMEMO_READ_MISS:
		return in_stack && !in_copy;
	default: /* a file's bytes: the same while the maps are */
		return !in_stack;
	}
}

long umemo_find(const struct umemo *m, struct umemo_builder *b, const struct sample *s,
		const unsigned char *copy, uint64_t sp)
{
	if (b->off || !b->nr_states || !m->nr)
		return -1;
	const struct umemo_state *cur = &b->states[b->nr_states - 1];
	uint64_t want = cur->regs.val[CFI_RSP];
	/* Stack pointers fall from the outermost frame in, and each frame looked for lies
	 * above the one before: the first frame at or below want is found by moving out. */
	size_t lo = b->cursor < m->nr ? b->cursor : m->nr;
	while (lo > 0 && m->sps[lo - 1] <= want)
		lo--;
	b->cursor = lo;
	if (lo == m->nr || m->sps[lo] != want || m->ips[lo] != cur->regs.val[CFI_RIP])
		return -1;
	const struct umemo_state *st = &m->states[lo];
	uint32_t need = st->needed;
	/* A lazy register is its address: the same where the read of it (a later step's) is. */
	if (st->exact != cur->exact ||
	    (((st->regs.valid ^ cur->regs.valid) | (st->regs.lazy ^ cur->regs.lazy)) & need))
		return -1;
	for (uint32_t v = need & cur->regs.valid; v; v &= v - 1) {
		int i = __builtin_ctz(v);
		if (st->regs.val[i] != cur->regs.val[i])
			return -1;
	}
	/* The innermost first (those differ most often), until every read left lies where the two
	 * copies share their bytes. */
	uint64_t dyn = s->stack_dyn_size;
	uint64_t shared = s->stack_img ? stackimg_changed_end(s->stack_img) : dyn;
	for (size_t i = st->rd; i-- > 0;) {
		const struct mread *r = &m->reads[i];
		if (r->lo >= sp && r->lo - sp >= shared && r->hi - sp <= dyn)
			break;
		if (!same_read(&r->r, copy, dyn, sp))
			return -1;
	}
	return (long)lo;
}

/* Append the builder's frame i (and its reads) to m, as the innermost. */
static void add_frame(struct umemo *m, const struct umemo_builder *b, size_t i, uint64_t ip)
{
	const struct umemo_state *src = &b->states[i];
	size_t r0 = src->rd, r1 = i + 1 < b->nr_states ? b->states[i + 1].rd : b->nr_reads;
	uint32_t outer = m->nr ? m->states[m->nr - 1].needed : 0;
	ALLOC_GROW(m->reads, m->nr_reads + (r1 - r0), m->alloc_reads);
	for (size_t k = r0; k < r1; k++) {
		const struct umemo_rd *r = &b->reads[k];
		struct mread *d = &m->reads[m->nr_reads];
		uint64_t lo = r->kind == UMEMO_READ_OK ? r->addr : 0, hi = r->addr + 8;
		if (r->kind != UMEMO_READ_OK)
			hi = UINT64_MAX;
		if (m->nr_reads) {
			lo = lo < d[-1].lo ? lo : d[-1].lo;
			hi = hi > d[-1].hi ? hi : d[-1].hi;
		}
		*d = (struct mread){ *r, lo, hi };
		m->nr_reads++;
	}
	struct umemo_state *d = &m->states[m->nr];
	*d = *src;
	d->needed = src->own | (src->keep & outer) | 1u << CFI_RSP | 1u << CFI_RIP;
	d->rd = (uint32_t)m->nr_reads;
	m->sps[m->nr] = src->regs.val[CFI_RSP];
	m->ips[m->nr++] = ip;
}

struct umemo *umemo_finish(struct umemo_builder *b, struct umemo *m, long at, uint64_t *ips,
			   int *n, int max, int *truncated, uint32_t pid, uint64_t gen)
{
	if (at >= 0) {
		/* The last frame noted is m's frame at: the rest is m's, outward from it. */
		int k = *n - 1, from = k;
		for (long q = at; q >= 0 && k < max; q--)
			ips[k++] = m->ips[q];
		*n = k;
		*truncated = m->truncated;
		b->nr_states--;
		if (k - from != at + 1) {
			b->off = 1; /* cut short by max: not the whole stack */
			*truncated = 1;
		}
		m->nr = (size_t)at + 1;
		m->nr_reads = m->states[at].rd;
	} else if (m) {
		m->nr = m->nr_reads = 0;
		m->truncated = *truncated;
	}
	if (b->off || (at < 0 && (!b->nr_states || *n != (int)b->nr_states))) {
		umemo_free(m);
		return NULL;
	}
	if (!m) {
		m = xcalloc(1, sizeof(*m));
		m->truncated = *truncated;
	}
	if (m->nr + b->nr_states > m->alloc) {
		m->alloc = (m->nr + b->nr_states) * 2;
		m->states = xrealloc(m->states, m->alloc * sizeof(*m->states));
		m->ips = xrealloc(m->ips, m->alloc * sizeof(*m->ips));
		m->sps = xrealloc(m->sps, m->alloc * sizeof(*m->sps));
	}
	for (size_t i = b->nr_states; i-- > 0;)
		add_frame(m, b, i, ips[i]);
	m->pid = pid;
	m->gen = gen;
	return m;
}

/* ---- each thread's memo, by tid -------------------------------------------- */

struct thread_memo {
	uint32_t tid;       /* the key */
	struct umemo *memo; /* its last sample's, or NULL */
};

struct umemo_threads {
	struct htab *byid;  /* struct thread_memo by tid */
	size_t idle;        /* entries emptied by a thread's exit (a hint: a tid may come back) */
	size_t bytes, budget;
};

struct umemo_threads *umemo_threads_new(size_t budget)
{
	struct umemo_threads *t = xcalloc(1, sizeof(*t));
	t->byid = htab_new(sizeof(struct thread_memo), sizeof(uint32_t), 64, NULL, NULL);
	t->budget = budget;
	return t;
}

void umemo_threads_free(struct umemo_threads *t)
{
	if (!t)
		return;
	size_t pos = 0;
	struct thread_memo *e;
	while ((e = htab_next(t->byid, &pos)))
		umemo_free(e->memo);
	htab_free(t->byid);
	free(t);
}

struct umemo *umemo_threads_take(struct umemo_threads *t, uint32_t tid)
{
	struct thread_memo *e = htab_find(t->byid, hash64(tid), &tid);
	if (!e || !e->memo)
		return NULL;
	struct umemo *m = e->memo;
	e->memo = NULL;
	t->bytes -= umemo_bytes(m);
	return m;
}

void umemo_threads_put(struct umemo_threads *t, uint32_t tid, struct umemo *m)
{
	size_t b = umemo_bytes(m);
	if (!m || t->bytes + b > t->budget) {
		umemo_free(m);
		return;
	}
	int added;
	struct thread_memo *e = htab_insert(t->byid, hash64(tid), &tid, &added);
	if (added)
		e->tid = tid;
	else
		umemo_free(e->memo); /* not taken: replaced */
	e->memo = m;
	t->bytes += b;
}

/* The table without the entries of threads that exited (it would otherwise grow by one
 * entry for every thread a long recording ever saw). */
static void threads_compact(struct umemo_threads *t)
{
	struct htab *n = htab_new(sizeof(struct thread_memo), sizeof(uint32_t), 64, NULL, NULL);
	size_t pos = 0;
	struct thread_memo *e;
	while ((e = htab_next(t->byid, &pos)))
		if (e->memo)
			*(struct thread_memo *)htab_insert(n, hash64(e->tid), &e->tid, NULL) = *e;
	htab_free(t->byid);
	t->byid = n;
	t->idle = 0;
}

void umemo_threads_forget(struct umemo_threads *t, uint32_t tid)
{
	struct thread_memo *e = htab_find(t->byid, hash64(tid), &tid);
	if (!e)
		return;
	t->bytes -= umemo_bytes(e->memo);
	umemo_free(e->memo);
	e->memo = NULL;
	if (++t->idle > 4096 && t->idle * 2 > htab_count(t->byid))
		threads_compact(t);
}
