/* libFuzzer target: arbitrary record bytes inside a well-formed stoke file.  fuzz_reader mutates
 * whole files, where almost every change breaks a zstd checksum and stops at the frame layer;
 * here the input is compressed into a valid frame first, so every mutation reaches the record
 * parsers (header sizes, samples, callchains, register and stack copies, metadata records). */
#include "common/format.h"
#include "tests/fuzz/walk.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char header[24] = {
	0x5e, 0x2a, 0x4d, 0x18, 16, 0, 0, 0, 'S', 'T', 'O', 'K', 'E', 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap = sizeof(header) + ZSTD_compressBound(size);
	unsigned char *file = malloc(cap);
	if (!file)
		return 0;
	memcpy(file, header, sizeof(header));
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
	size_t n = ZSTD_compress2(cctx, file + sizeof(header), cap - sizeof(header), data, size);
	ZSTD_freeCCtx(cctx);
	if (ZSTD_isError(n)) {
		free(file);
		return 0;
	}

	struct fmt_reader *r;
	if (fmt_reader_open_mem(file, sizeof(header) + n, &r)) {
		free(file);
		return 0;
	}
	fuzz_walk_records(r);
	fmt_reader_free(r);
	free(file);
	return 0;
}
