/* sym_fixture: static functions, forced inlining two levels deep and a recursive
 * function, for comparing stoke's symbolizer with eu-addr2line. */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

static inline __attribute__((always_inline)) unsigned long inner_step(unsigned long x)
{
	sink += x * 7;
	return sink ^ x;
}

static inline __attribute__((always_inline)) unsigned long middle_step(unsigned long x)
{
	unsigned long r = inner_step(x + 1);
	sink += r;
	return r * 3;
}

static __attribute__((noinline)) unsigned long outer_static(unsigned long n)
{
	unsigned long acc = 0;
	for (unsigned long i = 0; i < n; i++)
		acc += middle_step(i);
	return acc;
}

__attribute__((noinline)) unsigned long recurse(unsigned long n)
{
	if (n == 0)
		return outer_static(10);
	return recurse(n - 1) + n;
}

__attribute__((noinline)) int visible_function(int argc)
{
	return (int)(recurse((unsigned long)argc) & 0xff);
}

int main(int argc, char **argv)
{
	(void)argv;
	printf("%d\n", visible_function(argc));
	return 0;
}
