/* Freestanding memory and string functions, which the compiler may also call itself. */
#include <stddef.h>
#include <stdint.h>

#include "kstring.h"

/*
 * memcpy and memset must never become calls to themselves, so on x86-64 they are string
 * instructions in inline asm. Eight bytes per iteration: under QEMU's software emulation
 * each iteration costs about the same whatever its width. Elsewhere they are byte loops,
 * which -fno-builtin keeps the compiler from turning back into memcpy/memset calls.
 * The direction flag is clear on entry (SysV ABI; every kernel entry path does cld).
 */

/* Copy n bytes; the regions must not overlap. Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *ret = dst;
#if defined(__x86_64__)
	size_t words = n / 8, tail = n % 8;

	__asm__ volatile("rep movsq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(dst), "+S"(src), "+c"(words)
			 : [tail] "r"(tail)
			 : "memory", "cc");
#else
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
#endif
	return ret;
}

/* Copy n bytes between regions that may overlap. Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n == 0 || d <= s || d >= s + n)
		return memcpy(dst, src, n); /* a forward copy never reads a byte it wrote */
#if defined(__x86_64__)
	/* dst overlaps above src: copy backwards from the last byte, then restore DF. */
	unsigned char *d_last = d + n - 1;
	const unsigned char *s_last = s + n - 1;

	__asm__ volatile("std\n\t"
			 "rep movsb\n\t"
			 "cld"
			 : "+D"(d_last), "+S"(s_last), "+c"(n)
			 :
			 : "memory", "cc");
#else
	while (n--)
		d[n] = s[n];
#endif
	return dst;
}

/* Fill n bytes with (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n)
{
	void *ret = dst;
#if defined(__x86_64__)
	uint64_t v = (uint8_t)c * 0x0101010101010101ull;
	size_t words = n / 8, tail = n % 8;

	__asm__ volatile("rep stosq\n\t"
			 "mov %[tail], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(dst), "+c"(words)
			 : "a"(v), [tail] "r"(tail)
			 : "memory", "cc");
#else
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
#endif
	return ret;
}

/* Compare n bytes as unsigned char: <0, 0 or >0. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

/* Length of the NUL-terminated string s. */
size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* Length of s, but looks at no more than max bytes. */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* Compare strings as unsigned char: <0, 0 or >0. */
int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

/* strcmp over at most n bytes. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

/* First occurrence of (char)c in s, the terminating NUL included; NULL if none. */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

/* Copy at most size-1 bytes and NUL-terminate when size > 0; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
