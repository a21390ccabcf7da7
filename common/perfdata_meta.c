/* perf.data metadata → stoke metadata records (see perfdata_meta.h). */
#include "common/perfdata_meta.h"
#include "common/format.h"
#include "common/util.h"

#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUE 4096          /* longest INFO value kept */
#define MAX_ATTR_IDS 7000       /* ids one ATTR record can carry (record size is 16 bits) */
#define BUILD_ID_SIZE_BIT (1u << 15) /* PERF_RECORD_MISC_BUILD_ID_SIZE */

struct pd_attr {
	struct perf_event_attr attr;
	uint64_t *ids;
	size_t nr_ids;
	char *name; /* from EVENT_DESC, or NULL */
};

struct pd_desc {
	char *name;
	uint64_t *ids;
	size_t nr_ids;
};

struct pd_bid {
	char *path;
	unsigned char id[20];
	size_t len;
};

struct pd_meta {
	struct pd_attr *attrs;
	size_t nr_attrs, alloc_attrs;
	struct pd_desc *descs;  /* EVENT_DESC entries, matched to attrs at emit time */
	size_t nr_descs, alloc_descs;
	struct pd_bid *bids;    /* build-id table, sorted by path when bids_sorted */
	size_t nr_bids, alloc_bids;
	int bids_sorted;
	char *info[16][2];      /* key, value */
	size_t nr_info;
};

struct pd_meta *pd_meta_new(void)
{
	return xcalloc(1, sizeof(struct pd_meta));
}

void pd_meta_free(struct pd_meta *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nr_attrs; i++) {
		free(m->attrs[i].ids);
		free(m->attrs[i].name);
	}
	free(m->attrs);
	for (size_t i = 0; i < m->nr_descs; i++) {
		free(m->descs[i].name);
		free(m->descs[i].ids);
	}
	free(m->descs);
	for (size_t i = 0; i < m->nr_bids; i++)
		free(m->bids[i].path);
	free(m->bids);
	for (size_t i = 0; i < m->nr_info; i++) {
		free(m->info[i][0]);
		free(m->info[i][1]);
	}
	free(m);
}

static void set_info(struct pd_meta *m, const char *key, const char *val, size_t len)
{
	if (len > MAX_VALUE)
		len = MAX_VALUE;
	for (size_t i = 0; i < m->nr_info; i++)
		if (!strcmp(m->info[i][0], key)) {
			free(m->info[i][1]);
			m->info[i][1] = xstrndup(val, len);
			return;
		}
	if (m->nr_info == ARRAY_SIZE(m->info))
		return;
	m->info[m->nr_info][0] = xstrdup(key);
	m->info[m->nr_info][1] = xstrndup(val, len);
	m->nr_info++;
}

static uint64_t *copy_ids(const void *ids, size_t n)
{
	uint64_t *out = xmalloc((n ? n : 1) * sizeof(*out));
	memcpy(out, ids, n * sizeof(*out));
	return out;
}

void pd_meta_add_attr(struct pd_meta *m, const void *attr, size_t attr_len, const void *ids,
		      size_t nr_ids)
{
	ALLOC_GROW(m->attrs, m->nr_attrs + 1, m->alloc_attrs);
	struct pd_attr *a = &m->attrs[m->nr_attrs++];
	memset(a, 0, sizeof(*a));
	memcpy(&a->attr, attr, attr_len < sizeof(a->attr) ? attr_len : sizeof(a->attr));
	a->attr.size = sizeof(a->attr);
	a->nr_ids = nr_ids;
	a->ids = copy_ids(ids, nr_ids);
}

/* ---- feature sections ------------------------------------------------------ */

struct cur {
	const unsigned char *p, *end;
	int bad;
};

static uint32_t get32(struct cur *c)
{
	uint32_t v = 0;
	if (c->end - c->p < 4) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 4);
	c->p += 4;
	return v;
}

static const unsigned char *get_bytes(struct cur *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	const unsigned char *p = c->p;
	c->p += n;
	return p;
}

/* perf's string: u32 length (padding included), then the bytes, NUL-terminated. */
static const char *get_str(struct cur *c, size_t *len)
{
	uint32_t n = get32(c);
	const char *s = (const char *)get_bytes(c, n);
	*len = s ? strnlen(s, n) : 0;
	return s;
}

static void feature_string(struct pd_meta *m, const char *key, struct cur *c)
{
	size_t n;
	const char *s = get_str(c, &n);
	if (s)
		set_info(m, key, s, n);
}

static void feature_cmdline(struct pd_meta *m, struct cur *c)
{
	uint32_t nr = get32(c);
	struct strbuf sb = STRBUF_INIT;
	for (uint32_t i = 0; i < nr && !c->bad && sb.len < MAX_VALUE; i++) {
		size_t n;
		const char *s = get_str(c, &n);
		if (!s)
			break;
		if (i)
			strbuf_addch(&sb, ' ');
		strbuf_add(&sb, s, n);
	}
	if (sb.len) {
		set_info(m, "cmdline", sb.buf, sb.len);
		set_info(m, "target", sb.buf, sb.len);
	}
	strbuf_release(&sb);
}

