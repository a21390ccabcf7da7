#include "common/stackref.h"
#include "common/format.h"
#include "common/htab.h"
#include "common/sample.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { PERF_REG_SP = 7 };   /* perf_regs.h, x86-64 */
enum { MIN_SAVING = 32 };   /* bytes a reference must save to be worth its footer */
enum { RUN_GAP = 512 };     /* equal bytes between two runs that make them two: fewer runs
					* read faster, and the bytes kept are mostly the previous
					* copy's, which compress to little */

/* A thread's last whole copy (an entry of the table, keyed by tid). */
struct copy {
	uint32_t tid;
	uint64_t sp, time;
	size_t len, cap;
	unsigned char *bytes;
	int gone;          /* the thread exited: its copy is freed (stackref_forget) */
};

struct stackref {
	struct htab *copies;    /* struct copy by tid; the bytes are ours */
	size_t max_bytes, bytes; /* bound (0: none) and what the copies hold */
	struct htab *imgs;      /* reader: struct thread_img by tid */
	unsigned char *out;     /* the decoders' record */
	struct stackimg_run *runs; /* scratch: a copy's runs */
	size_t alloc_runs;
};

/* A reader's thread: its last image (the table holds a reference). */
struct thread_img {
	uint32_t tid;
	uint64_t time;
	struct stack_img *img;
};

struct stackref *stackref_new(size_t max_bytes)
{
	struct stackref *s = xcalloc(1, sizeof(*s));
	s->max_bytes = max_bytes;
	s->copies = htab_new(sizeof(struct copy), sizeof(uint32_t), 64, NULL, NULL);
	s->imgs = htab_new(sizeof(struct thread_img), sizeof(uint32_t), 64, NULL, NULL);
	return s;
}

static void forget_all(struct stackref *s)
{
	size_t pos = 0;
	for (struct copy *c; (c = htab_next(s->copies, &pos));)
		free(c->bytes);
	htab_clear(s->copies);
	s->bytes = 0;
}

void stackref_free(struct stackref *s)
{
	if (!s)
		return;
	forget_all(s);
	htab_free(s->copies);
	size_t pos = 0;
	for (struct thread_img *t; (t = htab_next(s->imgs, &pos));)
		stackimg_put(t->img);
	htab_free(s->imgs);
	free(s->out);
	free(s->runs);
	free(s);
}

static uint64_t tid_hash(uint32_t tid)
{
	return tid * 0x9e3779b1u;
}

static const struct copy *find(const struct stackref *s, uint32_t tid)
{
	const struct copy *c = htab_find(s->copies, tid_hash(tid), &tid);
	return c && !c->gone ? c : NULL;
}

/* The reader's thread tid, while it has an image. */
static const struct thread_img *find_img(const struct stackref *s, uint32_t tid)
{
	const struct thread_img *t = htab_find(s->imgs, tid_hash(tid), &tid);
	return t && t->img ? t : NULL;
}

void stackref_exit(struct stackref *s, const struct perf_event_header *h)
{
	uint32_t v[4]; /* pid, ppid, tid, ptid */
	if (h->type != PERF_RECORD_EXIT || h->size < sizeof(*h) + sizeof(v))
		return;
	memcpy(v, h + 1, sizeof(v));
	stackref_forget(s, v[2]);
}

void stackref_forget(struct stackref *s, uint32_t tid)
{
	struct copy *c = htab_find(s->copies, tid_hash(tid), &tid);
	if (c && !c->gone) {
		s->bytes -= c->cap;
		free(c->bytes);
		c->bytes = NULL;
		c->cap = c->len = 0;
		c->gone = 1;
	}
	struct thread_img *t = htab_find(s->imgs, tid_hash(tid), &tid);
	if (t) {
		stackimg_put(t->img);
		t->img = NULL;
	}
}

static void remember(struct stackref *s, uint32_t tid, uint64_t sp, uint64_t time,
		     const unsigned char *bytes, size_t len)
{
	/* The recorder's bound: past it, start over (a reader keeps more, never less). */
	if (s->max_bytes && s->bytes + len > s->max_bytes && !find(s, tid))
		forget_all(s);
	int added;
	struct copy *c = htab_insert(s->copies, tid_hash(tid), &tid, &added);
	if (added)
		c->tid = tid;
	c->gone = 0;
	if (c->cap < len) {
		s->bytes += len - c->cap;
		c->bytes = xrealloc(c->bytes, len);
		c->cap = len;
	}
	if (len)
		memcpy(c->bytes, bytes, len);
	c->len = len;
	c->sp = sp;
	c->time = time;
}

