#!/usr/bin/env bash
# Right stacks by default: with no call-graph option, stacks are whole through code built
# without frame pointers (glibc), deep stacks are not cut, threads reach their start, the
# caller of a blocking libc wrapper is named; kernel frames carry the names /proc/kallsyms
# gives their addresses in every mode; build-ids are read from the files when the kernel
# gives none; stripped code makes one frame per function.
. "$(dirname "$0")/../lib.sh"

need_perf "default stacks" || finish

# share PATTERN FILE [WITHIN]: "matching total" over the samples of folded FILE whose stack
# matches WITHIN (default: all), matching = those that also match PATTERN.
share() {
	gawk -v re="$1" -v within="${3:-.}" '$0 ~ within { n += $NF; if ($0 ~ re) m += $NF }
		END { print m + 0, n + 0 }' "$2"
}

# 1. A program with frame pointers whose time is in glibc's qsort (no frame pointers).
build_fixture "$T/demo" demo.c -O2 -fno-omit-frame-pointer || finish
"$STOKE" record -q -o "$T/demo.data" -- "$T/demo" 1 2>"$T/err"
check "default record" [ $? = 0 ]
"$STOKE" record -q --call-graph fp -o "$T/demo-fp.data" -- "$T/demo" 1 2>"$T/err"
for f in demo demo-fp; do "$STOKE" report --folded "$T/$f.data" >"$T/$f.folded"; done
inq='(^|;)(qsort[^;]*|msort[^;]*|compare_u32)(;|$)'
read -r m n < <(share ';main;sort_numbers[^;]*;qsort' "$T/demo.folded" "$inq")
note "default: $m of $n samples inside qsort are under main;sort_numbers"
check "default: >= 99% of the samples inside qsort have its caller above them" \
	[ "$n" -ge 50 -a $((m * 100)) -ge $((n * 99)) ]
read -r fm fn < <(share ';main;sort_numbers[^;]*;qsort' "$T/demo-fp.folded" "$inq")
note "--call-graph fp: $fm of $fn"
check "--call-graph fp loses qsort's caller for most of them (the difference)" \
	[ "$fn" -ge 50 -a $((fm * 2)) -lt "$fn" ]
check "the report header names the default mode" \
	grep -q '^# call graph: cfi, 32768-byte stack copies unwound while recording' <("$STOKE" report --top 1 "$T/demo.data")
check "the report header names fp" grep -q '^# call graph: fp' <("$STOKE" report --top 1 "$T/demo-fp.data")
"$STOKE" record -o "$T/x.data" -- true 2>"$T/err"
check "the record summary names the mode" \
	grep -q 'call graphs: cfi (user stacks unwound while recording from 32768-byte copies, the default' "$T/err"
"$STOKE" record -g -o "$T/x.data" -- true 2>"$T/err"
check "-g is the default mode" grep -q 'call graphs: cfi (user stacks unwound while recording from 32768-byte' "$T/err"
"$STOKE" dump "$T/demo.data" >"$T/demo.dump"
check "a default file holds no stack copies; its samples have user callchains" \
	[ "$(grep -c 'stack [0-9]* bytes' "$T/demo.dump")" = 0 -a "$(grep -c 'context user' "$T/demo.dump")" -ge 50 ]

