#!/usr/bin/env bash
# The kallsyms snapshot is taken only when the recording has kernel samples: a short command
# with none does not pay for the kernel generating /proc/kallsyms; one with them is named.
. "$(dirname "$0")/../lib.sh"

need_perf "kallsyms only when needed" || finish
"$STOKE" record -q -o "$T/true.data" -- true 2>"$T/err"
check "record -- true: exit 0" [ $? = 0 ]
"$STOKE" dump "$T/true.data" >"$T/true.dump"
if [ "$(grep -c 'SAMPLE.* kernel$' "$T/true.dump")" = 0 ]; then
	check "record -- true: no kernel samples, no kallsyms snapshot" \
		bash -c "! grep -q ' KALLSYMS ' '$T/true.dump'"
else # a sample landed in the kernel (exec): then the snapshot is needed
	check "record -- true: a kernel sample, so a kallsyms snapshot" grep -q ' KALLSYMS ' "$T/true.dump"
fi
"$STOKE" report "$T/true.data" >"$T/true.txt" 2>"$T/err"
rc=$?
# `true` runs for about a millisecond: it may or may not be sampled once.
check "record -- true: reports (0 or a few samples)" \
	[ $rc = 0 -a "$(sed -n 's/^# samples: \([0-9]*\)$/\1/p' "$T/true.txt")" -le 5 ]

# Kernel time: reading files of /proc, over and over.
"$STOKE" record -q -o "$T/k.data" -- sh -c 'for i in $(seq 1000); do cat /proc/self/maps /proc/self/status; done >/dev/null' 2>"$T/err"
"$STOKE" dump "$T/k.data" >"$T/k.dump"
"$STOKE" report --folded "$T/k.data" >"$T/k.folded"
if grep -q 'SAMPLE.* kernel$' "$T/k.dump" && [ "$(id -u)" = 0 ] && ! head -1 /proc/kallsyms | grep -q '^0000000000000000'; then
	check "kernel samples: a kallsyms snapshot" grep -q ' KALLSYMS ' "$T/k.dump"
	check "kernel samples: kernel frames named" \
		bash -c "'$STOKE' report --folded --kernel-suffix '$T/k.data' | grep -qE ';[a-z_][a-z0-9_.]*_\[k\]'"
else
	skip "kernel samples: a kallsyms snapshot" "no kernel samples or kernel addresses hidden here"
fi
finish
