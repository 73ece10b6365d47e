/* The runtime's parts, as main.c sees them. */
#ifndef BFRT_RUNTIME_H
#define BFRT_RUNTIME_H

#include <aio.h>
#include <grp.h>
#include <mqueue.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <threads.h>
#include <time.h>
#include <wchar.h>

#include "jit/jit.h"

/* symbols.c: what JIT code may use in this binary (symbols.def and
 * libc.def), sorted by name; NULL without memory. libc.c: libc.def's. */
const struct jit_symbol *runtime_symbols(size_t *n);
const struct jit_symbol *libc_symbols(size_t *n);

/* fault.c: whether this runs on BareFlow's kernel (its uname says so),
 * rather than on Linux. */
bool rt_on_bareflow(void);
/* alloc.c: the program's malloc and calloc (glibc's, large blocks aligned
 * to a cache line); NULL and errno as theirs. */
void *rt_malloc(size_t size);
void *rt_calloc(size_t n, size_t size);
/* ownalloc.c: where the program defines malloc (malloc_fn, its address;
 * realloc_fn and free_fn, its realloc's and free's or NULL), the C
 * library's functions that hand it memory to free, or grow a block it
 * allocated, use its allocator: strdup, strndup, wcsdup, asprintf,
 * vasprintf, getline, getdelim, realpath, canonicalize_file_name, getcwd,
 * get_current_dir_name, tempnam, reallocarray. */
