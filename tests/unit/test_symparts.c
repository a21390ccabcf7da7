/* The symbolizer's parts: perf maps (trust rules, later-wins, malformed, hostile names),
 * kallsyms snapshots, demangling. */
#include "symbolize/demangle.h"
#include "symbolize/kallsyms.h"
#include "symbolize/perfmap.h"
#include "symbolize/symbolize.h"
#include "t.h"

#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/stoke-test-parts.XXXXXX";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_perfmap(void)
{
	size_t bad = 0;
	const char *text =
		"1000 100 first\n"
		"1080 10 later_wins\n"           /* overlaps first: wins inside its range */
		"zz 10 bad_hex\n"
		"2000 0 zero_size\n"
		"3000 10\n"                      /* no name */
		"0x4000 20 with 0x prefix and spaces in the name\n"
		"5000 10 <script>alert(\"&;\")</script>\n"
		"6000 10 LazyCompile:*foo /app/x.js:1:1\r\n";
	struct perfmap *m = perfmap_parse(text, strlen(text), &bad);
	uint64_t start;
	T_EQ_INT(perfmap_count(m), 5, "perf map: 5 good entries");
	T_EQ_INT(bad, 3, "perf map: 3 malformed lines counted");
	T_EQ_STR(perfmap_lookup(m, 0x1010, &start), "first", "perf map: lookup in an entry");
	T_EQ_INT(start, 0x1000, "perf map: entry start");
	T_EQ_STR(perfmap_lookup(m, 0x1085, NULL), "later_wins", "perf map: a later line wins");
	T_EQ_STR(perfmap_lookup(m, 0x1095, NULL), "first", "perf map: outside the later entry, the earlier one");
	T_OK(perfmap_lookup(m, 0x1100, NULL) == NULL, "perf map: end is exclusive");
	T_EQ_STR(perfmap_lookup(m, 0x4005, NULL), "with 0x prefix and spaces in the name",
		 "perf map: name is the rest of the line");
	T_EQ_STR(perfmap_lookup(m, 0x5000, NULL), "<script>alert(\"&;\")</script>",
		 "perf map: hostile name kept verbatim (writers escape)");
	T_EQ_STR(perfmap_lookup(m, 0x6001, NULL), "LazyCompile:*foo /app/x.js:1:1", "perf map: CRLF line");
	perfmap_free(m);

	char long_name[10000];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	char *big = malloc(sizeof(long_name) + 32);
	snprintf(big, sizeof(long_name) + 32, "7000 10 %s\n", long_name);
	m = perfmap_parse(big, strlen(big), &bad);
	T_OK(perfmap_lookup(m, 0x7000, NULL) && strlen(perfmap_lookup(m, 0x7000, NULL)) == 9999,
	     "perf map: a 9999-byte name survives");
	perfmap_free(m);
	free(big);

	char path[256], link[256];
	snprintf(path, sizeof(path), "%s/perf-100.map", dir);
	write_text(path, "1000 10 trusted\n");
	T_EQ_INT(perfmap_load(path, &m, &bad), 0, "perf map file owned by us: loaded");
	if (m)
		T_EQ_STR(perfmap_lookup(m, 0x1000, NULL), "trusted", "perf map file: lookup");
	perfmap_free(m);
	snprintf(link, sizeof(link), "%s/perf-101.map", dir);
	symlink(path, link);
	m = NULL;
	T_EQ_INT(perfmap_load(link, &m, &bad), -STOKE_ENOTREG, "perf map symlink refused");
	if (geteuid() == 0) {
		T_OK(chown(path, 65534, 65534) == 0, "chown the map to nobody");
		T_EQ_INT(perfmap_load(path, &m, &bad), -STOKE_EOWNER,
			 "perf map owned by another user refused");
	} else {
		T_SKIP("perf map owned by another user", "needs root to chown");
	}
}

static void test_owner_rule(void)
{
	/* Root reads every file, so the owner rule is checked through a lookup as the
	 * symbolizer does it: a map owned by another user gives no JIT names. */
	if (geteuid() != 0) {
		T_SKIP("perf map owner rule", "needs root");
		return;
	}
	char path[256];
	snprintf(path, sizeof(path), "%s/perf-200.map", dir);
	write_text(path, "10000 100 jit_func\n");
	struct sym_opts so = { .perf_map_dir = dir };
	struct addrspace *as = addrspace_new();
	struct symbolizer *s = sym_new(&so, as);
	struct sym_frame f[2];
	addrspace_mmap(as, 200, 0x10000, 0x1000, 0, 5, "//anon", NULL, 0);
	T_OK(sym_lookup(s, 200, 0x10010, 0, 0, f, 2) == 1 && f[0].name &&
	     !strcmp(f[0].name, "jit_func") && f[0].kind == SYM_JIT, "JIT name from a map owned by root");
	sym_free(s);
	addrspace_free(as);
	chown(path, 65534, 65534);
	as = addrspace_new();
	s = sym_new(&so, as);
	addrspace_mmap(as, 200, 0x10000, 0x1000, 0, 5, "//anon", NULL, 0);
	T_OK(sym_lookup(s, 200, 0x10010, 0, 0, f, 2) == 1 && !f[0].name,
	     "a map owned by another user is not trusted");
	sym_free(s);
	addrspace_free(as);
}

