/* profile_load_stoke(): a stoke file → call tree, through the session and the symbolizer. */
#include "report/profile_stoke.h"
#include "common/htab.h"
#include "common/strbuf.h"
#include "common/swpair.h"
#include "common/util.h"
#include "report/replay.h"
#include "report/session.h"
#include "report/resolve.h"
#include "report/sample_filter.h"
#include "report/stackcache.h"
#include "report/offcpu.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* ids entry: a symbolized frame's (name, module, kind) -> frame id.  Symbolizer strings
 * live as long as it does, so their addresses are the key. */
struct id_ent {
	const char *name, *module; /* the key: the symbolizer's strings, by address */
	uint32_t kind;             /* the key: enum frame_kind */
	uint32_t id;
};
#define ID_KEY_SIZE offsetof(struct id_ent, id)

/* addrs entry: one stack address's frame ids (inlined first), resolved once per (process,
 * address-space generation, address).  Kernel addresses are the same in every process. */
struct addr_ent {
	uint32_t pid, gen;   /* the key: UINT32_MAX, 0 for a kernel address */
	uint64_t addr;       /* the key */
	uint32_t flags;      /* the key: kernel | caller << 1 */
	uint32_t off, nr;    /* the ids: l->addr_ids[off .. off + nr) */
};
#define ADDR_KEY_SIZE offsetof(struct addr_ent, off)
enum { RECENT = 4096 }; /* l->recent: the addrs entries last used, by address */

/* seqs entry: DWARF samples' stacks of frame ids, counted, added to the tree at the end. */
struct seq_ent {
	uint64_t hash;
	uint32_t seq; /* index in l->seqs */
};
struct seq {
	uint32_t off, n; /* the ids: l->seq_ids[off .. off + n) */
	uint64_t count;
};
struct seq_key {
	const uint32_t *ids;
	size_t n;
};

enum load_mode {
	MODE_SAMPLES, /* one event's samples, counted */
	MODE_OFFCPU,  /* "off-cpu": off-CPU intervals weighted by their length */
	MODE_WALL,    /* "wall": on-CPU samples by the time they stand for, and off-CPU intervals */
};

struct loader {
	enum load_mode mode;
	int mode_ready;
	const char *mode_err;     /* why the chosen event cannot be shown */
	long ev_off, ev_waking, ev_cpu; /* event indexes (-1: none) of off-cpu, sched_waking, on-CPU */
	unsigned waking_pid_off;  /* offset of the woken pid in sched_waking's raw data */
	int cpu_is_clock;         /* wall: on-CPU samples' period is nanoseconds */
	uint64_t ns_per_sample;   /* wall: otherwise, 1e9 / frequency */
	struct offcpu_view *offcpu;
	uint32_t *join;           /* frames of an interval being added */
	size_t alloc_join;
	uint32_t no_stack_ids[2];
	int defer_filter;         /* off-CPU stacks: --focus/--ignore apply to the joined stack */
	const struct profile_opts *o;
	struct profile_info *info;
	struct tree *t;
	struct replay *rp;        /* the file read back: owns s and res */
	struct session *s;
	struct resolver *res;
	struct sample_filter filter;
	struct htab *ids;         /* struct id_ent: symbol strings and kind -> frame id */
	struct htab *addrs;       /* struct addr_ent: stack address -> its frame ids */
	uint32_t *addr_ids;       /* the addrs entries' ids */
	size_t nr_addr_ids, alloc_addr_ids;
	struct addr_ent *recent;  /* RECENT copies of addrs entries, by address bits */
	struct htab *seq_index;   /* struct seq_ent: DWARF stacks of ids -> l->seqs */
	struct seq *seqs;         /* in the order first seen */
	size_t nr_seqs, alloc_seqs;
	uint32_t *seq_ids;
	size_t nr_seq_ids, alloc_seq_ids;
	signed char *match;       /* per frame id: focus/ignore result cache */
	size_t match_len;
	uint32_t *root_first;
	size_t alloc_root;
	/* The previous resolved sample's addresses, outermost first, and their ids: the next
	 * sample of the same process and generation takes over the outer part the two share
	 * (an address's ids depend on nothing else).  prev_bound[j]: ids of the j outermost. */
	struct raddr *prev_a;
	uint32_t *prev_ids, *prev_bound;
	size_t prev_na, alloc_prev_a, alloc_prev_ids, alloc_prev_bound;
	uint32_t prev_pid, prev_gen;
	int prev_valid;
	struct strbuf name;
	struct stackcache *stacks; /* frame-pointer samples by raw stack */
	uint64_t stacks_seen, stacks_new; /* the cache's lookups, and how many were new */
	int stacks_off;           /* it hardly ever hit: samples resolved one by one */
};

