/* t_symref.h — symbolize/ against a reference addr2line (test_symbolize: eu-addr2line,
 * test_addr2line: binutils'): the fixtures of testdata/sym_fixture.c and .cc (PIE, non-PIE, -O0,
 * a shared library, a stripped binary with a separate debug file, C++) built now, mapped into a
 * synthetic process and looked up address by address; function (demangled), inline chain and
 * file:line must agree with what the reference prints.  Each test gives its reference's parser. */
#ifndef STOKE_T_SYMREF_H
#define STOKE_T_SYMREF_H

#include "symbolize/addrspace.h"
#include "symbolize/symbolize.h"
#include "t.h"
#include "t_elf.h"

#include <stdint.h>
#include <unistd.h>

/* Name without a compiler clone suffix: "outer_static.constprop.0" -> "outer_static". */
static inline void base_name(const char *in, char *out, size_t n)
{
	snprintf(out, n, "%s", in);
	char *dot = strchr(out, '.');
	if (dot)
		*dot = '\0';
}

static inline const char *file_base(const char *p)
{
	const char *s = p ? strrchr(p, '/') : NULL;
	return s ? s + 1 : p ? p : "??";
}

struct expect {
	char name[16][1024];
	char where[16][1024]; /* "file.c:LINE" */
	int n;
};

/* Both name the function the same way (demangled, with parameters), but where GCC gave a DWARF
 * entry no linkage name (functions in an anonymous namespace) a reference may print its bare
 * DWARF name, "hidden_helper", where stoke prints the symbol's demangled
 * "(anonymous namespace)::hidden_helper(int)", as perf does: the same function.  *bare counts
 * how often. */
static inline int same_function(const char *stoke, const char *ref, int *bare)
{
	if (!strcmp(stoke, ref))
		return 1;
	if (strstr(ref, "::") || strchr(ref, '('))
		return 0;
	char qualified[1100];
	snprintf(qualified, sizeof(qualified), "::%s(", ref);
	if (!strstr(stoke, qualified))
		return 0;
	(*bare)++;
	return 1;
}

/* A reference: the tool, its name in messages, and how its "file:line..." lines become
 * "file:line" (trim cuts them in place). */
struct symref {
	const char *tool;  /* run as `TOOL -f -i -C -e BIN ADDR` */
	const char *name;  /* "eu-addr2line", "binutils addr2line" */
	void (*trim)(char *where);
	int bare_names;    /* how often same_function took a bare DWARF name */
};

/* The reference's frames for vaddr of bin: a name line, then a file:line line, per frame. */
static inline int symref_frames(const struct symref *ref, const char *bin, uint64_t vaddr,
				struct expect *e)
{
	char cmd[1024], line[1024];
	snprintf(cmd, sizeof(cmd), "%s -f -i -C -e %s 0x%llx", ref->tool, bin,
		 (unsigned long long)vaddr);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	e->n = 0;
	while (e->n < 16 && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = '\0';
		char *sp = strstr(line, " inlined at "); /* "inner inlined at ... in outer" */
		if (sp)
			*sp = '\0';
		base_name(line, e->name[e->n], sizeof(e->name[0]));
		if (!fgets(line, sizeof(line), p))
			break;
		line[strcspn(line, "\n")] = '\0';
		ref->trim(line);
		snprintf(e->where[e->n], sizeof(e->where[0]), "%s", file_base(line));
		e->n++;
	}
	pclose(p);
	return 0;
}

static inline int wanted(const char *name, const char *const *funcs)
{
	for (; *funcs; funcs++)
		if (!strncmp(name, *funcs, strlen(*funcs)))
			return 1;
	return 0;
}

static const char *const c_funcs[] = { "outer_static", "recurse", "visible_function", "main", NULL };
static const char *const cxx_funcs[] = { "_ZN3geo", "_ZN12_GLOBAL__N_1", "main", NULL };

