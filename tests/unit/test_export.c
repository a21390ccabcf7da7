/* The export model and its writers: a profile built by hand, encoded as pprof and decoded
 * again by a small protobuf reader here; gzip round trip; speedscope's stack order. */
#include "common/util.h"
#include "report/export_model.h"
#include "report/pprof.h"
#include "report/speedscope.h"
#include "tests/unit/t.h"

#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

/* ---- a protobuf reader just big enough for the checks ---------------------------- */

struct field {
	int num, wire;
	uint64_t v;             /* varint */
	const unsigned char *p; /* length-delimited */
	size_t len;
};

/* Next field of [*p, end); 0 at the end or on a malformed message. */
static int next_field(const unsigned char **p, const unsigned char *end, struct field *f)
{
	uint64_t key = 0, v = 0;
	int shift = 0;
	if (*p >= end)
		return 0;
	while (*p < end) {
		unsigned char b = *(*p)++;
		key |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	f->num = (int)(key >> 3);
	f->wire = (int)(key & 7);
	shift = 0;
	while (*p < end) {
		unsigned char b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	if (f->wire == 0) {
		f->v = v;
		return 1;
	}
	if (f->wire != 2 || v > (uint64_t)(end - *p))
		return 0;
	f->p = *p;
	f->len = v;
	*p += v;
	return 1;
}

/* Varint field num of a message (the first one), or dflt. */
static uint64_t get_uint(const unsigned char *p, size_t len, int num, uint64_t dflt)
{
	struct field f;
	const unsigned char *end = p + len;
	while (next_field(&p, end, &f))
		if (f.num == num && f.wire == 0)
			return f.v;
	return dflt;
}

/* The k-th length-delimited field num of a message, or NULL. */
static const unsigned char *get_sub(const unsigned char *p, size_t len, int num, int k, size_t *sub_len)
{
	struct field f;
	const unsigned char *end = p + len;
	while (next_field(&p, end, &f))
		if (f.num == num && f.wire == 2 && k-- == 0) {
			*sub_len = f.len;
			return f.p;
		}
	return NULL;
}

/* Packed varints into out; returns the count. */
static int get_packed(const unsigned char *p, size_t len, uint64_t *out, int max)
{
	int n = 0;
	const unsigned char *end = p + len;
	while (p < end && n < max) {
		uint64_t v = 0;
		int shift = 0;
		while (p < end) {
			unsigned char b = *p++;
			v |= (uint64_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80))
				break;
		}
		out[n++] = v;
	}
	return n;
}

static char strs[64][64];
static int nr_strs;

static const char *str_at(uint64_t i)
{
	return i < (uint64_t)nr_strs ? strs[i] : "(out of range)";
}

/* ---- the profile ------------------------------------------------------------------- */

static struct export_profile *build(void)
{
	struct export_profile *p = xb_new();
	p->event = xb_str(p, "cpu-clock");
	p->value_type = "cpu";
	p->value_unit = "nanoseconds";
	p->period = 1000;
	p->time_nanos = 1700000000000000000ULL;
	p->duration_nanos = 2000000000ULL;
	p->has_lines = p->has_inlines = 1;
	const char *file = xb_str(p, "a.c");
	uint32_t f_main = xb_function(p, xb_str(p, "main"), xb_str(p, "main"), file);
	uint32_t f_inl = xb_function(p, xb_str(p, "inl()"), xb_str(p, "_Z3inlv"), file);
	/* libc first: xb_finish must move the main binary to mapping 1 */
	uint32_t m_libc = xb_mapping(p, xb_str(p, "/lib/libc.so.6"), 0x7000, 0x8000, 0, NULL);
	uint32_t m_main = xb_mapping(p, xb_str(p, "/bin/a"), 0x1000, 0x2000, 0x1000, xb_str(p, "abcd"));
	struct export_line leaf[2] = { { f_inl, 5 }, { f_main, 10 } };
	struct export_line caller[1] = { { f_main, 12 } };
	uint32_t l_leaf = xb_location(p, m_main, 0x1100, 1, leaf, 2);
	uint32_t l_caller = xb_location(p, m_main, 0x1200, 1, caller, 1);
	T_EQ_INT(xb_location(p, m_main, 0x1100, 1, leaf, 2), l_leaf, "equal locations are one");
	struct export_line other[1] = { { f_main, 3 } };
	xb_location(p, m_libc, 0x7100, 1, other, 1);
	uint32_t locs[2] = { l_leaf, l_caller };
	uint32_t s = xb_stack(p, locs, 2);
	T_EQ_INT(xb_stack(p, locs, 2), s, "equal stacks are one");
	xb_sample(p, 10, 11, "worker", s, 1, 1000, 5);
	xb_sample(p, 10, 11, "worker", s, 1, 1000, 6);
	xb_sample(p, 10, 12, "other", xb_stack(p, locs + 1, 1), 1, 1000, 7);
	xb_finish(p, xb_str(p, "/bin/a"));
	return p;
}

static void check_pprof(const struct export_profile *p)
{
	struct strbuf raw = STRBUF_INIT;
	pprof_encode(p, &raw);
	const unsigned char *m = (const unsigned char *)raw.buf;
	size_t len = raw.len, sl;
	const unsigned char *sub;

	nr_strs = 0;
	for (int k = 0; (sub = get_sub(m, len, 6, k, &sl)) && nr_strs < 64; k++) {
		snprintf(strs[nr_strs], sizeof(strs[0]), "%.*s", (int)sl, (const char *)sub);
		nr_strs++;
	}
	T_EQ_STR(str_at(0), "", "string_table[0] is empty");

	sub = get_sub(m, len, 1, 0, &sl);
	T_OK(sub && !strcmp(str_at(get_uint(sub, sl, 1, 0)), "samples") &&
	     !strcmp(str_at(get_uint(sub, sl, 2, 0)), "count"), "sample_type[0] samples/count");
	sub = get_sub(m, len, 1, 1, &sl);
	T_OK(sub && !strcmp(str_at(get_uint(sub, sl, 1, 0)), "cpu") &&
	     !strcmp(str_at(get_uint(sub, sl, 2, 0)), "nanoseconds"), "sample_type[1] cpu/nanoseconds");
	T_EQ_INT(get_uint(m, len, 12, 0), 1000, "period");
	T_EQ_INT(get_uint(m, len, 9, 0), 1700000000000000000ULL, "time_nanos");
	T_EQ_INT(get_uint(m, len, 10, 0), 2000000000ULL, "duration_nanos");
	sub = get_sub(m, len, 11, 0, &sl);
	T_OK(sub && !strcmp(str_at(get_uint(sub, sl, 1, 0)), "cpu"), "period_type cpu");

	/* Two samples of one thread and stack are one Sample with summed values. */
	int nr_samples = 0;
	while (get_sub(m, len, 2, nr_samples, &sl))
		nr_samples++;
	T_EQ_INT(nr_samples, 2, "one Sample per (thread, stack)");
	sub = get_sub(m, len, 2, 0, &sl);
	size_t vl, ll;
	uint64_t vals[4] = { 0 }, ids[4] = { 0 };
	const unsigned char *v = get_sub(sub, sl, 2, 0, &vl);
	const unsigned char *loc = get_sub(sub, sl, 1, 0, &ll);
	T_OK(v && get_packed(v, vl, vals, 4) == 2 && vals[0] == 2 && vals[1] == 2000,
	     "values summed: 2 samples, 2000 ns");
	T_OK(loc && get_packed(loc, ll, ids, 4) == 2 && ids[0] && ids[1] && ids[0] != ids[1],
	     "location ids non-zero, leaf first");
	int labels = 0, thread_ok = 0;
	const unsigned char *lab;
	while ((lab = get_sub(sub, sl, 3, labels, &ll))) {
		const char *key = str_at(get_uint(lab, ll, 1, 0));
		if (!strcmp(key, "thread") && !strcmp(str_at(get_uint(lab, ll, 2, 0)), "worker"))
			thread_ok = 1;
		if (!strcmp(key, "tid") && get_uint(lab, ll, 3, 0) != 11)
			thread_ok = -1;
		labels++;
	}
	T_OK(labels == 3 && thread_ok == 1, "labels pid, tid and thread");

	sub = get_sub(m, len, 3, 0, &sl);
	T_OK(sub && get_uint(sub, sl, 1, 0) == 1 && !strcmp(str_at(get_uint(sub, sl, 5, 0)), "/bin/a") &&
	     !strcmp(str_at(get_uint(sub, sl, 6, 0)), "abcd") && get_uint(sub, sl, 2, 0) == 0x1000 &&
	     get_uint(sub, sl, 3, 0) == 0x2000 && get_uint(sub, sl, 4, 0) == 0x1000,
	     "mapping 1 is the main binary: range, offset, build-id");

	/* The leaf location: two lines, the inlined function first. */
	int found = 0;
	for (int k = 0; (sub = get_sub(m, len, 4, k, &sl)); k++) {
		if (get_uint(sub, sl, 1, 0) != ids[0])
			continue;
		found = 1;
		T_EQ_INT(get_uint(sub, sl, 3, 0), 0x1100, "leaf location address");
		T_EQ_INT(get_uint(sub, sl, 2, 0), 1, "leaf location in mapping 1");
		const unsigned char *l0 = get_sub(sub, sl, 4, 0, &ll);
		uint64_t fn0 = l0 ? get_uint(l0, ll, 1, 0) : 0, line0 = l0 ? get_uint(l0, ll, 2, 0) : 0;
		const unsigned char *l1 = get_sub(sub, sl, 4, 1, &vl);
		uint64_t fn1 = l1 ? get_uint(l1, vl, 1, 0) : 0, line1 = l1 ? get_uint(l1, vl, 2, 0) : 0;
		T_OK(!get_sub(sub, sl, 4, 2, &ll) && line0 == 5 && line1 == 10, "lines innermost first");
		/* Functions by id. */
		const char *n0 = NULL, *s0 = NULL, *n1 = NULL;
		for (int j = 0; (l0 = get_sub(m, len, 5, j, &ll)); j++) {
			uint64_t id = get_uint(l0, ll, 1, 0);
			if (id == fn0) {
				n0 = str_at(get_uint(l0, ll, 2, 0));
				s0 = str_at(get_uint(l0, ll, 3, 0));
			}
			if (id == fn1)
				n1 = str_at(get_uint(l0, ll, 2, 0));
		}
		T_EQ_STR(n0, "inl()", "inlined function's name");
		T_EQ_STR(s0, "_Z3inlv", "inlined function's system name");
		T_EQ_STR(n1, "main", "the function it was inlined into, last");
	}
	T_OK(found, "sample's leaf location is in the profile");

	/* gzip: a gzip header, and inflating gives the message back. */
	struct strbuf gz = STRBUF_INIT;
	T_EQ_INT(pprof_gzip(raw.buf, raw.len, &gz), 0, "gzip");
	T_OK(gz.len > 10 && (unsigned char)gz.buf[0] == 0x1f && (unsigned char)gz.buf[1] == 0x8b,
	     "gzip magic");
	unsigned char *back = malloc(raw.len + 16);
	z_stream z;
	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 15 + 16);
	z.next_in = (Bytef *)gz.buf;
	z.avail_in = (uInt)gz.len;
	z.next_out = back;
	z.avail_out = (uInt)raw.len + 16;
	int zr = inflate(&z, Z_FINISH);
	T_OK(zr == Z_STREAM_END && z.total_out == raw.len && !memcmp(back, raw.buf, raw.len),
	     "gunzip gives the message back");
	inflateEnd(&z);
	free(back);
	strbuf_release(&gz);
	strbuf_release(&raw);
}

