/* speedscope.h — an export_profile as speedscope's JSON file format
 * ($schema https://www.speedscope.app/file-format-schema.json).
 *
 * Shared frames are the profile's functions ({name, file}); each thread is
 * one "sampled" profile named "COMM PID/TID" (folded input: one profile named
 * after the file) whose samples, in time order, list frame indexes root
 * first.  Weights are the samples' weights: unit "nanoseconds" for a time
 * value type, "none" (event counts) otherwise.
 */
#ifndef STOKE_SPEEDSCOPE_H
#define STOKE_SPEEDSCOPE_H

#include "common/strbuf.h"
#include "report/export.h"

/* Write p as one JSON document named name to fd, in large pieces.  0 or a negative errno. */
int speedscope_write(const struct export_profile *p, const char *name, int fd);

#endif
