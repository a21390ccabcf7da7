#include "report/offcpu.h"
#include "common/util.h"

#include <string.h>

/* What the view keeps per thread (index: swpair_slot). */
struct ids {
	uint32_t *v;
	size_t n, alloc;
};

struct thread {
	struct ids pending;   /* stack of the last context-switch sample */
	uint64_t pending_time;
	int pending_valid, pending_kept;
	struct ids stack;     /* stack of the open interval */
	int kept;
	int open;             /* an interval is open (switched out) */
	struct ids waker;     /* who woke it, when known */
	int woken;
};

struct offcpu_view {
	struct offcpu_view_cb cb;
	struct swpair *pair;
	struct thread *th;
	size_t alloc;
	size_t nr;
};

static void ids_set(struct ids *d, const uint32_t *v, size_t n)
{
	ALLOC_GROW(d->v, n ? n : 1, d->alloc);
	if (n)
		memcpy(d->v, v, n * sizeof(*v));
	d->n = n;
}

struct offcpu_view *offcpu_view_new(const struct offcpu_view_cb *cb)
{
	struct offcpu_view *v = xcalloc(1, sizeof(*v));
	v->cb = *cb;
	v->pair = swpair_new();
	return v;
}

void offcpu_view_free(struct offcpu_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nr; i++) {
		free(v->th[i].pending.v);
		free(v->th[i].stack.v);
		free(v->th[i].waker.v);
	}
	free(v->th);
	swpair_free(v->pair);
	free(v);
}

static struct thread *thread_of(struct offcpu_view *v, uint32_t tid)
{
	uint32_t i = swpair_slot(v->pair, tid);
	if (i >= v->nr) {
		ALLOC_GROW(v->th, (size_t)i + 1, v->alloc);
		memset(v->th + v->nr, 0, ((size_t)i + 1 - v->nr) * sizeof(*v->th));
		v->nr = (size_t)i + 1;
	}
	return &v->th[i];
}

void offcpu_view_stack(struct offcpu_view *v, uint32_t tid, uint64_t time, const uint32_t *ids,
		       size_t n, int kept)
{
	struct thread *t = thread_of(v, tid);
	ids_set(&t->pending, ids, n);
	t->pending_time = time;
	t->pending_valid = 1;
	t->pending_kept = kept;
}

static void emit(struct offcpu_view *v, const struct swpair_interval *iv)
{
	struct thread *t = &v->th[iv->slot];
	struct offcpu_interval in = {
		.iv = iv, .stack = t->stack.v, .nr_stack = t->stack.n,
		.waker = t->woken ? t->waker.v : NULL, .nr_waker = t->woken ? t->waker.n : 0,
	};
	t->open = 0;
	t->woken = 0;
	v->cb.emit(v->cb.ctx, &in, t->kept);
}

void offcpu_view_switch(struct offcpu_view *v, const struct swpair_switch *sw)
{
	struct swpair_interval iv;
	struct thread *t = thread_of(v, sw->tid);
	if (swpair_feed(v->pair, sw, &iv)) {
		emit(v, &iv);
		return;
	}
	if (!sw->out)
		return;
	/* The context-switch sample comes just before its switch record. */
	if (t->pending_valid && t->pending_time <= sw->time) {
		ids_set(&t->stack, t->pending.v, t->pending.n);
		t->kept = t->pending_kept;
	} else {
		const uint32_t *ids = NULL;
		size_t n = 0;
		t->kept = v->cb.no_stack(v->cb.ctx, sw, &ids, &n);
		ids_set(&t->stack, ids, n);
	}
	t->pending_valid = 0;
	t->open = 1;
	t->woken = 0;
}

void offcpu_view_exit(struct offcpu_view *v, const void *exit_record)
{
	swpair_note_exit(v->pair, exit_record);
}

void offcpu_view_waking(struct offcpu_view *v, uint32_t wakee, const uint32_t *ids, size_t n)
{
	struct thread *t = thread_of(v, wakee);
	if (!t->open || t->woken)
		return; /* the first wakeup of a wait is the one that ended it */
	ids_set(&t->waker, ids, n);
	t->woken = 1;
}

static void emit_open(void *ctx, const struct swpair_interval *iv)
{
	emit(ctx, iv);
}

void offcpu_view_finish(struct offcpu_view *v, uint64_t end_ns)
{
	swpair_finish(v->pair, end_ns, emit_open, v);
}
