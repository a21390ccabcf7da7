/* Rust v0 demangling: hand-written cases for each part of the grammar, every v0 symbol of a
 * program built now from testdata/rust_v0.rs compared with binutils' c++filt, and damaged
 * symbols (every prefix, every single-byte change) that must give NULL or a string, never a
 * crash. */
#include "symbolize/demangle.h"
#include "symbolize/demangle_rust.h"
#include "t.h"

#include <regex.h>

static void expect(const char *mangled, const char *want)
{
	char *got = demangle(mangled);
	T_EQ_STR(got, want, mangled);
	free(got);
}

static void test_grammar(void)
{
	expect("_RNvCs1234_7mycrate3foo", "mycrate::foo");
	expect("_RNvNtCs9ltgdHTiPiY_4core3ptr13drop_in_place", "core::ptr::drop_in_place");
	/* generic arguments of a value path print as ::<...>, of a type as <...> */
	expect("_RINvCs1_1a1fNtCs1_1b1TE", "a::f::<b::T>");
	expect("_RNvMCs1_1aINtB2_3VeclE4push", "<a::Vec<i32>>::push");
	/* trait impl, closure, shim */
	expect("_RNvXCs1_1aNtB2_1SNtB2_5Trait3run", "<a::S as a::Trait>::run");
	expect("_RNCNvCs1_1a4main0B3_", "a::main::{closure#0}");
	expect("_RNCNvCs1_1a4mains_0B3_", "a::main::{closure#1}");
	/* basic types, references, pointers, slices, arrays, tuples */
	expect("_RINvCs1_1a1fRShQmPtOnTbcEE", "a::f::<&[u8], &mut u32, *const u16, *mut i128, (bool, char)>");
	expect("_RINvCs1_1a1fAhj4_E", "a::f::<[u8; 4]>");
	expect("_RINvCs1_1a1fTlEE", "a::f::<(i32,)>");
	/* fn pointers: unsafe, extern ABI, return type */
	expect("_RINvCs1_1a1fFUKCmEuE", "a::f::<unsafe extern \"C\" fn(u32)>");
	expect("_RINvCs1_1a1fFbEcE", "a::f::<fn(bool) -> char>");
	/* dyn trait with an associated type, and a higher-ranked lifetime */
	expect("_RINvCs1_1a1fDNtCs1_1b4Iterp4ItemmEL_E", "a::f::<dyn b::Iter<Item = u32>>");
	expect("_RINvCs1_1a1fFG_RL0_hEuE", "a::f::<for<'a> fn(&'a u8)>");
	/* constants: integers, negative, bool, char, placeholder */
	expect("_RINvCs1_1a1fKj2a_Kanb_Kb1_Kc41_KpE", "a::f::<42, -11, true, 'A', _>");
	/* constants of compound types (newer than c++filt's demangler) */
	expect("_RINvCs1_1a1fKRe616263_E", "a::f::<\"abc\">");
	expect("_RINvCs1_1a1fKe68c3a4_E", "a::f::<{*\"h\xc3\xa4\"}>");
	expect("_RINvCs1_1a1fKAj1_j2_EE", "a::f::<{[1, 2]}>");
	expect("_RINvCs1_1a1fKVNtCs1_1a1SS1xj1_EE", "a::f::<{a::S { x: 1 }}>");
	T_OK(demangle("_RINvCs1_1a1fKe68c3_E") == NULL, "a string constant must be UTF-8");
	/* punycode identifier */
	expect("_RNvCs1_1au6gr_wia", "a::gr\xc3\xa4");
	/* vendor suffixes: LLVM's is dropped, others kept */
	expect("_RNvCs1_1a3foo.llvm.123ABC", "a::foo");
	expect("_RNvCs1_1a3foo.0", "a::foo.0");
	/* not v0, or broken */
	T_OK(demangle("_RNvCs1_1a") == NULL, "truncated path refused");
	T_OK(demangle("_R0NvC1a3foo") == NULL, "other encoding versions refused");
	T_OK(demangle("_RNvCs1_1aB_") == NULL, "a back-reference must point backwards");
	T_OK(demangle("_RNvCs1_1a3foo\xc3") == NULL, "non-ASCII bytes refused");
}

/* Every prefix and every single-byte change of a long symbol: NULL or a string, no crash. */
static void test_damage(const char *sym)
{
	size_t n = strlen(sym);
	char *buf = malloc(n + 1);
	int survived = 1;
	for (size_t cut = 0; cut <= n; cut++) {
		memcpy(buf, sym, cut);
		buf[cut] = '\0';
		free(rust_v0_demangle(buf));
	}
	static const char alphabet[] = "_0123456789BCEGIKLMNRSXYpsuvz.";
	for (size_t i = 2; i < n; i++) {
		for (const char *a = alphabet; *a; a++) {
			memcpy(buf, sym, n + 1);
			buf[i] = *a;
			free(rust_v0_demangle(buf));
		}
	}
	/* deep nesting is refused, not a stack overflow */
	size_t deep = 20000;
	char *d = malloc(deep * 2 + 32);
	memcpy(d, "_RINvCs1_1a1f", 13); /* a::f::<&&&&...u8> */
	memset(d + 13, 'R', deep);
	strcpy(d + 13 + deep, "hE");
	char *got = rust_v0_demangle(d);
	survived &= got == NULL;
	free(got);
	free(d);
	free(buf);
	T_OK(survived, "damaged symbols: every prefix and byte change handled, deep nesting refused");
}