/* The sample's stack pointer: 0, or -1 when it has none. */
static int sample_sp(const struct sample *smp, uint64_t *sp)
{
	int i = smp->regs ? sample_reg_index(smp->regs_mask, PERF_REG_SP) : -1;
	if (i < 0)
		return -1;
	memcpy(sp, &smp->regs[i], sizeof(*sp));
	return 0;
}

/* Offset of the stack data in the record when the copy is the record's last field; 0 if not. */
static size_t stack_offset(const struct perf_event_header *h, const struct sample *smp)
{
	size_t off = (size_t)(smp->stack - (const unsigned char *)h);
	return off + smp->stack_size + 8 == h->size ? off : 0;
}

/* Write the stack section's size, padding and dyn_size for n bytes of data at off; the
 * record's size.  An empty copy is a zero size and nothing after it, as the kernel writes. */
static size_t close_stack(unsigned char *rec, size_t off, uint64_t n)
{
	uint64_t size = ALIGN8(n);
	memcpy(rec + off - 8, &size, 8);
	if (!n)
		return off;
	memset(rec + off + n, 0, (size_t)(size - n));
	memcpy(rec + off + size, &n, 8);
	return off + (size_t)size + 8;
}

/*
 * The runs in which a copy (dyn bytes at sp) differs from prev at the same
 * addresses, 8 bytes at a time (bytes prev does not hold differ), gaps under
 * RUN_GAP kept inside a run; at least one run.  Returns the count, the runs in
 * s->runs and their bytes in *held.
 */
static size_t diff_runs(struct stackref *s, const unsigned char *stack, uint64_t sp, size_t dyn,
			const struct copy *prev, size_t *held)
{
	size_t nr = 0, total = 0;
	for (size_t o = 0; o < dyn; o += 8) {
		size_t k = dyn - o < 8 ? dyn - o : 8;
		uint64_t a = sp + o, x, y;
		if (a >= prev->sp && a - prev->sp <= prev->len && prev->len - (a - prev->sp) >= k) {
			const unsigned char *p = prev->bytes + (a - prev->sp);
			if (k == 8) {
				memcpy(&x, stack + o, 8);
				memcpy(&y, p, 8);
				if (x == y)
					continue;
			} else if (!memcmp(stack + o, p, k)) {
				continue;
			}
		}
		struct stackimg_run *last = nr ? &s->runs[nr - 1] : NULL;
		if (last && o - (last->off + last->len) < RUN_GAP) {
			total += o + k - (last->off + last->len);
			last->len = (uint32_t)(o + k - last->off);
			continue;
		}
		ALLOC_GROW(s->runs, nr + 1, s->alloc_runs);
		s->runs[nr++] = (struct stackimg_run){ (uint32_t)o, (uint32_t)k };
		total += k;
	}
	if (!nr) { /* the same copy: keep 8 bytes (a stack section of size 0 has no count) */
		ALLOC_GROW(s->runs, 1, s->alloc_runs);
		s->runs[nr++] = (struct stackimg_run){ 0, (uint32_t)(dyn < 8 ? dyn : 8) };
		total = s->runs[0].len;
	}
	*held = total;
	return nr;
}

size_t stackref_encode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		       uint64_t regs_mask, void *out)
{
	struct sample smp;
	uint64_t sp;
	unsigned char *rec = out;
	if (h->type != PERF_RECORD_SAMPLE || sample_parse(h, st, regs_mask, &smp) || !smp.stack) {
		memmove(rec, h, h->size);
		return h->size;
	}
	const unsigned char *stack = smp.stack;
	size_t off = stack_offset(h, &smp), dyn = (size_t)smp.stack_dyn_size, nr = 0, held = dyn;
	uint64_t ref_time = 0;

	if (!sample_sp(&smp, &sp)) {
		const struct copy *prev = find(s, smp.tid);
		if (off && prev && dyn && sp + dyn >= sp) {
			nr = diff_runs(s, stack, sp, dyn, prev, &held);
			/* Worth it when the runs, their table and the footer save enough. */
			size_t patch = ALIGN8(held) + nr * sizeof(struct stackimg_run) +
				       sizeof(struct stackref_patch_footer);
			if (patch + MIN_SAVING <= ALIGN8(dyn))
				ref_time = prev->time;
			else
				nr = 0;
		}
		remember(s, smp.tid, sp, smp.time, stack, dyn);
	}
	if (!off) {
		memmove(rec, h, h->size); /* fields after the copy: left as it is */
		return h->size;
	}
	struct perf_event_header *oh = out;
	if (!nr)
		return stackref_trim(h, st, regs_mask, out); /* up to the filled part of its copy */
	/* The sample up to its copy, then the runs' bytes one after another (each lies at or
	 * past where it goes: out may be h), the table and the footer. */
	memmove(rec, h, off);
	for (size_t i = 0, pos = 0; i < nr; pos += s->runs[i].len, i++)
		memmove(rec + off + pos, stack + s->runs[i].off, s->runs[i].len);
	size_t size = close_stack(rec, off, held);
	memcpy(rec + size, s->runs, nr * sizeof(*s->runs));
	size += nr * sizeof(*s->runs);
	struct stackref_patch_footer f = { .dyn_size = dyn, .ref_time = ref_time, .nr_runs = nr };
	memcpy(rec + size, &f, sizeof(f));
	size += sizeof(f);
	oh->type = STOKE_REC_SAMPLE_PATCH;
	oh->size = (uint16_t)size;
	return size;
}

