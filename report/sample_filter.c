#include "report/sample_filter.h"

#include <stdlib.h>
#include <string.h>

void sample_filter_init(struct sample_filter *f, const struct profile_opts *o, struct session *s)
{
	memset(f, 0, sizeof(*f));
	f->o = o;
	f->s = s;
	f->event = -1;
}

void sample_filter_select_event(struct sample_filter *f)
{
	f->event = 0;
	if (!f->o->event)
		return;
	f->event = -2;
	size_t len = strlen(f->o->event);
	for (size_t i = 0; i < session_nr_events(f->s); i++) {
		const char *name = session_event(f->s, i)->name;
		/* "cycles" selects "cycles:u" too. */
		if (!strncmp(name, f->o->event, len) && (!name[len] || name[len] == ':')) {
			f->event = (long)i;
			return;
		}
	}
}

int sample_filter_event(struct sample_filter *f, size_t ev)
{
	if (f->event == -1)
		sample_filter_select_event(f);
	return (long)ev == f->event;
}

static int in_list(const int *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if ((uint32_t)v[i] == x)
			return 1;
	return 0;
}

static void setup_window(struct sample_filter *f, uint64_t first_time)
{
	const char *start = session_info(f->s, "start-monotonic-ns");
	uint64_t base = start ? strtoull(start, NULL, 10) : first_time;
	if (!base || base > first_time)
		base = first_time;
	f->t_lo = base + (uint64_t)(f->o->time_start * 1e9);
	f->t_hi = f->o->time_end < 0 ? UINT64_MAX : base + (uint64_t)(f->o->time_end * 1e9);
	f->window_ready = 1;
}

int sample_filter_keep(struct sample_filter *f, const struct sample *s, const char *comm)
{
	const struct profile_opts *o = f->o;
	if (!f->window_ready)
		setup_window(f, s->time);
	if (s->time < f->t_lo || s->time > f->t_hi)
		return 0;
	if (o->nr_pids && !in_list(o->pids, o->nr_pids, s->pid))
		return 0;
	if (o->nr_tids && !in_list(o->tids, o->nr_tids, s->tid))
		return 0;
	if (o->nr_comms) {
		for (size_t i = 0; i < o->nr_comms; i++)
			if (!strcmp(o->comms[i], comm))
				return 1;
		return 0;
	}
	return 1;
}
