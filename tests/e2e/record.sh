#!/usr/bin/env bash
# stoke record end to end: real perf_event_open on workloads built from testdata/.
. "$(dirname "$0")/../lib.sh"

need_perf "record" || finish

build_fixture "$T/spin" spin.c -O0 -no-pie -fno-omit-frame-pointer -pthread || finish
build_fixture "$T/forker" forker.c || finish
build_fixture "$T/sleeper" sleeper.c -fno-omit-frame-pointer || finish

# Address range [start, end) of a function from nm -S.
range() { nm -S "$1" | gawk -v f="$2" '$4 == f { printf "%d %d\n", strtonum("0x" $1), strtonum("0x" $1) + strtonum("0x" $2) }'; }

# --- a command: sample IPs fall in the hot function, callchains reach its callers
# (through /usr/bin/time, which says how much CPU the workload had: cpu-clock samples that)
"$STOKE" record -q --call-graph fp -o "$T/spin.data" -- /usr/bin/time -f '%U %S' -o "$T/spin.cpu" "$T/spin" 1 >"$T/out" 2>"$T/err"
check "record a command exits 0" [ $? = 0 ]
cpu_ms=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$T/spin.cpu" 2>/dev/null)
"$STOKE" dump "$T/spin.data" >"$T/dump" 2>&1
check "dump reads the file" [ $? = 0 ]
read -r ls le < <(range "$T/spin" spin_leaf)
read -r ms me < <(range "$T/spin" spin_mid)
read -r ts te < <(range "$T/spin" spin_top)
gawk -v ls="$ls" -v le="$le" -v ms="$ms" -v me="$me" -v ts="$ts" -v te="$te" '
	$2 == "SAMPLE" { if (insample && cur && mid && top) chained++; insample = 1; n++; ip = strtonum($(NF-1)); if (ip >= ls && ip < le) { leaf++; cur = 1 } else cur = 0; mid = top = 0; next }
	insample && /^    0x/ { a = strtonum($1); if (a >= ms && a < me) mid = 1; if (a >= ts && a < te) top = 1; next }
	insample && /^    context/ { next }
	{ if (insample && cur && mid && top) chained++; insample = 0 }
	END { if (insample && cur && mid && top) chained++; printf "%d %d %d\n", n, leaf, chained }' "$T/dump" >"$T/counts"
read -r n leaf chained <"$T/counts"
note "samples=$n in spin_leaf=$leaf with spin_mid+spin_top callers=$chained"
note "the workload had ${cpu_ms:-?} ms of CPU"
check "999 Hz gives about a sample per millisecond of CPU (0.5..1.5)" \
	[ "${cpu_ms:-0}" -ge 100 -a $((n * 2)) -ge "${cpu_ms:-0}" -a $((n * 2)) -le $((${cpu_ms:-0} * 3)) ]
check ">= 90% of sample IPs are in spin_leaf (nm range)" [ $((leaf * 100)) -ge $((n * 90)) ]
check ">= 90% of spin_leaf samples have spin_mid and spin_top in the callchain" [ $((chained * 100)) -ge $((leaf * 90)) ]
check "file has an END record" grep -q ' END ' "$T/dump"
check "file has MMAP2 for the binary" grep -q "MMAP2 .*$T/spin" "$T/dump"
# /proc/kallsyms is copied only when some sample is in the kernel (a spinning workload may
# have none; tests/e2e/record_kallsyms.sh checks both cases).
if grep -q '^0x[0-9a-f]* SAMPLE .* kernel$' "$T/dump"; then
	check "file has kallsyms (it has kernel samples)" grep -q ' KALLSYMS ' "$T/dump"
else
	check "file has no kallsyms (no kernel samples)" eval '! grep -q " KALLSYMS " "$T/dump"'
fi
check "file has the attr" grep -q 'ATTR .*name cpu-clock' "$T/dump"
check "file is zstd: zstd -t accepts it" zstd -q -t "$T/spin.data"

# --- summary and exit status
"$STOKE" record -o "$T/x.data" -- sh -c 'exit 3' 2>"$T/err"
check "exit status of the command is returned" [ $? = 3 ]
check "summary printed" grep -q 'stoke record: .* samples' "$T/err"

# --- -d stops a long command after about a second
start=$(date +%s%N)
"$STOKE" record -q -d 1 -o "$T/d.data" -- "$T/spin" 30 2>"$T/err"
rc=$?
el=$(( ($(date +%s%N) - start) / 1000000 ))
note "-d 1 took ${el} ms"
check "-d 1 exits 0" [ $rc = 0 ]
check "-d 1 stops well before the 30 s command ends" [ "$el" -lt 10000 ]
dur=$("$STOKE" dump "$T/d.data" | gawk '/ END / { for (i = 1; i <= NF; i++) if ($i == "duration") print $(i+1) }')
check "-d 1 records 0.9..5 s (END says $dur)" gawk -v d="$dur" 'BEGIN { exit !(d >= 0.9 && d < 5) }'

