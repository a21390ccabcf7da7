/* libFuzzer target: JIT perf-map text, parsed and looked up. */
#include "symbolize/perfmap.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t bad;
	struct perfmap *m = perfmap_parse((const char *)data, size, &bad);
	uint64_t start;
	for (uint64_t a = 0; a < 0x10000; a += 0x111)
		perfmap_lookup(m, a, &start);
	perfmap_lookup(m, UINT64_MAX, &start);
	perfmap_free(m);
	return 0;
}