# 2. Without frame pointers anywhere: stacks reach main; deep stacks are not cut.
build_fixture "$T/nofp" nofp.c -O2 -fomit-frame-pointer || finish
"$STOKE" record -q -o "$T/nofp.data" -- "$T/nofp" 1 2>"$T/err"
"$STOKE" report --folded "$T/nofp.data" >"$T/nofp.folded"
read -r m n < <(share ';main;' "$T/nofp.folded")
note "nofp: $m of $n samples reach main"
check "nofp: >= 99.5% of the samples reach main" [ "$n" -ge 200 -a $((m * 1000)) -ge $((n * 995)) ]
# 90 frames of 272 bytes: a 24 KiB stack.
"$STOKE" record -q -o "$T/deep.data" -- "$T/nofp" 1 recurse 90 2>"$T/err"
"$STOKE" report --folded "$T/deep.data" >"$T/deep.folded"
read -r t n < <(share '[[]truncated[]]' "$T/deep.folded")
read -r dm n2 < <(share ';main;(deep;){90}deep' "$T/deep.folded" ';deep')
note "deep (24 KiB of stack): $t of $n truncated; $dm of $n2 samples in deep() hold all 91 frames under main"
check "deep stacks: <= 1% [truncated]" [ "$n" -ge 200 -a $((t * 100)) -le "$n" ]
check "deep stacks: the leaf's samples hold the whole recursion" [ $((dm * 100)) -ge $((n2 * 95)) ]
# 1500 frames of 16 bytes: a 24 KiB stack inside the copy, but more frames than are unwound
# (1024): those stacks say they were cut.
"$STOKE" record -q -o "$T/narrow.data" -- "$T/nofp" 1 narrow 1500 2>"$T/err"
"$STOKE" report --folded "$T/narrow.data" >"$T/narrow.folded"
read -r nt nn < <(share '[[]truncated[]]' "$T/narrow.folded" ';narrow;narrow;narrow')
read -r nm _ < <(share ';main;' "$T/narrow.folded" ';narrow;narrow;narrow')
note "narrow (1500 frames): $nt of $nn samples in the recursion end in [truncated], $nm reach main"
# (a stack cut with main as its 1024th frame holds both)
read -r nx < <(gawk '/;narrow;narrow;narrow/ && !/\[truncated\]/ && !/;main;/ { n += $NF } END { print n + 0 }' \
	"$T/narrow.folded")
check "more frames than are unwound: every stack reaches main or says [truncated], most say it" \
	[ "$nn" -ge 200 -a "$nx" = 0 -a $((nt * 10)) -ge $((nn * 9)) ]

# 3. Threads reach their start; a blocking libc wrapper's caller is named.
build_fixture "$T/spin" spin.c -O2 -fomit-frame-pointer -pthread || finish
"$STOKE" record -q -o "$T/th.data" -- "$T/spin" 1 3 2>"$T/err"
"$STOKE" report --folded "$T/th.data" >"$T/th.folded"
read -r w n < <(share '(start_thread|clone3)[^;]*;worker;spin_top;spin_mid;spin_leaf' "$T/th.folded" spin_leaf)
note "threads: $w of $n spin_leaf samples reach start_thread/clone3"
check "threads: >= 99% of thread stacks reach start_thread" [ "$n" -ge 300 -a $((w * 100)) -ge $((n * 99)) ]
build_fixture "$T/sleeper" sleeper.c -O2 -fomit-frame-pointer || finish
"$STOKE" record -q -e context-switches -o "$T/cs.data" -- "$T/sleeper" 200 2>"$T/err"
"$STOKE" report --folded "$T/cs.data" >"$T/cs.folded"
read -r c n < <(share ';main;nap;(__)?(clock_)?nanosleep' "$T/cs.folded" 'nanosleep')
note "context switches: $c of $n stacks in nanosleep name nap and main above it"
check "-e context-switches: the caller of nanosleep is named" [ "$n" -ge 150 -a $((c * 100)) -ge $((n * 99)) ]

# The report's unwinder (--call-graph dwarf files) takes the frames a thread's previous sample
# shares from that sample's memo: sample by sample, the same stacks as unwinding every frame
# (--unwinder=fresh), and most frames of the sort were taken over.
same_nonempty() { [ -s "$1" ] && cmp -s "$1" "$2"; }
"$STOKE" record -q --call-graph dwarf -o "$T/nofp-d.data" -- "$T/nofp" 1 2>"$T/err"
"$STOKE" record -q --call-graph dwarf -o "$T/deep-d.data" -- "$T/nofp" 1 recurse 90 2>"$T/err"
"$STOKE" record -q --call-graph dwarf -o "$T/th-d.data" -- "$T/spin" 1 3 2>"$T/err"
"$STOKE" record -q --call-graph dwarf -e context-switches -o "$T/cs-d.data" -- "$T/sleeper" 200 2>"$T/err"
# depths going round 1005..1034 frames: some stacks cut by the frame limit, some not
"$STOKE" record -q --call-graph dwarf -o "$T/osc-d.data" -- "$T/nofp" 1 narrow 1005 30 2>"$T/err"
for f in nofp-d deep-d th-d cs-d osc-d; do
	"$STOKE" script "$T/$f.data" >"$T/$f.memo" 2>"$T/err"
	"$STOKE" script --unwinder=fresh "$T/$f.data" >"$T/$f.fresh" 2>"$T/err"
	check "$f: frames taken from the previous sample are those unwinding gives" \
		same_nonempty "$T/$f.memo" "$T/$f.fresh"
