/* profiler/liveunwind: the queue's time order and cut, the samples it writes (callchain,
 * marker, raw data kept, registers and copy gone), and, on a real --call-graph dwarf
 * recording of code without frame pointers, the same stacks as the report's own unwinding:
 * the recording's records put through the live unwinder make a file whose `stoke script` is
 * the original's, line for line. */
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "common/util.h"
#include "profiler/liveunwind.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define ST_BASE (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | \
		 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN)
#define ST_DWARF (ST_BASE | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER)

struct got {
	uint64_t times[16];
	uint32_t types[16];
	int n;
	_Alignas(8) unsigned char last[4096];
};

static int collect(void *ctx, const struct perf_event_header *h)
{
	struct got *g = ctx;
	if (g->n < 16) {
		g->types[g->n] = h->type;
		struct sample s;
		struct sample_id id;
		if (h->type == PERF_RECORD_SAMPLE && !sample_parse(h, ST_BASE | PERF_SAMPLE_RAW, 0, &s))
			g->times[g->n] = s.time;
		else if (!sample_id_parse(h, ST_DWARF | PERF_SAMPLE_RAW, &id) && id.valid)
			g->times[g->n] = id.time;
		else
			g->times[g->n] = 0;
		g->n++;
	}
	if (h->size <= sizeof(g->last))
		memcpy(g->last, h, h->size);
	return 0;
}

/* A kernel-layout sample without user registers (a kernel thread's): time t, kernel
 * callchain of two addresses, raw data "abcd" (4 + 4 bytes), an empty register set, a copy of
 * 64 bytes of which none is filled. */
static size_t make_sample(unsigned char *rec, uint64_t t)
{
	uint64_t *w = (uint64_t *)(rec + 8);
	size_t i = 0;
	w[i++] = 7;                        /* identifier */
	w[i++] = 0xffffffff81000010ULL;    /* ip */
	w[i++] = (uint64_t)5 << 32 | 5;    /* pid, tid */
	w[i++] = t;
	w[i++] = 1;                        /* cpu */
	w[i++] = 1000;                     /* period */
	w[i++] = 3;                        /* callchain: context, two addresses */
	w[i++] = PERF_CONTEXT_KERNEL;
	w[i++] = 0xffffffff81000010ULL;
	w[i++] = 0xffffffff81000020ULL;
	uint32_t raw = 4;
	memcpy(&w[i], &raw, 4);
	memcpy((unsigned char *)&w[i] + 4, "abcd", 4);
	i++;
	w[i++] = 0;                        /* regs abi: none */
	w[i++] = 64;                       /* stack size */
	memset(&w[i], 0xee, 64);
	i += 8;
	w[i++] = 0;                        /* dyn size */
	struct perf_event_header *h = (void *)rec;
	h->type = PERF_RECORD_SAMPLE;
	h->misc = PERF_RECORD_MISC_KERNEL;
	h->size = (uint16_t)(8 + i * 8);
	return h->size;
}

/* A COMM record of pid 5 with a sample_id trailer at time t (t 0: no trailer). */
static void make_comm(unsigned char *rec, uint64_t t)
{
	struct perf_event_header *h = (void *)rec;
	memset(rec, 0, 64);
	h->type = PERF_RECORD_COMM;
	uint32_t ids[2] = { 5, 5 };
	memcpy(rec + 8, ids, 8);
	memcpy(rec + 16, "name\0\0\0", 8);
	h->size = 24;
	if (t) {
		struct sample_id sid = { .pid = 5, .tid = 5, .time = t, .cpu = 1, .id = 7 };
		h->size = (uint16_t)(24 + sample_id_write(rec + 24, ST_DWARF | PERF_SAMPLE_RAW, &sid));
	}
}

