/* Reading perf.data (file and pipe mode, perf record -z) as stoke records; see perfdata.h.
 *
 * Layout facts from perf's tools/perf/Documentation/perf.data-file-format.txt:
 * file mode starts with struct perf_file_header {"PERFILE2", size, attr_size,
 * attrs, data, event_types sections, 256-bit feature bitmap}; attrs are
 * {perf_event_attr; {offset, size} of its u64 ids}; after the data section one
 * {offset, size} per set feature bit, in bit order.  Pipe mode starts with
 * {"PERFILE2", 16} and carries the metadata as records 64..82.
 */
#include "common/perfdata.h"
#include "common/format.h"
#include "common/perfdata_meta.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define PERF_MAGIC2 0x32454c4946524550ULL     /* "PERFILE2" little-endian */
#define PERF_MAGIC2_SWAPPED 0x50455246494c4532ULL
#define FILE_HEADER_SIZE 104
#define MAX_INNER (256u << 20)                /* decompressed bytes waiting to be read */

/* perf's user record types (tools/lib/perf/include/perf/event.h). */
enum {
	PD_HEADER_ATTR = 64, PD_HEADER_EVENT_TYPE, PD_HEADER_TRACING_DATA, PD_HEADER_BUILD_ID,
	PD_FINISHED_ROUND, PD_ID_INDEX, PD_AUXTRACE_INFO, PD_AUXTRACE, PD_AUXTRACE_ERROR,
	PD_HEADER_FEATURE = 80, PD_COMPRESSED, PD_FINISHED_INIT, PD_COMPRESSED2,
};

struct perfdata {
	const unsigned char *map;  /* whole file (caller's) */
	size_t len;
	int pipe;                  /* pipe mode: metadata comes as records */
	size_t data_start, data_end; /* the outer records */
	int data_cut;              /* the header's data section runs past the end of the file */
	size_t pos;                /* next outer record */
	uint64_t cur_off;          /* offset of the record last returned */
	struct pd_meta *meta;
	int meta_done;             /* the metadata records have been built */
	struct strbuf out;         /* records waiting to be returned (8-byte aligned) */
	size_t out_pos;
	ZSTD_DCtx *dctx;           /* one stream across every COMPRESSED record */
	unsigned char *z;          /* decompressed records not yet returned */
	size_t z_len, z_pos, z_cap;
	uint64_t z_off;            /* offset of the COMPRESSED record being read */
	int err;                   /* sticky error */
};

