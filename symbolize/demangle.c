#include "symbolize/demangle.h"
#include "common/util.h"
#include "symbolize/demangle_rust.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The Itanium C++ ABI demangler of the C++ runtime. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* Rust legacy symbols are Itanium-mangled paths ending in a "h<16 hex>" hash segment. */
static void strip_rust_hash(char *s)
{
	size_t n = strlen(s);
	if (n < 20 || strncmp(s + n - 19, "::h", 3))
		return;
	for (size_t i = n - 16; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return;
	s[n - 19] = '\0';
}

char *demangle(const char *name)
{
	if (!strncmp(name, "_R", 2))
		return rust_v0_demangle(name);
	if (strncmp(name, "_Z", 2))
		return NULL;
	int status = 0;
	char *out = __cxa_demangle(name, NULL, NULL, &status);
	if (status || !out) {
		free(out);
		return NULL;
	}
	if (!strncmp(name, "_ZN", 3))
		strip_rust_hash(out);
	return out;
}
