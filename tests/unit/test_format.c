/* The file format: round trip, truncation at every frame boundary and inside, corruption. */
#include "common/format.h"
#include "common/util.h"
#include "t.h"

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

static char path[] = "/tmp/stoke-test-format.XXXXXX";

/* Write n records of varying size, closing frames every `per_frame` records. */
static int write_file(int n, int per_frame, int *frames)
{
	struct fmt_writer *w;
	int err = fmt_writer_open(path, 3, 0, &w);
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		unsigned char payload[600];
		size_t len = (size_t)(i % 600);
		for (size_t k = 0; k < len; k++)
			payload[k] = (unsigned char)(i + k);
		err = fmt_writer_add(w, PERF_RECORD_SAMPLE, (uint16_t)i, payload, len);
		if (!err && per_frame && (i + 1) % per_frame == 0)
			err = fmt_writer_flush(w);
	}
	struct fmt_writer_stats st;
	int cerr = fmt_writer_close(w, &st);
	if (frames)
		*frames = (int)st.frames;
	return err ? err : cerr;
}

/* Read every record; check contents; return the count (or the error in *err). */
static int read_back(const void *data, size_t len, int *err, uint64_t *bad_off)
{
	struct fmt_reader *r;
	*err = fmt_reader_open_mem(data, len, &r);
	if (*err)
		return 0;
	const struct perf_event_header *h;
	int n = 0, ret;
	while ((ret = fmt_reader_next(r, &h)) > 0) {
		size_t len2 = (size_t)(n % 600);
		const unsigned char *p = (const unsigned char *)(h + 1);
		int good = h->type == PERF_RECORD_SAMPLE && h->misc == (uint16_t)n &&
			   h->size == sizeof(*h) + ALIGN8(len2);
		for (size_t k = 0; good && k < len2; k++)
			good = p[k] == (unsigned char)(n + k);
		if (!good) {
			*err = -1000;
			break;
		}
		n++;
	}
	if (ret < 0)
		*err = ret;
	*bad_off = fmt_reader_offset(r);
	fmt_reader_free(r);
	return n;
}

int main(void)
{
	int fd = mkstemp(path);
	close(fd);
	int frames, err;
	uint64_t off;

	T_EQ_INT(write_file(5000, 700, &frames), 0, "write 5000 records");
	T_EQ_INT(frames, 8, "a frame per 700 records (+ the rest)");

	char *data;
	size_t len;
	T_EQ_INT(read_file(path, &data, &len), 0, "read the file back");
	T_EQ_INT(read_back(data, len, &err, &off), 5000, "round trip: every record back, in order");
	T_EQ_INT(err, 0, "round trip: clean end");

	/* Find frame boundaries: truncating at one must read cleanly up to it. */
	int clean_cuts = 0, damaged_cuts = 0, monotone = 1, prev = -1;
	for (size_t cut = STOKE_HEADER_SIZE; cut < len; cut += 97) {
		int n = read_back(data, cut, &err, &off);
		if (n < prev)
			monotone = 0;
		prev = n;
		if (err == 0)
			clean_cuts++;
		else if (err == -STOKE_ETRUNCATED && off < cut)
			damaged_cuts++;
		else
			printf("# cut %zu: %d records, err %d\n", cut, n, err);
	}
	T_OK(clean_cuts + damaged_cuts == (int)((len - STOKE_HEADER_SIZE + 96) / 97),
	     "every truncation reads the whole frames before it and reports the offset");
	T_OK(monotone, "a longer prefix never yields fewer records");

	/* A truncated file keeps exactly the records of its whole frames. */
	int n = read_back(data, len - 10, &err, &off);
	T_EQ_INT(n, 4900, "cut inside the last frame: the 7 whole frames (4900 records) remain");
	T_EQ_INT(err, -STOKE_ETRUNCATED, "cut inside the last frame: truncated reported");

	/* Flip a byte inside a frame: checksum or structure check catches it. */
	int caught = 0, tries = 0;
	for (size_t pos = STOKE_HEADER_SIZE + 40; pos < len; pos += len / 37) {
		data[pos] ^= 0x5a;
		n = read_back(data, len, &err, &off);
		data[pos] ^= 0x5a;
		tries++;
		if (err < 0 && n < 5000)
			caught++;
	}
	T_EQ_INT(caught, tries, "every flipped byte is detected (checksums)");

	T_EQ_INT(read_back(data, 10, &err, &off), 0, "10-byte file: nothing read");
	T_EQ_INT(err, -STOKE_ETRUNCATED, "10-byte file: truncated");
	memcpy(data + 8, "NOTSTOKE", 8);
	read_back(data, len, &err, &off);
	T_EQ_INT(err, -STOKE_EBADMAGIC, "bad magic refused");
	T_OK(stoke_strerror(-STOKE_ECORRUPT)[0] != '\0', "error messages exist");

	free(data);
	unlink(path);
	T_DONE();
}
