/* perf.data reader: synthetic files in memory — file mode with features, pipe mode, a -z stream
 * whose records straddle COMPRESSED chunks, truncation and corruption with their offsets. */
#include "common/format.h"
#include "common/perfdata.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "report/session.h"
#include "tests/unit/t.h"

#include <unistd.h>
#include <zstd.h>

#define ST (PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD)

static void put(struct strbuf *b, const void *p, size_t n) { strbuf_add(b, p, n); }
static void put64(struct strbuf *b, uint64_t v) { put(b, &v, 8); }
static void put32(struct strbuf *b, uint32_t v) { put(b, &v, 4); }

/* A SAMPLE {ip, pid/tid, time, period}. */
static void sample(struct strbuf *b, uint64_t ip, uint64_t time)
{
	struct perf_event_header h = { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, 8 + 32 };
	put(b, &h, 8);
	put64(b, ip);
	put64(b, 7 | (7ULL << 32));
	put64(b, time);
	put64(b, 1000);
}

static void round_end(struct strbuf *b)
{
	struct perf_event_header h = { 68, 0, 8 };
	put(b, &h, 8);
}

static struct perf_event_attr attr(void)
{
	struct perf_event_attr a = { 0 };
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.size = sizeof(a);
	a.sample_type = ST;
	a.sample_id_all = 1;
	return a;
}

/* perf string: u32 padded length, bytes */
static void pstr(struct strbuf *b, const char *s)
{
	uint32_t n = (uint32_t)((strlen(s) + 1 + 7) & ~7u);
	put32(b, n);
	size_t at = b->len;
	put(b, s, strlen(s));
	while (b->len < at + n)
		strbuf_addch(b, 0);
}

/* A file-mode perf.data around `data` with a HOSTNAME feature. */
static void file_mode(struct strbuf *f, const struct strbuf *data)
{
	struct perf_event_attr a = attr();
	uint64_t attr_size = sizeof(a) + 16, ids_off = 104, attrs_off = ids_off + 8;
	uint64_t data_off = attrs_off + attr_size;
	put(f, "PERFILE2", 8);
	put64(f, 104);
	put64(f, attr_size);
	put64(f, attrs_off); put64(f, attr_size);
	put64(f, data_off); put64(f, data->len);
	put64(f, 0); put64(f, 0);
	uint64_t bits[4] = { 1u << 3, 0, 0, 0 }; /* HOSTNAME */
	put(f, bits, 32);
	put64(f, 42); /* the one id */
	put(f, &a, sizeof(a));
	put64(f, ids_off); put64(f, 8);
	put(f, data->buf, data->len);
	struct strbuf feat = STRBUF_INIT;
	pstr(&feat, "testhost");
	put64(f, f->len + 16); put64(f, feat.len);
	put(f, feat.buf, feat.len);
	strbuf_release(&feat);
}

struct seen {
	int attrs, samples, rounds, info_host;
	uint64_t last_time, first_ip;
	int order_ok, aligned;
};

static int read_all(const struct strbuf *f, struct seen *s, uint64_t *err_off)
{
	struct fmt_reader *r;
	memset(s, 0, sizeof(*s));
	s->order_ok = s->aligned = 1;
	int err = fmt_reader_open_mem(f->buf, f->len, &r);
	if (err)
		return err;
	const struct perf_event_header *h;
	while ((err = fmt_reader_next(r, &h)) > 0) {
		if (((uintptr_t)h & 7))
			s->aligned = 0;
		if (h->type == STOKE_REC_ATTR)
			s->attrs++;
		else if (h->type == STOKE_REC_FINISHED_ROUND)
			s->rounds++;
		else if (h->type == STOKE_REC_INFO)
			s->info_host += memmem(h + 1, h->size - 8, "hostname\0testhost", 17) != NULL;
		else if (h->type == PERF_RECORD_SAMPLE) {
			struct sample smp;
			if (sample_parse(h, ST, 0, &smp))
				continue;
			if (!s->samples)
				s->first_ip = smp.ip;
			if (smp.time < s->last_time)
				s->order_ok = 0;
			s->last_time = smp.time;
			s->samples++;
		}
	}
	if (err_off)
		*err_off = fmt_reader_offset(r);
	fmt_reader_free(r);
	return err;
}

/* Compress the records in data as perf -z does: one stream, flushed in chunks of `chunk`
 * input bytes (so records straddle chunks), each chunk a COMPRESSED record. */
