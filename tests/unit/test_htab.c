/* common/htab: the one hash table.  Integer keys compared by bytes through many growths,
 * string keys through a match function under forced collisions (every key one hash), a hash
 * of 0, iteration, clear, and free(NULL). */
#include "common/htab.h"
#include "common/util.h"
#include "t.h"

#include <stdint.h>
#include <stdio.h>

struct ient {
	uint64_t key;
	uint32_t val;
};

struct sent {
	const char *name; /* the caller's string: the table never frees it */
	int n;
};

static int match_name(const void *entry, const void *key, void *ctx)
{
	(*(int *)ctx)++;
	return !strcmp(((const struct sent *)entry)->name, key);
}

int main(void)
{
	enum { N = 100000 };
	struct htab *t = htab_new(sizeof(struct ient), sizeof(uint64_t), 0, NULL, NULL);
	int ok_add = 1, ok_find = 1;
	for (uint64_t k = 0; k < N; k++) {
		uint64_t key = k * 7919;
		int added = -1;
		struct ient *e = htab_insert(t, hash64(key), &key, &added);
		if (added != 1 || e->key || e->val)
			ok_add = 0;
		e->key = key;
		e->val = (uint32_t)k;
	}
	for (uint64_t k = 0; k < N; k++) {
		uint64_t key = k * 7919;
		const struct ient *e = htab_find(t, hash64(key), &key);
		if (!e || e->val != k)
			ok_find = 0;
	}
	T_OK(ok_add, "%d new integer keys added, each entry zero", N);
	T_OK(ok_find, "every key found with its value after growing");
	T_EQ_INT(htab_count(t), N, "count");
	uint64_t missing = 5;
	T_OK(!htab_find(t, hash64(missing), &missing), "a key never added is not found");
	int same_u64 = 1;
	for (uint64_t k = 0; k < N; k++) {
		uint64_t key = k * 7919;
		same_u64 &= htab_find_u64(t, hash64(key), key) == htab_find(t, hash64(key), &key);
	}
	T_OK(same_u64 && !htab_find_u64(t, hash64(missing), missing),
	     "htab_find_u64 finds what htab_find finds, and not an absent key");
	int added = -1;
	uint64_t again = 7919 * 3;
	struct ient *e = htab_insert(t, hash64(again), &again, &added);
	T_OK(added == 0 && e->val == 3 && htab_count(t) == N, "inserting a present key finds it");

	size_t pos = 0, seen = 0;
	uint64_t sum = 0;
	while ((e = htab_next(t, &pos))) {
		seen++;
		sum += e->val;
	}
	T_OK(seen == N && sum == (uint64_t)N * (N - 1) / 2, "iteration visits each entry once");
	htab_clear(t);
	pos = 0;
	T_OK(htab_count(t) == 0 && !htab_next(t, &pos) && !htab_find(t, hash64(again), &again),
	     "clear empties the table");
	e = htab_insert(t, hash64(again), &again, &added);
	T_OK(added == 1 && !e->key && !e->val, "after clear an entry comes back zero");
	htab_free(t);

	/* Strings, all with one hash (every probe collides), and with a hash of 0. */
	int calls = 0;
	struct htab *s = htab_new(sizeof(struct sent), 0, 4, match_name, &calls);
	char names[300][16];
	for (int i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "name%d", i);
		struct sent *se = htab_insert(s, 0, names[i], &added);
		if (added) {
			se->name = names[i];
			se->n = i;
		}
	}
	int ok = 1;
	for (int i = 0; i < 300; i++) {
		char key[16];
		snprintf(key, sizeof(key), "name%d", i); /* another copy: compared, not by address */
		const struct sent *se = htab_find(s, 0, key);
		if (!se || se->n != i || se->name != names[i])
			ok = 0;
	}
	T_OK(ok && htab_count(s) == 300, "colliding string keys told apart by the match function");
	T_OK(!htab_find(s, 0, "name300"), "a colliding absent key is not found");
	calls = 0;
	htab_find(s, 12345, "name7");
	T_EQ_INT(calls, 0, "match is not called where the stored hash differs");
	htab_free(s);
	htab_free(NULL);
	T_OK(1, "htab_free(NULL) is a no-op");
	T_DONE();
}
