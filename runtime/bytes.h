/*
 * Bytes in and out: a growing buffer to write integers and strings into,
 * and a reader that checks every length against the end of what it reads.
 * The code cache's files (cache/) and the compile server's frames
 * (jit/remote.c) are made and read with them. Integers are in the
 * machine's order (x86-64's: little-endian); a string is its length (u32)
 * and its bytes, without the NUL.
 */
#ifndef BFRT_BYTES_H
#define BFRT_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bytes {
	unsigned char *p; /* malloc'ed; free it */
	size_t n, cap;
	bool failed; /* out of memory: what was put since is lost */
};
void bytes_put(struct bytes *b, const void *p, size_t n);
void bytes_u8(struct bytes *b, uint8_t v);
void bytes_u32(struct bytes *b, uint32_t v);
void bytes_u64(struct bytes *b, uint64_t v);
/* s may be NULL: the empty string. */
void bytes_str(struct bytes *b, const char *s);

struct reader {
	const unsigned char *p, *end;
	bool bad; /* a read went past the end: every later one reads 0 */
};
/* The next n bytes, or NULL (and bad) if fewer are left. */
const void *read_take(struct reader *r, size_t n);
uint8_t read_u8(struct reader *r);
uint32_t read_u32(struct reader *r);
uint64_t read_u64(struct reader *r);

#endif
