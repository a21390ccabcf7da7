#include "symbolize/perfmap.h"
#include "common/arena.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct pm_entry {
	uint64_t start, end;
	size_t seq;        /* line order: a later line wins over an earlier overlapping one */
	const char *name;
};

struct perfmap {
	struct arena *arena;
	struct pm_entry *v; /* sorted by start */
	size_t nr, alloc;
	uint64_t max_len;   /* longest entry: bounds the backward scan of a lookup */
};

static int cmp_entry(const void *a, const void *b)
{
	const struct pm_entry *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

static int parse_hex(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (s < end && isxdigit((unsigned char)*s) && n < 17) {
		x = x * 16 + (uint64_t)(isdigit((unsigned char)*s) ? *s - '0' : (tolower((unsigned char)*s) - 'a' + 10));
		s++;
		n++;
	}
	if (!n || n > 16)
		return -1;
	*p = s;
	*v = x;
	return 0;
}

struct perfmap *perfmap_parse(const char *text, size_t len, size_t *malformed)
{
	struct perfmap *m = xcalloc(1, sizeof(*m));
	const char *end = text + len;
	size_t bad = 0, seq = 0;
	m->arena = arena_new();
	for (const char *p = text; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		const char *q = p, *line_end = eol;
		p = eol + (eol < end);
		if (line_end > q && line_end[-1] == '\r')
			line_end--;
		if (q == line_end)
			continue;
		uint64_t start, size;
		if (parse_hex(&q, line_end, &start) || q >= line_end || *q != ' ') {
			bad++;
			continue;
		}
		q++;
		if (parse_hex(&q, line_end, &size) || q >= line_end || *q != ' ' || !size ||
		    start + size < start) {
			bad++;
			continue;
		}
		q++;
		if (q >= line_end) {
			bad++;
			continue;
		}
		ALLOC_GROW(m->v, m->nr + 1, m->alloc);
		m->v[m->nr] = (struct pm_entry){ start, start + size, seq++,
						 arena_strndup(m->arena, q, (size_t)(line_end - q)) };
		if (size > m->max_len)
			m->max_len = size;
		m->nr++;
	}
	xsort(m->v, m->nr, sizeof(*m->v), cmp_entry);
	if (malformed)
		*malformed = bad;
	return m;
}

int perfmap_load(const char *path, struct perfmap **out, size_t *malformed)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return errno == ELOOP ? -STOKE_ENOTREG : -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -STOKE_ENOTREG;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		return -STOKE_EOWNER;
	}
	size_t cap = (size_t)st.st_size + 1, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*out = perfmap_parse(buf, n, malformed);
	free(buf);
	return 0;
}

void perfmap_free(struct perfmap *m)
{
	if (!m)
		return;
	arena_free(m->arena);
	free(m->v);
	free(m);
}

size_t perfmap_count(const struct perfmap *m)
{
	return m->nr;
}

const char *perfmap_lookup(const struct perfmap *m, uint64_t addr, uint64_t *start)
{
	size_t lo = 0, hi = m->nr;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (m->v[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Entries [0, lo) start at or below addr; the best is the latest-written containing one. */
	const struct pm_entry *best = NULL;
	for (size_t i = lo; i-- > 0;) {
		const struct pm_entry *e = &m->v[i];
		if (addr - e->start >= m->max_len)
			break;
		if (addr < e->end && (!best || e->seq > best->seq))
			best = e;
	}
	if (!best)
		return NULL;
	if (start)
		*start = best->start;
	return best->name;
}
