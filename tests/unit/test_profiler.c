/* profiler/ parts on this machine: build-ids (against readelf's), /proc synthesis of this
 * very process (its threads' COMM, its executable's MMAP2 with the same build-id), the
 * kernel-address set that trims kallsyms (kept: the symbols sampled and their successors),
 * and the ring with a real perf_event fd (skipped, or failed with STOKE_REQUIRE_PERF=1, when
 * perf_event_open is refused). */
#include "common/format.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "common/util.h"
#include "profiler/buildids.h"
#include "profiler/meta.h"
#include "profiler/ring.h"
#include "profiler/synth.h"
#include "t.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char exe[4096];

/* readelf's "Build ID: hex" of path, as bytes; the count, 0 when none. */
static size_t readelf_build_id(const char *path, unsigned char *out, size_t max)
{
	char cmd[4200], hex[128] = "";
	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null | awk '/Build ID:/ { print $3; exit }'",
		 path);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	if (!fgets(hex, sizeof(hex), p))
		hex[0] = 0;
	pclose(p);
	size_t n = 0;
	for (char *c = hex; n < max && c[0] && c[1] && c[0] != '\n'; c += 2) {
		unsigned v;
		if (sscanf(c, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
	}
	return n;
}

struct seen_ids {
	int n, exe_ok, fake_ok, bad;
	const unsigned char *want;
	size_t want_len;
};

static int each_id(void *ctx, const char *path, const unsigned char *id, size_t len)
{
	struct seen_ids *s = ctx;
	s->n++;
	if (!strcmp(path, exe))
		s->exe_ok = len == s->want_len && !memcmp(id, s->want, len);
	else if (!strcmp(path, "/nonexistent/given"))
		s->fake_ok = len == 4 && !memcmp(id, "\x01\x02\x03\x04", 4);
	else
		s->bad++;
	return 0;
}

static void test_buildids(void)
{
	unsigned char ref[20];
	size_t nref = readelf_build_id(exe, ref, sizeof(ref));
	if (!nref) {
		T_SKIP("build-ids", "readelf shows no build-id for the test binary");
		return;
	}
	unsigned char got[20];
	int n = buildid_read(exe, got, sizeof(got));
	T_OK(n == (int)nref && !memcmp(got, ref, nref), "buildid_read equals readelf -n (%zu bytes)",
	     nref);
	T_OK(buildid_read("/nonexistent/x", got, sizeof(got)) < 0, "a missing file has no build-id");

	struct buildids *b = buildids_new();
	buildids_note(b, exe, NULL, 0);
	buildids_note(b, exe, NULL, 0); /* twice: one entry */
	buildids_note(b, "[vdso]", NULL, 0);
	buildids_note(b, "//anon", NULL, 0);
	buildids_note(b, "/nonexistent/given", (const unsigned char *)"\x01\x02\x03\x04", 4);
	buildids_note(b, "/nonexistent/none", NULL, 0); /* unreadable, no id: skipped */
	struct seen_ids s = { .want = ref, .want_len = nref };
	T_EQ_INT(buildids_each(b, each_id, &s), 0, "buildids_each");
	T_OK(s.n == 2 && s.exe_ok && s.fake_ok && !s.bad,
	     "each file once, its id read from the file or as the kernel gave it; no pseudo-paths");
	buildids_free(b);
}

struct synth_seen {
	pid_t pid, tid2;
	int comm_main, comm_thread, others_comm, mmap_exe, exe_id_ok, bad_trailer;
	const unsigned char *want;
	size_t want_len;
};

static int on_synth(void *ctx, const struct perf_event_header *h)
{
	struct synth_seen *s = ctx;
	/* The trailer (sample_id: TID, TIME) ends the record: time 0. */
	uint64_t time;
	memcpy(&time, (const char *)h + h->size - 8, 8);
	if (time)
		s->bad_trailer++;
	if (h->type == PERF_RECORD_COMM) {
		uint32_t v[2];
		memcpy(v, h + 1, 8);
		if (v[0] == (uint32_t)s->pid && v[1] == (uint32_t)s->pid)
			s->comm_main++;
		else if (v[0] == (uint32_t)s->pid && v[1] == (uint32_t)s->tid2)
			s->comm_thread++;
		else
			s->others_comm++;
	} else if (h->type == PERF_RECORD_MMAP2) {
		const struct mmap2_body *m = (const void *)(h + 1);
		const char *name = (const char *)(m + 1);
		if (m->pid == (uint32_t)s->pid && !strcmp(name, exe) && (m->prot & 4)) {
			s->mmap_exe++;
			if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && m->build_id_size == s->want_len &&
			    !memcmp(m->build_id, s->want, s->want_len))
				s->exe_id_ok++;
		}
	}
	return 0;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done;
static pid_t thread_tid;

static void *idle_thread(void *arg)
{
	pthread_mutex_lock(&mu);
	thread_tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&cv);
	while (!done)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	return NULL;
}

