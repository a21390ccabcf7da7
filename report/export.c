/* export_load(): a stoke file (session → resolver → locations) or folded stacks → export_profile. */
#include "report/export.h"
#include "common/htab.h"
#include "common/format.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "report/export_model.h"
#include "report/replay.h"
#include "report/resolve.h"
#include "report/sample_filter.h"
#include "report/session.h"
#include "report/stackcache.h"
#include "symbolize/demangle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_LINES 64 /* inline depth kept per location */

struct pid_path {
	uint32_t pid;
	const char *path;  /* interned: the first executable file mapped by pid */
	uint64_t samples;
};

struct build_id {
	const char *path;  /* interned */
	const char *hex;   /* interned */
};

/* (three words) → index, for the symbolizer's stable pointers: most frames skip string hashing.
 * A table (common/htab) made on the first put. */
struct ptrcache {
	struct htab *t;
};

struct ptrcache_ent {
	uint64_t k[3]; /* the key */
	uint32_t v;
};

/* The value of k, or UINT32_MAX. */
static uint32_t ptrcache_get(const struct ptrcache *c, uint64_t a, uint64_t b, uint64_t d)
{
	uint64_t k[3] = { a, b, d };
	if (!c->t)
		return UINT32_MAX;
	const struct ptrcache_ent *e = htab_find(c->t, hash_words(FNV_INIT, k, 3), k);
	return e ? e->v : UINT32_MAX;
}

static void ptrcache_put(struct ptrcache *c, uint64_t a, uint64_t b, uint64_t d, uint32_t v)
{
	uint64_t k[3] = { a, b, d };
	if (!c->t)
		c->t = htab_new(sizeof(struct ptrcache_ent), sizeof(k), 1024, NULL, NULL);
	struct ptrcache_ent *e = htab_insert(c->t, hash_words(FNV_INIT, k, 3), k, NULL);
	memcpy(e->k, k, sizeof(k));
	e->v = v;
}

static void ptrcache_release(struct ptrcache *c)
{
	htab_free(c->t);
}

struct exporter {
	const struct profile_opts *o;
	struct export_profile *p;
	struct replay *rp;              /* the file read back: owns s and res */
	struct session *s;
	struct resolver *res;
	struct sample_filter filter;
	struct stackcache *stacks;      /* frame-pointer samples by raw stack → stack index */
	struct pid_path *pids;          /* small: one per process */
	size_t nr_pids, alloc_pids;
	struct build_id *ids;
	size_t nr_ids, alloc_ids;
	uint32_t *locs;                 /* the current sample's location indexes, leaf first */
	size_t alloc_locs;
	struct strbuf name;
	struct ptrcache functions;      /* (symbol name, source file) → function */
	struct ptrcache mappings;       /* (map path, start, end) → mapping id */
};

/* ---- process state the model needs (build-ids, main binaries) ---------------- */

static struct pid_path *pid_entry(struct exporter *x, uint32_t pid)
{
	for (size_t i = 0; i < x->nr_pids; i++)
		if (x->pids[i].pid == pid)
			return &x->pids[i];
	ALLOC_GROW(x->pids, x->nr_pids + 1, x->alloc_pids);
	x->pids[x->nr_pids] = (struct pid_path){ pid, NULL, 0 };
	return &x->pids[x->nr_pids++];
}

static void set_build_id(struct exporter *x, const char *path, const unsigned char *id, size_t len)
{
	char hex[2 * 24 + 1];
	if (!len || len > 24)
		return;
	hex_encode(hex, id, len);
	path = xb_str(x->p, path);
	for (size_t i = 0; i < x->nr_ids; i++)
		if (x->ids[i].path == path) {
			x->ids[i].hex = xb_str(x->p, hex);
			return;
		}
	ALLOC_GROW(x->ids, x->nr_ids + 1, x->alloc_ids);
	x->ids[x->nr_ids++] = (struct build_id){ path, xb_str(x->p, hex) };
}

static const char *build_id_of(struct exporter *x, const char *path)
{
	for (size_t i = 0; i < x->nr_ids; i++)
		if (x->ids[i].path == path)
			return x->ids[i].hex;
	return NULL;
}

static void note_mmap2(struct exporter *x, const struct perf_event_header *h)
{
	size_t blen = h->size - sizeof(*h);
	if (blen <= sizeof(struct mmap2_body))
		return;
	const struct mmap2_body *m = (const void *)(h + 1);
	const char *path = (const char *)(m + 1);
	size_t max = blen - sizeof(*m);
	if (strnlen(path, max) == max || path[0] != '/')
		return;
	if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && m->build_id_size <= 20)
		set_build_id(x, path, m->build_id, m->build_id_size);
	struct pid_path *pp = pid_entry(x, m->pid);
	if (!pp->path && (m->prot & PROT_EXEC))
		pp->path = xb_str(x->p, path);
}

