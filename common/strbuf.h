/* strbuf.h — the project's one growable string buffer.
 *
 * A strbuf is embedded (strbuf_init/strbuf_release).  buf is always
 * NUL-terminated; len excludes the NUL.  The caller owns the memory and may
 * take it with strbuf_detach().
 */
#ifndef STOKE_STRBUF_H
#define STOKE_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf;    /* NUL-terminated contents, never NULL after init */
	size_t len;   /* bytes used, not counting the NUL */
	size_t alloc; /* bytes allocated (0 while buf points at the empty literal) */
};

#define STRBUF_INIT { (char *)"", 0, 0 }

void strbuf_init(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);
/* Returns the buffer (caller frees) and re-initialises sb. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t n);
void strbuf_adds(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, char c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
/*
 * Append s as XML character data: &, <, >, " and ' as entities, bytes that are
 * not valid UTF-8 (or not XML characters) as U+FFFD.  At most max_bytes of s
 * are used when max_bytes is non-zero (cut at a character boundary).
 */
void strbuf_add_xml(struct strbuf *sb, const char *s, size_t max_bytes);
/* Length of the valid UTF-8 sequence at p that XML 1.0 allows, or 0. */
size_t strbuf_utf8_len(const unsigned char *p);
void strbuf_setlen(struct strbuf *sb, size_t len);

/* Write the whole buffer to fd.  Returns 0 or a negative errno. */
int strbuf_write_fd(const struct strbuf *sb, int fd);

#endif