size_t stackref_trim(const struct perf_event_header *h, uint64_t st, uint64_t regs_mask,
		     void *out)
{
	struct sample smp;
	size_t off;
	if (h->type != PERF_RECORD_SAMPLE || sample_parse(h, st, regs_mask, &smp) || !smp.stack ||
	    !(off = stack_offset(h, &smp))) {
		memmove(out, h, h->size);
		return h->size;
	}
	struct perf_event_header *oh = out;
	memmove(out, h, off + (size_t)smp.stack_dyn_size);
	oh->size = (uint16_t)close_stack(out, off, smp.stack_dyn_size);
	return oh->size;
}

/* ---- reader ---------------------------------------------------------------------- */

/* The thread's last image is now img (the table takes the caller's reference). */
static void remember_img(struct stackref *s, uint32_t tid, uint64_t time, struct stack_img *img)
{
	int added;
	struct thread_img *t = htab_insert(s->imgs, tid_hash(tid), &tid, &added);
	if (added)
		t->tid = tid;
	else
		stackimg_put(t->img);
	t->img = img;
	t->time = time;
}

/* A PATCH's or DELTA's body: the sample (its first size bytes), its stack pointer, the place
 * of its copy's bytes, the runs (in s->runs) and the footer's facts. */
struct body {
	struct sample smp;
	uint64_t sp, dyn, ref_time;
	size_t size, off, nr;
};

static int parse_body(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		      uint64_t regs_mask, struct body *b)
{
	if (h->type == STOKE_REC_SAMPLE_DELTA) {
		struct stackref_footer f;
		if (h->size < sizeof(*h) + sizeof(f))
			return -EINVAL;
		b->size = h->size - sizeof(f);
		memcpy(&f, (const unsigned char *)h + b->size, sizeof(f));
		b->dyn = f.dyn_size;
		b->ref_time = f.ref_time;
		b->nr = 1;
	} else {
		struct stackref_patch_footer f;
		if (h->size < sizeof(*h) + sizeof(f))
			return -EINVAL;
		memcpy(&f, (const unsigned char *)h + h->size - sizeof(f), sizeof(f));
		size_t table = h->size - sizeof(*h) - sizeof(f);
		if (!f.nr_runs || f.nr_runs > table / sizeof(struct stackimg_run))
			return -EINVAL;
		b->nr = (size_t)f.nr_runs;
		b->size = h->size - sizeof(f) - b->nr * sizeof(struct stackimg_run);
		b->dyn = f.dyn_size;
		b->ref_time = f.ref_time;
	}
	if (sample_parse_n(h, b->size, st, regs_mask, &b->smp) || !b->smp.stack ||
	    sample_sp(&b->smp, &b->sp))
		return -EINVAL;
	b->off = (size_t)(b->smp.stack - (const unsigned char *)h);
	if (b->off + b->smp.stack_size + 8 != b->size || b->off + ALIGN8(b->dyn) + 8 > UINT16_MAX)
		return -EINVAL;
	size_t held = (size_t)b->smp.stack_dyn_size, sum = 0;
	ALLOC_GROW(s->runs, b->nr, s->alloc_runs);
	if (h->type == STOKE_REC_SAMPLE_DELTA) {
		s->runs[0] = (struct stackimg_run){ 0, (uint32_t)held };
	} else {
		memcpy(s->runs, (const unsigned char *)h + b->size, b->nr * sizeof(*s->runs));
	}
	/* Sorted, apart, inside the copy, and holding exactly the bytes given. */
	for (size_t i = 0; i < b->nr; i++) {
		const struct stackimg_run *r = &s->runs[i];
		if ((uint64_t)r->off + r->len > b->dyn ||
		    (i && r->off < (uint64_t)s->runs[i - 1].off + s->runs[i - 1].len))
			return -EINVAL;
		sum += r->len;
	}
	return sum == held ? 0 : -EINVAL;
}

