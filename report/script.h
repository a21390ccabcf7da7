/* script.h — one text block per sample in the format of `perf script`, for importers
 * such as Firefox Profiler and speedscope. */
#ifndef STOKE_SCRIPT_H
#define STOKE_SCRIPT_H

#include "report/profile.h"

#include <stdint.h>

struct script_stats {
	uint64_t samples;   /* blocks written */
	int truncated;      /* the file was cut short or corrupt ... */
	int read_error;     /* ... with this error */
	uint64_t bad_offset; /* ... at this offset */
	int write_error;    /* writing to fd failed with this error (negative), 0 if not */
	int no_end;         /* the file has no END record: the recording was cut short */
};

/*
 * Write every sample of the stoke file at path that passes o's filters to fd:
 *   comm PID/TID [CPU] SECONDS.MICROS: PERIOD EVENT:
 *   <TAB>ADDRESS SYMBOL (MODULE PATH)      one line per frame, leaf first
 *     FILE:LINE                            after each frame, when srcline is set
 *                                          and the line is known
 *   (blank line)
 * Output is buffered and written in large pieces.  Returns 0 or a negative
 * error: nothing readable, or a write error (then also in st->write_error,
 * so the caller can tell which file failed).
 */
int script_write(const char *path, const struct profile_opts *o, int srcline, int fd,
		 struct script_stats *st);

#endif
