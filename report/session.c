#include "report/session.h"
#include "common/format.h"
#include "common/stackref.h"
#include "common/tqueue.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct id_map {
	uint64_t id;
	size_t ev;
};

struct session {
	const struct session_handlers *hd;
	struct session_event *events;
	size_t nr_events, alloc_events;
	struct id_map *ids;
	size_t nr_ids, alloc_ids;
	int ids_sorted;
	uint64_t sample_type, regs_mask;
	int mixed;             /* events with different sample_types (perf.data): see layout() */
	char **info;           /* key, value, key, value ... */
	size_t nr_info, alloc_info;
	struct stoke_end end;
	int have_end;
	uint64_t lost;
	uint64_t throttles;    /* PERF_RECORD_THROTTLE records */
	uint64_t first_time, last_time;

	struct tqueue *tq;     /* records until their round is over; aux: a rebuilt DWARF
				* sample's whole stack copy (a reference of ours), or NULL */
	struct stackref *stackref; /* DWARF recordings: threads' last stack copies */
	uint64_t round_max;    /* newest time queued in the round that ended last */
	uint64_t cur_max;      /* newest time queued since */
	int stop;
	int err;
	uint64_t err_offset;
};

static int cmp_ids(const void *a, const void *b)
{
	const struct id_map *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static long find_event(struct session *s, uint64_t id)
{
	if (!s->ids_sorted) {
		xsort(s->ids, s->nr_ids, sizeof(*s->ids), cmp_ids);
		s->ids_sorted = 1;
	}
	size_t lo = 0, hi = s->nr_ids;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->ids[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nr_ids && s->ids[lo].id == id)
		return (long)s->ids[lo].ev;
	return s->nr_events == 1 ? 0 : -1;
}

static void add_attr(struct session *s, const struct perf_event_header *h)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	size_t blen = h->size - sizeof(*h);
	uint32_t hd[2];
	if (blen < 8)
		return;
	memcpy(hd, body, 8);
	size_t attr_len = hd[0] < sizeof(struct perf_event_attr) ? hd[0] : sizeof(struct perf_event_attr);
	size_t ids_off = 8 + ALIGN8((size_t)hd[0]);
	if (ids_off + (size_t)hd[1] * 8 > blen)
		return;
	ALLOC_GROW(s->events, s->nr_events + 1, s->alloc_events);
	struct session_event *e = &s->events[s->nr_events];
	memset(e, 0, sizeof(*e));
	memcpy(&e->attr, body + 8, attr_len);
	const char *name = (const char *)body + ids_off + (size_t)hd[1] * 8;
	size_t left = blen - ids_off - (size_t)hd[1] * 8;
	e->name = xstrndup(name, strnlen(name, left));
	for (uint32_t i = 0; i < hd[1]; i++) {
		ALLOC_GROW(s->ids, s->nr_ids + 1, s->alloc_ids);
		memcpy(&s->ids[s->nr_ids].id, body + ids_off + (size_t)i * 8, 8);
		s->ids[s->nr_ids++].ev = s->nr_events;
	}
	s->ids_sorted = 0;
	if (!s->nr_events) {
		s->sample_type = e->attr.sample_type;
		s->regs_mask = e->attr.sample_regs_user;
	} else if (e->attr.sample_type != s->sample_type ||
		   e->attr.sample_regs_user != s->regs_mask) {
		s->mixed = 1;
	}
	s->nr_events++;
}

static void add_info(struct session *s, const struct perf_event_header *h)
{
	const char *p = (const char *)(h + 1), *end = (const char *)h + h->size;
	while (p < end && *p) {
		size_t kl = strnlen(p, (size_t)(end - p));
		const char *v = p + kl + 1;
		if (v >= end)
			break;
		size_t vl = strnlen(v, (size_t)(end - v));
		ALLOC_GROW(s->info, s->nr_info + 2, s->alloc_info);
		s->info[s->nr_info++] = xstrndup(p, kl);
		s->info[s->nr_info++] = xstrndup(v, vl);
		p = v + vl + 1;
	}
}

/*
 * The sample layout of the event a record belongs to.  stoke writes one layout for every
 * event; perf gives events different ones (a tracking dummy event, say) and then puts
 * PERF_SAMPLE_IDENTIFIER first in a sample and last in other records' trailer.
 */
