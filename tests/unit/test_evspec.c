/* Event names → perf_event_attr, checked against the kernel ABI constants. */
#include "profiler/evspec.h"
#include "t.h"

#include <stdint.h>

static void expect(const char *spec, uint32_t type, uint64_t config)
{
	struct evspec e;
	int err = evspec_parse(spec, &e);
	T_OK(err == 0 && e.attr.type == type && e.attr.config == config,
	     "%s -> type %u config %#llx", spec, type, (unsigned long long)config);
	if (err == 0 && (e.attr.type != type || e.attr.config != config))
		printf("#   got type %u config %#llx\n", e.attr.type, (unsigned long long)e.attr.config);
}

int main(void)
{
	expect("cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK);
	expect("task-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK);
	expect("context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES);
	expect("cs", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES);
	expect("page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS);
	expect("cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
	expect("instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS);
	expect("branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES);
	expect("cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES);
	expect("cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES);
	/* HW_CACHE config = cache_id | op << 8 | result << 16 */
	expect("L1-dcache-load-misses", PERF_TYPE_HW_CACHE, 0x10000);
	expect("L1-dcache-loads", PERF_TYPE_HW_CACHE, 0x00000);
	expect("L1-dcache-store-misses", PERF_TYPE_HW_CACHE, 0x10100);
	expect("L1-icache-load-misses", PERF_TYPE_HW_CACHE, 0x10001);
	expect("LLC-load-misses", PERF_TYPE_HW_CACHE, 0x10002);
	expect("LLC-prefetches", PERF_TYPE_HW_CACHE, 0x00202);
	expect("dTLB-load-misses", PERF_TYPE_HW_CACHE, 0x10003);
	expect("iTLB-load-misses", PERF_TYPE_HW_CACHE, 0x10004);
	expect("branch-load-misses", PERF_TYPE_HW_CACHE, 0x10005);
	expect("node-loads", PERF_TYPE_HW_CACHE, 0x00006);
	expect("r01c2", PERF_TYPE_RAW, 0x1c2);
	expect("r1A", PERF_TYPE_RAW, 0x1a);

	struct evspec e;
	T_OK(evspec_parse("cycles:u", &e) == 0 && e.attr.exclude_kernel && !e.attr.exclude_user &&
	     e.attr.exclude_hv, "cycles:u excludes kernel and hypervisor");
	T_OK(evspec_parse("cpu-clock:k", &e) == 0 && e.attr.exclude_user && !e.attr.exclude_kernel,
	     "cpu-clock:k excludes user");
	T_OK(evspec_parse("cpu-clock:uk", &e) == 0 && !e.attr.exclude_user && !e.attr.exclude_kernel,
	     "cpu-clock:uk keeps both");
	T_EQ_STR(e.name, "cpu-clock:uk", "name keeps modifiers");
	T_OK(evspec_parse("cycles:pp", &e) == 0 && e.attr.precise_ip == 2, "cycles:pp precise_ip 2");
	T_EQ_INT(evspec_parse("cycles:x", &e), -STOKE_EMODIFIER, "bad modifier refused");
	T_EQ_INT(evspec_parse("cycles:", &e), -STOKE_EMODIFIER, "empty modifier refused");
	T_EQ_INT(evspec_parse("nope", &e), -STOKE_EEVENT, "unknown name refused");
	T_EQ_INT(evspec_parse("L1-dcache-flubs", &e), -STOKE_EEVENT, "unknown cache op refused");
	T_EQ_INT(evspec_parse("rxyz", &e), -STOKE_EEVENT, "raw needs hex");
	T_EQ_INT(evspec_parse("", &e), -STOKE_EEVENT, "empty refused");
	T_OK(evspec_parse("cpu-clock", &e) == 0 && e.is_clock && !evspec_needs_pmu(&e),
	     "cpu-clock is a clock and needs no PMU");
	T_OK(evspec_parse("context-switches", &e) == 0 && e.default_period,
	     "context-switches sample every switch by default");
	T_OK(evspec_parse("LLC-load-misses", &e) == 0 && evspec_needs_pmu(&e),
	     "cache events need a PMU");
	T_DONE();
}