done
"$STOKE" report --stats --folded "$T/nofp-d.data" 2>"$T/stats" >/dev/null
read -r us uf ut < <(sed -n 's/.*: \([0-9]*\) samples unwound, \([0-9]*\) frames, \([0-9]*\) of them.*/\1 \2 \3/p' "$T/stats")
note "nofp: ${us:-0} samples unwound, ${uf:-0} frames, ${ut:-0} taken from the previous sample"
check "nofp: at least a third of the frames are taken over" [ "${us:-0}" -ge 200 -a $((${ut:-0} * 3)) -ge "${uf:-1}" ]

# Programs deleted once they ran (temporary binaries): the report names the first few files it
# cannot open and counts the rest, instead of a line for each.
cat >"$T/tmpbins.sh" <<EOF
for i in 1 2 3 4 5 6; do cp "$T/nofp" "$T/tmp\$i"; "$T/tmp\$i" 0.1; rm "$T/tmp\$i"; done
EOF
"$STOKE" record -q -o "$T/tmpbins.data" -- sh "$T/tmpbins.sh" 2>"$T/err"
"$STOKE" report --folded "$T/tmpbins.data" >/dev/null 2>"$T/err"
named=$(grep -c "cannot open $T/tmp[0-9]" "$T/err")
note "deleted binaries: $named named, then: $(grep 'more files' "$T/err")"
counted() { [ "$named" = 3 ] && grep -q '^stoke: warning: 3 more files could not be opened' "$T/err"; }
check "files that cannot be opened: three named, the rest counted in one line" counted