static void layout(struct session *s, const struct perf_event_header *h, uint64_t *st,
		   uint64_t *regs)
{
	*st = s->sample_type;
	*regs = s->regs_mask;
	if (!s->mixed || !(s->sample_type & PERF_SAMPLE_IDENTIFIER) || h->size < sizeof(*h) + 8)
		return;
	uint64_t id;
	if (h->type == PERF_RECORD_SAMPLE)
		memcpy(&id, h + 1, 8);
	else
		memcpy(&id, (const unsigned char *)h + h->size - 8, 8);
	long ev = find_event(s, id);
	if (ev >= 0) {
		*st = s->events[ev].attr.sample_type;
		*regs = s->events[ev].attr.sample_regs_user;
	}
}

static void deliver(struct session *s, const struct perf_event_header *h,
		    const struct stack_img *img)
{
	uint64_t st, regs;
	if (s->stop)
		return;
	layout(s, h, &st, &regs);
	if (h->type == PERF_RECORD_SAMPLE) {
		struct sample smp;
		if (sample_parse(h, st, regs, &smp))
			return; /* a damaged sample: skip it, keep the rest */
		if (img) {
			smp.stack_img = img;
			smp.stack_dyn_size = stackimg_len(img);
		}
		long ev = find_event(s, smp.id);
		if (ev < 0)
			return;
		if (!s->first_time || smp.time < s->first_time)
			s->first_time = smp.time;
		if (smp.time > s->last_time)
			s->last_time = smp.time;
		if (s->hd->sample && s->hd->sample(s->hd->ctx, &smp, (size_t)ev, h))
			s->stop = 1;
		return;
	}
	struct sample_id sid;
	if (sample_id_parse(h, st, &sid))
		memset(&sid, 0, sizeof(sid));
	if (h->type == PERF_RECORD_LOST && h->size >= sizeof(*h) + 16) {
		uint64_t v[2];
		memcpy(v, h + 1, 16);
		s->lost += v[1];
	}
	if (h->type == PERF_RECORD_THROTTLE)
		s->throttles++;
	if (h->type == PERF_RECORD_LOST_SAMPLES && h->size >= sizeof(*h) + 8) {
		uint64_t v;
		memcpy(&v, h + 1, 8);
		s->lost += v;
	}
	if (s->hd->record && s->hd->record(s->hd->ctx, h, &sid))
		s->stop = 1;
}

static void put_img(void *img)
{
	stackimg_put(img);
}

static void deliver_queued(void *ctx, const struct perf_event_header *h, void *img)
{
	deliver(ctx, h, img);
	if (img)
		stackimg_done(img);
	stackimg_put(img);
}

/* Deliver queued records with time <= limit, in time order; keep the rest. */
static void flush(struct session *s, uint64_t limit)
{
	tqueue_release(s->tq, limit, deliver_queued, s);
}

/* Queue h (copied; a sample with an image without its copy when head says where that
 * starts) and img (the queue takes the reference). */
static void enqueue(struct session *s, const struct perf_event_header *h, struct stack_img *img,
		    size_t head)
{
	uint64_t st, regs;
	size_t size = img && head ? head + 8 : h->size, bytes;
	struct perf_event_header *q = tqueue_reserve(s->tq, size);
	if (img && head)
		stackref_strip(h, head, q);
	else
		memcpy(q, h, size);
	h = q;
	layout(s, h, &st, &regs);
	/* Only the time: the sample is parsed when it is delivered (and a damaged one dropped). */
	uint64_t t = sample_record_time(h, st);
	tqueue_commit(s->tq, h->size, t, img);
	if (t > s->cur_max)
		s->cur_max = t;
	/* A file without round markers must not grow the queue without bound. */
	tqueue_len(s->tq, &bytes);
	if (bytes > (256u << 20))
		flush(s, s->cur_max);
}

static int is_trailer_type(uint32_t type)
{
	return type == STOKE_REC_KALLSYMS || type == STOKE_REC_BUILD_ID ||
	       type == STOKE_REC_CPU_STATS || type == STOKE_REC_END;
}

