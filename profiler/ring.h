/* ring.h — one perf ring buffer (mmap'ed to an event fd) and the copy of its records out.
 *
 * The kernel writes at data_head; we read from data_tail and publish the new
 * tail after copying.  Records may wrap around the end of the data area; the
 * callback always sees a contiguous copy.
 */
#ifndef STOKE_RING_H
#define STOKE_RING_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct ring;

/*
 * Map 1 + data_pages pages of fd (data_pages a power of two).  The fd stays
 * owned by the caller.  Returns 0 and sets *out, or a negative errno.
 */
int ring_new(int fd, size_t data_pages, struct ring **out);
void ring_free(struct ring *r); /* unmaps; NULL is a no-op */

/*
 * Callback for each record; return 0 to continue or a negative error to stop
 * (the records before it stay consumed, the failing one does not).  The record
 * is valid until the callback returns; it is read-only (the kernel refuses
 * writes to the data pages with SIGBUS).
 */
typedef int (*ring_record_fn)(void *ctx, const struct perf_event_header *rec);

/*
 * Copy out every record available now.  Returns the number of bytes
 * consumed (0 when empty) or the callback's error.
 */
long ring_drain(struct ring *r, ring_record_fn fn, void *ctx);

#endif
