/* Events of --off-cpu and --wakers, and the recorder's count of off-CPU intervals. */
#include "profiler/offcpu.h"
#include "common/sample.h"
#include "common/swpair.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

void offcpu_event(struct evspec *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", OFFCPU_EVENT);
	out->attr.type = PERF_TYPE_SOFTWARE;
	out->attr.config = PERF_COUNT_SW_CONTEXT_SWITCHES;
	out->attr.context_switch = 1;
	out->default_period = 1;
}

void offcpu_attr(const struct evspec *e, struct perf_event_attr *attr)
{
	if (e->attr.context_switch || e->attr.type == PERF_TYPE_TRACEPOINT) {
		attr->freq = 0;
		attr->sample_period = 1;
	}
}

int offcpu_needs_kernel(const struct evspec *events, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (events[i].attr.context_switch)
			return 1;
	return 0;
}

static const char *const tracefs_dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

/* Offset of field `name` in a tracefs format file, or -1. */
static long format_offset(const char *text, const char *name)
{
	for (const char *p = text; (p = strstr(p, "field:")); p++) {
		const char *semi = strchr(p, ';');
		if (!semi)
			break;
		const char *q = semi;
		size_t n = strlen(name);
		if ((size_t)(q - p) > n && !strncmp(q - n, name, n) &&
		    (q[-(long)n - 1] == ' ' || q[-(long)n - 1] == '\t')) {
			const char *off = strstr(semi, "offset:");
			if (off)
				return strtol(off + 7, NULL, 10);
		}
	}
	return -1;
}

int offcpu_waking_event(struct evspec *out, unsigned *pid_offset)
{
	char path[256], *text = NULL;
	int err = -ENOENT;
	long id = -1, off = -1;

	for (size_t i = 0; i < ARRAY_SIZE(tracefs_dirs) && id < 0; i++) {
		snprintf(path, sizeof(path), "%s/events/sched/sched_waking/id", tracefs_dirs[i]);
		int e = read_file(path, &text, NULL);
		if (e) {
			if (e == -EACCES || e == -EPERM)
				err = -EACCES;
			continue;
		}
		id = strtol(text, NULL, 10);
		free(text);
		snprintf(path, sizeof(path), "%s/events/sched/sched_waking/format", tracefs_dirs[i]);
		if (read_file(path, &text, NULL) == 0) {
			off = format_offset(text, "pid");
			free(text);
		}
	}
	if (id < 0)
		return err;
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", OFFCPU_WAKING_EVENT);
	out->attr.type = PERF_TYPE_TRACEPOINT;
	out->attr.config = (uint64_t)id;
	out->default_period = 1;
	*pid_offset = off >= 0 ? (unsigned)off : 24; /* 24 in every kernel since 4.x */

	struct perf_event_attr a = out->attr;
	a.size = sizeof(a);
	a.sample_period = 1;
	a.sample_type = PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW | PERF_SAMPLE_CALLCHAIN;
	a.disabled = 1;
	int fd = (int)syscall(__NR_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* ---- the recorder's count ------------------------------------------------ */

struct queued {
	struct swpair_switch sw;
	int is_exit;
	unsigned char exit_rec[sizeof(struct perf_event_header) + 24];
};

struct offcpu_track {
	uint64_t sample_type;
	struct swpair *pair;
	struct queued *q;
	size_t nr, alloc;
	uint64_t newest;      /* newest time queued so far */
	uint64_t round_limit; /* newest time when the previous pass ended */
	struct offcpu_stats st;
};

struct offcpu_track *offcpu_track_new(uint64_t sample_type)
{
	struct offcpu_track *t = xcalloc(1, sizeof(*t));
	t->sample_type = sample_type;
	t->pair = swpair_new();
	return t;
}

void offcpu_track_free(struct offcpu_track *t)
{
	if (!t)
		return;
	swpair_free(t->pair);
	free(t->q);
	free(t);
}

static void count(struct offcpu_track *t, const struct swpair_interval *iv)
{
	uint64_t len = iv->end - iv->start;
	t->st.intervals++;
	if (iv->preempted) {
		t->st.preempted_ns += len;
	} else {
		t->st.blocked++;
		t->st.blocked_ns += len;
	}
}

static void count_open(void *ctx, const struct swpair_interval *iv)
{
	count(ctx, iv);
}

void offcpu_track_record(struct offcpu_track *t, const void *rec)
{
	const struct perf_event_header *h = rec;
	struct queued q;
	memset(&q, 0, sizeof(q));
	if (h->type == PERF_RECORD_EXIT) {
		struct sample_id id;
		if (h->size < sizeof(*h) + 24 || sample_id_parse(h, t->sample_type, &id))
			return;
		q.is_exit = 1;
		q.sw.time = id.time;
		memcpy(q.exit_rec, h, sizeof(q.exit_rec));
		((struct perf_event_header *)q.exit_rec)->size = sizeof(q.exit_rec);
	} else if (swpair_decode(h, t->sample_type, &q.sw) != 1) {
		return;
	}
	ALLOC_GROW(t->q, t->nr + 1, t->alloc);
	t->q[t->nr++] = q;
	if (q.sw.time > t->newest)
		t->newest = q.sw.time;
}

static int cmp_time(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;
	if (x->sw.time != y->sw.time)
		return x->sw.time < y->sw.time ? -1 : 1;
	/* At one instant: an exit before the switch-out that follows it. */
	return y->is_exit - x->is_exit;
}

static void release(struct offcpu_track *t, uint64_t limit)
{
	struct swpair_interval iv;
	size_t k = 0;
	xsort(t->q, t->nr, sizeof(*t->q), cmp_time);
	while (k < t->nr && t->q[k].sw.time <= limit) {
		if (t->q[k].is_exit)
			swpair_note_exit(t->pair, (const struct perf_event_header *)t->q[k].exit_rec);
		else if (swpair_feed(t->pair, &t->q[k].sw, &iv))
			count(t, &iv);
		k++;
	}
	memmove(t->q, t->q + k, (t->nr - k) * sizeof(*t->q));
	t->nr -= k;
}

void offcpu_track_round(struct offcpu_track *t)
{
	if (t->round_limit)
		release(t, t->round_limit);
	t->round_limit = t->newest;
}

void offcpu_track_finish(struct offcpu_track *t, uint64_t end_ns, struct offcpu_stats *st)
{
	release(t, UINT64_MAX);
	swpair_finish(t->pair, end_ns, count_open, t);
	*st = t->st;
}