static void handle_meta(struct session *s, const struct perf_event_header *h)
{
	if (h->type == STOKE_REC_ATTR)
		add_attr(s, h);
	else if (h->type == STOKE_REC_INFO)
		add_info(s, h);
	else if (h->type == STOKE_REC_END && h->size >= sizeof(*h) + sizeof(s->end)) {
		memcpy(&s->end, h + 1, sizeof(s->end));
		s->have_end = 1;
	} else if (h->type == STOKE_REC_FINISHED_ROUND) {
		flush(s, s->round_max);
		s->round_max = s->cur_max;
	}
	if (s->hd->meta && s->hd->meta(s->hd->ctx, h))
		s->stop = 1;
}

struct session *session_new(void)
{
	struct session *s = xcalloc(1, sizeof(struct session));
	s->tq = tqueue_new();
	return s;
}

int session_read(struct session *s, const char *path, const struct session_handlers *hd)
{
	struct fmt_reader *r;
	int err = fmt_reader_open(path, &r);
	if (err)
		return err;
	s->hd = hd;
	const struct perf_event_header *h;
	uint64_t nrec = 0;
	int forget_exits = fmt_reader_version(r) >= 2;

	/* The trailer (kernel symbols, build-ids, totals) first, so the samples
	 * can be resolved as they come. */
	int pre_read = fmt_reader_seek_trailer(r) == 1;
	if (pre_read) {
		while ((err = fmt_reader_next(r, &h)) > 0)
			handle_meta(s, h);
		fmt_reader_rewind(r);
	}
	while (!s->stop && (err = fmt_reader_next(r, &h)) > 0) {
		nrec++;
		if (h->type >= STOKE_REC_ATTR && h->type <= STOKE_REC_END) {
			if (pre_read && is_trailer_type(h->type))
				continue;
			handle_meta(s, h);
			continue;
		}
		if (!s->nr_events)
			continue; /* cannot decode kernel records without an ATTR */
		struct stack_img *img = NULL;
		size_t head = 0;
		if (s->sample_type & PERF_SAMPLE_STACK_USER) {
			/* DWARF samples: copies stored as deltas are put back together in file
			 * order, as images that share what they have in common (no copying). */
			if (!s->stackref)
				s->stackref = stackref_new(0);
			if (stackref_decode_img(s->stackref, h, s->sample_type, s->regs_mask, &img,
						&head) < 0)
				continue; /* a malformed delta: its sample is dropped */
			/* An exited thread's image goes, as its recorder's copy went (version 2). */
			if (forget_exits)
				stackref_exit(s->stackref, h);
		} else if (h->type == STOKE_REC_SAMPLE_DELTA || h->type == STOKE_REC_SAMPLE_PATCH) {
			continue;
		}
		enqueue(s, h, img, head);
	}
	flush(s, UINT64_MAX);
	int ret = 0;
	if (err < 0) {
		s->err = err;
		s->err_offset = fmt_reader_offset(r);
		ret = nrec ? 1 : err;
	}
	fmt_reader_free(r);
	return ret;
}

size_t session_nr_events(const struct session *s) { return s->nr_events; }
const struct session_event *session_event(const struct session *s, size_t i) { return &s->events[i]; }
uint64_t session_sample_type(const struct session *s) { return s->sample_type; }
uint64_t session_lost(const struct session *s) { return s->lost; }
uint64_t session_throttles(const struct session *s) { return s->throttles; }
uint64_t session_first_time(const struct session *s) { return s->first_time; }
uint64_t session_last_time(const struct session *s) { return s->last_time; }

const char *session_info(const struct session *s, const char *key)
{
	for (size_t i = 0; i + 1 < s->nr_info; i += 2)
		if (!strcmp(s->info[i], key))
			return s->info[i + 1];
	return NULL;
}

int session_end(const struct session *s, struct stoke_end *out)
{
	if (!s->have_end)
		return -ENOENT;
	*out = s->end;
	return 0;
}

int session_error(const struct session *s, uint64_t *offset)
{
	if (offset)
		*offset = s->err_offset;
	return s->err;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nr_events; i++)
		free(s->events[i].name);
	free(s->events);
	free(s->ids);
	for (size_t i = 0; i < s->nr_info; i++)
		free(s->info[i]);
	free(s->info);
	tqueue_free(s->tq, put_img);
	stackref_free(s->stackref);
	free(s);
}