static void check_speedscope(const struct export_profile *p)
{
	char path[] = "/tmp/stoke-test-export.XXXXXX";
	int fd = mkstemp(path);
	T_EQ_INT(speedscope_write(p, "in \"q\".data", fd), 0, "speedscope_write");
	close(fd);
	char *text = NULL;
	size_t len = 0;
	T_EQ_INT(read_file(path, &text, &len), 0, "read it back");
	unlink(path);
	if (!text)
		return;
	T_OK(strstr(text, "\"$schema\":\"https://www.speedscope.app/file-format-schema.json\"") != NULL,
	     "speedscope $schema");
	T_OK(strstr(text, "\"name\":\"in \\\"q\\\".data\"") != NULL, "name escaped");
	/* Root first: the caller (main), then the leaf's outer function (main), then inl. */
	T_OK(strstr(text, "\"name\":\"worker 10/11\",\"unit\":\"nanoseconds\",\"startValue\":0,"
			  "\"endValue\":2000,\"samples\":[[0,0,1],[0,0,1]],\"weights\":[1000,1000]") != NULL,
	     "thread profile: name, unit, end, root-first stacks, weights");
	T_OK(strstr(text, "\"name\":\"other 10/12\"") != NULL, "one profile per thread");
	free(text);
}

int main(void)
{
	struct export_profile *p = build();
	check_pprof(p);
	check_speedscope(p);
	export_free(p);
	T_DONE();
}
