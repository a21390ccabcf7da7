/* Symbol tables as bytes: round trip, a source that changed, and damaged bytes of every kind
 * (cut at every length, each byte flipped): refused whole or read without harm, never a crash. */
#include "symbolize/symcache.h"
#include "t.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct got {
	size_t n, frames;
	uint64_t key_sum;
	int names_ok;
	struct strtab *st;
};

static void add(void *ctx, uint64_t key, const struct sym_frame *f, uint32_t nr)
{
	struct got *g = ctx;
	g->n++;
	g->frames += nr;
	g->key_sum += key;
	/* Entry k (key 2k + 1) was made with k % 3 frames: "inl_k_j" inlined, then "fn_k". */
	uint64_t k = key >> 1;
	if (nr != k % 3)
		g->names_ok = 0;
	for (uint32_t j = 0; j < nr; j++) {
		char want[64];
		if (j + 1 < nr)
			snprintf(want, sizeof(want), "inl_%llu_%u", (unsigned long long)k, j);
		else
			snprintf(want, sizeof(want), "fn_%llu", (unsigned long long)k);
		if (!f[j].name || strcmp(f[j].name, want) || f[j].inlined != (j + 1 < nr) ||
		    f[j].line != (int)(k + j) || f[j].rel != 0x1000 + k ||
		    (f[j].file && strcmp(f[j].file, k % 2 ? "a.c" : "b.c")))
			g->names_ok = 0;
		if (f[j].name != strtab_intern(g->st, want))
			g->names_ok = 0; /* interned in the caller's table */
	}
}

int main(void)
{
	struct strtab *st = strtab_new();
	enum { N = 200 };
	struct symcache_entry e[N];
	struct sym_frame frames[N][2];
	uint64_t key_sum = 0;
	size_t nframes = 0;
	for (size_t k = 0; k < N; k++) {
		uint32_t nr = (uint32_t)(k % 3);
		for (uint32_t j = 0; j < nr; j++) {
			char name[64];
			if (j + 1 < nr)
				snprintf(name, sizeof(name), "inl_%zu_%u", k, j);
			else
				snprintf(name, sizeof(name), "fn_%zu", k);
			frames[k][j] = (struct sym_frame){
				.name = strtab_intern(st, name), .file = k % 2 ? "a.c" : "b.c",
				.line = (int)(k + j), .rel = 0x1000 + k, .inlined = j + 1 < nr,
				.module = "ignored", .addr = 42,
			};
		}
		e[k] = (struct symcache_entry){ 2 * k + 1, nr, frames[k] };
		key_sum += 2 * k + 1;
		nframes += nr;
	}
	struct symcache_source src = { .file_size = 999, .file_mtime_ns = 111, .debug_size = 12345,
				       .debug_mtime_ns = 678, .libs = 0xabc, .opts = 3 };
	unsigned char *p;
	size_t len;
	symcache_encode(&src, e, N, &p, &len);
	T_OK(len > 0 && len < 20000, "encoded: %zu bytes", len);

	struct strtab *st2 = strtab_new();
	struct got g = { .names_ok = 1, .st = st2 };
	T_EQ_INT(symcache_decode(p, len, &src, st2, add, &g), 0, "round trip: read back");
	T_OK(g.n == N && g.frames == nframes && g.key_sum == key_sum,
	     "round trip: every entry (%zu) and frame (%zu), empty answers included", g.n, g.frames);
	T_OK(g.names_ok, "round trip: names, files, lines, inline marks and places as written");

	struct symcache_source other = src;
	other.debug_mtime_ns++;
	g = (struct got){ .names_ok = 1, .st = st2 };
	T_EQ_INT(symcache_decode(p, len, &other, st2, add, &g), -ESTALE,
		 "another debug file: stale");
	other = src;
	other.file_mtime_ns++;
	T_EQ_INT(symcache_decode(p, len, &other, st2, add, &g), -ESTALE,
		 "the module file changed (a strip keeps the build-id): stale");
	other = src;
	other.libs++;
	T_EQ_INT(symcache_decode(p, len, &other, st2, add, &g), -ESTALE, "another libdw: stale");
	other = src;
	other.opts = 7;
	T_EQ_INT(symcache_decode(p, len, &other, st2, add, &g), -ESTALE, "other options: stale");
	T_EQ_INT((int)g.n, 0, "stale: nothing added");

	/* Cut at every length: refused, nothing added. */
	int cuts_ok = 1;
	for (size_t cut = 0; cut < len; cut++) {
		g = (struct got){ .names_ok = 1, .st = st2 };
		if (symcache_decode(p, cut, &src, st2, add, &g) != -EBADMSG || g.n)
			cuts_ok = 0;
	}
	T_OK(cuts_ok, "every cut refused whole");

	/* Each byte flipped: either refused whole, or read as entries that are well formed. */
	int flips_ok = 1, refused = 0;
	for (size_t i = 0; i < len; i++) {
		p[i] ^= 0xa5;
		g = (struct got){ .names_ok = 1, .st = st2 };
		int r = symcache_decode(p, len, &src, st2, add, &g);
		if (r == -EBADMSG || r == -ESTALE)
			refused++, flips_ok &= g.n == 0;
		else if (r != 0)
			flips_ok = 0;
		p[i] ^= 0xa5;
	}
	T_OK(flips_ok, "flipped bytes: refused whole or read without harm (%d of %zu refused)",
	     refused, len);

	free(p);
	symcache_encode(&src, NULL, 0, &p, &len);
	g = (struct got){ .names_ok = 1, .st = st2 };
	T_EQ_INT(symcache_decode(p, len, &src, st2, add, &g), 0, "no entries: read back");
	free(p);
	strtab_free(st);
	strtab_free(st2);
	T_DONE();
}