static int have(const char *cmd)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "command -v %s >/dev/null 2>&1", cmd);
	return system(buf) == 0;
}

/* c++filt prints crate hashes ("core[1a2b]") and integer constants with their type
 * ("10: usize", "true: bool"); stoke prints neither, as profilers do.  c++filt also drops a ".0"-style
 * suffix that stoke keeps.  Everything else must be identical. */
static void normalize_cxxfilt(char *s)
{
	regex_t hash, typed;
	regcomp(&hash, "\\[[0-9a-f]+\\]", REG_EXTENDED);
	regcomp(&typed, "(-?[0-9]+|0x[0-9a-f]+|true|false|'[^']*'): "
		"(i8|i16|i32|i64|i128|isize|u8|u16|u32|u64|u128|usize|bool|char)",
		REG_EXTENDED);
	regmatch_t m[2];
	while (!regexec(&hash, s, 1, m, 0))
		memmove(s + m[0].rm_so, s + m[0].rm_eo, strlen(s + m[0].rm_eo) + 1);
	while (!regexec(&typed, s, 2, m, 0))
		memmove(s + m[1].rm_eo, s + m[0].rm_eo, strlen(s + m[0].rm_eo) + 1);
	regfree(&hash);
	regfree(&typed);
}

static void test_rustc(void)
{
	if (!have("rustc") || !have("c++filt")) {
		T_SKIP("rust v0 against c++filt", "needs rustc and c++filt (Debian: rustc, binutils)");
		return;
	}
	char dir[] = "/tmp/stoke-test-rust.XXXXXX", cmd[1024];
	if (!mkdtemp(dir))
		return;
	snprintf(cmd, sizeof(cmd),
		 "rustc -O -C symbol-mangling-version=v0 -o %s/rv0 testdata/rust_v0.rs 2>%s/err && "
		 "nm %s/rv0 | awk '{ print $NF }' | grep '^_R' | sort -u >%s/syms && "
		 "c++filt <%s/syms >%s/ref", dir, dir, dir, dir, dir, dir);
	if (system(cmd) != 0) {
		T_SKIP("rust v0 against c++filt", "rustc could not build testdata/rust_v0.rs");
		return;
	}
	char path[512];
	snprintf(path, sizeof(path), "%s/syms", dir);
	FILE *fs = fopen(path, "r");
	snprintf(path, sizeof(path), "%s/ref", dir);
	FILE *fr = fopen(path, "r");
	static char sym[1 << 16], ref[1 << 16];
	int total = 0, agree = 0, ours_seen = 0;
	const char *longest = NULL;
	char *longest_copy = NULL;
	while (fs && fr && fgets(sym, sizeof(sym), fs) && fgets(ref, sizeof(ref), fr)) {
		sym[strcspn(sym, "\n")] = ref[strcspn(ref, "\n")] = '\0';
		normalize_cxxfilt(ref);
		char *got = demangle(sym);
		if (got) {
			size_t n = strlen(got), k = n;
			while (k > 0 && got[k - 1] >= '0' && got[k - 1] <= '9')
				k--;
			if (k < n && k > 0 && got[k - 1] == '.')
				got[k - 1] = '\0'; /* ".0" */
		}
		total++;
		if (got && !strcmp(got, ref)) {
			agree++;
		} else if (total - agree <= 3) {
			printf("# %s\n#   c++filt: %s\n#   stoke:   %s\n", sym, ref, got ? got : "(null)");
		}
		ours_seen |= got && strstr(got, "rust_v0::gr\xc3\xb6\xc3\x9f" "e") != NULL;
		if (!longest || strlen(sym) > strlen(longest)) {
			free(longest_copy);
			longest = longest_copy = strdup(sym);
		}
		free(got);
	}
	if (fs)
		fclose(fs);
	if (fr)
		fclose(fr);
	T_OK(total > 200 && agree == total, "%d of %d v0 symbols of a rustc build agree with c++filt",
	     agree, total);
	T_OK(ours_seen, "the punycode identifier (größe) is decoded");
	if (longest_copy)
		test_damage(longest_copy);
	free(longest_copy);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return;
}

int main(void)
{
	test_grammar();
	test_damage("_RINvNtCs9ltgdHTiPiY_4core3ptr13drop_in_placeINtNtCs1_5alloc3vec3VecTlRShEEE");
	test_rustc();
	T_DONE();
}
