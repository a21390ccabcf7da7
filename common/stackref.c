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

/* A thread's last whole copy (an entry of the table, keyed by tid). */
struct copy {
	uint32_t tid;
	uint64_t sp, time;
	size_t len, cap;
	unsigned char *bytes;
};

/*
 * A reader's copy, put back together without copying what it shares: its own
 * low part, then the image it refers to, which holds the rest at the same
 * addresses.  Chains are cut at MAX_DEPTH by making one image whole.
 */
struct stack_img {
	unsigned refs;
	unsigned depth;           /* images above it in its chain */
	uint64_t sp;              /* address of byte 0 of the copy */
	size_t len;               /* bytes of the whole copy */
	size_t lit;               /* bytes held here: [sp, sp + lit) */
	struct stack_img *parent; /* holds [sp + lit, sp + len); NULL when lit == len */
	unsigned char bytes[];
};
enum { MAX_DEPTH = 16 };

/* A reader's thread: its last image (the table holds a reference). */
struct thread_img {
	uint32_t tid;
	uint64_t time;
	struct stack_img *img;
};

struct stackref {
	struct htab *copies;    /* struct copy by tid; the bytes are ours */
	size_t max_bytes, bytes; /* bound (0: none) and what the copies hold */
	struct htab *imgs;      /* reader: struct thread_img by tid */
	unsigned char *out;     /* the decoders' record */
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
		stackref_img_put(t->img);
	htab_free(s->imgs);
	free(s->out);
	free(s);
}

static uint64_t tid_hash(uint32_t tid)
{
	return tid * 0x9e3779b1u;
}

static const struct copy *find(const struct stackref *s, uint32_t tid)
{
	return htab_find(s->copies, tid_hash(tid), &tid);
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
	size_t off = stack_offset(h, &smp), dyn = (size_t)smp.stack_dyn_size, lit = dyn;
	uint64_t ref_time = 0;

	if (!sample_sp(&smp, &sp)) {
		/* Compare 8 bytes at a time down from the top of the copy, while the previous
		 * copy holds the same addresses; keep at least 8 (a stack section of size 0
		 * has no room for the byte count). */
		const struct copy *prev = find(s, smp.tid);
		if (off && prev && sp + dyn >= sp && sp + dyn <= prev->sp + prev->len) {
			uint64_t low = sp > prev->sp ? sp : prev->sp;
			while (lit >= 16 && sp + lit - 8 >= low &&
			       !memcmp(stack + lit - 8, prev->bytes + (sp + lit - 8 - prev->sp), 8))
				lit -= 8;
			if (dyn - lit >= MIN_SAVING)
				ref_time = prev->time;
			else
				lit = dyn;
		}
		remember(s, smp.tid, sp, smp.time, stack, dyn);
	}
	if (!off) {
		memmove(rec, h, h->size); /* fields after the copy: left as it is */
		return h->size;
	}
	memmove(rec, h, off + lit); /* the sample up to the kept part of its copy */
	struct perf_event_header *oh = out;
	size_t size = close_stack(rec, off, lit);
	if (lit < dyn) {
		struct stackref_footer f = { .dyn_size = dyn, .ref_time = ref_time };
		memcpy(rec + size, &f, sizeof(f));
		size += sizeof(f);
		oh->type = STOKE_REC_SAMPLE_DELTA;
	}
	oh->size = (uint16_t)size;
	return size;
}

/* ---- reader: images ---------------------------------------------------------- */

void stackref_img_put(struct stack_img *img)
{
	while (img && !--img->refs) {
		struct stack_img *up = img->parent;
		free(img);
		img = up;
	}
}

size_t stackref_img_len(const struct stack_img *img)
{
	return img->len;
}

int stackref_img_read(const struct stack_img *img, uint64_t off, void *out, size_t n)
{
	if (off > img->len || n > img->len - off)
		return -EFAULT;
	uint64_t a = img->sp + off; /* a parent's addresses do not wrap (checked when made) */
	unsigned char *o = out;
	while (n) {
		if (a - img->sp < img->lit) { /* a >= img->sp: each parent starts at or below a */
			size_t k = img->lit - (size_t)(a - img->sp);
			if (k > n)
				k = n;
			memcpy(o, img->bytes + (a - img->sp), k);
			o += k;
			a += k;
			n -= k;
		} else if (!(img = img->parent)) {
			return -EFAULT;
		}
	}
	return 0;
}

/* An image of len bytes at sp: lit bytes from bytes, the rest from parent (a new reference
 * taken), or the whole copy here when the chain is long. */
