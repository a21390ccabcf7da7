# Synthetic folded stacks for scale tests: STACKS unique stacks (default
# 100000) with about 10 samples each, deterministic (no random numbers).
#   awk -v STACKS=100000 -f tests/gen-folded.awk > big.folded
# The first six levels form a mixed-radix tree (4*5*6*7*8*15 leaves), so every
# stack is unique and callers are shared; deeper frames vary with the stack.
BEGIN {
	if (!STACKS) STACKS = 100000
	split("4 5 6 7 8 15", radix, " ")
	split("net io db cache parse render", area, " ")
	for (i = 0; i < STACKS; i++) {
		line = "server;main;event_loop"
		rest = i
		for (k = 6; k >= 1; k--) {
			digit[k] = rest % radix[k]
			rest = int(rest / radix[k])
		}
		for (k = 1; k <= 6; k++)
			line = line ";" area[k] "::layer" k "::fn_" digit[k]
		extra = (i * 7) % 23
		for (j = 0; j < extra; j++)
			line = line ";helper_" ((i * 31 + j * 17) % 997)
		print line " " (1 + (i * 7919) % 19)
	}
}