/* Compare every 3rd byte of the functions of a binary whose (mangled) names start with funcs. */
static inline void compare(struct symref *ref, const char *variant, const char *bin,
			   const char *truth, uint64_t base, const char *const *funcs)
{
	struct sym_opts so = { .demangle = 1, .inline_frames = 1, .lines = 1 };
	struct addrspace *as = addrspace_new();
	struct symbolizer *s = sym_new(&so, as);
	char cmd[1024], line[512];
	int checked = 0, agreed = 0, inlined_seen = 0;

	T_OK(t_map_binary(as, 42, bin, base) > 0, "%s: mapped", variant);
	snprintf(cmd, sizeof(cmd), "nm -S %s", truth);
	FILE *p = popen(cmd, "r");
	while (fgets(line, sizeof(line), p)) {
		unsigned long long start, size;
		char type, name[256];
		if (sscanf(line, "%llx %llx %c %255s", &start, &size, &type, name) != 4)
			continue;
		if (!wanted(name, funcs))
			continue;
		for (uint64_t a = start; a < start + size; a += 3) {
			struct expect e;
			struct sym_frame f[32];
			symref_frames(ref, truth, a, &e);
			int n = sym_lookup(s, 42, base + a, 0, 0, f, 32);
			int ok = n == e.n;
			for (int i = 0; ok && i < n; i++) {
				char nm[1024], where[1100];
				base_name(f[i].name ? f[i].name : "??", nm, sizeof(nm));
				snprintf(where, sizeof(where), "%s:%d", file_base(f[i].file), f[i].line);
				ok = same_function(nm, e.name[i], &ref->bare_names) &&
				     !strcmp(where, e.where[i]);
			}
			inlined_seen |= n > 1;
			checked++;
			if (ok) {
				agreed++;
			} else if (checked - agreed <= 3) {
				printf("# %s 0x%llx: stoke %d frame(s) [%s %s:%d], %s %d [%s %s]\n",
				       variant, (unsigned long long)a, n, n ? f[0].name : "", n ? file_base(f[0].file) : "",
				       n ? f[0].line : 0, ref->name, e.n, e.n ? e.name[0] : "", e.n ? e.where[0] : "");
			}
		}
	}
	pclose(p);
	T_OK(checked > 20 && agreed == checked, "%s: %d of %d addresses agree with %s",
	     variant, agreed, checked, ref->name);
	if (strcmp(variant, "O0"))
		T_OK(inlined_seen, "%s: inline chains were exercised", variant);
	struct sym_frame f[4];
	T_OK(sym_lookup(s, 42, base + 0x7fff0000, 0, 0, f, 4) == 1 && !f[0].name,
	     "%s: an unmapped address stays unknown", variant);
	sym_free(s);
	addrspace_free(as);
}

/* Build the fixtures in dir (a mkdtemp template) and compare each with the reference. */
static inline void symref_run(struct symref *ref, char *dir)
{
	if (!mkdtemp(dir)) {
		T_OK(0, "make a directory for the fixtures");
		return;
	}
	const char *src = "testdata/sym_fixture.c";
	T_OK(!t_sh("cc -g -O2 -o %s/pie %s", dir, src), "build PIE fixture");
	T_OK(!t_sh("cc -g -O2 -no-pie -o %s/nopie %s", dir, src), "build non-PIE fixture");
	T_OK(!t_sh("cc -g -O0 -o %s/O0 %s", dir, src), "build -O0 fixture");
	T_OK(!t_sh("cd %s && objcopy --only-keep-debug pie pie.debug && "
		 "objcopy --strip-debug --strip-unneeded --add-gnu-debuglink=pie.debug pie stripped",
		 dir), "strip a copy, keep a separate debug file");

	T_OK(!t_sh("cc -g -O2 -shared -fPIC -o %s/lib.so %s", dir, src), "build a shared library");
	int have_cxx = !t_sh("c++ -g -O2 -o %s/cxx testdata/sym_fixture.cc", dir);
	T_OK(have_cxx, "build C++ fixture");

	char bin[512], truth[512];
	const char *variants[] = { "pie", "nopie", "O0" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(bin, sizeof(bin), "%s/%s", dir, variants[i]);
		compare(ref, variants[i], bin, bin, strcmp(variants[i], "nopie") ? 0x555555554000ULL : 0,
			c_funcs);
	}
	snprintf(bin, sizeof(bin), "%s/stripped", dir);
	snprintf(truth, sizeof(truth), "%s/pie", dir);
	compare(ref, "stripped+debuglink", bin, truth, 0x555555554000ULL, c_funcs);
	snprintf(bin, sizeof(bin), "%s/lib.so", dir);
	compare(ref, "shared library", bin, bin, 0x7f1234560000ULL, c_funcs);
	if (have_cxx) {
		snprintf(bin, sizeof(bin), "%s/cxx", dir);
		compare(ref, "C++", bin, bin, 0x555555554000ULL, cxx_funcs);
	}

	t_sh("rm -rf %s", dir);
}

#endif
