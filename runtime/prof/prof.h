/*
 * The profiler and the tier policy. Instrumented JIT code updates a
 * struct prof_fn per function (at the offsets below, which jit/ bakes into
 * the code as absolute addresses) and calls prof_hot or prof_osr when a
 * counter reaches its trigger; these decide what to compile next and
 * install it in the function's slot. No LLVM here: compiling is asked of
 * jit/ through jit.h.
 *
 * Tiers: 0 is the cheap, fully instrumented compile (entry counters, cycle
 * accounting, loop counters, argument-value profiles); 1 is -O2 with entry
 * counters, cycle accounting and value profiles; 2 is -O3 (for the host
 * CPU, or for any x86-64 when measured faster), specialized on dominant
 * argument values when there are any. The
 * policy (policy.c) decides when and what; docs/architecture.md says why.
 */
#ifndef BFRT_PROF_H
#define BFRT_PROF_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "jit/jit.h"

#define PROF_MAX_ARGS 6	     /* arguments profiled per function */
#define PROF_MAX_VERSIONS 12 /* code versions recorded per function */
#define PROF_NEVER UINT64_MAX

/* The value profile of one argument (its bits, enum jit_arg_kind): the current candidate, how
 * often it came since it became the candidate, and how often another value
 * did. A candidate outnumbered by other values is replaced. */
struct prof_arg {
	int64_t value;
	uint64_t same, other;
};

/* What the cycles of a function's code in its slot compare with (prof.c):
 * its own cycles per call at tier 0, when no callee's cycles are its code's;
 * with its callees', when all of theirs are; nothing when some are, which
 * is not told apart. */
enum prof_saved_mode { PROF_SAVED_OWN, PROF_SAVED_INCLUSIVE, PROF_SAVED_UNKNOWN };

/* The program's functions a version's code still calls once optimized,
 * and whether it calls through a pointer (jit_version_calls): known for a
 * version compiled alone that calls at most PROF_CALLS_MAX. */
#define PROF_CALLS_MAX 8
struct prof_calls {
	bool known, indirect;
	unsigned n;
	uint32_t fn[PROF_CALLS_MAX]; /* jit_fn indexes */
};

struct prof_version {
	int tier;	/* 1 or 2 */
	bool osr;	/* entered from a tier-0 loop header */
	unsigned loop;	/* that header (a block number), for osr */
	unsigned nspec; /* arguments specialized on */
	unsigned spec_arg[PROF_MAX_ARGS];
	int64_t spec_value[PROF_MAX_ARGS];
	uint64_t compile_ns;
	uint64_t installed_at_call; /* the first call to run it (OSR: the call it took over) */
	bool counted;		    /* counts calls and cycles */
	bool fallback;		    /* generic code for a guard's misses, not in the slot */
	bool generic_cpu;	    /* for any x86-64 (SSE2), not for this CPU */
	bool profiled;		    /* generic code still profiling values */
	bool cached;		    /* loaded from the code cache, not compiled */
	struct prof_calls calls;
	void *code;
};

/* The samples each code of a code-choice experiment runs, at most
 * (policy.c: the first pair that does not favour the other code ends it). */
#define PROF_EXPERIMENT_ROUNDS 4