static void feature_event_desc(struct pd_meta *m, struct cur *c)
{
	uint32_t nr = get32(c), attr_size = get32(c);
	for (uint32_t i = 0; i < nr && !c->bad; i++) {
		if (!get_bytes(c, attr_size))
			break;
		uint32_t nr_ids = get32(c);
		size_t n;
		const char *name = get_str(c, &n);
		const unsigned char *ids = get_bytes(c, (uint64_t)nr_ids * 8);
		if (!name || !ids)
			break;
		ALLOC_GROW(m->descs, m->nr_descs + 1, m->alloc_descs);
		struct pd_desc *d = &m->descs[m->nr_descs++];
		d->name = xstrndup(name, n);
		d->nr_ids = nr_ids;
		d->ids = copy_ids(ids, nr_ids);
	}
}

void pd_meta_add_feature(struct pd_meta *m, uint64_t feat, const unsigned char *p, size_t len)
{
	struct cur c = { p, p + len, 0 };
	char buf[64];
	switch (feat) {
	case PD_FEAT_BUILD_ID:
		pd_meta_add_build_ids(m, p, len, NULL);
		break;
	case PD_FEAT_HOSTNAME: feature_string(m, "hostname", &c); break;
	case PD_FEAT_OSRELEASE: feature_string(m, "release", &c); break;
	case PD_FEAT_VERSION: feature_string(m, "perf-version", &c); break;
	case PD_FEAT_ARCH: feature_string(m, "arch", &c); break;
	case PD_FEAT_NRCPUS: {
		uint32_t avail = get32(&c), online = get32(&c);
		if (!c.bad) {
			snprintf(buf, sizeof(buf), "%u", online);
			set_info(m, "cpus", buf, strlen(buf));
			snprintf(buf, sizeof(buf), "%u", avail);
			set_info(m, "cpus-available", buf, strlen(buf));
		}
		break;
	}
	case PD_FEAT_CMDLINE: feature_cmdline(m, &c); break;
	case PD_FEAT_EVENT_DESC: feature_event_desc(m, &c); break;
	case PD_FEAT_SAMPLE_TIME:
		if (len >= 16) {
			uint64_t t[2];
			memcpy(t, p, 16);
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)t[0]);
			set_info(m, "first-sample-ns", buf, strlen(buf));
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)t[1]);
			set_info(m, "last-sample-ns", buf, strlen(buf));
		}
		break;
	case PD_FEAT_COMPRESSED: {
		uint32_t ver = get32(&c), type = get32(&c), level = get32(&c);
		(void)ver;
		if (!c.bad) {
			snprintf(buf, sizeof(buf), "%s level %u", type == 1 ? "zstd" : "unknown", level);
			set_info(m, "compression", buf, strlen(buf));
		}
		break;
	}
	}
}

/* ---- build-ids ------------------------------------------------------------- */


static void emit_build_id(struct strbuf *out, const struct pd_bid *b)
{
	size_t plen = strlen(b->path) + 1, body = ALIGN8(32 + plen);
	struct perf_event_header h = { STOKE_REC_BUILD_ID, 0, (uint16_t)(sizeof(h) + body) };
	unsigned char fixed[32] = { 0 };
	fixed[0] = (unsigned char)b->len;
	memcpy(fixed + 8, b->id, b->len);
	strbuf_add(out, &h, sizeof(h));
	strbuf_add(out, fixed, sizeof(fixed));
	strbuf_add(out, b->path, plen);
	while ((out->len & 7))
		strbuf_addch(out, 0);
}

