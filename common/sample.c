#include "common/sample.h"
#include "common/stackref.h"

#include <errno.h>
#include <string.h>

struct cursor {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t take64(struct cursor *c)
{
	uint64_t v = 0;
	if (c->end - c->p < 8) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static const void *take_bytes(struct cursor *c, uint64_t n)
{
	if ((uint64_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	const void *p = c->p;
	c->p += n;
	return p;
}

int sample_parse(const struct perf_event_header *h, uint64_t st, uint64_t regs_mask,
		 struct sample *s)
{
	return sample_parse_n(h, h->size, st, regs_mask, s);
}

int sample_parse_n(const struct perf_event_header *h, size_t size, uint64_t st,
		   uint64_t regs_mask, struct sample *s)
{
	if (size > h->size || size < sizeof(*h))
		return -EINVAL;
	struct cursor c = { (const unsigned char *)(h + 1), (const unsigned char *)h + size, 0 };
	uint64_t v;

	memset(s, 0, sizeof(*s));
	s->misc = h->misc;
	if (st & PERF_SAMPLE_IDENTIFIER)
		s->id = take64(&c);
	if (st & PERF_SAMPLE_IP)
		s->ip = take64(&c);
	if (st & PERF_SAMPLE_TID) {
		v = take64(&c);
		s->pid = (uint32_t)v;
		s->tid = (uint32_t)(v >> 32);
	}
	if (st & PERF_SAMPLE_TIME)
		s->time = take64(&c);
	if (st & PERF_SAMPLE_ADDR)
		take64(&c);
	if (st & PERF_SAMPLE_ID)
		s->id = take64(&c);
	if (st & PERF_SAMPLE_STREAM_ID)
		take64(&c);
	if (st & PERF_SAMPLE_CPU)
		s->cpu = (uint32_t)take64(&c);
	if (st & PERF_SAMPLE_PERIOD)
		s->period = take64(&c);
	if (st & (PERF_SAMPLE_READ | PERF_SAMPLE_BRANCH_STACK))
		return -EINVAL; /* stoke never asks for these */
	if (st & PERF_SAMPLE_CALLCHAIN) {
		s->nr_callchain = take64(&c);
		if (s->nr_callchain > 65536)
			return -EINVAL;
		s->callchain = take_bytes(&c, s->nr_callchain * 8);
	}
	if (st & PERF_SAMPLE_RAW) {
		/* u32 size; u8 data[size]; the two together padded to 8 bytes */
		uint32_t n = 0;
		const void *p = take_bytes(&c, 4);
		if (p)
			memcpy(&n, p, 4);
		s->raw = take_bytes(&c, n);
		s->raw_size = s->raw ? n : 0;
		if ((4 + (uint64_t)n) % 8)
			c.bad = 1;
	}
	if (st & PERF_SAMPLE_REGS_USER) {
		s->regs_abi = take64(&c);
		if (s->regs_abi) {
			s->regs_mask = regs_mask;
			s->regs = take_bytes(&c, (uint64_t)__builtin_popcountll(regs_mask) * 8);
		}
	}
	if (st & PERF_SAMPLE_STACK_USER) {
		s->stack_size = take64(&c);
		if (s->stack_size) {
			s->stack = take_bytes(&c, s->stack_size);
			s->stack_dyn_size = take64(&c);
			if (s->stack_dyn_size > s->stack_size)
				s->stack_dyn_size = s->stack_size;
		}
	}
	return c.bad ? -EINVAL : 0;
}

uint64_t sample_record_time(const struct perf_event_header *h, uint64_t st)
{
	uint64_t t = 0;
	if (h->type == PERF_RECORD_SAMPLE) {
		size_t at = sizeof(*h) + 8 * (size_t)__builtin_popcountll(
			st & (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID));
		if ((st & PERF_SAMPLE_TIME) && at + 8 <= h->size)
			memcpy(&t, (const unsigned char *)h + at, 8);
	} else {
		struct sample_id sid;
		if (!sample_id_parse(h, st, &sid))
			t = sid.time;
	}
	return t;
}

size_t sample_id_size(uint64_t st)
{
	size_t n = 0;
	if (st & PERF_SAMPLE_TID)
		n += 8;
	if (st & PERF_SAMPLE_TIME)
		n += 8;
	if (st & PERF_SAMPLE_ID)
		n += 8;
	if (st & PERF_SAMPLE_STREAM_ID)
		n += 8;
	if (st & PERF_SAMPLE_CPU)
		n += 8;
	if (st & PERF_SAMPLE_IDENTIFIER)
		n += 8;
	return n;
}

int sample_id_parse(const struct perf_event_header *h, uint64_t st, struct sample_id *out)
{
	size_t n = sample_id_size(st);
	memset(out, 0, sizeof(*out));
	if (h->size < sizeof(*h) + n)
		return -EINVAL;
	const unsigned char *p = (const unsigned char *)h + h->size - n;
	struct cursor c = { p, (const unsigned char *)h + h->size, 0 };
	uint64_t v;
	if (st & PERF_SAMPLE_TID) {
		v = take64(&c);
		out->pid = (uint32_t)v;
		out->tid = (uint32_t)(v >> 32);
	}
	if (st & PERF_SAMPLE_TIME)
		out->time = take64(&c);
	if (st & PERF_SAMPLE_ID)
		out->id = take64(&c);
	if (st & PERF_SAMPLE_STREAM_ID)
		take64(&c);
	if (st & PERF_SAMPLE_CPU)
		out->cpu = (uint32_t)take64(&c);
	if (st & PERF_SAMPLE_IDENTIFIER)
		out->id = take64(&c);
	out->valid = !c.bad;
	return c.bad ? -EINVAL : 0;
}

size_t sample_id_write(void *dst, uint64_t st, const struct sample_id *id)
{
	unsigned char *p = dst;
	uint64_t v;
#define PUT(x) do { v = (x); memcpy(p, &v, 8); p += 8; } while (0)
	if (st & PERF_SAMPLE_TID)
		PUT((uint64_t)id->pid | ((uint64_t)id->tid << 32));
	if (st & PERF_SAMPLE_TIME)
		PUT(id->time);
	if (st & PERF_SAMPLE_ID)
		PUT(id->id);
	if (st & PERF_SAMPLE_STREAM_ID)
		PUT(id->id);
	if (st & PERF_SAMPLE_CPU)
		PUT(id->cpu);
	if (st & PERF_SAMPLE_IDENTIFIER)
		PUT(id->id);
#undef PUT
	return (size_t)(p - (unsigned char *)dst);
}

int sample_reg_index(uint64_t mask, int reg)
{
	if (!(mask & (1ULL << reg)))
		return -1;
	return __builtin_popcountll(mask & ((1ULL << reg) - 1));
}

int sample_stack_read(const struct sample *s, uint64_t off, void *out, size_t n)
{
	if (off > s->stack_dyn_size || n > s->stack_dyn_size - off)
		return -EFAULT;
	if (s->stack_img)
		return stackimg_read(s->stack_img, off, out, n);
	memcpy(out, s->stack + off, n);
	return 0;
}
