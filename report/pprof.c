/* pprof writer: the few profile.proto messages stoke needs, encoded by hand, then gzip. */
#include "report/pprof.h"
#include "common/htab.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* profile.proto field numbers (github.com/google/pprof, proto/profile.proto). */
enum {
	PROFILE_SAMPLE_TYPE = 1, PROFILE_SAMPLE = 2, PROFILE_MAPPING = 3, PROFILE_LOCATION = 4,
	PROFILE_FUNCTION = 5, PROFILE_STRING_TABLE = 6, PROFILE_TIME_NANOS = 9,
	PROFILE_DURATION_NANOS = 10, PROFILE_PERIOD_TYPE = 11, PROFILE_PERIOD = 12,
	PROFILE_COMMENT = 13, PROFILE_DEFAULT_SAMPLE_TYPE = 14,
	VALUE_TYPE_TYPE = 1, VALUE_TYPE_UNIT = 2,
	SAMPLE_LOCATION_ID = 1, SAMPLE_VALUE = 2, SAMPLE_LABEL = 3,
	LABEL_KEY = 1, LABEL_STR = 2, LABEL_NUM = 3,
	MAPPING_ID = 1, MAPPING_START = 2, MAPPING_LIMIT = 3, MAPPING_OFFSET = 4,
	MAPPING_FILENAME = 5, MAPPING_BUILD_ID = 6, MAPPING_HAS_FUNCTIONS = 7,
	MAPPING_HAS_FILENAMES = 8, MAPPING_HAS_LINE_NUMBERS = 9, MAPPING_HAS_INLINE_FRAMES = 10,
	LOCATION_ID = 1, LOCATION_MAPPING_ID = 2, LOCATION_ADDRESS = 3, LOCATION_LINE = 4,
	LINE_FUNCTION_ID = 1, LINE_LINE = 2,
	FUNCTION_ID = 1, FUNCTION_NAME = 2, FUNCTION_SYSTEM_NAME = 3, FUNCTION_FILENAME = 4,
};