int perfdata_sniff(const void *data, size_t len)
{
	uint64_t m;
	if (len < 8)
		return 0;
	memcpy(&m, data, 8);
	return m == PERF_MAGIC2 || m == PERF_MAGIC2_SWAPPED;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* [off, off + size) lies inside the file. */
static int in_file(const struct perfdata *p, uint64_t off, uint64_t size)
{
	return off <= p->len && size <= p->len - off;
}

static void read_features(struct perfdata *p, const unsigned char *bitmap, uint64_t table)
{
	size_t n = 0;
	for (unsigned bit = 0; bit < 256; bit++) {
		if (!(bitmap[bit / 8] >> (bit % 8) & 1))
			continue;
		uint64_t ent = table + 16 * n++;
		if (!in_file(p, ent, 16))
			return; /* cut short: the features are lost, the data is not */
		uint64_t off = get64(p->map + ent), size = get64(p->map + ent + 8);
		if (in_file(p, off, size))
			pd_meta_add_feature(p->meta, bit, p->map + off, (size_t)size);
	}
}

static int load_file_header(struct perfdata *p)
{
	const unsigned char *h = p->map;
	if (p->len < FILE_HEADER_SIZE)
		return -FMT_ETRUNCATED;
	uint64_t hsize = get64(h + 8), attr_size = get64(h + 16);
	uint64_t attrs = get64(h + 24), attrs_size = get64(h + 32);
	uint64_t data = get64(h + 40), data_size = get64(h + 48);
	if (hsize < FILE_HEADER_SIZE || attr_size < 16 + PERF_ATTR_SIZE_VER0 || attr_size > 4096)
		return -FMT_ECORRUPT;
	if (!in_file(p, attrs, attrs_size))
		return -FMT_ETRUNCATED;
	for (uint64_t a = 0; a + attr_size <= attrs_size; a += attr_size) {
		const unsigned char *e = p->map + attrs + a;
		uint32_t asz;
		memcpy(&asz, e + 4, 4); /* perf_event_attr.size */
		if (!asz || asz > attr_size - 16)
			asz = (uint32_t)(attr_size - 16);
		uint64_t ids = get64(e + attr_size - 16), ids_size = get64(e + attr_size - 8);
		if (!in_file(p, ids, ids_size))
			ids = ids_size = 0;
		pd_meta_add_attr(p->meta, e, asz, p->map + ids, (size_t)(ids_size / 8));
	}
	if (data > p->len)
		return -FMT_ETRUNCATED;
	p->data_start = (size_t)data;
	if (!data_size) {
		/* perf writes the sizes when it finishes: a recording that was killed reads to the end */
		p->data_end = p->len;
	} else if (!in_file(p, data, data_size)) {
		p->data_end = p->len;
		p->data_cut = 1;
	} else {
		p->data_end = (size_t)(data + data_size);
		read_features(p, h + 72, data + data_size);
	}
	return 0;
}

/* Build the metadata records (file mode: at once; pipe mode: before the first kernel record). */
static void finish_meta(struct perfdata *p)
{
	if (p->meta_done)
		return;
	p->meta_done = 1;
	pd_meta_emit(p->meta, &p->out);
}

static void reset(struct perfdata *p)
{
	pd_meta_free(p->meta);
	p->meta = pd_meta_new();
	p->meta_done = 0;
	strbuf_reset(&p->out);
	p->out_pos = 0;
	p->z_len = p->z_pos = 0;
	p->err = 0;
	p->cur_off = 0;
	p->data_cut = 0;
	ZSTD_DCtx_reset(p->dctx, ZSTD_reset_session_only);
}

static int load(struct perfdata *p)
{
	uint64_t magic = get64(p->map);
	reset(p);
	if (magic == PERF_MAGIC2_SWAPPED)
		return -FMT_EENDIAN;
	p->pipe = get64(p->map + 8) == 16;
	if (p->pipe) {
		p->data_start = 16;
		p->data_end = p->len;
	} else {
		int err = load_file_header(p);
		if (err)
			return err;
		finish_meta(p);
	}
	p->pos = p->data_start;
	return 0;
}

int perfdata_open_mem(const void *data, size_t len, struct perfdata **out)
{
	if (!perfdata_sniff(data, len))
		return -FMT_EBADMAGIC;
	if (len < 16)
		return -FMT_ETRUNCATED;
	struct perfdata *p = xcalloc(1, sizeof(*p));
	p->map = data;
	p->len = len;
	strbuf_init(&p->out);
	p->dctx = ZSTD_createDCtx();
	if (!p->dctx) {
		free(p);
		return -ENOMEM;
	}
	int err = load(p);
	if (err) {
		perfdata_free(p);
		return err;
	}
	*out = p;
	return 0;
}

void perfdata_rewind(struct perfdata *p)
{
	load(p); /* it succeeded once on the same bytes */
}

uint64_t perfdata_offset(const struct perfdata *p)
{
	return p->cur_off;
}

void perfdata_free(struct perfdata *p)
{
	if (!p)
		return;
	pd_meta_free(p->meta);
	strbuf_release(&p->out);
	ZSTD_freeDCtx(p->dctx);
	free(p->z);
	free(p);
}

/* ---- records ------------------------------------------------------------------ */

static int fail(struct perfdata *p, int err, uint64_t off)
{
	p->err = err;
	p->cur_off = off;
	return err;
}

/* Queue a kernel record for return, with the build-id of its file added to an MMAP2. */
static void queue_kernel(struct perfdata *p, const struct perf_event_header *h)
{
	size_t at = p->out.len;
	strbuf_add(&p->out, h, h->size);
	if (h->type != PERF_RECORD_MMAP2 || (h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) ||
	    h->size <= sizeof(*h) + sizeof(struct mmap2_body))
		return;
	struct mmap2_body m;
	unsigned char *rec = (unsigned char *)p->out.buf + at;
	const char *path = (const char *)rec + sizeof(*h) + sizeof(m);
	size_t max = h->size - sizeof(*h) - sizeof(m);
	if (strnlen(path, max) == max)
		return;
	const unsigned char *id;
	size_t n = pd_meta_build_id(p->meta, path, &id);
	if (!n)
		return;
	memcpy(&m, rec + sizeof(*h), sizeof(m));
	m.build_id_size = (uint8_t)n;
	m.res1 = 0;
	m.res2 = 0;
	memset(m.build_id, 0, sizeof(m.build_id));
	memcpy(m.build_id, id, n);
	memcpy(rec + sizeof(*h), &m, sizeof(m));
	uint16_t misc = h->misc | PERF_RECORD_MISC_MMAP_BUILD_ID;
	memcpy(rec + offsetof(struct perf_event_header, misc), &misc, sizeof(misc));
}

static void queue_header(struct perfdata *p, uint32_t type)
{
	struct perf_event_header h = { type, 0, sizeof(h) };
	strbuf_add(&p->out, &h, sizeof(h));
}

/* Append a COMPRESSED record's payload to the decompressed stream. */
static int decompress(struct perfdata *p, const unsigned char *src, size_t n)
{
	if (p->z_pos) {
		memmove(p->z, p->z + p->z_pos, p->z_len - p->z_pos);
		p->z_len -= p->z_pos;
		p->z_pos = 0;
	}
	ZSTD_inBuffer in = { src, n, 0 };
	while (in.pos < in.size) {
		if (p->z_cap - p->z_len < ZSTD_DStreamOutSize()) {
			if (p->z_cap > MAX_INNER)
				return -FMT_ECORRUPT;
			p->z_cap = (p->z_cap + ZSTD_DStreamOutSize()) * 2;
			p->z = xrealloc(p->z, p->z_cap);
		}
		ZSTD_outBuffer zo = { p->z, p->z_cap, p->z_len };
		size_t r = ZSTD_decompressStream(p->dctx, &zo, &in);
		if (ZSTD_isError(r))
			return -FMT_ECORRUPT;
		p->z_len = zo.pos;
	}
	return 0;
}

/*
 * Handle one record of the data section (outer: not from a COMPRESSED chunk),
 * queueing what it becomes.  `off` is its file offset.  0 or a negative error.
 */
static int handle(struct perfdata *p, const struct perf_event_header *h, uint64_t off, int outer)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	size_t blen = h->size - sizeof(*h);

	if (h->type < PD_HEADER_ATTR) {
		if (h->size & 7)
			return fail(p, -FMT_ECORRUPT, off); /* the kernel's records are 8-byte multiples */
		finish_meta(p);
		queue_kernel(p, h);
		return 0;
	}
	if (h->type > PD_COMPRESSED2)
		return fail(p, -FMT_ECORRUPT, off); /* no such record: the stream is damaged */
	switch (h->type) {
	case PD_HEADER_ATTR:
		if (!p->meta_done && blen >= PERF_ATTR_SIZE_VER0) {
			uint32_t asz;
			memcpy(&asz, body + 4, 4);
			if (asz < PERF_ATTR_SIZE_VER0 || asz > blen)
				asz = PERF_ATTR_SIZE_VER0;
			pd_meta_add_attr(p->meta, body, asz, body + asz, (blen - asz) / 8);
		}
		break;
	case PD_HEADER_FEATURE:
		if (!p->meta_done && blen >= 8)
			pd_meta_add_feature(p->meta, get64(body), body + 8, blen - 8);
		break;
	case PD_HEADER_BUILD_ID:
		pd_meta_add_build_ids(p->meta, (const unsigned char *)h, h->size,
				      p->meta_done ? &p->out : NULL);
		break;
	case PD_FINISHED_INIT:
		finish_meta(p);
		break;
	case PD_FINISHED_ROUND:
		finish_meta(p);
		queue_header(p, STOKE_REC_FINISHED_ROUND);
		break;
	case PD_COMPRESSED:
	case PD_COMPRESSED2: {
		if (!outer)
			return fail(p, -FMT_ECORRUPT, off);
		const unsigned char *src = body;
		size_t n = blen;
		if (h->type == PD_COMPRESSED2) { /* u64 data_size, then the data, padded */
			if (blen < 8 || get64(body) > blen - 8)
				return fail(p, -FMT_ECORRUPT, off);
			n = (size_t)get64(body);
			src = body + 8;
		}
		p->z_off = off;
		int err = decompress(p, src, n);
		if (err)
			return fail(p, err, off);
		break;
	}
	}
	return 0;
}

