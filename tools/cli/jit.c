/* `jit`: C compiled to LLVM bitcode with clang, then run under the JIT
 * runtime (build/runtime/bareflow-rt), booted like `run` or hosted on Linux. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* The guest's end of the compile server's channel (kernel/fs/hostjit.c). */
#define JIT_CHANNEL "/dev/hostjit"

#define CLANG "clang-19"

/*
 * At -O0 clang marks every function noinline (and optnone, which
 * -disable-O0-optnone drops), so no tier of the JIT could inline anything;
 * at -O1 it marks every loop llvm.loop.unroll.disable, which costs the
 * optimizing tiers half their speed on loop code. The -O3 front end with
 * its passes off emits the same unoptimized code without either, plus
 * type-based alias information the tiers can use. -U__OPTIMIZE__ keeps the C library's headers as at -O0: with it,
 * glibc's headers define inline bodies (getchar, toupper, vprintf...) that
 * reach into its internals (__uflow, __ctype_toupper_loc), which the
 * runtime need not provide once a tier inlines them.
 */
static const char *const clang_flags[] = {
    "-O3", "-Xclang", "-disable-llvm-passes", "-U__OPTIMIZE__", "-emit-llvm", "-c", "-g0",
};
#define NCLANG_FLAGS (int)(sizeof clang_flags / sizeof clang_flags[0])

/* The runtime: $BAREFLOW_RUNTIME (tests put a stand-in there) or the one
 * built in the repository, as an absolute path. NULL after printing why. */