static void compress_chunks(struct strbuf *out, const struct strbuf *data, size_t chunk)
{
	ZSTD_CCtx *c = ZSTD_createCCtx();
	unsigned char buf[65536];
	for (size_t off = 0; off < data->len; off += chunk) {
		size_t n = data->len - off < chunk ? data->len - off : chunk;
		ZSTD_inBuffer in = { data->buf + off, n, 0 };
		ZSTD_outBuffer o = { buf, sizeof(buf), 0 };
		ZSTD_compressStream2(c, &o, &in, ZSTD_e_flush);
		struct perf_event_header h = { 81, 0, (uint16_t)(8 + o.pos) };
		put(out, &h, 8);
		put(out, buf, o.pos);
	}
	ZSTD_freeCCtx(c);
}

/* A record of `type` with body words v[0..n) and a sample_id trailer {pid/tid, time}. */
static void rec_words(struct strbuf *b, uint32_t type, const uint64_t *v, size_t n, uint64_t time)
{
	struct perf_event_header h = { type, 0, (uint16_t)(8 + 8 * n + 16) };
	put(b, &h, 8);
	put(b, v, 8 * n);
	put64(b, 7 | (7ULL << 32));
	put64(b, time);
}

/* The session over a perf.data file: lost samples and throttling are counted. */
static void session_counts(void)
{
	struct strbuf data = STRBUF_INIT, f = STRBUF_INIT;
	uint64_t lost[2] = { 42, 5 }, lost_samples = 3, thr[3] = { 150, 42, 42 };
	sample(&data, 0x1000, 100);
	rec_words(&data, PERF_RECORD_LOST, lost, 2, 110);
	rec_words(&data, PERF_RECORD_THROTTLE, thr, 3, 150);
	rec_words(&data, PERF_RECORD_UNTHROTTLE, thr, 3, 160);
	rec_words(&data, PERF_RECORD_THROTTLE, thr, 3, 170);
	rec_words(&data, PERF_RECORD_LOST_SAMPLES, &lost_samples, 1, 180);
	sample(&data, 0x1001, 200);
	round_end(&data);
	file_mode(&f, &data);
	char path[] = "/tmp/stoke-perfdata-XXXXXX";
	int fd = mkstemp(path);
	T_OK(fd >= 0 && write(fd, f.buf, f.len) == (ssize_t)f.len, "session: write the file");
	close(fd);
	struct session *s = session_new();
	struct session_handlers hd = { 0 };
	T_EQ_INT(session_read(s, path, &hd), 0, "session: reads perf.data");
	T_EQ_INT(session_nr_events(s), 1, "session: one event");
	T_EQ_STR(session_event(s, 0)->name, "task-clock", "session: its name derived from type and config");
	T_EQ_INT(session_lost(s), 8, "session: LOST and LOST_SAMPLES counted");
	T_EQ_INT(session_throttles(s), 2, "session: THROTTLE records counted");
	T_EQ_STR(session_info(s, "hostname"), "testhost", "session: INFO from the features");
	T_EQ_INT(session_first_time(s), 100, "session: first sample time");
	session_free(s);
	unlink(path);
	strbuf_release(&data);
	strbuf_release(&f);
}

