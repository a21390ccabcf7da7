/* Temporary: stoke-file loading lands with report/session.c. */
#include "report/profile.h"
#include <errno.h>
int profile_load_stoke(const char *path, const struct profile_opts *o, struct tree *t,
		       struct profile_info *info)
{
	(void)path; (void)o; (void)t; (void)info;
	return -ENOSYS;
}
