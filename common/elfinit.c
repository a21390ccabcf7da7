#include "common/elfinit.h"

#include <libelf.h>
#include <pthread.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init(void)
{
	elf_version(EV_CURRENT);
}

void elfinit(void)
{
	pthread_once(&once, init);
}
