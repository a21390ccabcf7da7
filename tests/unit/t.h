/* t.h — the unit-test harness: each check prints "ok - NAME" or "not ok - NAME";
 * tests/run.sh counts them.  A test binary exits non-zero when a check failed. */
#ifndef STOKE_T_H
#define STOKE_T_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failed_;

#define T_OK(cond, ...)                                                     \
	do {                                                                \
		if (cond) {                                                 \
			printf("ok - ");                                    \
		} else {                                                    \
			printf("not ok - ");                                \
			t_failed_++;                                        \
		}                                                           \
		printf(__VA_ARGS__);                                        \
		if (!(cond))                                                \
			printf("  [%s:%d: %s]", __FILE__, __LINE__, #cond); \
		printf("\n");                                               \
	} while (0)

#define T_EQ_INT(a, b, name)                                                        \
	do {                                                                        \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);             \
		T_OK(t_a_ == t_b_, "%s", name);                                     \
		if (t_a_ != t_b_)                                                   \
			printf("#   got %lld (0x%llx), want %lld (0x%llx)\n", t_a_, \
			       t_a_, t_b_, t_b_);                                   \
	} while (0)

#define T_EQ_STR(a, b, name)                                                 \
	do {                                                                 \
		const char *t_a_ = (a), *t_b_ = (b);                         \
		int t_same_ = t_a_ && t_b_ && !strcmp(t_a_, t_b_);           \
		T_OK(t_same_, "%s", name);                                   \
		if (!t_same_)                                                \
			printf("#   got '%s', want '%s'\n", t_a_ ? t_a_ : "(null)", \
			       t_b_ ? t_b_ : "(null)");                      \
	} while (0)

#define T_SKIP(name, why) printf("skip - %s # %s\n", name, why)

#define T_DONE() return t_failed_ ? 1 : 0

/* Run a shell command built from a printf format; returns system()'s status. */
static inline __attribute__((format(printf, 1, 2), unused)) int t_sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* A fixed pseudo-random sequence (xorshift64): tests stay the same from run to run. */
static inline unsigned long long t_rand(unsigned long long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* The address of symbol name in file, from nm; 0 when absent. */
static inline __attribute__((unused)) unsigned long long t_nm_addr(const char *file, const char *name)
{
	char cmd[1024], line[256], sym[128];
	unsigned long long addr, found = 0;
	char type;
	snprintf(cmd, sizeof(cmd), "nm %s", file);
	FILE *p = popen(cmd, "r");
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "%llx %c %127s", &addr, &type, sym) == 3 && !strcmp(sym, name))
			found = addr;
	pclose(p);
	return found;
}

#endif
