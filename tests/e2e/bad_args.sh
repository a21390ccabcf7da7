#!/usr/bin/env bash
# Bad arguments for every command, table-driven: each row is the expected exit code, the
# expected start of the one error line, and the command.  A new option gets a row here.
# @F is a folded file, @D a directory, @E an empty file, @N a missing file.
. "$(dirname "$0")/../lib.sh"

F=$T/in.folded
printf 'main;work 10\nmain;idle 5\n' >"$F"
mkdir "$T/dir"
: >"$T/empty"
cd "$T" # a row that wrongly records writes stoke.data here, not in the tree

failed_rows=0
while IFS='|' read -r want msg cmd; do
	want=${want// /}
	[ -z "$want" ] || [ "${want#\#}" != "$want" ] && continue
	msg=${msg# }; msg=${msg% }; cmd=${cmd# }
	subst() { local v=${1//@F/$F}; v=${v//@D/$T/dir}; v=${v//@E/$T/empty}; printf '%s' "${v//@N/$T/missing}"; }
	msg=$(subst "$msg"); cmd=$(subst "$cmd")
	eval "set -- $cmd"
	"$STOKE" "$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	first=$(grep -v '^stoke: warning: ' "$T/err" | head -1)
	lines=$(grep -vc '^stoke: warning: ' "$T/err")
	if [ "$rc" = "$want" ] && [ "${first#"$msg"}" != "$first" ] && [ "$lines" = 1 ]; then
		ok "stoke $cmd: exit $want, '$msg'"
	else
		fail "stoke $cmd: want exit $want and '$msg'; got exit $rc, $lines error line(s): $first"
	fi
done <<'TABLE'
# exit | message starts with | arguments
2 | stoke: -p: 'abc' is not a process id | record -p abc -- true
2 | stoke: -p: 'abc' is not a process id | record -p 1,abc -- true
2 | stoke: -p: '12abc' is not a process id | record -p 12abc -- true
2 | stoke: -p: '--' is not a process id | record -p -- true
2 | stoke: -p: '-5' is not a process id | record -p -5 -- true
2 | stoke: -p: '0' is out of range | record -p 0 -- true
2 | stoke: -p: empty list | record -p '' -- true
2 | stoke: -p: '1,' has an empty item | record -p 1, -- true
2 | stoke: -p: '99999999999' is out of range | record -p 99999999999 -- true
2 | stoke: -F: '-5' is out of range | record -F -5 -- true
2 | stoke: -F: '0' is out of range | record -F 0 -- true
2 | stoke: -F: '1k' is not an integer | record -F 1k -- true
2 | stoke: -F: ' 5' is not an integer | record -F ' 5' -- true
2 | stoke: -c: '-1' is out of range | record -c -1 -- true
2 | stoke: -c: '0' is out of range | record -c 0 -- true
2 | stoke: -c: '99999999999999999999' is out of range | record -c 99999999999999999999 -- true
2 | stoke: -m: '0' is out of range | record -m 0 -- true
2 | stoke: -m: '3' is not a power of two | record -m 3 -- true
2 | stoke: -m: '1000B' is not a whole number of | record -m 1000B -- true
2 | stoke: -m: '8X' is not an integer (units: B, K, M, G) | record -m 8X -- true
2 | stoke: -e: '' has an empty event name | record -e '' -- true
2 | stoke: -e: 'cpu-clock,' has an empty event name | record -e cpu-clock, -- true
2 | stoke: unknown event 'nope' | record -e nope -- true
2 | stoke: -d: '0' is out of range | record -d 0 -- true
2 | stoke: -d: '-1' is out of range | record -d -1 -- true
2 | stoke: -d: '1x' is not a number | record -d 1x -- true
2 | stoke: -d: 'nan' is not a number | record -d nan -- true
2 | stoke: -d: 'inf' is not a number | record -d inf -- true
2 | stoke: -z: level must be | record -z 0 -- true
2 | stoke: -z: '20' is out of range | record -z 20 -- true
2 | stoke: -C: '0-x' is not a CPU list | record -C 0-x -- true
2 | stoke: -C: '1-0' is a range that ends before it starts | record -C 1-0 -- true
2 | stoke: -C: '100000' is out of range | record -C 100000 -- true
2 | stoke: --call-graph dwarf,SIZE: '0' is out of range | record --call-graph dwarf,0 -- true
2 | stoke: --call-graph dwarf,SIZE: '100000' is out of range | record --call-graph dwarf,100000 -- true
2 | stoke: --call-graph cfi,SIZE: '0' is out of range | record --call-graph cfi,0 -- true
2 | stoke: --call-graph: expected cfi[,SIZE], dwarf[,SIZE], fp or none | record --call-graph bogus -- true
2 | stoke: record: unknown option '--bogus' | record --bogus -- true
2 | stoke: --freq: '0' is out of range | record --freq 0 -- true
2 | stoke: -F: '0' is out of range | record -F=0 -- true
2 | stoke: record: -q takes no value | record -q=1 -- true
2 | stoke: -o needs a value | record -o
2 | stoke: nothing to record | record
2 | stoke: give only one of | record -a -p 1
2 | stoke: --top: '-1' is out of range | report --top -1 @F
2 | stoke: --top: 'x' is not an integer | report --top x @F
2 | stoke: --top needs a value | report --top
2 | stoke: --percent-limit: '101' is out of range | report --percent-limit 101 @F
2 | stoke: --sort: expected self or total | report --sort x @F
2 | stoke: --pid: 'abc' is not a process id | report --pid abc @F
2 | stoke: --pid: '1,,2' has an empty item | report --pid 1,,2 @F
2 | stoke: --tid: '0' is out of range | report --tid 0 @F
2 | stoke: --time: '5,1' ends before it starts | report --time 5,1 @F
2 | stoke: --time START: 'x' is not a number | report --time x, @F
2 | stoke: --time: expected START,END | report --time 5 @F
2 | stoke: --focus: bad regular expression | report --focus '(' @F
2 | stoke: --unwinder: expected rules, libunwind or fresh | report --unwinder x @F
2 | stoke: report: unknown option '--bogus' | report --bogus @F
2 | stoke: report: one input file only | report @F @F
2 | stoke: report: --folded takes no value | report --folded=1 @F
2 | stoke: --top: 'x' is not an integer | report --top=x @F
1 | stoke: --bogus: No such file or directory | report -- --bogus
2 | stoke: --min-block: '5x' is not a number | report --min-block 5x @F
1 | stoke: @N: No such file or directory | report @N
1 | stoke: @D: is a directory | report @D
1 | stoke: /dev/null: not a regular file | report /dev/null
1 | stoke: @E: empty file | report @E
2 | stoke: --width: '50' is out of range | flamegraph --width 50 -o - @F
2 | stoke: --minwidth: '-1' is out of range | flamegraph --minwidth -1 -o - @F
2 | stoke: --max-frames: '0' is out of range | flamegraph --max-frames 0 -o - @F
2 | stoke: --colors: expected hot or kind | flamegraph --colors x -o - @F
2 | stoke: --title needs a value | flamegraph --title
2 | stoke: flamegraph: --negate, --counts, --rates, --shares and --alpha need --diff | flamegraph --negate -o - @F
2 | stoke: flamegraph: unknown option '--bogus' | flamegraph --bogus @F
2 | stoke: flamegraph: one input file only | flamegraph -o - @F @F
2 | stoke: --alpha: '0' is out of range | flamegraph --alpha 0 --diff @F -o - @F
2 | stoke: flamegraph: give either FILE or -- COMMAND | flamegraph -o - @F -- true
1 | stoke: @D: is a directory | flamegraph -o - @D
1 | stoke: /dev/null: not a regular file | flamegraph -o - /dev/null
1 | stoke: writing @D: Is a directory | flamegraph -o @D @F
2 | stoke: --node-fraction: '2' is out of range | callgraph --node-fraction 2 @F
2 | stoke: --edge-fraction: 'x' is not a number | callgraph --edge-fraction x @F
2 | stoke: --format: expected dot, svg or png | callgraph --format x @F
2 | stoke: --by: expected function or module | callgraph --by x @F
2 | stoke: callgraph: --format svg needs -o FILE | callgraph --format svg @F
2 | stoke: callgraph: unknown option '--bogus' | callgraph --bogus @F
1 | stoke: @D: is a directory | callgraph @D
2 | stoke: --alpha: '0' is out of range | diff --alpha 0 @F @F
2 | stoke: --alpha: '1' is out of range | diff --alpha 1 @F @F
2 | stoke: --top: '-3' is out of range | diff --top -3 @F @F
2 | stoke: --sort: expected self or total | diff --sort x @F @F
2 | stoke: diff: expected two files | diff @F
2 | stoke: diff: expected two files | diff @F @F @F
2 | stoke: diff: unknown option '--bogus' | diff --bogus @F @F
2 | stoke: diff: unknown option '--inverted' | diff --inverted @F @F
1 | stoke: /dev/null: not a regular file | diff @F /dev/null
2 | stoke: script: unknown option '--bogus' | script --bogus
2 | stoke: script: one input file only | script @F @F
1 | stoke: /dev/null: not a regular file | script /dev/null
2 | stoke: export: unknown option '--bogus' | export --bogus @F
2 | stoke: export: one input file only | export --format pprof @F @F
1 | stoke: @D: is a directory | script @D
1 | stoke: @N: No such file or directory | script @N
2 | stoke: usage: stoke dump [FILE] | dump a b
2 | stoke: dump: unknown option '--bogus' | dump --bogus
1 | stoke: /dev/null: not a regular file | dump /dev/null
1 | stoke: @D: is a directory | dump @D
1 | stoke: @E: empty file | dump @E
1 | stoke: @N: No such file or directory | dump @N
2 | stoke: 'bogus' is not a stoke command | bogus
TABLE
finish
