/* Reading stoke files: frame by frame, keeping everything before a bad frame. */
#include "common/format.h"
#include "common/perfdata.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

struct fmt_reader {
	const unsigned char *map; /* whole file */
	size_t map_len;
	int owns_map;             /* munmap on free */
	uint32_t version;
	size_t next_frame;        /* file offset of the next frame */
	size_t cur_frame;         /* file offset of the frame in buf */
	unsigned char *buf;       /* decompressed frame */
	size_t buf_len, buf_cap;
	size_t pos;               /* next record in buf */
	ZSTD_DCtx *dctx;
	struct perfdata *pd;      /* a perf.data file: its records, translated */
};

static int reader_init(struct fmt_reader *r)
{
	const unsigned char *p = r->map;
	uint32_t magic, size;
	if (perfdata_sniff(p, r->map_len))
		return perfdata_open_mem(p, r->map_len, &r->pd);
	if (r->map_len < STOKE_HEADER_SIZE)
		return r->map_len ? -STOKE_ETRUNCATED : -STOKE_EBADMAGIC;
	memcpy(&magic, p, 4);
	memcpy(&size, p + 4, 4);
	if (magic != STOKE_SKIPPABLE_MAGIC || size != 16 || memcmp(p + 8, STOKE_MAGIC, 8))
		return -STOKE_EBADMAGIC;
	memcpy(&r->version, p + 16, 4);
	if (r->version < STOKE_FORMAT_OLDEST || r->version > STOKE_FORMAT_VERSION)
		return -STOKE_EVERSION;
	r->next_frame = STOKE_HEADER_SIZE;
	r->dctx = ZSTD_createDCtx();
	return r->dctx ? 0 : -ENOMEM;
}

int fmt_reader_open_mem(const void *data, size_t len, struct fmt_reader **out)
{
	struct fmt_reader *r = xcalloc(1, sizeof(*r));
	r->map = data;
	r->map_len = len;
	int err = reader_init(r);
	if (err) {
		fmt_reader_free(r);
		return err;
	}
	*out = r;
	return 0;
}

int fmt_reader_open(const char *path, struct fmt_reader **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	void *map = NULL;
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			int err = -errno;
			close(fd);
			return err;
		}
	}
	close(fd);
	struct fmt_reader *r = xcalloc(1, sizeof(*r));
	r->map = map;
	r->map_len = (size_t)st.st_size;
	r->owns_map = 1;
	int err = reader_init(r);
	if (err) {
		fmt_reader_free(r);
		return err;
	}
	*out = r;
	return 0;
}

/*
 * Room for a decompressed frame of n bytes.  Frames are megabytes: the buffer is mapped in
 * huge pages where the kernel offers them, which saves a page fault per 4 KiB (about a
 * tenth of a DWARF report's time on a virtual machine).
 */
