/* common/error: one error channel.  Every stoke code has its own name (not strerror's
 * "Unknown error N"), codes sit above every errno value, and errno values read as strerror. */
#include "common/error.h"
#include "t.h"

#include <errno.h>

int main(void)
{
	int named = 1, distinct = 1;
	for (int e = STOKE_EFIRST; e < STOKE_ELAST; e++) {
		const char *m = stoke_strerror(-e);
		if (!m || !*m || !strncmp(m, "Unknown error", 13)) {
			printf("# code %d has no name\n", e);
			named = 0;
		}
		for (int f = STOKE_EFIRST; f < e; f++)
			if (!strcmp(m, stoke_strerror(-f)))
				distinct = 0;
	}
	T_OK(named, "every stoke error code has a name");
	T_OK(distinct, "no two codes share a message");
	T_OK(STOKE_EFIRST > 133 /* EHWPOISON, the largest Linux errno */, "codes above errno's range");
	T_EQ_STR(stoke_strerror(-ENOENT), strerror(ENOENT), "errno values read as strerror");
	T_EQ_STR(stoke_strerror(-STOKE_EBADMAGIC), "not a stoke data file (bad magic)",
		 "a file error keeps its message");
	T_OK(!strncmp(stoke_strerror(-(STOKE_ELAST + 7)), "Unknown error", 13),
	     "a number no one defined is not given a stoke name");
	T_DONE();
}
