/* stackimg.h — a DWARF sample's stack copy as a reader holds it: its own bytes over the previous one's.
 *
 * Consecutive samples of a thread share most of their stack copies (see
 * stackref.h).  An image is a copy of len bytes starting at address sp: the
 * runs it holds itself (the bytes that changed), and, for every other byte,
 * the thread's previous image (its parent), which holds those addresses.
 * Nothing shared is copied; a chain is cut (one image made whole) when it
 * gets long.  Images are reference counted and immutable, except for one
 * slot of a reader's data beside the bytes (the unwinder's memo of the
 * image's frames), which is a cache and changes through const pointers.
 */
#ifndef STOKE_STACKIMG_H
#define STOKE_STACKIMG_H

#include <stddef.h>
#include <stdint.h>

struct stack_img;

/* Bytes [off, off + len) of a copy, held by its image (off, len: from the copy's start). */
struct stackimg_run {
	uint32_t off, len;
};

/*
 * A new image (one reference, the caller's) of a copy of len bytes at sp whose
 * bytes in runs (sorted, apart, inside len) are data, one run after another,
 * and whose other bytes are parent's at the same addresses (parent: a new
 * reference is taken; NULL when the runs cover the copy).  prev: the thread's
 * previous image, whose reader data the new one may take (a reference is
 * taken until stackimg_done; may be NULL, and need not be parent).
 */
struct stack_img *stackimg_new(uint64_t sp, size_t len, const struct stackimg_run *runs,
			       size_t nr_runs, const unsigned char *data, struct stack_img *parent,
			       struct stack_img *prev);
void stackimg_put(struct stack_img *img); /* NULL is a no-op */
struct stack_img *stackimg_get(struct stack_img *img); /* another reference; returns img */

uint64_t stackimg_sp(const struct stack_img *img);
size_t stackimg_len(const struct stack_img *img);

/* n bytes at offset off of the copy into out: 0, or -EFAULT past its end. */
int stackimg_read(const struct stack_img *img, uint64_t off, void *out, size_t n);

/* 1 when bytes [off, off + n) of the copy are the previous image's (prev above): no run of
 * this image covers them.  0 when they changed, or there is no previous image. */
int stackimg_unchanged(const struct stack_img *img, uint64_t off, size_t n);

/* The offset past which no run of the image lies (its copy's length when it has no previous
 * image): every byte from there to the end is the previous image's. */
uint64_t stackimg_changed_end(const struct stack_img *img);

/*
 * A copy in one piece, brought up to date image by image along a thread: where the
 * image before held the previous image of the thread, only the new image's runs are
 * written.  Starts zeroed; stackimg_flat_release frees it.
 */
struct stackimg_flat {
	unsigned char *buf;
	size_t cap;
	uint64_t base;               /* the address buf[0] stands for */
	const struct stack_img *of;  /* the image it holds (no reference: compared only) */
};

/* img's copy in one piece (stackimg_len bytes, valid until f is used or released again). */
const unsigned char *stackimg_flatten(const struct stack_img *img, struct stackimg_flat *f);
void stackimg_flat_release(struct stackimg_flat *f);

/*
 * A reader's data about an image, freed with free_fn with the image unless
 * the next image of the thread takes it (stackimg_take_prev); replaces
 * (and frees) what was attached before.
 */
void stackimg_attach(const struct stack_img *img, void *data, void (*free_fn)(void *));

/* Take the data attached to the previous image (the caller owns it now), or NULL. */
void *stackimg_take_prev(const struct stack_img *img);

/* img was delivered: it lets go of the previous image (else a thread's images would all stay
 * alive, each holding the one before). */
void stackimg_done(const struct stack_img *img);

#endif
