/* record.h — one recording session: open events, drain rings, stream to a file.
 *
 * record_run() does everything between "options parsed" and "file closed".
 * It never prints: problems that do not stop recording (fallbacks) go to
 * opts->notice, and a failure is a negative error plus res->stage and
 * res->event saying where it happened.
 */
#ifndef STOKE_RECORD_H
#define STOKE_RECORD_H

#include "profiler/evspec.h"
#include "profiler/offcpu.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * CALLGRAPH_DWARF: the user registers and a copy of the top of the user stack
 * per sample, stored (as deltas) for the report to unwind.  CALLGRAPH_CFI: the
 * same registers and copy, unwound by the recorder with the code's call-frame
 * information as samples arrive (profiler/liveunwind.h), so the file holds
 * return addresses, as with frame pointers, and no stack bytes.
 */
enum record_callgraph { CALLGRAPH_NONE, CALLGRAPH_FP, CALLGRAPH_DWARF, CALLGRAPH_CFI };

/* The kernel copies user registers and stack for these modes. */
static inline int record_copies_stack(enum record_callgraph cg)
{
	return cg == CALLGRAPH_DWARF || cg == CALLGRAPH_CFI;
}

/*
 * The default call graph: a 32 KiB user-stack copy unwound while recording,
 * which is right whether or not code keeps frame pointers (most of a
 * distribution does not), deep enough for real programs, and leaves files
 * and reports close to frame-pointer ones (docs/unwinding.md measures it).
 */
#define RECORD_DEFAULT_CALLGRAPH CALLGRAPH_CFI
#define RECORD_DEFAULT_STACK_SIZE 32768u

struct record_opts {
	const char *output;          /* file to write (its name in messages when output_fd is set) */
	int output_fd;               /* > 0: the open, empty file to write; record_run owns it
	                                (closes it, and sets this to -1 once it did) */
	struct evspec *events;       /* at least one; may be rewritten by fallbacks (cycles → cpu-clock) */
	size_t nr_events;
	uint64_t freq;               /* samples per second when period == 0 */
	uint64_t period;             /* fixed period; 0: use freq (or the event's default period) */
	int period_given;            /* -F or -c was given (overrides event defaults) */
	enum record_callgraph callgraph;
	uint32_t stack_size;         /* DWARF, CFI: bytes of user stack per sample */
	char *const *argv;           /* command to run, or NULL */
	const pid_t *pids;           /* processes to attach to (every thread) */
	size_t nr_pids;
	int system_wide;             /* -a */
	const int *cpus;             /* CPUs to use; NULL: every online CPU */
	size_t nr_cpus;
	double duration;             /* seconds; 0: until the command ends or a signal */
	int zlevel;                  /* zstd level */
	size_t mmap_pages;           /* data pages per ring; 0: default */
	int no_mmap_build_id;        /* never ask for build-ids in MMAP2 records (read the files) */
	const char *cmdline;         /* stoke's own command line, stored in the file */
	const char *const *extra_info; /* more INFO "key", "value" pairs (NULL-terminated), or NULL */
	void (*notice)(void *ctx, const char *msg);
	void *notice_ctx;
};

enum record_stage {
	STAGE_SETUP,   /* CPU list, signals, resource limits */
	STAGE_OUTPUT,  /* creating or writing the output file */
	STAGE_OPEN,    /* perf_event_open of res->event */
	STAGE_MMAP,    /* mapping a ring buffer */
	STAGE_TARGET,  /* the PID in res->pid */
	STAGE_EXEC,    /* exec of the command */
};

/* Errors beyond errno (common/error.h): STOKE_ENOPMU, an event that needs a
 * hardware PMU this machine lacks; STOKE_EKSTACK, an event (off-cpu) that samples
 * in kernel mode, which kernel.perf_event_paranoid refuses. */

struct record_result {
	enum record_stage stage; /* where a failure happened */
	char event[64];          /* event that failed to open */
	pid_t pid;               /* target that failed */
	uint64_t samples, lost, lost_records, throttles, wakeups;
	uint64_t raw_bytes, file_bytes, frames;
	uint64_t fast_frames;    /* frames compressed at level 1 because the writer fell behind */
	uint64_t unwound, unwound_truncated; /* CFI: user stacks unwound; of them, cut short by
						the copy's end */
	uint64_t nr_rings;
	double seconds;          /* recording time */
	int has_exit;            /* the command exited: exit_status is its wait status */
	int exit_status;
	int interrupted;         /* stopped by SIGINT/SIGTERM (signal number) */
	int timed_out;           /* stopped by the duration */
	int user_only_fallback;  /* kernel samples were refused; recorded user space only */
	int has_offcpu;          /* an event with attr.context_switch was recorded: */
	struct offcpu_stats offcpu; /* its off-CPU intervals */
};

int record_run(struct record_opts *o, struct record_result *res);

#endif