/* Payload some records carry after their header.size (TRACING_DATA, AUXTRACE). */
static uint64_t trailing_payload(const struct perf_event_header *h, const unsigned char *rec)
{
	if (h->type == PD_HEADER_TRACING_DATA && h->size >= 12) {
		uint32_t n;
		memcpy(&n, rec + 8, 4);
		return ALIGN8((uint64_t)n);
	}
	if (h->type == PD_AUXTRACE && h->size >= 16)
		return get64(rec + 8);
	return 0;
}

/* Take the next whole record of the decompressed stream: 1 handled, 0 none whole yet. */
static int next_inner(struct perfdata *p)
{
	size_t left = p->z_len - p->z_pos;
	struct perf_event_header h;
	if (left < sizeof(h))
		return 0;
	memcpy(&h, p->z + p->z_pos, sizeof(h));
	if (h.size < sizeof(h))
		return fail(p, -FMT_ECORRUPT, p->z_off);
	if (h.size > left)
		return 0; /* continues in the next chunk */
	/* Copied out: z may move when the next chunk comes, and may be unaligned. */
	unsigned char rec[65536] __attribute__((aligned(8)));
	memcpy(rec, p->z + p->z_pos, h.size);
	p->z_pos += h.size;
	p->cur_off = p->z_off;
	int err = handle(p, (const struct perf_event_header *)rec, p->z_off, 0);
	return err < 0 ? err : 1;
}

