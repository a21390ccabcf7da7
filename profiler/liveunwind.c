/* User stacks unwound while recording: a time-ordered queue, an address space, the unwinder. */
#include "profiler/liveunwind.h"
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "common/util.h"
#include "symbolize/addrspace.h"
#include "symbolize/unwind.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_USER_FRAMES 1024 /* as many as a report unwinds (report/resolve.c) */
#define REC_MAX 65535        /* a record's size is 16 bits */

struct qent {
	uint64_t time;
	uint64_t seq; /* queue order, for equal times */
	size_t off;   /* into buf */
};

struct liveunwind {
	uint64_t sample_type, regs_mask;
	struct addrspace *as;
	struct unwinder *unwinder;
	uint64_t *ips;
	unsigned char *buf, *spare; /* queued records, 8-byte aligned; release compacts into spare */
	size_t len, cap, spare_cap;
	struct qent *q;
	size_t nr_q, alloc_q;
	uint64_t seq;
	unsigned char *out; /* the sample being handed on */
	struct liveunwind_stats stats;
};

struct liveunwind *liveunwind_new(uint64_t sample_type, uint64_t regs_mask)
{
	struct liveunwind *lu = xcalloc(1, sizeof(*lu));
	lu->sample_type = sample_type;
	lu->regs_mask = regs_mask;
	lu->as = addrspace_new();
	lu->unwinder = unwind_new(lu->as, 0);
	lu->ips = xmalloc(sizeof(*lu->ips) * MAX_USER_FRAMES);
	lu->out = xmalloc(REC_MAX + 1);
	return lu;
}

void liveunwind_free(struct liveunwind *lu)
{
	if (!lu)
		return;
	unwind_free(lu->unwinder);
	addrspace_free(lu->as); /* after its reader */
	free(lu->ips);
	free(lu->buf);
	free(lu->spare);
	free(lu->q);
	free(lu->out);
	free(lu);
}

uint64_t liveunwind_sample_type(const struct liveunwind *lu)
{
	return lu->sample_type & ~(uint64_t)(PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER);
}

size_t liveunwind_queued(const struct liveunwind *lu, size_t *bytes)
{
	if (bytes)
		*bytes = lu->len;
	return lu->nr_q;
}

void liveunwind_get_stats(const struct liveunwind *lu, struct liveunwind_stats *st)
{
	*st = lu->stats;
}

static uint64_t record_time(const struct liveunwind *lu, const struct perf_event_header *h)
{
	if (h->type == PERF_RECORD_SAMPLE) {
		struct sample s;
		return sample_parse(h, lu->sample_type, lu->regs_mask, &s) ? 0 : s.time;
	}
	struct sample_id id;
	return !sample_id_parse(h, lu->sample_type, &id) && id.valid ? id.time : 0;
}

void liveunwind_add(struct liveunwind *lu, const struct perf_event_header *h)
{
	if (h->size < sizeof(*h))
		return;
	size_t need = lu->len + ALIGN8((size_t)h->size);
	if (need > lu->cap) {
		lu->cap = need > 2 * lu->cap ? need : 2 * lu->cap;
		lu->buf = xrealloc(lu->buf, lu->cap);
	}
	size_t n = stackref_trim(h, lu->sample_type, lu->regs_mask, lu->buf + lu->len);
	ALLOC_GROW(lu->q, lu->nr_q + 1, lu->alloc_q);
	lu->q[lu->nr_q++] = (struct qent){ record_time(lu, h), lu->seq++, lu->len };
	lu->len += ALIGN8(n);
}

/* Bytes of the sample fields before the callchain, header included. */
static size_t callchain_offset(uint64_t st)
{
	static const uint64_t before = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				       PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |
				       PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD;
	return sizeof(struct perf_event_header) + 8 * (size_t)__builtin_popcountll(st & before);
}

/*
 * Sample h (parsed: s) without registers and copy into lu->out: the fields before the
 * callchain, the kernel's part of it, PERF_CONTEXT_USER and the k unwound addresses, the
 * marker when truncated, the raw data.  Returns its size.
 */
