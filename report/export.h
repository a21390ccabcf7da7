/* export.h — a profile with its addresses, for other tools' formats (pprof, speedscope).
 *
 * The call tree of report/tree.h keeps names only.  Exports need more: the
 * mapped files with their build-ids and ranges, one location per address with
 * its chain of inlined functions, and the samples of each thread in time
 * order.  export_load() builds that model once from a stoke file (through the
 * same session, resolver and filters as every report) or from folded stacks
 * (names only: no addresses, no mappings, one thread); the writers
 * (report/pprof.h, report/speedscope.h) only read it.
 *
 * Every sample carries a count of 1 and a weight in the unit of the profile's
 * value type: the period of a clock event (cpu-clock, task-clock) in
 * nanoseconds, or the event count of any other event.  A time-weighted view
 * (off-CPU, wall clock) plugs in by filling weight with its nanoseconds and
 * naming its value type; the writers take the type from the model.
 */
#ifndef STOKE_EXPORT_H
#define STOKE_EXPORT_H

#include "report/profile.h"

#include <stddef.h>
#include <stdint.h>

#define EXPORT_NONE 0 /* "no mapping" in export_location.mapping */

/* export_load's errors: negative errno or STOKE_E* (common/error.h); -STOKE_ENOEVENT
 * when --event names no event of the file (o->warn lists them). */

struct export_function {
	const char *name;        /* display name: demangled unless --no-demangle; never NULL */
	const char *system_name; /* the symbol as in the file (mangled), or name */
	const char *file;        /* source file, or NULL */
};

struct export_mapping {
	uint64_t start, limit;   /* addresses [start, limit) */
	uint64_t offset;         /* file offset of start */
	const char *file;        /* path, "[kernel.kallsyms]", "[vdso]" ... */
	const char *build_id;    /* lowercase hex, or NULL when unknown */
	int is_kernel;
};

struct export_line {
	uint32_t function;       /* index into functions */
	int line;                /* 0 when unknown */
};

/* One address: its lines, innermost inlined function first, the function they
 * were inlined into last. */
struct export_location {
	uint64_t address;        /* 0 for folded input and markers */
	uint32_t mapping;        /* index + 1 into mappings, or EXPORT_NONE */
	uint32_t first_line, nr_lines; /* slice of lines */
};

struct export_sample {
	uint32_t stack;          /* index into stacks */
	uint64_t count;          /* samples it stands for: 1, or a folded line's count */
	uint64_t weight;         /* in value_unit */
	uint64_t time;           /* ns, the recording's clock; 0 for folded input */
};

struct export_stack {
	uint32_t first, nr;      /* slice of stack_locs: location indexes, leaf first */
};

struct export_thread {
	uint32_t pid, tid;       /* 0 for folded input */
	const char *name;        /* thread name (comm), or the folded file's root */
	struct export_sample *samples; /* in time order */
	size_t nr_samples, alloc_samples;
	uint64_t weight;         /* sum of the samples' weights */
};

struct export_profile {
	const char *event;       /* event name; "" for folded */
	const char *value_type;  /* "cpu", an event name; "samples" (folded): weight = count */
	const char *value_unit;  /* "nanoseconds" or "count" */
	uint64_t period;         /* the sampling period in value_unit (mean under -F), 0 unknown */
	uint64_t time_nanos;     /* wall-clock start, ns since the epoch; 0 unknown */
	uint64_t duration_nanos; /* recording length; 0 unknown */
	uint64_t start_time;     /* recording-clock ns of the start (for relative times) */
	uint64_t samples;        /* samples kept */
	uint64_t weight;         /* sum of all weights */
	int is_folded;
	int has_lines;           /* source lines were looked up */
	int has_inlines;         /* inlined functions were expanded */

	struct export_function *functions; size_t nr_functions;
	struct export_mapping *mappings;   size_t nr_mappings;  /* [0]: the main binary */
	struct export_location *locations; size_t nr_locations;
	struct export_line *lines;         size_t nr_lines;
	struct export_stack *stacks;       size_t nr_stacks;
	uint32_t *stack_locs;              size_t nr_stack_locs;
	struct export_thread *threads;     size_t nr_threads;   /* in order of first sample */

	/* The input was cut short or corrupt: what came before the damage is here. */
	int truncated, read_error;
	uint64_t bad_offset;
	uint64_t malformed;      /* folded lines skipped */

	struct export_private *priv; /* tables and strings; owned */
};

/*
 * Read path (a stoke file or folded stacks) with o's filters into a new
 * profile (*out; free it with export_free).  A damaged stoke file still
 * gives the samples before the damage (truncated/read_error/bad_offset set,
 * return 0).  Returns 0 or a negative error (errno, FMT_E* or
 * STOKE_ENOEVENT) when nothing could be read; warnings go to o->warn.
 */
int export_load(const char *path, const struct profile_opts *o, struct export_profile **out);
void export_free(struct export_profile *p); /* NULL is a no-op */

#endif
