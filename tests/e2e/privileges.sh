#!/usr/bin/env bash
# Recording as an unprivileged user with kernel.perf_event_paranoid = 2: a user-only
# recording with one notice, or one clear permission error; -a is refused clearly.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
	skip "privileges" "needs root, useradd and setpriv to create and become a user"
	finish
fi
need_perf "privileges" || finish
PARANOID=/proc/sys/kernel/perf_event_paranoid
old=$(cat "$PARANOID")
user=stoke-test-$$
if ! useradd -M -s /bin/false "$user" 2>/dev/null || ! echo 2 >"$PARANOID" 2>/dev/null; then
	userdel "$user" 2>/dev/null
	skip "privileges" "cannot create a user or set perf_event_paranoid here"
	finish
fi
trap 'echo "$old" >"$PARANOID"; userdel "$user" 2>/dev/null; rm -rf "$T"' EXIT
chmod 755 "$T"
mkdir "$T/out" && chmod 777 "$T/out"
build_fixture "$T/spin" spin.c -fno-omit-frame-pointer -pthread && chmod 755 "$T/spin"
as_user() { setpriv --reuid="$user" --regid="$user" --clear-groups "$@"; }

as_user "$STOKE" record -o "$T/out/u.data" -- "$T/spin" 0.3 >"$T/out/stdout" 2>"$T/out/err"
rc=$?
note "as $user with paranoid 2: exit $rc: $(head -1 "$T/out/err")"
if [ $rc = 0 ]; then
	check "user-only fallback is announced once" [ "$(grep -c 'recording user space only' "$T/out/err")" = 1 ]
	"$STOKE" dump "$T/out/u.data" >"$T/dump"
	check "the recording holds samples" grep -q ' SAMPLE ' "$T/dump"
	check "no kernel samples in it" [ "$(gawk '$2 == "SAMPLE" && $NF == "kernel"' "$T/dump" | wc -l)" = 0 ]
	check "the file says it is user-only" grep -q 'user-only = 1' "$T/dump"
else
	check "the refusal is one line naming perf_event_paranoid" \
		eval '[ "$(wc -l <"$T/out/err")" = 1 ] && grep -q perf_event_paranoid "$T/out/err"'
	check "no file left behind" [ ! -e "$T/out/u.data" ]
fi

# --off-cpu: the stack at a switch is a kernel-mode sample, which paranoid 2 refuses to users.
as_user "$STOKE" record --off-cpu -o "$T/out/o.data" -- "$T/spin" 0.3 >/dev/null 2>"$T/out/err"
rc=$?
note "--off-cpu as $user: exit $rc: $(head -1 "$T/out/err")"
if [ $rc = 0 ]; then
	check "--off-cpu as a user records off-CPU intervals" \
		eval '"$STOKE" report --event off-cpu --folded "$T/out/o.data" | grep -q .'
else
	check "--off-cpu as a user: one line saying what it needs" \
		eval '[ "$(wc -l <"$T/out/err")" = 1 ] && grep -q "perf_event_paranoid" "$T/out/err" && grep -q "sysctl -w" "$T/out/err"'
	check "... leaving no file" [ ! -e "$T/out/o.data" ]
fi
as_user "$STOKE" record --wakers -o "$T/out/k.data" -- "$T/spin" 0.3 >/dev/null 2>"$T/out/err"
note "--wakers as $user: $(head -1 "$T/out/err")"
check "--wakers as a user says what it needs (root or CAP_PERFMON, or tracefs)" \
	grep -Eq -- '--wakers: .*(CAP_PERFMON|tracefs)' "$T/out/err"

# At paranoid 1 a user may profile the kernel side of their own processes: --off-cpu works,
# and --wakers (raw tracepoint data) is refused in one line while the recording goes on.
echo 1 >"$PARANOID"
as_user "$STOKE" record --wakers -o "$T/out/k1.data" -- "$T/spin" 0.3 >/dev/null 2>"$T/out/err"
rc=$?
note "--wakers as $user at paranoid 1: exit $rc: $(head -1 "$T/out/err")"
check "--wakers at paranoid 1: one line why, and the off-CPU recording goes on" \
	eval '[ $rc = 0 ] && [ "$(grep -c -- "--wakers" "$T/out/err")" = 1 ] && "$STOKE" report --event off-cpu "$T/out/k1.data" | grep -q "^# off-CPU intervals: "'
echo 2 >"$PARANOID"

as_user "$STOKE" record -a -d 0.2 -o "$T/out/a.data" >/dev/null 2>"$T/out/err"
rc=$?
note "-a as $user: exit $rc: $(head -1 "$T/out/err")"
check "-a as a user is refused" [ $rc = 1 ]
check "... in one line naming perf_event_paranoid and the fix" \
	eval '[ "$(wc -l <"$T/out/err")" = 1 ] && grep -q "perf_event_paranoid=2" "$T/out/err" && grep -q "sysctl -w" "$T/out/err"'
check "... leaving no file" [ ! -e "$T/out/a.data" ]

# Another user's process: refused for ownership (ptrace access), not for perf_event_paranoid.
"$T/spin" 5 &
rootpid=$!
as_user "$STOKE" record -d 0.2 -p "$rootpid" -o "$T/out/p.data" >/dev/null 2>"$T/out/err"
rc=$?
kill "$rootpid" 2>/dev/null; wait "$rootpid" 2>/dev/null
note "-p of root's process as $user: exit $rc: $(head -1 "$T/out/err")"
check "-p of another user's process: refused" [ $rc = 1 ]
check "... in one line about ownership, not perf_event_paranoid" \
	eval '[ "$(wc -l <"$T/out/err")" = 1 ] && grep -q "belongs to user root" "$T/out/err" && ! grep -q perf_event_paranoid "$T/out/err"'
check "... leaving no file" [ ! -e "$T/out/p.data" ]
finish
