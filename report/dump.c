#include "report/dump.h"
#include "common/format.h"
#include "common/sample.h"
#include "common/stackref.h"
#include "common/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define NR_COUNTS 32

struct dump {
	uint64_t sample_type;  /* from the first ATTR record */
	uint64_t regs_mask;
	int have_attr;
	struct stackref *stackref; /* DWARF recordings: to show delta samples whole */
	uint64_t counts[NR_COUNTS]; /* kernel types < 24, stoke types mapped after */
	uint64_t records;
};

struct dump *dump_new(void)
{
	return xcalloc(1, sizeof(struct dump));
}

void dump_free(struct dump *d)
{
	if (d)
		stackref_free(d->stackref);
	free(d);
}

const char *dump_type_name(uint32_t type)
{
	switch (type) {
	case PERF_RECORD_MMAP: return "MMAP";
	case PERF_RECORD_LOST: return "LOST";
	case PERF_RECORD_COMM: return "COMM";
	case PERF_RECORD_EXIT: return "EXIT";
	case PERF_RECORD_THROTTLE: return "THROTTLE";
	case PERF_RECORD_UNTHROTTLE: return "UNTHROTTLE";
	case PERF_RECORD_FORK: return "FORK";
	case PERF_RECORD_READ: return "READ";
	case PERF_RECORD_SAMPLE: return "SAMPLE";
	case PERF_RECORD_MMAP2: return "MMAP2";
	case PERF_RECORD_AUX: return "AUX";
	case PERF_RECORD_ITRACE_START: return "ITRACE_START";
	case PERF_RECORD_LOST_SAMPLES: return "LOST_SAMPLES";
	case PERF_RECORD_SWITCH: return "SWITCH";
	case PERF_RECORD_SWITCH_CPU_WIDE: return "SWITCH_CPU_WIDE";
	case PERF_RECORD_NAMESPACES: return "NAMESPACES";
	case PERF_RECORD_KSYMBOL: return "KSYMBOL";
	case PERF_RECORD_BPF_EVENT: return "BPF_EVENT";
	case PERF_RECORD_CGROUP: return "CGROUP";
	case PERF_RECORD_TEXT_POKE: return "TEXT_POKE";
	case STOKE_REC_ATTR: return "ATTR";
	case STOKE_REC_INFO: return "INFO";
	case STOKE_REC_KALLSYMS: return "KALLSYMS";
	case STOKE_REC_BUILD_ID: return "BUILD_ID";
	case STOKE_REC_CPU_STATS: return "CPU_STATS";
	case STOKE_REC_FINISHED_ROUND: return "FINISHED_ROUND";
	case STOKE_REC_END: return "END";
	}
	return "UNKNOWN";
}

static int count_slot(uint32_t type)
{
	if (type < 24)
		return (int)type;
	if (type >= STOKE_REC_ATTR && type <= STOKE_REC_END)
		return 24 + (int)(type - STOKE_REC_ATTR);
	return 0;
}

static void add_hex(struct strbuf *out, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		strbuf_addf(out, "%02x", p[i]);
}

static void add_sid(struct dump *d, const struct perf_event_header *h, struct strbuf *out)
{
	struct sample_id sid;
	if (d->have_attr && !sample_id_parse(h, d->sample_type, &sid))
		strbuf_addf(out, " [%u/%u cpu %u t %" PRIu64 ".%09" PRIu64 "]", sid.pid, sid.tid,
			    sid.cpu, sid.time / 1000000000, sid.time % 1000000000);
}

/* A string inside [p, end), printed safely even when not NUL-terminated. */
static void add_str(struct strbuf *out, const char *p, const char *end)
{
	size_t n = end > p ? strnlen(p, (size_t)(end - p)) : 0;
	for (size_t i = 0; i < n; i++)
		strbuf_addch(out, (unsigned char)p[i] < 0x20 ? '?' : p[i]);
}

