/* libFuzzer target: the perf.data reader (file and pipe mode, -z chunks, features), directly
 * and through the stoke reader with everything a reader does with the records. */
#include "common/format.h"
#include "common/perfdata.h"
#include "tests/fuzz/walk.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfdata *p;
	const struct perf_event_header *h;
	if (!perfdata_open_mem(data, size, &p)) {
		while (perfdata_next(p, &h) > 0)
			;
		perfdata_rewind(p);
		while (perfdata_next(p, &h) > 0)
			;
		perfdata_free(p);
	}
	struct fmt_reader *r;
	if (fmt_reader_open_mem(data, size, &r))
		return 0;
	fuzz_walk_records(r);
	fmt_reader_free(r);
	return 0;
}
