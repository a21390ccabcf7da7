/* profile.h — load a profile (a stoke file or folded text) into a call tree, applying filters.
 *
 * The one entry point every report command uses, so filters mean the same
 * thing in report, flamegraph, script, diff and callgraph.
 */
#ifndef STOKE_PROFILE_H
#define STOKE_PROFILE_H

#include "common/error.h"
#include "report/tree.h"
#include "symbolize/symbolize.h"
#include "symbolize/unwind.h"

#include <regex.h>
#include <stdint.h>

/* How DWARF stacks are unwound: compiled rules (taking the frames a thread's previous sample
 * shares from it), libunwind for every step, or the rules for every frame of every sample. */
enum profile_unwinder { PROFILE_UNWIND_RULES, PROFILE_UNWIND_LIBUNWIND, PROFILE_UNWIND_FRESH };

struct profile_opts {
	const int *pids;  size_t nr_pids;   /* keep only these processes (none: all) */
	const int *tids;  size_t nr_tids;   /* keep only these threads */
	const char *const *comms; size_t nr_comms; /* keep only these command names */
	double time_start, time_end;        /* seconds from the start; end < 0: no limit */
	int per_thread;     /* root frame "comm-pid/tid" instead of "comm" */
	int no_kernel;      /* drop kernel frames (and kernel-only samples keep their user part) */
	int no_inline;      /* do not expand inlined frames */
	int no_demangle;
	int no_lines;       /* skip file:line lookups (faster) */
	const char *event;  /* event name to keep when a file has several; NULL: the first.
			     * "off-cpu": off-CPU time; "wall": on-CPU and off-CPU time
			     * (docs/offcpu.md) */
	uint64_t min_block_ns; /* off-cpu, wall: hide intervals shorter than this (still counted) */
	const char *perf_map_dir;
	const char *kallsyms_path; /* kernel symbols when the file has no snapshot (perf.data) */
	const char *cache_dir;  /* the debug cache's directory (symbolize/debugcache.h); NULL: none */
	uint64_t cache_max_bytes; /* its bound; 0: the default (1 GiB) */
	int unwinder;       /* DWARF stacks: enum profile_unwinder */
	const regex_t *focus;  /* keep only stacks with a frame matching this */
	const regex_t *ignore; /* drop stacks with a frame matching this */
	void (*warn)(void *ctx, const char *msg); /* one line per problem; may be NULL */
	void *warn_ctx;
};

/* Sets every field to its default (no filters, no time limit). */
void profile_opts_init(struct profile_opts *o);

/* How a recording ended: what a comparison of two profiles may assume (report/diff_mode.h). */
enum profile_ending {
	PROFILE_ENDING_UNKNOWN, /* folded text, or a file cut short or damaged */
	PROFILE_ENDING_EXITED,  /* the recorded command exited by itself: one whole run */
	PROFILE_ENDING_TIMED,   /* a span of time: -d, -p, -a, a signal, or a --time window */
};

struct profile_info {
	int is_folded;          /* input was folded text */
	enum profile_ending ending;
	int exit_status;        /* wait status of the recorded command, -1 if none or unknown */
	char *event;            /* event name ("" for folded) */
	char *cmdline;          /* recorded command line, or NULL */
	char *hostname;         /* or NULL */
	char *callgraph;        /* how stacks were recorded: "dwarf, 32768-byte stack copies",
				 * "fp", "none"; NULL when the file does not say */
	uint64_t freq;          /* sampling frequency, 0 when by period */
	uint64_t period;        /* sampling period when not by frequency */
	uint64_t samples;       /* samples kept after filters (folded: sum of counts) */
	uint64_t samples_total; /* samples in the file for the event */
	uint64_t lost;          /* samples the kernel dropped */
	uint64_t throttles;     /* times the kernel throttled sampling (THROTTLE records) */
	uint64_t duration_ns;   /* recording length (within a --time window: the window's
				 * part of it), 0 when unknown */
	uint64_t malformed;     /* folded lines skipped */
	int truncated;          /* the file ended early or had a corrupt frame */
	uint64_t bad_offset;    /* offset of that frame */
	int read_error;         /* the error met (negative), 0 if none */
	int no_end;             /* a stoke file without its END record: the recording was cut short */
	struct sym_stats sym;   /* the symbolizer's counters (stoke files; zero for folded) */
	struct unwind_stats unwind; /* the unwinder's (DWARF recordings) */
	char *event_names;      /* after -STOKE_ENOEVENT: the file's events, ", "-separated */
	/* Time profiles (event off-cpu or wall): weights are microseconds, and: */
	int time_weighted;
	uint64_t intervals;     /* off-CPU intervals of the kept threads */
	uint64_t blocked_ns;    /* their blocked time */
	uint64_t preempted_ns;  /* their preempted time (runnable, waiting for a CPU) */
	uint64_t hidden;        /* intervals shorter than min_block_ns (counted above, not drawn) */
	uint64_t oncpu_ns;      /* wall: the time the on-CPU samples stand for */
};

/* profile_load's error for an --event the file does not have is -STOKE_ENOEVENT
 * (common/error.h); info->event_names lists the file's events. */

void profile_info_release(struct profile_info *info);

/*
 * Read `path` (a stoke file, or folded stacks from any tool) into a new tree
 * (caller frees it).  A file that is truncated or corrupt still loads what
 * came before the damage: info->truncated/bad_offset/read_error say so and
 * the return is 0.  Returns a negative error only when nothing could be read.
 */
int profile_load(const char *path, const struct profile_opts *o, struct tree **out,
		 struct profile_info *info);

/* 1 when the frame passes the focus/ignore logic helpers (name match). */
int profile_frame_matches(const regex_t *re, const struct tree_frame *f);

/*
 * The --focus/--ignore rule, in one place for every loader: a stack of n
 * frames is kept when none matches o->ignore and, with o->focus, one matches
 * it.  matches(ctx, i, re) says whether frame i (any of its names) matches re.
 * Returns 1 to keep the stack.
 */
int profile_keep_stack(const struct profile_opts *o, size_t n,
		       int (*matches)(void *ctx, size_t i, const regex_t *re), void *ctx);

#endif
