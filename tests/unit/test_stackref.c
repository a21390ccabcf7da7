/* common/stackref: DWARF stack copies written as deltas and put back together.  Synthetic
 * samples of two threads whose stacks change at the bottom and move up and down; every copy
 * must come back byte for byte, a lost reference must give a shorter copy (never other bytes),
 * and damaged deltas must be refused. */
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>

#define ST (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | \
	    PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER | \
	    PERF_SAMPLE_STACK_USER)
#define COPY 2048           /* the requested stack size */
#define TOP 0x7ffe0000ULL   /* end of each thread's stack */
#define N 200

/* A thread's whole stack memory below TOP, changed a little between samples. */
static unsigned char mem[2][8192];
static unsigned long long rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	return t_rand(&rng);
}

struct built {
	unsigned char rec[COPY + 256];
	uint64_t sp, dyn;
	uint32_t tid;
};

/* A PERF_RECORD_SAMPLE of thread t (0 or 1) at stack pointer sp: the copy is min(COPY, TOP - sp)
 * bytes, followed by stale bytes up to COPY as the kernel leaves them. */
static size_t build(struct built *b, int t, uint64_t sp, uint64_t time)
{
	uint64_t *p = (uint64_t *)(b->rec + 8);
	uint64_t regs_mask = STOKE_REGS_USER_MASK;
	int nregs = __builtin_popcountll(regs_mask);
	b->tid = 100 + (uint32_t)t;
	*p++ = 1;                                 /* identifier */
	*p++ = 0x401000 + time;                   /* ip */
	*p++ = (uint64_t)b->tid << 32 | b->tid;   /* pid, tid */
	*p++ = time;
	*p++ = (uint64_t)t;                       /* cpu */
	*p++ = 1000;                              /* period */
	*p++ = 0;                                 /* callchain: none */
	*p++ = PERF_SAMPLE_REGS_ABI_64;
	for (int i = 0; i < nregs; i++)
		p[i] = 0x1000 + (uint64_t)i;
	p[sample_reg_index(regs_mask, 7)] = sp;   /* SP */
	p += nregs;
	*p++ = COPY;
	b->sp = sp;
	b->dyn = TOP - sp < COPY ? TOP - sp : COPY;
	memcpy(p, mem[t] + (sp - (TOP - sizeof(mem[t]))), b->dyn);
	for (uint64_t i = b->dyn; i < COPY; i++)
		((unsigned char *)p)[i] = (unsigned char)next_rand(); /* stale ring bytes */
	p = (uint64_t *)((unsigned char *)p + COPY);
	*p++ = b->dyn;
	size_t size = (size_t)((unsigned char *)p - b->rec);
	struct perf_event_header h = { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, (uint16_t)size };
	memcpy(b->rec, &h, sizeof(h));
	return size;
}

