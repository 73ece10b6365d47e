/*
 * bareflow-rt: JIT-compile a C program's LLVM bitcode for the CPU we run on
 * and run its main, recompiling its hot functions while it runs. The same
 * static binary runs bare-metal under BareFlow and as a Linux process.
 *
 *   bareflow-rt [--opt auto|0|1|2|3] [--thresholds C1,L1,C2,L2] [--verbose]
 *               [--log-tiers] [--report] [--profile FILE] [--cache DIR|off]
 *               [--cache-clear] [--compile-threads N] [--compile-cpu N]
 *               [--perf-map] [--gdb] [--tier0 FILE]
 *               [--compile-server PATH [--fetch FILE]...]
 *               FILE.bc... -- ARGV0 [ARGS...]
 *   bareflow-rt --check FILE.bc...
 *   bareflow-rt --export OUT.o [--export-cpu host|x86-64] --cache DIR FILE.bc...
 *   bareflow-rt --tier0-out FILE FILE.bc...
 *   bareflow-rt --serve-compiles [--files FD FILE...]
 *
 * --gdb tells gdb about each function the JIT compiles (gdbjit.h).
 * --perf-map writes /tmp/perf-PID.map, naming the JIT's code for perf
 * (codemap.h). A fault in the program is reported with the JIT's names for
 * its code: on Linux by the runtime (fault.c), under BareFlow by the kernel.
 *
 * --check only reads, verifies and links the files: 0 if they are good, 126
 * with the reason if not (what `bareflow jit` asks before it boots).
 *
 * --log-tiers prints each tier-up as it happens (--verbose does too).
 *
 * --compile-threads N: the tiers compile on N threads in the background
 * while the program runs on (prof/queue.h; more than 1 counts as 1 for
 * now), or synchronously with 0. The default is 1 when this process may
 * run on two CPUs or more (sched_getaffinity), or when it compiles on the
 * compile server (--compile-server), else 0; under --thresholds it is 0,
 * so that tier-ups happen at exactly the counts given. On one CPU with the
 * compile server, the thread runs before the program whenever it has work
 * (SCHED_FIFO 1): the program runs on while the host compiles. When no
 * thread can be made (bare-metal without threads) compiling is
 * synchronous, and --log-tiers says so. --compile-cpu N: the thread runs
 * on CPU N alone, one the program is not given (bare-metal `bareflow jit`
 * keeps one for it where the host has a core to spare), as on two CPUs.
 *
 * The code cache (cache/cache.h): with the tiers, what this run compiled
 * is stored at exit in DIR (default $XDG_CACHE_HOME/bareflow, or
 * ~/.cache/bareflow), and the next run of the same program starts from
 * it; --cache off neither reads nor writes it; --cache-clear empties it
 * first.
 *
 * --export writes the appliance's object code (jit/export.c) from the
 * program's file in the cache DIR, which a run stored: the whole program
 * at -O3, specialized as that run's tiers were, for any x86-64 (the
 * default: it also runs bare-metal under emulation) or with --export-cpu
 * host for the CPU the run's code was for; 1 if there is no usable file,
 * with the reason.
 *
 * --tier0-out writes the program's tier-0 code, compiled for any x86-64, and
 * the program as it prepared it, to a tier-0 file (cache/cache.h):
 * `bareflow jit` makes one on the host for the guest it boots, which with
 * --tier0 FILE reads the prepared program instead of the bitcode files
 * (hashed only, for the key) and links the code instead of compiling tier
 * 0 itself (under emulation LLVM runs some 40 times slower than on the
 * host, where this takes tens of milliseconds). As tier 0's compile is
 * then not timed here, the cost model's first measure of this machine is
 * how much longer reading the prepared program took here than there,
 * applied to the time tier 0 took there (prof_calibrate_by).
 *
 * --serve-compiles is the compile server (jit/remote.c): it reads compile
 * requests on stdin and writes the object code on stdout until stdin ends.
 * `bareflow jit` runs one on the host, connected to the guest's
 * /dev/hostjit, and gives the runtime in the guest --compile-server
 * /dev/hostjit: its optimizing compiles (the tiers, OSR code) then run on
 * the host, some 40 times faster than under emulation, and it links what
 * comes back. The cost model then learns the time a compile takes that way
 * from the first ones, from the hosted figures. PATH may also be a Unix
 * socket a server listens on (hosted). When it cannot be opened, the
 * runtime says so and compiles itself (with --fetch, it says so and exits
 * 126: the program's files were to come from it).
 *
 * --fetch FILE takes FILE (a bitcode file, the tier-0 file) from the
 * compile server before anything is read, and writes it at its path:
 * `bareflow jit` boots while clang is still compiling, and the server,
 * started with --files FD FILE..., gives those files once the byte it reads
 * from FD says they are made (jit/remote.c). A tier-0 file the host could
 * not make is left out, and tier 0 is compiled here; when the host could
 * not make the program's files the runtime exits with 1 and says
 * nothing: the CLI has said why.
 *
 * --opt auto (the default) runs the tiers (prof/prof.h) under the adaptive
 * policy (prof/policy.c); --thresholds makes it fixed counts instead. A
 * number compiles the whole program once at that level, without
 * instrumentation.
 *
 * Exit status: the program's own; 126 if its bitcode is malformed or cannot
 * be compiled; 127 if it uses a function or variable we do not provide;
 * 2 for a bad command line.
 */
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "cache/cache.h"
#include "clock.h"
#include "codemap.h"
#include "fault.h"
#include "prof/prof.h"
#include "runtime.h"