/* The stack cache pays where raw stacks repeat (short frame-pointer stacks); whole stacks
 * unwound while recording hardly ever do, and then each sample is resolved, as a DWARF
 * one is.  Decided once, on the first STACKS_TRIAL samples. */
#define STACKS_TRIAL 2048

/* ---- frames -------------------------------------------------------------- */

static enum frame_kind kind_of(const struct rframe *rf)
{
	const struct sym_frame *f = &rf->sym;
	if (rf->truncated)
		return FRAME_TRUNCATED;
	if (f->inlined)
		return FRAME_INLINE;
	if (!f->name)
		return FRAME_UNKNOWN;
	switch (f->kind) {
	case SYM_KERNEL: return FRAME_KERNEL;
	case SYM_JIT: return FRAME_JIT;
	case SYM_UNKNOWN: return FRAME_UNKNOWN;
	default: return FRAME_USER;
	}
}

static uint32_t intern_frame(struct loader *l, const struct rframe *rf)
{
	const struct sym_frame *f = &rf->sym;
	enum frame_kind kind = kind_of(rf);
	if (f->name) {
		struct id_ent key = { .name = f->name, .module = f->module, .kind = kind };
		uintptr_t h = (uintptr_t)f->name ^ ((uintptr_t)kind << 1) ^ ((uintptr_t)f->module << 7);
		int added;
		struct id_ent *e = htab_insert(l->ids, hash64(h), &key, &added);
		if (!added)
			return e->id;
		uint32_t id = tree_intern(l->t, f->name, f->module, kind, f->file, f->line);
		*e = key;
		e->id = id;
		return id;
	}
	strbuf_reset(&l->name);
	sym_frame_label(f, &l->name);
	return tree_intern(l->t, l->name.buf, f->module, FRAME_UNKNOWN, NULL, 0);
}

/* ---- filters ------------------------------------------------------------- */

/* 1: frame matches re (cached per frame id; bit 0 focus, bit 1 ignore). */
static int frame_match(struct loader *l, uint32_t id, int which, const regex_t *re)
{
	if (id >= l->match_len) {
		size_t n = tree_nr_frames(l->t) + 1024;
		l->match = xrealloc(l->match, n);
		memset(l->match + l->match_len, -1, n - l->match_len);
		l->match_len = n;
	}
	signed char *m = &l->match[id];
	if (*m < 0)
		*m = 0;
	int known = (*m >> (2 + which)) & 1;
	if (!known) {
		int hit = profile_frame_matches(re, tree_frame(l->t, id));
		*m = (signed char)(*m | (1 << (2 + which)) | (hit << which));
	}
	return (*m >> which) & 1;
}

struct loader_stack {
	struct loader *l;
	const uint32_t *frames;
};

static int loader_matches(void *ctx, size_t i, const regex_t *re)
{
	const struct loader_stack *st = ctx;
	return frame_match(st->l, st->frames[i], re == st->l->o->ignore, re);
}

static int keep_stack(struct loader *l, const uint32_t *frames, size_t n)
{
	struct loader_stack st = { l, frames };
	return profile_keep_stack(l->o, n, loader_matches, &st);
}

/* ---- session handlers ------------------------------------------------------ */