/* ---- one sample ------------------------------------------------------------------ */

static const char *frame_name(struct exporter *x, const struct sym_frame *f)
{
	if (f->name)
		return f->name;
	strbuf_reset(&x->name);
	sym_frame_label(f, &x->name);
	return x->name.buf;
}

static uint32_t function_of(struct exporter *x, const struct sym_frame *f)
{
	/* Symbolizer strings live as long as it does: their addresses are keys. */
	uint32_t id = f->name ? ptrcache_get(&x->functions, (uintptr_t)f->name, (uintptr_t)f->file, 0)
			      : UINT32_MAX;
	if (id != UINT32_MAX)
		return id;
	/* The symbolizer runs without demangling: its name is the system name. */
	const char *sys = xb_str(x->p, frame_name(x, f));
	const char *file = xb_str(x->p, f->file);
	const char *name = sys;
	if (!x->o->no_demangle && f->name) {
		char *dm = demangle(sys);
		if (dm) {
			name = xb_str(x->p, dm);
			free(dm);
		}
	}
	id = xb_function(x->p, name, sys, file);
	if (f->name)
		ptrcache_put(&x->functions, (uintptr_t)f->name, (uintptr_t)f->file, 0, id);
	return id;
}

static uint32_t mapping_of(struct exporter *x, const struct sample *s, const struct rframe *rf)
{
	const struct sym_frame *f = &rf->sym;
	uint64_t start, end, pgoff;
	const char *path;
	if (rf->truncated)
		return EXPORT_NONE;
	if (f->kind == SYM_KERNEL)
		return xb_kernel_mapping(x->p, f->addr);
	if (resolver_find_map(x->res, s->pid, f->addr, &start, &end, &pgoff, &path))
		return EXPORT_NONE;
	uint32_t id = ptrcache_get(&x->mappings, (uintptr_t)path, start, end ^ (pgoff << 1));
	if (id != UINT32_MAX)
		return id;
	const char *file = xb_str(x->p, path);
	id = xb_mapping(x->p, file, start, end, pgoff, build_id_of(x, file));
	ptrcache_put(&x->mappings, (uintptr_t)path, start, end ^ (pgoff << 1), id);
	return id;
}

/* Frames (leaf first, inlined ones before the function holding them) → location indexes in x->locs. */
static size_t to_locations(struct exporter *x, const struct sample *s, const struct rframe *fr, size_t n)
{
	struct export_line lines[MAX_LINES];
	size_t nr = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, k = 0;
		/* One address: its inlined frames, then the real function. */
		while (j + 1 < n && fr[j].sym.inlined && fr[j + 1].sym.addr == fr[i].sym.addr &&
		       !fr[j + 1].truncated)
			j++;
		for (size_t m = i; m <= j && k < MAX_LINES; m++, k++)
			lines[k] = (struct export_line){ function_of(x, &fr[m].sym), fr[m].sym.line };
		uint32_t map = mapping_of(x, s, &fr[i]);
		ALLOC_GROW(x->locs, nr + 1, x->alloc_locs);
		x->locs[nr++] = xb_location(x->p, map, fr[i].sym.addr, s->pid, lines, k);
		i = j + 1;
	}
	return nr;
}

struct stack_names {
	const struct export_profile *p;
	const uint32_t *locs;
};

/* A location matches when one of its names (the function and those inlined in it) does. */
static int location_matches(void *ctx, size_t i, const regex_t *re)
{
	const struct stack_names *st = ctx;
	const struct export_location *l = &st->p->locations[st->locs[i]];
	for (uint32_t k = 0; k < l->nr_lines; k++) {
		const char *name = st->p->functions[st->p->lines[l->first_line + k].function].name;
		if (!regexec(re, name, 0, NULL, 0))
			return 1;
	}
	return 0;
}

static int keep_stack(struct exporter *x, const uint32_t *locs, size_t n)
{
	struct stack_names st = { x->p, locs };
	return profile_keep_stack(x->o, n, location_matches, &st);
}