enum { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* ---- wire format ------------------------------------------------------------ */

static void put_varint(struct strbuf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;
	do {
		tmp[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			tmp[n] |= 0x80;
		n++;
	} while (v);
	strbuf_add(b, tmp, n);
}

/* A varint field; proto3 leaves zero values out. */
static void put_uint(struct strbuf *b, int field, uint64_t v)
{
	if (!v)
		return;
	put_varint(b, (uint64_t)field << 3 | WIRE_VARINT);
	put_varint(b, v);
}

static void put_bytes(struct strbuf *b, int field, const void *data, size_t len)
{
	put_varint(b, (uint64_t)field << 3 | WIRE_LEN);
	put_varint(b, len);
	strbuf_add(b, data, len);
}

/* A nested message built in msg (which is reset for reuse). */
static void put_message(struct strbuf *b, int field, struct strbuf *msg)
{
	put_bytes(b, field, msg->buf, msg->len);
	strbuf_reset(msg);
}

/* ---- string table -------------------------------------------------------------- */

/* Entry of the index: a string (the caller's) and its place in the table. */
struct str_ent {
	const char *str;
	int64_t idx;
};

struct strings {
	struct htab *index;     /* struct str_ent by content */
	size_t nr;
	struct strbuf table;    /* the encoded string_table fields, in index order */
};

static int str_matches(const void *entry, const void *key, void *ctx)
{
	return !strcmp(((const struct str_ent *)entry)->str, key);
}

static void strings_init(struct strings *s)
{
	memset(s, 0, sizeof(*s));
	s->index = htab_new(sizeof(struct str_ent), 0, 1024, str_matches, NULL);
	strbuf_init(&s->table);
}

static void strings_release(struct strings *s)
{
	htab_free(s->index);
	strbuf_release(&s->table);
}

/* Index of str in the string table (NULL and "" are 0); str must outlive s. */
static int64_t str_index(struct strings *s, const char *str)
{
	if (!str)
		str = "";
	int added;
	struct str_ent *e = htab_insert(s->index, fnv1a(FNV_INIT, str, strlen(str)), str, &added);
	if (added) {
		e->str = str;
		e->idx = (int64_t)s->nr++;
		put_bytes(&s->table, PROFILE_STRING_TABLE, str, strlen(str));
	}
	return e->idx;
}

/* ---- messages ------------------------------------------------------------------ */

static void put_value_type(struct strbuf *b, int field, struct strings *st, const char *type,
			   const char *unit, struct strbuf *msg)
{
	put_uint(msg, VALUE_TYPE_TYPE, (uint64_t)str_index(st, type));
	put_uint(msg, VALUE_TYPE_UNIT, (uint64_t)str_index(st, unit));
	put_message(b, field, msg);
}

static void put_label(struct strbuf *b, struct strings *st, const char *key, const char *str,
		      uint64_t num, struct strbuf *msg)
{
	put_uint(msg, LABEL_KEY, (uint64_t)str_index(st, key));
	if (str)
		put_uint(msg, LABEL_STR, (uint64_t)str_index(st, str));
	else
		put_uint(msg, LABEL_NUM, num);
	put_message(b, SAMPLE_LABEL, msg);
}

/* samples/count, then the value type, unless that is samples/count itself (folded input). */
static int two_values(const struct export_profile *p)
{
	return strcmp(p->value_type, "samples") || strcmp(p->value_unit, "count");
}

struct merged {
	uint32_t stack;
	uint64_t count, weight;
};

static int cmp_merged(const void *a, const void *b)
{
	const struct merged *x = a, *y = b;
	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/* One Sample per distinct stack of thread t. */
static void put_thread_samples(struct strbuf *b, const struct export_profile *p,
			       const struct export_thread *t, struct strings *st,
			       struct strbuf *msg, struct strbuf *sub)
{
	struct merged *m = xmalloc((t->nr_samples + 1) * sizeof(*m));
	size_t n = 0;
	for (size_t i = 0; i < t->nr_samples; i++)
		m[i] = (struct merged){ t->samples[i].stack, t->samples[i].count, t->samples[i].weight };
	xsort(m, t->nr_samples, sizeof(*m), cmp_merged);
	for (size_t i = 0; i < t->nr_samples; i++) {
		if (n && m[n - 1].stack == m[i].stack) {
			m[n - 1].count += m[i].count;
			m[n - 1].weight += m[i].weight;
		} else {
			m[n++] = m[i];
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct export_stack *s = &p->stacks[m[i].stack];
		for (uint32_t k = 0; k < s->nr; k++)
			put_varint(sub, (uint64_t)p->stack_locs[s->first + k] + 1);
		put_message(msg, SAMPLE_LOCATION_ID, sub);
		put_varint(sub, m[i].count);
		if (two_values(p))
			put_varint(sub, m[i].weight);
		put_message(msg, SAMPLE_VALUE, sub);
		if (!p->is_folded) {
			put_label(msg, st, "pid", NULL, t->pid, sub);
			put_label(msg, st, "tid", NULL, t->tid, sub);
		}
		put_label(msg, st, "thread", t->name, 0, sub);
		put_message(b, PROFILE_SAMPLE, msg);
	}
	free(m);
}

static void put_mappings(struct strbuf *b, const struct export_profile *p, struct strings *st,
			 struct strbuf *msg)
{
	for (size_t i = 0; i < p->nr_mappings; i++) {
		const struct export_mapping *m = &p->mappings[i];
		put_uint(msg, MAPPING_ID, i + 1);
		put_uint(msg, MAPPING_START, m->start);
		put_uint(msg, MAPPING_LIMIT, m->limit);
		put_uint(msg, MAPPING_OFFSET, m->offset);
		put_uint(msg, MAPPING_FILENAME, (uint64_t)str_index(st, m->file));
		put_uint(msg, MAPPING_BUILD_ID, (uint64_t)str_index(st, m->build_id));
		/* Every location carries its names: consumers must not symbolize again. */
		put_uint(msg, MAPPING_HAS_FUNCTIONS, 1);
		put_uint(msg, MAPPING_HAS_FILENAMES, (uint64_t)p->has_lines);
		put_uint(msg, MAPPING_HAS_LINE_NUMBERS, (uint64_t)p->has_lines);
		put_uint(msg, MAPPING_HAS_INLINE_FRAMES, (uint64_t)p->has_inlines);
		put_message(b, PROFILE_MAPPING, msg);
	}
}

static void put_locations(struct strbuf *b, const struct export_profile *p, struct strbuf *msg,
			  struct strbuf *sub)
{
	for (size_t i = 0; i < p->nr_locations; i++) {
		const struct export_location *l = &p->locations[i];
		put_uint(msg, LOCATION_ID, i + 1);
		put_uint(msg, LOCATION_MAPPING_ID, l->mapping);
		put_uint(msg, LOCATION_ADDRESS, l->address);
		for (uint32_t k = 0; k < l->nr_lines; k++) {
			const struct export_line *ln = &p->lines[l->first_line + k];
			put_uint(sub, LINE_FUNCTION_ID, (uint64_t)ln->function + 1);
			put_uint(sub, LINE_LINE, (uint64_t)(int64_t)ln->line);
			put_message(msg, LOCATION_LINE, sub);
		}
		put_message(b, PROFILE_LOCATION, msg);
	}
}

static void put_functions(struct strbuf *b, const struct export_profile *p, struct strings *st,
			  struct strbuf *msg)
{
	for (size_t i = 0; i < p->nr_functions; i++) {
		const struct export_function *f = &p->functions[i];
		put_uint(msg, FUNCTION_ID, i + 1);
		put_uint(msg, FUNCTION_NAME, (uint64_t)str_index(st, f->name));
		put_uint(msg, FUNCTION_SYSTEM_NAME, (uint64_t)str_index(st, f->system_name));
		put_uint(msg, FUNCTION_FILENAME, (uint64_t)str_index(st, f->file));
		put_message(b, PROFILE_FUNCTION, msg);
	}
}

void pprof_encode(const struct export_profile *p, struct strbuf *out)
{
	struct strings st;
	struct strbuf msg = STRBUF_INIT, sub = STRBUF_INIT;
	strings_init(&st);
	str_index(&st, ""); /* string_table[0] */

	put_value_type(out, PROFILE_SAMPLE_TYPE, &st, "samples", "count", &msg);
	if (two_values(p))
		put_value_type(out, PROFILE_SAMPLE_TYPE, &st, p->value_type, p->value_unit, &msg);
	for (size_t i = 0; i < p->nr_threads; i++)
		put_thread_samples(out, p, &p->threads[i], &st, &msg, &sub);
	put_mappings(out, p, &st, &msg);
	put_locations(out, p, &msg, &sub);
	put_functions(out, p, &st, &msg);
	put_uint(out, PROFILE_TIME_NANOS, p->time_nanos);
	put_uint(out, PROFILE_DURATION_NANOS, p->duration_nanos);
	put_value_type(out, PROFILE_PERIOD_TYPE, &st, p->value_type, p->value_unit, &msg);
	put_uint(out, PROFILE_PERIOD, p->period);
	struct strbuf comment = STRBUF_INIT; /* the table points into it until released */
	if (p->event[0]) {
		strbuf_addf(&comment, "event: %s", p->event);
		put_uint(out, PROFILE_COMMENT, (uint64_t)str_index(&st, comment.buf));
	}
	put_uint(out, PROFILE_DEFAULT_SAMPLE_TYPE, (uint64_t)str_index(&st, p->value_type));
	strbuf_add(out, st.table.buf, st.table.len);
	strbuf_release(&comment);
	strings_release(&st);
	strbuf_release(&msg);
	strbuf_release(&sub);
}

int pprof_gzip(const void *in, size_t len, struct strbuf *out)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	/* windowBits 15 + 16: a gzip header and trailer instead of zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	size_t bound = deflateBound(&z, len);
	strbuf_grow(out, bound);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)out->buf + out->len;
	z.avail_out = (uInt)bound;
	int zr = deflate(&z, Z_FINISH);
	size_t produced = bound - z.avail_out;
	deflateEnd(&z);
	if (zr != Z_STREAM_END)
		return -EIO;
	strbuf_setlen(out, out->len + produced);
	return 0;
}

int pprof_write(const struct export_profile *p, int fd)
{
	struct strbuf raw = STRBUF_INIT, gz = STRBUF_INIT;
	pprof_encode(p, &raw);
	int err = pprof_gzip(raw.buf, raw.len, &gz);
	if (!err)
		err = strbuf_write_fd(&gz, fd);
	strbuf_release(&raw);
	strbuf_release(&gz);
	return err;
}
