/* evspec.h — event names ("cpu-clock", "L1-dcache-load-misses:u", "r01c2") → perf_event_attr. */
#ifndef STOKE_EVSPEC_H
#define STOKE_EVSPEC_H

#include "common/error.h"

#include <linux/perf_event.h>

struct evspec {
	char name[64];             /* canonical name with modifiers, e.g. "cycles:u" */
	struct perf_event_attr attr; /* type, config, exclude_* set; sampling left to the caller */
	int is_clock;              /* cpu-clock / task-clock: period is in nanoseconds */
	int default_period;        /* sampled by a fixed period unless asked (context-switches: 1) */
};

/* Errors beyond errno (common/error.h): STOKE_EEVENT, STOKE_EMODIFIER. */

/*
 * Parse one event name with optional modifiers (:u user only, :k kernel
 * only, :h hypervisor, :p precise; combinations such as :uk).  Returns 0 and
 * fills *out, or -STOKE_EEVENT / -STOKE_EMODIFIER.
 */
int evspec_parse(const char *spec, struct evspec *out);

/* 1 when the event needs a hardware PMU (PERF_TYPE_HARDWARE, HW_CACHE or RAW). */
int evspec_needs_pmu(const struct evspec *e);

#endif
