/* elfinit.h — the one place libelf is initialised.
 *
 * libelf refuses every call (elf_begin returns NULL) until elf_version() has
 * been called once in the process.  Every module that opens ELF files calls
 * elfinit() first: the profiler's build-id reader, the symbolizer, the CFI
 * reader and the unwinder.  Safe to call from any thread, any number of times.
 */
#ifndef STOKE_ELFINIT_H
#define STOKE_ELFINIT_H

void elfinit(void);

#endif
