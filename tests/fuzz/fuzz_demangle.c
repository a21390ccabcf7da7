/* libFuzzer target: symbol names from untrusted binaries through the C++/Rust demangler. */
#include "symbolize/demangle.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 3);
	if (!name)
		return 0;
	/* Half the inputs as they are, half forced to look like Rust v0. */
	size_t off = size && (data[0] & 1) ? 2 : 0;
	memcpy(name, "_R", off);
	memcpy(name + off, data, size);
	name[off + size] = '\0';
	free(demangle(name));
	free(name);
	return 0;
}
