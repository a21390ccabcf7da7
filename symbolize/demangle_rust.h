/* demangle_rust.h — Rust "v0" symbol names (RFC 2603), printed as profilers show them:
 * without crate disambiguator hashes or integer-constant type suffixes
 * ("core::ptr::drop_in_place::<alloc::string::String>"). */
#ifndef STOKE_DEMANGLE_RUST_H
#define STOKE_DEMANGLE_RUST_H

/*
 * Demangle a v0 symbol ("_R...", also "R..." and "__R..."), optionally followed by a
 * vendor suffix (".llvm.NNN" is dropped; other "."/"$" suffixes are kept as they are).
 * Returns a new string (caller frees), or NULL when name is not a valid v0 symbol, nests
 * deeper than 300 levels or would print more than 1 MiB.  Reads nothing past the NUL.
 */
char *rust_v0_demangle(const char *name);

#endif
