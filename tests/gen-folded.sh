#!/usr/bin/env bash
# gen-folded.sh SEED SAMPLES [HOT_FACTOR] — deterministic folded stacks for tests.
#
# Draws SAMPLES samples, independently, from a fixed distribution over a few
# stacks (weights below) and prints them as folded lines.  The random
# generator is the Park-Miller "minimal standard" LCG, written out here so the
# output is the same with every awk (its products stay below 2^53, exact in
# doubles).  HOT_FACTOR multiplies the weight of the stacks ending in "hot".
set -eu
seed=${1:?seed} samples=${2:?samples} factor=${3:-1}
awk -v seed="$seed" -v samples="$samples" -v factor="$factor" '
function rnd() { state = (state * 16807) % 2147483647; return state / 2147483647 }
BEGIN {
	n = 0
	s[++n] = "app;main;parse;lex";              w[n] = 60
	s[++n] = "app;main;parse;lex;getc";         w[n] = 25
	s[++n] = "app;main;parse";                  w[n] = 15
	s[++n] = "app;main;compute;hot";            w[n] = 50
	s[++n] = "app;main;compute;inner";          w[n] = 120
	s[++n] = "app;main;compute;inner;sqrt";     w[n] = 40
	s[++n] = "app;main;compute;helper;memcpy";  w[n] = 30
	s[++n] = "app;main;output;helper;memcpy";   w[n] = 20
	s[++n] = "app;main;output;write";           w[n] = 45
	s[++n] = "app;main;output;write;sys_write_[k]"; w[n] = 35
	s[++n] = "app;main;fib;fib;fib";            w[n] = 12
	s[++n] = "app;main;fib;fib";                w[n] = 8
	s[++n] = "app;main;fib";                    w[n] = 5
	s[++n] = "app;main;hash;mix";               w[n] = 22
	s[++n] = "app;main;hash";                   w[n] = 9
	s[++n] = "app;main;alloc;malloc";           w[n] = 14
	s[++n] = "app;main;alloc;malloc;brk_[k]";   w[n] = 3
	s[++n] = "app;main;sort;cmp";               w[n] = 18
	s[++n] = "app;main;sort";                   w[n] = 7
	s[++n] = "app;idle";                        w[n] = 2
	sum = 0
	for (i = 1; i <= n; i++) {
		if (s[i] ~ /;hot$/)
			w[i] *= factor
		sum += w[i]
		cum[i] = sum
	}
	state = seed % 2147483647
	if (state <= 0)
		state += 2147483646
	for (k = 0; k < samples; k++) {
		u = rnd() * sum
		lo = 1; hi = n
		while (lo < hi) { mid = int((lo + hi) / 2); if (cum[mid] > u) hi = mid; else lo = mid + 1 }
		count[lo]++
	}
	for (i = 1; i <= n; i++)
		if (count[i])
			printf "%s %d\n", s[i], count[i]
}'
