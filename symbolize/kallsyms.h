/* kallsyms.h — the kernel symbol table of a recording, from its kallsyms snapshot. */
#ifndef STOKE_KALLSYMS_H
#define STOKE_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

struct ksyms;

/* Parse /proc/kallsyms text (copied).  Text symbols only; never NULL. */
struct ksyms *ksyms_parse(const char *text, size_t len);
void ksyms_free(struct ksyms *k);

/* 1 when every address was zero: the kernel hid them (kptr_restrict). */
int ksyms_hidden(const struct ksyms *k);
size_t ksyms_count(const struct ksyms *k);

/*
 * The symbol containing addr: sets *name, *module ("[kernel.kallsyms]" or
 * "[ext4]") and *off (addr - symbol start).  Returns 0, or -ENOENT when addr
 * is below the first symbol or past the last one's module.
 */
int ksyms_lookup(const struct ksyms *k, uint64_t addr, const char **name, const char **module,
		 uint64_t *off);

#endif