/* The sample's stack index, or UINT32_MAX when nothing is left of it. */
static uint32_t resolve_stack(struct exporter *x, const struct sample *s)
{
	const struct rframe *frames;
	size_t n = resolver_sample(x->res, s, x->o->no_kernel, x->o->no_inline, &frames);
	if (!n)
		return UINT32_MAX;
	n = to_locations(x, s, frames, n);
	if ((x->o->focus || x->o->ignore) && !keep_stack(x, x->locs, n))
		return UINT32_MAX;
	return xb_stack(x->p, x->locs, n);
}

static int on_sample(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h)
{
	struct exporter *x = ctx;
	(void)h;
	if (!sample_filter_event(&x->filter, ev))
		return 0;
	const char *comm = resolver_comm(x->res, s->pid, s->tid);
	if (!sample_filter_keep(&x->filter, s, comm))
		return 0;
	uint32_t stack;
	if (s->regs_abi && s->regs) {
		stack = resolve_stack(x, s); /* DWARF: the stack is in the copy */
	} else {
		struct stack_key k = {
			.pid = s->pid, .gen = resolver_generation(x->res, s->pid), .ip = s->ip,
			.cpumode = s->misc & PERF_RECORD_MISC_CPUMODE_MASK,
			.nr = s->nr_callchain, .chain = s->callchain,
		};
		int fresh;
		struct stack_entry *e = stackcache_get(x->stacks, &k, &fresh);
		if (fresh) {
			uint32_t id = resolve_stack(x, s);
			if (id == UINT32_MAX)
				e->dropped = 1;
			else
				stackcache_set_ids(x->stacks, e, &id, 1);
		}
		stack = e->dropped ? UINT32_MAX : e->ids[0];
	}
	if (stack == UINT32_MAX)
		return 0;
	pid_entry(x, s->pid)->samples++;
	xb_sample(x->p, s->pid, s->tid, comm, stack, 1, s->period ? s->period : 1, s->time);
	return 0;
}

static int on_record(void *ctx, const struct perf_event_header *h, const struct sample_id *id)
{
	struct exporter *x = ctx;
	(void)id;
	if (h->type == PERF_RECORD_MMAP2)
		note_mmap2(x, h);
	return 0;
}

static int on_meta(void *ctx, const struct perf_event_header *h)
{
	struct exporter *x = ctx;
	size_t blen = h->size - sizeof(*h);
	const unsigned char *body = (const unsigned char *)(h + 1);
	if (h->type == STOKE_REC_BUILD_ID && blen > 32 && body[0] <= 24 &&
	    strnlen((const char *)body + 32, blen - 32) < blen - 32)
		set_build_id(x, (const char *)body + 32, body + 8, body[0]);
	return 0;
}

/* ---- the profile's header ----------------------------------------------------------- */

static uint64_t info_u64(struct session *s, const char *key)
{
	const char *v = session_info(s, key);
	return v ? strtoull(v, NULL, 10) : 0;
}

static int no_event(struct exporter *x)
{
	struct strbuf names = STRBUF_INIT;
	for (size_t i = 0; i < session_nr_events(x->s); i++)
		strbuf_addf(&names, "%s%s", i ? ", " : "", session_event(x->s, i)->name);
	if (x->o->warn) {
		char msg[512];
		snprintf(msg, sizeof(msg), "event '%s' is not in this file (it has: %s)", x->o->event,
			 names.len ? names.buf : "none");
		x->o->warn(x->o->warn_ctx, msg);
	}
	strbuf_release(&names);
	return -STOKE_ENOEVENT;
}

/*
 * The value type of an event's samples.  A clock (cpu-clock, task-clock)
 * counts nanoseconds of CPU time in its period; any other event counts
 * events.  A time-weighted view adds its own case here.
 */
static void set_value_type(struct export_profile *p, const struct session_event *ev)
{
	const struct perf_event_attr *a = &ev->attr;
	p->event = xb_str(p, ev->name);
	if (a->type == PERF_TYPE_SOFTWARE &&
	    (a->config == PERF_COUNT_SW_CPU_CLOCK || a->config == PERF_COUNT_SW_TASK_CLOCK)) {
		p->value_type = "cpu";
		p->value_unit = "nanoseconds";
	} else {
		p->value_type = p->event;
		p->value_unit = "count";
	}
	if (!a->freq)
		p->period = a->sample_period;
	else
		p->period = p->samples ? (p->weight + p->samples / 2) / p->samples : 0;
}

static void set_times(struct export_profile *p, struct session *s)
{
	struct stoke_end end;
	p->time_nanos = info_u64(s, "start-realtime-ns");
	p->start_time = info_u64(s, "start-monotonic-ns");
	if (!session_end(s, &end)) {
		p->duration_nanos = end.end_ns > end.start_ns ? end.end_ns - end.start_ns : 0;
		if (!p->start_time)
			p->start_time = end.start_ns;
	} else {
		p->duration_nanos = session_last_time(s) - session_first_time(s);
	}
	if (!p->start_time)
		p->start_time = session_first_time(s);
}

