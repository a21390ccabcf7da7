#include "profiler/buildids.h"
#include "profiler/synth.h"
#include "common/htab.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

/* The table's entries, keyed by path. */
struct entry {
	char *path;                /* ours (xstrdup) */
	unsigned char id[20];
	size_t len;                /* 0: not known yet */
};

struct buildids {
	struct htab *files;        /* struct entry by path */
};

static int entry_matches(const void *entry, const void *key, void *ctx)
{
	return !strcmp(((const struct entry *)entry)->path, key);
}

struct buildids *buildids_new(void)
{
	struct buildids *b = xcalloc(1, sizeof(*b));
	b->files = htab_new(sizeof(struct entry), 0, 256, entry_matches, NULL);
	return b;
}

void buildids_free(struct buildids *b)
{
	if (!b)
		return;
	size_t pos = 0;
	for (struct entry *e; (e = htab_next(b->files, &pos));)
		free(e->path);
	htab_free(b->files);
	free(b);
}

void buildids_note(struct buildids *b, const char *path, const unsigned char *id, size_t len)
{
	if (path[0] != '/')
		return; /* [vdso], //anon, [heap]: not files */
	int added;
	struct entry *e = htab_insert(b->files, fnv1a(FNV_INIT, path, strlen(path)), path, &added);
	if (added)
		e->path = xstrdup(path);
	if (id && len && !e->len) {
		e->len = len > sizeof(e->id) ? sizeof(e->id) : len;
		memcpy(e->id, id, e->len);
	}
}

int buildids_each(struct buildids *b,
		  int (*fn)(void *ctx, const char *path, const unsigned char *id, size_t len),
		  void *ctx)
{
	size_t pos = 0;
	for (struct entry *e; (e = htab_next(b->files, &pos));) {
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
