/* sample_filter.h — which samples of a stoke file a report keeps: event, time window, pid, tid, comm.
 * The same rules for every command that reads stoke files. */
#ifndef STOKE_SAMPLE_FILTER_H
#define STOKE_SAMPLE_FILTER_H

#include "common/sample.h"
#include "report/profile.h"
#include "report/session.h"

struct sample_filter {
	const struct profile_opts *o;
	struct session *s;
	long event;         /* selected event index; -1 not chosen yet, -2 not in the file */
	uint64_t t_lo, t_hi; /* absolute time window, set at the first sample */
	int window_ready;
};

void sample_filter_init(struct sample_filter *f, const struct profile_opts *o, struct session *s);

/* Choose the event (opts->event, else the first); sets f->event. */
void sample_filter_select_event(struct sample_filter *f);

/* 1 when a sample of event index ev belongs to the selected event. */
int sample_filter_event(struct sample_filter *f, size_t ev);

/* 1 when the sample passes --time, --pid, --tid and --comm (comm: its thread's name). */
int sample_filter_keep(struct sample_filter *f, const struct sample *s, const char *comm);

#endif
