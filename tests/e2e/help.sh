#!/usr/bin/env bash
# Help and man pages come from each command's option table (cli/opt.h): `stoke help CMD`,
# `stoke CMD --help` and docs/man/stoke-CMD.1 say the same, the committed pages are what
# docs/man/generate.sh writes now, and every option the help lists is one the parser takes.
. "$(dirname "$0")/../lib.sh"

cmds=$("$STOKE" --help | awk '/^commands:/ { on = 1; next } on && $1 != "help" { print $1 }')
check "stoke --help lists the commands" [ "$(echo $cmds)" = "record dump report diff callgraph flamegraph script export" ]
cd "$T" # an option that takes the next word as a file name reads or writes here
for c in $cmds; do
	"$STOKE" help "$c" >"$T/help" 2>"$T/err"
	rc=$?
	check "$c: stoke help $c exits 0 with a usage line" eval '[ $rc = 0 ] && head -1 "$T/help" | grep -q "^usage: stoke $c"'
	"$STOKE" "$c" --help >"$T/help2" 2>&1
	check "$c: stoke $c --help prints the same" cmp -s "$T/help" "$T/help2"
	"$STOKE" "$c" -h >"$T/help3" 2>&1
	check "$c: stoke $c -h prints the same" cmp -s "$T/help" "$T/help3"
	long=$(awk 'length > 80' "$T/help" | head -1)
	check "$c: help lines fit 80 columns${long:+ ($long)}" [ -z "$long" ]

	# The page is generated from the same table, and committed as generated.
	"$STOKE" help --man "$c" >"$T/page" 2>"$T/err"
	check "$c: docs/man/stoke-$c.1 is what docs/man/generate.sh writes now" \
		cmp -s "$T/page" "$ROOT/docs/man/stoke-$c.1"
	if command -v groff >/dev/null; then
		check "$c: the man page renders without warnings" \
			eval '[ -z "$(groff -man -ww -z "$T/page" 2>&1)" ]'
	fi
	# Every option in the page's OPTIONS is in the help, and the parser knows it.
	opts=$(grep -o '^\\fB\\-[^\\]*\\fR\(, \\fB\\-\\-[^\\]*\\fR\)\?' "$T/page" | sed 's/\\fB//g; s/\\fR//g; s/\\-/-/g; s/,.*//')
	bad=
	for o in $opts; do
		grep -q -- "^  $o\b" "$T/help" || bad="$bad $o(not in help)"
		# The option, then --help: a flag shows the help; a value-taking option takes
		# "--help" as its value and goes on (a bad value, a missing file): never "unknown".
		"$STOKE" "$c" "$o" --help </dev/null >/dev/null 2>"$T/err"
		grep -q "unknown option" "$T/err" && bad="$bad $o"
	done
	check "$c: every option in the man page is in the help and parsed${bad:+:$bad}" [ -z "$bad" ]
done
ls "$ROOT"/docs/man/stoke-*.1 | sed 's|.*/stoke-||; s|\.1$||' | sort >"$T/pages"
echo "$cmds" | tr ' ' '\n' | sort >"$T/cmds"
check "a man page for each command and none other" cmp -s "$T/pages" "$T/cmds"

"$STOKE" help bogus >/dev/null 2>"$T/err"
rc=$?
check "stoke help of no command: exit 2, one line" eval '[ $rc = 2 ] && [ "$(wc -l <"$T/err")" = 1 ]'
"$STOKE" help >"$T/out"
check "stoke help alone lists the commands" grep -q '^commands:' "$T/out"

# The long and the short spelling of an option are one option.
"$STOKE" record --freq 0 -- true 2>"$T/e1"
"$STOKE" record -F 0 -- true 2>"$T/e2"
check "record --freq and -F are the same option" eval 'grep -q "^stoke: --freq: .0. is out of range" "$T/e1" && grep -q "^stoke: -F: .0. is out of range" "$T/e2"'
# --opt=value and --opt value are the same.
printf 'main;a 3\nmain;b 1\n' >"$T/in.folded"
"$STOKE" report --top=1 "$T/in.folded" >"$T/r1"
"$STOKE" report --top 1 "$T/in.folded" >"$T/r2"
check "report --top=1 and --top 1 are the same" eval 'cmp -s "$T/r1" "$T/r2" && grep -q " a$" "$T/r1" && ! grep -q " b$" "$T/r1"'
# A shared option is the same in every command that includes the group.
for c in report flamegraph callgraph script export; do
	"$STOKE" "$c" --tid 0 "$T/in.folded" >/dev/null 2>"$T/err"
	check "$c --tid 0: the shared filter's message" grep -q "^stoke: --tid: '0' is out of range" "$T/err"
done
finish