void rt_own_allocator(void *malloc_fn, void *realloc_fn, void *free_fn);
char *rt_strdup(const char *s);
char *rt_strndup(const char *s, size_t n);
wchar_t *rt_wcsdup(const wchar_t *s);
int rt_asprintf(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rt_vasprintf(char **out, const char *fmt, va_list ap);
ssize_t rt_getline(char **line, size_t *size, FILE *f);
ssize_t rt_getdelim(char **line, size_t *size, int delim, FILE *f);
char *rt_realpath(const char *path, char *resolved);
char *rt_canonicalize_file_name(const char *path);
char *rt_getcwd(char *buf, size_t size);
char *rt_get_current_dir_name(void);
char *rt_tempnam(const char *dir, const char *prefix);
void *rt_reallocarray(void *p, size_t n, size_t size);
FILE *rt_open_memstream(char **bufp, size_t *sizep);
struct dirent;
int rt_scandir(const char *dir, struct dirent ***out, int (*sel)(const struct dirent *),
	       int (*cmp)(const struct dirent **, const struct dirent **));
int rt_scandirat(int dirfd, const char *dir, struct dirent ***out,
		 int (*sel)(const struct dirent *),
		 int (*cmp)(const struct dirent **, const struct dirent **));
/* tls.c: the place of a JIT-compiled program's thread-local variable,
 * offset bytes into the running thread's block, made from table (the one
 * jit/ compiles) at the thread's first access. */
void *rt_tls_address(const void *table, uint64_t offset);

/* main.c: the program's exit (and main's return): its exit handlers run,
 * then the compiles stop (prof_stop). */
void rt_exit(int status) __attribute__((noreturn));
/* atexit.c: the program's atexit and on_exit (libc's results), and
 * running the handlers they registered, last first. */
int rt_atexit(void (*fn)(void));
int rt_on_exit(void (*fn)(int, void *), void *arg);
/* fork.c: fork's handlers, registered before main (0, or pthread_atfork's
 * error); whether this process is a child the program forked, which
 * compiles on its own threads and writes none of the run's figures; and
 * vfork, which is fork. */
int rt_fork_init(void);
bool rt_forked(void);
pid_t rt_vfork(void);
/* In a forked child: rt_exit's lock (main.c) as new, whichever thread of
 * the parent held it (one ending the process holds it for good). */
void rt_exit_forked(void);
/* atexit.c: the exit handlers' list held (true) or let go, across a fork. */
void rt_exit_handlers_hold(bool hold);
/* dl.c: dlfcn.h's functions, which load nothing */
void *rt_dlopen(const char *file, int mode);
void *rt_dlsym(void *handle, const char *symbol);
void *rt_dlvsym(void *handle, const char *symbol, const char *version);
int rt_dlclose(void *handle);
char *rt_dlerror(void);
void rt_run_exit_handlers(int status);
/* users.c: pwd.h's and grp.h's lookups, from /etc/passwd and /etc/group */
struct passwd *rt_getpwnam(const char *name);
struct passwd *rt_getpwuid(uid_t uid);
int rt_getpwnam_r(const char *name, struct passwd *pw, char *buf, size_t size,
		  struct passwd **result);
int rt_getpwuid_r(uid_t uid, struct passwd *pw, char *buf, size_t size, struct passwd **result);
struct passwd *rt_getpwent(void);
void rt_setpwent(void);
void rt_endpwent(void);
struct group *rt_getgrnam(const char *name);
struct group *rt_getgrgid(gid_t gid);
int rt_getgrnam_r(const char *name, struct group *gr, char *buf, size_t size,
		  struct group **result);
int rt_getgrgid_r(gid_t gid, struct group *gr, char *buf, size_t size, struct group **result);
struct group *rt_getgrent(void);
void rt_setgrent(void);
void rt_endgrent(void);
/* errexit.c: the err family, error and error_at_line, ending the process
 * by rt_exit. */
void rt_err(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void rt_errx(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void rt_verr(int status, const char *fmt, va_list ap) __attribute__((noreturn));
void rt_verrx(int status, const char *fmt, va_list ap) __attribute__((noreturn));
void rt_error(int status, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void rt_error_at_line(int status, int errnum, const char *file, unsigned line, const char *fmt,
		      ...) __attribute__((format(printf, 5, 6)));
/* threads.c: the program's threads counted, the last one's end its exit;
 * start before the program's main, on the thread that runs it (false if
 * libc had no thread-specific key left). */
bool rt_threads_start(void);
/* The stack LLVM's compiles get: its optimizer and code generator recurse
 * over large functions (the compiler thread's, and ownstack.c's). */
#define RT_COMPILE_STACK (16u << 20)
/* ownstack.c: fn(arg) on a stack of the runtime's own for that use, whose
 * caller keeps every other call off it while in use; false if it could
 * not run there (then it has not run). */
enum rt_stack { RT_STACK_COMPILE, RT_STACK_EXIT, RT_STACKS };
bool rt_on_own_stack(enum rt_stack which, void (*fn)(void *), void *arg);
/* threads.c: the program's stacks made four times their usual size (its
 * main thread's through RLIMIT_STACK, its threads' by libc's default),
 * before its main: tier 0's frames are larger than an optimizing
 * compiler's. verbose: say so where the limit could not be raised. */
void rt_stacks_grow(bool verbose);
int rt_pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
		      void *arg);
int rt_thrd_create(thrd_t *thread, thrd_start_t fn, void *arg);
/* The round of libc's thread-specific destructors the thread is in (1 to
 * PTHREAD_DESTRUCTOR_ITERATIONS; 0 before them, or in a thread not the
 * program's): the runtime's key is older than any other, so its
 * destructor, which notes the round, runs first in each. */
unsigned rt_thread_end_round(void);
int rt_timer_create(clockid_t clock, struct sigevent *ev, timer_t *timer);
int rt_mq_notify(mqd_t q, const struct sigevent *ev);
int rt_aio_read(struct aiocb *cb);
int rt_aio_read64(struct aiocb64 *cb);
int rt_aio_write(struct aiocb *cb);
int rt_aio_write64(struct aiocb64 *cb);
int rt_aio_fsync(int op, struct aiocb *cb);
int rt_aio_fsync64(int op, struct aiocb64 *cb);
int rt_lio_listio(int mode, struct aiocb *const list[], int n, struct sigevent *ev);
int rt_lio_listio64(int mode, struct aiocb64 *const list[], int n, struct sigevent *ev);
/* Whether the program has had a second thread (its own, or one the C
 * library runs its code on): its streams then take their locks. */
extern atomic_bool rt_threaded;
static inline bool rt_program_threaded(void)
{
	return atomic_load_explicit(&rt_threaded, memory_order_acquire);
}
/* stdio.c: the program's character I/O (getc, fgetc, getchar, putc, fputc,
 * putchar, feof, ferror), without the stream's lock while the program has
 * one thread, but on stderr, which the runtime's threads write. */
int rt_getc(FILE *f);
int rt_fgetc(FILE *f);
int rt_getchar(void);
int rt_putc(int c, FILE *f);
int rt_fputc(int c, FILE *f);
int rt_putchar(int c);
int rt_feof(FILE *f);
int rt_ferror(FILE *f);

#endif
