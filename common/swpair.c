#include "common/swpair.h"
#include "common/sample.h"
#include "common/tidmap.h"
#include "common/util.h"

#include <errno.h>
#include <string.h>

struct thread_state {
	uint32_t pid, tid;
	uint64_t out_time; /* 0: on a CPU (or unknown) */
	int preempt;
	int exited;        /* saw its EXIT: the next switch-out is its last */
};

struct swpair {
	struct tidmap *map;
	struct thread_state *th;
	size_t alloc;
};

int swpair_decode(const struct perf_event_header *h, uint64_t sample_type, struct swpair_switch *sw)
{
	struct sample_id id;
	if (h->type != PERF_RECORD_SWITCH && h->type != PERF_RECORD_SWITCH_CPU_WIDE)
		return 0;
	if (sample_id_parse(h, sample_type, &id))
		return -EINVAL;
	/* CPU-wide records also carry next_prev_pid/tid (the other task), which
	 * pairing does not need: the sample_id is the task switching. */
	if (h->type == PERF_RECORD_SWITCH_CPU_WIDE && h->size < sizeof(*h) + 8 + sample_id_size(sample_type))
		return -EINVAL;
	if (!id.tid)
		return 0; /* the idle task */
	memset(sw, 0, sizeof(*sw));
	sw->pid = id.pid;
	sw->tid = id.tid;
	sw->time = id.time;
	sw->cpu = id.cpu;
	sw->out = !!(h->misc & PERF_RECORD_MISC_SWITCH_OUT);
	sw->preempt = sw->out && (h->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT);
	return 1;
}

struct swpair *swpair_new(void)
{
	struct swpair *p = xcalloc(1, sizeof(*p));
	p->map = tidmap_new();
	return p;
}

void swpair_free(struct swpair *p)
{
	if (!p)
		return;
	tidmap_free(p->map);
	free(p->th);
	free(p);
}

uint32_t swpair_slot(struct swpair *p, uint32_t tid)
{
	int fresh;
	uint32_t i = tidmap_get(p->map, tid, &fresh);
	if (fresh) {
		ALLOC_GROW(p->th, (size_t)i + 1, p->alloc);
		memset(&p->th[i], 0, sizeof(p->th[i]));
		p->th[i].tid = tid;
	}
	return i;
}

int swpair_feed(struct swpair *p, const struct swpair_switch *sw, struct swpair_interval *iv)
{
	uint32_t i = swpair_slot(p, sw->tid);
	struct thread_state *t = &p->th[i];
	t->pid = sw->pid;
	if (sw->out && t->exited) {
		t->out_time = 0;
		return 0;
	}
	if (!sw->out)
		t->exited = 0; /* a reused tid */
	if (sw->out) {
		t->out_time = sw->time ? sw->time : 1;
		t->preempt = sw->preempt;
		return 0;
	}
	if (!t->out_time)
		return 0;
	iv->pid = t->pid;
	iv->tid = t->tid;
	iv->start = t->out_time;
	iv->end = sw->time > t->out_time ? sw->time : t->out_time;
	iv->preempted = t->preempt;
	iv->slot = i;
	t->out_time = 0;
	return 1;
}

void swpair_note_exit(struct swpair *p, const struct perf_event_header *h)
{
	/* { u32 pid, ppid, tid, ptid; u64 time; } */
	uint32_t v[4];
	if (h->type != PERF_RECORD_EXIT || h->size < sizeof(*h) + sizeof(v))
		return;
	memcpy(v, h + 1, sizeof(v));
	if (!v[2])
		return;
	uint32_t i = swpair_slot(p, v[2]);
	p->th[i].exited = 1;
	p->th[i].out_time = 0;
}

void swpair_finish(struct swpair *p, uint64_t end,
		   void (*fn)(void *ctx, const struct swpair_interval *iv), void *ctx)
{
	size_t n = tidmap_count(p->map);
	for (size_t i = 0; i < n; i++) {
		struct thread_state *t = &p->th[i];
		if (!t->out_time)
			continue;
		struct swpair_interval iv = {
			.pid = t->pid, .tid = t->tid, .start = t->out_time,
			.end = end > t->out_time ? end : t->out_time,
			.preempted = t->preempt, .slot = (uint32_t)i,
		};
		t->out_time = 0;
		fn(ctx, &iv);
	}
}