/* Read outer records until something is queued.  1, 0 at the end, or an error. */
static int fill(struct perfdata *p)
{
	while (p->out_pos >= p->out.len) {
		strbuf_reset(&p->out);
		p->out_pos = 0;
		int r = next_inner(p);
		if (r < 0)
			return r;
		if (r)
			continue;
		size_t off = p->pos;
		if (off >= p->data_end) {
			if (p->z_len > p->z_pos)
				return fail(p, -FMT_ETRUNCATED, p->z_off);
			if (p->data_cut)
				return fail(p, -FMT_ETRUNCATED, off);
			finish_meta(p);
			if (p->out.len)
				continue;
			return 0;
		}
		struct perf_event_header h;
		if (p->data_end - off < sizeof(h))
			return fail(p, -FMT_ETRUNCATED, off);
		memcpy(&h, p->map + off, sizeof(h));
		if (h.size < sizeof(h))
			return fail(p, -FMT_ECORRUPT, off);
		if (h.size > p->data_end - off)
			return fail(p, p->data_end == p->len ? -FMT_ETRUNCATED : -FMT_ECORRUPT, off);
		uint64_t extra = trailing_payload(&h, p->map + off);
		if (extra > p->data_end - off - h.size)
			return fail(p, -FMT_ETRUNCATED, off);
		p->pos = off + h.size + (size_t)extra;
		p->cur_off = off;
		unsigned char rec[65536] __attribute__((aligned(8)));
		memcpy(rec, p->map + off, h.size);
		int err = handle(p, (const struct perf_event_header *)rec, off, 1);
		if (err < 0)
			return err;
	}
	return 1;
}

int perfdata_next(struct perfdata *p, const struct perf_event_header **rec)
{
	if (p->out_pos >= p->out.len) {
		/* What was queued before an error is still returned, then the error. */
		int r = p->err ? p->err : fill(p);
		if (r <= 0 && p->out_pos >= p->out.len)
			return r;
	}
	const struct perf_event_header *h = (const void *)(p->out.buf + p->out_pos);
	p->out_pos += h->size;
	*rec = h;
	return 1;
}
