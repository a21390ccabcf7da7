#include "report/script.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "report/replay.h"
#include "report/resolve.h"
#include "report/sample_filter.h"
#include "report/session.h"
#include "common/swpair.h"

#include <errno.h>
#include <string.h>

struct writer {
	const struct profile_opts *o;
	struct replay *rp;      /* the file read back: owns s and res */
	struct session *s;
	struct resolver *res;
	struct sample_filter filter;
	struct strbuf out;
	int fd;
	int err;
	struct script_stats *st;
	int srcline;            /* a "  file:line" line under each frame, as perf's -F +srcline */
	/* --event off-cpu: one block per off-CPU interval, its period the interval's length
	 * in nanoseconds and its stack the one taken at switch-out. */
	int offcpu;
	struct swpair *pair;
	struct strbuf *frames;  /* per thread slot: frames of its last context-switch sample */
	struct strbuf *head;    /* per thread slot: "comm pid/tid [cpu]" of that sample */
	unsigned char *fresh;   /* per thread slot: a sample since the last switch-out */
	size_t nr_slots, alloc_slots, alloc_heads, alloc_fresh;
};

static void flush_out(struct writer *w, size_t threshold)
{
	if (w->out.len < threshold || w->err)
		return;
	w->err = strbuf_write_fd(&w->out, w->fd);
	strbuf_reset(&w->out);
}

static void add_frame(struct strbuf *out, const struct rframe *rf, int srcline)
{
	const struct sym_frame *f = &rf->sym;
	strbuf_addf(out, "\t%16llx ", (unsigned long long)f->addr);
	if (f->name)
		strbuf_adds(out, f->name);
	else
		sym_frame_label(f, out);
	if (f->inlined)
		strbuf_adds(out, " (inlined)");
	if (rf->truncated)
		strbuf_adds(out, " ([truncated])\n");
	else if (f->kind == SYM_KERNEL)
		strbuf_addf(out, " (%s)\n", f->module ? f->module : "[kernel.kallsyms]");
	else
		strbuf_addf(out, " (%s)\n", f->path ? f->path : f->module ? f->module : "[unknown]");
	if (srcline && f->file)
		strbuf_addf(out, "  %s:%d\n", f->file, f->line);
}

static int on_sample(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h)
{
	struct writer *w = ctx;
	const struct profile_opts *o = w->o;
	(void)h;
	if (!sample_filter_event(&w->filter, ev))
		return 0;
	const char *comm = resolver_comm(w->res, s->pid, s->tid);
	if (!sample_filter_keep(&w->filter, s, comm))
		return 0;
	const struct rframe *frames;
	size_t n = resolver_sample(w->res, s, o->no_kernel, o->no_inline, &frames);
	if (w->offcpu) {
		/* Kept until the thread's switch-in says how long it was off the CPU. */
		uint32_t slot = swpair_slot(w->pair, s->tid);
		if (slot >= w->nr_slots) {
			ALLOC_GROW(w->frames, (size_t)slot + 1, w->alloc_slots);
			ALLOC_GROW(w->head, (size_t)slot + 1, w->alloc_heads);
			ALLOC_GROW(w->fresh, (size_t)slot + 1, w->alloc_fresh);
			for (size_t k = w->nr_slots; k <= slot; k++) {
				strbuf_init(&w->frames[k]);
				strbuf_init(&w->head[k]);
				w->fresh[k] = 0;
			}
			w->nr_slots = (size_t)slot + 1;
		}
		strbuf_reset(&w->frames[slot]);
		strbuf_reset(&w->head[slot]);
		strbuf_addf(&w->head[slot], "%s %u/%u [%03u]", comm, s->pid, s->tid, s->cpu);
		w->fresh[slot] = 1;
		for (size_t i = 0; i < n; i++)
			add_frame(&w->frames[slot], &frames[i], w->srcline);
		return 0;
	}
	/* perf's layout: the command name may hold spaces; the numbers follow it. */
	strbuf_addf(&w->out, "%s %u/%u [%03u] %llu.%06llu: %llu %s:\n", comm, s->pid, s->tid, s->cpu,
		    (unsigned long long)(s->time / 1000000000),
		    (unsigned long long)(s->time % 1000000000 / 1000),
		    (unsigned long long)s->period, session_event(w->s, ev)->name);
	for (size_t i = 0; i < n; i++)
		add_frame(&w->out, &frames[i], w->srcline);
	strbuf_addch(&w->out, '\n');
	w->st->samples++;
	flush_out(w, 1 << 20);
	return w->err ? 1 : 0;
}