int stackref_decode_img(struct stackref *s, const struct perf_event_header *h, uint64_t st,
			uint64_t regs_mask, struct stack_img **imgp, size_t *head)
{
	struct sample smp;
	uint64_t sp;

	*imgp = NULL;
	*head = 0;
	if (h->type == PERF_RECORD_SAMPLE) {
		if (sample_parse(h, st, regs_mask, &smp) || !smp.stack || sample_sp(&smp, &sp))
			return 0;
		size_t dyn = (size_t)smp.stack_dyn_size;
		const struct thread_img *prev = find_img(s, smp.tid);
		struct stackimg_run all = { 0, (uint32_t)dyn };
		/* Nothing known to be shared, but the previous frames may still help. */
		struct stack_img *img = stackimg_new(sp, dyn, &all, dyn ? 1 : 0, smp.stack, NULL,
						     prev ? prev->img : NULL);
		remember_img(s, smp.tid, smp.time, img);
		*imgp = stackimg_get(img);
		size_t off = stack_offset(h, &smp);
		*head = off ? off - 8 : 0;
		return 1;
	}
	if (h->type != STOKE_REC_SAMPLE_DELTA && h->type != STOKE_REC_SAMPLE_PATCH)
		return 0;
	struct body b;
	if (parse_body(s, h, st, regs_mask, &b))
		return -EINVAL;
	const struct thread_img *prev = find_img(s, b.smp.tid);
	struct stack_img *parent = NULL;
	size_t len = (size_t)b.dyn, nr = b.nr;
	/* The bytes between the runs come from the thread's previous copy, if it is the one
	 * the recorder had and holds them; otherwise the copy ends at its first byte that is
	 * not here. */
	uint64_t lo = 0, hi = 0; /* the span of the bytes no run holds */
	for (size_t i = 0, gap = 0; i <= nr; i++) {
		uint64_t end = i < nr ? s->runs[i].off : b.dyn;
		if (end > gap) {
			if (hi == lo)
				lo = gap;
			hi = end;
		}
		if (i < nr)
			gap = (size_t)s->runs[i].off + s->runs[i].len;
	}
	if (hi == lo) {
		len = (size_t)b.dyn; /* the runs hold it all */
	} else if (prev && prev->time == b.ref_time && b.sp + b.dyn >= b.sp &&
		   b.sp + lo >= stackimg_sp(prev->img) &&
		   b.sp + hi <= stackimg_sp(prev->img) + stackimg_len(prev->img)) {
		parent = prev->img;
	} else {
		len = (size_t)lo;
		for (nr = 0; nr < b.nr && s->runs[nr].off < len; nr++)
			;
	}
	/* The previous image is the memo's source even when it is not the parent: then the
	 * runs hold every byte, and nothing is taken as unchanged. */
	struct stack_img *img = stackimg_new(b.sp, len, s->runs, nr, b.smp.stack, parent,
					     prev ? prev->img : NULL);
	remember_img(s, b.smp.tid, b.smp.time, img);
	*imgp = stackimg_get(img);
	*head = b.off - 8;
	return 1;
}

size_t stackref_strip(const struct perf_event_header *h, size_t head, void *out)
{
	unsigned char *r = out;
	struct perf_event_header *oh = out;
	uint64_t zero = 0;
	memcpy(r, h, head);
	memcpy(r + head, &zero, 8);
	oh->type = PERF_RECORD_SAMPLE;
	oh->size = (uint16_t)(head + 8);
	return head + 8;
}

int stackref_decode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		    uint64_t regs_mask, const struct perf_event_header **out)
{
	struct stack_img *img;
	size_t head;
	int r = stackref_decode_img(s, h, st, regs_mask, &img, &head);
	if (r <= 0 || h->type == PERF_RECORD_SAMPLE) {
		stackimg_put(img);
		return r < 0 ? r : 0; /* left as it is */
	}
	/* The sample without its copy, then the whole copy. */
	if (!s->out)
		s->out = xmalloc(UINT16_MAX + 1);
	unsigned char *b = s->out;
	size_t off = stackref_strip(h, head, b), len = stackimg_len(img);
	stackimg_read(img, 0, b + off, len);
	((struct perf_event_header *)b)->size = (uint16_t)close_stack(b, off, len);
	stackimg_put(img);
	*out = (const struct perf_event_header *)b;
	return 1;
}
