/* walk.h — what the reader fuzz targets do with every record of a file: dump it, and
 * decode it as a sample and as a sample_id trailer with every field stoke records. */
#ifndef STOKE_FUZZ_WALK_H
#define STOKE_FUZZ_WALK_H

#include "common/format.h"
#include "common/sample.h"
#include "common/strbuf.h"
#include "common/swpair.h"
#include "report/dump.h"

static inline void fuzz_walk_records(struct fmt_reader *r)
{
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
			     STOKE_REGS_USER_MASK, &s);
		sample_id_parse(h, PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
				   PERF_SAMPLE_IDENTIFIER, &id);
		/* --wakers files: raw tracepoint data in samples; --off-cpu: switch records */
		sample_parse(h, PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				    PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |
				    PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW, 0, &s);
		struct swpair_switch sw;
		swpair_decode(h, PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				 PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD, &sw);
		if (out.len > (1 << 16))
			strbuf_reset(&out);
	}
	strbuf_release(&out);
	dump_free(d);
}

#endif