static struct stack_img *img_new(uint64_t sp, const unsigned char *bytes, size_t lit, size_t len,
				 struct stack_img *parent)
{
	int whole = lit == len || parent->depth + 1 >= MAX_DEPTH;
	struct stack_img *img = xmalloc(sizeof(*img) + (whole ? len : lit));
	*img = (struct stack_img){ .refs = 1, .sp = sp, .len = len, .lit = whole ? len : lit };
	memcpy(img->bytes, bytes, lit);
	if (whole && lit < len) /* cannot fail: the parent holds these addresses */
		stackref_img_read(parent, sp + lit - parent->sp, img->bytes + lit, len - lit);
	if (!whole) {
		img->parent = parent;
		img->depth = parent->depth + 1;
		parent->refs++;
	}
	return img;
}

/* The thread's last image is now img (the table takes the caller's reference). */
static void remember_img(struct stackref *s, uint32_t tid, uint64_t time, struct stack_img *img)
{
	int added;
	struct thread_img *t = htab_insert(s->imgs, tid_hash(tid), &tid, &added);
	if (added)
		t->tid = tid;
	else
		stackref_img_put(t->img);
	t->img = img;
	t->time = time;
}

int stackref_decode_img(struct stackref *s, const struct perf_event_header *h, uint64_t st,
			uint64_t regs_mask, const struct perf_event_header **rec,
			struct stack_img **imgp)
{
	struct sample smp;
	struct stackref_footer f;
	uint64_t sp;
	size_t off;

	*rec = h;
	*imgp = NULL;
	if (h->type == PERF_RECORD_SAMPLE) {
		if (!sample_parse(h, st, regs_mask, &smp) && smp.stack && !sample_sp(&smp, &sp)) {
			size_t dyn = (size_t)smp.stack_dyn_size;
			remember_img(s, smp.tid, smp.time, img_new(sp, smp.stack, dyn, dyn, NULL));
		}
		return 0;
	}
	if (h->type != STOKE_REC_SAMPLE_DELTA)
		return 0;
	if (h->size < sizeof(*h) + sizeof(f))
		return -EINVAL;
	if (!s->out)
		s->out = xmalloc(UINT16_MAX + 1);
	/* The record without its footer: a sample whose copy is the low part. */
	unsigned char *r = s->out;
	struct perf_event_header *oh = (struct perf_event_header *)r;
	memcpy(r, h, h->size);
	memcpy(&f, r + h->size - sizeof(f), sizeof(f));
	oh->type = PERF_RECORD_SAMPLE;
	oh->size = (uint16_t)(h->size - sizeof(f));
	if (sample_parse(oh, st, regs_mask, &smp) || !smp.stack || sample_sp(&smp, &sp) ||
	    !(off = stack_offset(oh, &smp)))
		return -EINVAL;
	size_t lit = (size_t)smp.stack_dyn_size;
	if (f.dyn_size < lit || off + ALIGN8(f.dyn_size) + 8 > UINT16_MAX)
		return -EINVAL;
	size_t dyn = lit;
	const struct thread_img *prev = htab_find(s->imgs, tid_hash(smp.tid), &smp.tid);
	struct stack_img *parent = NULL;
	/* The rest comes from the thread's previous copy, if it is the one the recorder had. */
	if (prev && prev->time == f.ref_time && sp + lit >= prev->img->sp &&
	    sp + f.dyn_size <= prev->img->sp + prev->img->len && sp + f.dyn_size >= sp) {
		dyn = (size_t)f.dyn_size;
		parent = prev->img;
	}
	struct stack_img *img = img_new(sp, smp.stack, lit, dyn, parent);
	remember_img(s, smp.tid, smp.time, img);
	img->refs++;
	*rec = oh;
	*imgp = img;
	return 1;
}

int stackref_decode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		    uint64_t regs_mask, const struct perf_event_header **out)
{
	struct stack_img *img;
	const struct perf_event_header *rec;
	struct sample smp;
	int r = stackref_decode_img(s, h, st, regs_mask, &rec, &img);
	if (r <= 0)
		return r;
	/* The whole copy into the record (s->out, where the low part already is). */
	unsigned char *b = s->out;
	if (sample_parse(rec, st, regs_mask, &smp)) {
		stackref_img_put(img);
		return -EINVAL;
	}
	size_t off = stack_offset(rec, &smp), lit = (size_t)smp.stack_dyn_size;
	stackref_img_read(img, lit, b + off + lit, img->len - lit);
	((struct perf_event_header *)b)->size = (uint16_t)close_stack(b, off, img->len);
	stackref_img_put(img);
	*out = rec;
	return 1;
}
