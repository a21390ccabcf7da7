/* common/stackimg: stack copies held as runs over the thread's previous copy.  A chain of
 * images of one thread whose stacks move and change in scattered words (runs far apart, so
 * reads cross from an image's runs to its parents' bytes), kept alive together: every image
 * must read back as its copy, say exactly which bytes are unchanged, and survive the chain
 * being cut (an image made whole) and its older images being released. */
#include "common/stackimg.h"
#include "t.h"

#include <errno.h>
#include <stdint.h>

#define TOP 0x7ffd0000ULL
#define SPAN 12288
#define N 60

static unsigned long long rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	return t_rand(&rng);
}

int main(void)
{
	static unsigned char mem[SPAN], copies[N][SPAN], changed[N][SPAN];
	static struct stack_img *imgs[N];
	uint64_t sps[N];
	size_t lens[N];
	for (size_t i = 0; i < SPAN; i++)
		mem[i] = (unsigned char)next_rand();

	struct stack_img *prev = NULL;
	for (int i = 0; i < N; i++) {
		/* The stack pointer moves within the low 4 KiB; a few words change anywhere. */
		uint64_t sp = TOP - SPAN + (next_rand() % 512) * 8;
		size_t len = (size_t)(TOP - sp);
		memset(changed[i], 0, sizeof(changed[i]));
		int nchange = i ? 1 + (int)(next_rand() % 4) : 0;
		for (int c = 0; c < nchange; c++) {
			size_t at = (size_t)(next_rand() % (len / 8)) * 8;
			for (int k = 0; k < 8; k++) {
				mem[sp - (TOP - SPAN) + at + (size_t)k] = (unsigned char)next_rand();
				changed[i][at + (size_t)k] = 1;
			}
		}
		/* Bytes below the previous copy's start are new to this one too. */
		if (i && sp < sps[i - 1])
			memset(changed[i], 1, (size_t)(sps[i - 1] - sp));
		memcpy(copies[i], mem + (sp - (TOP - SPAN)), len);
		/* Runs: the changed bytes (all of them for the first image). */
		struct stackimg_run runs[64];
		unsigned char data[SPAN];
		size_t nr = 0, held = 0;
		for (size_t o = 0; o < len; o++) {
			if (i && !changed[i][o])
				continue;
			if (nr && runs[nr - 1].off + runs[nr - 1].len == o)
				runs[nr - 1].len++;
			else
				runs[nr++] = (struct stackimg_run){ (uint32_t)o, 1 };
			data[held++] = copies[i][o];
		}
		imgs[i] = stackimg_new(sp, len, runs, nr, data, prev, prev);
		sps[i] = sp;
		lens[i] = len;
		prev = imgs[i];
	}

	int same = 0, unchanged_right = 0, ends = 0;
	for (int i = 0; i < N; i++) {
		static unsigned char got[SPAN];
		same += stackimg_len(imgs[i]) == lens[i] && !stackimg_read(imgs[i], 0, got, lens[i]) &&
			!memcmp(got, copies[i], lens[i]);
		/* Word by word: unchanged exactly where no byte of the word changed. */
		int right = 1;
		for (size_t o = 0; o + 8 <= lens[i]; o += 8) {
			int any = 0;
			for (int k = 0; k < 8; k++)
				any |= changed[i][o + (size_t)k];
			if (stackimg_unchanged(imgs[i], o, 8) != (i > 0 && !any))
				right = 0;
		}
		unchanged_right += right;
		/* Reads of 8 bytes at odd places, across runs and parents. */
		uint64_t v;
		size_t at = (size_t)(next_rand() % (lens[i] - 8));
		if (stackimg_read(imgs[i], at, &v, 8) || memcmp(&v, copies[i] + at, 8))
			same--;
		ends += stackimg_read(imgs[i], lens[i] - 4, &v, 8) == -EFAULT;
	}
	T_EQ_INT(same, N, "every image reads back as its copy, all of a chain alive");
	T_EQ_INT(unchanged_right, N, "unchanged: exactly the words no run covers");
	T_EQ_INT(ends, N, "a read past the end is refused");
	T_OK(stackimg_changed_end(imgs[0]) == lens[0], "the first image has no previous one");

	/* Older images released (as a reader lets them go): the newest still reads right. */
	for (int i = 0; i < N - 1; i++) {
		stackimg_done(imgs[i]);
		stackimg_put(imgs[i]);
	}
	static unsigned char got[SPAN];
	T_OK(!stackimg_read(imgs[N - 1], 0, got, lens[N - 1]) &&
		     !memcmp(got, copies[N - 1], lens[N - 1]),
	     "the newest image reads right after the others are released");

	/* Reader data: attached, taken by the next image, freed with the image otherwise. */
	struct stackimg_run one = { 0, 8 };
	struct stack_img *a = stackimg_new(TOP - 64, 64, &one, 1, copies[0], imgs[N - 1], imgs[N - 1]);
	int *memo = malloc(sizeof(*memo));
	*memo = 7;
	stackimg_attach(imgs[N - 1], memo, free);
	int *taken = stackimg_take_prev(a);
	T_OK(taken == memo && !stackimg_take_prev(a), "the next image takes the data, once");
	free(taken);
	stackimg_attach(a, malloc(16), free); /* freed with a */
	stackimg_done(imgs[N - 1]);
	stackimg_put(imgs[N - 1]);
	stackimg_done(a);
	stackimg_put(a);
	T_DONE();
}
