/* util.h — allocation that cannot fail, the growable-array helper, small helpers.
 *
 * Allocation failure is not a recoverable error for stoke: x*alloc() print one
 * line and abort.  Everything else in the library reports errors as negative
 * errno values.
 */
#ifndef STOKE_UTIL_H
#define STOKE_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdlib.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/*
 * ALLOC_GROW(ptr, nr, alloc): make room for at least `nr` elements in the
 * array `ptr` whose capacity is `alloc`.  Grows by 1.5x.  The one growable
 * array helper of the project: use it instead of hand-written realloc loops.
 */
#define ALLOC_GROW(ptr, nr, alloc)                                            \
	do {                                                                  \
		if ((size_t)(nr) > (size_t)(alloc)) {                         \
			size_t alloc_grow_n_ = ((size_t)(alloc) + 16) * 3 / 2; \
			if (alloc_grow_n_ < (size_t)(nr))                     \
				alloc_grow_n_ = (size_t)(nr);                 \
			(ptr) = xrealloc((ptr), alloc_grow_n_ * sizeof(*(ptr))); \
			(alloc) = alloc_grow_n_;                              \
		}                                                             \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* qsort that takes an empty (possibly NULL) array: qsort's must not be NULL. */
static inline void xsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* The same with a context argument for cmp (glibc's qsort_r order of arguments). */
static inline void xsort_r(void *base, size_t n, size_t size,
			   int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}

/* Monotonic clock in nanoseconds (CLOCK_MONOTONIC, as recorded samples use). */
uint64_t now_ns(void);

/* A well-mixed 64-bit hash of a 64-bit key (for open-addressing tables). */
static inline uint64_t hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/*
 * One multiply, for keys whose low bits already vary (code addresses) on the
 * hottest paths; the high bits of the product come down to the low ones a
 * table takes.  hash64 where keys may differ only in high bits.
 */
static inline uint64_t hash_addr(uint64_t x)
{
	return (x * 0x9e3779b97f4a7c15ULL) >> 20;
}

/* Fold n 64-bit words into h, a word at a time (hash64 the result before use as a key). */
static inline uint64_t hash_words(uint64_t h, const uint64_t *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return h;
}

/* FNV-1a over n bytes, continuing from `h` (start with FNV_INIT). */
#define FNV_INIT 0xcbf29ce484222325ULL
uint64_t fnv1a(uint64_t h, const void *data, size_t n);

/*
 * Read a whole file into a NUL-terminated malloc'ed buffer.  Returns 0 and
 * sets *out (caller frees) and *len, or a negative errno.
 */
int read_file(const char *path, char **out, size_t *len);
/*
 * The same from an open descriptor, to its end, after the head_len bytes in
 * head that the caller has already read from it (head may be NULL when
 * head_len is 0).  fd stays open (the caller closes it).
 */
int read_fd(int fd, const void *head, size_t head_len, char **out, size_t *len);

/* n bytes as lower-case hex into out (2n characters and a NUL). */
void hex_encode(char *out, const void *p, size_t n);

/* Write all n bytes to fd (again after a signal or a short write): 0, or a negative errno
 * (-EIO when the descriptor takes nothing). */
int write_all(int fd, const void *buf, size_t n);
/*
 * Read up to n bytes, fewer only at the end of the file.  Returns the count
 * or a negative errno.
 */
ssize_t read_full(int fd, void *buf, size_t n);

/* Parse a CPU list such as "0-3,6".  Returns count of CPUs written to
 * cpus[] (at most max), or -EINVAL on a malformed list. */
int parse_cpu_list(const char *s, int *cpus, int max);

#endif
