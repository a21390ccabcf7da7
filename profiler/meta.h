/* meta.h — stoke's own metadata records: session info, event attrs, kallsyms, stats. */
#ifndef STOKE_META_H
#define STOKE_META_H

#include "common/format.h"

#include <stddef.h>
#include <stdint.h>

/* Write one STOKE_REC_INFO record from "key", "value" pairs (NULL-terminated list). */
int meta_write_info(struct fmt_writer *w, const char *const *kv);

/* Write a STOKE_REC_ATTR record: the attr, the kernel ids of its fds, its name. */
int meta_write_attr(struct fmt_writer *w, const struct perf_event_attr *attr,
		    const uint64_t *ids, size_t nr_ids, const char *name);

/*
 * Copy /proc/kallsyms into STOKE_REC_KALLSYMS records of whole lines.
 * Returns 0, or a negative errno (the file unreadable is not an error of the
 * recording: callers may go on without kernel symbols).  *hidden is set when
 * the kernel showed all addresses as zero (kptr_restrict).
 */
int meta_write_kallsyms(struct fmt_writer *w, int *hidden);

#endif
