#!/usr/bin/env bash
# Regenerate testdata/golden/* from the current build: tests/regen-golden.sh
# (builds stoke first).  Review the result with `git diff testdata/golden`.
set -eu
cd "$(dirname "$0")/.."
make -s build/stoke
export STOKE=$PWD/build/stoke STOKE_REGEN_GOLDEN=1
for t in tests/e2e/*.sh; do
	grep -q '^golden ' "$t" || continue
	bash "$t" | grep 'golden' || true
done