#define EXIT_USAGE 2
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NO_SYMBOL 127
#define EXIT_NOT_MADE 1 /* --fetch: the host did not make the files */

static const char usage[] =
    "usage: bareflow-rt [--opt auto|0|1|2|3] [--thresholds C1,L1,C2,L2] [--verbose]\n"
    "                   [--log-tiers] [--report] [--profile FILE] [--cache DIR|off]\n"
    "                   [--cache-clear] [--compile-threads N] [--compile-cpu N]\n"
    "                   [--perf-map] [--gdb] [--tier0 FILE]\n"
    "                   [--compile-server PATH [--fetch FILE]...]\n"
    "                   FILE.bc... -- ARGV0 [ARGS...]\n"
    "       bareflow-rt --check FILE.bc...\n"
    "       bareflow-rt --export OUT.o [--export-cpu host|x86-64] --cache DIR FILE.bc...\n"
    "       bareflow-rt --tier0-out FILE FILE.bc...\n"
    "       bareflow-rt --serve-compiles [--files FD FILE...]\n";

static struct {
	int opt;	       /* -1: auto, the tiers */
	int compile_threads;   /* -1: the default */
	int compile_cpu;       /* --compile-cpu N; -1: none */
	struct prof_policy policy;
	bool verbose, report, log_tiers, check, cache_off, cache_clear, export_host, perf_map, gdb;
	const char *profile, *cache_dir, *export;
	const char *tier0_out, *tier0; /* --tier0-out FILE, --tier0 FILE */
	const char *compile_server;    /* --compile-server PATH */
	const char **fetch;	       /* --fetch FILE... */
	int nfetch;
	uint64_t host_first_ns;	       /* tier 0's compile in the tier-0 file's maker */
	bool compiled_tier0;	       /* here (not from the code cache or a tier-0 file) */
	uint64_t start_ns, main_ns; /* runtime start; main entered */
	struct jit_stats first;	    /* the first compile (tier 0, or the fixed one) */
	struct jit *jit;
} rt;

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static uint64_t first_compile_ns(void)
{
	return rt.first.optimize_ns + rt.first.codegen_ns;
}

static void write_profile(int status)
{
	const struct jit_stats *s = &rt.first;
	FILE *f = fopen(rt.profile, "w");
	if (!f) {
		fprintf(stderr, "bareflow-rt: cannot write the profile to %s: %s\n", rt.profile,
			strerror(errno));
		return;
	}
	fprintf(f, "{\n  \"cpu\": {\n    \"name\": ");
	prof_json_string(f, jit_cpu_name(rt.jit));
	fprintf(f, ",\n    \"features\": ");
	prof_json_string(f, jit_cpu_features(rt.jit));
	fprintf(f, "\n  },\n  \"mode\": \"%s\",\n  \"opt\": %d,\n", rt.opt < 0 ? "tiered" : "fixed",
		rt.opt < 0 ? 0 : rt.opt);
	fprintf(f,
		"  \"thresholds\": {\"calls1\": %llu, \"loops1\": %llu, \"calls2\": %llu, "
		"\"loops2\": %llu, \"fixed\": %s},\n",
		(unsigned long long)rt.policy.calls1, (unsigned long long)rt.policy.loops1,
		(unsigned long long)rt.policy.calls2, (unsigned long long)rt.policy.loops2,
		rt.policy.fixed ? "true" : "false");
	fprintf(f, "  \"saved_ms_estimate\": %.3f,\n",
		rt.opt < 0 ? prof_saved_cycles() / prof_cycles_per_ns() / 1e6 : 0.0);
	fprintf(f, "  \"compile_ms_total\": %.3f,\n  \"first_compile_ms\": %.3f,\n",
		ms(first_compile_ns() + prof_compile_ns()), ms(first_compile_ns()));
	fprintf(f, "  \"tier0_on_host_ms\": %.3f,\n", ms(rt.host_first_ns));
	fprintf(f, "  \"compile_us\": %lu,\n",
		(unsigned long)((first_compile_ns() + prof_compile_ns()) / 1000));
	fprintf(f, "  \"function_count\": %u,\n  \"ir_instructions\": %lu,\n", s->functions,
		s->instructions);
	fprintf(f, "  \"load_us\": %lu,\n  \"optimize_us\": %lu,\n  \"codegen_us\": %lu,\n",
		(unsigned long)(s->load_ns / 1000), (unsigned long)(s->optimize_ns / 1000),
		(unsigned long)(s->codegen_ns / 1000));
	fprintf(f, "  \"startup_us\": %lu,\n  \"run_us\": %lu,\n  \"exit_status\": %d,\n",
		(unsigned long)((rt.main_ns - rt.start_ns) / 1000),
		(unsigned long)((rt_now_ns() - rt.main_ns) / 1000), status & 0xff);
	if (rt.opt < 0)
		prof_json_functions(f);
	else
		fprintf(f, "  \"functions\": []");
	fprintf(f, "\n}\n");
	fclose(f);
}