static void test_synth(void)
{
	pthread_t th;
	pthread_create(&th, NULL, idle_thread, NULL);
	pthread_mutex_lock(&mu);
	while (!thread_tid)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);

	unsigned char ref[20];
	size_t nref = readelf_build_id(exe, ref, sizeof(ref));
	struct synth *sy = synth_new(PERF_SAMPLE_TID | PERF_SAMPLE_TIME, 0);
	struct synth_seen s = { .pid = getpid(), .tid2 = thread_tid, .want = ref, .want_len = nref };
	T_EQ_INT(synth_process(sy, getpid(), on_synth, &s), 0, "synthesize this process");
	T_OK(s.comm_main == 1 && s.comm_thread == 1 && !s.others_comm,
	     "one COMM per thread (main and the second thread)");
	T_OK(s.mmap_exe >= 1, "an executable MMAP2 of the test binary");
	if (nref)
		T_OK(s.exe_id_ok == s.mmap_exe, "... carrying its build-id (as readelf shows it)");
	T_EQ_INT(s.bad_trailer, 0, "every record's trailer has time 0 (sorts first)");

	pid_t *tids = NULL;
	int nt = synth_threads(getpid(), &tids);
	int has = 0;
	for (int i = 0; i < nt; i++)
		has += tids[i] == getpid() || tids[i] == thread_tid;
	T_OK(nt == 2 && has == 2, "synth_threads lists both threads");
	free(tids);

	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	struct synth_seen none = { .pid = child };
	T_EQ_INT(synth_process(sy, child, on_synth, &none), -ESRCH, "a reaped process: -ESRCH");
	synth_free(sy);

	pthread_mutex_lock(&mu);
	done = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	pthread_join(th, NULL);
}

/* Two text symbols of /proc/kallsyms far apart (addresses sorted), or 0. */
static int pick_ksyms(uint64_t *a, char *na, uint64_t *b, char *nb)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 0;
	char line[512], name[256], type;
	unsigned long long addr;
	int n = 0;
	*a = *b = 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr ||
		    (type != 't' && type != 'T') || strchr(line, '['))
			continue;
		n++;
		if (n == 2000) {
			*a = addr;
			strcpy(na, name);
		} else if (n == 30000) {
			*b = addr;
			strcpy(nb, name);
			break;
		}
	}
	fclose(f);
	return *a && *b;
}