static void test_queue(void)
{
	struct liveunwind *lu = liveunwind_new(ST_DWARF | PERF_SAMPLE_RAW, 0x1ff);
	_Alignas(8) unsigned char rec[512];
	struct got g = { .n = 0 };

	T_EQ_INT(liveunwind_sample_type(lu), ST_BASE | PERF_SAMPLE_RAW,
		 "samples handed on have no registers and no copy");
	make_sample(rec, 300);
	liveunwind_add(lu, (void *)rec);
	make_comm(rec, 100);
	liveunwind_add(lu, (void *)rec);
	make_sample(rec, 500);
	liveunwind_add(lu, (void *)rec);
	make_comm(rec, 0);
	liveunwind_add(lu, (void *)rec);
	make_sample(rec, 300);
	((struct perf_event_header *)rec)->misc = PERF_RECORD_MISC_KERNEL | 0x100; /* marked */
	liveunwind_add(lu, (void *)rec);
	size_t bytes;
	T_EQ_INT(liveunwind_queued(lu, &bytes), 5, "five records queued");
	T_OK(bytes < 5 * 256, "the unfilled part of a copy is not kept (%zu bytes)", bytes);

	T_EQ_INT(liveunwind_release(lu, 399, collect, &g), 0, "release up to 399");
	T_EQ_INT(g.n, 4, "four records are at or before the limit");
	T_OK(g.types[0] == PERF_RECORD_COMM && g.times[0] == 0 && g.types[1] == PERF_RECORD_COMM &&
	     g.times[1] == 100 && g.types[2] == PERF_RECORD_SAMPLE && g.times[2] == 300 &&
	     g.times[3] == 300, "in time order, an untimed record first");
	const struct perf_event_header *last = (const void *)g.last;
	T_OK(last->misc & 0x100, "equal times keep the queue's order");
	struct sample s;
	int perr = sample_parse(last, ST_BASE | PERF_SAMPLE_RAW, 0, &s);
	T_OK(!perr && s.nr_callchain == 3 && s.callchain[0] == PERF_CONTEXT_KERNEL &&
	     s.callchain[2] == 0xffffffff81000020ULL && s.raw_size == 4 && !memcmp(s.raw, "abcd", 4) &&
	     (const unsigned char *)s.raw + 4 == (const unsigned char *)last + last->size,
	     "a sample without user registers keeps its kernel callchain and raw data, and nothing "
	     "after them");
	T_EQ_INT(liveunwind_queued(lu, NULL), 1, "the newer sample waits");
	g.n = 0;
	T_EQ_INT(liveunwind_release(lu, UINT64_MAX, collect, &g), 0, "release the rest");
	T_OK(g.n == 1 && g.times[0] == 500, "the sample after the cut comes in the next round");
	T_EQ_INT(liveunwind_queued(lu, NULL), 0, "nothing left");
	liveunwind_free(lu);
}

/* A FORK (type PERF_RECORD_FORK) or EXIT record of pid from ppid at time t. */
static void make_task(unsigned char *rec, uint32_t type, uint32_t pid, uint32_t ppid, uint64_t t)
{
	struct perf_event_header *h = (void *)rec;
	uint32_t v[4] = { pid, ppid, pid, ppid };
	memset(rec, 0, 128);
	h->type = (uint16_t)type;
	memcpy(rec + 8, v, 16);
	memcpy(rec + 24, &t, 8);
	struct sample_id sid = { .pid = pid, .tid = pid, .time = t, .cpu = 0, .id = 7 };
	h->size = (uint16_t)(32 + sample_id_write(rec + 32, ST_DWARF | PERF_SAMPLE_RAW, &sid));
}

static int discard(void *ctx, const struct perf_event_header *h)
{
	(void)ctx;
	(void)h;
	return 0;
}

/* A process whose leader's EXIT was handed on is let go once it is gone, not while it runs,
 * and not when its pid started again. */
static void test_forget(void)
{
	struct liveunwind *lu = liveunwind_new(ST_DWARF | PERF_SAMPLE_RAW, 0x1ff);
	struct liveunwind_stats st;
	_Alignas(8) unsigned char rec[256];
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	pid_t reused = fork();
	if (reused == 0)
		_exit(0);
	waitpid(reused, NULL, 0);
	uint32_t pids[3] = { (uint32_t)dead, (uint32_t)getpid(), (uint32_t)reused };
	for (int i = 0; i < 3; i++) {
		make_task(rec, PERF_RECORD_FORK, pids[i], 1, 10);
		liveunwind_add(lu, (void *)rec);
		make_task(rec, PERF_RECORD_EXIT, pids[i], 1, 20);
		liveunwind_add(lu, (void *)rec);
	}
	liveunwind_release(lu, UINT64_MAX, discard, NULL);
	liveunwind_get_stats(lu, &st);
	T_EQ_INT(st.forgotten, 0, "nothing is let go before the check");
	liveunwind_reap(lu);
	make_task(rec, PERF_RECORD_FORK, pids[2], 1, 30); /* the pid again, after the check */
	liveunwind_add(lu, (void *)rec);
	liveunwind_release(lu, UINT64_MAX, discard, NULL);
	liveunwind_get_stats(lu, &st);
	T_EQ_INT(st.forgotten, 1, "a gone process is let go; a running one and a reused pid are not");
	liveunwind_reap(lu);
	liveunwind_release(lu, UINT64_MAX, discard, NULL);
	liveunwind_get_stats(lu, &st);
	T_EQ_INT(st.forgotten, 1, "once");
	liveunwind_free(lu);
}

