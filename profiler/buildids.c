#include "profiler/buildids.h"
#include "profiler/synth.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct entry {
	char *path;                /* NULL: empty slot */
	uint64_t hash;
	unsigned char id[20];
	size_t len;                /* 0: not known yet */
};

struct buildids {
	struct entry *slots;
	size_t cap, used;
};

struct buildids *buildids_new(void)
{
	struct buildids *b = xcalloc(1, sizeof(*b));
	b->cap = 256;
	b->slots = xcalloc(b->cap, sizeof(*b->slots));
	return b;
}

void buildids_free(struct buildids *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->cap; i++)
		free(b->slots[i].path);
	free(b->slots);
	free(b);
}

static struct entry *find(struct entry *slots, size_t cap, const char *path, uint64_t h)
{
	size_t i = h & (cap - 1);
	while (slots[i].path && (slots[i].hash != h || strcmp(slots[i].path, path)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void buildids_note(struct buildids *b, const char *path, const unsigned char *id, size_t len)
{
	if (path[0] != '/')
		return; /* [vdso], //anon, [heap]: not files */
	if ((b->used + 1) * 2 > b->cap) {
		struct entry *old = b->slots;
		size_t old_cap = b->cap;
		b->cap *= 2;
		b->slots = xcalloc(b->cap, sizeof(*b->slots));
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].path)
				*find(b->slots, b->cap, old[i].path, old[i].hash) = old[i];
		free(old);
	}
	uint64_t h = fnv1a(FNV_INIT, path, strlen(path));
	struct entry *e = find(b->slots, b->cap, path, h);
	if (!e->path) {
		e->path = xstrdup(path);
		e->hash = h;
		b->used++;
	}
	if (id && len && !e->len) {
		e->len = len > sizeof(e->id) ? sizeof(e->id) : len;
		memcpy(e->id, id, e->len);
	}
}

int buildids_each(struct buildids *b,
		  int (*fn)(void *ctx, const char *path, const unsigned char *id, size_t len),
		  void *ctx)
{
	for (size_t i = 0; i < b->cap; i++) {
		struct entry *e = &b->slots[i];
		if (!e->path)
			continue;
		if (!e->len) {
			int n = buildid_read(e->path, e->id, sizeof(e->id));
			if (n <= 0)
				continue;
			e->len = (size_t)n;
		}
		int r = fn(ctx, e->path, e->id, e->len);
		if (r)
			return r;
	}
	return 0;
}
