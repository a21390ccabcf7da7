/* Process address spaces and the dispatch of a lookup: kernel, ELF file, JIT map. */
#include "symbolize/symbolize.h"
#include "common/util.h"
#include "symbolize/elfsym.h"
#include "symbolize/kallsyms.h"
#include "symbolize/perfmap.h"
#include "symbolize/strtab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct map {
	uint64_t start, end, pgoff;
	uint32_t prot;
	const char *path;  /* interned */
	struct dso *dso;   /* NULL when not a file ("//anon", "[heap]", ...) */
};

struct proc {
	uint32_t pid;
	struct map *maps;  /* sorted by start, not overlapping */
	size_t nr, alloc;
	struct perfmap *jit; /* perf-PID.map, loaded on first need */
	int jit_tried;
	uint32_t gen;        /* bumped when the maps change */
	struct proc *next;
};

#define NR_BUCKETS 1024

struct symbolizer {
	struct sym_opts opts;
	struct strtab *strings;
	struct dso_set *dsos;
	struct ksyms *ksyms;
	struct proc *procs[NR_BUCKETS];
	const char *kernel_module, *jit_module;
	int warned_hidden;
	struct sym_stats stats;
};

struct symbolizer *sym_new(const struct sym_opts *opts)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->strings = strtab_new();
	s->dsos = dso_set_new(&s->opts, s->strings);
	s->kernel_module = strtab_intern(s->strings, "[kernel.kallsyms]");
	s->jit_module = strtab_intern(s->strings, "[jit]");
	return s;
}

void sym_free(struct symbolizer *s)
{
	if (!s)
		return;
	for (size_t b = 0; b < NR_BUCKETS; b++) {
		for (struct proc *p = s->procs[b], *next; p; p = next) {
			next = p->next;
			free(p->maps);
			perfmap_free(p->jit);
			free(p);
		}
	}
	ksyms_free(s->ksyms);
	dso_set_free(s->dsos);
	strtab_free(s->strings);
	free(s);
}

static void warn(struct symbolizer *s, const char *msg)
{
	if (s->opts.warn)
		s->opts.warn(s->opts.warn_ctx, msg);
}

static struct proc *proc_get(struct symbolizer *s, uint32_t pid, int create)
{
	size_t b = pid % NR_BUCKETS;
	for (struct proc *p = s->procs[b]; p; p = p->next)
		if (p->pid == pid)
			return p;
	if (!create)
		return NULL;
	struct proc *p = xcalloc(1, sizeof(*p));
	p->pid = pid;
	p->next = s->procs[b];
	s->procs[b] = p;
	return p;
}

void sym_comm(struct symbolizer *s, uint32_t pid, uint32_t tid, const char *comm, int exec)
{
	(void)tid;
	(void)comm;
	if (!exec)
		return;
	struct proc *p = proc_get(s, pid, 0);
	if (p) {
		p->nr = 0; /* a new program: the old maps are gone */
		p->gen++;
	}
}

void sym_fork(struct symbolizer *s, uint32_t ppid, uint32_t pid)
{
	if (ppid == pid)
		return;
	struct proc *parent = proc_get(s, ppid, 0);
	struct proc *child = proc_get(s, pid, 1);
	child->nr = 0;
	child->gen++;
	if (!parent)
		return;
	ALLOC_GROW(child->maps, parent->nr, child->alloc);
	memcpy(child->maps, parent->maps, parent->nr * sizeof(*parent->maps));
	child->nr = parent->nr;
}

void sym_exit(struct symbolizer *s, uint32_t pid)
{
	(void)s;
	(void)pid;
}

