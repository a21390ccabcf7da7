/* outfile.h — the one way a command writes its output file.
 *
 * Every write is checked and the first error is kept; outfile_commit()
 * flushes and closes and says whether everything arrived.  A regular file
 * (or a new one) is written under a temporary name in the same directory
 * (".NAME.XXXXXX") and renamed over NAME only when complete, so a reader never
 * sees a half-written file under the requested name.  Standard output, a
 * device or a FIFO is written in place, and so is an existing writable file
 * in a directory where no file can be created.  Nothing here prints.
 */
#ifndef STOKE_OUTFILE_H
#define STOKE_OUTFILE_H

#include <stddef.h>
#include <sys/types.h>

struct strbuf;
struct outfile;

/*
 * Open `path` for writing; NULL or "-" is standard output.  0 and *out (free
 * it with outfile_commit or outfile_abort), or a negative errno.
 */
int outfile_open(const char *path, struct outfile **out);

/*
 * Open `path` for a recording, which streams for a long time and must stay
 * readable if the recorder is killed, so it is written under its own name:
 * the file is locked (one recorder per file) and an existing non-empty file
 * is kept as "PATH.old" (replacing an older one); the new, empty file takes
 * its name atomically (in a directory where no file can be created, the
 * existing file is truncated and written instead).  -EBUSY when another
 * process is recording into path (*holder is its pid when known, else 0).
 */
int outfile_open_recording(const char *path, struct outfile **out, pid_t *holder);

/* The file descriptor to write to (valid until commit/abort). */
int outfile_fd(const struct outfile *of);
/*
 * Hand the descriptor to a writer that closes it itself (the recorder's
 * writer); commit then checks nothing more about it.
 */
int outfile_take_fd(struct outfile *of);
/* The name for messages: the path, or "standard output". */
const char *outfile_name(const struct outfile *of);
/* Where temporary data lives until commit (the path itself when in place). */
const char *outfile_write_path(const struct outfile *of);

/* Write all of data; keeps and returns the first error (negative errno). */
int outfile_write(struct outfile *of, const void *data, size_t n);
int outfile_write_sb(struct outfile *of, const struct strbuf *sb);
/* Record an error met by someone writing to outfile_fd() directly. */
void outfile_set_error(struct outfile *of, int err);

/*
 * Flush, close and put the file in place.  Returns 0 or the first error of
 * any write, the flush or the close; on error the temporary file is removed
 * and an existing file under the name is left as it was.  Frees of.
 */
int outfile_commit(struct outfile *of);

/*
 * Give up: remove the temporary file.  For a recording, remove the new file
 * and give the previous one (PATH.old) its name back.  Frees of; NULL is a no-op.
 */
void outfile_abort(struct outfile *of);

#endif