static void write_interval(struct writer *w, const struct swpair_interval *iv)
{
	if (iv->slot >= w->nr_slots || !w->head[iv->slot].len)
		return; /* no context-switch sample (filtered out, or lost) */
	strbuf_addf(&w->out, "%s %llu.%06llu: %llu off-cpu:\n", w->head[iv->slot].buf,
		    (unsigned long long)(iv->start / 1000000000),
		    (unsigned long long)(iv->start % 1000000000 / 1000),
		    (unsigned long long)(iv->end - iv->start));
	strbuf_add(&w->out, w->frames[iv->slot].buf, w->frames[iv->slot].len);
	strbuf_addch(&w->out, '\n');
	strbuf_reset(&w->head[iv->slot]);
	w->st->samples++;
	flush_out(w, 1 << 20);
}

static void write_open(void *ctx, const struct swpair_interval *iv)
{
	write_interval(ctx, iv);
}

static int on_record(void *ctx, const struct perf_event_header *h, const struct sample_id *id)
{
	struct writer *w = ctx;
	struct swpair_switch sw;
	struct swpair_interval iv;
	(void)id;
	if (w->filter.event == -1 && (h->type == PERF_RECORD_SWITCH ||
				      h->type == PERF_RECORD_SWITCH_CPU_WIDE))
		sample_filter_select_event(&w->filter);
	if (!w->offcpu && w->filter.event >= 0 &&
	    !strcmp(session_event(w->s, (size_t)w->filter.event)->name, "off-cpu"))
		w->offcpu = 1;
	if (!w->offcpu)
		return 0;
	if (h->type == PERF_RECORD_EXIT) {
		swpair_note_exit(w->pair, h);
	} else if (swpair_decode(h, session_sample_type(w->s), &sw) == 1) {
		/* The stack of a switch-out is the sample just before it; one without is dropped. */
		uint32_t slot = swpair_slot(w->pair, sw.tid);
		if (sw.out && slot < w->nr_slots) {
			if (!w->fresh[slot])
				strbuf_reset(&w->head[slot]);
			w->fresh[slot] = 0;
		}
		if (swpair_feed(w->pair, &sw, &iv))
			write_interval(w, &iv);
	}
	return w->err ? 1 : 0;
}

int script_write(const char *path, const struct profile_opts *o, int srcline, int fd,
		 struct script_stats *st)
{
	struct writer w = { .o = o, .fd = fd, .st = st, .srcline = srcline };
	struct session_handlers hd = { on_sample, on_record, NULL, &w };

	memset(st, 0, sizeof(*st));
	strbuf_init(&w.out);
	w.rp = replay_new(o, !o->no_demangle, srcline);
	w.s = replay_session(w.rp);
	w.res = replay_resolver(w.rp);
	sample_filter_init(&w.filter, o, w.s);
	w.pair = swpair_new();
	int ret = replay_read(w.rp, path, &hd);
	if (ret >= 0 && w.offcpu) {
		struct stoke_end end;
		swpair_finish(w.pair, !session_end(w.s, &end) ? end.end_ns : session_last_time(w.s),
			      write_open, &w);
	}
	flush_out(&w, 0);
	if (ret == 1) {
		st->truncated = 1;
		st->read_error = session_error(w.s, &st->bad_offset);
		ret = 0;
	}
	if (w.err) {
		st->write_error = w.err;
		ret = w.err;
	} else if (!ret) {
		struct stoke_end end;
		const char *src = session_info(w.s, "source");
		st->no_end = session_end(w.s, &end) != 0 && (!src || strcmp(src, "perf.data"));
	}
	for (size_t k = 0; k < w.nr_slots; k++) {
		strbuf_release(&w.frames[k]);
		strbuf_release(&w.head[k]);
	}
	free(w.frames);
	free(w.head);
	free(w.fresh);
	swpair_free(w.pair);
	replay_free(w.rp);
	strbuf_release(&w.out);
	return ret;
}
