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

struct stackref {
	struct htab *copies;    /* struct copy by tid; the bytes are ours */
	size_t max_bytes, bytes; /* bound (0: none) and what the copies hold */
	unsigned char *out;     /* stackref_decode's record */
};

struct stackref *stackref_new(size_t max_bytes)
{
	struct stackref *s = xcalloc(1, sizeof(*s));
	s->max_bytes = max_bytes;
	s->copies = htab_new(sizeof(struct copy), sizeof(uint32_t), 64, NULL, NULL);
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

int stackref_decode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		    uint64_t regs_mask, const struct perf_event_header **out)
{
	struct sample smp;
	struct stackref_footer f;
	uint64_t sp;
	size_t off;

	if (h->type == PERF_RECORD_SAMPLE) {
		if (!sample_parse(h, st, regs_mask, &smp) && smp.stack && !sample_sp(&smp, &sp))
			remember(s, smp.tid, sp, smp.time, smp.stack, (size_t)smp.stack_dyn_size);
		return 0;
	}
	if (h->type != STOKE_REC_SAMPLE_DELTA)
		return 0;
	if (h->size < sizeof(*h) + sizeof(f))
		return -EINVAL;
	if (!s->out)
		s->out = xmalloc(UINT16_MAX + 1);
	/* The record without its footer, where it will be completed. */
	unsigned char *rec = s->out;
	struct perf_event_header *oh = (struct perf_event_header *)rec;
	memcpy(rec, h, h->size);
	memcpy(&f, rec + h->size - sizeof(f), sizeof(f));
	oh->type = PERF_RECORD_SAMPLE;
	oh->size = (uint16_t)(h->size - sizeof(f));
	if (sample_parse(oh, st, regs_mask, &smp) || !smp.stack || sample_sp(&smp, &sp) ||
	    !(off = stack_offset(oh, &smp)))
		return -EINVAL;
	size_t lit = (size_t)smp.stack_dyn_size;
	if (f.dyn_size < lit || off + ALIGN8(f.dyn_size) + 8 > UINT16_MAX)
		return -EINVAL;
	size_t dyn = lit;
	const struct copy *prev = find(s, smp.tid);
	/* The rest comes from the thread's previous copy, if it is the one the recorder had. */
	if (prev && prev->time == f.ref_time && sp + lit >= prev->sp &&
	    sp + f.dyn_size <= prev->sp + prev->len && sp + f.dyn_size >= sp) {
		dyn = (size_t)f.dyn_size;
		memcpy(rec + off + lit, prev->bytes + (sp + lit - prev->sp), dyn - lit);
	}
	oh->size = (uint16_t)close_stack(rec, off, dyn);
	remember(s, smp.tid, sp, smp.time, rec + off, dyn);
	*out = oh;
	return 1;
}
