/* profile_stoke.h — the stoke-file half of profile_load() (report/ internal). */
#ifndef STOKE_PROFILE_STOKE_H
#define STOKE_PROFILE_STOKE_H

#include "report/profile.h"

/*
 * Read the stoke file at path into t (an empty tree the caller owns), through
 * the session, the resolver and the symbolizer, applying o's filters, and
 * fill *info (zeroed by the caller), as profile_load() describes.
 */
int profile_load_stoke(const char *path, const struct profile_opts *o, struct tree *t,
		       struct profile_info *info);

#endif