/* The main binary: the first executable file of the process with the most samples. */
static const char *main_file(struct exporter *x)
{
	const struct pid_path *best = NULL;
	for (size_t i = 0; i < x->nr_pids; i++)
		if (x->pids[i].path && (!best || x->pids[i].samples > best->samples))
			best = &x->pids[i];
	return best ? best->path : NULL;
}

static int load_stoke(const char *path, const struct profile_opts *o, struct export_profile *p)
{
	struct exporter x = { .o = o, .p = p };
	p->has_lines = !o->no_lines;
	p->has_inlines = !o->no_inline;
	struct session_handlers hd = { on_sample, on_record, on_meta, &x };

	/* Names are system names: export demangles them itself (function_of). */
	x.rp = replay_new(o, 0, !o->no_lines);
	x.s = replay_session(x.rp);
	x.res = replay_resolver(x.rp);
	x.stacks = stackcache_new();
	strbuf_init(&x.name);
	sample_filter_init(&x.filter, o, x.s);
	int ret = replay_read(x.rp, path, &hd);
	if (ret < 0)
		goto out;
	if (x.filter.event == -1)
		sample_filter_select_event(&x.filter);
	if (x.filter.event < 0) {
		ret = no_event(&x);
		goto out;
	}
	if (x.filter.event < (long)session_nr_events(x.s))
		set_value_type(p, session_event(x.s, (size_t)x.filter.event));
	set_times(p, x.s);
	if (ret == 1) {
		p->truncated = 1;
		p->read_error = session_error(x.s, &p->bad_offset);
	}
	xb_finish(p, main_file(&x));
	ret = 0;
out:
	stackcache_free(x.stacks);
	replay_free(x.rp);
	strbuf_release(&x.name);
	ptrcache_release(&x.functions);
	ptrcache_release(&x.mappings);
	free(x.pids);
	free(x.ids);
	free(x.locs);
	return ret;
}

/* ---- folded stacks: names only ------------------------------------------------------ */

static int load_folded(const char *path, const struct profile_opts *o, struct export_profile *p)
{
	struct tree *t;
	struct profile_info info;
	int err = profile_load(path, o, &t, &info);
	if (err)
		return err;
	p->is_folded = 1;
	p->event = "";
	p->value_type = "samples";
	p->value_unit = "count";
	p->period = 1;
	p->malformed = info.malformed;
	profile_info_release(&info);

	size_t nf = tree_nr_frames(t), nn = tree_nr_nodes(t);
	uint32_t *loc_of = xmalloc(nf * sizeof(*loc_of));
	uint32_t *locs = xmalloc((tree_max_depth(t) + 1) * sizeof(*locs));
	for (size_t i = 0; i < nf; i++) {
		const struct tree_frame *f = tree_frame(t, (uint32_t)i);
		const char *name = xb_str(p, f->name);
		struct export_line line = { xb_function(p, name, name, xb_str(p, f->file)), f->line };
		loc_of[i] = xb_location(p, EXPORT_NONE, 0, (uint32_t)i, &line, 1);
	}
	const char *base = strrchr(path, '/');
	const char *thread = base ? base + 1 : path;
	for (size_t i = 1; i < nn; i++) {
		const struct tree_node *nd = tree_node(t, (uint32_t)i);
		if (!nd->self)
			continue;
		size_t n = 0;
		for (uint32_t k = (uint32_t)i; k && k != TREE_NONE; k = tree_node(t, k)->parent)
			locs[n++] = loc_of[tree_node(t, k)->frame];
		xb_sample(p, 0, 0, thread, xb_stack(p, locs, n), nd->self, nd->self, 0);
	}
	free(locs);
	free(loc_of);
	tree_free(t);
	return 0;
}

int export_load(const char *path, const struct profile_opts *o, struct export_profile **out)
{
	unsigned char magic[4] = { 0 };
	FILE *f = fopen(path, "rb");
	if (!f)
		return -errno;
	size_t got = fread(magic, 1, sizeof(magic), f);
	fclose(f);

	struct export_profile *p = xb_new();
	int err;
	if (got == 4 && !memcmp(magic, "\x5e\x2a\x4d\x18", 4))
		err = load_stoke(path, o, p);
	else
		err = load_folded(path, o, p);
	if (err) {
		export_free(p);
		return err;
	}
	*out = p;
	return 0;
}
