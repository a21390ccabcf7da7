/* The dispatch of a lookup: kernel, ELF file, JIT map. */
#include "symbolize/symbolize.h"
#include "common/strbuf.h"
#include "common/htab.h"
#include "common/util.h"
#include "symbolize/elfsym.h"
#include "symbolize/kallsyms.h"
#include "symbolize/perfmap.h"
#include "symbolize/strtab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A process's JIT map, /tmp/perf-PID.map: loaded on the first address that needs it. */
struct jit_ent {
	uint32_t pid;         /* the key */
	int tried;
	struct perfmap *map;  /* NULL: none, or not trusted */
};

struct symbolizer {
	struct sym_opts opts;
	const struct addrspace *as; /* the processes and their maps (the caller's) */
	struct strtab *strings;   /* the address space's */
	struct dso_set *dsos;
	struct ksyms *ksyms;
	struct htab *jits;        /* struct jit_ent by pid */
	const struct as_proc *last; /* the process of the last lookup (processes are never
				     * freed before the address space), and its pid */
	uint32_t last_pid;
	const char *kernel_module, *jit_module;
	int warned_hidden;
	struct sym_stats stats;
};

struct symbolizer *sym_new(const struct sym_opts *opts, struct addrspace *as)
{
	struct symbolizer *s = xcalloc(1, sizeof(*s));
	s->opts = *opts;
	s->as = as;
	s->strings = addrspace_strings(as);
	s->dsos = dso_set_new(&s->opts, s->strings);
	s->jits = htab_new(sizeof(struct jit_ent), sizeof(uint32_t), 64, NULL, NULL);
	s->kernel_module = strtab_intern(s->strings, "[kernel.kallsyms]");
	s->jit_module = strtab_intern(s->strings, "[jit]");
	return s;
}

void sym_free(struct symbolizer *s)
{
	if (!s)
		return;
	size_t pos = 0;
	struct jit_ent *j;
	while ((j = htab_next(s->jits, &pos)))
		perfmap_free(j->map);
	htab_free(s->jits);
	ksyms_free(s->ksyms);
	dso_set_free(s->dsos);
	free(s);
}

static void warn(struct symbolizer *s, const char *msg)
{
	if (s->opts.warn)
		s->opts.warn(s->opts.warn_ctx, msg);
}

int sym_set_kallsyms(struct symbolizer *s, const char *text, size_t len)
{
	ksyms_free(s->ksyms);
	s->ksyms = ksyms_parse(text, len);
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

static struct perfmap *jit_map(struct symbolizer *s, uint32_t pid)
{
	int added;
	struct jit_ent *j = htab_insert(s->jits, hash64(pid), &pid, &added);
	if (!added)
		return j->map;
	j->pid = pid;
	j->tried = 1;
	char path[4096], msg[4200];
	size_t malformed = 0;
	snprintf(path, sizeof(path), "%s/perf-%u.map", s->opts.perf_map_dir ? s->opts.perf_map_dir : "/tmp",
		 pid);
	int err = perfmap_load(path, &j->map, &malformed);
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
	return j->map;
}

int sym_lookup(struct symbolizer *s, uint32_t pid, uint64_t addr, int kernel, int caller,
	       struct sym_frame *out, int max)
{
	if (max <= 0)
		return 0;
	s->stats.lookups++;
	if (kernel)
		return lookup_kernel(s, addr, out);

	/* A sample's frames are all of one process: one table lookup for them all. */
	const struct as_proc *p = s->last && s->last_pid == pid ? s->last : addrspace_proc(s->as, pid);
	if (p) {
		s->last = p;
		s->last_pid = pid;
	}
	const struct as_map *m = p ? as_proc_find(p, addr) : NULL;
	*out = (struct sym_frame){ .addr = addr, .kind = SYM_UNKNOWN, .rel = addr };
	if (m && m->obj)
		return dso_lookup(s->dsos, m->obj, addr - m->start + m->pgoff, caller, out, max);
	/* Anonymous executable memory (or none known): JIT code, if the process left a map. */
	if (p && (!m || m->path[0] != '[' || !strcmp(m->path, "[anon]"))) {
		struct perfmap *jm = jit_map(s, pid);
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

void sym_keep(struct symbolizer *s)
{
	dso_set_keep(s->dsos);
}

void sym_get_stats(const struct symbolizer *s, struct sym_stats *st)
{
	*st = s->stats;
	dso_stats(s->dsos, st);
}

void sym_frame_label(const struct sym_frame *f, struct strbuf *out)
{
	if (f->module && f->module[0] == '[') /* [vdso], [heap] */
		strbuf_addf(out, "%.*s+0x%llx]", (int)strlen(f->module) - 1, f->module,
			    (unsigned long long)f->rel);
	else if (f->module)
		strbuf_addf(out, "[%s+0x%llx]", f->module, (unsigned long long)f->rel);
	else
		strbuf_adds(out, "[unknown]");
}
