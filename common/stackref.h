/* stackref.h — DWARF-mode stack copies stored as what differs from the thread's previous copy.
 *
 * Consecutive samples of a thread share most of their stack copy: the outer
 * frames have not moved, and in the frames that did, most words are the same.
 * The recorder writes a sample whose copy differs from the same addresses of
 * the thread's previous copy in few enough bytes as a STOKE_REC_SAMPLE_PATCH:
 * the sample with only the runs of its copy that differ, the runs' places,
 * and a footer naming the previous sample by its time.  A reader, taking
 * records in file order, puts each copy back together as an image over the
 * previous one (common/stackimg.h), or into an ordinary PERF_RECORD_SAMPLE.
 * When the previous copy is not there (a damaged frame, a file cut short), the
 * copy stays short (up to its first byte it does not hold), so unwinding ends
 * in a [truncated] frame: bytes are never invented.
 *
 * STOKE_REC_SAMPLE_PATCH layout: a PERF_RECORD_SAMPLE body whose stack section
 * holds the runs' bytes one after another (`u64 size; u8 data[size]; u64 n`,
 * n their count), nothing after it, then `struct stackimg_run runs[nr_runs]`
 * (sorted, apart, offsets from the copy's start, the sample's SP), then the
 * patch footer.  STOKE_REC_SAMPLE_DELTA (files of format version 1) is the
 * same with one run at offset 0 and no table: its footer has no nr_runs.
 * Both sides keep, per thread, the last copy, its stack pointer and its time.
 */
#ifndef STOKE_STACKREF_H
#define STOKE_STACKREF_H

#include "common/stackimg.h"

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct stackref_footer {       /* STOKE_REC_SAMPLE_DELTA's */
	uint64_t dyn_size;  /* bytes of the whole copy */
	uint64_t ref_time;  /* time of the thread's previous sample, whose copy holds the rest */
};

struct stackref_patch_footer { /* STOKE_REC_SAMPLE_PATCH's */
	uint64_t dyn_size;  /* bytes of the whole copy */
	uint64_t ref_time;  /* as above */
	uint64_t nr_runs;   /* entries of the run table before the footer */
};

struct stackref;

/* max_bytes bounds the copies kept (the recorder's table drops the oldest thread's copy
 * to make room; a reader passes 0: no bound). */
struct stackref *stackref_new(size_t max_bytes);
void stackref_free(struct stackref *s); /* NULL is a no-op */

/*
 * Recorder: writes record h (as the kernel wrote it; sample_type st, user
 * registers regs_mask) to out, which has room for h->size bytes (out may be h).
 * A PERF_RECORD_SAMPLE loses the part of its stack copy the kernel did not
 * fill and, when it differs from the thread's previous copy in few enough
 * bytes, becomes a STOKE_REC_SAMPLE_PATCH; anything else is copied as it is.
 * Returns the size written (never more than h->size; the written header says
 * it too).
 */
size_t stackref_encode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		       uint64_t regs_mask, void *out);

/*
 * The same without a table: record h to out (room for h->size bytes; out may be h), a
 * PERF_RECORD_SAMPLE whose copy is its last field without the part of the copy the
 * kernel did not fill (stack_size becomes the filled size, rounded up to 8).  Anything
 * else is copied as it is.  Returns the size written.
 */
size_t stackref_trim(const struct perf_event_header *h, uint64_t st, uint64_t regs_mask,
		     void *out);

/*
 * Thread tid exited (its PERF_RECORD_EXIT, in file order, on both sides): its
 * copy is let go, and its next sample, should the id come back, is stored
 * whole.  This bounds what a long recording of many short threads keeps.
 * Readers of files from before format version 2 do not call it (their
 * recorders kept exited threads' copies).
 */
void stackref_forget(struct stackref *s, uint32_t tid);
/* stackref_forget of the thread a PERF_RECORD_EXIT names; other records are left alone. */
void stackref_exit(struct stackref *s, const struct perf_event_header *h);

/*
 * Reader, in file order, copying no shared bytes.  A sample with a stack copy
 * (a PERF_RECORD_SAMPLE, or a PATCH or DELTA put back together) returns 1
 * with *img, its copy as an image over the thread's previous one (a reference
 * the caller owns: stackimg_put; set it as the parsed sample's stack_img,
 * stack_dyn_size = stackimg_len), and *head: the sample without its copy is
 * the first *head bytes of h and an empty stack section (stackref_strip writes
 * it); 0 when h must be kept whole (a PERF_RECORD_SAMPLE whose copy is not its
 * last field).  Other records: 0.  -EINVAL for a malformed patch or delta.
 */
int stackref_decode_img(struct stackref *s, const struct perf_event_header *h, uint64_t st,
			uint64_t regs_mask, struct stack_img **img, size_t *head);

/* Write the sample h without its copy (head from stackref_decode_img, not 0) to out, which
 * has room for head + 8 bytes; returns the size written. */
size_t stackref_strip(const struct perf_event_header *h, size_t head, void *out);

/*
 * Reader, in file order, the whole record (for showing it): a PATCH or DELTA
 * is rebuilt as a PERF_RECORD_SAMPLE into *out (owned by s, valid until the
 * next call): returns 1.  A PERF_RECORD_SAMPLE with a stack copy is
 * remembered (0); other records are left alone (0).  -EINVAL for a malformed
 * one.  The same decoder as stackref_decode_img.
 */
int stackref_decode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		    uint64_t regs_mask, const struct perf_event_header **out);

#endif
