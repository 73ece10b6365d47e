/*
 * Shared by the files of prof/ and nothing else: the profiler's state and
 * the mechanism the policy (policy.c) uses to install what it compiles.
 */
#ifndef BFRT_PROF_INTERNAL_H
#define BFRT_PROF_INTERNAL_H

#include <fenv.h>
#include <signal.h>

#include "prof.h"
#include "queue.h"

extern struct prof_state {
	struct jit *jit;
	struct prof_policy policy;
	bool verbose;
	uint64_t compile_ns; /* the tiers' compiles, in all */
	bool prefer_generic; /* the last code choice measured kept any x86-64's */
	uint64_t tsc0, ns0;  /* for cycles per nanosecond */
	uint64_t main_ns;    /* when cycles began to count (the program's main) */
	double slowdown;     /* code like tier 0's runs this many times slower
			      * than where policy.c's figures were taken */
	struct {
		double n, log_ratio; /* compiles seen; sum of log(ns / predicted) */
	} cost;			     /* the compile-cost model's data (policy.c) */
} P;

/* What a program's thread had when it entered the runtime. */
struct prof_saved {
	fenv_t env;
	sigset_t mask;
};
/* The runtime's own work (deciding, compiling) on a program's thread,
 * between these two, holds the policy lock (queue.h) and is function 0's
 * time, not that of the function that happened to be running. Meanwhile:
 * - it runs in C's default floating-point environment, and the program's
 *   own (kept in *s) is the program's again after: unmasked exceptions
 *   would trap in the policy's arithmetic or in LLVM, and the runtime's
 *   work would leave flags set (inexact, at the least) that a native run
 *   never sees;
 * - signals that come from outside wait: a handler running the program's
 *   code would reach the runtime again, whose locks it holds, or exit in
 *   the middle of a compile. Those a fault raises (SIGSEGV and the like)
 *   still come, for the crash report.
 * False, and nothing done, once the run ends with a compile left running
 * (prof_stop_leaving): the caller decides nothing and runs on. */
bool prof_runtime_enter(struct prof_saved *s);
void prof_runtime_leave(const struct prof_saved *s);
/* A compiler thread that runs first (queue.h) takes the program's CPU
 * while it runs: the time stamp counter goes on, and its work would be
 * the running function's time, a tier-up's module and link (5 to 40 ms
 * bare-metal) making that function look the hotter for each. So at each
 * of its starts (runs) the cycles so far are the current function's (or
 * function 0's, when the program's thread was in the runtime), and at each
 * of its stops (while it waits for the compile server, the program runs)
 * those since are function 0's. Not exact: the thread can take the CPU in
 * the middle of the program's code moving the stamp (load, add, store),
 * which then stores the stamp it had read, and the compile's time goes to
 * the program after all; the window is a few instructions. */
void prof_compiler_runs(bool runs);

/* A new entry in f's version history; NULL when it is full. */
struct prof_version *prof_new_version(struct prof_fn *f);
/* Where prof_install puts code: in the slot (with, or without, a call
 * under way that asked for it and will run it without having been
 * counted), or in the guard's fallback field. */
enum prof_place { PROF_SLOT, PROF_SLOT_CALL_PENDING, PROF_FALLBACK };
/* Record the code compiled for r (in ns) as f's newest version, with what
 * it calls (NULL: not known), and put it where `place` says. */
void prof_install(struct prof_fn *f, const struct jit_request *r, void *code, uint64_t ns,
		  enum prof_place place, const struct prof_calls *calls);
/* Put code (compiled before, and recorded then) back in f's slot; the
 * counts of the calls it runs start again. */
void prof_reinstall(struct prof_fn *f, void *code);
/* policy.c: at the end of the run, a sample that put other code in a slot
 * is cut short, so that the slot holds what the profile says it does. */
void prof_policy_stop(void);
void prof_policy_stop_held(void); /* the same, the policy lock held */
/* What r asks for, for the log: "-O3, specialized: arg3=96". */
void prof_describe(const struct jit_request *r, char *buf, size_t len);

