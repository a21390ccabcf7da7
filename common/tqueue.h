/* tqueue.h — records held until they can be handed on in time order.
 *
 * Records from different CPU rings interleave out of time order; a reader
 * (report/session.c) and the recorder's live unwinder (profiler/liveunwind.c)
 * each hold them here and, when a round allows, hand on those up to a time,
 * sorted by (time, order queued).  Each record is copied in, with its time and
 * one pointer of the caller's (aux), which comes back with it.
 *
 * Ownership: the queue owns the copies; a record handed to the callback is
 * valid until it returns.  aux pointers stay the caller's: each comes back
 * once, from tqueue_release or, for those still queued, tqueue_free's drop.
 */
#ifndef STOKE_TQUEUE_H
#define STOKE_TQUEUE_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct tqueue;

struct tqueue *tqueue_new(void);
/* Frees the queue; drop (may be NULL) gets the aux of every record still queued. */
void tqueue_free(struct tqueue *q, void (*drop)(void *aux)); /* NULL q: no-op */

/* Room for a record of up to len bytes, to be written there and then tqueue_commit'ed
 * (valid until then; nothing else may be queued in between). */
void *tqueue_reserve(struct tqueue *q, size_t len);
/* The record written at the last tqueue_reserve, of len bytes (<= the room asked for; the
 * header's size says it too), is queued at time with aux. */
void tqueue_commit(struct tqueue *q, size_t len, uint64_t time, void *aux);

/* Records queued, and (when bytes is not NULL) the bytes they hold. */
size_t tqueue_len(const struct tqueue *q, size_t *bytes);

typedef void (*tqueue_fn)(void *ctx, const struct perf_event_header *h, void *aux);

/* Hand every queued record timed at or before limit to fn, sorted by (time, order queued);
 * keep the others. */
void tqueue_release(struct tqueue *q, uint64_t limit, tqueue_fn fn, void *ctx);

#endif
