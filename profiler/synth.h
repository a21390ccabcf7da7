/* synth.h — records for processes that existed before recording started, read from /proc.
 *
 * For each process: one COMM record per thread and one MMAP2 record per
 * executable mapping (with the file's build-id when it has one), in the
 * kernel's layout, followed by a sample_id trailer with time 0 so they sort
 * before every recorded record.
 */
#ifndef STOKE_SYNTH_H
#define STOKE_SYNTH_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef int (*synth_emit_fn)(void *ctx, const struct perf_event_header *rec);

struct synth;

/* sample_type and id describe the trailer (the tracking event's). */
struct synth *synth_new(uint64_t sample_type, uint64_t id);
void synth_free(struct synth *s);

/* Emit records for pid.  Returns 0, -ESRCH when it is gone, or emit's error. */
int synth_process(struct synth *s, pid_t pid, synth_emit_fn emit, void *ctx);

/* Emit records for every process in /proc. */
int synth_all(struct synth *s, synth_emit_fn emit, void *ctx);

/*
 * List the thread ids of pid into *tids (caller frees).  Returns the count,
 * or -ESRCH when the process does not exist.
 */
int synth_threads(pid_t pid, pid_t **tids);

/* Read the GNU build-id of an ELF file; returns its length (<= 20 kept) or a negative errno. */
int buildid_read(const char *path, unsigned char *out, size_t max);

#endif