double prof_ms(uint64_t ns);
/* A line of the log (--log-tiers, --verbose, a failure) on stderr, made in
 * the heap first: a program's thread may be on a small stack (a signal
 * handler's alternate one, a thread's of 16 KiB) when the policy writes,
 * and glibc's fprintf to unbuffered stderr puts an 8 KiB buffer on it. */
void prof_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A compile the policy asks for (jobs.c): versions of n functions in one
 * module (who[0] asked; the others join its batch), or OSR code for loop
 * header `loop` of who[0]. From prof_submit until its install, its
 * functions are pending (struct prof_fn): their triggers (the OSR trigger
 * for OSR code) stay off, so that nothing is asked for them twice. The
 * install gives the triggers back, then calls done, the policy's own
 * install, with the policy lock held.
 */
#define PROF_BATCH_MAX 16
struct prof_job {
	struct queue_job q;
	void (*done)(struct prof_job *);
	bool osr;
	unsigned loop;
	size_t n;
	uint32_t who[PROF_BATCH_MAX];
	struct jit_request r[PROF_BATCH_MAX];
	void *code[PROF_BATCH_MAX]; /* set beforehand: compiled before, no compile */
	uint64_t ns[PROF_BATCH_MAX];
	bool call_pending;	  /* the call that asked runs the code, uncounted */
	bool fallback;		  /* the policy's: for a guard's fallback */
	int err;		  /* who[0]'s compile failed (the reason in error) */
	bool alone;		  /* the batch failed; who[0] was compiled alone */
	char error[512];
	char inlined[256]; /* OSR: the functions its code inlined (jit_compile_osr) */
	struct prof_calls calls; /* who[0]'s code's, compiled alone */
	uint64_t asked_calls[PROF_BATCH_MAX], asked_loops[PROF_BATCH_MAX];
	uint64_t asked_ns; /* when it was asked for */
	struct prof_arg asked_args[PROF_BATCH_MAX][PROF_MAX_ARGS]; /* the values seen by then */
	bool may_generalize;		    /* a tier-up: stale values make it generic */
	bool unspecialized[PROF_BATCH_MAX]; /* compiled generic: its values had changed */
	uint64_t trigger[PROF_BATCH_MAX][2]; /* call and loop triggers (not OSR's) */
	/* for the queue's order (urgency in jobs.c): when the queue last
	 * looked (or it was asked for), the cycles its functions had run in
	 * their slots' code by then, the share of them its code is expected
	 * to save, and its predicted compile time */
	uint64_t seen_ns, seen_spent[PROF_BATCH_MAX];
	double gain, predicted_ns;
};
/* For --log-tiers: a background job's times since main, " (asked at A ms,
 * in at B ms)" (asked, installed now), in buf. */
void prof_job_times(const struct prof_job *job, char *buf, size_t size);
/* The cycles f has run in the code in its slot (policy.c: measured, or
 * estimated for an untimed function at tier 0). */
uint64_t prof_spent_cycles(const struct prof_fn *f);
/* The predicted time of job's compile, in ns (policy.c's cost model). */
double prof_predict_job_ns(struct prof_job *job);
/* Measure P.slowdown (policy.c). */
void prof_measure_slowdown(void);
/* A zeroed job (NULL when out of memory). */
struct prof_job *prof_new_job(void);
/* Ask for it (the policy lock held); compiled and installed at once
 * unless the compiler thread takes it (queue.h: the policy lock is
 * dropped for a compile made at once). */
void prof_submit(struct prof_job *job);
/* Where a job's code goes in a slot: with the call that asked pending
 * (synchronous), or not (in the background). */
enum prof_place prof_job_place(const struct prof_job *job, size_t b);
/* Whether the values job's request b specializes on have lost their hold
 * since it was asked for (policy.c). */
bool prof_spec_stale(const struct prof_job *job, size_t b);

#endif
