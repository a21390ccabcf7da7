#!/usr/bin/env bash
# Load: -a at the highest frequency the kernel allows while both CPUs are busy.  Samples may be
# lost, but never silently: the summary, the per-CPU statistics and the END record agree with
# the LOST records in the file.  STOKE_LOAD_SECONDS sets the length (default 10).
. "$(dirname "$0")/../lib.sh"

need_perf "load" || finish
build_fixture "$T/spin" spin.c -O0 -pthread || finish
secs=${STOKE_LOAD_SECONDS:-10}
max=$(cat /proc/sys/kernel/perf_event_max_sample_rate)
n=$(nproc)
"$T/spin" "$((secs + 2))" "$n" &
sp=$!
"$STOKE" record -a -F "$max" -d "$secs" -o "$T/load.data" 2>"$T/err"
rc=$?
kill "$sp" 2>/dev/null; wait "$sp" 2>/dev/null
note "$(tr '\n' ' ' <"$T/err")"
check "-a -F $max records" [ $rc = 0 ]
"$STOKE" dump "$T/load.data" >"$T/dump" 2>&1
read -r lost_recs lost_sum end_lost samples stats_samples stats_lost < <(gawk '
	$2 == "LOST" { r++; for (i = 1; i <= NF; i++) if ($i == "lost") s += $(i+1) }
	$2 == "END" { for (i = 1; i <= NF; i++) if ($i == "lost") e = $(i+1) }
	$2 == "SAMPLE" { n++ }
	$2 == "CPU_STATS" { for (i = 1; i <= NF; i++) { if ($i == "samples") cs += $(i+1); if ($i == "lost") cl += $(i+1) } }
	END { print r + 0, s + 0, e + 0, n + 0, cs + 0, cl + 0 }' "$T/dump")
note "samples=$samples (CPU_STATS $stats_samples), LOST records=$lost_recs losing $lost_sum; END lost=$end_lost, CPU_STATS lost=$stats_lost"
check "END's lost count equals the sum of the LOST records" [ "$end_lost" = "$lost_sum" ]
check "CPU_STATS agree with the records in the file" [ "$stats_lost" = "$lost_sum" -a "$stats_samples" = "$samples" ]
summary_lost=$(sed -n 's/.*samples, \([0-9]*\) lost,.*/\1/p' "$T/err")
check "the summary shows the same loss" [ "$summary_lost" = "$lost_sum" ]
if [ "$lost_sum" -gt 0 ]; then
	check "a loss comes with a warning and a hint" grep -q 'dropped .* samples' "$T/err"
	"$STOKE" report --top 1 "$T/load.data" >"$T/rep" 2>&1
	check "the report header shows it" grep -q "lost: $lost_sum" "$T/rep"
fi
# How many samples survive depends on the machine (a small virtual machine spends most of its
# time in the sampling interrupts at this rate); what must hold is that samples were kept and
# every loss is counted.
check "samples were recorded" [ "$samples" -ge 1000 ]
finish