/* The frame ids of one stack address (in l->addr_ids, inlined first); its count. */
static uint32_t address_ids(struct loader *l, uint32_t pid, uint32_t gen, const struct raddr *a,
			    uint32_t *off)
{
	struct addr_ent key = {
		.pid = a->kernel ? UINT32_MAX : pid, .gen = a->kernel ? 0 : gen, .addr = a->addr,
		.flags = (uint32_t)a->kernel | (uint32_t)a->caller << 1,
	};
	struct addr_ent *r = &l->recent[(a->addr ^ a->addr >> 12 ^ key.flags) & (RECENT - 1)];
	if (!memcmp(r, &key, ADDR_KEY_SIZE) && r->nr) {
		*off = r->off;
		return r->nr;
	}
	uint64_t h = hash64(a->addr ^ ((uint64_t)key.pid << 32 | key.gen) * 0x9e3779b97f4a7c15ULL ^
			    key.flags);
	int added;
	struct addr_ent *e = htab_insert(l->addrs, h, &key, &added);
	if (added) {
		const struct rframe *frames;
		size_t k = resolver_address(l->res, pid, a, l->o->no_inline, &frames);
		*e = key;
		e->off = (uint32_t)l->nr_addr_ids;
		e->nr = (uint32_t)k;
		ALLOC_GROW(l->addr_ids, l->nr_addr_ids + k, l->alloc_addr_ids);
		/* Interned outermost first, as stacks are added root first (a frame's source
		 * line is its first address's).  Interning adds nothing to l->addrs: e stays. */
		for (size_t i = k; i-- > 0;)
			l->addr_ids[l->nr_addr_ids + i] = intern_frame(l, &frames[i]);
		l->nr_addr_ids += k;
	}
	*r = *e;
	*off = e->off;
	return e->nr;
}

/* Resolve a sample's stack to frame ids, root first, in l->root_first; 0 when nothing is left. */
static size_t resolve_ids(struct loader *l, const struct sample *s, const char *comm)
{
	const struct profile_opts *o = l->o;
	const struct raddr *a;
	int truncated;
	size_t na = resolver_addresses(l->res, s, o->no_kernel, &a, &truncated), n = 0;
	if (!na && !truncated)
		return 0; /* e.g. a kernel-only sample under --no-kernel */
	uint32_t gen = resolver_generation(l->res, s->pid);
	/* Root first: the [truncated] marker, then the outermost address's frames. */
	ALLOC_GROW(l->root_first, 2, l->alloc_root);
	n = 1;
	if (truncated)
		l->root_first[n++] = intern_frame(l, &resolver_truncated_frame);
	size_t base = n, same = 0;
	if (l->prev_valid && l->prev_pid == s->pid && l->prev_gen == gen) {
		size_t most = na < l->prev_na ? na : l->prev_na;
		while (same < most && a[na - 1 - same].addr == l->prev_a[same].addr &&
		       a[na - 1 - same].kernel == l->prev_a[same].kernel &&
		       a[na - 1 - same].caller == l->prev_a[same].caller)
			same++;
	}
	uint32_t shared = same ? l->prev_bound[same] : 0;
	if (shared) {
		ALLOC_GROW(l->root_first, n + shared, l->alloc_root);
		memcpy(l->root_first + n, l->prev_ids, shared * sizeof(*l->prev_ids));
		n += shared;
	}
	ALLOC_GROW(l->prev_a, na, l->alloc_prev_a);
	ALLOC_GROW(l->prev_bound, na + 1, l->alloc_prev_bound);
	l->prev_bound[0] = 0;
	for (size_t j = same; j < na; j++) {
		const struct raddr *ai = &a[na - 1 - j];
		uint32_t off, k = address_ids(l, s->pid, gen, ai, &off);
		ALLOC_GROW(l->root_first, n + k, l->alloc_root);
		for (uint32_t q = k; q-- > 0;)
			l->root_first[n++] = l->addr_ids[off + q];
		l->prev_a[j] = *ai;
		l->prev_bound[j + 1] = (uint32_t)(n - base);
	}
	if (n - base > shared) {
		ALLOC_GROW(l->prev_ids, n - base, l->alloc_prev_ids);
		memcpy(l->prev_ids + shared, l->root_first + base + shared,
		       (n - base - shared) * sizeof(*l->prev_ids));
	}
	l->prev_na = na;
	l->prev_pid = s->pid;
	l->prev_gen = gen;
	l->prev_valid = 1;
	n--; /* frames after the root */
	if (!n)
		return 0;
	strbuf_reset(&l->name);
	if (o->per_thread)
		strbuf_addf(&l->name, "%s-%u/%u", comm, s->pid, s->tid);
	else
		strbuf_adds(&l->name, comm);
	l->root_first[0] = tree_intern(l->t, l->name.buf, NULL, FRAME_ROOT, NULL, 0);
	if ((o->focus || o->ignore) && !l->defer_filter && !keep_stack(l, l->root_first + 1, n))
		return 0;
	return n + 1;
}

