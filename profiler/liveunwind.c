/* User stacks unwound while recording: a time-ordered queue, an address space, the unwinder. */
#include "profiler/liveunwind.h"
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "common/tqueue.h"
#include "common/util.h"
#include "symbolize/addrspace.h"
#include "symbolize/unwind.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#define REC_MAX 65535        /* a record's size is 16 bits */
#define SWEEP_NS 250000000ULL /* files unmapped by every process are closed this often */

struct liveunwind {
	uint64_t sample_type, regs_mask;
	struct addrspace *as;
	struct unwinder *unwinder;
	uint64_t *ips;
	struct tqueue *q;   /* records until they are older than a round's cut */
	unsigned char *out; /* the sample being handed on */
	uint32_t *exited;   /* processes whose leader exited (liveunwind_reap checks them) */
	size_t nr_exited, alloc_exited;
	struct pid_gen { uint32_t pid, gen; } *gone; /* of them, those found gone, with their
						      * generation then */
	size_t nr_gone, alloc_gone;
	uint64_t forgotten_unswept; /* processes let go since files were last swept */
	uint64_t swept_ns;          /* when */
	liveunwind_emit_fn emit; /* liveunwind_release's */
	void *emit_ctx;
	int emit_err;
	struct liveunwind_stats stats;
};

struct liveunwind *liveunwind_new(uint64_t sample_type, uint64_t regs_mask)
{
	struct liveunwind *lu = xcalloc(1, sizeof(*lu));
	lu->sample_type = sample_type;
	lu->regs_mask = regs_mask;
	lu->as = addrspace_new();
	lu->unwinder = unwind_new(lu->as, UNWIND_MEMO_BY_THREAD);
	lu->ips = xmalloc(sizeof(*lu->ips) * UNWIND_MAX_FRAMES);
	lu->out = xmalloc(REC_MAX + 1);
	lu->q = tqueue_new();
	return lu;
}

void liveunwind_free(struct liveunwind *lu)
{
	if (!lu)
		return;
	unwind_free(lu->unwinder);
	addrspace_free(lu->as); /* after its reader */
	free(lu->ips);
	tqueue_free(lu->q, NULL);
	free(lu->exited);
	free(lu->gone);
	free(lu->out);
	free(lu);
}

uint64_t liveunwind_sample_type(const struct liveunwind *lu)
{
	return lu->sample_type & ~(uint64_t)(PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER);
}

size_t liveunwind_queued(const struct liveunwind *lu, size_t *bytes)
{
	return tqueue_len(lu->q, bytes);
}

void liveunwind_get_stats(const struct liveunwind *lu, struct liveunwind_stats *st)
{
	*st = lu->stats;
}

void liveunwind_add(struct liveunwind *lu, const struct perf_event_header *h)
{
	if (h->size < sizeof(*h))
		return;
	void *at = tqueue_reserve(lu->q, h->size);
	size_t n = stackref_trim(h, lu->sample_type, lu->regs_mask, at);
	tqueue_commit(lu->q, n, sample_record_time(at, lu->sample_type), NULL);
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
		k = (int)((REC_MAX - fixed) / 8), truncated = 1; /* not the whole stack */
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

static void hand_on(void *ctx, const struct perf_event_header *h, void *aux)
{
	struct liveunwind *lu = ctx;
	const struct perf_event_header *out = h;
	(void)aux;
	if (h->type == PERF_RECORD_EXIT && h->size >= sizeof(*h) + 16) {
		uint32_t v[4]; /* pid, ppid, tid, ptid */
		memcpy(v, h + 1, sizeof(v));
		unwind_forget_thread(lu->unwinder, v[2]);
		if (v[0] == v[2] && v[0]) { /* the leader: the process may be gone (liveunwind_reap) */
			ALLOC_GROW(lu->exited, lu->nr_exited + 1, lu->alloc_exited);
			lu->exited[lu->nr_exited++] = v[0];
		}
	} else if (h->type != PERF_RECORD_SAMPLE) {
		addrspace_record(lu->as, h);
	} else {
		struct sample s;
		if (sample_parse(h, lu->sample_type, lu->regs_mask, &s))
			return; /* the kernel writes none; not one the file's layout could hold */
		int k = 0, truncated = 0;
		if (s.regs_abi && s.regs) {
			k = unwind_sample(lu->unwinder, &s, lu->ips, UNWIND_MAX_FRAMES, &truncated);
			lu->stats.samples++;
			lu->stats.truncated += k && truncated;
		}
		rewrite(lu, h, &s, k, truncated);
		out = (const struct perf_event_header *)lu->out;
	}
	int err = lu->emit(lu->emit_ctx, out);
	if (err && !lu->emit_err)
		lu->emit_err = err;
}

static void close_file(void *ctx, struct objfile *o)
{
	struct liveunwind *lu = ctx;
	unwind_drop_file(lu->unwinder, o);
	if (!objfile_close(o))
		lu->stats.files_closed++;
}

void liveunwind_close_unmapped(struct liveunwind *lu)
{
	addrspace_unmapped_files(lu->as, close_file, lu);
	lu->forgotten_unswept = 0;
}

int liveunwind_release(struct liveunwind *lu, uint64_t limit, liveunwind_emit_fn emit, void *ctx)
{
	lu->emit = emit;
	lu->emit_ctx = ctx;
	lu->emit_err = 0;
	tqueue_release(lu->q, limit, hand_on, lu);
	/* Every record of a process found gone before the cut was taken is timed before it:
	 * what was kept for it can go, unless the pid started again since (its generation moved). */
	for (size_t i = 0; i < lu->nr_gone; i++) {
		struct pid_gen g = lu->gone[i];
		if (addrspace_generation(lu->as, g.pid) != g.gen)
			continue;
		addrspace_forget(lu->as, g.pid);
		unwind_forget(lu->unwinder, g.pid);
		lu->stats.forgotten++;
		lu->forgotten_unswept++;
	}
	lu->nr_gone = 0;
	/* Files no process maps any more are closed (a deleted binary's disk space is let go),
	 * at most a few times a second: the sweep walks every map. */
	uint64_t now = now_ns();
	if (lu->forgotten_unswept && now - lu->swept_ns >= SWEEP_NS) {
		liveunwind_close_unmapped(lu);
		lu->swept_ns = now;
	}
	return lu->emit_err;
}

void liveunwind_reap(struct liveunwind *lu)
{
	size_t keep = 0;
	for (size_t i = 0; i < lu->nr_exited; i++) {
		uint32_t pid = lu->exited[i];
		if (kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
			/* Its generation now: a FORK of the pid released before the forget moves it. */
			ALLOC_GROW(lu->gone, lu->nr_gone + 1, lu->alloc_gone);
			lu->gone[lu->nr_gone++] = (struct pid_gen){ pid,
								    addrspace_generation(lu->as, pid) };
		} else {
			lu->exited[keep++] = pid; /* its other threads run on, or it is not reaped yet */
		}
	}
	lu->nr_exited = keep;
}
