/* stackref.h — DWARF-mode stack copies stored as what differs from the thread's previous copy.
 *
 * Consecutive samples of a thread share most of their stack copy: the outer
 * frames have not moved.  The recorder writes a sample whose copy ends (at its
 * highest addresses) in bytes equal to the same addresses of the thread's
 * previous copy as a STOKE_REC_SAMPLE_DELTA: the sample with only the differing
 * low part of its copy, plus a footer naming the previous sample by its time.
 * A reader, taking records in file order, puts the copy back together into an
 * ordinary PERF_RECORD_SAMPLE.  When the previous copy is not there (a damaged
 * frame, a file cut short), the copy stays short, so unwinding ends in a
 * [truncated] frame: bytes are never invented.
 *
 * STOKE_REC_SAMPLE_DELTA layout: a PERF_RECORD_SAMPLE body whose stack section
 * holds the literal bytes (`u64 size; u8 data[size]; u64 dyn_size`, dyn_size the
 * literal count), nothing after it, then the footer below.  Both sides keep,
 * per thread, the last whole copy, its stack pointer and its sample's time.
 */
#ifndef STOKE_STACKREF_H
#define STOKE_STACKREF_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct stackref_footer {
	uint64_t dyn_size;  /* bytes of the whole copy */
	uint64_t ref_time;  /* time of the thread's previous sample, whose copy holds the rest */
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
 * fill and, when the copy's top matches the thread's previous one, becomes a
 * STOKE_REC_SAMPLE_DELTA; anything else is copied as it is.  Only the bytes
 * kept are copied.  Returns the size written (never more than h->size; the
 * written header says it too).
 */
size_t stackref_encode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		       uint64_t regs_mask, void *out);

/*
 * Reader, in file order, copying no shared bytes.  A sample with a stack copy
 * (a PERF_RECORD_SAMPLE, or a STOKE_REC_SAMPLE_DELTA put back together)
 * returns 1 with *img, its whole copy as an image that shares bytes with the
 * thread's previous one (a reference the caller owns: stackref_img_put; set
 * it as the parsed sample's stack_img, stack_dyn_size = stackref_img_len),
 * and *head: the sample without its copy is the first *head bytes of h and an
 * empty stack section (stackref_strip writes it); 0 when h must be kept whole
 * (a PERF_RECORD_SAMPLE whose copy is not its last field).  Other records: 0.
 * -EINVAL for a malformed delta.
 */
struct stack_img;
int stackref_decode_img(struct stackref *s, const struct perf_event_header *h, uint64_t st,
			uint64_t regs_mask, struct stack_img **img, size_t *head);
/* Write the sample h without its copy (head from stackref_decode_img, not 0) to out, which
 * has room for head + 8 bytes; returns the size written. */
size_t stackref_strip(const struct perf_event_header *h, size_t head, void *out);
void stackref_img_put(struct stack_img *img); /* NULL is a no-op */
size_t stackref_img_len(const struct stack_img *img);
/* The first *n bytes of the copy, as the image holds them itself (the rest: stackref_img_read). */
const unsigned char *stackref_img_bytes(const struct stack_img *img, size_t *n);
/* n bytes at offset off of the copy into out: 0, or -EFAULT past its end. */
int stackref_img_read(const struct stack_img *img, uint64_t off, void *out, size_t n);

/*
 * Reader, in file order, the whole record (for showing it): a
 * STOKE_REC_SAMPLE_DELTA is rebuilt as a PERF_RECORD_SAMPLE into *out (owned
 * by s, valid until the next call): returns 1.  A PERF_RECORD_SAMPLE with a
 * stack copy is remembered (0); other records are left alone (0).  -EINVAL
 * for a malformed delta.  The same decoder as stackref_decode_img.
 */
int stackref_decode(struct stackref *s, const struct perf_event_header *h, uint64_t st,
		    uint64_t regs_mask, const struct perf_event_header **out);

/*
 * A reader's data about an image (the unwinder's memo of its frames), freed
 * with free_fn with the image unless the next image of the thread takes it
 * (stackref_img_take_prev); replaces (and frees) what was attached before.
 * The image stays const to its holders: this is a cache beside its bytes.
 */
void stackref_img_attach(const struct stack_img *img, void *data, void (*free_fn)(void *));

/*
 * Take the data attached to the thread's previous image (the caller owns it
 * now; NULL when there is none), whose bytes this image's copy holds from
 * offset *shared (from its stack pointer) to its end.
 */
void *stackref_img_take_prev(const struct stack_img *img, uint64_t *shared);

/* img was delivered: it lets go of the thread's previous image (else a thread's images
 * would all stay alive, each holding the one before). */
void stackref_img_done(const struct stack_img *img);

#endif
