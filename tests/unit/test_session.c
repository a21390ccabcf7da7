/* report/session: records of several CPU rings, each in time order but interleaved by ring
 * drains with a lag, come out of the session in time order, round by round; a record that
 * arrives one round late still takes its place; ties keep file order; a file without round
 * markers is sorted whole; samples of an unknown id are dropped. */
#include "common/format.h"
#include "common/sample.h"
#include "profiler/meta.h"
#include "report/session.h"
#include "t.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define ST (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME)
#define RINGS 4
#define PER_RING 600
#define ROUND_NS 10000

struct rec {
	struct perf_event_header h;
	uint64_t id;
	uint32_t pid, tid;
	uint64_t time;
};

static int add_sample(struct fmt_writer *w, uint64_t id, uint32_t seq, uint64_t time)
{
	struct rec r = { { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, sizeof(r) }, id, seq, seq, time };
	return fmt_writer_append(w, &r, sizeof(r));
}

struct got {
	uint64_t time[RINGS * PER_RING + 16];
	uint32_t seq[RINGS * PER_RING + 16];
	size_t n;
};

static int on_sample(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h)
{
	struct got *g = ctx;
	if (g->n < sizeof(g->time) / sizeof(g->time[0])) {
		g->time[g->n] = s->time;
		g->seq[g->n] = s->pid;
	}
	g->n++;
	return 0;
}

static int open_file(const char *path, struct fmt_writer **w)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
					.config = PERF_COUNT_SW_CPU_CLOCK, .sample_type = ST,
					.sample_id_all = 1 };
	uint64_t ids[2] = { 7, 8 };
	int err = fmt_writer_open(path, 1, 0, w);
	if (!err)
		err = meta_write_attr(*w, &attr, ids, 1, "cpu-clock");
	attr.config = PERF_COUNT_SW_TASK_CLOCK;
	if (!err) /* two events: a sample's id must name one of them */
		err = meta_write_attr(*w, &attr, ids + 1, 1, "task-clock");
	return err;
}

static int read_back(const char *path, struct got *g)
{
	struct session *s = session_new();
	struct session_handlers hd = { on_sample, NULL, NULL, g };
	g->n = 0;
	int err = session_read(s, path, &hd);
	session_free(s);
	return err;
}

int main(void)
{
	char path[] = "/tmp/stoke-test-session-XXXXXX";
	int fd = mkstemp(path);
	if (fd < 0)
		return 1;
	close(fd);

	/* Ring k's i-th record at time (i * RINGS + k) * 37 + 1: all distinct, each ring
	 * increasing.  Each round, ring k is drained up to a lag of k * 2000 ns behind the
	 * round's end, so rings give records the previous round's newest has passed. */
	static uint64_t times[RINGS][PER_RING];
	for (int k = 0; k < RINGS; k++)
		for (int i = 0; i < PER_RING; i++)
			times[k][i] = (uint64_t)(i * RINGS + k) * 37 + 1;
	uint64_t end = times[RINGS - 1][PER_RING - 1] + 1;
	struct fmt_writer *w;
	int err = open_file(path, &w);
	size_t next[RINGS] = { 0 }, written = 0;
	for (uint64_t r = ROUND_NS; !err && written < RINGS * PER_RING; r += ROUND_NS) {
		for (int k = 0; k < RINGS && !err; k++) {
			uint64_t upto = r > end ? UINT64_MAX : r - (uint64_t)k * 2000;
			while (next[k] < PER_RING && times[k][next[k]] < upto && !err) {
				err = add_sample(w, 7, (uint32_t)written, times[k][next[k]]);
				next[k]++;
				written++;
			}
		}
		if (!err)
			err = fmt_writer_add(w, STOKE_REC_FINISHED_ROUND, 0, NULL, 0);
	}
	/* One sample of an id no event has (in time, after the last). */
	if (!err)
		err = add_sample(w, 99, 0, end + 100);
	if (!err)
		err = fmt_writer_close(w, NULL);
	T_EQ_INT(err, 0, "write interleaved rings with round markers");

	static struct got g;
	T_EQ_INT(read_back(path, &g), 0, "read back to the end");
	T_EQ_INT(g.n, RINGS * PER_RING, "every sample of a known id delivered, the unknown dropped");
	int sorted = 1;
	for (size_t i = 1; i < g.n; i++)
		if (g.time[i] <= g.time[i - 1])
			sorted = 0;
	T_OK(sorted, "delivered in time order across rings and rounds");

	/* Ties in time keep file order; no round markers: sorted once at the end. */
	err = open_file(path, &w);
	uint64_t t2[] = { 500, 100, 300, 300, 300, 200, 100 };
	for (size_t i = 0; i < sizeof(t2) / sizeof(t2[0]) && !err; i++)
		err = add_sample(w, 7, (uint32_t)i, t2[i]);
	if (!err)
		err = fmt_writer_close(w, NULL);
	T_EQ_INT(err, 0, "write a file without round markers");
	T_EQ_INT(read_back(path, &g), 0, "read it back");
	uint32_t want[] = { 1, 6, 5, 2, 3, 4, 0 };
	int same = g.n == 7;
	for (size_t i = 0; same && i < 7; i++)
		same = g.seq[i] == want[i];
	T_OK(same, "sorted by time, equal times in file order");
	unlink(path);
	T_DONE();
}