static int seq_match(const void *entry, const void *key, void *ctx)
{
	const struct loader *l = ctx;
	const struct seq *s = &l->seqs[((const struct seq_ent *)entry)->seq];
	const struct seq_key *k = key;
	return s->n == k->n && !memcmp(l->seq_ids + s->off, k->ids, k->n * sizeof(*k->ids));
}

/* A DWARF sample's stack of ids (root first), counted: the tree gets each stack once, at the
 * end, in the order first seen (which makes the same tree as adding sample by sample). */
static void count_seq(struct loader *l, const uint32_t *ids, size_t n)
{
	uint64_t h = n;
	for (size_t i = 0; i < n; i++)
		h = (h ^ ids[i]) * 0x100000001b3ULL;
	struct seq_key k = { ids, n };
	int added;
	struct seq_ent *e = htab_insert(l->seq_index, hash64(h), &k, &added);
	if (added) {
		ALLOC_GROW(l->seqs, l->nr_seqs + 1, l->alloc_seqs);
		ALLOC_GROW(l->seq_ids, l->nr_seq_ids + n, l->alloc_seq_ids);
		memcpy(l->seq_ids + l->nr_seq_ids, ids, n * sizeof(*ids));
		l->seqs[l->nr_seqs] = (struct seq){ (uint32_t)l->nr_seq_ids, (uint32_t)n, 0 };
		l->nr_seq_ids += n;
		e->seq = (uint32_t)l->nr_seqs++;
	}
	l->seqs[e->seq].count++;
}

/* A frame-pointer sample's entry in the stack cache, resolved the first time its raw stack
 * is seen (dropped: nothing left after the filters). */
static struct stack_entry *cached_stack(struct loader *l, const struct sample *s, const char *comm)
{
	struct stack_key k = {
		.pid = s->pid, .tid = l->o->per_thread ? s->tid : 0,
		.gen = resolver_generation(l->res, s->pid), .root = comm, .ip = s->ip,
		.cpumode = s->misc & PERF_RECORD_MISC_CPUMODE_MASK,
		.nr = s->nr_callchain, .chain = s->callchain,
	};
	int fresh;
	struct stack_entry *e = stackcache_get(l->stacks, &k, &fresh);
	l->stacks_seen++;
	l->stacks_new += (uint64_t)fresh;
	if (fresh) {
		size_t n = resolve_ids(l, s, comm);
		if (n)
			stackcache_set_ids(l->stacks, e, l->root_first, n);
		else
			e->dropped = 1;
	}
	return e;
}

static void setup_mode(struct loader *l);
static void offcpu_emit(void *ctx, const struct offcpu_interval *in, int kept);
static int offcpu_no_stack(void *ctx, const struct swpair_switch *sw, const uint32_t **ids, size_t *n);
static int offcpu_sample(struct loader *l, const struct sample *s, size_t ev);