static void test_kallsyms(void)
{
	const char *snap =
		"ffffffff81000000 T _text\n"
		"ffffffff81000100 T start_kernel\n"
		"ffffffff81000200 t helper\n"
		"ffffffff81000300 D some_data\n"
		"ffffffff81000400 T last_core\n"
		"ffffffffc0001000 t ext4_lookup\t[ext4]\n";
	struct ksyms *k = ksyms_parse(snap, strlen(snap));
	const char *name, *mod;
	uint64_t off;
	T_EQ_INT(ksyms_count(k), 5, "kallsyms: text symbols only");
	T_OK(!ksyms_lookup(k, 0xffffffff81000150, &name, &mod, &off) && !strcmp(name, "start_kernel") &&
	     off == 0x50 && !strcmp(mod, "[kernel.kallsyms]"), "kallsyms: address inside a symbol");
	T_OK(!ksyms_lookup(k, 0xffffffff81000350, &name, &mod, &off) && !strcmp(name, "helper"),
	     "kallsyms: data symbols do not split text");
	T_OK(!ksyms_lookup(k, 0xffffffffc0001010, &name, &mod, &off) && !strcmp(name, "ext4_lookup") &&
	     !strcmp(mod, "[ext4]"), "kallsyms: module symbol");
	T_OK(ksyms_lookup(k, 0xffffffff80000000, &name, &mod, &off) != 0, "kallsyms: below the first symbol");
	ksyms_free(k);

	const char *hidden = "0000000000000000 T _text\n0000000000000000 T start_kernel\n";
	k = ksyms_parse(hidden, strlen(hidden));
	T_OK(ksyms_hidden(k), "kallsyms: all-zero snapshot is hidden");
	ksyms_free(k);

	struct sym_opts so = { 0 };
	struct addrspace *as = addrspace_new();
	struct symbolizer *s = sym_new(&so, as);
	struct sym_frame f[2];
	sym_set_kallsyms(s, snap, strlen(snap));
	T_OK(sym_lookup(s, 1, 0xffffffff81000210, 1, 0, f, 2) == 1 && !strcmp(f[0].name, "helper") &&
	     f[0].kind == SYM_KERNEL, "symbolizer: kernel address named from the snapshot");
	sym_free(s);
	addrspace_free(as);
}

static int warnings;
static void count_warning(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	warnings++;
}

static void test_hidden_warning(void)
{
	struct sym_opts so = { .warn = count_warning };
	struct addrspace *as = addrspace_new();
	struct symbolizer *s = sym_new(&so, as);
	struct sym_frame f[2];
	const char *hidden = "0000000000000000 T _text\n";
	sym_set_kallsyms(s, hidden, strlen(hidden));
	warnings = 0;
	for (int i = 0; i < 5; i++)
		sym_lookup(s, 1, 0xffffffff81000210, 1, 0, f, 2);
	T_OK(!strcmp(f[0].name, "[kernel.kallsyms]"), "hidden kernel: frames show [kernel.kallsyms]");
	T_EQ_INT(warnings, 1, "hidden kernel: said once");
	sym_free(s);
	addrspace_free(as);
}

static void test_demangle(void)
{
	char *d;
	d = demangle("_ZN3foo3barEv");
	T_EQ_STR(d, "foo::bar()", "C++ function");
	free(d);
	d = demangle("_ZN2ns6VectorIiE4pushERKi");
	T_EQ_STR(d, "ns::Vector<int>::push(int const&)", "C++ template member");
	free(d);
	d = demangle("_ZN4core3fmt5write17h0123456789abcdefE");
	T_EQ_STR(d, "core::fmt::write", "Rust legacy: hash dropped");
	free(d);
	T_OK(demangle("main") == NULL, "plain C names are left alone");
	T_OK(demangle("_Zgarbage") == NULL, "invalid mangling is left alone");
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	test_perfmap();
	test_owner_rule();
	test_kallsyms();
	test_hidden_warning();
	test_demangle();
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	system(cmd);
	T_DONE();
}
