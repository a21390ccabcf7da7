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
 * The options every report command shares (--pid, --tid, --comm, --time,
 * --per-thread, --no-kernel, --kernel-suffix, --no-inline, --no-demangle,
 * --event, --min-block, --perf-map-dir, --kallsyms, --no-cache, --stats,
 * --unwinder, --focus, --ignore): a group (cli/opt.h) each command's table
 * includes, its context a struct profile_args.
 */
extern const struct cli_table profile_args_table;
/* The row of a command's table that includes them, their context at field of type. */
#define PROFILE_ARGS_GROUP(type, field)                                        \
	{ .kind = CLI_GROUP, .off = CLI_AT(type, field, struct profile_args),  \
	  .group = &profile_args_table,                                        \
	  .help = "Filters shared with the other report commands:" }

/* Load a profile with these options; prints warnings and one error line. 0 or 1. */
int profile_args_load(struct profile_args *pa, const char *path, struct tree **out,
		      struct profile_info *info);

#endif
