#include "common/stackimg.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 16 }; /* images under one whole one: reads walk at most this far */

struct stack_img {
	unsigned refs;
	unsigned depth;           /* images under it down to a whole one */
	int whole;                /* bytes holds the whole copy (parent is NULL) */
	uint64_t sp;              /* address of byte 0 of the copy */
	size_t len;               /* bytes of the copy */
	struct stack_img *parent; /* holds every byte no run covers */
	struct stack_img *prev;   /* the thread's previous image, until stackimg_done */
	void *aux;                /* a reader's data (freed with aux_free) */
	void (*aux_free)(void *);
	size_t nr_runs;
	struct stackimg_run *runs; /* what changed against prev (in the allocation) */
	uint32_t *at;             /* each run's first byte in bytes (not whole) */
	unsigned char *bytes;     /* the runs' bytes, or the whole copy */
};

/* The cache beside an image's bytes changes through const pointers (see stackimg.h). */
static struct stack_img *mut(const struct stack_img *img)
{
	return (struct stack_img *)(uintptr_t)img;
}

/* Index of the first run ending past off (nr_runs: none). */
static size_t run_at(const struct stack_img *img, uint64_t off)
{
	size_t lo = 0, hi = img->nr_runs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uint64_t)img->runs[mid].off + img->runs[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Bytes [off, off + n) (inside the copy) into o. */
static void img_read(const struct stack_img *img, uint64_t off, unsigned char *o, size_t n)
{
	while (n) {
		if (img->whole) {
			memcpy(o, img->bytes + off, n);
			return;
		}
		size_t i = run_at(img, off), k;
		const struct stackimg_run *r = i < img->nr_runs ? &img->runs[i] : NULL;
		if (r && r->off <= off) {
			k = (size_t)(r->off + r->len - off);
			k = k < n ? k : n;
			memcpy(o, img->bytes + img->at[i] + (off - r->off), k);
		} else {
			k = (size_t)((r ? r->off : img->len) - off);
			k = k < n ? k : n;
			img_read(img->parent, img->sp + off - img->parent->sp, o, k);
		}
		o += k;
		off += k;
		n -= k;
	}
}

struct stack_img *stackimg_new(uint64_t sp, size_t len, const struct stackimg_run *runs,
			       size_t nr_runs, const unsigned char *data, struct stack_img *parent,
			       struct stack_img *prev)
{
	size_t held = 0;
	for (size_t i = 0; i < nr_runs; i++)
		held += runs[i].len;
	int whole = !parent || parent->depth + 1 >= MAX_DEPTH;
	size_t nbytes = whole ? len : held;
	struct stack_img *img = xmalloc(sizeof(*img) + nr_runs * (sizeof(*runs) + sizeof(uint32_t)) +
					nbytes);
	*img = (struct stack_img){ .refs = 1, .whole = whole, .sp = sp, .len = len,
				   .nr_runs = nr_runs };
	img->runs = (struct stackimg_run *)(img + 1);
	img->at = (uint32_t *)(img->runs + nr_runs);
	img->bytes = (unsigned char *)(img->at + nr_runs);
	memcpy(img->runs, runs, nr_runs * sizeof(*runs));
	if (parent && !whole) {
		img->parent = stackimg_get(parent);
		img->depth = parent->depth + 1;
	}
	if (whole && parent) { /* made whole: the bytes between runs from parent */
		uint64_t gap = 0;
		for (size_t i = 0; i <= nr_runs; i++) {
			uint64_t end = i < nr_runs ? runs[i].off : len;
			if (end > gap)
				img_read(parent, sp + gap - parent->sp, img->bytes + gap, end - gap);
			if (i < nr_runs)
				gap = (uint64_t)runs[i].off + runs[i].len;
		}
	}
	for (size_t i = 0, pos = 0; i < nr_runs; pos += runs[i].len, i++) {
		img->at[i] = (uint32_t)pos;
		memcpy(img->bytes + (whole ? runs[i].off : pos), data + pos, runs[i].len);
	}
	if (prev)
		img->prev = stackimg_get(prev);
	return img;
}

struct stack_img *stackimg_get(struct stack_img *img)
{
	img->refs++;
	return img;
}

void stackimg_put(struct stack_img *img)
{
	while (img && !--img->refs) {
		struct stack_img *up = img->parent;
		stackimg_done(img);
		if (img->aux_free)
			img->aux_free(img->aux);
		free(img);
		img = up;
	}
}

void stackimg_done(const struct stack_img *img)
{
	struct stack_img *m = mut(img), *prev = m->prev;
	m->prev = NULL;
	stackimg_put(prev);
}

uint64_t stackimg_sp(const struct stack_img *img)
{
	return img->sp;
}

size_t stackimg_len(const struct stack_img *img)
{
	return img->len;
}

int stackimg_read(const struct stack_img *img, uint64_t off, void *out, size_t n)
{
	if (off > img->len || n > img->len - off)
		return -EFAULT;
	img_read(img, off, out, n);
	return 0;
}

const unsigned char *stackimg_flatten(const struct stack_img *img, struct stackimg_flat *f)
{
	enum { SLACK = 4096 }; /* room below the copy for the next ones (stacks move down) */
	uint64_t sp = img->sp;
	if (f->of && f->of == img->prev && sp >= f->base && img->len <= f->cap &&
	    sp - f->base <= f->cap - img->len) {
		/* f holds the previous image, whose bytes these are but for the runs. */
		unsigned char *dst = f->buf + (sp - f->base);
		for (size_t i = 0; i < img->nr_runs; i++) {
			const struct stackimg_run *r = &img->runs[i];
			memcpy(dst + r->off, img->bytes + (img->whole ? r->off : img->at[i]), r->len);
		}
	} else {
		uint64_t below = sp < SLACK ? sp : SLACK;
		if (img->len + below > f->cap) {
			f->cap = img->len + SLACK;
			free(f->buf);
			f->buf = xmalloc(f->cap);
		}
		f->base = sp - below;
		img_read(img, 0, f->buf + below, img->len);
	}
	f->of = img;
	return f->buf + (sp - f->base);
}

void stackimg_flat_release(struct stackimg_flat *f)
{
	free(f->buf);
	*f = (struct stackimg_flat){ 0 };
}

int stackimg_unchanged(const struct stack_img *img, uint64_t off, size_t n)
{
	if (!img->prev || off > img->len || n > img->len - off)
		return 0;
	size_t i = run_at(img, off);
	return i == img->nr_runs || img->runs[i].off >= off + n;
}

uint64_t stackimg_changed_end(const struct stack_img *img)
{
	if (!img->prev)
		return img->len;
	if (!img->nr_runs)
		return 0;
	const struct stackimg_run *r = &img->runs[img->nr_runs - 1];
	return (uint64_t)r->off + r->len;
}

void stackimg_attach(const struct stack_img *img, void *data, void (*free_fn)(void *))
{
	struct stack_img *m = mut(img);
	if (m->aux_free)
		m->aux_free(m->aux);
	m->aux = data;
	m->aux_free = free_fn;
}

void *stackimg_take_prev(const struct stack_img *img)
{
	struct stack_img *prev = img->prev;
	if (!prev)
		return NULL;
	void *data = prev->aux;
	prev->aux = NULL;
	prev->aux_free = NULL;
	return data;
}
