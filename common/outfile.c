/* Checked output files with an atomic final rename (see outfile.h). */
#include "common/outfile.h"
#include "common/strbuf.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outfile {
	char *path;      /* the requested name (resolved through symlinks), NULL: stdout */
	char *tmp;       /* temporary name renamed over path at commit; NULL: in place */
	char *old;       /* recording: where the previous file was kept, or NULL */
	int fd;          /* -1 once taken */
	int err;         /* first error met, or 0 */
	int recording;   /* opened by outfile_open_recording */
	dev_t dev;       /* recording: the new file, to undo only our own */
	ino_t ino;
};

static struct outfile *outfile_alloc(const char *path)
{
	struct outfile *of = xcalloc(1, sizeof(*of));
	of->fd = -1;
	if (path) {
		/* A symlink's target is what gets replaced, not the link. */
		char *real = realpath(path, NULL);
		of->path = real ? real : xstrdup(path);
	}
	return of;
}

static void outfile_free(struct outfile *of)
{
	if (of->fd > STDERR_FILENO)
		close(of->fd);
	free(of->path);
	free(of->tmp);
	free(of->old);
	free(of);
}

/* Keep descriptors 0-2 free: a command started with stdin closed must not write there. */
static int above_stdio(int fd)
{
	if (fd < 0 || fd > STDERR_FILENO)
		return fd;
	int nfd = fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
	int e = errno;
	close(fd);
	errno = e;
	return nfd;
}

/* Create a new file next to path: "DIR/.BASE.XXXXXX" (O_EXCL, mode 0666 less umask). */
static int create_beside(const char *path, char **name)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	struct strbuf sb = STRBUF_INIT;
	static unsigned counter;
	for (int tries = 0; tries < 100; tries++) {
		strbuf_reset(&sb);
		strbuf_add(&sb, path, dirlen);
		strbuf_addf(&sb, ".%s.%06x", path + dirlen,
			    (unsigned)(hash64(now_ns() ^ ((uint64_t)getpid() << 20) ^ counter++) & 0xffffff));
		int fd = open(sb.buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (fd >= 0) {
			*name = strbuf_detach(&sb);
			return above_stdio(fd);
		}
		if (errno != EEXIST) {
			int err = -errno;
			strbuf_release(&sb);
			return err;
		}
	}
	strbuf_release(&sb);
	return -EEXIST;
}

int outfile_open(const char *path, struct outfile **out)
{
	if (!path || !strcmp(path, "-")) {
		struct outfile *of = outfile_alloc(NULL);
		of->fd = STDOUT_FILENO;
		*out = of;
		return 0;
	}
	struct outfile *of = outfile_alloc(path);
	struct stat st;
	int have = stat(of->path, &st) == 0;
	int err;
	if (have && S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto fail;
	}
	if (have && !S_ISREG(st.st_mode)) {
		/* A device or FIFO: there is nothing to replace atomically. */
		of->fd = above_stdio(open(of->path, O_WRONLY | O_TRUNC | O_CLOEXEC));
		if (of->fd < 0) {
			err = -errno;
			goto fail;
		}
		*out = of;
		return 0;
	}
	of->fd = create_beside(of->path, &of->tmp);
	if (of->fd < 0 && have && (of->fd == -EACCES || of->fd == -EPERM || of->fd == -EROFS)) {
		/* A writable file in a directory we cannot create in: write it in place. */
		of->fd = above_stdio(open(of->path, O_WRONLY | O_TRUNC | O_CLOEXEC));
		if (of->fd < 0)
			of->fd = -errno;
	}
	if (of->fd < 0) {
		err = of->fd;
		of->fd = -1;
		goto fail;
	}
	if (have && of->tmp)
		fchmod(of->fd, st.st_mode & 07777); /* the replacement keeps the file's mode */
	*out = of;
	return 0;
fail:
	outfile_free(of);
	return err;
}

/* Lock fd for writing without waiting; -EBUSY (and the holder's pid) when someone holds it. */
static int lock_fd(int fd, pid_t *holder)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return 0;
	if (errno != EAGAIN && errno != EACCES)
		return -errno;
	struct flock q = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	if (holder)
		*holder = fcntl(fd, F_GETLK, &q) == 0 && q.l_type != F_UNLCK ? q.l_pid : 0;
	return -EBUSY;
}

