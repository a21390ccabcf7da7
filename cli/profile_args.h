/* profile_args.h — the filter options every report command shares, parsed one place. */
#ifndef STOKE_PROFILE_ARGS_H
#define STOKE_PROFILE_ARGS_H

#include "report/profile.h"

#include <regex.h>

struct profile_args {
	struct profile_opts opts; /* filled as options are parsed; pointers into this struct */
	int *pids, *tids;
	size_t alloc_pids, alloc_tids;
	const char **comms;
	size_t alloc_comms;
	regex_t focus, ignore;
	int annotate; /* --kernel-suffix */
	int stats;    /* --stats: the symbolizer's counters on stderr after loading */
	char *cache_dir; /* $XDG_CACHE_HOME/stoke/debug-v1 (or ~/.cache/...); opts.cache_dir
			  * points here unless --no-cache */
};

void profile_args_init(struct profile_args *pa);
void profile_args_release(struct profile_args *pa);

/*
 * Try argv[*i] as a shared option (--pid, --tid, --comm, --time, --per-thread,
 * --no-kernel, --kernel-suffix, --no-inline, --no-demangle, --event,
 * --perf-map-dir, --focus, --ignore, --no-cache, --stats; "--opt=value" or "--opt value").
 * Returns 1 when consumed (advancing *i past a separate value), 0 when not a
 * shared option, or -1 after printing an error for a bad value.
 */
int profile_args_parse(struct profile_args *pa, int argc, char **argv, int *i);

/* Help lines for the shared options. */
extern const char profile_args_help[];

/* Load a profile with these options; prints warnings and one error line. 0 or 1. */
int profile_args_load(struct profile_args *pa, const char *path, struct tree **out,
		      struct profile_info *info);

#endif
