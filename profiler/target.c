#include "profiler/target.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct target {
	pid_t pid;
	int go_fd;    /* write end: closing it releases the child */
	int err_fd;   /* read end: errno of a failed exec, EOF on success */
	int started;
	int reaped;
};

int target_prepare(char *const argv[], struct target **out)
{
	int go[2], ep[2];
	if (pipe2(go, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(ep, O_CLOEXEC) < 0) {
		int err = -errno;
		close(go[0]);
		close(go[1]);
		return err;
	}
	pid_t pid = fork();
	if (pid < 0) {
		int err = -errno;
		close(go[0]); close(go[1]); close(ep[0]); close(ep[1]);
		return err;
	}
	if (pid == 0) {
		char c;
		close(go[1]);
		close(ep[0]);
		/* Restore what a shell would give the command. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* parent gave up */
		execvp(argv[0], argv);
		int e = errno;
		if (write(ep[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ep[1]);
	struct target *t = xcalloc(1, sizeof(*t));
	t->pid = pid;
	t->go_fd = go[1];
	t->err_fd = ep[0];
	*out = t;
	return 0;
}

pid_t target_pid(const struct target *t)
{
	return t->pid;
}

int target_start(struct target *t)
{
	char c = 1;
	int e = 0;
	ssize_t n;

	if (write(t->go_fd, &c, 1) != 1)
		return -errno;
	close(t->go_fd);
	t->go_fd = -1;
	t->started = 1;
	do
		n = read(t->err_fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(t->err_fd);
	t->err_fd = -1;
	if (n == (ssize_t)sizeof(e)) {
		int status;
		target_reap(t, 1, &status);
		return -e;
	}
	return 0;
}

int target_reap(struct target *t, int block, int *status)
{
	if (t->reaped)
		return 1;
	pid_t r;
	do
		r = waitpid(t->pid, status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return 0;
	t->reaped = 1;
	return 1;
}

void target_kill(struct target *t, int sig)
{
	if (!t->reaped)
		kill(t->pid, sig);
}

void target_free(struct target *t)
{
	if (!t)
		return;
	if (t->go_fd >= 0)
		close(t->go_fd); /* an unstarted child reads EOF and exits */
	if (t->err_fd >= 0)
		close(t->err_fd);
	if (!t->reaped) {
		int status;
		if (!t->started)
			kill(t->pid, SIGKILL);
		target_reap(t, 1, &status);
	}
	free(t);
}
