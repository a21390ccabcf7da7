/* Records held until they can be handed on in time order. */
#include "common/tqueue.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct qent {
	uint64_t time;
	uint64_t seq; /* order queued, to keep the sort stable */
	size_t off;   /* into buf */
	void *aux;
};

struct tqueue {
	unsigned char *buf;   /* queued records, 8-byte aligned */
	size_t len, cap;
	unsigned char *spare; /* release compacts into it, then the two swap */
	size_t spare_cap;
	struct qent *q;
	size_t nr, alloc;
	uint64_t seq;
};

struct tqueue *tqueue_new(void)
{
	return xcalloc(1, sizeof(struct tqueue));
}

void tqueue_free(struct tqueue *q, void (*drop)(void *aux))
{
	if (!q)
		return;
	for (size_t i = 0; drop && i < q->nr; i++)
		drop(q->q[i].aux);
	free(q->buf);
	free(q->spare);
	free(q->q);
	free(q);
}

void *tqueue_reserve(struct tqueue *q, size_t len)
{
	len = ALIGN8(len);
	if (q->len + len > q->cap) {
		q->cap = (q->cap + len) * 2;
		q->buf = xrealloc(q->buf, q->cap);
	}
	return q->buf + q->len;
}

void tqueue_commit(struct tqueue *q, size_t len, uint64_t time, void *aux)
{
	ALLOC_GROW(q->q, q->nr + 1, q->alloc);
	q->q[q->nr++] = (struct qent){ time, q->seq++, q->len, aux };
	q->len += ALIGN8(len);
}

size_t tqueue_len(const struct tqueue *q, size_t *bytes)
{
	if (bytes)
		*bytes = q->len;
	return q->nr;
}

static int cmp_q(const void *a, const void *b)
{
	const struct qent *x = a, *y = b;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int qent_le(const struct qent *x, const struct qent *y)
{
	return x->time < y->time || (x->time == y->time && x->seq <= y->seq);
}

/*
 * Sort by (time, seq).  The queue is a concatenation of ascending runs (each ring buffer
 * delivers its records in time order), so merging the runs pairwise costs O(n log runs)
 * instead of a general sort; many short runs (a file not written by stoke) use xsort.
 */
static void sort_queue(struct tqueue *q)
{
	size_t n = q->nr, runs = 1;
	for (size_t i = 1; i < n; i++)
		runs += !qent_le(&q->q[i - 1], &q->q[i]);
	if (runs == 1)
		return;
	if (runs > 64 || runs * 16 > n) {
		xsort(q->q, n, sizeof(*q->q), cmp_q);
		return;
	}
	struct qent *src = q->q, *dst = xmalloc(n * sizeof(*dst));
	while (runs > 1) {
		size_t out = 0, i = 0;
		runs = 0;
		while (i < n) {
			size_t a = i, a_end = i + 1;
			while (a_end < n && qent_le(&src[a_end - 1], &src[a_end]))
				a_end++;
			size_t b = a_end, b_end = b < n ? b + 1 : b;
			while (b_end < n && qent_le(&src[b_end - 1], &src[b_end]))
				b_end++;
			while (a < a_end && b < b_end)
				dst[out++] = qent_le(&src[a], &src[b]) ? src[a++] : src[b++];
			while (a < a_end)
				dst[out++] = src[a++];
			while (b < b_end)
				dst[out++] = src[b++];
			i = b_end;
			runs++;
		}
		struct qent *t = src;
		src = dst;
		dst = t;
	}
	if (src != q->q) {
		memcpy(q->q, src, n * sizeof(*src));
		free(src);
	} else {
		free(dst);
	}
}

void tqueue_release(struct tqueue *q, uint64_t limit, tqueue_fn fn, void *ctx)
{
	if (!q->nr)
		return;
	sort_queue(q);
	size_t n = 0;
	for (; n < q->nr && q->q[n].time <= limit; n++)
		fn(ctx, (const struct perf_event_header *)(q->buf + q->q[n].off), q->q[n].aux);
	if (n == q->nr) {
		q->nr = 0;
		q->len = 0;
		return;
	}
	/* Compact what stays into the spare buffer (kept: a fresh one would fault its pages in
	 * again on every round). */
	if (q->spare_cap < q->cap) {
		free(q->spare);
		q->spare = xmalloc(q->cap);
		q->spare_cap = q->cap;
	}
	unsigned char *nb = q->spare;
	size_t nl = 0;
	for (size_t i = n; i < q->nr; i++) {
		const struct perf_event_header *h = (const void *)(q->buf + q->q[i].off);
		size_t size = ALIGN8((size_t)h->size);
		memcpy(nb + nl, h, size);
		q->q[i - n] = q->q[i];
		q->q[i - n].off = nl;
		nl += size;
	}
	size_t nb_cap = q->spare_cap;
	q->spare = q->buf;
	q->spare_cap = q->cap;
	q->buf = nb;
	q->cap = nb_cap;
	q->len = nl;
	q->nr -= n;
}
