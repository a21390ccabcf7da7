/* Pairing of switch records into off-CPU intervals (common/swpair.h), the recorder's
 * round-by-round count of them (profiler/offcpu.h), and raw tracepoint data in samples. */
#include "common/sample.h"
#include "common/swpair.h"
#include "profiler/offcpu.h"
#include "report/report_text.h"
#include "t.h"

#include <stdint.h>

#define ST (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | \
	    PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD)

/* A PERF_RECORD_SWITCH (cpu_wide: _CPU_WIDE) with its sample_id trailer. */
struct rec {
	struct perf_event_header h;
	uint64_t body[8];
};

static void make_switch(struct rec *r, int cpu_wide, uint32_t tid, uint64_t time, uint32_t cpu,
			int out, int preempt)
{
	struct sample_id id = { .pid = 100, .tid = tid, .time = time, .cpu = cpu, .id = 7 };
	memset(r, 0, sizeof(*r));
	r->h.type = cpu_wide ? PERF_RECORD_SWITCH_CPU_WIDE : PERF_RECORD_SWITCH;
	r->h.misc = (uint16_t)((out ? PERF_RECORD_MISC_SWITCH_OUT : 0) |
			       (preempt ? PERF_RECORD_MISC_SWITCH_OUT_PREEMPT : 0));
	size_t off = cpu_wide ? 8 : 0; /* next_prev_pid, next_prev_tid */
	size_t n = sample_id_write((unsigned char *)r->body + off, ST, &id);
	r->h.size = (uint16_t)(sizeof(r->h) + off + n);
}

static void make_exit(struct rec *r, uint32_t tid, uint64_t time)
{
	struct sample_id id = { .pid = 100, .tid = tid, .time = time, .id = 7 };
	uint32_t v[4] = { 100, 1, tid, 1 };
	memset(r, 0, sizeof(*r));
	r->h.type = PERF_RECORD_EXIT;
	memcpy(r->body, v, 16);
	r->body[2] = time;
	size_t n = sample_id_write(&r->body[3], ST, &id);
	r->h.size = (uint16_t)(sizeof(r->h) + 24 + n);
}

static uint64_t open_total;
static void add_open(void *ctx, const struct swpair_interval *iv)
{
	(void)ctx;
	open_total += iv->end - iv->start;
}

static void test_pairing(void)
{
	struct swpair *p = swpair_new();
	struct swpair_switch sw;
	struct swpair_interval iv;
	struct rec r;

	make_switch(&r, 0, 0, 5, 0, 1, 0);
	T_EQ_INT(swpair_decode(&r.h, ST, &sw), 0, "the idle task's switches are not a thread's");
	make_switch(&r, 1, 11, 1000, 0, 1, 0);
	T_EQ_INT(swpair_decode(&r.h, ST, &sw), 1, "CPU-wide switch-out decodes");
	T_OK(sw.out && !sw.preempt && sw.tid == 11 && sw.time == 1000 && sw.cpu == 0,
	     "... thread, time, CPU, direction from the sample_id and misc");
	T_EQ_INT(swpair_feed(p, &sw, &iv), 0, "a switch-out opens an interval");
	/* Back on another CPU: paired by thread, not by CPU. */
	make_switch(&r, 0, 11, 3500, 1, 0, 0);
	swpair_decode(&r.h, ST, &sw);
	T_EQ_INT(swpair_feed(p, &sw, &iv), 1, "its switch-in on another CPU closes it");
	T_OK(iv.tid == 11 && iv.start == 1000 && iv.end == 3500 && !iv.preempted,
	     "... 2500 ns blocked");

	make_switch(&r, 0, 12, 4000, 0, 0, 0);
	swpair_decode(&r.h, ST, &sw);
	T_EQ_INT(swpair_feed(p, &sw, &iv), 0, "a first switch-in (no switch-out before) is ignored");
	make_switch(&r, 0, 12, 5000, 0, 1, 1);
	swpair_decode(&r.h, ST, &sw);
	T_OK(sw.preempt, "the PREEMPT bit decodes");
	swpair_feed(p, &sw, &iv);
	make_switch(&r, 0, 12, 5200, 0, 0, 0);
	swpair_decode(&r.h, ST, &sw);
	int closed = swpair_feed(p, &sw, &iv);
	T_OK(closed == 1 && iv.preempted && iv.end - iv.start == 200,
	     "a preempted switch-out gives a preempted interval");

	/* Duplicated switch-out (a lost switch-in): the later one starts the interval. */
	make_switch(&r, 0, 13, 6000, 0, 1, 0);
	swpair_decode(&r.h, ST, &sw);
	swpair_feed(p, &sw, &iv);
	make_switch(&r, 0, 13, 7000, 0, 1, 0);
	swpair_decode(&r.h, ST, &sw);
	swpair_feed(p, &sw, &iv);
	make_switch(&r, 0, 13, 7100, 0, 0, 0);
	swpair_decode(&r.h, ST, &sw);
	closed = swpair_feed(p, &sw, &iv);
	T_OK(closed == 1 && iv.start == 7000, "a repeated switch-out restarts the interval");

	/* An exited thread's last switch-out opens nothing; a thread still out counts to the end. */
	make_exit(&r, 14, 8000);
	swpair_note_exit(p, &r.h);
	make_switch(&r, 0, 14, 8001, 0, 1, 0);
	swpair_decode(&r.h, ST, &sw);
	swpair_feed(p, &sw, &iv);
	make_switch(&r, 0, 15, 9000, 0, 1, 0);
	swpair_decode(&r.h, ST, &sw);
	swpair_feed(p, &sw, &iv);
	swpair_finish(p, 10000, add_open, NULL);
	T_EQ_INT(open_total, 1000, "at the end: the thread still out counts to the end, the exited one not at all");
	swpair_free(p);
}