void pd_meta_add_build_ids(struct pd_meta *m, const unsigned char *p, size_t len,
			   struct strbuf *out)
{
	size_t off = 0;
	/* {perf_event_header; s32 pid; u8 build_id[24]; char filename[]} */
	while (len - off >= 8 + 4 + 24) {
		struct perf_event_header h;
		memcpy(&h, p + off, sizeof(h));
		if (h.size < 8 + 4 + 24 + 1 || h.size > len - off)
			break;
		const unsigned char *id = p + off + 12;
		size_t idlen = (h.misc & BUILD_ID_SIZE_BIT) ? id[20] : 20;
		const char *path = (const char *)id + 24;
		size_t plen = strnlen(path, h.size - 36);
		off += h.size;
		if (idlen > 20 || !plen || plen > 4000)
			continue;
		ALLOC_GROW(m->bids, m->nr_bids + 1, m->alloc_bids);
		struct pd_bid *b = &m->bids[m->nr_bids++];
		b->path = xstrndup(path, plen);
		memcpy(b->id, id, idlen);
		b->len = idlen;
		m->bids_sorted = 0;
		if ((h.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL &&
		    !strcmp(b->path, "[kernel.kallsyms]")) {
			char hx[41];
			hex_encode(hx, b->id, b->len);
			set_info(m, "kernel-build-id", hx, strlen(hx));
		}
		if (out)
			emit_build_id(out, b);
	}
}

static int cmp_bid(const void *a, const void *b)
{
	return strcmp(((const struct pd_bid *)a)->path, ((const struct pd_bid *)b)->path);
}

size_t pd_meta_build_id(struct pd_meta *m, const char *path, const unsigned char **id)
{
	if (!m->bids_sorted) {
		xsort(m->bids, m->nr_bids, sizeof(*m->bids), cmp_bid);
		m->bids_sorted = 1;
	}
	size_t lo = 0, hi = m->nr_bids;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->bids[mid].path, path);
		if (!c) {
			*id = m->bids[mid].id;
			return m->bids[mid].len;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- emitting ------------------------------------------------------------------ */

/* perf's names for the generic events, by type and config. */
static void derive_name(const struct perf_event_attr *a, char *buf, size_t len)
{
	static const char *const sw[] = {
		"cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations",
		"minor-faults", "major-faults", "alignment-faults", "emulation-faults", "dummy",
		"bpf-output", "cgroup-switches",
	};
	static const char *const hw[] = {
		"cycles", "instructions", "cache-references", "cache-misses", "branches",
		"branch-misses", "bus-cycles", "stalled-cycles-frontend", "stalled-cycles-backend",
		"ref-cycles",
	};
	if (a->type == PERF_TYPE_SOFTWARE && a->config < ARRAY_SIZE(sw))
		snprintf(buf, len, "%s", sw[a->config]);
	else if (a->type == PERF_TYPE_HARDWARE && a->config < ARRAY_SIZE(hw))
		snprintf(buf, len, "%s", hw[a->config]);
	else
		snprintf(buf, len, "type%u/config=0x%llx", a->type, (unsigned long long)a->config);
}

static const char *desc_name(const struct pd_meta *m, size_t i)
{
	const struct pd_attr *a = &m->attrs[i];
	for (size_t d = 0; d < m->nr_descs; d++)
		for (size_t k = 0; k < m->descs[d].nr_ids; k++)
			for (size_t j = 0; j < a->nr_ids; j++)
				if (m->descs[d].ids[k] == a->ids[j])
					return m->descs[d].name;
	/* No ids to match (one event): the descriptions are in attr order. */
	return m->nr_descs == m->nr_attrs ? m->descs[i].name : NULL;
}

static void emit_attr(struct strbuf *out, const struct pd_attr *a, const char *name)
{
	size_t nr_ids = a->nr_ids < MAX_ATTR_IDS ? a->nr_ids : MAX_ATTR_IDS;
	size_t nlen = strnlen(name, 200) + 1;
	size_t body = 8 + ALIGN8(sizeof(a->attr)) + nr_ids * 8 + ALIGN8(nlen);
	struct perf_event_header h = { STOKE_REC_ATTR, 0, (uint16_t)(sizeof(h) + body) };
	uint32_t hd[2] = { (uint32_t)sizeof(a->attr), (uint32_t)nr_ids };
	strbuf_add(out, &h, sizeof(h));
	strbuf_add(out, hd, sizeof(hd));
	strbuf_add(out, &a->attr, sizeof(a->attr));
	while ((out->len & 7))
		strbuf_addch(out, 0);
	strbuf_add(out, a->ids, nr_ids * 8);
	strbuf_add(out, name, nlen - 1);
	strbuf_addch(out, 0);
	while ((out->len & 7))
		strbuf_addch(out, 0);
}

void pd_meta_emit(struct pd_meta *m, struct strbuf *out)
{
	for (size_t i = 0; i < m->nr_attrs; i++) {
		const char *name = desc_name(m, i);
		char buf[64];
		if (!name || !*name) {
			derive_name(&m->attrs[i].attr, buf, sizeof(buf));
			name = buf;
		}
		emit_attr(out, &m->attrs[i], name);
	}
	struct strbuf kv = STRBUF_INIT;
	for (size_t i = 0; i < m->nr_info; i++) {
		strbuf_add(&kv, m->info[i][0], strlen(m->info[i][0]) + 1);
		strbuf_add(&kv, m->info[i][1], strlen(m->info[i][1]) + 1);
	}
	strbuf_add(&kv, "source\0perf.data", sizeof("source\0perf.data"));
	while ((kv.len & 7))
		strbuf_addch(&kv, 0);
	if (kv.len + 8 <= 0xffff) {
		struct perf_event_header h = { STOKE_REC_INFO, 0, (uint16_t)(sizeof(h) + kv.len) };
		strbuf_add(out, &h, sizeof(h));
		strbuf_add(out, kv.buf, kv.len);
	}
	strbuf_release(&kv);
	for (size_t i = 0; i < m->nr_bids; i++)
		emit_build_id(out, &m->bids[i]);
}