int main(void)
{
	struct strbuf data = STRBUF_INIT, f = STRBUF_INIT;
	struct seen s;
	uint64_t off;

	/* Two rings' worth of samples out of time order within a round. */
	for (int i = 0; i < 50; i++)
		sample(&data, 0x1000 + i, 100 + 2 * i);
	for (int i = 0; i < 50; i++)
		sample(&data, 0x2000 + i, 101 + 2 * i);
	round_end(&data);
	round_end(&data);
	file_mode(&f, &data);
	T_EQ_INT(read_all(&f, &s, NULL), 0, "file mode: read to the end");
	T_EQ_INT(s.attrs, 1, "file mode: one ATTR");
	T_EQ_INT(s.samples, 100, "file mode: every sample");
	T_EQ_INT(s.rounds, 2, "file mode: FINISHED_ROUND becomes stoke's round marker");
	T_EQ_INT(s.info_host, 1, "file mode: the HOSTNAME feature in INFO");
	T_EQ_INT(s.first_ip, 0x1000, "file mode: records in file order (the session sorts)");

	/* Truncated inside the 61st sample: 60 samples, then an error at its offset. */
	size_t data_off = 104 + 8 + sizeof(struct perf_event_attr) + 16;
	struct strbuf cut = STRBUF_INIT;
	put(&cut, f.buf, data_off + 60 * 40 + 20);
	T_EQ_INT(read_all(&cut, &s, &off), -FMT_ETRUNCATED, "truncated: the error");
	T_EQ_INT(s.samples, 60, "truncated: the samples before the cut");
	T_EQ_INT(off, data_off + 60 * 40, "truncated: offset of the cut record");
	strbuf_release(&cut);

	/* A zero size in the 31st sample's header. */
	struct strbuf bad = STRBUF_INIT;
	put(&bad, f.buf, f.len);
	memset(bad.buf + data_off + 30 * 40 + 6, 0, 2);
	T_EQ_INT(read_all(&bad, &s, &off), -FMT_ECORRUPT, "corrupt: the error");
	T_EQ_INT(s.samples, 30, "corrupt: the samples before it");
	T_EQ_INT(off, data_off + 30 * 40, "corrupt: offset of the bad record");
	/* Other byte order. */
	memcpy(bad.buf, "2ELIFREP", 8);
	T_EQ_INT(read_all(&bad, &s, NULL), -FMT_EENDIAN, "other byte order refused");
	strbuf_release(&bad);

	/* -z: chunks of 100 input bytes, so most records straddle two chunks. */
	struct strbuf z = STRBUF_INIT, zf = STRBUF_INIT;
	struct strbuf inner = STRBUF_INIT;
	for (int i = 0; i < 100; i++)
		sample(&inner, 0x3000 + i, 1000 + i);
	compress_chunks(&z, &inner, 100);
	round_end(&z);
	file_mode(&zf, &z);
	T_EQ_INT(read_all(&zf, &s, NULL), 0, "-z: read to the end");
	T_EQ_INT(s.samples, 100, "-z: every sample, across chunk boundaries");
	T_OK(s.order_ok && s.aligned, "-z: in order, 8-byte aligned");
	/* The stream cut after its second-last chunk: a partial record remains. */
	struct strbuf zcut = STRBUF_INIT, zcf = STRBUF_INIT;
	compress_chunks(&zcut, &inner, 1010);
	size_t last = 0;
	for (size_t o = 0; o < zcut.len;) {
		struct perf_event_header h;
		memcpy(&h, zcut.buf + o, 8);
		last = o;
		o += h.size;
	}
	strbuf_setlen(&zcut, last);
	file_mode(&zcf, &zcut);
	int zr = read_all(&zcf, &s, NULL);
	T_EQ_INT(zr, -FMT_ETRUNCATED, "-z: a record left incomplete at the end is a truncation");
	T_EQ_INT(s.samples, 75, "-z: the whole records before it");

	/* Pipe mode: {magic, 16}, HEADER_ATTR, a HOSTNAME HEADER_FEATURE of odd size, records. */
	struct strbuf pf = STRBUF_INIT;
	struct perf_event_attr a = attr();
	put(&pf, "PERFILE2", 8);
	put64(&pf, 16);
	struct perf_event_header ah = { 64, 0, (uint16_t)(8 + sizeof(a) + 8) };
	put(&pf, &ah, 8);
	put(&pf, &a, sizeof(a));
	put64(&pf, 42);
	struct strbuf feat = STRBUF_INIT;
	pstr(&feat, "testhost");
	struct perf_event_header fh = { 80, 0, (uint16_t)(8 + 8 + feat.len + 3) };
	put(&pf, &fh, 8);
	put64(&pf, 3);
	put(&pf, feat.buf, feat.len);
	put(&pf, "\0\0\0", 3); /* pipe records need not be multiples of 8 */
	put(&pf, data.buf, data.len);
	T_EQ_INT(read_all(&pf, &s, NULL), 0, "pipe mode: read to the end");
	T_EQ_INT(s.attrs, 1, "pipe mode: ATTR from HEADER_ATTR");
	T_EQ_INT(s.info_host, 1, "pipe mode: HEADER_FEATURE read");
	T_EQ_INT(s.samples, 100, "pipe mode: every sample");
	T_OK(s.aligned, "pipe mode: records 8-byte aligned after an odd-sized one");

	session_counts();

	strbuf_release(&feat);
	strbuf_release(&pf);
	strbuf_release(&zcut);
	strbuf_release(&zcf);
	strbuf_release(&inner);
	strbuf_release(&z);
	strbuf_release(&zf);
	strbuf_release(&data);
	strbuf_release(&f);
	T_DONE();
}
