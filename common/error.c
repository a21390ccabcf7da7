/* The names of stoke's error codes (common/error.h). */
#include "common/error.h"

#include <string.h>

const char *stoke_strerror(int err)
{
	switch ((enum stoke_error)-err) {
	case STOKE_EBADMAGIC: return "not a stoke data file (bad magic)";
	case STOKE_EVERSION: return "file format version not supported by this stoke";
	case STOKE_ETRUNCATED: return "file is truncated inside a frame";
	case STOKE_ECORRUPT: return "file is corrupt (frame or record fails its checks)";
	case STOKE_EENDIAN: return "perf.data file of the other byte order (not supported; convert "
				   "it with perf on a machine of that order)";
	case STOKE_EEVENT: return "unknown event name";
	case STOKE_EMODIFIER: return "bad event modifier (use :u, :k, :h, :p)";
	case STOKE_ENOPMU: return "the event needs a hardware PMU this machine lacks";
	case STOKE_ENOEVENT: return "the file has no event of that name";
	case STOKE_EKSTACK: return "the event samples in kernel mode, which "
				   "kernel.perf_event_paranoid refuses";
	case STOKE_ENOTREG: return "not a regular file (a symlink?)";
	case STOKE_EOWNER: return "owned by another user";
	case STOKE_ELAST: break;
	}
	return strerror(-err);
}