/* One per function. The first fields are read and written by JIT code. */
struct prof_fn {
	/* counters (JIT code; plain loads and stores: under concurrent
	 * calls an update may be lost, which only delays a tier-up) */
	uint64_t calls;	       /* entries into the function's own code */
	uint64_t cycles;       /* rdtsc cycles in its own code, callees excluded */
	uint64_t loops;	       /* loop headers executed in its own code */
	uint64_t guard_misses; /* calls a specialized version passed on */
	uint64_t inclusive;    /* tier 0: cycles of its calls, callees included,
				* the runtime's meanwhile not (a recursion's
				* inner calls count again) */
	uint64_t osr_cycles;   /* tier 0: of cycles, those run in its OSR code */
	/* triggers (JIT code reads them; prof writes them) */
	uint64_t call_trigger; /* entry: calls >= this ... */
	uint64_t loop_trigger; /* ... or loops >= this: prof_hot */
	uint64_t osr_trigger;  /* tier-0 loop header: loops >= this: prof_osr */
	uint64_t miss_trigger; /* specialization guard: guard_misses >= this: prof_miss */
	void *code;	       /* the slot: what the function's stub jumps to */
	void *fallback;	       /* where a specialization guard sends other values */
	struct prof_arg args[PROF_MAX_ARGS];
	/* the runtime's own */
	const struct jit_fn *fn; /* name, parameters, whether managed */
	int tier;		 /* of the code in the slot */
	bool pending;		 /* a compile for it is asked for (prof/jobs.c) ... */
	bool osr_pending;	 /* ... OSR code for one of its loops */
	bool solo;		 /* compiled alone: it was in a batch LLVM rejected */
	bool rejected;		 /* LLVM rejected its code: no more compiles */
	uint64_t tier_calls;	 /* calls when that code was installed */
	uint64_t tier_cycles;	 /* cycles then */
	uint64_t tier0_cpc;	 /* cycles per call while at tier 0 ... */
	uint64_t tier0_icpc;	 /* ... and with its callees' (inclusive) */
	void *tier0_code;	 /* its tier-0 body, once out of the slot */
	bool osr_in;		 /* tier 0 with OSR code: its cycles since ... */
	uint64_t osr_base;	 /* ... cycles - osr_cycles then are what count */
	bool osr_rebase;	 /* ... and again from the code's first entry (osr_entered) */
	double saved;		 /* cycles saved by versions no longer in the slot, and
				  * by the code in it until saved_calls, saved_cycles */
	uint64_t saved_calls, saved_cycles;
	int saved_mode; /* since then (enum prof_saved_mode) */
	void *generic;		 /* generic -O3 code, once compiled ... */
	bool generic_counted;	 /* ... whether it counts calls and cycles ... */
	uint64_t generic_ns;	 /* ... and how long it took */
	bool respecialize;	 /* generic code profiling values, to specialize later */
	bool stale;		 /* the values its guard checks had changed by its install */
	/* the code choice measured (policy.c): the -O3 code in the slot (for
	 * this CPU, or for any x86-64 once that won elsewhere) against the
	 * same for the other target, taking turns for samples of calls */
	struct prof_experiment {
		int state, rounds;  /* enum in policy.c; the other's samples taken */
		void *host, *other; /* the code in the slot before; the other */
		double host_cpc;    /* cycles per call of the code in the slot before */
		/* each sample's cycles per call, the other's and the slot's, in
		 * turns (0: no call ran) */
		double other_s[PROF_EXPERIMENT_ROUNDS], host_s[PROF_EXPERIMENT_ROUNDS];
		double other_cpc, host2_cpc; /* the median sample of each */
		/* the median of the ratios of neighbouring samples, the other's
		 * over the slot's: the other is kept below 1 - margin */
		double median_ratio;
		bool other_generic; /* the other is for any x86-64 (else this CPU) */
		bool kept_other;
		bool checked; /* whether the slot's code runs slower than tier 0 ... */
		double o3_cpc, tier0_beside; /* ... its cycles a call, tier 0's beside it */
		/* the function's inclusive cycles and OSR trigger, and what its
		 * -O3 code had run and saved, before tier 0's sample */
		uint64_t inclusive, osr_trigger, spent;
		double saved;
		bool alone; /* made as the code in the slot ran slower than tier 0: its
			     * result is this function's alone (policy.c) ... */
		uint8_t own_choice; /* ... which is this (enum prof_own_choice) */
		bool other_warm; /* the other's first calls are done */
		bool warm;  /* the slot's code's first calls are done: ... */
		uint64_t warm_calls, warm_cycles; /* ... its calls and cycles then */
		/* queue_first_marks when the -O3 code's or tier 0's sample
		 * began, and how many times one was begun again */
		unsigned long marks;
		unsigned again;
		bool tier0_again; /* tier 0's sample is being run a second time */
		bool tier0_first; /* its first EXPERIMENT_MIN_CALLS calls are being run */
		uint64_t tier0_end; /* the call trigger that ends it, as sized */
	} experiment;
	uint64_t spec_calls; /* calls when a specialized version was installed */
	uint64_t spec_misses; /* guard_misses then */
	/* calls and guard_misses at the guard's install, then at each of
	 * the misses' looks (policy.c) */
	uint64_t miss_look_calls, miss_look_misses;
	unsigned long size;  /* IR instructions a version compiles (0: not known yet) */
	unsigned nversions;
	struct prof_version versions[PROF_MAX_VERSIONS];
	bool osr_learned; /* OSR code came from the cache: other loops are not entered */
	unsigned nunfit;  /* loop headers found unfit for OSR */
	unsigned unfit[8];
	/* loops when OSR code last went in, plus OSR_WAIT_HEADERS: until then
	 * a header without code waits for one with (policy.c's osr) */
	uint64_t osr_wait_until;
};