static int on_sample(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h)
{
	struct loader *l = ctx;
	uint64_t weight = 1;
	(void)h;
	if (!l->mode_ready)
		setup_mode(l);
	if (l->mode != MODE_SAMPLES && ((long)ev == l->ev_off || (long)ev == l->ev_waking))
		return offcpu_sample(l, s, ev);
	if (!sample_filter_event(&l->filter, ev))
		return 0;
	if (l->mode == MODE_WALL) /* nanoseconds: microseconds once summed per stack */
		weight = l->cpu_is_clock ? s->period : l->ns_per_sample;
	l->info->samples_total++;
	const char *comm = resolver_comm(l->res, s->pid, s->tid);
	if (!sample_filter_keep(&l->filter, s, comm))
		return 0;
	if ((s->regs_abi && s->regs) || (l->stacks_off && l->mode == MODE_SAMPLES)) {
		/* DWARF: the stack is in the copy; every sample is resolved. */
		size_t n = resolve_ids(l, s, comm);
		if (n) {
			if (l->mode == MODE_WALL)
				l->info->oncpu_ns += weight;
			if (l->mode == MODE_WALL) /* rounded sample by sample */
				tree_add(l->t, l->root_first, n, (weight + 500) / 1000);
			else
				count_seq(l, l->root_first, n);
			l->info->samples++;
		}
		return 0;
	}
	struct stack_entry *e = cached_stack(l, s, comm);
	if (l->stacks_seen == STACKS_TRIAL && 2 * l->stacks_new > l->stacks_seen)
		l->stacks_off = 1;
	if (!e->dropped) {
		e->count += weight;
		l->info->samples++;
		if (l->mode == MODE_WALL)
			l->info->oncpu_ns += weight;
	}
	return 0;
}

static void add_cached(void *ctx, const struct stack_entry *e)
{
	struct loader *l = ctx;
	uint64_t w = l->mode == MODE_WALL ? (e->count + 500) / 1000 : e->count;
	if (!e->dropped && w)
		tree_add(l->t, e->ids, e->nr_ids, w);
}

/* ---- off-CPU time (docs/offcpu.md) ------------------------------------------ */

static void setup_mode(struct loader *l)
{
	const char *want = l->o->event;
	size_t nr = session_nr_events(l->s);
	l->mode_ready = 1;
	l->ev_off = l->ev_waking = l->ev_cpu = -1;
	for (size_t i = 0; i < nr; i++) {
		const char *name = session_event(l->s, i)->name;
		if (!strcmp(name, "off-cpu"))
			l->ev_off = (long)i;
		else if (!strcmp(name, "sched:sched_waking"))
			l->ev_waking = (long)i;
		else if (l->ev_cpu < 0)
			l->ev_cpu = (long)i;
	}
	if (want && !strcmp(want, "wall")) {
		l->filter.event = -2;
		if (l->ev_off < 0 || l->ev_cpu < 0) {
			l->mode_err = "event 'wall' needs a recording with an on-CPU event and --off-cpu "
				      "(stoke record --off-cpu)";
			return;
		}
		const struct perf_event_attr *a = &session_event(l->s, (size_t)l->ev_cpu)->attr;
		if (a->type == PERF_TYPE_SOFTWARE && (a->config == PERF_COUNT_SW_CPU_CLOCK ||
						      a->config == PERF_COUNT_SW_TASK_CLOCK))
			l->cpu_is_clock = 1;
		else if (a->freq && a->sample_freq)
			l->ns_per_sample = 1000000000ULL / a->sample_freq;
		else {
			l->mode_err = "event 'wall' needs the on-CPU event to be a clock (cpu-clock, "
				      "task-clock) or sampled by frequency";
			return;
		}
		l->mode = MODE_WALL;
		l->filter.event = l->ev_cpu;
	} else {
		sample_filter_select_event(&l->filter);
		if (l->filter.event < 0 || l->filter.event != l->ev_off)
			return;
		l->mode = MODE_OFFCPU;
	}
	const char *off = session_info(l->s, "waking-pid-offset");
	l->waking_pid_off = off ? (unsigned)strtoul(off, NULL, 10) : 24;
	l->info->time_weighted = 1;
	struct offcpu_view_cb cb = { offcpu_emit, offcpu_no_stack, l };
	l->offcpu = offcpu_view_new(&cb);
}

