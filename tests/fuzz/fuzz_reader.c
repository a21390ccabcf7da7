/* libFuzzer target: the stoke file reader and everything a reader does with the records. */
#include "common/format.h"
#include "tests/fuzz/walk.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fmt_reader *r;
	if (fmt_reader_open_mem(data, size, &r))
		return 0;
	fuzz_walk_records(r);
	const struct perf_event_header *h;
	fmt_reader_seek_trailer(r);
	while (fmt_reader_next(r, &h) > 0)
		;
	fmt_reader_free(r);
	return 0;
}
