/* export_model.h — building an export_profile: interned functions, mappings, locations, stacks,
 * threads.  Internal to report/export*.c; the writers read the finished struct only. */
#ifndef STOKE_EXPORT_MODEL_H
#define STOKE_EXPORT_MODEL_H

#include "report/export.h"

/* An empty profile with its tables (free with export_free). */
struct export_profile *xb_new(void);

/* s interned in the profile (equal strings, one pointer); NULL stays NULL. */
const char *xb_str(struct export_profile *p, const char *s);

/* Index of the function (name, system_name, file): arguments interned by xb_str. */
uint32_t xb_function(struct export_profile *p, const char *name, const char *system_name,
		     const char *file);

/* Id (index + 1) of the mapping of file over [start, limit) at offset; file, build_id interned. */
uint32_t xb_mapping(struct export_profile *p, const char *file, uint64_t start, uint64_t limit,
		    uint64_t offset, const char *build_id);

/* Id of the one kernel mapping, its range widened to hold addr. */
uint32_t xb_kernel_mapping(struct export_profile *p, uint64_t addr);

/*
 * Index of the location of addr in mapping (EXPORT_NONE: none; then scope,
 * say the pid, keeps equal addresses of different processes apart) with
 * these lines, innermost first.  Equal keys and lines give one location.
 */
uint32_t xb_location(struct export_profile *p, uint32_t mapping, uint64_t addr, uint32_t scope,
		     const struct export_line *lines, size_t n);

/* Index of the stack of these location indexes, leaf first. */
uint32_t xb_stack(struct export_profile *p, const uint32_t *locs, size_t n);

/* Append a sample to the thread (pid, tid) named comm (a new thread entry when its name changed). */
void xb_sample(struct export_profile *p, uint32_t pid, uint32_t tid, const char *comm,
	       uint32_t stack, uint64_t count, uint64_t weight, uint64_t time);

/* Put the mappings of main_file (may be NULL) first, renumbering the locations. */
void xb_finish(struct export_profile *p, const char *main_file);

#endif