int outfile_open_recording(const char *path, struct outfile **out, pid_t *holder)
{
	struct outfile *of = outfile_alloc(path);
	struct stat st, now;
	int lfd = -1, err;

	if (holder)
		*holder = 0;
	of->recording = 1;
	/* Lock whatever file holds the name now, and make sure it still holds it
	 * once locked (someone may have replaced it in between). */
	for (int tries = 0;; tries++) {
		lfd = above_stdio(open(of->path, O_RDWR | O_CREAT | O_CLOEXEC, 0666));
		if (lfd < 0) {
			err = -errno;
			goto fail;
		}
		if (fstat(lfd, &st) < 0) {
			err = -errno;
			goto fail;
		}
		if (!S_ISREG(st.st_mode)) {
			/* A device or FIFO: written in place, nothing to lock or keep. */
			close(lfd);
			lfd = -1;
			of->fd = above_stdio(open(of->path, O_WRONLY | O_TRUNC | O_CLOEXEC));
			if (of->fd < 0) {
				err = -errno;
				goto fail;
			}
			*out = of;
			return 0;
		}
		err = lock_fd(lfd, holder);
		if (err)
			goto fail;
		if (stat(of->path, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
			break;
		close(lfd);
		lfd = -1;
		if (tries == 10) {
			err = -EBUSY;
			goto fail;
		}
	}
	of->fd = create_beside(of->path, &of->tmp);
	if (of->fd == -EACCES || of->fd == -EPERM || of->fd == -EROFS) {
		/* A writable file in a directory we cannot create in: record into the
		 * locked file itself (no PATH.old can be kept there either). */
		if (ftruncate(lfd, 0) < 0) {
			err = -errno;
			goto fail;
		}
		of->fd = lfd;
		of->dev = st.st_dev;
		of->ino = st.st_ino;
		*out = of;
		return 0;
	}
	if (of->fd < 0) {
		err = of->fd;
		of->fd = -1;
		goto fail;
	}
	err = lock_fd(of->fd, NULL);
	if (err)
		goto fail;
	fchmod(of->fd, st.st_mode & 07777);
	if (st.st_size > 0) {
		/* Keep the previous recording as PATH.old; the name itself never goes
		 * missing, so a second recorder always finds a locked file there. */
		struct strbuf old = STRBUF_INIT;
		char *keep = NULL;
		strbuf_addf(&old, "%s.old", of->path);
		int kfd = create_beside(old.buf, &keep);
		if (kfd >= 0) {
			close(kfd);
			unlink(keep);
			if (link(of->path, keep) == 0 && rename(keep, old.buf) == 0)
				err = 0;
			else
				err = -errno;
			unlink(keep);
			free(keep);
		} else {
			err = kfd;
		}
		if (err) {
			strbuf_release(&old);
			goto fail;
		}
		of->old = strbuf_detach(&old);
	}
	if (rename(of->tmp, of->path) < 0) {
		err = -errno;
		goto fail;
	}
	free(of->tmp);
	of->tmp = NULL;
	close(lfd); /* releases the lock on the previous file, now PATH.old */
	if (fstat(of->fd, &st) == 0) {
		of->dev = st.st_dev;
		of->ino = st.st_ino;
	}
	*out = of;
	return 0;
fail:
	if (lfd >= 0)
		close(lfd);
	if (of->tmp)
		unlink(of->tmp);
	outfile_free(of);
	return err;
}

int outfile_fd(const struct outfile *of)
{
	return of->fd;
}

int outfile_take_fd(struct outfile *of)
{
	int fd = of->fd;
	of->fd = -1;
	return fd;
}

const char *outfile_name(const struct outfile *of)
{
	return of->path ? of->path : "standard output";
}

const char *outfile_write_path(const struct outfile *of)
{
	return of->tmp ? of->tmp : of->path;
}

int outfile_write(struct outfile *of, const void *data, size_t n)
{
	if (!of->err)
		of->err = write_all(of->fd, data, n);
	return of->err;
}

int outfile_write_sb(struct outfile *of, const struct strbuf *sb)
{
	return outfile_write(of, sb->buf, sb->len);
}

void outfile_set_error(struct outfile *of, int err)
{
	if (!of->err)
		of->err = err;
}

int outfile_commit(struct outfile *of)
{
	int err = of->err;
	if (of->fd >= 0) {
		/* Regular files: fsync so a crash right after cannot leave an empty
		 * file under the name; pipes and terminals cannot be synced. */
		if (!err && of->tmp && fsync(of->fd) < 0)
			err = -errno;
		if (close(of->fd) < 0 && !err && errno != EINTR)
			err = -errno;
		of->fd = -1;
	}
	if (of->tmp) {
		if (!err && rename(of->tmp, of->path) < 0)
			err = -errno;
		if (err)
			unlink(of->tmp);
	}
	outfile_free(of);
	return err;
}

void outfile_abort(struct outfile *of)
{
	if (!of)
		return;
	if (of->tmp)
		unlink(of->tmp);
	if (of->recording && of->ino) {
		struct stat st;
		if (stat(of->path, &st) == 0 && st.st_dev == of->dev && st.st_ino == of->ino) {
			if (!of->old || rename(of->old, of->path) < 0)
				unlink(of->path);
		}
	}
	outfile_free(of);
}
