/* error.h — stoke's one error channel.
 *
 * Every library function of stoke (profiler/, symbolize/, report/, common/)
 * that can fail returns 0 (or a count) on success and a negative number on
 * failure: either -errno, or minus one of the codes below for what errno has
 * no name for.  The codes start at STOKE_EFIRST, above every errno value, so
 * one int carries both; stoke_strerror() names either kind.
 */
#ifndef STOKE_ERROR_H
#define STOKE_ERROR_H

enum stoke_error {
	STOKE_EFIRST = 2000,
	/* stoke files (common/format) */
	STOKE_EBADMAGIC = STOKE_EFIRST, /* not a stoke file */
	STOKE_EVERSION,                 /* a format version this stoke cannot read */
	STOKE_ETRUNCATED,               /* the file ends inside a frame */
	STOKE_ECORRUPT,                 /* a frame or record fails its checks */
	STOKE_EENDIAN,                  /* a perf.data file of the other byte order */
	/* events (profiler/evspec, profiler/record, report/) */
	STOKE_EEVENT,                   /* no such event name */
	STOKE_EMODIFIER,                /* bad modifier after ':' in an event name */
	STOKE_ENOPMU,                   /* the event needs a hardware PMU this machine lacks */
	STOKE_ENOEVENT,                 /* the file has no event of the name asked for */
	STOKE_EKSTACK,                  /* the event (off-cpu) samples in kernel mode, not allowed */
	/* files stoke reads on a process's word (symbolize/perfmap) */
	STOKE_ENOTREG,                  /* a symlink or not a regular file */
	STOKE_EOWNER,                   /* owned by another user than the reader or root */
	STOKE_ELAST                     /* one past the last code */
};

/*
 * The message for err, a negative stoke error or a negative errno (strerror's
 * text).  Lowercase, no final period.  Never NULL; the string is static or
 * strerror's (valid until the next call of strerror).
 */
const char *stoke_strerror(int err);

#endif