/* A count now against its snapshot then, never below zero: a program
 * thread's counter update that began before a snapshot can land after it,
 * and a call that reached a checkpoint uncounts itself (it runs again
 * through the slot). */
static inline uint64_t prof_since(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}
/* The calls and cycles of the code in f's slot since it went in. */
static inline uint64_t prof_calls_in_slot(const struct prof_fn *f)
{
	return prof_since(f->calls, f->tier_calls);
}
static inline uint64_t prof_cycles_in_slot(const struct prof_fn *f)
{
	return prof_since(f->cycles, f->tier_cycles);
}

/* The policy's tunables. By default (adaptive) the counts are checkpoints
 * at which the cost rule decides; bareflow-rt --thresholds C1,L1,C2,L2
 * makes them exact (fixed): tier 0 -> 1 at C1 calls or L1 loop
 * iterations, tier 1 -> 2 at C2 or L2, with no cost rule. */
struct prof_policy {
	uint64_t calls1, loops1; /* first checkpoint (fixed: tier 0 -> 1) */
	uint64_t calls2, loops2; /* fixed: tier 1 -> 2; loops2: OSR's first checkpoint */
	uint64_t min_samples;	 /* calls profiled before specializing */
	unsigned dominance_pct;	 /* a value this common is specialized on */
	uint64_t counted_min;	 /* cycles per call below which tier 2 counts nothing */
	bool fixed;		 /* tier-ups at exactly the counts above */
};

extern const struct prof_policy prof_default_policy;

/* The profile, indexed by function number (jit_fn index + 1); entry 0
 * stands for code outside the program (the runtime, libc before main). */
extern struct prof_fn *prof_fns;
extern unsigned prof_nfns;
extern uint32_t prof_current; /* the function whose cycles are counting */
extern uint64_t prof_stamp;   /* when they last were added up */

/* Prepare the program (jit_prepare) and set up its profile; 0 or a JIT_E
 * code (the message is jit_error's). */
int prof_init(struct jit *j, const struct prof_policy *policy, bool verbose);
/* Compile in the background from now on, on threads compiler threads (0:
 * synchronously, on the program's threads), first, with first, of the
 * program on a CPU (queue_start). False if no thread can be made
 * (compiling stays synchronous; *why is the errno). */
bool prof_background(unsigned threads, bool first, int *why);
/* The compiler thread is to run on CPU cpu, kept for it (queue_pin);
 * before prof_background. */
void prof_compile_cpu(int cpu);
/* Whether the compiler thread runs first (it asked and got SCHED_FIFO). */
bool prof_compiler_first(void);
/* At exit: no more compiles; the one under way, if any, is installed
 * first (prof/queue.h's queue_stop). */
void prof_stop(void);
/* The same, but a compile under way on the compiler thread is left
 * running: true then, and from here on nothing is installed and no
 * object kept (the profile and the kept code stay as they are for the
 * code cache and the report), probes return at once, and the process
 * must end without libc's exit handlers, LLVM's among them (_exit). */
bool prof_stop_leaving(void);
/* In a child the program forked (fork.c; its one thread, no lock held):
 * the jobs no thread of the child will finish (queue_fork_child's) are
 * compiled at the child's first entry into the runtime, the next call or
 * loop of one of their functions; the child's compile summary
 * (--verbose) is not said, being mostly the parent's. */
struct queue_job;
void prof_forked(struct queue_job *orphans);
/* In a forked child at a probe (the policy lock held): the parent's jobs,
 * submitted again (their functions' code installed then); whether there
 * were any, in which case prof_miss and prof_osr leave their own
 * decisions for later (prof_hot's looks whether anything is still due). */
bool prof_adopt_orphans(void);
/* Block the signals that come from outside on this thread (not those a
 * fault raises), the old mask in *old if not NULL. */
void prof_block_outside_signals(sigset_t *old);
/* Where instrumented code finds all of the above. */
void prof_probes(struct jit_probes *p);
/* Total compile time of the tiers (not tier 0). */
uint64_t prof_compile_ns(void);
/* The code in f's slot now: its last version that is neither OSR code
 * nor a guard's fallback; NULL for tier 0 (or when the history is full). */
const struct prof_version *prof_in_slot(const struct prof_fn *f);
/* The cycles the tiers' code saved, by the profile's estimate (see
 * docs/architecture.md, Reports), in total (where known), and for function
 * f in *cycles: whether that is known (it is not for code that counts
 * nothing, nor for OSR code). */
