/* target.h — start a command stopped before exec, release it, reap it. */
#ifndef STOKE_TARGET_H
#define STOKE_TARGET_H

#include <sys/types.h>

struct target;

/*
 * Fork a child that waits before exec'ing argv (searched in PATH).  Nothing
 * of the command runs until target_start().  Returns 0 and sets *out, or a
 * negative errno.
 */
int target_prepare(char *const argv[], struct target **out);

pid_t target_pid(const struct target *t);

/*
 * Let the child exec.  Returns 0 once exec succeeded, or the negative errno
 * of the failed exec (-ENOENT: command not found, -EACCES: not executable);
 * the child has then exited and is reaped.
 */
int target_start(struct target *t);

/*
 * Reap the child if it has exited (non-blocking unless `block`).  Returns 1
 * and sets *status (a wait status) when it has, 0 when still running, or a
 * negative errno.
 */
int target_reap(struct target *t, int block, int *status);

/* Send a signal to the child if it still runs. */
void target_kill(struct target *t, int sig);

/* Kills a child that never started, reaps, frees.  NULL is a no-op. */
void target_free(struct target *t);

#endif