# --- fork + exec are followed
"$STOKE" record -q -o "$T/fork.data" -- "$T/forker" "$T/spin" 0.5 2>"$T/err"
check "forker records" [ $? = 0 ]
"$STOKE" dump "$T/fork.data" >"$T/dump"
check "exec of the child is seen (COMM exec spin)" grep -q 'COMM .* exec spin' "$T/dump"
cpid=$(gawk '/COMM .* exec spin/ { split($7, a, "/"); print a[1]; exit }' "$T/dump")
fpid=$(gawk '/COMM .* exec forker/ { split($7, a, "/"); print a[1]; exit }' "$T/dump")
ns=$(gawk -v p="$cpid" '$2 == "SAMPLE" { split($7, a, "/"); if (a[1] == p) n++ } END { print n + 0 }' "$T/dump")
note "forker pid=$fpid child pid=$cpid child samples=$ns"
check "the forked child has samples" [ "$ns" -ge 200 -a "$cpid" != "$fpid" ]

# --- -p PID records every thread of a running process
"$T/spin" 4 4 &
spid=$!
sleep 0.3
"$STOKE" record -q -p "$spid" -d 1 -o "$T/p.data" 2>"$T/err"
check "-p records" [ $? = 0 ]
kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
"$STOKE" dump "$T/p.data" >"$T/dump"
tids=$(gawk -v p="$spid" '$2 == "SAMPLE" { split($7, a, "/"); if (a[1] == p && a[2] != p) t[a[2]]++ } END { for (k in t) if (t[k] >= 20) n++; print n + 0 }' "$T/dump")
note "threads with >= 20 samples: $tids"
check "-p shows samples from all 4 worker threads" [ "$tids" -ge 4 ]
check "-p synthesizes the process's maps" grep -q "MMAP2 .*$T/spin" "$T/dump"
check "-p synthesizes the comm of each thread" [ "$(grep -c "COMM .* $spid/" "$T/dump")" -ge 5 ]

# --- -a records the whole system
# Two busy processes that outlast the recording however slowly the recorder starts (ASan, a
# busy machine); an idle CPU may not be sampled at all (tickless idle).
"$T/spin" 10 1 &
sp1=$!
"$T/spin" 10 1 &
sp2=$!
"$STOKE" record -q -a -d 0.5 -o "$T/a.data" 2>"$T/err"
check "-a records" [ $? = 0 ]
kill "$sp1" "$sp2" 2>/dev/null
wait
procs=$("$STOKE" dump "$T/a.data" | gawk '$2 == "SAMPLE" { split($7, a, "/"); p[a[1]]++ } END { for (k in p) printf "%s:%d ", k, p[k] }')
note "-a samples per process: $procs"
check "-a has samples from several processes" \
	[ "$(echo "$procs" | tr ' ' '\n' | gawk -F: '$2 >= 20' | wc -l)" -ge 2 ]

# --- context switches with call graphs
"$STOKE" record -q -e context-switches -o "$T/cs.data" -- "$T/sleeper" 200 2>"$T/err"
check "context-switches records" [ $? = 0 ]
"$STOKE" dump "$T/cs.data" >"$T/dump"
read -r ns nk < <(gawk '$2 == "SAMPLE" { n++; s = 1; next } s && /context kernel/ { k++; s = 0 } END { print n + 0, k + 0 }' "$T/dump")
note "context-switch samples=$ns with kernel callchain=$nk"
check "context-switches: >= 150 samples for 200 sleeps" [ "$ns" -ge 150 ]
check "context-switches: samples carry kernel callchains" [ "$nk" -ge $((ns * 9 / 10)) ]

# --- SIGKILL leaves a readable file
"$STOKE" record -q -o "$T/kill.data" -- "$T/spin" 10 2>/dev/null &
rpid=$!
sleep 2.5
kill -9 "$rpid"; wait "$rpid" 2>/dev/null
pkill -f "$T/spin 10" 2>/dev/null
"$STOKE" dump "$T/kill.data" >"$T/dump" 2>"$T/err"
ks=$(gawk '$2 == "SAMPLE"' "$T/dump" | wc -l)
note "SIGKILL after 2.5 s: $ks samples readable ($(head -1 "$T/err"))"
check "SIGKILL: closed frames are readable (>= 900 samples)" [ "$ks" -ge 900 ]

# --- -C restricts CPUs
"$STOKE" record -q -C 0 -o "$T/c.data" -- "$T/spin" 0.3 2>"$T/err"
check "-C 0 records" [ $? = 0 ]
check "-C 0 has only CPU 0 samples" [ "$("$STOKE" dump "$T/c.data" | gawk '$2 == "SAMPLE" && $9 != "0" { n++ } END { print n + 0 }')" = 0 ]

# --- DWARF mode records registers and stack copies
"$STOKE" record -q --call-graph dwarf,4096 -o "$T/dw.data" -- "$T/spin" 0.3 2>"$T/err"
check "--call-graph dwarf records" [ $? = 0 ]
# The kernel is asked for 4096 bytes; each sample keeps the part it filled (all of it unless
# the stack's top is nearer).
"$STOKE" dump "$T/dw.data" >"$T/dw.dump"
check "dwarf recording asks for 4096-byte stacks" grep -q 'stack-size = 4096' "$T/dw.dump"
check "dwarf samples carry stack copies of at most 4096 bytes" gawk '
	$1 == "stack" && $3 == "bytes," { n++; if ($2 + 0 > 4096 || $4 + 0 > $2 + 0 || $4 + 0 == 0) bad++ }
	END { exit !(n > 0 && !bad) }' "$T/dw.dump"

finish
