/* perfdata.h — perf's perf.data file, read as the record stream of a stoke file.
 *
 * perf record's output (file mode, `-z`, pipe mode `-o -`) is translated into
 * the records a stoke file holds, so the session and every report command
 * read it without a second code path:
 *   - first the metadata, as stoke records: one STOKE_REC_ATTR per attr (its
 *     ids, its name from EVENT_DESC or derived from type/config), one
 *     STOKE_REC_INFO (hostname, release, cmdline, cpus, arch, perf version,
 *     kernel build-id), one STOKE_REC_BUILD_ID per build-id entry;
 *   - then the data section's kernel records (type < 64) in file order, with
 *     the PERF_RECORD_COMPRESSED chunks decompressed as one zstd stream;
 *     MMAP2 records of files the build-id table names get that build-id (as
 *     the kernel's build-id flavour of MMAP2), so the symbolizer checks it;
 *   - FINISHED_ROUND as STOKE_REC_FINISHED_ROUND; perf's other user records
 *     (64..) are consumed here: pipe mode's attrs and features become the
 *     metadata above (emitted before the first kernel record).
 * Only the host's byte order is read (a byte-swapped file is refused).
 * docs/perfdata.md describes what is read and what is ignored.
 */
#ifndef STOKE_PERFDATA_H
#define STOKE_PERFDATA_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct perfdata;

/* 1 when data starts like a perf.data file (either mode, either byte order). */
int perfdata_sniff(const void *data, size_t len);

/*
 * Read the perf.data held in data (caller-owned, must outlive the reader).
 * Returns 0 and sets *out, or a negative error (-FMT_EBADMAGIC,
 * -FMT_EENDIAN, -FMT_ETRUNCATED, -FMT_ECORRUPT from common/format.h).
 */
int perfdata_open_mem(const void *data, size_t len, struct perfdata **out);

/*
 * Next record (8-byte aligned, valid until the next call).  Returns 1, 0 at the
 * end, or a negative error after which every record before the damage has been
 * returned and perfdata_offset() is the file offset of the bad record.
 */
int perfdata_next(struct perfdata *p, const struct perf_event_header **rec);

/* File offset of the record last returned (of its COMPRESSED chunk), or of the error. */
uint64_t perfdata_offset(const struct perfdata *p);

/* Back to the first record. */
void perfdata_rewind(struct perfdata *p);

void perfdata_free(struct perfdata *p); /* NULL is a no-op */

#endif
