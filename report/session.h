/* session.h — replay a stoke file in time order: process state, samples, metadata.
 *
 * The reader hands records over in file order; records from different CPU
 * rings are not in time order.  The session queues them and releases them
 * sorted, round by round (after each FINISHED_ROUND it releases everything
 * not later than the previous round's newest record), so address-space
 * changes and samples are seen in the order they happened.
 */
#ifndef STOKE_SESSION_H
#define STOKE_SESSION_H

#include "common/format.h"
#include "common/sample.h"

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

struct session;

struct session_event {
	char *name;                    /* "cpu-clock", ... */
	struct perf_event_attr attr;
};

struct session_handlers {
	/* A sample (decoded) of event index ev; return non-zero to stop. */
	int (*sample)(void *ctx, const struct sample *s, size_t ev, const struct perf_event_header *h);
	/* Any other timed record (MMAP2, COMM, FORK, EXIT, LOST ...) in time order. */
	int (*record)(void *ctx, const struct perf_event_header *h, const struct sample_id *id);
	/* stoke metadata records, as they come in the file. */
	int (*meta)(void *ctx, const struct perf_event_header *h);
	void *ctx;
};

struct session *session_new(void);

/*
 * Read the whole file at path, calling the handlers (which may query s while
 * it runs).  Returns 0 when the file was read to its end, 1 when it was cut
 * short or corrupt after some records (see session_error), or a negative
 * error when nothing could be read.  A session reads one file.
 */
int session_read(struct session *s, const char *path, const struct session_handlers *hd);

size_t session_nr_events(const struct session *s);
const struct session_event *session_event(const struct session *s, size_t i);
uint64_t session_sample_type(const struct session *s);
/* INFO value for key, or NULL. */
const char *session_info(const struct session *s, const char *key);
/* The END record's contents, when the file has one (returns 0), else -ENOENT. */
int session_end(const struct session *s, struct stoke_end *out);
uint64_t session_lost(const struct session *s);      /* from LOST and LOST_SAMPLES records */
uint64_t session_throttles(const struct session *s); /* THROTTLE records */
uint64_t session_first_time(const struct session *s); /* first sample time, 0 if none */
uint64_t session_last_time(const struct session *s);
/* Error that cut the file short, and its offset. */
int session_error(const struct session *s, uint64_t *offset);
void session_free(struct session *s);

#endif