/* delta: the file stores part of the stack copy (the rest is the thread's previous one). */
static void dump_sample(struct dump *d, const struct perf_event_header *h, int delta,
			struct strbuf *out)
{
	struct sample s;
	if (!d->have_attr || sample_parse(h, d->sample_type, d->regs_mask, &s)) {
		strbuf_adds(out, " (cannot decode)\n");
		return;
	}
	strbuf_addf(out, " %u/%u cpu %u t %" PRIu64 ".%09" PRIu64 " period %" PRIu64
			 " id %" PRIu64 " ip 0x%" PRIx64 " %s\n",
		    s.pid, s.tid, s.cpu, s.time / 1000000000, s.time % 1000000000, s.period, s.id,
		    s.ip, (s.misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL ? "kernel" : "user");
	for (uint64_t i = 0; i < s.nr_callchain; i++) {
		uint64_t a = s.callchain[i];
		if (a >= PERF_CONTEXT_MAX)
			strbuf_addf(out, "    context %s\n",
				    a == PERF_CONTEXT_KERNEL ? "kernel" :
				    a == PERF_CONTEXT_USER ? "user" :
				    a == STOKE_CONTEXT_TRUNCATED ? "truncated" : "other");
		else
			strbuf_addf(out, "    0x%" PRIx64 "\n", a);
	}
	if (s.regs_abi)
		strbuf_addf(out, "    regs abi %" PRIu64 " ip 0x%" PRIx64 "\n", s.regs_abi,
			    s.regs ? s.regs[sample_reg_index(s.regs_mask, 8)] : 0);
	if (s.stack_size)
		strbuf_addf(out, "    stack %" PRIu64 " bytes, %" PRIu64 " valid%s\n", s.stack_size,
			    s.stack_dyn_size, delta ? ", what did not change from the thread's previous sample" : "");
}

void dump_record(struct dump *d, const struct perf_event_header *h, uint64_t offset,
		 struct strbuf *out)
{
	const unsigned char *body = (const unsigned char *)(h + 1);
	const unsigned char *end = (const unsigned char *)h + h->size;
	size_t blen = h->size - sizeof(*h);