/* Frame ids of a sample's stack, root first (valid until the next resolution); 0: dropped. */
static size_t stack_ids(struct loader *l, const struct sample *s, const char *comm,
			const uint32_t **ids)
{
	/* Unfiltered here (the emit filters the whole joined stack); the stack cache keeps
	 * filtered results, so it is left out when there is a filter. */
	if ((s->regs_abi && s->regs) || l->o->focus || l->o->ignore) {
		l->defer_filter = 1;
		size_t n = resolve_ids(l, s, comm);
		l->defer_filter = 0;
		*ids = l->root_first;
		return n;
	}
	struct stack_entry *e = cached_stack(l, s, comm);
	if (e->dropped)
		return 0;
	*ids = e->ids;
	return e->nr_ids;
}

static int offcpu_sample(struct loader *l, const struct sample *s, size_t ev)
{
	const char *comm = resolver_comm(l->res, s->pid, s->tid);
	const uint32_t *ids = NULL;
	if ((long)ev == l->ev_off) {
		int kept = sample_filter_keep(&l->filter, s, comm);
		size_t n = kept ? stack_ids(l, s, comm, &ids) : 0;
		offcpu_view_stack(l->offcpu, s->tid, s->time, ids, n, kept && n);
		return 0;
	}
	int32_t wakee;
	if (!s->raw || s->raw_size < l->waking_pid_off + 4)
		return 0;
	memcpy(&wakee, s->raw + l->waking_pid_off, 4);
	size_t n = stack_ids(l, s, comm, &ids);
	if (n && wakee > 0)
		offcpu_view_waking(l->offcpu, (uint32_t)wakee, ids, n);
	return 0;
}

static int offcpu_no_stack(void *ctx, const struct swpair_switch *sw, const uint32_t **ids, size_t *n)
{
	struct loader *l = ctx;
	struct sample fake = { .pid = sw->pid, .tid = sw->tid, .time = sw->time, .cpu = sw->cpu };
	const char *comm = resolver_comm(l->res, sw->pid, sw->tid);
	strbuf_reset(&l->name);
	if (l->o->per_thread)
		strbuf_addf(&l->name, "%s-%u/%u", comm, sw->pid, sw->tid);
	else
		strbuf_adds(&l->name, comm);
	l->no_stack_ids[0] = tree_intern(l->t, l->name.buf, NULL, FRAME_ROOT, NULL, 0);
	l->no_stack_ids[1] = tree_intern(l->t, "[no stack]", NULL, FRAME_UNKNOWN, NULL, 0);
	*ids = l->no_stack_ids;
	*n = 2;
	return sample_filter_keep(&l->filter, &fake, comm);
}

/*
 * One interval into the tree: the thread's root, its state ([blocked] or
 * [preempted]), the stack it left the CPU with; with a waker, "--" and the
 * waker's stack from its leaf to its root (as bcc's offwaketime folds them).
 */