int main(void)
{
	static struct built orig[N];
	static unsigned char enc[N][COPY + 256];
	struct stackref *w = stackref_new(1 << 20), *r = stackref_new(0);
	uint64_t sp[2] = { TOP - 1200, TOP - 3000 };
	size_t raw = 0, stored = 0;
	int deltas = 0;

	for (size_t i = 0; i < sizeof(mem[0]); i++)
		mem[0][i] = mem[1][i] = (unsigned char)next_rand();
	for (int i = 0; i < N; i++) {
		int t = i % 3 == 2;
		/* The stack moves by up to 256 bytes either way; the 64 bytes above the
		 * new stack pointer change, as a running function's locals would. */
		uint64_t delta = (next_rand() % 64) * 8;
		sp[t] = next_rand() & 1 ? sp[t] - delta : sp[t] + delta;
		if (sp[t] < TOP - 6000 || sp[t] > TOP - 64)
			sp[t] = TOP - 2500;
		for (int k = 0; k < 64; k++)
			mem[t][sp[t] - (TOP - sizeof(mem[t])) + (uint64_t)k] = (unsigned char)next_rand();
		size_t len = build(&orig[i], t, sp[t], 1000 + (uint64_t)i);
		memcpy(enc[i], orig[i].rec, len);
		struct perf_event_header *h = (struct perf_event_header *)enc[i];
		size_t n = stackref_encode(w, h, ST, STOKE_REGS_USER_MASK, h);
		raw += len;
		stored += n;
		deltas += h->type == STOKE_REC_SAMPLE_PATCH;
		if (n != h->size || n > len || n % 8)
			T_OK(0, "sample %d: encoded size %zu (record says %u, was %zu)", i, n, h->size, len);
	}
	T_OK(deltas > N / 2, "most samples became deltas (%d of %d)", deltas, N);
	T_OK(stored * 10 < raw * 6, "stored bytes %zu, under 60 %% of %zu", stored, raw);

	/* In order: every copy comes back whole. */
	int whole = 0;
	for (int i = 0; i < N; i++) {
		const struct perf_event_header *h = (const void *)enc[i], *out = h;
		struct sample s;
		int ret = stackref_decode(r, h, ST, STOKE_REGS_USER_MASK, &out);
		if (ret < 0 || sample_parse(out, ST, STOKE_REGS_USER_MASK, &s) || !s.stack)
			continue;
		struct sample o;
		sample_parse((const void *)orig[i].rec, ST, STOKE_REGS_USER_MASK, &o);
		whole += out->type == PERF_RECORD_SAMPLE && s.stack_dyn_size == orig[i].dyn &&
			 !memcmp(s.stack, o.stack, orig[i].dyn) && s.tid == orig[i].tid &&
			 s.time == 1000 + (uint64_t)i;
	}
	T_EQ_INT(whole, N, "decoded in file order: every copy byte for byte");

	/* As images that share bytes (the report's path): every image, all kept alive while
	 * later ones are decoded (chains far longer than the depth at which one is made whole),
	 * reads back as the original copy through sample_stack_read, bytes past it refused. */
	{
		static struct stack_img *imgs[N];
		struct stackref *ri = stackref_new(0);
		int same = 0, chained = 0, refused = 0;
		int stripped = 0;
		for (int i = 0; i < N; i++) {
			const struct perf_event_header *h = (const void *)enc[i];
			static unsigned char q[COPY + 256];
			struct sample qs;
			size_t head;
			int ret = stackref_decode_img(ri, h, ST, STOKE_REGS_USER_MASK, &imgs[i], &head);
			chained += ret == 1 && imgs[i] && h->type == STOKE_REC_SAMPLE_PATCH;
			/* The sample without its copy keeps everything else. */
			if (ret == 1 && head) {
				stackref_strip(h, head, q);
				struct sample o;
				sample_parse((const void *)orig[i].rec, ST, STOKE_REGS_USER_MASK, &o);
				stripped += !sample_parse((const void *)q, ST, STOKE_REGS_USER_MASK, &qs) &&
					    !qs.stack && qs.time == o.time && qs.tid == o.tid && qs.ip == o.ip &&
					    !memcmp(qs.regs, o.regs, 8 * (size_t)__builtin_popcountll(STOKE_REGS_USER_MASK));
			}
		}
		T_EQ_INT(stripped, N, "every sample without its copy parses, with its fields");
		for (int i = 0; i < N; i++) {
			struct sample o, v = { 0 };
			static unsigned char got[COPY];
			sample_parse((const void *)orig[i].rec, ST, STOKE_REGS_USER_MASK, &o);
			v.stack = o.stack;
			v.stack_dyn_size = orig[i].dyn;
			if (imgs[i]) {
				v.stack = NULL;
				v.stack_img = imgs[i];
				v.stack_dyn_size = stackimg_len(imgs[i]);
			}
			same += v.stack_dyn_size == orig[i].dyn &&
				!sample_stack_read(&v, 0, got, orig[i].dyn) && !memcmp(got, o.stack, orig[i].dyn);
			refused += sample_stack_read(&v, v.stack_dyn_size - 4, got, 8) == -EFAULT;
		}
		T_EQ_INT(chained, deltas, "every delta became an image");
		T_EQ_INT(same, N, "every image reads back byte for byte, after all were decoded");
		T_EQ_INT(refused, N, "a read past an image's end is refused");
		for (int i = 0; i < N; i++)
			stackimg_put(imgs[i]);
		stackref_free(ri);
	}

	/* A lost record: the next delta of its thread cannot be completed, and says so by
	 * being shorter; no byte differs from the original where it has bytes. */
	stackref_free(r);
	r = stackref_new(0);
	int shorter = 0, wrong = 0, lost = 30;
	for (int i = 0; i < N; i++) {
		const struct perf_event_header *h = (const void *)enc[i], *out = h;
		struct sample s, o;
		if (i == lost)
			continue;
		if (stackref_decode(r, h, ST, STOKE_REGS_USER_MASK, &out) < 0 ||
		    sample_parse(out, ST, STOKE_REGS_USER_MASK, &s) || !s.stack)
			continue;
		sample_parse((const void *)orig[i].rec, ST, STOKE_REGS_USER_MASK, &o);
		shorter += s.stack_dyn_size < orig[i].dyn;
		wrong += s.stack_dyn_size > orig[i].dyn || memcmp(s.stack, o.stack, s.stack_dyn_size);
	}
	T_OK(shorter >= 1, "after a lost record, its thread's next delta comes back short (%d)",
	     shorter);
	T_EQ_INT(wrong, 0, "... and no copy has a byte the original did not");

	/* Damaged deltas are refused, not read past. */
	int first_delta = -1;
	for (int i = 0; i < N && first_delta < 0; i++)
		if (((struct perf_event_header *)enc[i])->type == STOKE_REC_SAMPLE_PATCH)
			first_delta = i;
	if (first_delta >= 0) {
		unsigned char bad[COPY + 256];
		const struct perf_event_header *out;
		struct perf_event_header *h = (struct perf_event_header *)bad;
		memcpy(bad, enc[first_delta], ((struct perf_event_header *)enc[first_delta])->size);
		h->size = 16;
		T_EQ_INT(stackref_decode(r, h, ST, STOKE_REGS_USER_MASK, &out), -EINVAL,
			 "a delta too short for its footer is refused");
		memcpy(bad, enc[first_delta], ((struct perf_event_header *)enc[first_delta])->size);
		h = (struct perf_event_header *)bad;
		uint64_t huge = 70000;
		memcpy(bad + h->size - 24, &huge, 8); /* the footer's dyn_size */
		T_EQ_INT(stackref_decode(r, h, ST, STOKE_REGS_USER_MASK, &out), -EINVAL,
			 "a delta claiming a copy larger than a record can hold is refused");
		memcpy(bad, enc[first_delta], ((struct perf_event_header *)enc[first_delta])->size);
		uint64_t tiny = 8;
		memcpy(bad + h->size - 24, &tiny, 8);
		T_EQ_INT(stackref_decode(r, h, ST, STOKE_REGS_USER_MASK, &out), -EINVAL,
			 "a delta whose copy is smaller than its own bytes is refused");
	}
	T_OK(first_delta >= 0, "found a delta to damage");

	/* A thread sampled twice at the same point, then once with an empty copy: the repeat
	 * keeps 8 bytes of its own (a stack section needs room for its count), the empty one
	 * stays a plain sample; both come back. */
	{
		struct stackref *w2 = stackref_new(0), *r2 = stackref_new(0);
		static struct built same[3];
		int ok = 1;
		build(&same[0], 0, TOP - 512, 5000);
		build(&same[1], 0, TOP - 512, 5001);
		build(&same[2], 0, TOP, 5002);
		for (int i = 0; i < 3; i++) {
			unsigned char copy[COPY + 256];
			struct perf_event_header *h = (struct perf_event_header *)copy;
			memcpy(copy, same[i].rec, ((struct perf_event_header *)same[i].rec)->size);
			stackref_encode(w2, h, ST, STOKE_REGS_USER_MASK, h);
			if (i == 1)
				T_OK(h->type == STOKE_REC_SAMPLE_PATCH && h->size <= 208,
				     "a repeated copy is a delta of %u bytes", h->size);
			const struct perf_event_header *o = h;
			struct sample s, want;
			sample_parse((const void *)same[i].rec, ST, STOKE_REGS_USER_MASK, &want);
			if (stackref_decode(r2, h, ST, STOKE_REGS_USER_MASK, &o) < 0 ||
			    sample_parse(o, ST, STOKE_REGS_USER_MASK, &s) ||
			    s.stack_dyn_size != same[i].dyn ||
			    (same[i].dyn && memcmp(s.stack, want.stack, same[i].dyn)))
				ok = 0;
		}
		T_OK(ok, "a repeated copy and an empty one come back whole");
		stackref_free(w2);
		stackref_free(r2);
	}

	/* A thread that exited (both sides forget it): its id's next sample is stored whole and
	 * read back whole; a reader that forgot alone keeps only the bytes it has. */
	{
		struct stackref *w3 = stackref_new(0), *r3 = stackref_new(0), *r4 = stackref_new(0);
		static struct built b[3];
		unsigned char rec[3][COPY + 256];
		build(&b[0], 0, TOP - 1024, 7000);
		build(&b[1], 0, TOP - 1024, 7001);
		build(&b[2], 0, TOP - 1024, 7002);
		int types[3], all_whole = 1;
		for (int i = 0; i < 3; i++) {
			struct perf_event_header *h = (struct perf_event_header *)rec[i];
			memcpy(rec[i], b[i].rec, ((struct perf_event_header *)b[i].rec)->size);
			if (i == 2)
				stackref_forget(w3, b[i].tid);
			stackref_encode(w3, h, ST, STOKE_REGS_USER_MASK, h);
			types[i] = h->type;
		}
		T_OK(types[1] == STOKE_REC_SAMPLE_PATCH && types[2] == PERF_RECORD_SAMPLE,
		     "after its thread exits, an id's next sample is stored whole (%#x, %#x)",
		     types[1], types[2]);
		for (int i = 0; i < 3; i++) {
			const struct perf_event_header *h = (const void *)rec[i], *o = h;
			struct sample got, want;
			if (i == 2)
				stackref_forget(r3, b[i].tid);
			sample_parse((const void *)b[i].rec, ST, STOKE_REGS_USER_MASK, &want);
			if (stackref_decode(r3, h, ST, STOKE_REGS_USER_MASK, &o) < 0 ||
			    sample_parse(o, ST, STOKE_REGS_USER_MASK, &got) ||
			    got.stack_dyn_size != b[i].dyn || memcmp(got.stack, want.stack, b[i].dyn))
				all_whole = 0;
		}
		T_OK(all_whole, "... and every copy comes back whole");
		/* The patch of sample 1 read by a reader that has forgotten sample 0's thread. */
		const struct perf_event_header *h0 = (const void *)rec[0], *h1 = (const void *)rec[1], *o;
		struct sample got;
		stackref_decode(r4, h0, ST, STOKE_REGS_USER_MASK, &o);
		stackref_forget(r4, b[0].tid);
		T_OK(stackref_decode(r4, h1, ST, STOKE_REGS_USER_MASK, &o) == 1 &&
			     !sample_parse(o, ST, STOKE_REGS_USER_MASK, &got) && got.stack_dyn_size < b[1].dyn,
		     "a patch whose thread was forgotten comes back short, not invented");
		stackref_free(w3);
		stackref_free(r3);
		stackref_free(r4);
	}

	/* Records without a stack copy and other record types pass untouched. */
	struct perf_event_header other = { PERF_RECORD_COMM, 0, 8 };
	const struct perf_event_header *out = &other;
	T_EQ_INT(stackref_decode(r, &other, ST, STOKE_REGS_USER_MASK, &out), 0,
		 "other records are left alone");
	stackref_free(w);
	stackref_free(r);
	T_DONE();
}
