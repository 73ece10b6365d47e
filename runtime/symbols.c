/* The absolute-symbol table: every name in symbols.def with its address in
 * this binary (which links them in by taking those addresses). */
#include <assert.h>
#include <complex.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fenv.h>
#include <getopt.h>
#include <inttypes.h>
#include <locale.h>
#include <malloc.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include "runtime.h"

/* Declared by no header: glibc's internal entry points that its headers'
 * macros expand to, and the compiler's helper functions. */
extern int __isoc99_scanf(const char *, ...), __isoc99_fscanf(FILE *, const char *, ...);
extern int __isoc99_sscanf(const char *, const char *, ...);
extern int __isoc99_vscanf(const char *, va_list), __isoc99_vfscanf(FILE *, const char *, va_list);
extern int __isoc99_vsscanf(const char *, const char *, va_list);
extern int __fpclassify(double), __fpclassifyf(float), __signbit(double), __signbitf(float);
extern int __isinf(double), __isnan(double), __finite(double);
extern int __isinff(float), __isnanf(float), __finitef(float);
extern int __fpclassifyl(long double), __signbitl(long double), __isinfl(long double);
extern int __isnanl(long double), __finitel(long double);
extern void __stack_chk_fail(void);
extern void __longjmp_chk(jmp_buf, int);
extern int _setjmp(jmp_buf);
extern __int128 __divti3(__int128, __int128), __modti3(__int128, __int128);
extern unsigned __int128 __udivti3(unsigned __int128, unsigned __int128);
extern unsigned __int128 __umodti3(unsigned __int128, unsigned __int128);
extern double _Complex __muldc3(double, double, double, double);
extern double _Complex __divdc3(double, double, double, double);
extern float _Complex __mulsc3(float, float, float, float), __divsc3(float, float, float, float);
extern long double _Complex __mulxc3(long double, long double, long double, long double);
extern long double _Complex __divxc3(long double, long double, long double, long double);
extern long double __powixf2(long double, int);
extern double __powidf2(double, int);
extern float __powisf2(float, int);
extern __float128 __addtf3(__float128, __float128), __subtf3(__float128, __float128);
extern __float128 __multf3(__float128, __float128), __divtf3(__float128, __float128);
extern __float128 __negtf2(__float128), __extenddftf2(double), __extendsftf2(float);
extern double __trunctfdf2(__float128);
extern float __trunctfsf2(__float128);
extern int __fixtfsi(__float128), __eqtf2(__float128, __float128);
extern long __fixtfdi(__float128);
extern unsigned __fixunstfsi(__float128);
extern unsigned long __fixunstfdi(__float128);
extern __float128 __floatsitf(int), __floatditf(long), __floatunsitf(unsigned);
extern __float128 __floatunditf(unsigned long);
extern int __netf2(__float128, __float128), __lttf2(__float128, __float128);
extern int __letf2(__float128, __float128), __gttf2(__float128, __float128);
extern int __getf2(__float128, __float128), __unordtf2(__float128, __float128);
extern double __floattidf(__int128), __floatuntidf(unsigned __int128);
extern __int128 __fixdfti(double);
extern unsigned __int128 __fixunsdfti(double);

#define F(name) {#name, (void *)&(name), true, true},
#define D(name) {#name, (void *)&(name), false, true},
#define R(name, ours) {#name, (void *)&(ours), true, true},
static const struct jit_symbol table[] = {
#include "symbols.def"
};
#undef F
#undef D
#undef R

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct jit_symbol *)a)->name, ((const struct jit_symbol *)b)->name);
}

/* This table and libc.c's, in one sorted by name (NULL without memory):
 * this one sorted, then merged with libc.def's, which tools/libc-names.py
 * writes sorted (tests/boot/jit_libc_names.sh: sorting all 2,300 took
 * 0.4 ms of every start). symbols.def's names are taken as LLVM's library
 * calls, whatever they are: it holds every name LLVM may call by itself. */
const struct jit_symbol *runtime_symbols(size_t *n)
{
	static struct jit_symbol *all;
	static size_t nall;
	if (!all) {
		size_t nlibc, nown = sizeof table / sizeof table[0], a = 0, b = 0;
		const struct jit_symbol *libc = libc_symbols(&nlibc);
		struct jit_symbol *own = malloc(sizeof table);
		all = own ? malloc((nown + nlibc) * sizeof *all) : NULL;
		if (!all) {
			free(own);
			return NULL;
		}
		memcpy(own, table, sizeof table);
		qsort(own, nown, sizeof *own, by_name);
		while (a < nown || b < nlibc)
			all[nall++] = b == nlibc || (a < nown && by_name(&own[a], &libc[b]) < 0)
					  ? own[a++]
					  : libc[b++];
		free(own);
	}
	*n = nall;
	return all;
}