static void offcpu_emit(void *ctx, const struct offcpu_interval *in, int kept)
{
	struct loader *l = ctx;
	struct profile_info *info = l->info;
	uint64_t ns = in->iv->end - in->iv->start;
	if (l->mode == MODE_WALL && !kept)
		return;
	info->samples_total++;
	if (!kept || !in->nr_stack)
		return;
	info->intervals++;
	if (in->iv->preempted)
		info->preempted_ns += ns;
	else
		info->blocked_ns += ns;
	if (ns < l->o->min_block_ns) {
		info->hidden++;
		return;
	}
	uint64_t us = (ns + 500) / 1000;
	if (!us)
		return;
	size_t n = 0, need = in->nr_stack + 2 + in->nr_waker;
	ALLOC_GROW(l->join, need, l->alloc_join);
	l->join[n++] = in->stack[0];
	/* A pseudo-function (not a root): the text report and diff list its time. */
	l->join[n++] = tree_intern(l->t, in->iv->preempted ? "[preempted]" : "[blocked]", NULL,
				   FRAME_UNKNOWN, NULL, 0);
	for (size_t i = 1; i < in->nr_stack; i++)
		l->join[n++] = in->stack[i];
	if (in->nr_waker && !in->iv->preempted) {
		l->join[n++] = tree_intern(l->t, "--", NULL, FRAME_ROOT, NULL, 0);
		for (size_t i = in->nr_waker; i-- > 0;)
			l->join[n++] = in->waker[i];
	}
	if ((l->o->focus || l->o->ignore) && !keep_stack(l, l->join + 1, n - 1))
		return;
	tree_add(l->t, l->join, n, us);
	info->samples++;
}

static int on_record(void *ctx, const struct perf_event_header *h, const struct sample_id *id)
{
	struct loader *l = ctx;
	struct swpair_switch sw;
	(void)id;
	if (!l->mode_ready && (h->type == PERF_RECORD_SWITCH || h->type == PERF_RECORD_SWITCH_CPU_WIDE))
		setup_mode(l);
	if (l->mode == MODE_SAMPLES)
		return 0;
	if (h->type == PERF_RECORD_EXIT)
		offcpu_view_exit(l->offcpu, h);
	else if (swpair_decode(h, session_sample_type(l->s), &sw) == 1)
		offcpu_view_switch(l->offcpu, &sw);
	return 0;
}

/*
 * What the END record says about how recording stopped.  The target INFO is
 * the command line, "pid N,M" or "system-wide"; a command has an exit status.
 */
static enum profile_ending ending_of(const struct stoke_end *end, const char *target)
{
	if (end->flags & STOKE_END_INTERRUPTED)
		return PROFILE_ENDING_TIMED; /* -d ran out, or stoke got a signal */
	if (end->exit_status != -1)
		return WIFEXITED(end->exit_status) ? PROFILE_ENDING_EXITED
						   : PROFILE_ENDING_TIMED; /* killed by a signal */
	if (target && (!strncmp(target, "pid ", 4) || !strcmp(target, "system-wide")))
		return PROFILE_ENDING_TIMED; /* -p (until the processes ended) or -a */
	return PROFILE_ENDING_UNKNOWN;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

int profile_load_stoke(const char *path, const struct profile_opts *o, struct tree *t,
		       struct profile_info *info)
{
	struct loader l = { .o = o, .info = info, .t = t };
	struct session_handlers hd = { on_sample, on_record, NULL, &l };
	int ret;