static int grow_buf(struct fmt_reader *r, size_t n)
{
	const size_t huge = 2u << 20;
	size_t cap = (n + huge - 1) & ~(huge - 1);
	if (r->buf)
		munmap(r->buf, r->buf_cap);
	r->buf = NULL;
	r->buf_cap = 0;
	/* Mapped one huge page more than needed, then trimmed to a 2 MiB boundary. */
	unsigned char *m = mmap(NULL, cap + huge, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -ENOMEM;
	uintptr_t start = ((uintptr_t)m + huge - 1) & ~(uintptr_t)(huge - 1);
	if (start > (uintptr_t)m)
		munmap(m, start - (uintptr_t)m);
	if ((uintptr_t)m + huge > start)
		munmap((unsigned char *)start + cap, (uintptr_t)m + huge - start);
	r->buf = (unsigned char *)start;
	r->buf_cap = cap;
	madvise(r->buf, cap, MADV_HUGEPAGE); /* a hint: without it, ordinary pages */
	return 0;
}

/* Decompress the frame at next_frame into buf.  1: loaded, 0: end of file. */
static int load_frame(struct fmt_reader *r)
{
	for (;;) {
		size_t off = r->next_frame, left = r->map_len - off;
		if (!left)
			return 0;
		r->cur_frame = off;
		const unsigned char *p = r->map + off;
		if (left < 8)
			return -STOKE_ETRUNCATED;
		size_t csize = ZSTD_findFrameCompressedSize(p, left);
		if (ZSTD_isError(csize)) {
			/* A frame that starts right but cannot be delimited was cut off;
			 * anything else is garbage. */
			uint32_t magic;
			memcpy(&magic, p, 4);
			return magic == ZSTD_MAGICNUMBER ? -STOKE_ETRUNCATED : -STOKE_ECORRUPT;
		}
		uint32_t magic;
		memcpy(&magic, p, 4);
		if ((magic & 0xFFFFFFF0U) == 0x184D2A50U) {
			r->next_frame = off + csize; /* skippable: room for extensions */
			continue;
		}
		unsigned long long usize = ZSTD_getFrameContentSize(p, csize);
		if (usize == ZSTD_CONTENTSIZE_ERROR || usize == ZSTD_CONTENTSIZE_UNKNOWN ||
		    usize > (1ULL << 31))
			return -STOKE_ECORRUPT;
		if (usize == 0) {
			r->next_frame = off + csize;
			continue;
		}
		if (usize > r->buf_cap && grow_buf(r, (size_t)usize))
			return -ENOMEM;
		size_t got = ZSTD_decompressDCtx(r->dctx, r->buf, (size_t)usize, p, csize);
		if (ZSTD_isError(got) || got != usize)
			return -STOKE_ECORRUPT;
		r->buf_len = got;
		r->pos = 0;
		r->next_frame = off + csize;
		return 1;
	}
}

int fmt_reader_next(struct fmt_reader *r, const struct perf_event_header **rec)
{
	if (r->pd)
		return perfdata_next(r->pd, rec);
	while (r->pos >= r->buf_len) {
		int ret = load_frame(r);
		if (ret <= 0)
			return ret;
	}
	struct perf_event_header h;
	if (r->buf_len - r->pos < sizeof(h))
		goto corrupt;
	memcpy(&h, r->buf + r->pos, sizeof(h));
	if (h.size < sizeof(h) || (h.size & 7) || h.size > r->buf_len - r->pos)
		goto corrupt;
	/* buf is malloc'd and record sizes are multiples of 8: every record is aligned. */
	*rec = (const struct perf_event_header *)(r->buf + r->pos);
	r->pos += h.size;
	return 1;
corrupt:
	r->pos = r->buf_len = 0;
	r->next_frame = r->map_len; /* stop: nothing after this can be trusted */
	return -STOKE_ECORRUPT;
}

int fmt_reader_seek_trailer(struct fmt_reader *r)
{
	size_t off = STOKE_HEADER_SIZE, trailer = 0;
	if (r->pd)
		return 0; /* perf.data: the metadata comes first */
	while (off < r->map_len) {
		size_t left = r->map_len - off;
		if (left < 8)
			break;
		size_t csize = ZSTD_findFrameCompressedSize(r->map + off, left);
		if (ZSTD_isError(csize))
			break; /* cut short: records up to here are still readable normally */
		uint32_t magic;
		memcpy(&magic, r->map + off, 4);
		if (magic == STOKE_TRAILER_MAGIC)
			trailer = off + csize;
		off += csize;
	}
	if (!trailer)
		return 0;
	r->next_frame = trailer;
	r->pos = r->buf_len = 0;
	return 1;
}

void fmt_reader_rewind(struct fmt_reader *r)
{
	if (r->pd) {
		perfdata_rewind(r->pd);
		return;
	}
	r->next_frame = STOKE_HEADER_SIZE;
	r->pos = r->buf_len = 0;
}

uint64_t fmt_reader_offset(const struct fmt_reader *r)
{
	if (r->pd)
		return perfdata_offset(r->pd);
	return r->cur_frame;
}

uint32_t fmt_reader_version(const struct fmt_reader *r)
{
	return r->pd ? 0 : r->version;
}

int fmt_reader_is_perf(const struct fmt_reader *r)
{
	return r->pd != NULL;
}

void fmt_reader_free(struct fmt_reader *r)
{
	if (!r)
		return;
	if (r->owns_map && r->map)
		munmap((void *)r->map, r->map_len);
	ZSTD_freeDCtx(r->dctx);
	perfdata_free(r->pd);
	if (r->buf)
		munmap(r->buf, r->buf_cap);
	free(r);
}
