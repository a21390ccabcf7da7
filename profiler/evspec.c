#include "profiler/evspec.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct named {
	const char *name;
	uint32_t type;
	uint64_t config;
};

static const struct named fixed[] = {
	{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK },
	{ "task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "minor-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "major-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "cpu-migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "cpu-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BUS_CYCLES },
	{ "ref-cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_REF_CPU_CYCLES },
	{ "stalled-cycles-frontend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled-cycles-backend", PERF_TYPE_HARDWARE, PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
};

/* Generic hardware cache events: <cache>-<op>s (accesses) and <cache>-<op>-misses. */
static const struct { const char *name; int id; } caches[] = {
	{ "L1-dcache", PERF_COUNT_HW_CACHE_L1D }, { "L1-icache", PERF_COUNT_HW_CACHE_L1I },
	{ "LLC", PERF_COUNT_HW_CACHE_LL },         { "dTLB", PERF_COUNT_HW_CACHE_DTLB },
	{ "iTLB", PERF_COUNT_HW_CACHE_ITLB },      { "branch", PERF_COUNT_HW_CACHE_BPU },
	{ "node", PERF_COUNT_HW_CACHE_NODE },
};
static const struct { const char *name; int id; } cache_ops[] = {
	{ "load", PERF_COUNT_HW_CACHE_OP_READ },
	{ "store", PERF_COUNT_HW_CACHE_OP_WRITE },
	{ "prefetch", PERF_COUNT_HW_CACHE_OP_PREFETCH },
};

static int parse_cache(const char *s, size_t n, uint64_t *config)
{
	for (size_t c = 0; c < sizeof(caches) / sizeof(caches[0]); c++) {
		size_t cl = strlen(caches[c].name);
		if (n <= cl + 1 || strncmp(s, caches[c].name, cl) || s[cl] != '-')
			continue;
		const char *rest = s + cl + 1;
		size_t rn = n - cl - 1;
		for (size_t o = 0; o < sizeof(cache_ops) / sizeof(cache_ops[0]); o++) {
			char acc[32], miss[32];
			const char *op = cache_ops[o].name;
			/* "loads", "stores", "prefetches" */
			snprintf(acc, sizeof(acc), "%s%s", op, op[strlen(op) - 1] == 'h' ? "es" : "s");
			snprintf(miss, sizeof(miss), "%s-misses", op);
			int result;
			if (rn == strlen(acc) && !strncmp(rest, acc, rn))
				result = PERF_COUNT_HW_CACHE_RESULT_ACCESS;
			else if (rn == strlen(miss) && !strncmp(rest, miss, rn))
				result = PERF_COUNT_HW_CACHE_RESULT_MISS;
			else
				continue;
			*config = (uint64_t)caches[c].id | ((uint64_t)cache_ops[o].id << 8) |
				  ((uint64_t)result << 16);
			return 0;
		}
	}
	return -STOKE_EEVENT;
}

static int apply_modifiers(const char *m, struct perf_event_attr *a)
{
	int u = 0, k = 0, h = 0;
	for (; *m; m++) {
		switch (*m) {
		case 'u': u = 1; break;
		case 'k': k = 1; break;
		case 'h': h = 1; break;
		case 'p':
			if (a->precise_ip < 3)
				a->precise_ip++;
			break;
		default:
			return -STOKE_EMODIFIER;
		}
	}
	if (u || k || h) {
		a->exclude_user = !u;
		a->exclude_kernel = !k;
		a->exclude_hv = !h;
	}
	return 0;
}

int evspec_parse(const char *spec, struct evspec *out)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	struct perf_event_attr *a = &out->attr;

	memset(out, 0, sizeof(*out));
	a->size = sizeof(*a);
	if (n == 0 || n >= sizeof(out->name) - 8)
		return -STOKE_EEVENT;

	int found = 0;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strlen(fixed[i].name) == n && !strncmp(spec, fixed[i].name, n)) {
			a->type = fixed[i].type;
			a->config = fixed[i].config;
			found = 1;
			break;
		}
	}
	if (!found && n > 1 && spec[0] == 'r') {
		char *end;
		unsigned long long cfg = strtoull(spec + 1, &end, 16);
		if (end == spec + n) {
			a->type = PERF_TYPE_RAW;
			a->config = cfg;
			found = 1;
		}
	}
	if (!found) {
		uint64_t cfg;
		if (parse_cache(spec, n, &cfg))
			return -STOKE_EEVENT;
		a->type = PERF_TYPE_HW_CACHE;
		a->config = cfg;
	}
	if (colon) {
		int err = apply_modifiers(colon + 1, a);
		if (err || !colon[1])
			return -STOKE_EMODIFIER;
	}
	snprintf(out->name, sizeof(out->name), "%.*s%s%s", (int)n, spec, colon ? ":" : "",
		 colon ? colon + 1 : "");
	out->is_clock = a->type == PERF_TYPE_SOFTWARE &&
			(a->config == PERF_COUNT_SW_CPU_CLOCK || a->config == PERF_COUNT_SW_TASK_CLOCK);
	out->default_period = a->type == PERF_TYPE_SOFTWARE &&
			      (a->config == PERF_COUNT_SW_CONTEXT_SWITCHES ||
			       a->config == PERF_COUNT_SW_CPU_MIGRATIONS ||
			       a->config == PERF_COUNT_SW_PAGE_FAULTS_MAJ);
	return 0;
}

int evspec_needs_pmu(const struct evspec *e)
{
	return e->attr.type == PERF_TYPE_HARDWARE || e->attr.type == PERF_TYPE_HW_CACHE ||
	       e->attr.type == PERF_TYPE_RAW;
}
