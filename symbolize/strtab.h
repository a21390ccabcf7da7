/* strtab.h — interned strings: equal strings get one pointer, alive until strtab_free(). */
#ifndef STOKE_STRTAB_H
#define STOKE_STRTAB_H

#include <stddef.h>

struct strtab;

struct strtab *strtab_new(void);
void strtab_free(struct strtab *t); /* NULL is a no-op */
const char *strtab_intern(struct strtab *t, const char *s);
/* The first n bytes of s (which hold no NUL) as an interned string. */
const char *strtab_intern_n(struct strtab *t, const char *s, size_t n);

#endif
