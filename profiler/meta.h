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
 * The set of kernel addresses seen in samples (IPs and callchain entries),
 * so the kallsyms snapshot keeps only the symbols a report needs.  The
 * recorder notes every sample as the kernel wrote it, before any re-encoding
 * (stack deltas), so no kernel address is missed.
 */
struct kaddrs;
struct kaddrs *kaddrs_new(uint64_t sample_type, uint64_t regs_mask);
void kaddrs_free(struct kaddrs *k); /* NULL is a no-op */
/* Note the kernel addresses of one record (anything but a sample is ignored). */
void kaddrs_note(struct kaddrs *k, const struct perf_event_header *h);

/*
 * Copy /proc/kallsyms into STOKE_REC_KALLSYMS records of whole lines: with
 * `used`, only the symbols containing those addresses, the symbol after each
 * (its end) and _text/_stext/_etext; without, every line.  With `used` empty
 * (no kernel samples) nothing is read or written.  Returns 0, or a
 * negative errno (the file unreadable is not an error of the recording:
 * callers may go on without kernel symbols).  *hidden is set when the kernel
 * showed all addresses as zero (kptr_restrict); a few such lines are kept so
 * a reader can tell.
 */
int meta_write_kallsyms(struct fmt_writer *w, const struct kaddrs *used, int *hidden);

#endif