static size_t rewrite(struct liveunwind *lu, const struct perf_event_header *h,
		      const struct sample *s, int k, int truncated)
{
	size_t pre = callchain_offset(lu->sample_type);
	uint64_t nk = 0;
	while (nk < s->nr_callchain && s->callchain[nk] != PERF_CONTEXT_USER)
		nk++; /* the kernel's part (it is asked for no user part) */
	size_t raw = s->raw ? 4 + (size_t)s->raw_size : 0;
	size_t fixed = pre + 8 + (size_t)nk * 8 + raw + 16;
	if (fixed > REC_MAX)
		nk = 0;
	else if (k && fixed + 8 * (size_t)k > REC_MAX)
		k = (int)((REC_MAX - fixed) / 8);
	uint64_t nr = nk + (k ? 1 + (uint64_t)k : 0) + (k && truncated), ctx = PERF_CONTEXT_USER;
	unsigned char *o = lu->out;
	memcpy(o, h, pre);
	size_t at = pre;
	memcpy(o + at, &nr, 8);
	at += 8;
	memcpy(o + at, s->callchain, (size_t)nk * 8);
	at += (size_t)nk * 8;
	if (k) {
		memcpy(o + at, &ctx, 8);
		memcpy(o + at + 8, lu->ips, (size_t)k * 8);
		at += 8 + (size_t)k * 8;
		if (truncated) {
			ctx = STOKE_CONTEXT_TRUNCATED;
			memcpy(o + at, &ctx, 8);
			at += 8;
		}
	}
	if (raw) {
		memcpy(o + at, s->raw - 4, raw);
		at += raw;
	}
	struct perf_event_header *oh = (struct perf_event_header *)o;
	oh->size = (uint16_t)at;
	return at;
}

static int hand_on(struct liveunwind *lu, const struct perf_event_header *h,
		   liveunwind_emit_fn emit, void *ctx)
{
	if (h->type != PERF_RECORD_SAMPLE) {
		addrspace_record(lu->as, h);
		return emit(ctx, h);
	}
	struct sample s;
	if (sample_parse(h, lu->sample_type, lu->regs_mask, &s))
		return 0; /* the kernel writes none; not one the file's layout could hold */
	int k = 0, truncated = 0;
	if (s.regs_abi && s.regs) {
		k = unwind_sample(lu->unwinder, &s, lu->ips, MAX_USER_FRAMES, &truncated);
		lu->stats.samples++;
		lu->stats.truncated += k && truncated;
	}
	rewrite(lu, h, &s, k, truncated);
	return emit(ctx, (const struct perf_event_header *)lu->out);
}

static int cmp_qent(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

int liveunwind_release(struct liveunwind *lu, uint64_t cut, liveunwind_emit_fn emit, void *ctx)
{
	int err = 0;
	size_t i = 0;
	xsort(lu->q, lu->nr_q, sizeof(*lu->q), cmp_qent);
	for (; i < lu->nr_q && lu->q[i].time < cut; i++) {
		int e = hand_on(lu, (const struct perf_event_header *)(lu->buf + lu->q[i].off), emit,
				ctx);
		if (e && !err)
			err = e;
	}
	/* What waits for the next round moves to the front. */
	size_t left = 0;
	for (size_t j = i; j < lu->nr_q; j++)
		left += ALIGN8((size_t)((const struct perf_event_header *)(lu->buf + lu->q[j].off))->size);
	if (left > lu->spare_cap) {
		lu->spare_cap = left;
		lu->spare = xrealloc(lu->spare, left);
	}
	size_t at = 0;
	for (size_t j = i; j < lu->nr_q; j++) {
		const struct perf_event_header *h = (const void *)(lu->buf + lu->q[j].off);
		size_t n = ALIGN8((size_t)h->size);
		memcpy(lu->spare + at, h, n);
		lu->q[j - i] = (struct qent){ lu->q[j].time, lu->q[j].seq, at };
		at += n;
	}
	lu->nr_q -= i;
	unsigned char *b = lu->buf;
	size_t c = lu->cap;
	lu->buf = lu->spare;
	lu->cap = lu->spare_cap;
	lu->spare = b;
	lu->spare_cap = c;
	lu->len = at;
	return err;
}
