/* Processes → maps → object files: the fork, exec and mmap rules in one place. */
#include "symbolize/addrspace.h"
#include "common/htab.h"
#include "common/sample.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct as_proc {
	uint32_t pid;
	struct as_map *maps;  /* sorted by start, not overlapping */
	size_t nr, alloc;
	uint32_t gen;         /* bumped when the maps change */
};

struct proc_ent {
	uint32_t pid;         /* the key */
	struct as_proc *p;
};

struct addrspace {
	struct strtab *strings;
	struct objfiles *objs;
	struct htab *procs;   /* struct proc_ent by pid */
};

struct addrspace *addrspace_new(void)
{
	struct addrspace *as = xcalloc(1, sizeof(*as));
	as->strings = strtab_new();
	as->objs = objfiles_new(as->strings);
	as->procs = htab_new(sizeof(struct proc_ent), sizeof(uint32_t), 256, NULL, NULL);
	return as;
}

void addrspace_free(struct addrspace *as)
{
	if (!as)
		return;
	size_t pos = 0;
	struct proc_ent *e;
	while ((e = htab_next(as->procs, &pos))) {
		free(e->p->maps);
		free(e->p);
	}
	htab_free(as->procs);
	objfiles_free(as->objs);
	strtab_free(as->strings);
	free(as);
}

struct strtab *addrspace_strings(struct addrspace *as) { return as->strings; }

struct as_proc *addrspace_proc(const struct addrspace *as, uint32_t pid)
{
	const struct proc_ent *e = htab_find(as->procs, hash64(pid), &pid);
	return e ? e->p : NULL;
}

static struct as_proc *proc_get(struct addrspace *as, uint32_t pid)
{
	int added;
	struct proc_ent *e = htab_insert(as->procs, hash64(pid), &pid, &added);
	if (added) {
		e->pid = pid;
		e->p = xcalloc(1, sizeof(*e->p));
		e->p->pid = pid;
	}
	return e->p;
}

uint32_t as_proc_pid(const struct as_proc *p) { return p->pid; }
uint32_t as_proc_generation(const struct as_proc *p) { return p->gen; }

void addrspace_exec(struct addrspace *as, uint32_t pid)
{
	struct as_proc *p = addrspace_proc(as, pid);
	if (p) {
		p->nr = 0; /* a new program: the old maps are gone */
		p->gen++;
	}
}

void addrspace_forget(struct addrspace *as, uint32_t pid)
{
	struct as_proc *p = addrspace_proc(as, pid);
	if (p) {
		free(p->maps);
		p->maps = NULL;
		p->nr = p->alloc = 0;
		p->gen++;
	}
}

void addrspace_fork(struct addrspace *as, uint32_t ppid, uint32_t pid)
{
	if (ppid == pid)
		return;
	struct as_proc *parent = addrspace_proc(as, ppid);
	struct as_proc *child = proc_get(as, pid);
	child->nr = 0;
	child->gen++;
	if (!parent)
		return;
	ALLOC_GROW(child->maps, parent->nr, child->alloc);
	memcpy(child->maps, parent->maps, parent->nr * sizeof(*parent->maps));
	child->nr = parent->nr;
}

void addrspace_mmap(struct addrspace *as, uint32_t pid, uint64_t start, uint64_t len,
		    uint64_t pgoff, uint32_t prot, const char *path, const unsigned char *build_id,
		    size_t build_id_len)
{
	if (!len || start + len < start)
		return;
	struct as_proc *p = proc_get(as, pid);
	struct as_map m = { start, start + len, pgoff, prot, strtab_intern(as->strings, path), NULL };
	if (path[0] == '/' && path[1] != '/') /* "//anon" is anonymous memory */
		m.obj = objfiles_get(as->objs, path, build_id, build_id_len);

	/* Cut the parts of older maps that the new one covers. */
	struct as_map *out = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < p->nr; i++) {
		struct as_map o = p->maps[i];
		if (o.end <= m.start || o.start >= m.end) {
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = o;
			continue;
		}
		if (o.start < m.start) {
			struct as_map left = o;
			left.end = m.start;
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = left;
		}
		if (o.end > m.end) {
			struct as_map right = o;
			right.pgoff += m.end - o.start;
			right.start = m.end;
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = right;
		}
	}
	size_t at = 0;
	while (at < n && out[at].start < m.start)
		at++;
	ALLOC_GROW(out, n + 1, alloc);
	memmove(out + at + 1, out + at, (n - at) * sizeof(*out));
	out[at] = m;
	n++;
	free(p->maps);
	p->maps = out;
	p->nr = n;
	p->alloc = alloc;
	p->gen++;
}

