/* format.h — the stoke.data file: one module shared by the writer and the reader.
 *
 * Layout (docs/format.md is the specification):
 *   - a 24-byte header, itself a zstd *skippable* frame (magic 0x184D2A5E,
 *     size 16, then "STOKE\0\0\0", u32 version, u32 flags), so that
 *     `zstd -dc stoke.data` yields the raw record stream;
 *   - independent zstd frames (content size and checksum set), each holding
 *     whole records framed by struct perf_event_header, 8-byte aligned.
 *
 * Records are the kernel's, as read from the ring buffers, and stoke's own
 * metadata records (enum stoke_rec_type below), all little-endian host order.
 */
#ifndef STOKE_FORMAT_H
#define STOKE_FORMAT_H

#include "common/error.h"

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#define STOKE_FORMAT_VERSION 2
#define STOKE_FORMAT_OLDEST 1 /* the oldest version a reader still reads */
#define STOKE_MAGIC "STOKE\0\0\0"
#define STOKE_HEADER_SIZE 24
#define STOKE_SKIPPABLE_MAGIC 0x184D2A5EU
/* A skippable frame (payload "TRAILER\0") marks where the trailer begins:
 * the frames after the last one hold the records written at the end of a
 * recording (kernel symbols, build-ids, statistics), which a reader may want
 * before the samples. */
#define STOKE_TRAILER_MAGIC 0x184D2A5FU

/* stoke's own record types, far above the kernel's PERF_RECORD_* values. */
enum stoke_rec_type {
	/* u32 attr_size; u32 nr_ids; attr bytes padded to 8; u64 ids[nr_ids];
	 * NUL-terminated event name, padded to 8. */
	STOKE_REC_ATTR = 0x5301,
	/* "key\0value\0" pairs, padded with NULs: hostname, release, cmdline ... */
	STOKE_REC_INFO,
	/* Whole lines of /proc/kallsyms as read at record time. */
	STOKE_REC_KALLSYMS,
	/* u8 size; u8 pad[7]; u8 build_id[24]; NUL-terminated path, padded. */
	STOKE_REC_BUILD_ID,
	/* struct stoke_cpu_stats */
	STOKE_REC_CPU_STATS,
	/* No payload.  Every record before it left the kernel before any after it. */
	STOKE_REC_FINISHED_ROUND,
	/* struct stoke_end */
	STOKE_REC_END,
	/* A DWARF-mode sample whose stack copy's top is the thread's previous one's
	 * (common/stackref.h); written by format version 1. */
	STOKE_REC_SAMPLE_DELTA,
	/* A DWARF-mode sample whose stack copy is the thread's previous one but for runs
	 * of bytes (common/stackref.h); format version 2. */
	STOKE_REC_SAMPLE_PATCH,
};

/*
 * A callchain marker of stoke's own (PERF_CONTEXT_* values are the kernel's): last in a
 * sample's callchain, it says the user part above it was unwound while recording and
 * stopped at the end of the stack copy, before the outermost frame ([truncated]).
 * Readers that do not know it skip it as an unknown context.
 */
#define STOKE_CONTEXT_TRUNCATED ((uint64_t)-4000)

struct stoke_cpu_stats {
	uint32_t cpu;
	uint32_t pad;
	uint64_t samples;      /* PERF_RECORD_SAMPLE records read from this CPU's ring */
	uint64_t lost_records; /* PERF_RECORD_LOST records */
	uint64_t lost_samples; /* sum of their `lost` counts */
	uint64_t throttles;    /* PERF_RECORD_THROTTLE */
	uint64_t unthrottles;  /* PERF_RECORD_UNTHROTTLE */
	uint64_t wakeups;      /* times the drain loop found data in this ring */
	uint64_t bytes;        /* bytes of records read from this ring */
};

struct stoke_end {
	uint64_t start_ns;   /* CLOCK_MONOTONIC when events were enabled */
	uint64_t end_ns;     /* CLOCK_MONOTONIC when the last drain ended */
	uint64_t samples;    /* total samples */
	uint64_t lost;       /* total lost samples */
	uint64_t wakeups;    /* total ring wake-ups */
	int32_t exit_status; /* wait status of the command, -1 if none */
	uint32_t flags;      /* STOKE_END_* */
};

#define STOKE_END_INTERRUPTED 1u /* stopped by a signal or -d */

/* Errors: a negative errno or a negative STOKE_E* code (common/error.h:
 * STOKE_EBADMAGIC, STOKE_EVERSION, STOKE_ETRUNCATED, STOKE_ECORRUPT for files);
 * stoke_strerror() names both.  The FMT_ names are the old names of the same
 * codes, kept so that code written against them still builds. */
