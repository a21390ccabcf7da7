/* sample.h — decode PERF_RECORD_SAMPLE bodies and the sample_id trailer of other records.
 *
 * Decoding depends on the event's sample_type; stoke writes every event of a
 * file with the same sample_type (the first ATTR record's).  Pointers in the
 * decoded structs point into the record, which must outlive them.
 */
#ifndef STOKE_SAMPLE_H
#define STOKE_SAMPLE_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

/* x86-64 user registers stoke asks for in DWARF mode: what finding callers can
 * need.  IP and SP; the callee-saved BX, BP, R12-R15 (a caller's values of
 * them survive in them or in the callee's frame); R10, which GCC's CFI uses as
 * the CFA in the prologue of a function that realigns its stack.  The others
 * (AX CX DX SI DI R8 R9 R11, FLAGS) are never needed by a step and cost about
 * 25 compressed bytes per sample.  Bits in perf_regs.h order: AX BX CX DX SI
 * DI BP SP IP FLAGS CS SS DS ES FS GS R8..R15. */
#define STOKE_REGS_USER_MASK 0xf401c2ULL

struct stack_img;

struct sample {
	uint64_t id;        /* PERF_SAMPLE_IDENTIFIER */
	uint64_t ip;
	uint32_t pid, tid;
	uint64_t time;      /* CLOCK_MONOTONIC ns */
	uint32_t cpu;
	uint64_t period;
	uint32_t raw_size;         /* PERF_SAMPLE_RAW: bytes of tracepoint data (0 when none) */
	const unsigned char *raw;
	uint64_t nr_callchain;
	const uint64_t *callchain; /* including PERF_CONTEXT_* markers */
	uint64_t regs_abi;         /* PERF_SAMPLE_REGS_ABI_*; 0: no registers */
	uint64_t regs_mask;
	const uint64_t *regs;      /* popcount(regs_mask) values in bit order */
	uint64_t stack_size;       /* bytes copied (0 when none) */
	const unsigned char *stack;
	uint64_t stack_dyn_size;   /* valid bytes of the copy */
	/* A copy put back together from its delta (common/stackref.h): the whole copy, of
	 * stack_dyn_size bytes, while stack holds only its low part.  NULL otherwise.  Read
	 * the copy through sample_stack_read. */
	const struct stack_img *stack_img;
	uint16_t misc;             /* header misc: PERF_RECORD_MISC_KERNEL/USER ... */
};

/* n bytes at offset off of s's stack copy into out: 0, or -EFAULT past its valid bytes. */
int sample_stack_read(const struct sample *s, uint64_t off, void *out, size_t n);

/* Body of PERF_RECORD_MMAP2 up to the file name (build-id flavour when
 * header.misc has PERF_RECORD_MISC_MMAP_BUILD_ID; otherwise the 24 bytes
 * from build_id_size hold maj, min, ino, ino_generation). */
struct mmap2_body {
	uint32_t pid, tid;
	uint64_t addr, len, pgoff;
	uint8_t build_id_size, res1;
	uint16_t res2;
	uint8_t build_id[20];
	uint32_t prot, flags;
	/* char filename[], then the sample_id trailer */
};

struct sample_id {
	uint32_t pid, tid;
	uint64_t time;
	uint32_t cpu;
	uint64_t id;
	int valid;
};

/*
 * Decode a PERF_RECORD_SAMPLE.  regs_mask is attr.sample_regs_user.
 * Returns 0, or -EINVAL when the record is too short for its sample_type.
 */
int sample_parse(const struct perf_event_header *h, uint64_t sample_type, uint64_t regs_mask,
		 struct sample *out);
/* sample_parse of the first size bytes of h (a record with a trailer of its own after them). */
int sample_parse_n(const struct perf_event_header *h, size_t size, uint64_t sample_type,
		   uint64_t regs_mask, struct sample *s);

/* Decode the sample_id_all trailer of a non-sample record; 0 or -EINVAL. */
int sample_id_parse(const struct perf_event_header *h, uint64_t sample_type,
		    struct sample_id *out);

/*
 * The time of a record as a time-ordered queue needs it: a sample's TIME field (read where
 * the fixed-size fields before it end, without parsing the rest: a damaged sample is found
 * when it is parsed), another record's sample_id trailer's; 0 when it has none.
 */
uint64_t sample_record_time(const struct perf_event_header *h, uint64_t sample_type);

/* Size of that trailer for sample_type. */
size_t sample_id_size(uint64_t sample_type);

/* Write a trailer for synthesized records; returns bytes written (sample_id_size). */
size_t sample_id_write(void *dst, uint64_t sample_type, const struct sample_id *id);

/* Offset of user register `reg` (perf_regs.h numbering) in s->regs, or -1. */
int sample_reg_index(uint64_t mask, int reg);

#endif
