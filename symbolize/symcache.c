#include "symbolize/symcache.h"
#include "common/htab.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * Layout: a header; the entries, each {u64 key, u32 first frame, u32 nr}; the frames, each
 * {u64 rel, u32 name, u32 file, i32 line, u32 inlined} with name and file as an offset + 1
 * into the strings (0: none); the strings, each ending in a NUL.
 */
#define MAGIC "stksym02"

struct header {
	char magic[8];
	uint32_t nr_entries, nr_frames, str_len, opts;
	uint64_t file_size, file_mtime_ns, debug_size, debug_mtime_ns, libs;
};

struct rec_entry {
	uint64_t key;
	uint32_t first, nr;
};

struct rec_frame {
	uint64_t rel;
	uint32_t name, file;
	int32_t line;
	uint32_t inlined;
};

struct str_ent {
	const char *s; /* the key: interned strings are one pointer each */
	uint32_t off;
};

struct enc {
	struct htab *strs;
	char *buf;
	size_t len, alloc;
};

static uint32_t str_ref(struct enc *e, const char *s)
{
	if (!s)
		return 0;
	int added;
	struct str_ent *se = htab_insert(e->strs, hash_addr((uint64_t)(uintptr_t)s), &s, &added);
	if (added) {
		size_t n = strlen(s) + 1;
		ALLOC_GROW(e->buf, e->len + n, e->alloc);
		memcpy(e->buf + e->len, s, n);
		se->s = s;
		se->off = (uint32_t)e->len;
		e->len += n;
	}
	return se->off + 1;
}

void symcache_encode(const struct symcache_source *src, const struct symcache_entry *e, size_t n,
		     unsigned char **out, size_t *len)
{
	struct enc enc = { .strs = htab_new(sizeof(struct str_ent), sizeof(const char *), 64, NULL,
					    NULL) };
	size_t frames = 0;
	for (size_t i = 0; i < n; i++)
		frames += e[i].nr;
	struct rec_entry *re = xcalloc(n ? n : 1, sizeof(*re));
	struct rec_frame *rf = xcalloc(frames ? frames : 1, sizeof(*rf));
	for (size_t i = 0, k = 0; i < n; i++) {
		re[i] = (struct rec_entry){ e[i].key, (uint32_t)k, e[i].nr };
		for (uint32_t j = 0; j < e[i].nr; j++, k++) {
			const struct sym_frame *f = &e[i].frames[j];
			rf[k] = (struct rec_frame){ f->rel, str_ref(&enc, f->name), str_ref(&enc, f->file),
						    f->line, (uint32_t)f->inlined };
		}
	}
	struct header h = { .nr_entries = (uint32_t)n, .nr_frames = (uint32_t)frames,
			    .str_len = (uint32_t)enc.len, .opts = src->opts,
			    .file_size = src->file_size, .file_mtime_ns = src->file_mtime_ns,
			    .debug_size = src->debug_size, .debug_mtime_ns = src->debug_mtime_ns,
			    .libs = src->libs };
	memcpy(h.magic, MAGIC, 8);
	size_t total = sizeof(h) + n * sizeof(*re) + frames * sizeof(*rf) + enc.len;
	unsigned char *p = xmalloc(total), *w = p;
	memcpy(w, &h, sizeof(h));
	w += sizeof(h);
	memcpy(w, re, n * sizeof(*re));
	w += n * sizeof(*re);
	memcpy(w, rf, frames * sizeof(*rf));
	w += frames * sizeof(*rf);
	if (enc.len)
		memcpy(w, enc.buf, enc.len);
	free(re);
	free(rf);
	free(enc.buf);
	htab_free(enc.strs);
	*out = p;
	*len = total;
}

/* A string reference of the file: 1 when it is none or lies inside the strings. */
static int str_ok(uint32_t ref, uint32_t str_len)
{
	return !ref || ref - 1 < str_len;
}

int symcache_decode(const unsigned char *p, size_t len, const struct symcache_source *src,
		    struct strtab *strings,
		    void (*add)(void *ctx, uint64_t key, const struct sym_frame *frames, uint32_t nr),
		    void *ctx)
{
	struct header h;
	if (len < sizeof(h))
		return -EBADMSG;
	memcpy(&h, p, sizeof(h));
	if (memcmp(h.magic, MAGIC, 8))
		return -EBADMSG;
	uint64_t need = sizeof(h) + (uint64_t)h.nr_entries * sizeof(struct rec_entry) +
			(uint64_t)h.nr_frames * sizeof(struct rec_frame) + h.str_len;
	if (need != len)
		return -EBADMSG;
	if (h.opts != src->opts || h.file_size != src->file_size ||
	    h.file_mtime_ns != src->file_mtime_ns || h.debug_size != src->debug_size ||
	    h.debug_mtime_ns != src->debug_mtime_ns || h.libs != src->libs)
		return -ESTALE;
	const unsigned char *ents = p + sizeof(h);
	const unsigned char *frs = ents + (size_t)h.nr_entries * sizeof(struct rec_entry);
	const char *strs = (const char *)(frs + (size_t)h.nr_frames * sizeof(struct rec_frame));
	if (h.str_len && strs[h.str_len - 1])
		return -EBADMSG; /* the last string would run past the end */
	/* Check everything first: a damaged file adds nothing. */
	for (uint32_t i = 0; i < h.nr_entries; i++) {
		struct rec_entry re;
		memcpy(&re, ents + (size_t)i * sizeof(re), sizeof(re));
		if (re.nr > SYMCACHE_MAX_FRAMES || re.first > h.nr_frames ||
		    re.nr > h.nr_frames - re.first)
			return -EBADMSG;
	}
	for (uint32_t k = 0; k < h.nr_frames; k++) {
		struct rec_frame rf;
		memcpy(&rf, frs + (size_t)k * sizeof(rf), sizeof(rf));
		if (!str_ok(rf.name, h.str_len) || !str_ok(rf.file, h.str_len) || rf.inlined > 1)
			return -EBADMSG;
	}
	struct sym_frame out[SYMCACHE_MAX_FRAMES];
	for (uint32_t i = 0; i < h.nr_entries; i++) {
		struct rec_entry re;
		memcpy(&re, ents + (size_t)i * sizeof(re), sizeof(re));
		for (uint32_t j = 0; j < re.nr; j++) {
			struct rec_frame rf;
			memcpy(&rf, frs + (size_t)(re.first + j) * sizeof(rf), sizeof(rf));
			out[j] = (struct sym_frame){
				.name = rf.name ? strtab_intern(strings, strs + rf.name - 1) : NULL,
				.file = rf.file ? strtab_intern(strings, strs + rf.file - 1) : NULL,
				.line = rf.line, .rel = rf.rel, .inlined = (int)rf.inlined,
			};
		}
		add(ctx, re.key, out, re.nr);
	}
	return 0;
}
