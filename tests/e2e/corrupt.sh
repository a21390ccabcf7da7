#!/usr/bin/env bash
# Truncated and corrupt files: every case ends with a clear error naming the offset (or a
# clean read of the whole frames before the damage), never a crash, a hang or unbounded memory.
. "$(dirname "$0")/../lib.sh"

need_perf "corrupt files" || finish
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread || finish
# Frames close every second: a 3.5 s recording has several.
"$STOKE" record -q -o "$T/good.data" -- "$T/spin" 3.5 2>/dev/null
size=$(stat -c %s "$T/good.data")
total=$("$STOKE" dump "$T/good.data" | gawk '$2 == "SAMPLE"' | wc -l)
note "file of $size bytes, $total samples"

# Memory is bounded with ulimit -v, or for an ASan build (which reserves terabytes of
# address space) with the sanitizer's own limits.
if is_asan "$STOKE"; then
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=1000:max_allocation_size_mb=1000:allocator_may_return_null=1"
	vlimit=unlimited
else
	vlimit=1000000
fi
crashes=0 hangs=0 unclear=0 lost_prefix=0 cases=0 memhog=0
# run_case FILE: dump and report it under a memory limit; classify the result
run_case() {
	local f=$1 rc
	cases=$((cases + 1))
	( ulimit -v $vlimit; timeout 10 "$STOKE" dump "$f" >"$T/out" 2>"$T/err" ); rc=$?
	if [ $rc = 124 ]; then hangs=$((hangs + 1)); return; fi
	if [ $rc -ge 128 ]; then crashes=$((crashes + 1)); note "dump crashed ($rc) on $2"; return; fi
	if [ $rc != 0 ] && ! grep -qE 'offset [0-9]+|not a stoke data file|version not supported' "$T/err"; then unclear=$((unclear + 1)); note "unclear error on $2: $(head -1 "$T/err")"; fi
	if [ "$(wc -l <"$T/err")" -gt 1 ]; then unclear=$((unclear + 1)); fi
	( ulimit -v $vlimit; timeout 10 "$STOKE" report --top 3 "$f" >/dev/null 2>"$T/rerr" ); rc=$?
	if [ $rc = 124 ]; then hangs=$((hangs + 1)); return; fi
	if [ $rc -ge 128 ]; then crashes=$((crashes + 1)); note "report crashed ($rc) on $2"; fi
	if grep -qi 'memory' "$T/rerr"; then memhog=$((memhog + 1)); fi
	( ulimit -v $vlimit; timeout 10 "$STOKE" export -o "$T/x.pb.gz" "$f" 2>"$T/xerr" ); rc=$?
	if [ $rc = 124 ]; then hangs=$((hangs + 1)); return; fi
	if [ $rc -ge 128 ]; then crashes=$((crashes + 1)); note "export crashed ($rc) on $2"; fi
	if grep -qi 'memory' "$T/xerr"; then memhog=$((memhog + 1)); fi
}

# Truncation at 60 evenly spaced offsets: what is kept grows with the prefix.
prev=0 shrink=0
for i in $(seq 1 60); do
	cut=$((size * i / 61))
	head -c "$cut" "$T/good.data" >"$T/cut.data"
	run_case "$T/cut.data" "cut at $cut"
	n=$(gawk '$2 == "SAMPLE"' "$T/out" | wc -l)
	[ "$n" -lt "$prev" ] && shrink=$((shrink + 1))
	prev=$n
	# Past the first second of data, whole frames hold samples.
	if [ "$cut" -gt $((size * 2 / 3)) ] && [ "$n" = 0 ]; then lost_prefix=$((lost_prefix + 1)); fi
done
check "truncation: a longer prefix never yields fewer samples" [ "$shrink" = 0 ]
check "truncation: the whole frames before a cut are kept" [ "$lost_prefix" = 0 ]

# Flipped bytes at 60 positions (header, frame headers, compressed data).
for i in $(seq 0 59); do
	pos=$(( i < 6 ? i * 4 : size * i / 60 ))
	cp "$T/good.data" "$T/flip.data"
	printf "$(printf '\\%03o' $(( ($(od -An -tu1 -j "$pos" -N1 "$T/good.data") ^ 0x5a) & 0xff )))" |
		dd of="$T/flip.data" bs=1 seek="$pos" conv=notrunc status=none
	run_case "$T/flip.data" "byte flipped at $pos"
done
# Garbage appended after a good file, and a file of random bytes.
cp "$T/good.data" "$T/tail.data"; head -c 5000 /dev/urandom >>"$T/tail.data"
run_case "$T/tail.data" "garbage after the end"
head -c 20000 /dev/urandom >"$T/random.data"
run_case "$T/random.data" "random bytes"
: >"$T/empty.data"
run_case "$T/empty.data" "empty file"

note "$cases cases: $crashes crashes, $hangs hangs, $unclear unclear errors"
check "no case crashes" [ "$crashes" = 0 ]
check "no case hangs" [ "$hangs" = 0 ]
check "every error is one line naming the offset (or the bad header)" [ "$unclear" = 0 ]
check "no case runs out of memory under a 1 GB limit" [ "$memhog" = 0 ]

"$STOKE" dump "$T/tail.data" >"$T/out" 2>"$T/err"
check "garbage after the end: every sample of the good part is kept" \
	[ "$(gawk '$2 == "SAMPLE"' "$T/out" | wc -l)" = "$total" ]
"$STOKE" report --top 3 "$T/random.data" >/dev/null 2>"$T/err"
check "random bytes: refused as not a stoke file" grep -q 'not a stoke file' "$T/err"

finish