	d->records++;
	if (h->type == STOKE_REC_SAMPLE_DELTA || h->type == STOKE_REC_SAMPLE_PATCH ||
	    h->type == PERF_RECORD_SAMPLE) {
		/* Shown rebuilt, as a SAMPLE; a delta says so on its stack line. */
		const struct perf_event_header *full = h;
		int r = -1;
		if (d->have_attr && (d->sample_type & PERF_SAMPLE_STACK_USER)) {
			if (!d->stackref)
				d->stackref = stackref_new(0);
			r = stackref_decode(d->stackref, h, d->sample_type, d->regs_mask, &full);
		}
		d->counts[PERF_RECORD_SAMPLE]++;
		strbuf_addf(out, "%#" PRIx64 " SAMPLE size %u misc %#x", offset, h->size, h->misc);
		if (h->type != PERF_RECORD_SAMPLE && r <= 0) {
			strbuf_adds(out, " (stack delta: cannot decode)\n");
			return;
		}
		dump_sample(d, full, h != full, out);
		return;
	}
	d->counts[count_slot(h->type)]++;
	strbuf_addf(out, "%#" PRIx64 " %s size %u misc %#x", offset, dump_type_name(h->type),
		    h->size, h->misc);
	switch (h->type) {
	case PERF_RECORD_MMAP2:
		if (blen > sizeof(struct mmap2_body)) {
			const struct mmap2_body *m = (const void *)body;
			strbuf_addf(out, " %u/%u [%#" PRIx64 "+%#" PRIx64 "] pgoff %#" PRIx64 " prot %u ",
				    m->pid, m->tid, m->addr, m->len, m->pgoff, m->prot);
			add_str(out, (const char *)(m + 1), (const char *)end);
			if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && m->build_id_size <= 20) {
				strbuf_adds(out, " build-id ");
				add_hex(out, m->build_id, m->build_id_size);
			}
		}
		break;
	case PERF_RECORD_COMM:
		if (blen > 8) {
			uint32_t ids[2];
			memcpy(ids, body, 8);
			strbuf_addf(out, " %u/%u%s ", ids[0], ids[1],
				    h->misc & PERF_RECORD_MISC_COMM_EXEC ? " exec" : "");
			add_str(out, (const char *)body + 8, (const char *)end);
		}
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		if (blen >= 24) {
			uint32_t ids[4];
			memcpy(ids, body, 16);
			strbuf_addf(out, " pid %u ppid %u tid %u ptid %u", ids[0], ids[1], ids[2], ids[3]);
		}
		break;
	case PERF_RECORD_SWITCH:
	case PERF_RECORD_SWITCH_CPU_WIDE:
		/* off-CPU (docs/offcpu.md): direction, and whether the thread left runnable */
		strbuf_adds(out, !(h->misc & PERF_RECORD_MISC_SWITCH_OUT) ? " in" :
				 h->misc & (1 << 14) ? " out preempted" : " out");
		if (h->type == PERF_RECORD_SWITCH_CPU_WIDE && blen >= 8) {
			uint32_t ids[2];
			memcpy(ids, body, 8);
			strbuf_addf(out, " %s %u/%u", h->misc & PERF_RECORD_MISC_SWITCH_OUT ? "next" : "prev",
				    ids[0], ids[1]);
		}
		break;
	case PERF_RECORD_LOST:
		if (blen >= 16) {
			uint64_t v[2];
			memcpy(v, body, 16);
			strbuf_addf(out, " id %" PRIu64 " lost %" PRIu64, v[0], v[1]);
		}
		break;
	case STOKE_REC_ATTR:
		if (blen >= 8 + sizeof(struct perf_event_attr)) {
			uint32_t hd[2];
			struct perf_event_attr a;
			memcpy(hd, body, 8);
			memcpy(&a, body + 8, sizeof(a));
			size_t ids_off = 8 + ALIGN8(hd[0]);
			const char *name = (const char *)body + ids_off + (size_t)hd[1] * 8;
			strbuf_addf(out, " type %u config %#" PRIx64 " sample_type %#" PRIx64
					 " %s %" PRIu64 " ids %u name ",
				    a.type, (uint64_t)a.config, (uint64_t)a.sample_type,
				    a.freq ? "freq" : "period", (uint64_t)a.sample_period, hd[1]);
			if ((const unsigned char *)name < end)
				add_str(out, name, (const char *)end);
			if (hd[1] && ids_off + (size_t)hd[1] * 8 <= blen) {
				strbuf_adds(out, "\n    ids");
				for (uint32_t i = 0; i < hd[1] && i < 16; i++) {
					uint64_t id;
					memcpy(&id, body + ids_off + (size_t)i * 8, 8);
					strbuf_addf(out, " %" PRIu64, id);
				}
				if (hd[1] > 16)
					strbuf_addf(out, " ... (%u in all)", hd[1]);
			}
			if (!d->have_attr) {
				d->sample_type = a.sample_type;
				d->regs_mask = a.sample_regs_user;
				d->have_attr = 1;
			}
		}
		strbuf_addch(out, '\n');
		return;
	case STOKE_REC_INFO:
		strbuf_addch(out, '\n');
		for (const char *p = (const char *)body; p < (const char *)end && *p;) {
			const char *v = p + strnlen(p, (size_t)((const char *)end - p)) + 1;
			if (v >= (const char *)end)
				break;
			strbuf_adds(out, "    ");
			add_str(out, p, (const char *)end);
			strbuf_adds(out, " = ");
			add_str(out, v, (const char *)end);
			strbuf_addch(out, '\n');
			p = v + strnlen(v, (size_t)((const char *)end - v)) + 1;
		}
		return;
	case STOKE_REC_KALLSYMS: {
		size_t lines = 0;
		for (size_t i = 0; i < blen; i++)
			lines += body[i] == '\n';
		strbuf_addf(out, " %zu lines", lines);
		return strbuf_addch(out, '\n');
	}
	case STOKE_REC_BUILD_ID:
		if (blen > 32 && body[0] <= 24) {
			strbuf_adds(out, " ");
			add_hex(out, body + 8, body[0]);
			strbuf_adds(out, " ");
			add_str(out, (const char *)body + 32, (const char *)end);
		}
		strbuf_addch(out, '\n');
		return;
	case STOKE_REC_CPU_STATS:
		if (blen >= sizeof(struct stoke_cpu_stats)) {
			struct stoke_cpu_stats st;
			memcpy(&st, body, sizeof(st));
			strbuf_addf(out, " cpu %u samples %" PRIu64 " lost %" PRIu64 " (%" PRIu64
					 " records) throttles %" PRIu64 " wakeups %" PRIu64 " bytes %" PRIu64,
				    st.cpu, st.samples, st.lost_samples, st.lost_records, st.throttles,
				    st.wakeups, st.bytes);
		}
		strbuf_addch(out, '\n');
		return;
	case STOKE_REC_END:
		if (blen >= sizeof(struct stoke_end)) {
			struct stoke_end e;
			memcpy(&e, body, sizeof(e));
			strbuf_addf(out, " samples %" PRIu64 " lost %" PRIu64 " wakeups %" PRIu64
					 " duration %.3f s exit %d%s",
				    e.samples, e.lost, e.wakeups, (double)(e.end_ns - e.start_ns) / 1e9,
				    e.exit_status, e.flags & STOKE_END_INTERRUPTED ? " interrupted" : "");
		}
		strbuf_addch(out, '\n');
		return;
	case STOKE_REC_FINISHED_ROUND:
		strbuf_addch(out, '\n');
		return;
	}
	add_sid(d, h, out);
	strbuf_addch(out, '\n');
}

void dump_summary(const struct dump *d, struct strbuf *out)
{
	strbuf_addf(out, "# %" PRIu64 " records:", d->records);
	for (uint32_t t = 0; t < NR_COUNTS; t++) {
		if (!d->counts[t])
			continue;
		uint32_t type = t < 24 ? t : STOKE_REC_ATTR + (t - 24);
		strbuf_addf(out, " %s %" PRIu64, dump_type_name(type), d->counts[t]);
	}
	strbuf_addch(out, '\n');
}