static char *runtime_path(void)
{
	const char *env = getenv("BAREFLOW_RUNTIME");
	char built[4096];

	snprintf(built, sizeof built, "%s/build/runtime/bareflow-rt", cli_root());
	const char *rt = env && *env ? env : built;
	if (access(rt, X_OK) != 0) {
		if (env && *env)
			cli_error("BAREFLOW_RUNTIME=%s: %s", rt, strerror(errno));
		else
			cli_error("%s is missing: run 'make'", rt);
		return NULL;
	}
	char *abs = cli_abspath(rt);
	if (!abs)
		cli_error("%s: %s", rt, strerror(errno));
	return abs;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Empty the --profile file, so that it holds this run's profile or nothing.
 * Returns 0, or 2 after printing why it cannot be written. */
static int empty_profile(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);

	if (fd < 0) {
		cli_error("--profile %s: %s", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	close(fd);
	return 0;
}

/* Delete the temporary directory and all in it (clang may leave a partial
 * output behind when it is killed); NULL is ignored. Frees dir. */
static void remove_dir(char *dir)
{
	if (!dir)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			if (unlink(path) && errno == EISDIR) /* export's cache */
				remove_dir(strdup(path));
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
	free(dir);
}

/* A new temporary directory, as an absolute path; NULL after printing why
 * (unless quiet). */
static char *make_dir_quietly(bool quiet)
{
	const char *tmp = getenv("TMPDIR");
	char templ[4096];

	snprintf(templ, sizeof templ, "%s/bareflow-jit.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(templ)) {
		if (!quiet)
			cli_error("cannot create a temporary directory in %s: %s",
				  tmp && *tmp ? tmp : "/tmp", strerror(errno));
		return NULL;
	}
	char *abs = cli_abspath(templ);
	if (!abs) {
		rmdir(templ);
		if (!quiet)
			cli_error("%s: %s", templ, strerror(errno));
	}
	return abs;
}

static char *make_dir(void)
{
	return make_dir_quietly(false);
}

/* Compile src to the bitcode file out, and list what it read in the make
 * rule depfile unless that is NULL; clang's messages go to our stderr
 * (with a depfile, through the file DEPFILE.err, which tells the front
 * end's cache whether there were any). Returns 0, 1 when clang failed, 125
 * when it cannot be run, or 128+signal when we were interrupted. */
static int compile(const char *const *flags, int nflags, const char *src, const char *out,
		   const char *depfile)
{
	const char **argv = malloc(((size_t)nflags + 12) * sizeof *argv);
	int n = 0, wstatus, err = -1;
	char err_path[4200];

	if (!argv) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	argv[n++] = CLANG;
	for (int i = 0; i < nflags; i++)
		argv[n++] = flags[i];
	if (depfile) {
		argv[n++] = "-MD";
		argv[n++] = "-MT";
		argv[n++] = "x";
		argv[n++] = "-MF";
		argv[n++] = depfile;
	}
	argv[n++] = "-o";
	argv[n++] = out;
	argv[n++] = "--"; /* src may start with '-' */
	argv[n++] = src;
	argv[n] = NULL;
	if (depfile) {
		snprintf(err_path, sizeof err_path, "%s.err", depfile);
		err = open(err_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	}
	enum spawn_result s = cli_spawn((char *const *)argv, -1, err, 0, &wstatus);
	free(argv);
	if (err >= 0) {
		cli_dump_fd(err);
		close(err);
	}
	switch (s) {
	case SPAWN_EXITED:
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
			return 0;
		if (WIFSIGNALED(wstatus))
			cli_error("%s was killed by signal %d compiling %s", CLANG,
				  WTERMSIG(wstatus), src);
		return 1;
	case SPAWN_INTERRUPTED:
		return 128 + wstatus;
	default:
		if (errno == ENOENT)
			cli_error("%s not found: run 'make setup' (it installs clang-19)", CLANG);
		else
			cli_error("cannot run %s: %s", CLANG, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
}

/* One compile in a process of its own, so that the sources compile side by
 * side (clang's front end is a tenth of a second per file, all of it before
 * the program starts). Its pid, or -1 after printing why. */
static pid_t compile_async(const char *const *flags, int nflags, const char *src,
			   const char *out, const char *depfile)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* and clang with it (cli_spawn) */
		_exit(compile(flags, nflags, src, out, depfile));
	}
	if (pid < 0)
		cli_error("cannot start compiling %s: %s", src, strerror(errno));
	return pid;
}

/* The status compile_async's process ended with (compile()'s return). */
static int compile_wait(pid_t pid)
{
	int wstatus;
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return CLI_EXIT_FAILURE;
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + WTERMSIG(wstatus);
}

/* After a compile begun at start that ended with status e: keep its
 * bitcode bc in the front end's cache as entry ("" for none), unless clang
 * said something (a hit would not say it again). */
static void keep(int e, const char *bc, const char *entry, const struct timespec *start)
{
	char dep[4200], err[4300];
	struct stat st;
	if (e || !entry[0])
		return;
	snprintf(dep, sizeof dep, "%s.d", bc);
	snprintf(err, sizeof err, "%s.err", dep);
	if (!stat(err, &st) && st.st_size == 0)
		cli_frontend_store(entry, bc, dep, start);
}

/*
 * The bitcode file of each input in bc[]: a .bc as given, or for a .c the
 * file compile_all makes in *dir (made on first need; the caller removes
 * it). Returns 0 or an exit status after printing why.
 */
static int name_bitcode(const struct jit_app *app, char **bc, char **dir)
{
	for (int i = 0; i < app->ninputs; i++) {
		const char *in = app->inputs[i];
		if (!ends_with(in, ".c")) {
			if (!(bc[i] = strdup(in))) {
				cli_error("out of memory");
				return CLI_EXIT_FAILURE;
			}
			continue;
		}
		if (!*dir && !(*dir = make_dir()))
			return CLI_EXIT_FAILURE;
		const char *base = strrchr(in, '/') ? strrchr(in, '/') + 1 : in;
		int len = (int)strlen(base) - 2;
		char out[4096];
		snprintf(out, sizeof out, "%s/%.*s.bc", *dir, len, base);
		for (int k = 0; k < i; k++) /* two sources of one name */
			if (bc[k] && !strcmp(bc[k], out))
				snprintf(out, sizeof out, "%s/%.*s-%d.bc", *dir, len, base, i);
		if (!(bc[i] = strdup(out))) {
			cli_error("out of memory");
			return CLI_EXIT_FAILURE;
		}
	}
	return 0;
}

/* How many compiles run at once: the CPUs and a few more, up to
 * COMPILES_MAX. A clang process is not all CPU (its start maps and faults
 * in its shared libraries), and four files on two CPUs, all at once, took
 * 53-76 ms against 72-83 in two waves. The few more are capped, as each
 * clang holds its own memory. */
#define COMPILES_MAX 64
static long compiles_at_once(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	cpus += cpus < 4 ? cpus : 4;
	return cpus < COMPILES_MAX ? cpus : COMPILES_MAX;
}

/* Of the compiles in pid[0..n) (0 for none; at most COMPILES_MAX run), the
 * index of one that has ended, waiting for the first to end when any of
 * them is running (for the oldest, where the kernel cannot tell:
 * pidfd_open, Linux 5.3); -1 if none runs. Only these children are waited
 * for: bare-metal, QEMU may be another. */
static int compile_ended(const pid_t *pid, int n)
{
	struct pollfd fds[COMPILES_MAX];
	int at[COMPILES_MAX], nfds = 0, oldest = -1;
	for (int i = 0; i < n; i++) {
		if (pid[i] <= 0)
			continue;
		if (oldest < 0)
			oldest = i;
#ifdef SYS_pidfd_open
		int fd = nfds < COMPILES_MAX ? (int)syscall(SYS_pidfd_open, pid[i], 0) : -1;
#else
		int fd = -1;
#endif
		if (fd < 0) { /* no pidfd for every one: the oldest */
			for (int k = 0; k < nfds; k++)
				close(fds[k].fd);
			return oldest;
		}
		fds[nfds] = (struct pollfd){.fd = fd, .events = POLLIN};
		at[nfds++] = i;
	}
	int ended = oldest;
	if (nfds) {
		while (poll(fds, (nfds_t)nfds, -1) < 0 && errno == EINTR)
			;
		for (int k = 0; k < nfds; k++)
			if (fds[k].revents) {
				ended = at[k];
				break;
			}
	}
	for (int k = 0; k < nfds; k++)
		close(fds[k].fd);
	return ended;
}

/* Wait for input k's compile (pid[k]), keep its bitcode in the front end's
 * cache as compile_all asked (keep), and forget its pid. Its status. */
static int reap(pid_t *pid, int k, char **bc, char (*entry)[4200], const struct timespec *start)
{
	int e = compile_wait(pid[k]);
	keep(e, bc[k], entry[k], &start[k]);
	pid[k] = 0;
	return e;
}

/*
 * Make the bitcode file name_bitcode named for each .c input: taken from
 * the front end's cache in fe (frontend.c; NULL for none), which keeps what
 * is compiled, or compiled, a clang -cc1 a CPU (cc1.c) or else a driver a
 * file, compiles_at_once() at once. Returns 0 or an exit status after
 * printing why (the first failing input's, in their order).
 */
static int compile_all(const struct jit_app *app, const char *fe, char **bc)
{
	size_t n = (size_t)app->ninputs + 1;
	pid_t *pid = calloc(n, sizeof *pid);
	int *status = calloc(n, sizeof *status);
	char (*entry)[4200] = calloc(n, sizeof *entry);
	struct timespec *start = calloc(n, sizeof *start);
	const char **src = calloc(n, sizeof *src);
	char **out = calloc(n, sizeof *out);
	long at_once = compiles_at_once();
	int running = 0, r = 0, ntodo = 0;
	bool failed = false;
	char toolchain[33];
	/* ours, then the user's (-I, -D, -U, -include, -std=), which the
	 * cache's key and the kept cc1 line include with ours */
	int nflags = NCLANG_FLAGS + app->ncflags;
	const char **flags = malloc((size_t)nflags * sizeof *flags);
	if (flags) {
		memcpy(flags, clang_flags, sizeof clang_flags);
		for (int i = 0; i < app->ncflags; i++)
			flags[NCLANG_FLAGS + i] = app->cflags[i];
	}
	bool known = flags && !cli_frontend_toolchain(CLANG, flags, nflags, toolchain);

	if (!pid || !status || !entry || !start || !src || !out || !flags) {
		cli_error("out of memory");
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	for (int i = 0; i < app->ninputs; i++) {
		const char *in = app->inputs[i];
		if (!ends_with(in, ".c"))
			continue;
		if (!fe || !known || cli_frontend_key(fe, toolchain, in, entry[i], sizeof entry[i]))
			entry[i][0] = 0;
		if (entry[i][0] && cli_frontend_lookup(entry[i], bc[i]))
			continue;
		src[ntodo] = in;
		out[ntodo] = bc[i];
		memmove(entry[ntodo], entry[i], sizeof entry[i]); /* ntodo <= i */
		ntodo++;
	}
	if (known)
		cli_cc1_compile(CLANG, flags, nflags, toolchain, ntodo,
				(const char *const *)src, out, entry, status);
	else
		for (int t = 0; t < ntodo; t++)
			status[t] = -1;
	for (int t = 0; t < ntodo; t++) { /* what cc1 left to the driver */
		if (!status[t])
			continue;
		for (; running >= at_once; running--) { /* whichever ends first */
			int k = compile_ended(pid, ntodo);
			if ((status[k] = reap(pid, k, out, entry, start)))
				failed = true;
		}
		if (failed) /* no more started */
			break;
		char dep[4200];
		snprintf(dep, sizeof dep, "%s.d", out[t]);
		if (entry[t][0] && cli_frontend_start(dep, &start[t]))
			entry[t][0] = 0;
		if ((pid[t] = compile_async(flags, nflags, src[t], out[t],
					    entry[t][0] ? dep : NULL)) < 0) {
			pid[t] = 0;
			status[t] = CLI_EXIT_FAILURE;
			break;
		}
		running++;
	}
	for (int t = 0; t < ntodo; t++) /* the rest */
		if (pid[t] > 0)
			status[t] = reap(pid, t, out, entry, start);
	cli_cc1_finish();
	for (int t = 0; t < ntodo && !r; t++)
		r = status[t] > 0 ? status[t] : 0;
out:
	free(flags);
	free(pid);
	free(status);
	free(entry);
	free(start);
	free(src);
	free(out);
	return r;
}

/*
 * The runtime's command line, the same hosted and bare-metal but for the
 * tier-0 file (host_tier0), which only a boot has:
 *   RT [--opt L] [--thresholds T] [--compile-threads N] [--compile-cpu C]
 *      [--verbose] [--report]
 *      [--log-tiers] [--profile P]
 *      --cache DIR|off [--cache-clear] [--tier0 FILE]
 *      [--compile-server /dev/hostjit [--fetch FILE]...] BC... -- ARGV0 ARGS...
 * where ARGV0 is the first input without its extension; cache is the
 * directory, or "off". NULL when out of memory.
 */
static char **runtime_argv(const struct jit_app *app, char *rt, char **bc, const char *profile,
			   const char *cache, const char *tier0, bool server,
			   char *const *fetch, bool verbose)
{
	/* rt, 22 option words at most, --fetch's, the inputs, "--", ARGV0,
	 * ARGS, NULL */
	int nfetch = 0;
	while (fetch && fetch[nfetch])
		nfetch++;
	char **v = calloc((size_t)(app->ninputs + 2 * nfetch + app->argc + 26), sizeof *v);
	const char *first = app->inputs[0];
	int n = 0;

	if (!v)
		return NULL;
	v[n++] = rt;
	if (app->opt) {
		v[n++] = "--opt";
		v[n++] = (char *)app->opt;
	}
	if (app->thresholds) {
		v[n++] = "--thresholds";
		v[n++] = (char *)app->thresholds;
	}
	if (app->compile_threads) {
		v[n++] = "--compile-threads";
		v[n++] = (char *)app->compile_threads;
	}
	static char cpu[12];
	if (!app->hosted && app->compile_cpu >= 0) {
		snprintf(cpu, sizeof cpu, "%d", app->compile_cpu);
		v[n++] = "--compile-cpu";
		v[n++] = cpu;
	}
	if (verbose)
		v[n++] = "--verbose";
	if (app->report)
		v[n++] = "--report";
	if (app->log_tiers)
		v[n++] = "--log-tiers";
	if (app->perf_map)
		v[n++] = "--perf-map";
	if (app->gdb)
		v[n++] = "--gdb";
	if (profile) {
		v[n++] = "--profile";
		v[n++] = (char *)profile;
	}
	v[n++] = "--cache";
	v[n++] = (char *)cache;
	if (app->cache_clear)
		v[n++] = "--cache-clear";
	if (tier0) {
		v[n++] = "--tier0";
		v[n++] = (char *)tier0;
	}
	if (server) {
		v[n++] = "--compile-server";
		v[n++] = JIT_CHANNEL;
	}
	for (int i = 0; i < nfetch; i++) {
		v[n++] = "--fetch";
		v[n++] = fetch[i];
	}
	for (int i = 0; i < app->ninputs; i++)
		v[n++] = bc[i];
	v[n++] = "--";
	v[n] = strndup(first, strlen(first) - (ends_with(first, ".c") ? 2 : 3));
	if (!v[n++]) {
		free(v);
		return NULL;
	}
	for (int i = 0; i < app->argc; i++)
		v[n++] = (char *)app->argv[i];
	return v;
}

/* The front end's cache: none with --cache off; DIR/frontend with
 * --cache DIR hosted; else in the default code cache's directory, on the
 * host even when the code cache is on a disk image. NULL: none; so with
 * -I or -include, whose directories and files the cache does not watch (a
 * header made in an -I directory to shadow another, a relative path from
 * another working directory) and which cc1.c's header list would put
 * before a source's mark. */
static char *frontend_dir(const struct jit_app *app)
{
	char *base, *dir = NULL;
	if (app->cache && !strcmp(app->cache, "off"))
		return NULL;
	for (int i = 0; i < app->ncflags; i++)
		if (!strncmp(app->cflags[i], "-I", 2) || !strcmp(app->cflags[i], "-include"))
			return NULL;
	base = cli_cache_dir(app->hosted ? app->cache : NULL);
	if (base && asprintf(&dir, "%s/frontend", base) < 0)
		dir = NULL;
	free(base);
	return dir;
}

char *cli_cache_dir(const char *given)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	char *dir = NULL;
	if (given)
		return strcmp(given, "off") ? cli_abspath(given) : NULL;
	if (xdg && *xdg == '/') {
		if (asprintf(&dir, "%s/bareflow", xdg) < 0)
			dir = NULL;
	} else if (home && *home) {
		if (asprintf(&dir, "%s/.cache/bareflow", home) < 0)
			dir = NULL;
	}
	return dir;
}

/* Print the runtime's complaints (lines "bareflow-rt: WHAT") from fd as
 * ours ("bareflow: WHAT"). Returns whether there was one. */
static bool relay_complaints(int fd)
{
	static char buf[1 << 16];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	bool any = false;

	buf[n > 0 ? n : 0] = 0;
	for (char *line = buf, *end; *line; line = end + !!*end) {
		end = line + strcspn(line, "\n");
		if (!strncmp(line, "bareflow-rt: ", 13)) {
			cli_error("%.*s", (int)(end - line - 13), line + 13);
			any = true;
		}
	}
	return any;
}

/*
 * LLVM's bitcode reader can crash on a damaged file (one flipped bit is
 * enough), bare-metal too, where the program would die of SIGSEGV. So the
 * runtime first reads the .bc inputs on the host with --check, where a crash
 * becomes 126, and the same bytes are booted or run. Files clang has just
 * written are trusted. The check counts against --timeout. Returns 0, or
 * 126 (124 on timeout, 128+signal if we were interrupted, 125 if the
 * runtime cannot run) after printing why.
 */
static int check_bitcode(const struct jit_app *app, char *rt, char **bc, int timeout)
{
	char **v = calloc((size_t)app->ninputs + 3, sizeof *v);
	int n = 0, wstatus = 0, r = 0, err;

	if (!v) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	v[n++] = rt;
	v[n++] = "--check";
	for (int i = 0; i < app->ninputs; i++)
		if (!ends_with(app->inputs[i], ".c"))
			v[n++] = bc[i];
	if (n == 2 || (err = cli_tmpfile()) < 0) {
		free(v);
		return n == 2 ? 0 : CLI_EXIT_FAILURE;
	}
	switch (cli_spawn(v, -1, err, timeout, &wstatus)) {
	case SPAWN_EXITED:
		if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
			break;
		r = 126;
		if (relay_complaints(err))
			break;
		if (WIFSIGNALED(wstatus))
			cli_error("%s: not valid LLVM bitcode (checking it killed the runtime with "
				  "signal %d)",
				  v[2], WTERMSIG(wstatus));
		else
			cli_error("%s: not valid LLVM bitcode (checking it ended with status %d)",
				  v[2], WEXITSTATUS(wstatus));
		cli_dump_fd(err);
		break;
	case SPAWN_TIMEOUT:
		cli_error("timed out after %d s checking the bitcode", timeout);
		r = CLI_EXIT_TIMEOUT;
		break;
	case SPAWN_INTERRUPTED:
		r = 128 + wstatus;
		break;
	default:
		cli_error("cannot run %s: %s", rt, strerror(errno));
		r = CLI_EXIT_FAILURE;
	}
	close(err);
	free(v);
	return r;
}

/* What a hosted run's --file HOST names is already there; it must exist
 * (127) and be readable (126), as for a boot. */
static int check_hosted_files(const struct jit_app *app)
{
	for (int i = 0; i < app->nfiles; i++) {
		const char *host = app->files[i].host;
		if (access(host, F_OK) != 0 || access(host, R_OK) != 0) {
			int err = errno;
			cli_error("--file %s: %s", host, strerror(err));
			return err == ENOENT ? 127 : 126;
		}
	}
	return 0;
}

/* The runtime as a Linux process with only the --env environment. Returns
 * its status, 128+signal (with a line on stderr naming the signal), 124 on
 * timeout, or 125 if it cannot be started; *exited (if given) says whether
 * it exited, with a status of its own. */
static int run_hosted(const struct boot_options *opt, const struct jit_app *app, char **argv,
		      int out_fd, bool *exited)
{
	char **envp = calloc((size_t)app->envc + 1, sizeof *envp);
	int wstatus = 0, r;

	if (!envp) {
		cli_error("out of memory");
		return CLI_EXIT_FAILURE;
	}
	for (int i = 0; i < app->envc; i++)
		envp[i] = (char *)app->envp[i];
	if (opt->verbose)
		cli_print_argv(argv);
	if (exited)
		*exited = false;
	switch (cli_spawn_env(argv, envp, out_fd, -1, opt->timeout, &wstatus)) {
	case SPAWN_EXITED:
		if (WIFEXITED(wstatus)) {
			r = WEXITSTATUS(wstatus);
			if (exited)
				*exited = true;
			break;
		}
		r = WTERMSIG(wstatus);
		cli_error("Program killed by SIG%s (%s)", sigabbrev_np(r) ? sigabbrev_np(r) : "?",
			  strsignal(r));
		r += 128;
		break;
	case SPAWN_TIMEOUT:
		cli_error("timed out after %d s", opt->timeout);
		r = CLI_EXIT_TIMEOUT;
		break;
	case SPAWN_INTERRUPTED:
		r = 128 + wstatus;
		break;
	default:
		cli_error("cannot run %s: %s", argv[0], strerror(errno));
		r = CLI_EXIT_FAILURE;
	}
	free(envp);
	return r;
}

/*
 * Under emulation LLVM runs some 40 times slower than on the host: tier 0
 * of a mid-size program took 0.6-1.6 s to compile in the guest, against
 * 15-60 ms here. So the runtime compiles tier 0 here, for
 * any x86-64 (bareflow-rt --tier0-out), and the guest links that instead
 * (--tier0); the tiers above go to the compile server (below). With the
 * server, this runs while the guest boots (prepare_async). Writes the
 * tier-0 file at path, and returns whether it could; when not, saying why
 * with --verbose, nothing is there (the runtime renames a whole file into
 * place), and the guest compiles tier 0 itself, as before.
 */
static bool host_tier0(const struct boot_options *opt, const struct jit_app *app, char *rt,
		       char **bc, const char *path)
{
	char **v = calloc((size_t)app->ninputs + 4, sizeof *v);
	int n = 0, wstatus = 0, err = cli_tmpfile();
	bool made = false;
	if (!v || err < 0) {
		free(v);
		if (err >= 0)
			close(err);
		return false;
	}
	v[n++] = rt;
	v[n++] = "--tier0-out";
	v[n++] = (char *)path;
	for (int i = 0; i < app->ninputs; i++)
		v[n++] = bc[i];
	enum spawn_result s = cli_spawn(v, err, err, opt->timeout, &wstatus);
	made = s == SPAWN_EXITED && WIFEXITED(wstatus) && !WEXITSTATUS(wstatus);
	if (!made && opt->verbose) {
		fprintf(stderr, "bareflow: tier 0 was not compiled on the host, so the guest "
				"compiles it:\n");
		cli_dump_fd(err);
	}
	close(err);
	free(v);
	return made;
}

/*
 * The guest's optimizing compiles on the host (runtime/jit/remote.c): a
 * compile server, `bareflow-rt --serve-compiles`, at the other end of the
 * guest's /dev/hostjit. Under emulation LLVM runs some 40 to 100 times
 * slower than here, the program's own code 7 to 12 times: compiling was
 * most of a short program's bare-metal run. Returns the server's pid and
 * puts QEMU's end of its socket in opt->jit_fd; 0 (saying why) if it
 * cannot start: the guest then compiles itself, as with --compile-on
 * guest.
 */
static pid_t start_compile_server(struct boot_options *opt, char *rt, char *const *files,
				  int ready)
{
	int n = 0, k = 0;
	while (files && files[n])
		n++;
	char **v = calloc((size_t)n + 5, sizeof *v);
	pid_t pid = -1;
	if (v) {
		v[k++] = rt;
		v[k++] = "--serve-compiles";
		if (n) {
			v[k++] = "--files";
			v[k++] = "3"; /* ready, there */
		}
		for (int i = 0; i < n; i++)
			v[k++] = files[i];
		pid = cli_spawn_on_socket(v, &opt->jit_fd, n ? ready : -1);
		free(v);
	} else {
		errno = ENOMEM;
	}
	if (pid > 0)
		return pid;
	cli_error("cannot start the compile server (%s): the guest compiles itself",
		  strerror(errno));
	opt->jit_fd = 0;
	return 0;
}

/*
 * What must be made on the host before the program can start (compile_all,
 * then host_tier0 at tier0 unless it is NULL), in a process of
 * its own while QEMU boots: booting and starting the runtime under
 * emulation take longer than clang's front end takes here, and the guest
 * takes the files from the compile server (--fetch) once they are made.
 * The process writes one byte to ready, 0 when they are made (a tier-0
 * file that cannot be made is only left out), and exits with the status
 * the CLI would have ended with before the boot, having said why. It
 * keeps no end of the guest's channels (QEMU's of the server's socket,
 * the server's of the pipe): an inherited end would hide the other end's
 * close. (It stays in our process group: in one of its own, clang's
 * messages to a terminal set to stop background writers would stop it.)
 * Its pid, or -1 after printing why.
 */
static pid_t prepare_async(const struct boot_options *opt, const struct jit_app *app, char *rt,
			   const char *fe, char **bc, const char *tier0, int ready, int server_end)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* and clang with it */
		close(opt->jit_fd);
		close(server_end);
		signal(SIGPIPE, SIG_IGN); /* the server gone: the write fails, no more */
		int r = compile_all(app, fe, bc);
		if (!r && tier0)
			host_tier0(opt, app, rt, bc, tier0); /* or none, which the guest is told */
		unsigned char not_made = r != 0;
		(void)!write(ready, &not_made, 1);
		fflush(NULL);
		_exit(r);
	}
	if (pid < 0)
		cli_error("cannot start compiling: %s", strerror(errno));
	return pid;
}

/* prepare_async's status, once the boot has ended with r: its own when it
 * failed, else r. Unless the boot ended by a timeout or a signal, it is
 * waited for (the guest ended without its files at the latest when they
 * were made); else it is stopped (clang with it, by its parent-death
 * signal). Killed by a signal not
 * ours, it has said nothing (nor has the guest, told the files were not
 * made): said here. */
static int prepared(pid_t pid, int r)
{
	int wstatus;
	bool stopped = r == CLI_EXIT_TIMEOUT || r >= 128;
	if (stopped)
		kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR)
			return r;
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus) && !stopped) {
		cli_error("compiling the program was ended by signal %d (%s)", WTERMSIG(wstatus),
			  strsignal(WTERMSIG(wstatus)));
		return 128 + WTERMSIG(wstatus);
	}
	return r;
}

