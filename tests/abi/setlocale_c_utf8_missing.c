/* setlocale(LC_ALL, "C.UTF-8") returned NULL: glibc 2.36 does not build
 * that locale in, and the guest lacked its files (/usr/lib/locale/C.utf8).
 * With them, multibyte conversion, classification and case mapping of
 * non-ASCII characters work as on Linux. */
#define _GNU_SOURCE
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

int main(void)
{
	const char *r = setlocale(LC_ALL, "C.UTF-8");
	printf("setlocale(LC_ALL, \"C.UTF-8\"): %s\n", r ? r : "NULL");
	printf("CODESET: %s, MB_CUR_MAX: %d\n", nl_langinfo(CODESET), (int)MB_CUR_MAX);
	wchar_t w = 0;
	printf("mbtowc of U+00E9: %d, code %#x\n", mbtowc(&w, "\xc3\xa9", 2), (unsigned)w);
	printf("towupper: %#x, iswalpha: %s, wcwidth of U+4E2D: %d\n", (unsigned)towupper(w),
	       iswalpha(w) ? "yes" : "no", wcwidth(0x4e2d));
	char out[8] = {0};
	printf("wctomb of U+20AC: %d bytes, %s\n", wctomb(out, 0x20ac), strcmp(out, "\xe2\x82\xac") ? "wrong" : "right");
	printf("mbstowcs of a bad sequence: %ld\n", (long)mbstowcs(NULL, "a\xff", 0));
	r = setlocale(LC_CTYPE, "C.utf8");
	printf("setlocale(LC_CTYPE, \"C.utf8\"): %s\n", r ? r : "NULL");
	r = setlocale(LC_ALL, "");
	printf("setlocale(LC_ALL, \"\") without LANG: %s\n", r ? r : "NULL");
	r = setlocale(LC_ALL, "xx_YY.UTF-8");
	printf("setlocale of a locale nobody has: %s\n", r ? r : "NULL");
	return 0;
}