#define FMT_EBADMAGIC STOKE_EBADMAGIC
#define FMT_EVERSION STOKE_EVERSION
#define FMT_ETRUNCATED STOKE_ETRUNCATED
#define FMT_ECORRUPT STOKE_ECORRUPT
#define fmt_strerror stoke_strerror
#define FMT_EENDIAN STOKE_EENDIAN

/* ---- writing ---------------------------------------------------------- */

struct fmt_writer;

struct fmt_writer_stats {
	uint64_t raw_bytes;        /* record bytes handed to the writer */
	uint64_t compressed_bytes; /* bytes written to the file, header included */
	uint64_t frames;           /* zstd frames written */
	uint64_t fast_frames;      /* of which compressed at a faster level to catch up */
};

/*
 * Create `path` (truncating it), write the header and start the compression
 * thread.  level is a zstd level (1..19; negative levels are fast modes); while
 * the thread is behind (several chunks queued) it uses level 1 instead.
 * frame_bytes is the size at which a frame is closed (0: default 4 MiB).
 * Returns 0 and sets *out, or a negative errno.
 */
int fmt_writer_open(const char *path, int level, size_t frame_bytes, struct fmt_writer **out);
/* Like fmt_writer_open, on an open file (at offset 0); the writer owns fd and
 * closes it, on error too. */
int fmt_writer_open_fd(int fd, int level, size_t frame_bytes, struct fmt_writer **out);

/*
 * Append one record (rec points at its perf_event_header; len == header.size).
 * The data is copied.  Compression and I/O happen on the writer thread; an
 * I/O error from it (say -ENOSPC) is returned by the next call.
 */
int fmt_writer_append(struct fmt_writer *w, const void *rec, size_t len);

/*
 * Room for a record of at most len bytes in the current frame, for a caller
 * that builds it in place; fmt_writer_commit() then adds the len' <= len bytes
 * written.  NULL when len is larger than a frame.  *err gets a pending error
 * of the writer thread, or 0.  Nothing else may be called on w in between.
 */
void *fmt_writer_reserve(struct fmt_writer *w, size_t len, int *err);
void fmt_writer_commit(struct fmt_writer *w, size_t len);

/* Build and append a record of `type` whose payload is `len` bytes (padded to 8). */
int fmt_writer_add(struct fmt_writer *w, uint32_t type, uint16_t misc,
		   const void *payload, size_t len);

/* Close the current frame and queue it for writing (no-op when empty). */
int fmt_writer_flush(struct fmt_writer *w);

/* Flush and wait until the writer thread has written everything queued. */
int fmt_writer_sync(struct fmt_writer *w);

/* Flush, then write the trailer marker: what follows is the trailer. */
int fmt_writer_mark_trailer(struct fmt_writer *w);

/* Flush when the current frame is older than interval_ns. */
int fmt_writer_tick(struct fmt_writer *w, uint64_t now, uint64_t interval_ns);

/*
 * Flush, wait for the writer thread, fsync and close.  Fills *st when not
 * NULL.  Frees w in every case.  Returns 0 or the first error met.
 */
int fmt_writer_close(struct fmt_writer *w, struct fmt_writer_stats *st);

/* ---- reading ---------------------------------------------------------- */

struct fmt_reader;

/* Open a stoke file, or a perf.data file (read through common/perfdata.h as the
 * same record stream).  Returns 0 and sets *out, or a negative error. */
int fmt_reader_open(const char *path, struct fmt_reader **out);

/* Same, over a caller-owned buffer that must outlive the reader. */
int fmt_reader_open_mem(const void *data, size_t len, struct fmt_reader **out);

/*
 * Next record.  Returns 1 and points *rec at it (valid until the next call),
 * 0 at a clean end of file, or a negative error; after an error,
 * fmt_reader_offset() is the file offset of the bad frame, and every record
 * before it has been returned.
 */
int fmt_reader_next(struct fmt_reader *r, const struct perf_event_header **rec);

/*
 * Position the reader at the trailer (the frames after the last trailer
 * marker).  Walks frame headers only, decompressing nothing.  Returns 1 when
 * positioned, 0 when the file has no trailer (cut short), or a negative error.
 */
int fmt_reader_seek_trailer(struct fmt_reader *r);

/* Back to the first frame. */
void fmt_reader_rewind(struct fmt_reader *r);

/* File offset of the frame being read (or of the error). */
uint64_t fmt_reader_offset(const struct fmt_reader *r);
/* 1 when the file is a perf.data file. */
int fmt_reader_is_perf(const struct fmt_reader *r);
/* The file's format version (STOKE_FORMAT_OLDEST .. STOKE_FORMAT_VERSION; 0 for perf.data). */
uint32_t fmt_reader_version(const struct fmt_reader *r);
void fmt_reader_free(struct fmt_reader *r);

#endif