	l.rp = replay_new(o, !o->no_demangle, !o->no_lines);
	l.s = replay_session(l.rp);
	l.res = replay_resolver(l.rp);
	sample_filter_init(&l.filter, o, l.s);
	l.stacks = stackcache_new();
	l.ids = htab_new(sizeof(struct id_ent), ID_KEY_SIZE, 4096, NULL, NULL);
	l.addrs = htab_new(sizeof(struct addr_ent), ADDR_KEY_SIZE, 4096, NULL, NULL);
	l.recent = xcalloc(RECENT, sizeof(*l.recent));
	l.seq_index = htab_new(sizeof(struct seq_ent), 0, 1024, seq_match, &l);
	strbuf_init(&l.name);
	ret = replay_read(l.rp, path, &hd);
	if (ret < 0)
		goto out;
	if (!l.mode_ready)
		setup_mode(&l);
	struct stoke_end end;
	int has_end = !session_end(l.s, &end);
	if (l.offcpu) /* threads still off-CPU count to the end */
		offcpu_view_finish(l.offcpu, has_end ? end.end_ns : session_last_time(l.s));
	stackcache_each(l.stacks, add_cached, &l);
	for (size_t i = 0; i < l.nr_seqs; i++)
		tree_add(t, l.seq_ids + l.seqs[i].off, l.seqs[i].n, l.seqs[i].count);
	if (l.filter.event == -1)
		sample_filter_select_event(&l.filter);
	if (l.mode_err) {
		if (o->warn)
			o->warn(o->warn_ctx, l.mode_err);
		ret = -ENOENT;
		goto out;
	}
	if (l.filter.event < 0) {
		struct strbuf names = STRBUF_INIT;
		for (size_t i = 0; i < session_nr_events(l.s); i++)
			strbuf_addf(&names, "%s%s", i ? ", " : "", session_event(l.s, i)->name);
		info->event_names = strbuf_detach(&names);
		ret = -STOKE_ENOEVENT;
		goto out;
	}
	const struct session_event *ev = l.filter.event < (long)session_nr_events(l.s) ?
					 session_event(l.s, (size_t)l.filter.event) : NULL;
	info->event = xstrdup(l.mode == MODE_WALL ? "wall" : ev ? ev->name : "");
	if (ev && ev->attr.freq)
		info->freq = ev->attr.sample_freq;
	else if (ev)
		info->period = ev->attr.sample_period;
	info->cmdline = dup_or_null(session_info(l.s, "target"));
	info->hostname = dup_or_null(session_info(l.s, "hostname"));
	info->throttles = session_throttles(l.s);
	const char *cg = session_info(l.s, "callgraph"), *stack = session_info(l.s, "stack-size");
	if (cg && !strcmp(cg, "dwarf") && stack) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "dwarf, %s-byte stack copies", stack);
		info->callgraph = strbuf_detach(&sb);
	} else if (cg && !strcmp(cg, "cfi") && stack) {
		struct strbuf sb = STRBUF_INIT;
		strbuf_addf(&sb, "cfi, %s-byte stack copies unwound while recording", stack);
		info->callgraph = strbuf_detach(&sb);
	} else {
		info->callgraph = dup_or_null(cg);
	}
	if (has_end) {
		info->lost = end.lost;
		info->duration_ns = end.end_ns > end.start_ns ? end.end_ns - end.start_ns : 0;
		info->exit_status = end.exit_status;
		info->ending = ending_of(&end, info->cmdline);
	} else {
		/* stoke writes an END record last; perf.data has none to miss */
		const char *src = session_info(l.s, "source");
		info->no_end = !src || strcmp(src, "perf.data");
		info->lost = session_lost(l.s);
		info->duration_ns = session_last_time(l.s) - session_first_time(l.s);
	}
	if (o->time_start > 0 || o->time_end >= 0) {
		/* A window of the recording: a span of time, whatever ended the recording. */
		double dur = (double)info->duration_ns / 1e9;
		double hi = o->time_end >= 0 && o->time_end < dur ? o->time_end : dur;
		double lo = o->time_start > 0 ? o->time_start : 0;
		info->duration_ns = hi > lo ? (uint64_t)((hi - lo) * 1e9) : 0;
		if (info->ending != PROFILE_ENDING_UNKNOWN)
			info->ending = PROFILE_ENDING_TIMED;
	}
	if (ret == 1) {
		uint64_t off;
		info->truncated = 1;
		info->ending = PROFILE_ENDING_UNKNOWN; /* samples are missing, whatever END says */
		info->read_error = session_error(l.s, &off);
		info->bad_offset = off;
	}
	ret = 0;
out:
	resolver_keep(l.res);
	resolver_stats(l.res, &info->sym, &info->unwind);
	offcpu_view_free(l.offcpu);
	free(l.join);
	stackcache_free(l.stacks);
	replay_free(l.rp);
	strbuf_release(&l.name);
	htab_free(l.ids);
	htab_free(l.addrs);
	free(l.recent);
	htab_free(l.seq_index);
	free(l.seqs);
	free(l.seq_ids);
	free(l.addr_ids);
	free(l.match);
	free(l.root_first);
	free(l.prev_a);
	free(l.prev_ids);
	free(l.prev_bound);
	return ret;
}
