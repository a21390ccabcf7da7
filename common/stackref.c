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
	struct stack_img *prev;   /* the thread's previous image, until this one is done */
	size_t shared;            /* [sp + shared, sp + len) holds the previous image's bytes */
	void *aux;                /* what a reader attached (freed with aux_free) */
	void (*aux_free)(void *);
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
		stackref_img_done(img);
		if (img->aux_free)
			img->aux_free(img->aux);
		free(img);
		img = up;
	}
}

/* The cache beside an image's bytes is changed through const pointers (see stackref.h). */
static struct stack_img *mut(const struct stack_img *img)
{
	return (struct stack_img *)(uintptr_t)img;
}

void stackref_img_done(const struct stack_img *img)
{
	struct stack_img *m = mut(img), *prev = m->prev;
	m->prev = NULL;
	stackref_img_put(prev);
}

void stackref_img_attach(const struct stack_img *img, void *data, void (*free_fn)(void *))
{
	struct stack_img *m = mut(img);
	if (m->aux_free)
		m->aux_free(m->aux);
	m->aux = data;
	m->aux_free = free_fn;
}

void *stackref_img_take_prev(const struct stack_img *img, uint64_t *shared)
{
	struct stack_img *prev = img->prev;
	void *data = prev ? prev->aux : NULL;
	*shared = img->shared;
	if (prev) {
		prev->aux = NULL;
		prev->aux_free = NULL;
	}
	return data;
}

size_t stackref_img_len(const struct stack_img *img)
{
	return img->len;
}

const unsigned char *stackref_img_bytes(const struct stack_img *img, size_t *n)
{
	*n = img->lit;
	return img->bytes;
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
	*img = (struct stack_img){ .refs = 1, .sp = sp, .len = len, .lit = whole ? len : lit,
				   .shared = len };
	if (parent) {
		img->prev = parent;
		parent->refs++;
		img->shared = lit;
	}
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
			uint64_t regs_mask, struct stack_img **imgp, size_t *head)
{
	struct sample smp;
	struct stackref_footer f;
	uint64_t sp;
	size_t off;

	*imgp = NULL;
	*head = 0;
	if (h->type == PERF_RECORD_SAMPLE) {
		if (sample_parse(h, st, regs_mask, &smp) || !smp.stack || sample_sp(&smp, &sp))
			return 0;
		size_t dyn = (size_t)smp.stack_dyn_size;
		const struct thread_img *prev = htab_find(s->imgs, tid_hash(smp.tid), &smp.tid);
		struct stack_img *img = img_new(sp, smp.stack, dyn, dyn, NULL);
		if (prev) { /* nothing known to be shared, but the previous frames may still help */
			img->prev = prev->img;
			prev->img->refs++;
		}
		remember_img(s, smp.tid, smp.time, img);
		img->refs++;
		*imgp = img;
		off = stack_offset(h, &smp);
		*head = off ? off - 8 : 0;
		return 1;
	}
	if (h->type != STOKE_REC_SAMPLE_DELTA)
		return 0;
	if (h->size < sizeof(*h) + sizeof(f))
		return -EINVAL;
	/* The record without its footer is a sample whose copy is the low part. */
	size_t size = h->size - sizeof(f);
	memcpy(&f, (const unsigned char *)h + size, sizeof(f));
	if (sample_parse_n(h, size, st, regs_mask, &smp) || !smp.stack || sample_sp(&smp, &sp))
		return -EINVAL;
	off = (size_t)(smp.stack - (const unsigned char *)h);
	if (off + smp.stack_size + 8 != size)
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
	*imgp = img;
	*head = off - 8;
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
		stackref_img_put(img);
		return r < 0 ? r : 0; /* left as it is */
	}
	/* The sample without its copy, then the whole copy. */
	if (!s->out)
		s->out = xmalloc(UINT16_MAX + 1);
	unsigned char *b = s->out;
	size_t off = stackref_strip(h, head, b);
	stackref_img_read(img, 0, b + off, img->len);
	((struct perf_event_header *)b)->size = (uint16_t)close_stack(b, off, img->len);
	stackref_img_put(img);
	*out = (const struct perf_event_header *)b;
	return 1;
}