static void print_report(int status)
{
	const struct jit_stats *s = &rt.first;
	fprintf(stderr, "bareflow-rt report\n");
	fprintf(stderr, "  %-22s %s\n", "cpu", jit_cpu_name(rt.jit));
	if (rt.opt < 0 && rt.policy.fixed)
		fprintf(stderr,
			"  %-22s tiered, fixed: 0 -> 1 at %llu calls or %llu loop iterations, "
			"-> 2 at %llu or %llu\n",
			"optimization", (unsigned long long)rt.policy.calls1,
			(unsigned long long)rt.policy.loops1, (unsigned long long)rt.policy.calls2,
			(unsigned long long)rt.policy.loops2);
	else if (rt.opt < 0)
		fprintf(stderr,
			"  %-22s tiered (auto): a function goes to -O3 once it has run a quarter "
			"as long as its compile is predicted to take; a large one to -O1 first\n",
			"optimization");
	else
		fprintf(stderr, "  %-22s -O%d, whole program, once\n", "optimization", rt.opt);
	fprintf(stderr, "  %-22s %u (%lu IR instructions)\n", "functions", s->functions,
		s->instructions);
	fprintf(stderr, "  %-22s %10.3f ms\n", "load and link", ms(s->load_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n",
		rt.opt >= 0	     ? "compile"
		: rt.compiled_tier0 ? "tier-0 compile"
				     : "tier 0 linked",
		ms(first_compile_ns()));
	if (rt.host_first_ns)
		fprintf(stderr, "  %-22s %10.3f ms, on the host (the tier-0 file)\n",
			"tier 0 compiled", ms(rt.host_first_ns));
	if (rt.opt < 0)
		fprintf(stderr, "  %-22s %10.3f ms\n", "recompiling (tiers)",
			ms(prof_compile_ns()));
	fprintf(stderr, "  %-22s %10.3f ms\n", "start to main", ms(rt.main_ns - rt.start_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n", "main to exit", ms(rt_now_ns() - rt.main_ns));
	fprintf(stderr, "  %-22s %d\n", "exit status", status & 0xff);
	if (rt.opt < 0) {
		prof_table(stderr, 25);
		double cpn = prof_cycles_per_ns();
		fprintf(
		    stderr,
		    "  the JIT spent %.1f ms compiling (tier 0 %.1f ms, the tiers %.1f ms); its "
		    "code saved an estimated %.1f ms\n",
		    ms(first_compile_ns() + prof_compile_ns()), ms(first_compile_ns()),
		    ms(prof_compile_ns()), prof_saved_cycles() / cpn / 1e6);
	}
}

/* The end of the run, once the program's exit handlers have run and the
 * compiles stopped: the code cache, the report, the profile. */
static void finish_run_here(void *arg)
{
	int status = *(int *)arg;
	if (rt_forked())
		return; /* the run's figures and its code are the parent's to keep */
	if (rt.opt < 0) {
		prof_settle();
		cache_save();
	}
	if (rt.report)
		print_report(status);
	if (rt.profile)
		write_profile(status);
}

/* The same on a stack of the runtime's own: the exit may come on a
 * thread's small stack (ownstack.c). */
static void finish_run(int status)
{
	static atomic_bool done; /* once: rt_exit's end, then libc's, may both come
				  * (and the exit stack holds the first's frames) */
	if (atomic_exchange(&done, true))
		return;
	if (!rt_on_own_stack(RT_STACK_EXIT, finish_run_here, &status))
		finish_run_here(&status);
}

/* Runs when the program exits, however it does (return from main or exit). */
static void finish(int status, void *arg)
{
	(void)arg;
	rt_run_exit_handlers(status); /* an exit that bypassed rt_exit (one inside libc) */
	fflush(NULL); /* the program's streams, in the order libc's exit flushes them */
	if (rt.opt < 0)
		prof_stop();
	jit_helper_end(rt.jit); /* (one let go may still run) */
	finish_run(status);
}

/*
 * LLVM registers some of its static destructors on first use, so those
 * that the compiler thread's first compiles registered are in libc's list
 * of exit handlers after finish, and run before it: libc's exit may not
 * run while a compile is under way. So the program's exit runs the
 * program's own handlers first (kept apart, atexit.c; one that calls exit
 * comes back here and the rest run), then stops the compiles; if none is
 * under way, it exits as usual. One under way is left running rather than
 * waited for (it can take seconds, for code that would never run): the
 * run ends as finish would end it, and the process with _exit, LLVM's
 * destructors not run. One thread ends the process: another's exit waits
 * for good, as in newer C libraries (the first's handlers and the code
 * cache must not be cut short by a second _exit); the same thread may come
 * back (a handler, or a fault's handler, calling exit: the run's end is
 * not written twice). From the stop on, signals from outside wait on this
 * thread: a handler calling exit would start the end again. Not with
 * --perf-map, whose exit handler writes out what the compiles made.
 */
static pthread_mutex_t ending = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void rt_exit_forked(void)
{
	pthread_mutex_t fresh = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
	ending = fresh;
}

void rt_exit(int status)
{
	if (pthread_mutex_trylock(&ending))
		for (;;)
			pause(); /* another thread is ending the process */
	rt_run_exit_handlers(status);
	if (rt.opt >= 0)
		exit(status);
	if (rt.perf_map) {
		prof_stop();
		jit_helper_end(rt.jit);
		exit(status);
	}
	static bool finishing;
	sigset_t old, own;
	prof_block_outside_signals(&old);
	/* but those this thread's own writes raise, as a fault does: the last
	 * flush into a closed pipe ends the process by SIGPIPE, as natively */
	sigemptyset(&own);
	sigaddset(&own, SIGPIPE);
	sigaddset(&own, SIGXFSZ);
	pthread_sigmask(SIG_UNBLOCK, &own, NULL);
	/* (a helper that tier 0 did not need may still be reading the
	 * program: left running too, jit/helper.c) */
	if (!prof_stop_leaving() && !jit_helpers_running()) {
		pthread_sigmask(SIG_SETMASK, &old, NULL); /* nothing is held */
		exit(status);
	}
	if (!finishing) { /* not again, from a handler's exit during it */
		finishing = true;
		fflush(NULL); /* what libc's exit would have written out */
		finish_run(status);
	}
	fflush(NULL); /* and what other threads wrote meanwhile */
	_exit(status);
}

/* The program's destructors (llvm.global_dtors), in the order they run:
 * at its exit, after the exit handlers registered once its constructors
 * began, as libc runs an ELF program's fini array. */
static void **destructors;
static size_t ndestructors;

static void run_destructors(void)
{
	for (size_t k = 0; k < ndestructors; k++)
		((void (*)(void))destructors[k])();
}

/* The number of CPUs this process may run on (1 if that cannot be told). */
static int cpus_allowed(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set))
		return 1;
	return CPU_COUNT(&set);
}

/* Compile in the background from here on, as --compile-threads says. */
static void start_compiling(void)
{
	int why = 0, n = rt.compile_threads;
	/* a CPU of its own (bare-metal, one the program is not given): there,
	 * and not among this thread's (a CPU that did not start leaves the
	 * kernel none to keep) */
	cpu_set_t set;
	bool own = rt.compile_cpu >= 0 && rt.compile_cpu < get_nprocs_conf() &&
		   !sched_getaffinity(0, sizeof set, &set) && !CPU_ISSET(rt.compile_cpu, &set);
	if (rt.compile_cpu >= 0 && !own && rt.verbose)
		fprintf(stderr, "bareflow-rt: no CPU %d kept for the compiles here: compiling as "
				"on the program's CPUs\n",
			rt.compile_cpu);
	bool alone = !own && cpus_allowed() < 2, remote = jit_compiles_remotely(rt.jit);
	if (n < 0)
		n = !rt.policy.fixed && (!alone || remote);
	/* on one CPU, a compile made on the host leaves it free while the
	 * host works: the thread goes first and waits, the program runs then */
	bool first = alone && remote;
	if (own)
		prof_compile_cpu(rt.compile_cpu);
	if (prof_background((unsigned)n, first, &why)) {
		if (rt.verbose && n)
			fprintf(stderr, "bareflow-rt: compiling in the background, on 1 thread%s\n",
				own			? ", on a CPU the program is not given"
				: !first		? ""
				: prof_compiler_first() ? ", which runs before the program whenever "
							  "it has work: its compiles are made on the "
							  "host"
							: ", which takes turns with the program: it was "
							  "refused the priority to run first (SCHED_FIFO)");
		return;
	}
	if (rt.verbose || rt.log_tiers)
		fprintf(stderr,
			"bareflow-rt: no compiler thread (%s): compiling synchronously, the program "
			"waits for each compile\n",
			strerror(why));
}

static int usage_error(const char *why)
{
	fprintf(stderr, "bareflow-rt: %s\n%s", why, usage);
	return EXIT_USAGE;
}

/* "C1,L1,C2,L2": four positive counts, the tier-1 ones below the tier-2. */
static bool parse_thresholds(const char *s, struct prof_policy *p)
{
	unsigned long long v[4];
	char *end;
	for (int k = 0; k < 4; k++) {
		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		v[k] = strtoull(s, &end, 10);
		if (errno || !v[k] || *end != (k < 3 ? ',' : 0))
			return false;
		s = end + 1;
	}
	if (v[0] > v[2] || v[1] > v[3])
		return false;
	p->calls1 = v[0], p->loops1 = v[1], p->calls2 = v[2], p->loops2 = v[3];
	p->fixed = true;
	return true;
}

static int compile_error(int code)
{
	fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
	jit_helper_end(rt.jit); /* before exit's destructors */
	return code == JIT_ENOSYM ? EXIT_NO_SYMBOL : EXIT_CANNOT_EXECUTE;
}

/* The file being read, for reader_crashed. */
static const char *volatile reading;

/*
 * LLVM 19's bitcode reader trusts what it reads: one flipped bit can send
 * it out of bounds (a crash) where it should report an error. A crash while
 * reading is therefore the file's fault, and ends with a bad file's 126:
 * here, or on the tier-0 helper's thread, which reads the same file beside
 * (jit/helper.c), once.
 * Only async-signal-safe calls here. Hosted only: BareFlow ends a program
 * that faults without running its handlers, and `bareflow jit` runs
 * --check hosted before it boots.
 */
static void reader_crashed(int sig)
{
	static const char a[] = "bareflow-rt: ",
			  b[] = ": not valid LLVM bitcode (LLVM's bitcode reader crashed: SIG";
	static atomic_flag once = ATOMIC_FLAG_INIT;
	if (atomic_flag_test_and_set(&once)) /* the tier-0 helper's reader too */
		for (;;)
			pause(); /* until the first one's _exit */
	const char *name = sig == SIGSEGV  ? "SEGV"
			   : sig == SIGBUS ? "BUS"
			   : sig == SIGFPE ? "FPE"
			   : sig == SIGILL ? "ILL"
					   : "ABRT";
	const char *file = reading;

	(void)!write(2, a, sizeof a - 1);
	(void)!write(2, file, strlen(file));
	(void)!write(2, b, sizeof b - 1);
	(void)!write(2, name, strlen(name));
	(void)!write(2, ")\n", 2);
	_exit(EXIT_CANNOT_EXECUTE);
}

/* The program prepared on the host, from the tier-0 file, when the file is
 * for these bitcode files (hashed, not read): the guest then neither
 * reads, verifies and links them nor prepares the program, a quarter of a
 * second under emulation for a program of a few thousand lines. */
static bool load_prepared(char **files, int n)
{
	for (int f = 0; f < n; f++)
		if (jit_hash_file(rt.jit, files[f])) { /* jit_add_file says why */
			jit_forget_inputs(rt.jit);
			return false;
		}
	reading = rt.tier0;
	if (cache_tier0_program(rt.jit, rt.tier0)) {
		if (rt.verbose)
			fprintf(stderr, "bareflow-rt: the program comes prepared, from %s\n",
				rt.tier0);
		return true;
	}
	jit_forget_inputs(rt.jit);
	return false;
}

/* Read, verify and link the bitcode files (or take the prepared program
 * from the tier-0 file), a crash inside LLVM reported as bad bitcode (on
 * an alternate stack: the crash may be a stack overflow). Returns 0 or 126
 * after printing why. */
static int load_bitcode(char **files, int n)
{
	static const int crashes[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	enum { NCRASHES = sizeof crashes / sizeof crashes[0] };
	static char altstack[1 << 16];
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack}, old_ss;
	struct sigaction sa = {.sa_handler = reader_crashed, .sa_flags = SA_ONSTACK}, old[NCRASHES];
	int r = 0;

	sigaltstack(&ss, &old_ss);
	for (int k = 0; k < NCRASHES; k++)
		sigaction(crashes[k], &sa, &old[k]);
	bool prepared = rt.tier0 && rt.opt < 0 && !rt.check && !rt.export && !rt.tier0_out &&
			load_prepared(files, n);
	for (int f = 0; f < n && !r && !prepared; f++) {
		reading = files[f];
		if (jit_add_file(rt.jit, files[f])) {
			fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
			r = EXIT_CANNOT_EXECUTE;
		}
	}
	if (!r && !prepared && jit_link_files(rt.jit)) { /* the last links (reading: the last file) */
		fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
		r = EXIT_CANNOT_EXECUTE;
	}
	for (int k = 0; k < NCRASHES; k++)
		sigaction(crashes[k], &old[k], NULL);
	sigaltstack(&old_ss, NULL);
	return r;
}

/* --fetch: the files from the compile server; a tier-0 file it has not is
 * left out. 0, or the exit status after saying why (1, saying nothing,
 * when the host did not make the files: the CLI has said why). */
static int fetch_files(void)
{
	uint64_t t0 = rt_now_ns();
	int got = 0;
	for (int k = 0; k < rt.nfetch; k++, got++) {
		int r = jit_fetch_file(rt.jit, rt.fetch[k]);
		if (r == 1 && rt.tier0 && !strcmp(rt.fetch[k], rt.tier0)) {
			if (rt.verbose)
				fprintf(stderr, "bareflow-rt: the host made no tier-0 file: tier 0 "
						"is compiled here\n");
			rt.tier0 = NULL;
			got--;
		} else if (r == 2) {
			return EXIT_NOT_MADE;
		} else if (r == 1) {
			fprintf(stderr, "bareflow-rt: %s: the host made no such file\n",
				rt.fetch[k]);
			return EXIT_CANNOT_EXECUTE;
		} else if (r) {
			fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
			return EXIT_CANNOT_EXECUTE;
		}
	}
	if (rt.verbose) /* the wait: the host was still making them */
		fprintf(stderr, "bareflow-rt: %d of the program's files came from the host in %.1f ms\n",
			got, ms(rt_now_ns() - t0));
	return 0;
}

/* --serve-compiles [--files FD FILE...]: the compile server. */
static int serve(int n, char **v)
{
	char *end;
	long fd = -1;
	if (n && (n < 2 || strcmp(v[0], "--files") || (fd = strtol(v[1], &end, 10)) < 3 ||
		  *end || !*v[1] || fd > 1 << 20))
		return usage_error("--serve-compiles takes only --files FD FILE...");
	return jit_serve(0, 1, (int)fd, v + 2, n ? n - 2 : 0);
}

/* --export: the program's stored profile as the appliance's object code. */
static int export_program(void)
{
	struct jit_request *req;
	uint64_t(*weights)[2];
	size_t n;
	bool generic;
	int r = prof_init(rt.jit, &rt.policy, rt.verbose);
	if (r)
		return compile_error(r);
	cache_open(rt.jit, rt.cache_dir, &rt.policy, rt.verbose);
	if (!cache_requests(&req, &weights, &n, &generic)) {
		fprintf(stderr,
			"bareflow-rt: no profile of this program in %s to export: it must run "
			"there first, under the same policy, CPU and runtime\n",
			rt.cache_dir);
		return 1;
	}
	r = jit_export(rt.jit, req, (const uint64_t(*)[2])weights, n,
		       rt.export_host ? generic : true, rt.export);
	free(req);
	free(weights);
	if (r)
		return compile_error(r);
	return 0;
}

/* --tier0-out: the program's tier-0 code, for any x86-64, and the prepared
 * program in a tier-0 file, with how long compiling tier 0 (preparing
 * included) and reading the prepared program back took here. */
static int write_tier0(void)
{
	struct jit_probes probes;
	void *entry;
	jit_keep_prepared(rt.jit);
	int r = prof_init(rt.jit, &rt.policy, rt.verbose);
	if (!r)
		r = jit_tier0_for_any_cpu(rt.jit);
	if (r)
		return compile_error(r);
	jit_keep_objects(rt.jit);
	prof_probes(&probes);
	if ((r = jit_compile_tier0(rt.jit, &probes, "main", &entry)))
		return compile_error(r);
	const struct jit_stats *after = jit_stats(rt.jit);
	return cache_write_tier0(rt.jit, rt.tier0_out, after->optimize_ns + after->codegen_ns) ? 1
												 : 0;
}

int main(int argc, char **argv, char **envp)
{
	int i = 1, first_file;

	rt.start_ns = rt_now_ns();
	rt.opt = -1;
	rt.compile_threads = -1;
	rt.compile_cpu = -1;
	rt.policy = prof_default_policy;
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--verbose")) {
			rt.verbose = true;
		} else if (!strcmp(a, "--log-tiers")) {
			rt.log_tiers = true;
		} else if (!strcmp(a, "--report")) {
			rt.report = true;
		} else if (!strcmp(a, "--perf-map")) {
			rt.perf_map = true;
		} else if (!strcmp(a, "--gdb")) {
			rt.gdb = true;
		} else if (!strcmp(a, "--check")) {
			rt.check = true;
		} else if (!strcmp(a, "--cache-clear")) {
			rt.cache_clear = true;
		} else if (!strcmp(a, "--serve-compiles")) {
			return serve(argc - i - 1, argv + i + 1);
		} else if (!strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--tier0-out") || !strcmp(a, "--tier0") ||
			   !strcmp(a, "--compile-server") || !strcmp(a, "--fetch")) {
			if (i + 1 == argc || !*argv[i + 1])
				return usage_error("an option needs a value");
			if (!strcmp(a, "--fetch")) {
				if (!rt.fetch && !(rt.fetch = calloc((size_t)argc, sizeof *rt.fetch)))
					return EXIT_CANNOT_EXECUTE;
				rt.fetch[rt.nfetch++] = argv[++i];
			} else if (!strcmp(a, "--tier0-out"))
				rt.tier0_out = argv[++i];
			else if (!strcmp(a, "--tier0"))
				rt.tier0 = argv[++i];
			else
				rt.compile_server = argv[++i];
		} else if (!strcmp(a, "--profile") || !strcmp(a, "--opt") ||
			   !strcmp(a, "--thresholds") || !strcmp(a, "--cache") ||
			   !strcmp(a, "--export") || !strcmp(a, "--export-cpu") ||
			   !strcmp(a, "--compile-threads") || !strcmp(a, "--compile-cpu")) {
			if (i + 1 == argc)
				return usage_error("an option needs a value");
			const char *v = argv[++i];
			if (!strncmp(a, "--compile-", 10)) {
				char *end;
				errno = 0;
				long n = strtol(v, &end, 10);
				bool cpu = a[10] == 'c';
				if (*v < '0' || *v > '9' || *end || errno || n > (cpu ? 63 : 64))
					return usage_error(cpu ? "--compile-cpu wants a CPU from 0 to 63"
							       : "--compile-threads wants a number "
								 "from 0 to 64");
				*(cpu ? &rt.compile_cpu : &rt.compile_threads) = (int)n;
			} else if (!strcmp(a, "--export-cpu")) {
				if (strcmp(v, "host") && strcmp(v, "x86-64"))
					return usage_error("--export-cpu wants host or x86-64");
				rt.export_host = !strcmp(v, "host");
			} else if (a[2] == 'e') {
				rt.export = v;
			} else if (a[2] == 'c') {
				if (!*v)
					return usage_error("--cache wants a directory or off");
				rt.cache_off = !strcmp(v, "off");
				rt.cache_dir = rt.cache_off ? NULL : v;
			} else if (a[2] == 'p') {
				rt.profile = v;
			} else if (a[2] == 't') {
				if (!parse_thresholds(v, &rt.policy))
					return usage_error(
					    "--thresholds wants four positive counts C1,L1,C2,L2 "
					    "with C1 <= C2 and L1 <= L2");
			} else if (!strcmp(v, "auto")) {
				rt.opt = -1;
			} else if (v[0] >= '0' && v[0] <= '3' && !v[1]) {
				rt.opt = v[0] - '0';
			} else {
				return usage_error("--opt wants auto, 0, 1, 2 or 3");
			}
		} else {
			return usage_error("unknown option");
		}
	}
	first_file = i;
	while (i < argc && strcmp(argv[i], "--"))
		i++;
	if (i == first_file)
		return usage_error("no bitcode files");
	if (i + 1 >= argc && !rt.check && !rt.export && !rt.tier0_out)
		return usage_error("no program name after \"--\"");
	if (rt.export && (!rt.cache_dir || rt.cache_off))
		return usage_error("--export needs --cache DIR: the profile to export from");
	if (rt.tier0 && rt.opt >= 0)
		return usage_error("--tier0 is tier 0's code, for --opt auto");
	if (rt.nfetch && (!rt.compile_server || rt.check || rt.export || rt.tier0_out))
		return usage_error("--fetch takes files from the compile server, for a run");

	char err[4096];
	rt.jit = jit_create(err, sizeof err);
	if (!rt.jit) {
		fprintf(stderr, "bareflow-rt: %s\n", err);
		return EXIT_CANNOT_EXECUTE;
	}
	if (rt.compile_server && !rt.check && !rt.export && !rt.tier0_out) {
		if (jit_compile_remotely(rt.jit, rt.compile_server) && rt.nfetch) {
			/* the program's files come from it: nothing to run */
			fprintf(stderr, "bareflow-rt: %s: the program's files cannot come\n",
				jit_error(rt.jit));
			return EXIT_CANNOT_EXECUTE;
		} else if (!jit_compiles_remotely(rt.jit)) {
			fprintf(stderr, "bareflow-rt: %s: compiling here\n", jit_error(rt.jit));
		} else if (rt.verbose) {
			fprintf(stderr, "bareflow-rt: compiles go to the compile server at %s\n",
				rt.compile_server);
		}
	}
	int bad = rt.nfetch ? fetch_files() : 0;
	if (bad)
		return bad;
	size_t nsyms;
	const struct jit_symbol *syms = runtime_symbols(&nsyms);
	if (!syms) {
		fprintf(stderr, "bareflow-rt: out of memory for the symbol table\n");
		return 1;
	}
	/* tier 0 on two CPUs where there are two (jit/helper.c), or where
	 * $BAREFLOW_RT_TIER0_HELPER is on (off: never; for tests); not for a
	 * program prepared elsewhere (the tier-0 file's) */
	const char *helper = getenv("BAREFLOW_RT_TIER0_HELPER");
	if (rt.opt < 0 && !rt.check && !rt.export && !rt.tier0 &&
	    (helper && !strcmp(helper, "on")	 ? true
	     : helper && !strcmp(helper, "off") ? false
						 : cpus_allowed() > 1))
		jit_helper_start(rt.jit, (size_t)(i - first_file), syms, nsyms);
	bad = load_bitcode(argv + first_file, i - first_file);
	if (bad || rt.check) {
		jit_helper_end(rt.jit);
		return bad;
	}
	jit_provide(rt.jit, syms, nsyms);
	/* a code cache for the program: tier 0 is likely to come from it */
	if (!rt.cache_off && !rt.cache_clear && !rt.tier0_out &&
	    cache_file_exists(rt.jit, rt.cache_dir, &rt.policy))
		jit_helper_cancel(rt.jit);
	if (codemap_init(rt.jit, rt.perf_map, rt.gdb)) {
		jit_helper_end(rt.jit);
		return EXIT_USAGE;
	}
	fault_report_init();
	void *entry;
	int r;
	bool compiled_tier0 = false;
	uint64_t host_read_ns = 0;
	if (rt.export)
		return export_program();
	if (rt.tier0_out) {
		r = write_tier0();
		jit_helper_end(rt.jit); /* one not needed may still run: before exit's destructors */
		return r;
	}
	if (rt.opt < 0) {
		struct jit_probes probes;
		r = prof_init(rt.jit, &rt.policy, rt.verbose || rt.log_tiers);
		if (!r && rt.cache_clear && !rt.cache_off)
			cache_clear(rt.cache_dir); /* a failure is said; the run goes on, cold */
		if (!r && !rt.cache_off)
			cache_open(rt.jit, rt.cache_dir, &rt.policy, rt.verbose || rt.log_tiers);
		if (!r) {
			prof_probes(&probes);
			if (!cache_tier0(&probes, &entry) &&
			    !(rt.tier0 && cache_read_tier0(rt.jit, &probes, &entry, &host_read_ns,
							   &rt.host_first_ns))) {
				r = jit_compile_tier0(rt.jit, &probes, "main", &entry);
				compiled_tier0 = true;
				rt.host_first_ns = 0;
			} else {
				jit_helper_cancel(rt.jit);
			}
			cache_tier0_done();
		}
		if (!r) {
			prof_saved_hold(true);
			cache_load();
			prof_saved_hold(false);
		}
	} else {
		const struct jit_fn *fns;
		size_t nfns;
		r = jit_prepare(rt.jit, &fns, &nfns);
		if (!r)
			r = jit_compile_fixed(rt.jit, rt.opt, "main", &entry);
	}
	if (rt.verbose) /* the features decided once the program was read */
		fprintf(stderr, "bareflow-rt: cpu %s, features %s\n", jit_cpu_name(rt.jit),
			jit_cpu_features(rt.jit));
	if (rt.verbose && jit_vex_off(rt.jit))
		fprintf(stderr, "bareflow-rt: this CPU is QEMU's emulation, which runs the AVX "
				"family slowly: code is generated without it\n");
	if (r)
		return compile_error(r);
	rt.first = *jit_stats(rt.jit);
	rt.compiled_tier0 = compiled_tier0;
	if (jit_compiles_remotely(rt.jit)) {
		/* the host compiles: emulation's slowness is not the compiles' */
		if (rt.verbose)
			fprintf(stderr, "bareflow-rt: compiles are predicted at the hosted figures "
					"until some have been timed\n");
	} else if (compiled_tier0)
		prof_calibrate(first_compile_ns(), rt.first.instructions);
	else if (rt.host_first_ns && host_read_ns)
		prof_calibrate_by(rt.host_first_ns, host_read_ns,
				  rt.first.load_ns + rt.first.optimize_ns, rt.first.instructions);
	if (rt.verbose)
		fprintf(stderr,
			"bareflow-rt: %u functions %s: load %.3f ms, optimize %.3f ms, codegen "
			"%.3f ms\n",
			rt.first.functions,
			rt.opt < 0 ? "at tier 0"
			: rt.opt   ? "optimized"
				   : "at -O0",
			ms(rt.first.load_ns), ms(rt.first.optimize_ns), ms(rt.first.codegen_ns));
	if (rt.verbose && compiled_tier0)
		fprintf(stderr, "bareflow-rt: tier 0 %s\n", jit_tier0_how(rt.jit));
	void **constructors;
	size_t nconstructors;
	void *own_malloc, *own_realloc, *own_free;
	if ((r = jit_init_functions(rt.jit, true, &constructors, &nconstructors)) ||
	    (r = jit_init_functions(rt.jit, false, &destructors, &ndestructors)) ||
	    (r = jit_own_function(rt.jit, "malloc", &own_malloc)) ||
	    (r = jit_own_function(rt.jit, "realloc", &own_realloc)) ||
	    (r = jit_own_function(rt.jit, "free", &own_free)))
		return compile_error(r);
	rt_own_allocator(own_malloc, own_realloc, own_free);
	on_exit(finish, NULL);
	if (rt_fork_init()) {
		fprintf(stderr, "bareflow-rt: cannot register fork's handlers\n");
		jit_helper_end(rt.jit);
		return 1;
	}
	if (rt.opt < 0) /* the tiers' machines, before main rather than in its first compiles */
		jit_make_machines(rt.jit);
	int (*program)(int, char **, char **) = (int (*)(int, char **, char **))entry;
	rt_stacks_grow(rt.verbose);
	if (!rt_threads_start()) {
		fprintf(stderr, "bareflow-rt: no thread-specific key left to count the program's "
				"threads by\n");
		jit_helper_end(rt.jit);
		return 1;
	}
	/* the name err, warn, error and assert print, as the program's own */
	program_invocation_name = argv[i + 1];
	const char *slash = strrchr(argv[i + 1], '/');
	program_invocation_short_name = slash ? (char *)slash + 1 : argv[i + 1];
	rt.main_ns = rt_now_ns();
	if (rt.opt < 0) {
		start_compiling();
		prof_settle(); /* from here on, cycles are counted */
	}
	/* The program starts in the floating-point environment a native one
	 * does, C's and Linux's default: round to nearest, no exception flag
	 * set, whatever the runtime raised (inexact is set already when this
	 * main begins, and by compiling). */
	fesetenv(FE_DFL_ENV);
	/* its constructors first, with main's arguments, as glibc calls an
	 * init array's */
	if (ndestructors && rt_atexit(run_destructors)) {
		fprintf(stderr, "bareflow-rt: out of memory for the program's destructors\n");
		jit_helper_end(rt.jit);
		return 1;
	}
	for (size_t k = 0; k < nconstructors; k++)
		((void (*)(int, char **, char **))constructors[k])(argc - i - 1, argv + i + 1, envp);
	free(constructors);
	rt_exit(program(argc - i - 1, argv + i + 1, envp));
}
