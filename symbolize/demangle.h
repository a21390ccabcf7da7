/* demangle.h — C++ (Itanium ABI) and Rust (legacy and v0) symbol names. */
#ifndef STOKE_DEMANGLE_H
#define STOKE_DEMANGLE_H

/* The demangled name (caller frees), or NULL when name is not mangled or not understood. */
char *demangle(const char *name);

#endif
