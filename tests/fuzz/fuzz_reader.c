/* libFuzzer target: the stoke file reader and everything a reader does with the records. */
#include "common/format.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "report/dump.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fmt_reader *r;
	if (fmt_reader_open_mem(data, size, &r))
		return 0;
	struct dump *d = dump_new();
	struct strbuf out = STRBUF_INIT;
	const struct perf_event_header *h;
	while (fmt_reader_next(r, &h) > 0) {
		dump_record(d, h, fmt_reader_offset(r), &out);
		struct sample s;
		struct sample_id id;
		sample_parse(h, PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				    PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |
				    PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER,
			     0xff0fff, &s);
		sample_id_parse(h, PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
				   PERF_SAMPLE_IDENTIFIER, &id);
		if (out.len > (1 << 16))
			strbuf_reset(&out);
	}
	fmt_reader_seek_trailer(r);
	while (fmt_reader_next(r, &h) > 0)
		;
	strbuf_release(&out);
	dump_free(d);
	fmt_reader_free(r);
	return 0;
}
