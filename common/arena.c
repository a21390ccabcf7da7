#include "common/arena.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

struct arena_block {
	struct arena_block *next; /* older block */
	size_t size;              /* usable bytes in data[] */
	size_t used;              /* bytes handed out from data[] */
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct arena_block *head; /* current block; older ones chained behind */
	size_t total;             /* bytes handed out */
};

#define ARENA_BLOCK (256 * 1024)

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	struct arena_block *b = a->head;
	while (b) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = ALIGN8(n ? n : 1);
	struct arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		b = xmalloc(sizeof(*b) + size);
		b->size = size;
		b->used = 0;
		if (n > ARENA_BLOCK / 4 && a->head) {
			/* Keep the current block for small allocations. */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