static void test_kaddrs(void)
{
	uint64_t a, b;
	char na[256], nb[256];
	if (!pick_ksyms(&a, na, &b, nb)) {
		T_SKIP("kallsyms trimming", "no kernel addresses shown (kptr_restrict or no /proc)");
		return;
	}
	/* One kernel sample: IP inside a, callchain [KERNEL context, b + 1]. */
	uint64_t st = PERF_SAMPLE_IP | PERF_SAMPLE_CALLCHAIN;
	struct kaddrs *k = kaddrs_new(st, 0);
	struct {
		struct perf_event_header h;
		uint64_t ip, nr, chain[2];
	} rec = { { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_KERNEL, sizeof(rec) }, a, 2,
		  { PERF_CONTEXT_KERNEL, b + 1 } };
	kaddrs_note(k, &rec.h);

	char path[] = "/tmp/stoke-test-kaddrs-XXXXXX";
	int fd = mkstemp(path);
	struct fmt_writer *w = NULL;
	int hidden = 0, err = fd < 0 ? -errno : fmt_writer_open_fd(fd, 1, 0, &w);
	if (!err)
		err = meta_write_kallsyms(w, k, &hidden);
	int cerr = w ? fmt_writer_close(w, NULL) : 0;
	T_OK(!err && !cerr && !hidden, "kallsyms written for the addresses seen");
	kaddrs_free(k);

	struct strbuf text = STRBUF_INIT;
	struct fmt_reader *r;
	if (!fmt_reader_open(path, &r)) {
		const struct perf_event_header *h;
		while (fmt_reader_next(r, &h) == 1)
			if (h->type == STOKE_REC_KALLSYMS)
				strbuf_add(&text, h + 1, h->size - sizeof(*h));
		fmt_reader_free(r);
	}
	unlink(path);
	strbuf_addch(&text, '\0');
	char want_a[300], want_b[300];
	snprintf(want_a, sizeof(want_a), " %s\n", na);
	snprintf(want_b, sizeof(want_b), " %s\n", nb);
	size_t lines = 0;
	for (const char *p = text.buf; (p = strchr(p, '\n')); p++)
		lines++;
	T_OK(strstr(text.buf, want_a) != NULL, "the sampled IP's symbol kept (%s)", na);
	T_OK(strstr(text.buf, want_b) != NULL, "the callchain's symbol kept (%s)", nb);
	T_OK(strstr(text.buf, " _text\n") != NULL, "_text kept");
	T_OK(lines >= 5 && lines < 40, "only those, their successors and the markers (%zu lines)",
	     lines);
	strbuf_release(&text);
}

struct ring_seen {
	int n, bad;
};

static int count_samples(void *ctx, const struct perf_event_header *h)
{
	struct ring_seen *s = ctx;
	if (h->type != PERF_RECORD_SAMPLE)
		return 0;
	uint32_t pt[2];
	memcpy(pt, (const char *)(h + 1) + 8, sizeof(pt));
	if (h->size != 24 || pt[0] != (uint32_t)getpid())
		s->bad++;
	s->n++;
	return 0;
}

static void test_ring(void)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
					.config = PERF_COUNT_SW_TASK_CLOCK, .sample_period = 100000,
					.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID,
					.disabled = 1, .exclude_kernel = 1, .exclude_hv = 1 };
	int fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0) {
		const char *req = getenv("STOKE_REQUIRE_PERF");
		if (req && !strcmp(req, "1"))
			T_OK(0, "ring: perf_event_open required: %s", strerror(errno));
		else
			T_SKIP("ring with a real perf_event fd", strerror(errno));
		return;
	}
	struct ring *r = NULL;
	T_EQ_INT(ring_new(fd, 8, &r), 0, "map an 8-page ring");
	if (!r) {
		close(fd);
		return;
	}
	struct ring_seen n = { 0 };
	T_EQ_INT(ring_drain(r, count_samples, &n), 0, "an idle ring is empty");
	ioctl(fd, PERF_EVENT_IOC_ENABLE, 0);
	/* Spin until four times the ring's 8 pages went through it (about 0.6 s of CPU at a
	 * period of 0.1 ms), so the kernel wraps; draining often keeps up.  The wall-clock
	 * bound only stops a machine that gives no CPU at all. */
	volatile uint64_t x = 0;
	long total = 0;
	uint64_t start = now_ns();
	while (total < 4 * 8 * 4096 && now_ns() - start < 60000000000ULL) {
		for (int i = 0; i < 100000; i++)
			x += (uint64_t)i;
		long got = ring_drain(r, count_samples, &n);
		if (got < 0)
			break;
		total += got;
	}
	ioctl(fd, PERF_EVENT_IOC_DISABLE, 0);
	total += ring_drain(r, count_samples, &n);
	T_OK(total >= 4 * 8 * 4096, "four rings' worth of records went through it (it wrapped): "
	     "%d samples, %ld bytes", n.n, total);
	T_OK(n.n > 0 && !n.bad, "each a whole sample of this process");
	T_EQ_INT(ring_drain(r, count_samples, &n), 0, "drained to empty after disable");
	ring_free(r);
	close(fd);
}

int main(void)
{
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return 1;
	exe[n] = 0;
	test_buildids();
	test_synth();
	test_kaddrs();
	test_ring();
	T_DONE();
}
