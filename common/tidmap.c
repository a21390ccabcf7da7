#include "common/tidmap.h"
#include "common/util.h"

struct slot {
	uint32_t tid;
	uint32_t idx; /* UINT32_MAX: empty */
};

struct tidmap {
	struct slot *slots;
	size_t cap, used;
};

struct tidmap *tidmap_new(void)
{
	struct tidmap *m = xcalloc(1, sizeof(*m));
	return m;
}

void tidmap_free(struct tidmap *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m);
}

static void grow(struct tidmap *m)
{
	struct slot *old = m->slots;
	size_t old_cap = m->cap;
	m->cap = old_cap ? old_cap * 2 : 256;
	m->slots = xmalloc(m->cap * sizeof(*m->slots));
	for (size_t i = 0; i < m->cap; i++)
		m->slots[i].idx = UINT32_MAX;
	for (size_t i = 0; i < old_cap; i++) {
		if (old[i].idx == UINT32_MAX)
			continue;
		size_t j = hash64(old[i].tid) & (m->cap - 1);
		while (m->slots[j].idx != UINT32_MAX)
			j = (j + 1) & (m->cap - 1);
		m->slots[j] = old[i];
	}
	free(old);
}

uint32_t tidmap_get(struct tidmap *m, uint32_t tid, int *fresh)
{
	if ((m->used + 1) * 2 > m->cap)
		grow(m);
	size_t i = hash64(tid) & (m->cap - 1);
	while (m->slots[i].idx != UINT32_MAX && m->slots[i].tid != tid)
		i = (i + 1) & (m->cap - 1);
	if (fresh)
		*fresh = m->slots[i].idx == UINT32_MAX;
	if (m->slots[i].idx == UINT32_MAX) {
		m->slots[i].tid = tid;
		m->slots[i].idx = (uint32_t)m->used++;
	}
	return m->slots[i].idx;
}

size_t tidmap_count(const struct tidmap *m)
{
	return m->used;
}