/*
 * The compile server, giving the files in fetch[] (NULL-ended; none: it
 * only compiles) once prepare_async has made them, whose pid goes in
 * *prep, while QEMU boots. Returns the server's pid; 0 when it could not
 * start (said: the guest compiles itself, and nothing is being made); -1
 * after printing why the files cannot be made (the server then stopped).
 */
static pid_t serve_while_making(struct boot_options *opt, const struct jit_app *app, char *rt,
				const char *fe, char **bc, const char *tier0, char **fetch,
				pid_t *prep)
{
	int ready[2] = {-1, -1};
	if (!fetch[0])
		return start_compile_server(opt, rt, NULL, -1);
	if (pipe2(ready, O_CLOEXEC)) {
		cli_error("cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	pid_t server = start_compile_server(opt, rt, fetch, ready[0]);
	if (server > 0 &&
	    (*prep = prepare_async(opt, app, rt, fe, bc, tier0, ready[1], ready[0])) < 0) {
		*prep = 0;
		close(opt->jit_fd);
		opt->jit_fd = 0;
		cli_stop_on_socket(server);
		server = -1;
	}
	close(ready[0]);
	close(ready[1]);
	return server;
}

/* The runtime booted as `run` boots a program, with each bitcode file (and
 * the tier-0 file, if any) in the guest at its own path, in the boot
 * archive or, when fetched, written there by the runtime (--fetch: those
 * made here, from .c inputs), and the profile on COM3. */
static int run_booted(struct boot_options *opt, const struct jit_app *app, char **argv, char **bc,
		      const char *tier0, bool fetched)
{
	struct file_spec *files = calloc((size_t)(app->nfiles + app->ninputs + 1), sizeof *files);
	char *cwd = NULL;
	int argc = 0, r = files ? cli_cwd(&cwd) : CLI_EXIT_FAILURE;

	if (r) {
		if (!files)
			cli_error("out of memory");
		free(files);
		return r;
	}
	for (int i = 0; i < app->nfiles; i++)
		files[i] = app->files[i];
	int nfiles = app->nfiles;
	for (int i = 0; i < app->ninputs; i++) /* those made here the guest fetches */
		if (!fetched || !ends_with(app->inputs[i], ".c"))
			files[nfiles++] = (struct file_spec){bc[i], NULL};
	if (tier0 && !fetched)
		files[nfiles++] = (struct file_spec){(char *)tier0, NULL};
	while (argv[argc])
		argc++;
	struct run_app run = {
	    .elf = argv[0],
	    .elf_path = argv[0],
	    .cwd = cwd,
	    .files = files,
	    .nfiles = nfiles,
	    .iso_out = app->iso_out,
	    .padded = true,
	    .argc = argc,
	    .argv = (const char *const *)argv,
	    .envc = app->envc,
	    .envp = app->envp,
	};
	opt->program = argv[0];
	opt->program_path = argv[0];
	opt->hostout = app->profile;
	opt->work_mib = CLI_JIT_WORK_MIB;
	r = cli_run(opt, &run);
	free(files);
	free(cwd);
	return r;
}

/* Run argv (a tool: the runtime exporting, clang linking) with its output on
 * our stderr; 0 when it exits 0, else 1 (or 125 when it cannot start) after
 * saying what failed. */
static int tool(char **argv, const char *what, bool verbose)
{
	int wstatus = 0;
	if (verbose)
		cli_print_argv(argv);
	enum spawn_result s = cli_spawn(argv, 2, 2, 0, &wstatus);
	if (s == SPAWN_EXITED && WIFEXITED(wstatus) && !WEXITSTATUS(wstatus))
		return 0;
	if (s == SPAWN_FAILED) {
		cli_error("cannot run %s: %s", argv[0], strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	if (s == SPAWN_INTERRUPTED)
		return 128 + wstatus;
	cli_error("%s failed", what);
	return 1;
}

/*
 * `export`: the training run (unless --from-cache) stores the program's
 * profile and code in a cache of its own, the runtime turns that profile
 * into one object file (bareflow-rt --export), and clang links it with the
 * C library into a static executable; with --iso, an ISO of the kernel and
 * it as well. Returns what bareflow exits with.
 */
static int export_appliance(struct boot_options *opt, const struct jit_app *app, char *rt,
			    char **bc)
{
	char *work = make_dir(), *cache = NULL, *out = NULL, obj[4200], own_cache[4200];
	const char *first = app->inputs[0];
	int r = work ? 0 : CLI_EXIT_FAILURE;
	char **argv = NULL;

	if (r)
		return r;
	out = *app->export_out
		  ? strdup(app->export_out)
		  : strndup(first, strlen(first) - (ends_with(first, ".c") ? 2 : 3));
	snprintf(obj, sizeof obj, "%s/appliance.o", work);
	snprintf(own_cache, sizeof own_cache, "%s/cache", work);
	cache = app->from_cache ? cli_cache_dir(app->cache) : strdup(own_cache);
	if (!out || !cache) {
		cli_error(app->from_cache && !cache ? "no code cache: set HOME or give --cache DIR"
						    : "out of memory");
		r = app->from_cache && !cache ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
		goto done;
	}
	/* long work: each step said, on a terminal (not with --quiet) */
	bool steps = isatty(2) && !opt->quiet;
	int nsteps = app->from_cache ? 2 : 3, step = 1;
	if (!app->from_cache) { /* the training run; its stdout is not the point */
		if (steps)
			fprintf(stderr, "bareflow: export [%d/%d]: the training run under the JIT...\n",
				step++, nsteps);
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		argv = runtime_argv(app, rt, bc, NULL, cache, NULL, false, NULL, opt->verbose);
		/* A run that exited is one, whatever its status: the program's
		 * own may be any (a status of 200 is not a failure to train on);
		 * the runtime's 126 and 127 come with its message, and the
		 * export below, which compiles the same bitcode, fails alike. A
		 * run killed by a signal or the timeout is none. */
		bool exited = false;
		r = !argv || null < 0 ? CLI_EXIT_FAILURE
				      : run_hosted(opt, app, argv, null, &exited);
		if (null >= 0)
			close(null);
		if (!exited) {
			cli_error("the training run failed (exit %d): nothing exported", r);
			goto done;
		}
		r = 0;
	}
	char **export_argv = calloc((size_t)app->ninputs + 8, sizeof *export_argv);
	if (!export_argv) {
		cli_error("out of memory");
		r = CLI_EXIT_FAILURE;
		goto done;
	}
	char *head[] = {rt, "--export", obj, "--export-cpu", (char *)app->export_cpu, "--cache", cache};
	int n = 0;
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
		export_argv[n++] = head[i];
	for (int i = 0; i < app->ninputs; i++)
		export_argv[n++] = bc[i];
	if (steps)
		fprintf(stderr, "bareflow: export [%d/%d]: compiling the program at -O3 as learned...\n",
			step++, nsteps);
	r = tool(export_argv, "the export", opt->verbose);
	free(export_argv);
	if (r)
		goto done;
	if (steps)
		fprintf(stderr, "bareflow: export [%d/%d]: linking with the C library...\n", step++,
			nsteps);
	char *link_argv[] = {"clang-19", "-static", "-o", out, obj, "-lm", NULL};
	if ((r = tool(link_argv, "linking the appliance", opt->verbose)))
		goto done;
	struct stat st;
	if (!opt->quiet && stat(out, &st) == 0)
		fprintf(stderr, "bareflow: wrote %s: %lld KiB, a static x86-64 executable without LLVM\n",
			out, (long long)st.st_size / 1024);
	if (app->export_iso) {
		char iso[4200], *elf = cli_abspath(out), *cwd = NULL;
		char *run_argv[] = {out, NULL};
		snprintf(iso, sizeof iso, "%s.iso", out);
		r = elf ? cli_cwd(&cwd) : CLI_EXIT_FAILURE;
		struct run_app run = {.elf = out, .elf_path = elf, .cwd = cwd, .iso_out = iso,
				      .argc = 1, .argv = (const char *const *)run_argv};
		if (!r) {
			opt->program = out;
			r = cli_run(opt, &run);
		}
		free(elf);
		free(cwd);
	}
done:
	if (argv) {
		for (int i = 0; argv[i]; i++)
			if (!strcmp(argv[i], "--")) { /* ARGV0 follows, ours */
				free(argv[i + 1]);
				break;
			}
		free(argv);
	}
	remove_dir(work);
	free(cache);
	free(out);
	return r;
}

int cli_jit(struct boot_options *opt, const struct jit_app *app)
{
	char *rt = runtime_path(), *dir = NULL, **argv = NULL, *cache = NULL, *fe = NULL;
	char *work = NULL, *tier0 = NULL, **fetch = NULL;
	char **bc = calloc((size_t)app->ninputs, sizeof *bc);
	int r = 0, nfetch = 0;
	pid_t server = 0, prep = 0;

	if (!rt || !bc) {
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	for (int i = 0; i < app->ninputs && !r; i++)
		r = cli_check_readable(app->inputs[i]);
	if (!r && app->hosted)
		r = check_hosted_files(app);
	if (!r && app->profile)
		r = empty_profile(app->profile);
	fe = frontend_dir(app);
	if (!r && fe && app->cache_clear)
		cli_frontend_clear(fe);
	if (!r)
		r = name_bitcode(app, bc, &dir);
	if (!r) /* the .bc inputs, before anything boots */
		r = check_bitcode(app, rt, bc, opt->timeout);
	if (r)
		goto out;
	bool booted = !app->hosted && !app->export_out;
	/* Optimizing compiles (the tiers, or --opt 1-3's one) go to the host,
	 * unless the guest must do them itself; --opt 0 makes none. */
	bool serve = booted && !app->compile_in_guest && (!app->opt || strcmp(app->opt, "0"));
	if (booted && (!app->opt || !strcmp(app->opt, "auto")) &&
	    (work = make_dir_quietly(!opt->verbose)) && asprintf(&tier0, "%s/tier0", work) < 0)
		tier0 = NULL;
	/* With the compile server, QEMU boots while the files the runtime
	 * reads first are made, and the guest fetches them. */
	if (serve && !(fetch = calloc((size_t)app->ninputs + 2, sizeof *fetch))) {
		cli_error("out of memory");
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	for (int i = 0; serve && i < app->ninputs; i++)
		if (ends_with(app->inputs[i], ".c"))
			fetch[nfetch++] = bc[i];
	if (serve && tier0)
		fetch[nfetch++] = tier0;
	if (serve && (server = serve_while_making(opt, app, rt, fe, bc, tier0, fetch, &prep)) < 0) {
		server = 0;
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	if (prep <= 0) { /* all made before the program starts */
		free(fetch);
		fetch = NULL;
		if ((r = compile_all(app, fe, bc)))
			goto out;
		if (app->export_out) {
			r = export_appliance(opt, app, rt, bc);
			goto out;
		}
		if (tier0 && !host_tier0(opt, app, rt, bc, tier0)) {
			free(tier0);
			tier0 = NULL;
		}
	}
	/* Bare-metal the runtime writes its profile to /dev/hostout, which the
	 * CLI connects to the host file. */
	const char *profile = app->profile && !app->hosted ? "/dev/hostout" : app->profile;
	/* The runtime gets only --env's environment: the cache's place is
	 * decided here, from ours. Bare-metal there is none yet. */
	cache = app->hosted	   ? cli_cache_dir(app->cache)
		: app->cache_disk ? strdup(CONTRACT_CACHE_DIR)
				   : NULL;
	argv = runtime_argv(app, rt, bc, profile, cache ? cache : "off", tier0, server > 0,
			    fetch, opt->verbose);
	if (!argv) {
		cli_error("out of memory");
		r = CLI_EXIT_FAILURE;
		goto out;
	}
	if (app->hosted && app->gdb)
		r = cli_gdb_hosted(argv, app->envp, app->envc);
	else
		r = app->hosted ? run_hosted(opt, app, argv, -1, NULL)
				: run_booted(opt, app, argv, bc, tier0, prep > 0);
out:
	if (prep > 0)
		r = prepared(prep, r);
	if (server > 0) { /* QEMU has ended: so has the server's work */
		close(opt->jit_fd);
		opt->jit_fd = 0;
		cli_stop_on_socket(server);
	}
	free(fetch);
	free(tier0);
	remove_dir(work);
	free(cache);
	free(fe);
	remove_dir(dir);
	for (int i = 0; bc && i < app->ninputs; i++)
		free(bc[i]);
	free(bc);
	for (int i = 0; argv && argv[i]; i++)
		if (!strcmp(argv[i], "--")) { /* the first is ours; ARGV0 follows */
			free(argv[i + 1]);
			break;
		}
	free(argv);
	free(rt);
	return r;
}