/* ---- a real recording put through the live unwinder ------------------------------ */

struct conv {
	struct liveunwind *lu;
	struct fmt_writer *w;
	struct stackref *sr;
	uint64_t st, regs_mask;
	uint64_t round_max, cur_max; /* as the report's session releases: up to the previous
				      * round's newest */
	int trailer, err;
	uint64_t samples;
};

static int conv_emit(void *ctx, const struct perf_event_header *h)
{
	struct conv *c = ctx;
	if (h->type == PERF_RECORD_SAMPLE)
		c->samples++;
	return fmt_writer_append(c->w, h, h->size);
}

/* One record of the dwarf file, in file order. */
static void conv_record(struct conv *c, const struct perf_event_header *h)
{
	if (h->type == STOKE_REC_ATTR && h->size >= 8 + 8 + sizeof(struct perf_event_attr)) {
		_Alignas(8) unsigned char buf[65536];
		memcpy(buf, h, h->size);
		struct perf_event_attr a;
		memcpy(&a, buf + 16, sizeof(a));
		if (!c->lu) {
			c->st = a.sample_type;
			c->regs_mask = a.sample_regs_user;
			c->lu = liveunwind_new(c->st, c->regs_mask);
			c->sr = stackref_new(0);
		}
		a.sample_type = liveunwind_sample_type(c->lu);
		memcpy(buf + 16, &a, sizeof(a));
		c->err |= fmt_writer_append(c->w, buf, h->size);
		return;
	}
	if (h->type == STOKE_REC_FINISHED_ROUND && c->lu) {
		/* The recorded processes are long gone: each is let go once its leader's EXIT is
		 * handed on, and the files no process maps any more are closed (opened again
		 * when a later sample needs them), without changing any stack. */
		liveunwind_reap(c->lu);
		c->err |= liveunwind_release(c->lu, c->round_max, conv_emit, c);
		liveunwind_close_unmapped(c->lu);
		c->round_max = c->cur_max;
		c->err |= fmt_writer_append(c->w, h, h->size);
		return;
	}
	if (h->type >= STOKE_REC_ATTR && h->type != STOKE_REC_SAMPLE_DELTA &&
	    h->type != STOKE_REC_SAMPLE_PATCH) {
		if (!c->trailer && (h->type == STOKE_REC_KALLSYMS || h->type == STOKE_REC_CPU_STATS ||
				    h->type == STOKE_REC_BUILD_ID || h->type == STOKE_REC_END)) {
			if (c->lu)
				c->err |= liveunwind_release(c->lu, UINT64_MAX, conv_emit, c);
			c->err |= fmt_writer_mark_trailer(c->w);
			c->trailer = 1;
		}
		c->err |= fmt_writer_append(c->w, h, h->size);
		return;
	}
	if (!c->lu) {
		c->err |= fmt_writer_append(c->w, h, h->size);
		return;
	}
	const struct perf_event_header *full = h;
	if (stackref_decode(c->sr, h, c->st, c->regs_mask, &full) < 0) {
		c->err |= -EINVAL;
		return;
	}
	if (h->type < STOKE_REC_ATTR && h->type != PERF_RECORD_SAMPLE)
		stackref_exit(c->sr, h);
	uint64_t t = sample_record_time(full, c->st);
	if (t > c->cur_max)
		c->cur_max = t;
	liveunwind_add(c->lu, full);
}

