#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) into build-fuzz/ and runs each for a
# bounded time.  usage: tests/fuzz.sh [SECONDS_PER_TARGET]   (or FUZZ_RUNS=N for a fixed count)
# FUZZ_ONLY=NAME runs only the targets whose name contains NAME.
# Prints one "ok - / not ok -" line per target; crashes are saved under build-fuzz/crashes/.
set -u
cd "$(dirname "$0")/.."
SECS=${1:-${FUZZ_SECONDS:-60}}
RUNS=${FUZZ_RUNS:-}
command -v clang >/dev/null || { echo "skip - fuzz # clang is not installed (Debian: clang, libclang-rt-14-dev)"; exit 0; }
make -s BUILD=build-fuzz CC=clang SANITIZE=1 EXTRA_CFLAGS=-fsanitize=fuzzer-no-link build-fuzz/libstoke.a >/dev/null || {
	echo "not ok - fuzz: building the library with clang failed"; exit 1; }
LIBS=$(pkg-config --libs libelf libdw libunwind libunwind-generic libzstd)
mkdir -p build-fuzz/crashes
failed=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	[ -n "${FUZZ_ONLY:-}" ] && [[ "$name" != *"$FUZZ_ONLY"* ]] && continue
	bin=build-fuzz/$name
	clang -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined -o "$bin" "$src" \
		build-fuzz/libstoke.a $LIBS -lstdc++ -lpthread -lm || { echo "not ok - $name: build"; failed=1; continue; }
	corpus=build-fuzz/corpus/$name
	mkdir -p "$corpus"
	seeds=testdata/fuzz/${name#fuzz_}
	limit="-max_total_time=$SECS"
	[ -n "$RUNS" ] && limit="-runs=$RUNS"
	"$bin" $limit -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/crashes/"$name"- \
		"$corpus" ${seeds:+$( [ -d "$seeds" ] && echo "$seeds")} >build-fuzz/"$name".log 2>&1
	rc=$?
	execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+|Done [0-9]+ runs' build-fuzz/"$name".log | grep -oE '[0-9]+' | tail -1)
	[ -z "$execs" ] && execs=$(grep -oE '#[0-9]+' build-fuzz/"$name".log | tail -1 | tr -d '#')
	if [ $rc = 0 ]; then
		echo "ok - $name: ${execs:-?} executions, no crash, hang or leak"
	else
		echo "not ok - $name: failed after ${execs:-?} executions (see build-fuzz/$name.log)"
		grep -m3 -E 'ERROR|SUMMARY' build-fuzz/"$name".log | sed 's/^/# /'
		failed=1
	fi
done
exit $failed
