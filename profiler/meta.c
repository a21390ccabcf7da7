#include "profiler/meta.h"
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

int meta_write_kallsyms(struct fmt_writer *w, int *hidden)
{
	char *text;
	size_t len;
	int err = read_file("/proc/kallsyms", &text, &len);
	*hidden = 0;
	if (err)
		return err;
	/* All-zero addresses mean kptr_restrict hides them from us. */
	*hidden = len >= 16 && !strncmp(text, "0000000000000000", 16);
	const size_t max = 60000;
	size_t off = 0;
	while (!err && off < len) {
		size_t n = len - off;
		if (n > max) {
			n = max;
			while (n && text[off + n - 1] != '\n')
				n--;
			if (!n)
				n = max; /* a line longer than a record: cut it */
		}
		err = fmt_writer_add(w, STOKE_REC_KALLSYMS, 0, text + off, n);
		off += n;
	}
	free(text);
	return err;
}
