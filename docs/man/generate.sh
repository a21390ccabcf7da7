#!/usr/bin/env bash
# Writes the manual pages of every command from its option table (cli/cmd_*.c), through
# the hidden `stoke help --man CMD`, so a page never disagrees with `stoke help CMD` or
# with what the command accepts.  tests/e2e/help.sh checks the committed pages are what
# this writes.  usage: docs/man/generate.sh [STOKE]
set -eu
STOKE=$(realpath "${1:-$(dirname "$0")/../../build/stoke}")
cd "$(dirname "$0")"
cmds=$("$STOKE" --help | awk '/^commands:/ { on = 1; next } on && $1 != "help" { print $1 }')
rm -f stoke-*.1
for c in $cmds; do
	"$STOKE" help --man "$c" >"stoke-$c.1"
done
