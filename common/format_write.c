/* Writing stoke files: the drain loop fills a chunk, a thread compresses and writes it. */
#include "common/format.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define DEFAULT_FRAME_BYTES (4u << 20)
#define MAX_QUEUED 16 /* chunks waiting for the writer thread before append blocks */
/* When the writer falls behind (this many chunks waiting), it compresses at FAST_LEVEL until
 * it has caught up: a blocked append stops the drain loop and the kernel drops samples, which
 * costs more than a larger file. */
#define BEHIND_QUEUED 8
#define FAST_LEVEL 1

struct chunk {
	unsigned char *data;
	size_t len;
	int raw; /* written as is (a marker frame), not compressed */
};

struct fmt_writer {
	int fd;
	int level;
	size_t frame_bytes;
	struct chunk cur;       /* being filled by the caller's thread */
	uint64_t cur_started;   /* now_ns() of the first record in cur */

	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;    /* signalled on queue push, pop and stop */
	struct chunk queue[MAX_QUEUED];
	int q_head, q_len;      /* ring of queued chunks */
	struct chunk spare;     /* a drained buffer for reuse, or {NULL,0} */
	int stop;               /* set by close: the thread exits when the queue is empty */
	int err;                /* first error of the writer thread (sticky) */
	uint64_t good_offset;   /* file size after the last whole frame */
	struct fmt_writer_stats stats;
};


static void *writer_main(void *arg)
{
	struct fmt_writer *w = arg;
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t out_cap = 0;
	unsigned char *out = NULL;

	if (cctx) {
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, w->level);
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
		ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
	}
	int cur_level = w->level;
	pthread_mutex_lock(&w->lock);
	if (!cctx && !w->err)
		w->err = -ENOMEM;
	for (;;) {
		while (!w->q_len && !w->stop)
			pthread_cond_wait(&w->cond, &w->lock);
		if (!w->q_len)
			break;
		struct chunk c = w->queue[w->q_head];
		int failed = w->err;
		int level = w->q_len >= BEHIND_QUEUED && w->level > FAST_LEVEL ? FAST_LEVEL : w->level;
		pthread_mutex_unlock(&w->lock);

		if (cctx && level != cur_level) {
			ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
			cur_level = level;
		}

		int err = 0;
		size_t csize = 0;
		if (c.raw && !failed) {
			csize = c.len;
			err = write_all(w->fd, c.data, c.len);
		} else if (!failed) {
			size_t bound = ZSTD_compressBound(c.len);
			if (bound > out_cap) {
				free(out);
				out_cap = bound;
				out = xmalloc(out_cap);
			}
			csize = ZSTD_compress2(cctx, out, out_cap, c.data, c.len);
			if (ZSTD_isError(csize))
				err = -EIO;
			else
				err = write_all(w->fd, out, csize);
			if (err) {
				/* Cut the partial frame so the file ends on a whole one. */
				if (ftruncate(w->fd, (off_t)w->good_offset) == 0)
					lseek(w->fd, (off_t)w->good_offset, SEEK_SET);
			}
		}

		pthread_mutex_lock(&w->lock);
		w->q_head = (w->q_head + 1) % MAX_QUEUED;
		w->q_len--;
		if (err && !w->err)
			w->err = err;
		if (!failed && !err) {
			w->good_offset += csize;
			w->stats.compressed_bytes += csize;
			w->stats.frames += !c.raw;
			w->stats.fast_frames += !c.raw && level != w->level;
		}
		if (!w->spare.data && !c.raw) {
			w->spare = c;
			w->spare.len = 0;
		} else {
			free(c.data);
		}
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
	free(out);
	ZSTD_freeCCtx(cctx);
	return NULL;
}

int fmt_writer_open(const char *path, int level, size_t frame_bytes, struct fmt_writer **out)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	return fmt_writer_open_fd(fd, level, frame_bytes, out);
}

int fmt_writer_open_fd(int fd, int level, size_t frame_bytes, struct fmt_writer **out)
{
	unsigned char hdr[STOKE_HEADER_SIZE];
	uint32_t magic = STOKE_SKIPPABLE_MAGIC, size = 16, version = STOKE_FORMAT_VERSION, flags = 0;
	memcpy(hdr, &magic, 4);
	memcpy(hdr + 4, &size, 4);
	memcpy(hdr + 8, STOKE_MAGIC, 8);
	memcpy(hdr + 16, &version, 4);
	memcpy(hdr + 20, &flags, 4);
	int err = write_all(fd, hdr, sizeof(hdr));
	if (err) {
		close(fd);
		return err;
	}

	struct fmt_writer *w = xcalloc(1, sizeof(*w));
	w->fd = fd;
	w->level = level;
	w->frame_bytes = frame_bytes ? frame_bytes : DEFAULT_FRAME_BYTES;
	if (w->frame_bytes < 65536 + 8)
		w->frame_bytes = 65536 + 8; /* a record can be 64 KiB */
	w->cur.data = xmalloc(w->frame_bytes);
	w->good_offset = sizeof(hdr);
	w->stats.compressed_bytes = sizeof(hdr);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	err = -pthread_create(&w->thread, NULL, writer_main, w);
	if (err) {
		free(w->cur.data);
		close(fd);
		free(w);
		return err;
	}
	*out = w;
	return 0;
}