static void test_track(void)
{
	/* Two rings drained in turn: thread 21 leaves on CPU 0 at 100, comes back on CPU 1
	 * at 300, leaves there at 400, returns on CPU 0 at 1000.  Ring 0 (100, 1000) is read
	 * before ring 1 (300, 400): file order is not time order. */
	struct offcpu_track *t = offcpu_track_new(ST);
	struct offcpu_stats st;
	struct rec r;
	make_switch(&r, 0, 21, 100, 0, 1, 0);
	offcpu_track_record(t, &r);
	make_switch(&r, 0, 21, 1000, 0, 0, 0);
	offcpu_track_record(t, &r);
	make_switch(&r, 0, 21, 300, 1, 0, 0);
	offcpu_track_record(t, &r);
	make_switch(&r, 0, 21, 400, 1, 1, 1);
	offcpu_track_record(t, &r);
	offcpu_track_round(t);
	make_switch(&r, 0, 22, 1500, 1, 1, 0);
	offcpu_track_record(t, &r);
	offcpu_track_round(t);
	offcpu_track_finish(t, 2000, &st);
	T_EQ_INT(st.intervals, 3, "the recorder pairs records across rings in time order: 3 intervals");
	T_EQ_INT(st.blocked_ns, 200 + 500, "... 200 ns blocked, and 500 ns for the thread still out at the end");
	T_EQ_INT(st.preempted_ns, 600, "... 600 ns preempted");
	offcpu_track_free(t);
}

static void test_raw(void)
{
	/* IDENTIFIER TID TIME CALLCHAIN RAW: a tracepoint sample. */
	uint64_t st = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
		      PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW;
	unsigned char buf[256] = { 0 };
	struct perf_event_header *h = (void *)buf;
	uint64_t *q = (uint64_t *)(h + 1);
	*q++ = 7;
	*q++ = 5 | (6ULL << 32);
	*q++ = 123;
	*q++ = 1;
	*q++ = 0x401000;
	uint32_t raw_size = 36; /* 4 + 36 = 40, a multiple of 8 */
	memcpy(q, &raw_size, 4);
	unsigned char *raw = (unsigned char *)q + 4;
	int32_t pid = 4242;
	memcpy(raw + 24, &pid, 4);
	h->type = PERF_RECORD_SAMPLE;
	h->size = (uint16_t)(sizeof(*h) + 5 * 8 + 40);
	struct sample s;
	T_EQ_INT(sample_parse(h, st, 0, &s), 0, "a sample with raw data parses");
	int32_t got = 0;
	if (s.raw)
		memcpy(&got, s.raw + 24, 4);
	T_OK(s.raw_size == 36 && got == 4242 && s.nr_callchain == 1 && s.tid == 6,
	     "... raw size and fields, the callchain before it");
	h->size -= 8;
	T_OK(sample_parse(h, st, 0, &s) != 0, "raw data past the record's end is refused");
}

static void test_times(void)
{
	struct strbuf sb = STRBUF_INIT;
	report_add_time(&sb, 950);
	T_EQ_STR(sb.buf, "950 us", "times under a millisecond in microseconds");
	strbuf_reset(&sb);
	report_add_time(&sb, 12345);
	T_EQ_STR(sb.buf, "12.3 ms", "under a second in milliseconds");
	strbuf_reset(&sb);
	report_add_time(&sb, 1234567);
	T_EQ_STR(sb.buf, "1.235 s", "then seconds");
	strbuf_release(&sb);
}

int main(void)
{
	test_times();
	test_pairing();
	test_track();
	test_raw();
	T_DONE();
}