double prof_saved_cycles(void);
bool prof_fn_saved(const struct prof_fn *f, double *cycles);
/* While held, the installs (a whole cache's, say) leave the saving's
 * accounting (prof.c's saved_recheck, a walk of every function) to one
 * walk when released. */
void prof_saved_hold(bool hold);
/* Cycles per nanosecond, as measured since the start. */
double prof_cycles_per_ns(void);

/* At exit: the running function's cycles up to now are its own. */
void prof_settle(void);
/* The profile as a table, most cycles first, at most max_rows functions. */
void prof_table(FILE *out, unsigned max_rows);
/* s as a JSON string: quotes and backslashes escaped, control bytes as
 * \u00XX. */
void prof_json_string(FILE *f, const char *s);
/* The profile as the JSON member "functions": [...]. */
void prof_json_functions(FILE *out);

/* An experiment's figures by target: cycles per call for this CPU and for
 * any x86-64, and whether any x86-64's code was kept. */
void prof_experiment_result(const struct prof_experiment *e, double *this_cpu, double *any_x86_64,
			    bool *kept_any);
/* Its median paired ratio as any x86-64's cycles per call over this
 * CPU's (0 if none was taken). */
double prof_experiment_ratio(const struct prof_experiment *e);

/* ---- the code cache's side (cache/) ---- */

/* The request that compiled version v of function i (the code cache stores
 * it with the code). */
void prof_version_request(uint32_t i, const struct prof_version *v, struct jit_request *r);
/* A function's own code choice, measured because its -O3 code ran slower
 * than its tier-0 code (policy.c): none, or the code for this CPU or for
 * any x86-64 for its compiles. */
enum prof_own_choice { PROF_OWN_NONE, PROF_OWN_THIS_CPU, PROF_OWN_ANY_X86_64 };
/* What a function's profile was at the end of a run, to carry on from. */
struct prof_snapshot {
	uint64_t calls, cycles, loops, guard_misses;
	uint64_t spec_calls, miss_trigger; /* the guard's checkpoint, as the policy left it */
	uint64_t tier0_cpc, tier0_icpc;
	struct prof_arg args[PROF_MAX_ARGS];
	bool experiment_done; /* its code choice was measured: keep what is in the slot */
	uint8_t own_choice;   /* and for it alone (enum prof_own_choice) */
};
void prof_snapshot(uint32_t i, struct prof_snapshot *s);
/* Function i starts where a run left it: its counts, then code for slot
 * (compiled for r) in the slot and, if not NULL, code for fallback (for
 * fr) as a specialization guard's fallback (else the guard's misses go to
 * tier 0's code), with the guard's miss checkpoint where it was. */
void prof_restore(uint32_t i, const struct prof_snapshot *s, const struct jit_request *r,
		  void *slot, const struct jit_request *fr, void *fallback);
/* Function i's OSR code for its tier-0 loop header `loop`, from an earlier
 * run whose tier 0 this run's is: used when that loop runs long; its other
 * loops are not moved to OSR code in this run (the earlier run found which
 * one ran long; a short loop's compile costs more than it saves). */
void prof_restore_osr(uint32_t i, unsigned loop, int tier, void *code);

/* The code choice the policy learned (compile for any x86-64 rather than
 * for this CPU), to carry over to the next run. */
bool prof_prefers_generic(void);
void prof_set_prefer_generic(bool generic);
/* The compile-cost model's learning (policy.c): compiles seen and the sum
 * of the logs of their time over the prediction. Carried over too, so that
 * a warm run predicts compiles as the last run found them (under emulation
 * some 30 times the hosted figures) instead of starting from the prior. */
void prof_cost_model(double *n, double *log_ratio);
void prof_set_cost_model(double n, double log_ratio);
/* A cold start's first measure of this machine: the tier-0 compile of the
 * whole program took ns for its IR instructions. Sets the cost model's
 * prior when nothing was learned yet (policy.c). */
void prof_calibrate(uint64_t ns, unsigned long instructions);
/* The same when tier 0 was compiled elsewhere (the tier-0 file): there it
 * took there_ns, and reading the prepared program there_prep_ns, against
 * prep_ns here; so here it would have taken there_ns * prep_ns /
 * there_prep_ns, less the lightly optimizing passes the tier-0 file's
 * tier 0 has and a compile here would not. */
void prof_calibrate_by(uint64_t there_ns, uint64_t there_prep_ns, uint64_t prep_ns,
		       unsigned long instructions);

/* Called by JIT code. */
void prof_hot(uint32_t fn);
void prof_miss(uint32_t fn);
void *prof_osr(uint32_t fn, uint32_t loop);

#endif