static int convert(const char *in, const char *out, uint64_t *samples,
		   struct liveunwind_stats *st)
{
	struct fmt_reader *r;
	struct conv c = { 0 };
	const struct perf_event_header *h;
	int err = fmt_reader_open(in, &r), n;
	if (err)
		return err;
	err = fmt_writer_open(out, 3, 0, &c.w);
	if (err) {
		fmt_reader_free(r);
		return err;
	}
	while ((n = fmt_reader_next(r, &h)) == 1)
		conv_record(&c, h);
	if (!c.trailer && c.lu)
		c.err |= liveunwind_release(c.lu, UINT64_MAX, conv_emit, &c);
	if (c.lu) { /* what is left goes as the recorder's end would let it */
		liveunwind_reap(c.lu);
		c.err |= liveunwind_release(c.lu, UINT64_MAX, conv_emit, &c);
		liveunwind_close_unmapped(c.lu);
	}
	err = n < 0 ? n : c.err ? -EIO : 0;
	int cerr = fmt_writer_close(c.w, NULL);
	if (!err)
		err = cerr;
	*samples = c.samples;
	memset(st, 0, sizeof(*st));
	if (c.lu)
		liveunwind_get_stats(c.lu, st);
	liveunwind_free(c.lu);
	stackref_free(c.sr);
	fmt_reader_free(r);
	return err;
}

static void test_recording(const char *stoke, const char *dir)
{
	const char *require = getenv("STOKE_REQUIRE_PERF");
	if (t_sh("cc -O2 -g -fomit-frame-pointer -pthread -o %s/nofp testdata/nofp.c && "
		 "cc -O2 -g -fomit-frame-pointer -pthread -o %s/spin testdata/spin.c", dir, dir)) {
		T_OK(0, "build the fixtures");
		return;
	}
	struct { const char *name, *cmd; } w[] = {
		/* two runs of one binary: the first is let go and its file closed before the
		 * second's samples need it again */
		{ "a merge sort, twice", "nofp 0.3; sleep 0.3; %s/nofp 0.3" },
		{ "a recursion 90 frames deep (24 KiB)", "nofp 0.5 recurse 90" },
		{ "threads", "spin 0.5 3" },
		/* depths going round 1005..1034 frames: stacks cut by the frame limit and whole
		 * ones, one after another */
		{ "a recursion round the frame limit", "nofp 0.5 narrow 1005 30" },
	};
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		char in[4200], out[4200];
		snprintf(in, sizeof(in), "%s/d%zu.data", dir, i);
		snprintf(out, sizeof(out), "%s/c%zu.data", dir, i);
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), w[i].cmd, dir);
		if (t_sh("'%s' record -q -F 1999 --call-graph dwarf,16384 -o %s -- sh -c '%s/%s' 2>%s/err",
			 stoke, in, dir, cmd, dir)) {
			if (require && *require == '1')
				T_OK(0, "record %s (STOKE_REQUIRE_PERF=1)", w[i].name);
			else
				T_SKIP(w[i].name, "stoke record failed: perf_event_open refused?");
			continue;
		}
		uint64_t samples = 0;
		struct liveunwind_stats st;
		int err = convert(in, out, &samples, &st);
		T_OK(!err && samples >= 200, "%s: the dwarf recording's %llu samples unwound live",
		     w[i].name, (unsigned long long)samples);
		printf("# %s: %llu processes let go, %llu files closed on the way\n", w[i].name,
		       (unsigned long long)st.forgotten, (unsigned long long)st.files_closed);
		T_OK(st.forgotten >= 1 && st.files_closed >= 1,
		     "%s: processes were let go and their files closed during the conversion",
		     w[i].name);
		/* Against the report unwinding every frame (no memo on either side to share a
		 * mistake with the live unwinder's). */
		T_OK(!t_sh("'%s' script --unwinder=fresh %s >%s/d.script 2>/dev/null && '%s' script %s "
			   ">%s/c.script 2>/dev/null && test -s %s/d.script && cmp -s %s/d.script "
			   "%s/c.script", stoke, in, dir, stoke, out, dir, dir, dir, dir),
		     "%s: the live unwinder's stacks are the report's, sample by sample", w[i].name);
		T_OK(!t_sh("'%s' dump %s | grep -q 'stack [0-9]* bytes' ; test $? = 1", stoke, out),
		     "%s: no stack copy is left in the converted file", w[i].name);
	}
}

int main(void)
{
	test_queue();
	test_forget();
	const char *stoke = getenv("STOKE");
	char dir[] = "/tmp/stoke-liveunwind-XXXXXX";
	if (!stoke || !mkdtemp(dir)) {
		T_SKIP("a real recording", "STOKE is not set (run through tests/run.sh)");
		T_DONE();
	}
	test_recording(stoke, dir);
	t_sh("rm -rf %s", dir);
	T_DONE();
}
