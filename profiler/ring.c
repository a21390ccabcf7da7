#include "profiler/ring.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct ring {
	struct perf_event_mmap_page *meta; /* first page: head/tail and event info */
	unsigned char *data;               /* data area, size bytes (a power of two) */
	size_t size;
	size_t map_len;
	unsigned char wrap[UINT16_MAX + 1]; /* contiguous copy of a record that wraps */
};

int ring_new(int fd, size_t data_pages, struct ring **out)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (!data_pages || (data_pages & (data_pages - 1)))
		return -EINVAL;
	size_t len = (data_pages + 1) * page;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	struct ring *r = xcalloc(1, sizeof(*r));
	r->meta = m;
	r->data = (unsigned char *)m + page;
	r->size = data_pages * page;
	r->map_len = len;
	*out = r;
	return 0;
}

void ring_free(struct ring *r)
{
	if (!r)
		return;
	munmap(r->meta, r->map_len);
	free(r);
}

long ring_drain(struct ring *r, ring_record_fn fn, void *ctx)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	uint64_t start = tail;
	uint64_t mask = r->size - 1;
	int err = 0;

	while (tail < head) {
		size_t off = (size_t)(tail & mask);
		struct perf_event_header h;
		const struct perf_event_header *rec;

		if (off + sizeof(h) <= r->size) {
			memcpy(&h, r->data + off, sizeof(h));
		} else {
			size_t first = r->size - off;
			memcpy(&h, r->data + off, first);
			memcpy((unsigned char *)&h + first, r->data, sizeof(h) - first);
		}
		if (h.size < sizeof(h) || h.size > head - tail) {
			/* Cannot happen with a sane kernel; skip everything to stay in sync. */
			tail = head;
			break;
		}
		if (off + h.size <= r->size) {
			rec = (const struct perf_event_header *)(r->data + off);
		} else {
			size_t first = r->size - off;
			memcpy(r->wrap, r->data + off, first);
			memcpy(r->wrap + first, r->data, h.size - first);
			rec = (const struct perf_event_header *)r->wrap;
		}
		err = fn(ctx, rec);
		if (err)
			break;
		tail += h.size;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return err ? err : (long)(tail - start);
}
