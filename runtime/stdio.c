/*
 * The program's character I/O without the stream locks while it has one
 * thread. glibc takes a stream's lock in every call once a process has a
 * second thread, and this process always has the runtime's (the compiler
 * thread, the tier-0 helper): a loop of getchar and putchar, a filter's,
 * took 2.3 times as long under the runtime as the same program built by
 * clang, which has one thread and takes no lock. So until the program has
 * a second thread of its own (rt_program_threaded), these go through the
 * streams unlocked, as glibc's would in the program built alone; after,
 * glibc's, locking. stderr always takes its lock: the runtime's threads
 * write their messages there (whatever stderr then is). An LLVM failure
 * on the compiler thread (jit/llvm.c's llvm_fatal, or the compile server's
 * reply that LLVM failed there, jit/remote.c) flushes stdout as it ends the
 * process, which may then race a write of the program's in progress.
 */
#include <stdio.h>

#include "runtime.h"

static bool unlocked(FILE *f)
{
	return f != stderr && !rt_program_threaded();
}

int rt_getc(FILE *f)
{
	return unlocked(f) ? getc_unlocked(f) : getc(f);
}

int rt_fgetc(FILE *f)
{
	return unlocked(f) ? fgetc_unlocked(f) : fgetc(f);
}

int rt_getchar(void)
{
	return unlocked(stdin) ? getchar_unlocked() : getchar();
}

int rt_putc(int c, FILE *f)
{
	return unlocked(f) ? putc_unlocked(c, f) : putc(c, f);
}

int rt_fputc(int c, FILE *f)
{
	return unlocked(f) ? fputc_unlocked(c, f) : fputc(c, f);
}

int rt_putchar(int c)
{
	return unlocked(stdout) ? putchar_unlocked(c) : putchar(c);
}

int rt_feof(FILE *f)
{
	return unlocked(f) ? feof_unlocked(f) : feof(f);
}

int rt_ferror(FILE *f)
{
	return unlocked(f) ? ferror_unlocked(f) : ferror(f);
}