const struct as_map *as_proc_find(const struct as_proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (p->maps[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nr && p->maps[lo].start <= addr)
		return &p->maps[lo];
	return NULL;
}

const struct as_map *addrspace_find(const struct addrspace *as, uint32_t pid, uint64_t addr)
{
	const struct as_proc *p = addrspace_proc(as, pid);
	return p ? as_proc_find(p, addr) : NULL;
}

uint32_t addrspace_generation(const struct addrspace *as, uint32_t pid)
{
	const struct as_proc *p = addrspace_proc(as, pid);
	return p ? p->gen : 0;
}

void addrspace_record(struct addrspace *as, const struct perf_event_header *h)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	size_t blen = h->size > sizeof(*h) ? h->size - sizeof(*h) : 0;
	uint32_t v[4];
	uint64_t a[3];

	switch (h->type) {
	case PERF_RECORD_COMM:
		if (blen > 8 && (h->misc & PERF_RECORD_MISC_COMM_EXEC)) {
			memcpy(v, body, 8);
			addrspace_exec(as, v[0]);
		}
		break;
	case PERF_RECORD_FORK:
		if (blen >= 16) {
			memcpy(v, body, 16); /* pid, ppid, tid, ptid */
			addrspace_fork(as, v[1], v[0]);
		}
		break;
	case PERF_RECORD_MMAP2:
		if (blen > sizeof(struct mmap2_body)) {
			const struct mmap2_body *m = (const void *)body;
			const char *path = (const char *)(m + 1);
			size_t max = blen - sizeof(*m);
			if (strnlen(path, max) == max)
				break;
			int has_id = h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID;
			size_t id_len = has_id && m->build_id_size <= 20 ? m->build_id_size : 0;
			addrspace_mmap(as, m->pid, m->addr, m->len, m->pgoff, m->prot, path,
				       id_len ? m->build_id : NULL, id_len);
		}
		break;
	case PERF_RECORD_MMAP:
		if (blen > 32) {
			memcpy(v, body, 8);
			memcpy(a, body + 8, 24);
			const char *path = (const char *)body + 32;
			if (strnlen(path, blen - 32) < blen - 32)
				addrspace_mmap(as, v[0], a[0], a[1], a[2], 5, path, NULL, 0);
		}
		break;
	}
}

struct unmapped {
	struct htab *used; /* struct objfile * of every map */
	void (*fn)(void *ctx, struct objfile *o);
	void *ctx;
};

static uint64_t obj_hash(const struct objfile *o)
{
	return hash64((uint64_t)(uintptr_t)o);
}

static void each_unmapped(void *ctx, struct objfile *o)
{
	struct unmapped *u = ctx;
	if (objfile_is_open(o) && !htab_find(u->used, obj_hash(o), &o))
		u->fn(u->ctx, o);
}

void addrspace_unmapped_files(struct addrspace *as, void (*fn)(void *ctx, struct objfile *o),
			      void *ctx)
{
	struct unmapped u = {
		htab_new(sizeof(struct objfile *), sizeof(struct objfile *), 256, NULL, NULL), fn, ctx
	};
	size_t pos = 0;
	struct proc_ent *e;
	while ((e = htab_next(as->procs, &pos)))
		for (size_t i = 0; i < e->p->nr; i++) {
			struct objfile *o = e->p->maps[i].obj;
			if (o)
				*(struct objfile **)htab_insert(u.used, obj_hash(o), &o, NULL) = o;
		}
	objfiles_each(as->objs, each_unmapped, &u);
	htab_free(u.used);
}