void sym_mmap(struct symbolizer *s, uint32_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
	      uint32_t prot, const char *path, const unsigned char *build_id, size_t build_id_len)
{
	if (!len || start + len < start)
		return;
	struct proc *p = proc_get(s, pid, 1);
	struct map m = { start, start + len, pgoff, prot, strtab_intern(s->strings, path), NULL };
	if (path[0] == '/' && path[1] != '/') /* "//anon" is anonymous memory */
		m.dso = dso_get(s->dsos, path, build_id, build_id_len);

	/* Cut the parts of older maps that the new one covers. */
	struct map *out = NULL;
	size_t n = 0, alloc = 0;
	for (size_t i = 0; i < p->nr; i++) {
		struct map o = p->maps[i];
		if (o.end <= m.start || o.start >= m.end) {
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = o;
			continue;
		}
		if (o.start < m.start) {
			struct map left = o;
			left.end = m.start;
			ALLOC_GROW(out, n + 1, alloc);
			out[n++] = left;
		}
		if (o.end > m.end) {
			struct map right = o;
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

int sym_set_kallsyms(struct symbolizer *s, const char *text, size_t len)
{
	ksyms_free(s->ksyms);
	s->ksyms = ksyms_parse(text, len);
	return 0;
}

static const struct map *find_map(const struct proc *p, uint64_t addr)
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

uint32_t sym_generation(struct symbolizer *s, uint32_t pid)
{
	struct proc *p = proc_get(s, pid, 0);
	return p ? p->gen : 0;
}

int sym_find_map(struct symbolizer *s, uint32_t pid, uint64_t addr, uint64_t *start,
		 uint64_t *end, uint64_t *pgoff, const char **path)
{
	struct proc *p = proc_get(s, pid, 0);
	const struct map *m = p ? find_map(p, addr) : NULL;
	if (!m)
		return -ENOENT;
	*start = m->start;
	*end = m->end;
	*pgoff = m->pgoff;
	*path = m->path;
	return 0;
}

static int lookup_kernel(struct symbolizer *s, uint64_t addr, struct sym_frame *out)
{
	const char *name = NULL, *module = s->kernel_module;
	uint64_t off = 0;
	*out = (struct sym_frame){ .addr = addr, .kind = SYM_KERNEL, .module = module, .rel = addr };
	if (!s->ksyms || ksyms_hidden(s->ksyms)) {
		if (!s->warned_hidden) {
			s->warned_hidden = 1;
			warn(s, s->ksyms ? "kernel addresses were hidden at record time (kernel.kptr_restrict): "
					   "kernel frames show as [kernel.kallsyms]"
					 : "the recording has no kernel symbols: kernel frames show as "
					   "[kernel.kallsyms]");
		}
		out->name = s->kernel_module;
		return 1;
	}
	if (!ksyms_lookup(s->ksyms, addr, &name, &module, &off)) {
		out->name = name;
		out->module = module;
		out->rel = off;
	} else {
		out->name = s->kernel_module;
	}
	return 1;
}

static struct perfmap *jit_map(struct symbolizer *s, struct proc *p)
{
	if (p->jit_tried)
		return p->jit;
	p->jit_tried = 1;
	char path[4096], msg[4200];
	size_t malformed = 0;
	snprintf(path, sizeof(path), "%s/perf-%u.map", s->opts.perf_map_dir ? s->opts.perf_map_dir : "/tmp",
		 p->pid);
	int err = perfmap_load(path, &p->jit, &malformed);
	if (err == -STOKE_ENOTREG) {
		snprintf(msg, sizeof(msg), "%s is not a regular file (a symlink?): not trusting it", path);
		warn(s, msg);
	} else if (err == -STOKE_EOWNER) {
		snprintf(msg, sizeof(msg), "%s belongs to another user: not trusting it", path);
		warn(s, msg);
	} else if (!err && malformed) {
		snprintf(msg, sizeof(msg), "%s: %zu malformed line(s) ignored", path, malformed);
		warn(s, msg);
	}
	return p->jit;
}

int sym_lookup(struct symbolizer *s, uint32_t pid, uint64_t addr, int kernel, int caller,
	       struct sym_frame *out, int max)
{
	if (max <= 0)
		return 0;
	s->stats.lookups++;
	if (kernel)
		return lookup_kernel(s, addr, out);

	struct proc *p = proc_get(s, pid, 0);
	const struct map *m = p ? find_map(p, addr) : NULL;
	*out = (struct sym_frame){ .addr = addr, .kind = SYM_UNKNOWN, .rel = addr };
	if (m && m->dso) {
		uint64_t vaddr;
		out->module = dso_name(m->dso);
		out->path = dso_path(m->dso);
		out->rel = addr - m->start + m->pgoff;
		if (!dso_offset_to_vaddr(s->dsos, m->dso, addr - m->start + m->pgoff, &vaddr)) {
			out->rel = vaddr;
			int n = dso_lookup(s->dsos, m->dso, vaddr, caller, out, max);
			for (int i = 0; i < n; i++)
				out[i].addr = addr;
			if (n)
				return n;
		}
		return 1; /* [libfoo.so+0x1a2b] */
	}
	/* Anonymous executable memory (or none known): JIT code, if the process left a map. */
	if (p && (!m || m->path[0] != '[' || !strcmp(m->path, "[anon]"))) {
		struct perfmap *jm = jit_map(s, p);
		uint64_t start;
		const char *name = jm ? perfmap_lookup(jm, addr, &start) : NULL;
		if (name) {
			out->name = name;
			out->module = s->jit_module;
			out->kind = SYM_JIT;
			out->rel = addr - start;
			return 1;
		}
	}
	if (m) {
		out->module = m->path; /* [vdso], [heap], //anon */
		out->rel = addr - m->start;
	}
	return 1;
}

void sym_get_stats(const struct symbolizer *s, struct sym_stats *st)
{
	*st = s->stats;
	dso_stats(s->dsos, st);
}
