/* replay.h — a stoke file read back in time order with its resolver: the wiring that every
 * consumer of symbolized samples shares (the call tree of profile_stoke.c, script, export).
 *
 * replay_new() makes the session and the resolver, the symbolizer's options taken from the
 * profile options; replay_read() reads the file, handing every timed process record and
 * every metadata record to the resolver before the caller's own handler sees it, so the
 * caller's sample handler finds the address space as it was at that sample.
 *
 * Ownership: the replay owns its session and resolver; replay_session() and
 * replay_resolver() lend them until replay_free().  It borrows o, which must outlive it;
 * the symbolizer's warnings go to o->warn.
 */
#ifndef STOKE_REPLAY_H
#define STOKE_REPLAY_H

#include "report/profile.h"
#include "report/resolve.h"
#include "report/session.h"

struct replay;

/* demangle: names demangled by the symbolizer (0: as in the file, for a caller that keeps
 * both); lines: source file:line of each frame. */
struct replay *replay_new(const struct profile_opts *o, int demangle, int lines);
void replay_free(struct replay *rp); /* frees the session and the resolver; NULL is a no-op */

struct session *replay_session(const struct replay *rp);
struct resolver *replay_resolver(const struct replay *rp);

/*
 * session_read() of path with the caller's handlers (record and meta may be NULL), after
 * the resolver had each record.  Returns what session_read returns: 0 read to the end,
 * 1 cut short or corrupt (session_error), a negative error when nothing could be read.
 * A replay reads one file.
 */
int replay_read(struct replay *rp, const char *path, const struct session_handlers *hd);

#endif
