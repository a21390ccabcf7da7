#!/usr/bin/env bash
# A short, bounded libFuzzer run of every fuzz target (ASan + UBSan) as part of the tests.
# `make fuzz` runs them for longer; docs/reliability.md has the long-run numbers.
. "$(dirname "$0")/../lib.sh"
if ! command -v clang >/dev/null; then
	skip "fuzz smoke" "clang is not installed (Debian: clang, libclang-rt-14-dev)"
	finish
fi
FUZZ_RUNS=${FUZZ_SMOKE_RUNS:-100000} "$ROOT/tests/fuzz.sh"