# 4. Kernel frames: the name /proc/kallsyms gives the address, in every mode (root: addresses
# are hidden from others).
if [ "$(id -u)" = 0 ] && ! head -1 /proc/kallsyms | grep -q '^0000000000000000'; then
	gawk '$2 ~ /^[tTwW]$/ { print $1, $3 }' /proc/kallsyms | LC_ALL=C sort -k1,1 >"$T/ksyms"
	for mode in default fp dwarf; do
		case $mode in default) cg=() ;; fp) cg=(--call-graph fp) ;; dwarf) cg=(--call-graph dwarf,8192) ;; esac
		"$STOKE" record -q "${cg[@]}" -o "$T/k-$mode.data" -- \
			dd if=/dev/zero of=/dev/null bs=1 count=1000000 2>/dev/null
		"$STOKE" script "$T/k-$mode.data" >"$T/k-$mode.script" 2>"$T/err"
		# Each kernel frame: the symbol at the largest address <= its own (addresses compared as
		# 16-digit hex strings, beyond awk's doubles), aliases at that address accepted.
		read -r good bad < <(LC_ALL=C gawk 'NR == FNR { a[n] = $1; s[n] = $2; n++; next }
			/^\t/ && $NF ~ /^\(\[/ && $1 ~ /^ffff/ {
				x = sprintf("%016s", $1); gsub(/ /, "0", x)
				lo = 0; hi = n; while (lo < hi) { mid = int((lo + hi) / 2); if (a[mid] <= x) lo = mid + 1; else hi = mid }
				i = lo - 1; okk = 0
				for (j = i; j >= 0 && a[j] == a[i]; j--) if (s[j] == $2) okk = 1
				if (okk) good++; else { bad++; if (bad <= 3) printf "# %s %s: kallsyms says %s\n", $1, $2, s[i] > "/dev/stderr" } }
			END { print good + 0, bad + 0 }' "$T/ksyms" "$T/k-$mode.script" 2>"$T/kbad")
		sed 's/^/  /' "$T/kbad"
		note "$mode: $good kernel frames named as /proc/kallsyms names them, $bad not"
		check "$mode: every kernel frame has the name of its address" [ "$good" -ge 500 -a "$bad" = 0 ]
	done
else
	skip "kernel names" "needs root and visible kernel addresses (kptr_restrict)"
fi

# 5. Build-ids from the files when the kernel gives none (as before Linux 5.12).
"$STOKE" record -q --no-mmap-build-id -o "$T/bid.data" -- "$T/spin" 0.2 2>"$T/err"
"$STOKE" dump "$T/bid.data" >"$T/bid.dump"
check "no build-id came from the kernel" \
	gawk '$2 == "MMAP2" { for (i = 1; i < NF; i++) if ($i == "misc" && and(strtonum($(i + 1)), 0x4000)) bad++ }
		END { exit bad > 0 }' "$T/bid.dump"
gawk '$2 == "MMAP2" { for (i = 1; i + 2 <= NF; i++) if ($i == "prot" && $(i + 1) ~ /^[57]$/ && $(i + 2) ~ /^\//) print $(i + 2) }' \
	"$T/bid.dump" | sort -u >"$T/mapped"
want=0 have=0
while read -r path; do
	id=$(readelf -n "$path" 2>/dev/null | sed -n 's/.*Build ID: *//p' | head -1)
	[ -n "$id" ] || continue
	want=$((want + 1))
	grep -q "BUILD_ID .* $id $path\$" "$T/bid.dump" && have=$((have + 1))
done <"$T/mapped"
note "build-ids: $have of the $want mapped ELF files with one are in the file (readelf -n)"
check "every mapped ELF file's build-id is recorded without the kernel's help" [ "$want" -ge 3 -a "$have" = "$want" ]

# 6. Stripped code: one frame per function, named after its start (from .eh_frame_hdr).
cc -g -O2 -fomit-frame-pointer -no-pie -o "$T/sfx" "$ROOT/testdata/nofp.c" || fail "build stripped fixture"
strip -s -o "$T/sfx.stripped" "$T/sfx"
"$STOKE" record -q -o "$T/strip.data" -- "$T/sfx.stripped" 0.5 2>"$T/err"
"$STOKE" script --no-inline "$T/strip.data" >"$T/strip.script"
nm -S --defined-only "$T/sfx" | gawk '$3 ~ /^[tTwW]$/ { print $1, $2, $4 }' >"$T/funcs"
# Each frame [sfx.stripped+0xS] at address A (non-PIE: runtime = file address) must have S the
# start of the unstripped function holding A (or A - 1, a return address at a function's end).
read -r good bad names funcs < <(gawk 'NR == FNR { st[n] = strtonum("0x" $1); en[n] = st[n] + strtonum("0x" $2); nm[n] = $3; n++; next }
	/^\t/ && $2 ~ /^\[sfx\.stripped\+0x/ {
		a = strtonum("0x" $1); s = $2; sub(/^\[sfx\.stripped\+/, "", s); sub(/\]$/, "", s); s = strtonum(s)
		okk = 0
		for (i = 0; i < n; i++) if ((a >= st[i] && a < en[i]) || (a - 1 >= st[i] && a - 1 < en[i])) if (s == st[i]) { okk = 1; f[nm[i]] = 1 }
		if (okk) good++; else bad++; u[s] = 1 }
	END { for (k in u) nu++; for (k in f) nf++; print good + 0, bad + 0, nu + 0, nf + 0 }' "$T/funcs" "$T/strip.script")
note "stripped: $good frames at their function's start, $bad not; $names distinct frames for $funcs functions"
check "stripped code: every frame is named after its function's start" [ "$good" -ge 1000 -a "$bad" = 0 ]
check "stripped code: one frame per function" [ "$names" = "$funcs" -a "$funcs" -ge 4 ]

# 7. make demo: the flame graph shows the sort under main.
DEMO_OUT="$T/demo-out" bash "$ROOT/tests/demo.sh" "$STOKE" >"$T/demo.log" 2>&1
check "make demo's script runs" [ $? = 0 -a -s "$T/demo-out/demo.svg" ]
"$STOKE" report --folded "$T/demo-out/demo.data" >"$T/mk.folded"
read -r m n < <(share ';main;sort_numbers[^;]*;qsort' "$T/mk.folded" "$inq")
note "make demo: $m of $n samples inside qsort under main;sort_numbers"
check "make demo: the sort is under main" [ "$n" -ge 50 -a $((m * 100)) -ge $((n * 99)) ]
svg_refold "$T/demo-out/demo.svg" >"$T/mk.svgfolded"
read -r sm sn < <(share ';main;sort_numbers[^;]*;qsort' "$T/mk.svgfolded" "$inq")
check "make demo: ... in the SVG too" [ "$sn" -ge 50 -a $((sm * 100)) -ge $((sn * 99)) ]

finish
