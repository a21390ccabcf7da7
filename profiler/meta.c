#include "profiler/meta.h"
#include "common/htab.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int meta_write_info(struct fmt_writer *w, const char *const *kv)
{
	struct strbuf sb = STRBUF_INIT;
	for (; kv[0] && kv[1]; kv += 2) {
		strbuf_add(&sb, kv[0], strlen(kv[0]) + 1);
		/* Keep the record within 64 KiB: cut very long values. */
		size_t n = strnlen(kv[1], 16384);
		strbuf_add(&sb, kv[1], n);
		strbuf_addch(&sb, '\0');
	}
	int err = fmt_writer_add(w, STOKE_REC_INFO, 0, sb.buf, sb.len);
	strbuf_release(&sb);
	return err;
}

int meta_write_attr(struct fmt_writer *w, const struct perf_event_attr *attr,
		    const uint64_t *ids, size_t nr_ids, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	uint32_t head[2] = { (uint32_t)sizeof(*attr), (uint32_t)nr_ids };
	if (nr_ids > 7000)
		return -E2BIG; /* the record would pass 64 KiB; never with sane CPU counts */
	strbuf_add(&sb, head, sizeof(head));
	strbuf_add(&sb, attr, sizeof(*attr));
	while (sb.len & 7)
		strbuf_addch(&sb, '\0');
	strbuf_add(&sb, ids, nr_ids * sizeof(*ids));
	strbuf_add(&sb, name, strlen(name) + 1);
	int err = fmt_writer_add(w, STOKE_REC_ATTR, 0, sb.buf, sb.len);
	strbuf_release(&sb);
	return err;
}

struct kaddrs {
	uint64_t sample_type, regs_mask;
	struct htab *addrs; /* the kernel addresses seen (uint64_t entries) */
};

struct kaddrs *kaddrs_new(uint64_t sample_type, uint64_t regs_mask)
{
	struct kaddrs *k = xcalloc(1, sizeof(*k));
	k->sample_type = sample_type;
	k->regs_mask = regs_mask;
	k->addrs = htab_new(sizeof(uint64_t), sizeof(uint64_t), 4096, NULL, NULL);
	return k;
}

void kaddrs_free(struct kaddrs *k)
{
	if (!k)
		return;
	htab_free(k->addrs);
	free(k);
}

static void kaddrs_put(struct kaddrs *k, uint64_t a)
{
	if (!a)
		return;
	uint64_t *e = htab_insert(k->addrs, hash64(a), &a, NULL);
	*e = a;
}

void kaddrs_note(struct kaddrs *k, const struct perf_event_header *h)
{
	struct sample s;
	if (h->type != PERF_RECORD_SAMPLE || sample_parse(h, k->sample_type, k->regs_mask, &s))
		return;
	int kernel = (s.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	if (kernel)
		kaddrs_put(k, s.ip);
	for (uint64_t i = 0; i < s.nr_callchain; i++) {
		uint64_t a = s.callchain[i];
		if (a >= PERF_CONTEXT_MAX)
			kernel = a == PERF_CONTEXT_KERNEL;
		else if (kernel)
			kaddrs_put(k, a);
	}
}

struct ksym_line {
	uint64_t addr;
	size_t off, len; /* the line in the text, without its newline */
	int keep;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym_line *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (x->off > y->off) - (x->off < y->off);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static int add_chunked(struct fmt_writer *w, struct strbuf *chunk, const char *line, size_t n)
{
	int err = 0;
	if (chunk->len + n + 1 > 60000) {
		err = fmt_writer_add(w, STOKE_REC_KALLSYMS, 0, chunk->buf, chunk->len);
		strbuf_reset(chunk);
	}
	strbuf_add(chunk, line, n);
	strbuf_addch(chunk, '\n');
	return err;
}

int meta_write_kallsyms(struct fmt_writer *w, const struct kaddrs *used, int *hidden)
{
	char *text;
	size_t len;
	*hidden = 0;
	/* The kernel generates the file on every read (~50 ms of system time): a recording
	 * without kernel samples has no use for it, and gets no snapshot. */
	if (used && !htab_count(used->addrs))
		return 0;
	int err = read_file("/proc/kallsyms", &text, &len);
	if (err)
		return err;
	*hidden = len >= 16 && !strncmp(text, "0000000000000000", 16);

	struct ksym_line *lines = NULL;
	size_t nr = 0, alloc = 0;
	for (size_t off = 0; off < len;) {
		char *nl = memchr(text + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - text) : len;
		ALLOC_GROW(lines, nr + 1, alloc);
		lines[nr].addr = strtoull(text + off, NULL, 16);
		lines[nr].off = off;
		lines[nr].len = end - off;
		/* "ADDR T name [module]": the section markers bound kernel text. */
		const char *name = text + off + 19 < text + end ? text + off + 19 : text + end;
		size_t nlen = (size_t)(text + end - name);
		lines[nr].keep = !used || *hidden ? (!*hidden || nr < 16) :
				 (nlen == 5 && !memcmp(name, "_text", 5)) ||
				 (nlen == 6 && (!memcmp(name, "_stext", 6) || !memcmp(name, "_etext", 6)));
		nr++;
		off = end + 1;
	}
	if (used && !*hidden) {
		xsort(lines, nr, sizeof(*lines), cmp_ksym);
		uint64_t *addrs = xmalloc(sizeof(uint64_t) * (htab_count(used->addrs) + 1));
		size_t na = 0, pos = 0;
		for (const uint64_t *a; (a = htab_next(used->addrs, &pos));)
			addrs[na++] = *a;
		xsort(addrs, na, sizeof(*addrs), cmp_u64);
		/* Both sorted: one merge walk marks the containing symbol and its successor. */
		size_t j = 0;
		for (size_t i = 0; i < na; i++) {
			while (j + 1 < nr && lines[j + 1].addr <= addrs[i])
				j++;
			if (lines[j].addr > addrs[i])
				continue;
			lines[j].keep = 1;
			/* The next symbol at a higher address ends this one. */
			for (size_t k = j + 1; k < nr; k++) {
				if (lines[k].addr > lines[j].addr) {
					lines[k].keep = 1;
					break;
				}
			}
		}
		free(addrs);
	}
	struct strbuf chunk = STRBUF_INIT;
	for (size_t i = 0; i < nr && !err; i++)
		if (lines[i].keep)
			err = add_chunked(w, &chunk, text + lines[i].off, lines[i].len);
	if (!err && chunk.len)
		err = fmt_writer_add(w, STOKE_REC_KALLSYMS, 0, chunk.buf, chunk.len);
	strbuf_release(&chunk);
	free(lines);
	free(text);
	return err;
}
