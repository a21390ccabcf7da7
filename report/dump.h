/* dump.h — every record of a stoke file in readable text (stoke dump). */
#ifndef STOKE_DUMP_H
#define STOKE_DUMP_H

#include "common/strbuf.h"

#include <linux/perf_event.h>
#include <stdint.h>

struct dump;

struct dump *dump_new(void);
void dump_free(struct dump *d);

/* Append the text of one record (one or more lines) to out.  `offset` is the
 * frame's file offset, shown for orientation. */
void dump_record(struct dump *d, const struct perf_event_header *h, uint64_t offset,
		 struct strbuf *out);

/* Totals line: records by type. */
void dump_summary(const struct dump *d, struct strbuf *out);

/* Name of a record type, kernel's or stoke's ("SAMPLE", "MMAP2", "KALLSYMS"...). */
const char *dump_type_name(uint32_t type);

#endif