static int queue_chunk(struct fmt_writer *w, struct chunk c)
{
	pthread_mutex_lock(&w->lock);
	while (w->q_len == MAX_QUEUED)
		pthread_cond_wait(&w->cond, &w->lock);
	w->queue[(w->q_head + w->q_len) % MAX_QUEUED] = c;
	w->q_len++;
	int err = w->err;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return err;
}

int fmt_writer_sync(struct fmt_writer *w)
{
	int err = fmt_writer_flush(w);
	pthread_mutex_lock(&w->lock);
	while (w->q_len)
		pthread_cond_wait(&w->cond, &w->lock);
	if (!err)
		err = w->err;
	pthread_mutex_unlock(&w->lock);
	return err;
}

int fmt_writer_mark_trailer(struct fmt_writer *w)
{
	int err = fmt_writer_flush(w);
	struct chunk c = { xmalloc(16), 16, 1 };
	uint32_t magic = STOKE_TRAILER_MAGIC, size = 8;
	memcpy(c.data, &magic, 4);
	memcpy(c.data + 4, &size, 4);
	memcpy(c.data + 8, "TRAILER", 8);
	int qerr = queue_chunk(w, c);
	return err ? err : qerr;
}

int fmt_writer_flush(struct fmt_writer *w)
{
	int err;
	if (!w->cur.len) {
		pthread_mutex_lock(&w->lock);
		err = w->err;
		pthread_mutex_unlock(&w->lock);
		return err;
	}
	w->stats.raw_bytes += w->cur.len;
	err = queue_chunk(w, w->cur);
	pthread_mutex_lock(&w->lock);
	w->cur = w->spare;
	w->spare.data = NULL;
	pthread_mutex_unlock(&w->lock);
	if (!w->cur.data)
		w->cur.data = xmalloc(w->frame_bytes);
	w->cur.len = 0;
	w->cur.raw = 0;
	return err;
}

void *fmt_writer_reserve(struct fmt_writer *w, size_t len, int *err)
{
	*err = 0;
	if (w->cur.len + len > w->frame_bytes)
		*err = fmt_writer_flush(w);
	if (len > w->frame_bytes)
		return NULL;
	if (!w->cur.len)
		w->cur_started = now_ns();
	return w->cur.data + w->cur.len;
}

void fmt_writer_commit(struct fmt_writer *w, size_t len)
{
	w->cur.len += len;
}

int fmt_writer_append(struct fmt_writer *w, const void *rec, size_t len)
{
	int err;
	void *dst = fmt_writer_reserve(w, len, &err);
	if (!dst)
		return err ? err : -EINVAL;
	memcpy(dst, rec, len);
	fmt_writer_commit(w, len);
	return err;
}

int fmt_writer_add(struct fmt_writer *w, uint32_t type, uint16_t misc,
		   const void *payload, size_t len)
{
	size_t total = sizeof(struct perf_event_header) + ALIGN8(len);
	if (total > UINT16_MAX)
		return -E2BIG;
	unsigned char buf[UINT16_MAX + 1];
	struct perf_event_header h = { .type = type, .misc = misc, .size = (uint16_t)total };
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	memset(buf + sizeof(h) + len, 0, total - sizeof(h) - len);
	return fmt_writer_append(w, buf, total);
}

int fmt_writer_tick(struct fmt_writer *w, uint64_t now, uint64_t interval_ns)
{
	if (w->cur.len && now - w->cur_started >= interval_ns)
		return fmt_writer_flush(w);
	return 0;
}

int fmt_writer_close(struct fmt_writer *w, struct fmt_writer_stats *st)
{
	int err = fmt_writer_flush(w);
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (!err)
		err = w->err;
	if (fsync(w->fd) < 0 && !err && errno != EINVAL)
		err = -errno;
	if (close(w->fd) < 0 && !err)
		err = -errno;
	if (st)
		*st = w->stats;
	free(w->cur.data);
	free(w->spare.data);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
	return err;
}
