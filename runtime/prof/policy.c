/*
 * The tier policy: what happens when a function's counters reach a
 * checkpoint (prof_hot), when a tier-0 loop runs long (prof_osr), and when
 * a specialization guard keeps missing. Every tunable is named here or in
 * prof_default_policy; the reasons and measurements are in
 * docs/architecture.md (Tiers).
 *
 * Adaptive, the default. Whether a compile pays depends on how long the
 * code it replaces would still run, which cannot be known; so, as in
 * renting skis until their price is spent, a function is compiled once it
 * has run in its current code RENT_SHARE of the time the compile is
 * predicted to take; it never compiles code that ran briefly, however
 * often it was called. The prediction is a fixed cost plus a cost per IR
 * instruction a version compiles (the function and what it offers for
 * inlining), scaled by what the compiles so far took. Hot code goes from tier 0 straight to tier 2
 * (-O3), specialized on the values tier 0 profiled, but for a large function, which goes to tier
 * 1 (a quick -O1 of our own) first (next_tier, below).
 *
 * Fixed (--thresholds C1,L1,C2,L2): tier 0 -> 1 at C1 calls or L1 loop
 * iterations, tier 1 -> 2 at C2 or L2, with no cost rule: exact, for tests
 * and experiments.
 *
 * Compiles are jobs (jobs.c, queue.h). With a compiler thread (more than
 * one CPU) the program runs on in its current code and the thread installs
 * the new code when it is ready; a tier-0 loop enters its OSR code at a
 * back-edge after that. Without one, the call that reached the checkpoint
 * waits for the compile and then runs the new code (tier 0 and 1
 * tail-call the slot again). The decisions below run under the policy
 * lock; a function with a job pending asks for nothing more.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"
#include "queue.h"

/* The states of a code-choice experiment (below). */
enum {
	EXPERIMENT_NONE,
	EXPERIMENT_WAIT,
	EXPERIMENT_TIER0, /* tier 0's code runs a sample beside the -O3 code's */
	EXPERIMENT_OTHER,
	EXPERIMENT_HOST,
	EXPERIMENT_DONE
};
static void plan_experiment(struct prof_fn *f);
static bool generic_for(const struct prof_fn *f);
static void end_tier0_sample(struct prof_fn *f);
static uint64_t first_miss_check(struct prof_fn *f, uint32_t i);

const struct prof_policy prof_default_policy = {
    .calls1 = 200,
    .loops1 = 2000,
    .calls2 = 5000,
    .loops2 = 15000,
    .min_samples = 16,
    .dominance_pct = 90,
    .counted_min = 2000,
    .fixed = false,
};

/* The cost model: a compile's ns = (fixed + per instruction * the IR
 * instructions it compiles * (1 + them / knee)) * scale. fixed and per
 * are what -O3 takes hosted on a current x86-64 (4 ms and 15 us per
 * unoptimized instruction); the knee, because one large function's -O3
 * compile grows faster than its size (petri's generated 28,900-instruction
 * function: 1.66 s on an AMD znver4, 57 us an instruction; linear, it was
 * predicted 0.43 s, and run synchronously it stalled the program for
 * 1.66 s of a 0.25 s run once small compiles no longer paid for a copy of
 * the whole program); scale is learned: the geometric mean of the ratios
 * of the compiles so far to that prediction, with the prediction itself
 * weighing half a compile. (Fitting both figures instead is unstable: a
 * few small functions, one of them slow to optimize, can give a slope
 * that predicts seconds for a mid-size function.) Under emulation scale
 * comes out about 30. */
#define COST_FIXED_NS 4e6
#define COST_NS_PER_INSN 15e3
#define COST_KNEE_INSNS 10000.0
#define COST_PRIOR_WEIGHT 0.5

static double base_ns(unsigned long size)
{
	double n = (double)size;
	return COST_FIXED_NS + COST_NS_PER_INSN * n * (1 + n / COST_KNEE_INSNS);
}

/* The predicted ns of compiling size IR instructions. */
static double predict_ns(unsigned long size)
{
	return base_ns(size) * exp(P.cost.log_ratio / (P.cost.n + COST_PRIOR_WEIGHT));
}

/* Tier 1, the quick tier (JIT_TIER1_PASSES): for a function of
 * QUICK_MIN_INSNS instructions or more, where -O3's compile grows faster
 * than the function and is hard to predict (bzip2's 7,000-instruction
 * decompressor took 1.07 s, a sixth of it predicted, and ran at tier 0 to
 * the end of a 1 s run). Its compile is about QUICK_NS_PER_INSN an
 * instruction of the function's own (hosted, AMD znver4: that decompressor
 * 0.13 s, a generated 29,000-instruction Petri net 0.60 s; scaled as -O3's
 * are, whose model its compiles do not teach), and its code ran as fast
 * as -O3's on both. Such a function goes to tier 1 once it has run at tier
 * 0 QUICK_RENT_SHARE of that (a long call's loop too, by OSR: the rest of
 * the call then runs tier 1's code), and on to -O3 once it has run at tier 1
 * TIER1_RENT_SHARE of -O3's predicted compile: tier 1's code is near -O3's
 * speed, so a cycle there is worth little to a compile that may take
 * seconds. */
#define QUICK_MIN_INSNS 2000
#define QUICK_NS_PER_INSN 20e3
#define QUICK_RENT_SHARE 0.5
#define TIER1_RENT_SHARE 2.0

static double quick_ns(const struct prof_fn *f)
{
	return (COST_FIXED_NS + QUICK_NS_PER_INSN * (double)f->fn->size) *
	       exp(P.cost.log_ratio / (P.cost.n + COST_PRIOR_WEIGHT));
}

/* Whether f is large enough for tier 1 (the function's own size: what
 * -O3 gains from the callees it inlines, tier 1 does not), and the cycles
 * it must have run before tier 1's compile. */
static bool large(const struct prof_fn *f)
{
	return f->fn->size >= QUICK_MIN_INSNS;
}

static uint64_t quick_rent_cycles(const struct prof_fn *f)
{
	return (uint64_t)(QUICK_RENT_SHARE * quick_ns(f) * prof_cycles_per_ns());
}

/* A function is compiled once it has run in its current code this share
 * of its compile's predicted time (ski rental's 1 would guarantee at most
 * twice the hindsight optimum; code that has run that long usually runs on
 * for much longer, and each cycle at tier 0 is worth a few at -O3). */
#define RENT_SHARE 0.25
/* Tier 0 runs a call about this many times slower than tier 2: a function
 * averaging counted_min cycles at tier 2 averages this times more at 0. */
#define TIER0_SLOWDOWN 4

/* The IR instructions a version of function i (f) compiles, found once;
 * while a compile holds struct jit, its own size for now. */
static unsigned long version_size(struct prof_fn *f, uint32_t i)
{
	if (!f->size && queue_try_jit()) {
		f->size = jit_version_size(P.jit, i - 1);
		queue_unlock_jit();
	}
	return f->size ? f->size : f->fn->size;
}

/* The cycles a version of function i (f) is predicted to take to compile. */
static uint64_t compile_cycles(struct prof_fn *f, uint32_t i)
{
	return (uint64_t)(predict_ns(version_size(f, i)) * prof_cycles_per_ns());
}

/* The cycles f must have run before a version of it is compiled. */
static uint64_t rent_cycles(struct prof_fn *f, uint32_t i)
{
	return (uint64_t)(RENT_SHARE * (double)compile_cycles(f, i));
}

/* The tier f goes to next under the adaptive policy, and the cycles it
 * must have run in its current code first. */
static int next_tier(struct prof_fn *f, uint32_t i, uint64_t *rent)
{
	if (f->tier == 0 && large(f)) {
		*rent = quick_rent_cycles(f);
		return 1;
	}
	double share = f->tier == 1 ? TIER1_RENT_SHARE : RENT_SHARE;
	*rent = (uint64_t)(share * (double)compile_cycles(f, i));
	return 2;
}

double prof_predict_job_ns(struct prof_job *job)
{
	if (job->r[0].tier == 1) /* alone: tier 1 is never batched */
		return quick_ns(&prof_fns[job->who[0]]);
	unsigned long size = 0;
	for (size_t b = 0; b < job->n; b++)
		size += version_size(&prof_fns[job->who[b]], job->who[b]);
	return predict_ns(size);
}

static void learn_size(unsigned long size, uint64_t ns)
{
	P.cost.log_ratio += log((double)(ns ? ns : 1) / base_ns(size));
	P.cost.n++;
}

static void learn(struct prof_fn *f, uint32_t i, uint64_t ns)
{
	learn_size(version_size(f, i), ns);
}

/* A batch is one compile of all its functions' sizes. */
static void learn_batch(const struct jit_request *r, size_t n, const uint64_t *ns)
{
	unsigned long size = 0;
	uint64_t total = 0;
	for (size_t b = 0; b < n; b++) {
		size += version_size(&prof_fns[r[b].fn + 1], r[b].fn + 1);
		total += ns[b];
	}
	learn_size(size, total);
}

/* Tier 0 does not time small functions without loops or calls
 * (JIT_UNTIMED_MAX): their cycles per call are estimated from their size,
 * at TIER0_CYCLES_PER_INSN where it was fitted (a current x86-64) times
 * the slowdown measured at the start (prof_measure_slowdown). Under QEMU's
 * emulation, taken as 3, a QR encoder's mask functions and its Galois
 * field product, called millions of times, stayed at tier 0 to the end:
 * their estimate came to a fraction of their real cycles, against a rent
 * 38 times the hosted one. (Through tier0_cpc, the estimate also decides
 * whether their -O3 code counts its calls: under emulation, one of 64
 * instructions still comes to less than the 8000 cycles that would.) */
#define TIER0_CYCLES_PER_INSN 3

static uint64_t untimed_cpc(const struct prof_fn *f)
{
	return (uint64_t)((double)f->fn->size * TIER0_CYCLES_PER_INSN * P.slowdown);
}

/*
 * How many times slower than where TIER0_CYCLES_PER_INSN was fitted this
 * machine runs code like tier 0's, whose every statement stores what the
 * next loads: a chain of loads, arithmetic and stores through two memory
 * words, in time-stamp-counter cycles an iteration, against
 * SLOWDOWN_REFERENCE. It took 2.1 there (an Intel rocketlake, which
 * forwards a store to the next load at once) and 13 to 30 under QEMU's
 * emulation on the same host, where every access goes through its
 * software TLB: a slowdown of 5 to 12. A chip that forwards in 4 or 5
 * cycles comes out above 1 hosted too, and runs tier 0's code slower
 * too. Never below 1, so that the estimate is at least the fitted one.
 * The best of a few rounds, so that an interrupt does not count: a
 * millisecond at most.
 */
#define SLOWDOWN_ITERATIONS 20000
#define SLOWDOWN_ROUNDS 5
#define SLOWDOWN_REFERENCE 2.5 /* cycles an iteration: the fitted 2.1, and a margin */

void prof_measure_slowdown(void)
{
	volatile long x = 0, y = 3;
	uint64_t best = UINT64_MAX;
	for (int r = 0; r < SLOWDOWN_ROUNDS; r++) {
		uint64_t t0 = rt_cycles();
		for (long i = 0; i < SLOWDOWN_ITERATIONS; i++) {
			x = x + y;
			y = y ^ x;
		}
		uint64_t t = rt_cycles() - t0;
		best = t < best ? t : best;
	}
	double s = (double)best / SLOWDOWN_ITERATIONS / SLOWDOWN_REFERENCE;
	P.slowdown = s > 1 ? s : 1;
	if (P.verbose && P.slowdown > 1) /* 1: as fitted, nothing to say */
		prof_say("bareflow-rt: code like tier 0's runs %.1f times slower here than on "
			 "a current x86-64: small untimed functions are estimated so\n",
			 P.slowdown);
}

/* The cycles f has run in the code in its slot: measured, or estimated
 * for an untimed function at tier 0. At tier 0 once f has OSR code, only
 * those since the code went in and outside finished stretches of it: its
 * later calls enter the OSR code as they reach the loop, so that a compile
 * of the whole function saves only the rest (vm's two interpreter loops, 3
 * calls each, got OSR code in their first call and were compiled again
 * whole at their second, for calls that ran in OSR code all the same).
 * Not for a function its OSR code may call again: a stretch then holds
 * the inner calls' tier-0 cycles and their own stretches, counted twice
 * (more OSR cycles than cycles in all says so when the recursion is not
 * direct), and the inner calls are what a compile would save. */
uint64_t prof_spent_cycles(const struct prof_fn *f)
{
	if (f->tier == 0 && f->fn->untimed)
		return prof_calls_in_slot(f) * untimed_cpc(f);
	if (f->tier == 0 && f->osr_in && !f->fn->recursive && f->osr_cycles <= f->cycles)
		return prof_since(f->cycles - f->osr_cycles, f->osr_base);
	return prof_cycles_in_slot(f);
}

/* f's OSR code went in: its tier-0 cycles count from now on. */
static void osr_in(struct prof_fn *f)
{
	f->osr_base = prof_since(f->cycles, f->osr_cycles);
	f->osr_in = true;
}

/* The code of f's OSR version v (or NULL without one), which a call
 * enters. Compiled code (osr_done) restarts the count of f's tier-0 cycles
 * at its first entry: a call's cycles reach `cycles` when it calls or
 * returns, or enters the runtime, so code that goes in from the background
 * finds the cycles the call under way ran before not yet counted, and they
 * would count as after it (the tests' mix, in
 * tests/jit/tiers/osr_then_calls.c, and heavy, in adaptive.c, OSR'd in
 * their first calls, were compiled whole at their second for them); the
 * entry, through the runtime, has them counted. */
static void *osr_entered(struct prof_fn *f, const struct prof_version *v)
{
	if (v && f->osr_rebase) {
		osr_in(f);
		f->osr_rebase = false;
	}
	return v ? v->code : NULL;
}

/* Not yet (spent of the rent cycles so far): look again when the rent
 * should be reached at the rate so far, and at twice the calls or loop
 * iterations at the latest. */
static void back_off(struct prof_fn *f, uint64_t spent, uint64_t rent)
{
	double scale = spent ? (double)rent / (double)spent : 2.0;
	if (scale > 2.0)
		scale = 2.0;
	/* + 2: the call that asked runs again and counts itself again */
	f->call_trigger = (uint64_t)((double)f->calls * scale) + 2;
	f->loop_trigger = (uint64_t)((double)f->loops * scale) + 1;
}

/* Tier 2's specialization: the arguments one value dominated while they
 * were profiled (at tier 0, and at tier 1 under the fixed policy). */
static void choose_specialization(struct prof_fn *f, struct jit_request *r)
{
	/* A recursive function passes itself other values (a ray tracer's
	 * depth 0 dominates, and every reflection missed the guard). */
	if (f->fn->recursive)
		return;
	for (unsigned k = 0; k < f->fn->nparams && k < PROF_MAX_ARGS; k++) {
		const struct prof_arg *a = &f->args[k];
		if (f->fn->arg_kind[k] == JIT_ARG_OTHER || a->same < P.policy.min_samples)
			continue;
		if (a->same * 100 < (a->same + a->other) * P.policy.dominance_pct)
			continue;
		/* a pointer only into a program variable, or to a function: the
		 * optimizer learns little from a bare address, and heap and
		 * stack addresses come and go (on the stack, a different object
		 * at each depth) */
		if (f->fn->arg_kind[k] == JIT_ARG_PTR &&
		    !jit_is_variable(P.jit, (uint64_t)a->value) &&
		    !jit_is_function(P.jit, (uint64_t)a->value))
			continue;
		r->spec_arg[r->nspec] = k;
		r->spec_value[r->nspec++] = a->value;
	}
}

/* job's compile for f failed: say so; f keeps its code and stops asking. */
static bool failed(struct prof_fn *f, const struct prof_job *job, const char *what)
{
	if (!job->err)
		return false;
	prof_say("bareflow-rt: cannot compile %s %s, so it keeps its code: %s\n", f->fn->name, what,
		 job->error);
	f->call_trigger = f->loop_trigger = f->miss_trigger = PROF_NEVER;
	if (job->err == JIT_EBADCODE) /* LLVM rejects the code: OSR's would fail too */
		f->rejected = true;
	return true;
}

/* The share of its functions' cycles a compile is expected to save, for
 * the queue's order (jobs.c): code in place of tier 0's (or of a guard
 * whose misses run it); code in place of -O3 code (a specialization, or
 * the other CPU's code, which is kept at EXPERIMENT_MARGIN better), a
 * guess. */
#define GAIN_OVER_TIER0 (1.0 - 1.0 / TIER0_SLOWDOWN)
#define GAIN_OVER_O3 0.05

/* A job for function i, asked at its call now under way (or not). */
static struct prof_job *new_job(uint32_t i, void (*done)(struct prof_job *), bool call_pending)
{
	struct prof_job *job = prof_new_job();
	if (!job)
		return NULL;
	job->done = done;
	job->n = 1;
	job->who[0] = i;
	job->r[0].fn = i - 1;
	job->call_pending = call_pending;
	job->gain = GAIN_OVER_TIER0;
	return job;
}

/* Whether any of f's arguments is profiled. */
static bool has_profiled_args(const struct prof_fn *f)
{
	for (unsigned k = 0; k < f->fn->nparams && k < PROF_MAX_ARGS; k++)
		if (f->fn->arg_kind[k] != JIT_ARG_OTHER)
			return true;
	return false;
}

/* Whether f, due for a compile but with too few calls profiled to know
 * what to specialize on, may wait for them at tier 0: the calls left to
 * profile would take less than the rent. */
static bool wait_for_samples(struct prof_fn *f, uint64_t rent)
{
	if (!has_profiled_args(f) || f->calls >= P.policy.min_samples)
		return false;
	uint64_t per_call = f->cycles / (f->calls ? f->calls : 1);
	if ((P.policy.min_samples - f->calls) * per_call > rent)
		return false;
	f->call_trigger =
	    P.policy.min_samples + 1 > f->calls + 2 ? P.policy.min_samples + 1 : f->calls + 2;
	f->loop_trigger = PROF_NEVER;
	return true;
}

/* --log-tiers: f goes from its tier to r's, from the call about to run. */
static bool from_cache; /* prof_restore is installing code */

static void log_tier_up(const struct prof_fn *f, const struct jit_request *r, uint64_t ns,
			const struct prof_job *job, size_t b)
{
	char what[160];
	if (!P.verbose)
		return;
	prof_describe(r, what, sizeof what);
	if (job && job->unspecialized[b])
		snprintf(what + strlen(what), sizeof what - strlen(what),
			 ", not specialized: the values changed while it waited");
	if (from_cache) {
		prof_say("bareflow-rt: cached %s: tier %d (%s) from the code cache, after %llu "
			 "calls in earlier runs\n",
			 f->fn->name, r->tier, what, (unsigned long long)f->calls);
		return;
	}
	if (job && job->q.background) { /* the program's progress meanwhile */
		char when[64];
		prof_job_times(job, when, sizeof when);
		prof_say("bareflow-rt: tier-up %s: tier %d -> %d (%s) asked at call %llu (%llu "
			 "loop iterations), installed at call %llu (%llu loop iterations), "
			 "compiled in %.2f ms in the background%s\n",
			 f->fn->name, f->tier, r->tier, what,
			 (unsigned long long)job->asked_calls[b] + 1,
			 (unsigned long long)job->asked_loops[b], (unsigned long long)f->calls + 1,
			 (unsigned long long)f->loops, prof_ms(ns), when);
		return;
	}
	prof_say("bareflow-rt: tier-up %s: tier %d -> %d (%s) from call %llu (%llu loop "
		 "iterations), compiled in %.2f ms\n",
		 f->fn->name, f->tier, r->tier, what, (unsigned long long)f->calls + 1,
		 (unsigned long long)f->loops, prof_ms(ns));
}

/* r: function i (f) at tier, as the profile says it should be compiled. */
static void prepare(struct prof_fn *f, uint32_t i, int tier, struct jit_request *r)
{
	memset(r, 0, sizeof *r);
	r->fn = i - 1;
	r->tier = tier;
	r->generic_cpu = tier == 2 && generic_for(f);
	if (f->tier == 0) {
		f->tier0_cpc = f->fn->untimed ? untimed_cpc(f)
			       : f->calls     ? f->cycles / f->calls
					      : f->cycles;
		f->tier0_icpc = f->calls ? f->inclusive / f->calls : 0;
	}
	if (tier != 2)
		return;
	uint64_t calls = prof_calls_in_slot(f);
	if (f->tier == 1)
		r->counted = calls && prof_cycles_in_slot(f) / calls >= P.policy.counted_min;
	else
		r->counted = f->tier0_cpc >= TIER0_SLOWDOWN * P.policy.counted_min;
	choose_specialization(f, r);
	if (r->nspec) /* other values go on running the code they run now */
		f->fallback = f->code;
	/* too few calls profiled to know: generic code that goes on
	 * profiling, to be specialized later (respecialize) */
	r->profiled =
	    !P.policy.fixed && !r->nspec && has_profiled_args(f) && f->calls < P.policy.min_samples;
}

/* Whether the values job's request b specializes on have lost their hold
 * since the request (when its compile starts, or when its code goes in):
 * the code it replaces went on profiling them meanwhile, and another value
 * has taken over an argument, or a quarter of the calls since the request
 * passed others. Only a tier-up's request, whose values are the profile's
 * as it was then (an experiment's other code keeps the slot's
 * specialization, whatever the profile says now). A compile
 * that waited in the queue can come in after a phase of the program has
 * ended (a compressor's search specialized on level 1's chain length,
 * installed during level 2: 71,000 of 71,000 calls missed, and ran tier-0
 * code until the checkpoint's generic code came). */
bool prof_spec_stale(const struct prof_job *job, size_t b)
{
	const struct prof_fn *f = &prof_fns[job->who[b]];
	const struct jit_request *r = &job->r[b];
	if (P.policy.fixed || !job->may_generalize || !r->nspec)
		return false;
	uint64_t since = prof_since(f->calls, job->asked_calls[b]);
	if (since < P.policy.min_samples)
		return false;
	for (unsigned k = 0; k < r->nspec; k++) {
		const struct prof_arg *now = &f->args[r->spec_arg[k]];
		const struct prof_arg *then = &job->asked_args[b][r->spec_arg[k]];
		if (now->value != r->spec_value[k] || now->same < then->same)
			return true; /* another value took over, for a while at least */
		if (prof_since(now->other, then->other) * 4 >= since)
			return true;
	}
	return false;
}

/* r's code for function i (f) is compiled: log it, install it, and set
 * what f looks at next. */
static void installed(struct prof_fn *f, uint32_t i, const struct jit_request *r, void *code,
		      uint64_t ns, enum prof_place place, const struct prof_job *job, size_t b)
{
	struct prof_experiment *e = &f->experiment;
	log_tier_up(f, r, ns, job, b);
	/* Code compiled in the background can arrive while the slot holds
	 * an experiment's code (asked for before it began): the experiment
	 * gives the slot back first, or it would put its own back over the
	 * new code at its next turn; a comparison between two codes is over */
	if (e->state == EXPERIMENT_TIER0)
		end_tier0_sample(f);
	else if (e->state == EXPERIMENT_OTHER || e->state == EXPERIMENT_HOST)
		e->state = EXPERIMENT_DONE;
	prof_install(f, r, code, ns, place, job && b == 0 ? &job->calls : NULL);
	f->tier = r->tier;
	if (r->tier == 1 && P.policy.fixed) {
		f->call_trigger = P.policy.calls2;
		f->loop_trigger = P.policy.loops2;
	} else if (r->tier == 1) { /* looks at the rent as soon as it has run */
		f->call_trigger = f->calls + 2;
		f->loop_trigger = f->loops + P.policy.loops1;
	} else if (r->profiled) {
		f->respecialize = true;
		f->call_trigger = f->calls + P.policy.min_samples + 2;
		f->loop_trigger = PROF_NEVER;
	} else {
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		f->spec_calls = f->miss_look_calls = f->calls;
		f->spec_misses = f->miss_look_misses = f->guard_misses;
		f->miss_trigger = r->nspec ? first_miss_check(f, i) : PROF_NEVER;
		f->stale = job && prof_spec_stale(job, b);
		if (f->stale) {
			/* the guard's first miss asks for generic code */
			f->miss_trigger = f->guard_misses + 1;
			if (P.verbose)
				prof_say("bareflow-rt: %s: the values specialized on had changed "
					 "by the install (call %llu)\n",
					 f->fn->name, (unsigned long long)f->calls + 1);
		} else if (r->counted) {
			plan_experiment(f);
		}
	}
}

/* A tier-up's (or a batch's) code is compiled. */
static void tier_up_done(struct prof_job *job)
{
	struct prof_fn *f = &prof_fns[job->who[0]];
	char what[32];
	snprintf(what, sizeof what, "at tier %d", job->r[0].tier);
	if (failed(f, job, what))
		return;
	for (size_t b = 0; b < job->n; b++)
		installed(&prof_fns[job->who[b]], job->who[b], &job->r[b], job->code[b],
			  job->ns[b], prof_job_place(job, b), job, b);
	if (job->n > 1)
		learn_batch(job->r, job->n, job->ns);
	else if (job->r[0].tier == 2) /* the model is -O3's */
		learn(f, job->who[0], job->ns[0]);
}

/* Ask for function i (f) at tier, with the call that asked pending (or
 * not), and (batch) the functions near enough to their own tier-up. */
static void tier_up(struct prof_fn *f, uint32_t i, int tier, bool call_pending, bool batch);

/*
 * Batches. Most of a small function's compile is what every compile costs
 * (pipelines set up, an object emitted and linked): a tiny handler took 5
 * ms at -O3, little less than a mid-size function. So when function i goes
 * to tier 2, the functions at tier 0 that have run BATCH_SHARE of their own
 * rent are compiled with it, in one module: the interpreter's handlers,
 * called through a table, get hot together. Not one whose only call is in
 * i or in another of them: in the caller's version it is a private copy,
 * folded in as clang folds a static function called once (see jit_offer);
 * as an entry of the batch, with a name of its own, it stayed a call
 * (sha256's message schedule from its compress function).
 */
#define BATCH_SHARE 0.25

/* The cycles function k (g), at tier 0, has run if that is near enough to
 * its own tier-up for it to join a batch; else 0. */
static uint64_t near_tier_up(struct prof_fn *g, uint32_t k)
{
	if (g->tier != 0 || !g->fn->managed || g->call_trigger == PROF_NEVER || g->solo ||
	    large(g)) /* it goes to tier 1 first */
		return 0;
	if (has_profiled_args(g) && g->calls < P.policy.min_samples)
		return 0; /* its arguments are not known yet */
	uint64_t spent = prof_spent_cycles(g);
	return (double)spent >= BATCH_SHARE * (double)rent_cycles(g, k) ? spent : 0;
}

/*
 * Joining is not free: the whole batch goes in when its last function is
 * compiled, so a joiner delays the others by its compile less the fixed
 * cost it saves, and compiled alone after them, it would come in that
 * fixed cost later. So (the cycles each ran so far standing for the rate
 * at which waiting costs it) a candidate joins when its cycles times the
 * fixed cost reach the batch's times its compile less that cost (Smith's
 * rule for merging two jobs); and the candidates are taken in order of
 * that extra compile per cycle they ran, so that a large one does not
 * shut out the small ones after it. An interpreter's handlers, each a
 * compile little more than the fixed cost, join; a large, lukewarm
 * function is compiled on its own, in its turn (a JPEG decoder's eight
 * functions, 97 ms in one batch, held back its inverse DCT, which alone
 * takes 8 ms).
 */
struct joiner {
	uint32_t k;
	double spent, extra; /* its cycles so far; its compile less the fixed cost */
};

static int by_extra_per_cycle(const void *a, const void *b)
{
	const struct joiner *x = a, *y = b;
	double u = x->extra / x->spent, v = y->extra / y->spent;
	return u < v ? -1 : u > v;
}

/* The functions that join function i's (f's) batch, in cand[]: at most
 * PROF_BATCH_MAX - 1. */
static size_t joiners(struct prof_fn *f, uint32_t i, uint32_t *cand)
{
	struct joiner *j = malloc(prof_nfns * sizeof *j);
	size_t n = 0, ncand = 0;
	if (!j)
		return 0; /* alone, then */
	double fixed = predict_ns(0), others = (double)prof_spent_cycles(f);
	for (uint32_t k = 1; k < prof_nfns; k++) {
		struct prof_fn *g = &prof_fns[k];
		uint64_t spent = k != i && !g->pending ? near_tier_up(g, k) : 0;
		if (spent)
			j[n++] = (struct joiner){k, (double)spent,
						 predict_ns(version_size(g, k)) - fixed};
	}
	qsort(j, n, sizeof *j, by_extra_per_cycle);
	/* in that order, once one is not worth it, none after it is */
	for (size_t c = 0; c < n && ncand < PROF_BATCH_MAX - 1; c++) {
		if (j[c].spent * fixed < others * j[c].extra)
			break;
		cand[ncand++] = j[c].k;
		others += j[c].spent;
	}
	free(j);
	return ncand;
}

/* Whether function k's only call is in function i or in one of cand[0..n)
 * (prof indices; k's only caller is a jit_fn index, one less). A chain of
 * such calls through a function outside them is not followed. */
static bool called_only_from(uint32_t k, uint32_t i, const uint32_t *cand, size_t n)
{
	long up = prof_fns[k].fn->only_caller;
	if (up < 0)
		return false;
	if ((uint32_t)up + 1 == i)
		return true;
	for (size_t c = 0; c < n; c++)
		if ((uint32_t)up + 1 == cand[c])
			return true;
	return false;
}

static void tier_up(struct prof_fn *f, uint32_t i, int tier, bool call_pending, bool batch)
{
	struct prof_job *job = new_job(i, tier_up_done, call_pending);
	if (!job || f->pending || f->rejected) {
		free(job);
		return;
	}
	prepare(f, i, tier, &job->r[0]);
	job->may_generalize = true;
	batch = batch && !f->solo;
	uint32_t cand[PROF_BATCH_MAX - 1];
	size_t ncand = batch ? joiners(f, i, cand) : 0;
	for (size_t c = 0; c < ncand; c++)
		if (!called_only_from(cand[c], i, cand, ncand)) {
			job->who[job->n] = cand[c];
			prepare(&prof_fns[cand[c]], cand[c], 2, &job->r[job->n++]);
		}
	prof_submit(job);
}

/* Generic -O3 code for function i (f), counted if the guard's clone is
 * (or as it was when compiled before): in the slot instead of the guard,
 * or as the guard's fallback. */
static void generic_done(struct prof_job *job)
{
	uint32_t i = job->who[0];
	struct prof_fn *f = &prof_fns[i];
	uint64_t ns = job->ns[0];
	if (failed(f, job, "without its specialization"))
		return;
	if (!f->generic) {
		f->generic = job->code[0];
		f->generic_counted = job->r[0].counted;
		f->generic_ns = ns;
		learn(f, i, ns);
	}
	/* 0 when nothing was counted since: a clone that counts no calls, or
	 * a stale one's first miss; "%.0llu" prints nothing for a 0. Nor
	 * when fewer than the misses: a clone that counts nothing leaves
	 * only the calls its misses made into code that counts ("321 of 319").
	 * Each read once: the program's threads go on counting. */
	uint64_t since = prof_since(f->calls, f->spec_calls), missed = f->guard_misses;
	if (since < missed)
		since = 0;
	char when[64] = "";
	if (P.verbose && job->q.background)
		prof_job_times(job, when, sizeof when);
	if (P.verbose)
		prof_say("bareflow-rt: %s %s: generic -O3 code (%llu%s%.0llu calls missed the "
			 "specialization) from call %llu, %s %.2f ms%s%s\n",
			 job->fallback ? "fallback" : "tier-up", f->fn->name,
			 (unsigned long long)missed, since ? " of " : "", (unsigned long long)since,
			 (unsigned long long)f->calls + 1,
			 ns ? "compiled in" : "compiled before, in",
			 prof_ms(ns ? ns : f->generic_ns),
			 job->q.background ? " in the background" : "", when);
	prof_install(f, &job->r[0], f->generic, ns,
		     job->fallback ? PROF_FALLBACK : prof_job_place(job, 0), ns ? &job->calls : NULL);
	if (!job->fallback) /* a guard still running, or inlined into a caller of its batch,
			     * sends its misses to generic code too */
		atomic_store_explicit((_Atomic(void *) *)&f->fallback, f->generic,
				      memory_order_release);
}

static void generic(struct prof_fn *f, uint32_t i, bool fallback)
{
	struct prof_job *job = new_job(i, generic_done, true);
	const struct prof_version *clone = prof_in_slot(f);
	if (!job)
		return;
	job->fallback = fallback;
	job->r[0].tier = 2;
	job->r[0].generic_cpu = generic_for(f);
	job->r[0].counted = f->generic ? f->generic_counted : clone && clone->counted;
	job->code[0] = f->generic;
	prof_submit(job);
}

/* How many misses a new guard lets by before the first look: under the
 * fixed policy C2; otherwise C1, or fewer when the misses, at tier 0's
 * cycles per call, would run longer than a compile takes by then. */
static uint64_t first_miss_check(struct prof_fn *f, uint32_t i)
{
	if (P.policy.fixed)
		return P.policy.calls2;
	uint64_t n = f->tier0_cpc ? rent_cycles(f, i) / f->tier0_cpc : P.policy.calls1;
	return n < 1 ? 1 : n > P.policy.calls1 ? P.policy.calls1 : n;
}

/* A specialization guard's misses reached the checkpoint. If a quarter of
 * the calls since it went in missed, the values have changed for good:
 * generic code replaces the guard. Otherwise (adaptive policy) the misses
 * get generic -O3 code of their own once they have run as long as its
 * compile takes, or once a quarter of the calls since the last look (the
 * guard's install, at the first) missed: a phase of other values (bzip2's
 * comparison, specialized on the block size over 7.9 million calls, ran
 * the last block's million calls, each a miss, in its tier-0 code, as the
 * misses' cycles, estimated at a tier-0 call's 44, were not yet the rent).
 * The guard looks again after twice as many. */
static void misses(struct prof_fn *f, uint32_t i)
{
	uint64_t since = prof_since(f->calls, f->spec_calls);
	if (f->pending) { /* a compile for it is under way: later */
		f->miss_trigger = f->miss_trigger < PROF_NEVER / 2 ? f->miss_trigger * 2 : PROF_NEVER;
		return;
	}
	/* each read once: the program's threads go on counting */
	uint64_t calls = f->calls, missed = f->guard_misses;
	uint64_t window = prof_since(calls, f->miss_look_calls);
	bool others = window >= P.policy.min_samples &&
		      prof_since(missed, f->miss_look_misses) * 4 >= window;
	f->miss_look_calls = calls;
	f->miss_look_misses = missed;
	if (f->stale || (since >= P.policy.min_samples && f->guard_misses * 4 >= since)) {
		f->stale = false;
		f->miss_trigger = PROF_NEVER;
		if (f->experiment.state == EXPERIMENT_TIER0)
			end_tier0_sample(f);
		if (f->experiment.state != EXPERIMENT_DONE) { /* it measured the guard */
			f->experiment.state = EXPERIMENT_DONE;
			f->call_trigger = PROF_NEVER;
		}
		generic(f, i, false);
		return;
	}
	if (!P.policy.fixed && !f->generic &&
	    (others || f->guard_misses * f->tier0_cpc >= rent_cycles(f, i)))
		generic(f, i, true);
	f->miss_trigger = f->miss_trigger < PROF_NEVER / 2 ? f->miss_trigger * 2 : PROF_NEVER;
}

/*
 * Code choices by measurement. Code for this very CPU is usually the
 * faster, but not always (wider vectors that lower the clock, a cost model
 * that misjudges a loop). So a function whose counted -O3 code has run
 * EXPERIMENT_COMPILES times as long as a compile takes is compiled once more
 * for any x86-64 (SSE2), the same specialization and all, and the two
 * take turns, a sample of calls each, PROF_EXPERIMENT_ROUNDS times at most
 * (decide). Calls differ (searches of any length, files of other sizes),
 * and the machine's load changes, so a sample is compared only with its
 * neighbours in time: its cycles per call over the other code's sample
 * just before it, as paired runs are. The other code is kept only if
 * every one of those ratios favours it and their median by
 * EXPERIMENT_MARGIN: were the code no matter, each ratio a coin flip, all
 * seven would favour the other about one time in 128 (not quite:
 * neighbours share a sample).
 * (bench/real's dijkstra, which alternates cheap and costly searches,
 * gave ratios from 0.28 to 2.3 in one run and 0.41 to 1.46 in another;
 * judged before by each code's best sample, which code it kept was
 * chance. sha256's sha256_compress gave 0.46 to 0.52, seven of seven,
 * for any x86-64's code.) The report shows each code's median sample,
 * the profile and --log-tiers the median ratio too. Code that counts
 * nothing cannot be measured, and OSR code runs once; neither is tried.
 */
#define EXPERIMENT_MARGIN 0.05
/* The other code must win by the margin for as long as the function still
 * runs (as long again as it has, by the reasoning of the rent) to pay for
 * its compile: so the experiment waits for 1 / margin compiles' worth. (At
 * 4, every hot function of a short program paid an extra compile that
 * rarely won: bench/real took 3.6% longer in all.) */
#define EXPERIMENT_COMPILES (1 / EXPERIMENT_MARGIN)
#define EXPERIMENT_SAMPLE_CYCLES 20e6 /* each sample runs at least this long ... */
#define EXPERIMENT_MIN_CALLS 4	      /* ... and this many calls */

/*
 * Where the AVX family is not on offer (SSSE3 or SSE4.1 but no AVX, as
 * under QEMU's emulation, where the runtime leaves AVX out), the choice is
 * not made by default: over bench/real, its compiles and samples cost as
 * much as it won. It is made, for that function alone, when its -O3 code
 * turns out slower than its tier-0 code run beside it, which -O3 code
 * should never be (experiment()): bench/real's qrcode's
 * penalty_finder_like, under emulation, where SSSE3's and SSE4.1's shuffles
 * and byte inserts run through QEMU's helper calls, took 1.5 to 1.9 times
 * as long a call as its tier-0 code.
 */
static bool cpu_has_avx(void)
{
	static int has = -1;
	if (has < 0)
		has = strstr(jit_cpu_features(P.jit), "+avx") != NULL;
	return has;
}

/* Whether this CPU has more than x86-64's baseline to choose from. */
static bool cpu_has_choices(void)
{
	static int has = -1;
	if (has < 0)
		has = cpu_has_avx() || strstr(jit_cpu_features(P.jit), "+ssse3") ||
		      strstr(jit_cpu_features(P.jit), "+sse4.1");
	return has;
}

/* f's counted -O3 code is in its slot: measure it for a while. Code that
 * replaced code found no slower than tier 0 (and measured no further) is
 * looked at anew: in the background, qrcode's generic -O3 code was found
 * so while its specialization, several times slower, waited in the queue,
 * which then went in unmeasured. */
static void plan_experiment(struct prof_fn *f)
{
	struct prof_experiment *e = &f->experiment;
	if (e->state == EXPERIMENT_DONE && e->checked && !e->alone && !e->rounds) {
		*e = (struct prof_experiment){.state = EXPERIMENT_NONE};
	} else if (e->state == EXPERIMENT_WAIT) { /* its samples were of the code before */
		e->warm = e->checked = false;
		e->state = EXPERIMENT_NONE; /* waits again, from now */
	}
	if (P.policy.fixed || !cpu_has_choices() || f->experiment.state != EXPERIMENT_NONE) {
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		return;
	}
	f->experiment.state = EXPERIMENT_WAIT;
	f->call_trigger = f->calls + EXPERIMENT_MIN_CALLS + 2;
	f->loop_trigger = PROF_NEVER;
}

/* Cycles per call of the code in f's slot since it went in. */
static double slot_cpc(const struct prof_fn *f)
{
	uint64_t calls = prof_calls_in_slot(f);
	return calls ? (double)prof_cycles_in_slot(f) / (double)calls : 0;
}

/* Cycles per call of the code in f's slot since the experiment's warm-up
 * (0 if no call ran since). */
static double warm_cpc(const struct prof_fn *f)
{
	const struct prof_experiment *e = &f->experiment;
	uint64_t calls = prof_since(prof_calls_in_slot(f), e->warm_calls);
	return calls ? (double)prof_since(prof_cycles_in_slot(f), e->warm_cycles) / (double)calls
		     : 0;
}

/* Whether f's -O3 code in the slot, at o3_cpc cycles a call since the
 * warm-up, looks slower than its tier-0 code did: its own cycles (and
 * those of the callees it inlined) against tier 0's with every callee's.
 * Optimized code should be several times faster. Calls that grow longer
 * as a run goes on can make faster code look slower (bench/real's
 * transformer's matvec ran 1.35 times its tier-0 figure), which tier 0's
 * code running a sample beside it then shows (experiment()): there the
 * -O3 code must be SLOWER_BESIDE times as slow. (qrcode's
 * penalty_finder_like ran 1.46 to 1.86 times as long as tier 0 beside it
 * from one run to the next.) No margin here: tier 0's own figure comes
 * from another time, perhaps of another load on the machine (with a
 * second program busy beside it, qrcode's tier 0 took long enough that the
 * -O3 code came out under 1.25 times it). */
#define SLOWER_BESIDE 1.2
#define TIER0_PLAINLY 2.0
static bool looks_slower_than_tier0(const struct prof_fn *f, double o3_cpc)
{
	return f->tier0_icpc && o3_cpc > (double)f->tier0_icpc;
}

/* Tier 0's sample beside the -O3 code (experiment()) is over, or cut
 * short: the -O3 code back in the slot, tier 0's loops free to enter OSR
 * code again, and what the -O3 code saved before as it was (the sample's
 * calls are not its own). */
static void end_tier0_sample(struct prof_fn *f)
{
	struct prof_experiment *e = &f->experiment;
	prof_reinstall(f, e->host);
	f->saved = e->saved;
	f->osr_trigger = e->osr_trigger;
	e->tier0_first = false;
	e->state = EXPERIMENT_WAIT;
}

void prof_policy_stop_held(void)
{
	for (uint32_t i = 1; i < prof_nfns; i++)
		if (prof_fns[i].experiment.state == EXPERIMENT_TIER0)
			end_tier0_sample(&prof_fns[i]);
}

void prof_policy_stop(void)
{
	queue_lock_policy(); /* another thread may be in the policy */
	prof_policy_stop_held();
	queue_unlock_policy();
}

/* Whether function f's code is to be for any x86-64: once that won a
 * measured choice elsewhere, or its own. */
static bool generic_for(const struct prof_fn *f)
{
	switch (f->experiment.own_choice) {
	case PROF_OWN_THIS_CPU:
		return false;
	case PROF_OWN_ANY_X86_64:
		return true;
	default:
		return P.prefer_generic;
	}
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The median of n figures (sorted in place). */
static double median(double *v, unsigned n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Run the code now in the slot for a sample of calls at cpc each. */
static void sample(struct prof_fn *f, double cpc)
{
	/* unknown (no call measured yet): the fewest calls */
	double n = cpc > 0 ? EXPERIMENT_SAMPLE_CYCLES / (cpc > 1 ? cpc : 1) : 0;
	if (n < EXPERIMENT_MIN_CALLS)
		n = EXPERIMENT_MIN_CALLS;
	if (n > 1e6)
		n = 1e6;
	f->call_trigger = f->calls + (uint64_t)n + 2;
	f->loop_trigger = PROF_NEVER;
}

/* The experiment's other code is compiled: its sample first. */
static void other_done(struct prof_job *job)
{
	uint32_t i = job->who[0];
	struct prof_fn *f = &prof_fns[i];
	struct prof_experiment *e = &f->experiment;
	if (failed(f, job, job->r[0].generic_cpu ? "for any x86-64" : "for this CPU")) {
		e->state = EXPERIMENT_DONE;
		return;
	}
	learn(f, i, job->ns[0]);
	e->other = job->code[0];
	prof_install(f, &job->r[0], e->other, job->ns[0], prof_job_place(job, 0), &job->calls);
	e->state = EXPERIMENT_OTHER;
	sample(f, e->host_cpc);
}

/* The ratios of e's neighbouring samples in time, each the other's
 * cycles per call over the slot's code's: the other's sample r over the
 * slot's samples r - 1 and r, of the nother and nhost samples taken (a
 * pair where either ran no call left out). Their number. */
static unsigned paired_ratios(const struct prof_experiment *e, unsigned nother, unsigned nhost,
			      double *ratio)
{
	unsigned n = 0;
	for (unsigned r = 0; r < nother; r++)
		for (unsigned h = r ? r - 1 : r; h <= r && h < nhost; h++)
			if (e->other_s[r] > 0 && e->host_s[h] > 0)
				ratio[n++] = e->other_s[r] / e->host_s[h];
	return n;
}

/*
 * Whether the sample that just ended ran beside a compile of a compiler
 * thread that runs first, which took the CPU from the calls measured: such
 * a sample is run again, SAMPLE_AGAIN times at most. (qrcode bare-metal:
 * tier 0's sample beside a compile came out at 10.4 million cycles a call,
 * against 2.2 million in runs without, and the -O3 code for this CPU,
 * slower than both, was kept: 2.8 s in place of 1.7; and the code for any
 * x86-64, 4 times faster in the median, lost the measurement, which wants
 * every pair of neighbouring samples to agree, when one of its samples
 * ran beside a compile.) begin_sample marks a sample's start.
 */
#define SAMPLE_AGAIN 3
static void begin_sample(struct prof_experiment *e)
{
	e->marks = queue_first_marks();
	e->again = 0;
}

static bool sample_disturbed(struct prof_experiment *e)
{
	unsigned long now = queue_first_marks();
	if (now == e->marks || e->again >= SAMPLE_AGAIN)
		return false;
	e->marks = now;
	e->again++;
	return true;
}

/* f's -O3 code, which has run spent cycles, makes way for its tier-0 code
 * for a sample beside it (experiment()). */
/* Tier 0's sample, from now: sized as the -O3 code's (the usual cycles
 * if tier 0 is no faster, which is what is in question), its end in
 * tier0_end; while tier0_first, looked at after its first few calls, which
 * end it where tier 0 is plainly the slower (not a sample that short
 * anyway). */
static void sample_tier0(struct prof_fn *f)
{
	struct prof_experiment *e = &f->experiment;
	sample(f, e->o3_cpc);
	e->tier0_end = f->call_trigger;
	e->tier0_first = e->tier0_first && e->tier0_end > f->calls + EXPERIMENT_MIN_CALLS + 3;
	if (e->tier0_first)
		f->call_trigger = f->calls + EXPERIMENT_MIN_CALLS + 2;
}

static void start_tier0_sample(struct prof_fn *f, uint64_t spent)
{
	struct prof_experiment *e = &f->experiment;
	e->host = f->code;
	e->spent = spent;
	e->osr_trigger = f->osr_trigger; /* tier 0's loops stay in it */
	f->osr_trigger = PROF_NEVER;
	prof_reinstall(f, f->tier0_code);
	e->saved = f->saved;
	e->inclusive = f->inclusive;
	e->state = EXPERIMENT_TIER0;
	begin_sample(e);
	e->tier0_first = true;
	sample_tier0(f);
}

/* Tests: $BAREFLOW_RT_MEASURE names a function whose code choice is
 * measured whatever its -O3 code's speed, as one found slower than tier 0
 * is (its result that function's own: its later compiles start from the
 * winner), so that the measurement can be tested where no function of a
 * program needs it. Read once (under the policy lock). */
static bool measure_asked(const struct prof_fn *f)
{
	static const char *want;
	static bool read;
	if (!read) {
		want = getenv("BAREFLOW_RT_MEASURE");
		read = true;
	}
	return want && !strcmp(want, f->fn->name);
}

/*
 * The experiment on f ends with the samples taken, nother of the other
 * code's and nhost of the slot's: the other is kept, in the slot, only if
 * every paired ratio of a full experiment favours it and their median by
 * the margin. So once one ratio does not (the other's sample as slow as
 * the slot's next to it, or slower), the rest cannot change the choice,
 * and the experiment ends there (decided_early): matmul's code for any
 * x86-64, 2.1 to 2.4 times as slow, ran all four of its samples, three
 * more than the choice needed, some 60 million cycles more than the
 * slot's code would have taken. e->rounds counts the other's samples.
 */
static void decide(struct prof_fn *f, unsigned nother, unsigned nhost)
{
	struct prof_experiment *e = &f->experiment;
	double sorted[2 * PROF_EXPERIMENT_ROUNDS];
	memcpy(sorted, e->other_s, nother * sizeof *sorted);
	e->other_cpc = median(sorted, nother);
	memcpy(sorted, e->host_s, nhost * sizeof *sorted);
	e->host2_cpc = median(sorted, nhost);
	unsigned nratios = paired_ratios(e, nother, nhost, sorted);
	e->median_ratio = median(sorted, nratios); /* sorts them */
	e->kept_other = nratios == 2 * PROF_EXPERIMENT_ROUNDS - 1 && sorted[nratios - 1] < 1 &&
			e->median_ratio < 1 - EXPERIMENT_MARGIN;
	if (e->kept_other)
		prof_reinstall(f, e->other);
	e->state = EXPERIMENT_DONE;
	f->call_trigger = f->loop_trigger = PROF_NEVER;
	double here, any;
	bool kept_any;
	prof_experiment_result(e, &here, &any, &kept_any);
	if (e->alone) /* its later compiles start from the winner */
		e->own_choice = kept_any ? PROF_OWN_ANY_X86_64 : PROF_OWN_THIS_CPU;
	else /* all later compiles do */
		P.prefer_generic = kept_any;
	if (P.verbose)
		prof_say("bareflow-rt: measured %s: %.0f cycles a call for this CPU, %.0f "
			 "for any x86-64 (medians; any x86-64's over this CPU's, sample by "
			 "sample: %.3f, the median of %u%s): keeps %s\n",
			 f->fn->name, here, any, prof_experiment_ratio(e), nratios,
			 nhost < PROF_EXPERIMENT_ROUNDS
			     ? ", ended where a pair favoured the code before"
			     : "",
			 kept_any ? "any x86-64's" : "this CPU's");
}

/* Whether the other's sample r and the slot's sample h, each of some
 * calls, make a pair that does not favour the other (decide). */
static bool decided_early(const struct prof_experiment *e, unsigned r, unsigned h)
{
	return e->other_s[r] > 0 && e->host_s[h] > 0 && e->other_s[r] >= e->host_s[h];
}

static void experiment(struct prof_fn *f, uint32_t i)
{
	struct prof_experiment *e = &f->experiment;
	const struct prof_version *v = prof_in_slot(f);
	/* (with the -O3 code's cycles before tier 0's sample, if it ran one) */
	uint64_t spent = prof_cycles_in_slot(f) + (e->checked ? e->spent : 0);

	switch (e->state) {
	case EXPERIMENT_WAIT: {
		if (!v || v->fallback || v->osr || !v->counted) {
			e->state = EXPERIMENT_DONE;
			f->call_trigger = f->loop_trigger = PROF_NEVER;
			return;
		}
		/* The first calls of new code are no measure of it: under
		 * emulation they wait for QEMU to translate it (jpeg's fdct8x8
		 * took 227,000 cycles a call over its first six calls, and
		 * 4,900 after). Its sample starts after them. */
		if (!e->warm || (!e->checked && sample_disturbed(e))) {
			if (!e->warm)
				begin_sample(e);
			e->warm = true;
			e->warm_calls = prof_calls_in_slot(f);
			e->warm_cycles = prof_cycles_in_slot(f);
			sample(f, slot_cpc(f));
			return;
		}
		uint64_t due = (uint64_t)(EXPERIMENT_COMPILES * (double)compile_cycles(f, i));
		/* Tier 0's figure is from its own calls, earlier: no fair
		 * measure of a function whose calls grow longer as the run goes
		 * on (the language model's attend, over a growing context, ran
		 * 1.8 to 4 times tier 0's figure in its faster -O3 code). So
		 * when the -O3 code looks slower, tier 0's code runs a sample
		 * now, beside it, and the choice is made only if the -O3 code is
		 * slower than that too. */
		if (!e->checked && measure_asked(f)) {
			e->o3_cpc = warm_cpc(f);
			e->checked = e->alone = true;
			if (P.verbose)
				prof_say("bareflow-rt: %s: its -O3 code ran %.0f cycles a call: "
					 "measuring it against the same for %s, as "
					 "BAREFLOW_RT_MEASURE asks\n",
					 f->fn->name, e->o3_cpc,
					 v->generic_cpu ? "this CPU" : "any x86-64");
		}
		if (!e->checked) {
			e->o3_cpc = warm_cpc(f);
			/* a function whose tier-0 calls entered OSR code has no
			 * figure of tier 0's own (qrcode's penalty_finder_like,
			 * OSR'd in its first call in some runs, looked no slower
			 * than its OSR code and was never measured): then tier
			 * 0's sample beside decides alone */
			if ((looks_slower_than_tier0(f, e->o3_cpc) || f->osr_in) && f->tier0_code) {
				if (f->osr_pending) /* osr_done writes the OSR trigger */
					sample(f, e->o3_cpc); /* look again after another */
				else
					start_tier0_sample(f, spent);
				return;
			}
			e->checked = true;
		}
		if (!e->alone && !cpu_has_avx()) { /* not worth a choice here (above) */
			e->state = EXPERIMENT_DONE;
			f->call_trigger = f->loop_trigger = PROF_NEVER;
			return;
		}
		if (!e->alone && spent < due) {
			back_off(f, spent, due);
			return;
		}
		struct prof_job *job = new_job(i, other_done, true);
		if (!job)
			return;
		struct jit_request *r = &job->r[0];
		r->tier = 2;
		r->counted = true;
		r->generic_cpu = !v->generic_cpu;
		r->nspec = v->nspec;
		memcpy(r->spec_arg, v->spec_arg, sizeof v->spec_arg);
		memcpy(r->spec_value, v->spec_value, sizeof v->spec_value);
		e->host = f->code;
		e->host_cpc = e->o3_cpc > 0 ? e->o3_cpc : slot_cpc(f);
		e->other_generic = r->generic_cpu;
		job->gain = GAIN_OVER_O3;
		prof_submit(job);
		return;
	}
	case EXPERIMENT_TIER0: {
		/* (calls that reached the -O3 code directly, from a batch's
		 * other functions, count here too: tier 0 can only look
		 * faster, and the choice that may follow is still measured) */
		if (sample_disturbed(e)) { /* again, from now */
			prof_reinstall(f, f->tier0_code);
			e->inclusive = f->inclusive;
			sample_tier0(f);
			return;
		}
		uint64_t calls = prof_calls_in_slot(f);
		double beside =
		    calls ? (double)prof_since(f->inclusive, e->inclusive) / (double)calls : 0;
		/* After its first calls, tier 0 plainly the slower (TIER0_PLAINLY
		 * times the -O3 code's cycles a call, or more) ends the sample:
		 * sized by the -O3 code's calls, it ran matmul's tier-0 code for
		 * 124 calls at 40 times their cycles, 0.3 s of a 0.45 s run. */
		if (e->tier0_first) {
			e->tier0_first = false;
			if (!(beside > TIER0_PLAINLY * e->o3_cpc)) {
				/* the rest, as sized */
				f->call_trigger =
				    e->tier0_end > f->calls ? e->tier0_end : f->calls + 1;
				return;
			}
		}
		e->tier0_beside = beside;
		end_tier0_sample(f);
		e->checked = true;
		e->alone = e->tier0_beside > 0 && e->o3_cpc > SLOWER_BESIDE * e->tier0_beside;
		if (!e->alone && !e->tier0_again && e->o3_cpc > e->tier0_beside) {
			/* Slower than tier 0 beside it, but not by the margin:
			 * once more, a little later, from a new sample of the -O3
			 * code. Tier 0's sample holds its callees' cycles, and
			 * their code may have been in the way: qrcode's came out
			 * at 4.1 million cycles a call while a callee's guard
			 * missed to its tier-0 code, 2.2 million in other runs. */
			e->tier0_again = true;
			e->checked = false;
			e->warm = false;
			if (P.verbose)
				prof_say(
				    "bareflow-rt: %s: its -O3 code ran %.0f cycles a call, its "
				    "tier-0 code %.0f with its callees beside it: not slower than "
				    "tier 0, to be measured once more\n",
				    f->fn->name, e->o3_cpc, e->tier0_beside);
			sample(f, e->o3_cpc);
			return;
		}
		const struct prof_version *o3 = prof_in_slot(f);
		if (P.verbose)
			prof_say("bareflow-rt: %s: its -O3 code ran %.0f cycles a call, its tier-0 "
				 "code %.0f with its callees beside it: %s\n",
				 f->fn->name, e->o3_cpc, e->tier0_beside,
				 !e->alone ? "not slower than tier 0"
				 : o3 && o3->generic_cpu
				     ? "measuring it against the same for this CPU"
				     : "measuring it against the same for any x86-64");
		experiment(f, i); /* the rest as decided now */
		return;
	}
	case EXPERIMENT_OTHER:
		if (!e->other_warm || sample_disturbed(e)) {
			/* its first calls are no measure either; nor calls beside
			 * a compile: its sample starts (again) now */
			if (!e->other_warm)
				begin_sample(e);
			e->other_warm = true;
			prof_reinstall(f, e->other);
			sample(f, e->rounds && e->other_s[e->rounds - 1] > 0 ? e->other_s[e->rounds - 1]
									 : e->host_cpc);
			return;
		}
		e->other_s[e->rounds] = slot_cpc(f);
		prof_reinstall(f, e->host);
		if (e->rounds && decided_early(e, e->rounds, e->rounds - 1)) {
			e->rounds++; /* begun: its sample of the other taken */
			decide(f, e->rounds, e->rounds - 1);
			return;
		}
		e->state = EXPERIMENT_HOST;
		begin_sample(e);
		sample(f, e->host_cpc);
		return;
	case EXPERIMENT_HOST:
		if (sample_disturbed(e)) { /* again, from now */
			prof_reinstall(f, e->host);
			sample(f, e->host_cpc);
			return;
		}
		e->host_s[e->rounds] = slot_cpc(f);
		if (decided_early(e, e->rounds, e->rounds)) {
			e->rounds++;
			decide(f, e->rounds, e->rounds);
			return;
		}
		if (++e->rounds < PROF_EXPERIMENT_ROUNDS) {
			prof_reinstall(f, e->other);
			e->state = EXPERIMENT_OTHER;
			begin_sample(e);
			/* its own calls' cycles, so that its samples are as long
			 * as the slot's (a faster other ran 4 calls of 2 ms) */
			sample(f, e->other_s[e->rounds - 1] > 0 ? e->other_s[e->rounds - 1]
								 : e->host_cpc);
			return;
		}
		decide(f, e->rounds, e->rounds);
		return;
	default:
		f->call_trigger = f->loop_trigger = PROF_NEVER;
	}
}

/* Generic -O3 code that profiles values reached its checkpoint: if one
 * value dominates an argument, a specialized version goes in front of it
 * (once it has run as long as that compile takes), and it is the
 * fallback; if none does, profiling stops mattering. */
static void respecialized(struct prof_job *job)
{
	uint32_t i = job->who[0];
	struct prof_fn *f = &prof_fns[i];
	if (failed(f, job, "specialized"))
		return;
	learn(f, i, job->ns[0]);
	f->fallback = f->code;
	installed(f, i, &job->r[0], job->code[0], job->ns[0], prof_job_place(job, 0), job, 0);
	f->generic = f->fallback; /* the misses run generic -O3 code already */
	f->generic_counted = true;
}

static void respecialize(struct prof_fn *f, uint32_t i)
{
	struct jit_request r = {
	    .fn = i - 1, .tier = 2, .counted = true, .generic_cpu = generic_for(f)};
	uint64_t spent = prof_cycles_in_slot(f), rent = rent_cycles(f, i);

	choose_specialization(f, &r);
	if (!r.nspec) {
		f->respecialize = false;
		plan_experiment(f);
		return;
	}
	if (spent < rent) {
		back_off(f, spent, rent);
		return;
	}
	struct prof_job *job = new_job(i, respecialized, true);
	if (!job)
		return;
	f->respecialize = false;
	job->r[0] = r;
	job->gain = GAIN_OVER_O3;
	prof_submit(job);
}

static void hot(uint32_t i)
{
	struct prof_fn *f = &prof_fns[i];

	if (!f->fn->managed) {
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		return;
	}
	/* An install (by the compiler thread, or a compile on another
	 * program thread) or another thread's decision may have moved the
	 * checkpoint since this call reached it: then nothing is due. */
	bool due = f->calls >= f->call_trigger || f->loops >= f->loop_trigger;
	/* This call runs again, through the slot, and counts itself again;
	 * an install's snapshot may hold its count already. */
	if (f->calls > f->tier_calls)
		f->calls--;
	if (f->pending || !due) /* pending: another thread got here first */
		return;
	if (f->tier == 2) {
		if (f->respecialize)
			respecialize(f, i);
		else
			experiment(f, i);
		return;
	}
	if (!P.policy.fixed && f->tier == 0 && f->osr_pending) {
		/* Code for one of its loops is on its way (asked in its first
		 * call, which ran long): the tier-0 cycles that make it look
		 * hot now were mostly that loop's, which the code runs from the
		 * loop's next header on, in this call and every later one. So
		 * look again later, when only the cycles the code does not
		 * cover count (osr_in): at twice the calls, as back_off does,
		 * so that many short calls during the compile do not each
		 * enter the runtime. jpeg's walk_blocks, called twice, had its
		 * whole body compiled (60-110 ms) for a third call that never
		 * came. */
		f->call_trigger = f->calls * 2 + 2; /* this call counts itself again */
		f->loop_trigger = PROF_NEVER;
		return;
	}
	if (!P.policy.fixed) {
		uint64_t spent = prof_spent_cycles(f), rent;
		int tier = next_tier(f, i, &rent);
		if (spent < rent)
			back_off(f, spent, rent);
		else if (tier == 1 || !wait_for_samples(f, rent))
			tier_up(f, i, tier, true, tier == 2);
		return;
	}
	if (f->tier == 1 && f->calls + 1 < P.policy.calls2 &&
	    prof_calls_in_slot(f) < P.policy.min_samples) {
		/* hot by its loops, but its arguments are not profiled enough
		 * yet: again when they are (this call counts itself again) */
		f->call_trigger = f->tier_calls + P.policy.min_samples + 1;
		f->loop_trigger = PROF_NEVER;
		return;
	}
	tier_up(f, i, f->tier + 1, true, false);
}

void prof_hot(uint32_t i)
{
	struct prof_saved saved;
	if (!prof_runtime_enter(&saved)) {
		/* the run is ending: the call runs its slot again, which must
		 * not come back here */
		prof_fns[i].call_trigger = prof_fns[i].loop_trigger = PROF_NEVER;
		return;
	}
	prof_adopt_orphans(); /* hot() looks whether anything is still due */
	hot(i);
	prof_runtime_leave(&saved);
}

void prof_miss(uint32_t i)
{
	struct prof_saved saved;
	if (!prof_runtime_enter(&saved))
		return;
	if (!prof_adopt_orphans())
		misses(&prof_fns[i], i);
	prof_runtime_leave(&saved);
}

/* How many loop headers after OSR code went in a header without code
 * waits for one with (osr_elsewhere): enough for the inner loops that run
 * between two visits of the loop with code. Each waits in the runtime
 * (about a microsecond), a millisecond or so in all where the loop with
 * code has ended. At 8, jpeg's walk_blocks (a nest of five loops, two of
 * them of 64 iterations) got its code for one loop while its tier-0 code
 * was in another, and ran the whole call on in tier 0. */
#define OSR_WAIT_HEADERS 1024

/* Function f's OSR version for tier-0 loop header `loop`, if it has one. */
static const struct prof_version *osr_version(const struct prof_fn *f, uint32_t loop)
{
	for (unsigned k = 0; k < f->nversions; k++)
		if (f->versions[k].osr && f->versions[k].loop == loop)
			return &f->versions[k];
	return NULL;
}

/* The tier of f's code from a loop, or from its entry instead: a large
 * function goes to tier 1 first (next_tier), its next calls and a long
 * call's loop alike; a long call begun at tier 0 before tier 1 went in,
 * to tier 1's OSR code too. */
static int osr_tier(const struct prof_fn *f)
{
	return !P.policy.fixed && f->tier <= 1 && large(f) ? 1 : 2;
}

/* Calls begun since OSR code went in that enter it, after which a
 * function gets code of its own from the entry (osr). */
#define OSR_CALLS_FOR_ENTRY 4

/* An OSR compile ended without code: the look at the function's entry
 * that hot() put off while the compile was on its way (to twice the
 * calls) is due at its next call again. */
static void osr_failed(struct prof_fn *f)
{
	if (f->call_trigger != PROF_NEVER && f->call_trigger > f->calls + 1)
		f->call_trigger = f->calls + 1;
}

static void osr_done(struct prof_job *job)
{
	uint32_t i = job->who[0];
	struct prof_fn *f = &prof_fns[i];
	unsigned loop = job->loop;
	if (job->err) {
		if (job->err != JIT_EUNFIT)
			prof_say("bareflow-rt: cannot compile %s's loop (block %u) for OSR: %s\n",
				 f->fn->name, loop, job->error);
		else if (P.verbose)
			prof_say("bareflow-rt: no OSR for %s's loop at block %u: %s\n", f->fn->name,
				 loop, job->error);
		if (f->nunfit < sizeof f->unfit / sizeof f->unfit[0])
			f->unfit[f->nunfit++] = loop;
		f->osr_trigger = f->loops * 2;
		osr_failed(f);
		return;
	}
	struct prof_version *v = prof_new_version(f);
	if (!v) {
		f->osr_trigger = PROF_NEVER;
		osr_failed(f);
		return;
	}
	if (job->r[0].tier == 2) /* the model is -O3's */
		learn(f, i, job->ns[0]);
	v->tier = job->r[0].tier;
	v->osr = true;
	v->loop = loop;
	v->compile_ns = job->ns[0];
	v->installed_at_call = f->calls;
	v->code = job->code[0];
	osr_in(f);
	f->osr_rebase = true; /* again at the first entry (osr_entered) */
	/* The loop count at the install, read before the trigger lets a
	 * header in: the program's thread goes on counting, and a header that
	 * counted itself after the store could have entered the code at the
	 * very count said here (tests/boot/jit_osr_pending.sh, now and then on
	 * a loaded machine). */
	uint64_t loops = __atomic_load_n(&f->loops, __ATOMIC_RELAXED);
	f->osr_wait_until = loops + OSR_WAIT_HEADERS;
	/* a loop still running in tier 0 enters it at its next back-edge */
	__atomic_store_n(&f->osr_trigger, 0, __ATOMIC_RELEASE);
	if (!P.verbose)
		return;
	const char *in = job->inlined[0] ? ", inlining " : "";
	char when[64];
	if (job->q.background) {
		prof_job_times(job, when, sizeof when);
		prof_say("bareflow-rt: OSR %s: tier 0 -> %d (-O%d) in the loop at block %u, asked "
			 "in call %llu after %llu loop iterations, installed after %llu, compiled "
			 "in %.2f ms in the background%s%s%s\n",
			 f->fn->name, v->tier, jit_tier_opt(v->tier), loop,
			 (unsigned long long)job->asked_calls[0],
			 (unsigned long long)job->asked_loops[0], (unsigned long long)loops,
			 prof_ms(job->ns[0]), when, in, job->inlined);
	} else {
		prof_say("bareflow-rt: OSR %s: tier 0 -> %d (-O%d) in the loop at block %u, in "
			 "call %llu after %llu loop iterations, compiled in %.2f ms%s%s\n",
			 f->fn->name, v->tier, jit_tier_opt(v->tier), loop,
			 (unsigned long long)f->calls, (unsigned long long)loops,
			 prof_ms(job->ns[0]), in, job->inlined);
	}
}

/* Whether f's tier-0 code, at a loop header without OSR code just after
 * another loop's went in, should go on to the next header, which may be
 * that loop's. A nest's outer header can come first after the inner
 * loop's code went in, and had a second compile of its own (heavy() in
 * tests/jit/tiers/adaptive.c, now and then: both its loops then ran OSR
 * code in every later call, and nothing asked for code from the entry).
 * The wait is bounded, whichever loops the headers are: a nest of its own
 * that runs on after the loop with code has ended still gets code. */
static bool osr_elsewhere(struct prof_fn *f)
{
	if (f->loops >= f->osr_wait_until)
		return false;
	f->osr_trigger = f->loops + 1; /* the next header looks again */
	return true;
}

/* A tier-0 loop header of function i ran osr_trigger times in all: enter
 * -O3 code for the rest of the call, once the function has paid the same
 * rent as above (so a loop about to end does not pay for a compile). OSR
 * versions are kept per header. In the background, the loop runs on in
 * tier 0 and enters the code once it is installed. */
static void *osr(uint32_t i, uint32_t loop)
{
	struct prof_fn *f = &prof_fns[i];
	const struct prof_version *v = osr_version(f, loop);
	if (v) {
		/* Calls go on, each entering its OSR code through the runtime
		 * with its arguments profiled and nothing specialized on them:
		 * the fourth call begun since the code went in asks for code
		 * from the entry (the rent above counts only the tier-0 cycles
		 * outside the OSR code, which such calls hardly have). Fewer
		 * are no sign of more: tests/jit/tiers/osr_then_calls.c's mix,
		 * 4 calls, jpeg's walk_blocks, 2, and vm's interpreter loops, 3,
		 * need nothing else. Not for the code cache's OSR code, which
		 * goes in before the first call: the run that made it would
		 * have left code from the entry too, and the cache brings it. */
		if (f->tier == 0 && !P.policy.fixed && !f->pending && !v->cached &&
		    !f->rejected && f->call_trigger != PROF_NEVER && /* not given up (failed) */
		    f->calls >= v->installed_at_call + OSR_CALLS_FOR_ENTRY)
			tier_up(f, i, osr_tier(f), false, false);
		return osr_entered(f, v);
	}
	if (f->osr_pending)
		return NULL;
	if (f->rejected) {
		f->osr_trigger = PROF_NEVER;
		return NULL;
	}
	if (f->osr_learned) { /* the last run knew which of its loops ran long */
		f->osr_trigger = f->loops * 2;
		return NULL;
	}
	for (unsigned k = 0; k < f->nunfit; k++)
		if (f->unfit[k] == loop) {
			f->osr_trigger = f->loops * 2; /* back off */
			return NULL;
		}
	int tier = osr_tier(f);
	if (f->cycles < (tier == 1 ? quick_rent_cycles(f) : rent_cycles(f, i))) {
		f->osr_trigger = f->loops * 2; /* not yet worth it: look again later */
		return NULL;
	}
	if (osr_elsewhere(f))
		return NULL;
	/* Calls its specialization's guard sent back to tier 0 (misses, since
	 * it went in): they get generic code of their own, which serves every
	 * later one, rather than OSR code for this call alone. (A calculator's
	 * long division, specialized on one scale, had four of its loops
	 * compiled for OSR, 185 ms of compiles, for short calls at other
	 * scales that crossed the loop counts, before the misses' first look,
	 * 200 misses on, asked for generic code.) While the guard has missed
	 * nothing since it went in, a call still in tier 0 (one that began
	 * before the guard) gets its OSR code. */
	const struct prof_version *in_slot = prof_in_slot(f);
	if (in_slot && in_slot->nspec && !f->generic && !P.policy.fixed &&
	    f->guard_misses > f->spec_misses) {
		if (!f->pending)
			generic(f, i, true);
		f->osr_trigger = f->loops * 2;
		return NULL;
	}
	if (f->tier == 0 && f->calls >= 2 && !P.policy.fixed) {
		/* called before: its next calls may well suffice, and need code
		 * of their own anyway; OSR only if this call still loops on */
		tier_up(f, i, tier, false, false);
		f->osr_trigger = f->loops * 2;
		return NULL;
	}
	struct prof_job *job = new_job(i, osr_done, false);
	if (!job || f->nversions == PROF_MAX_VERSIONS) {
		free(job);
		f->osr_trigger = PROF_NEVER;
		return NULL;
	}
	job->osr = true;
	job->loop = loop;
	job->r[0].tier = tier;
	prof_submit(job);
	return osr_entered(f, osr_version(f, loop));
}

void *prof_osr(uint32_t i, uint32_t loop)
{
	struct prof_saved saved;
	if (!prof_runtime_enter(&saved)) {
		prof_fns[i].osr_trigger = PROF_NEVER; /* the run is ending */
		return NULL;
	}
	void *code = prof_adopt_orphans() ? osr_entered(&prof_fns[i], osr_version(&prof_fns[i], loop))
					  : osr(i, loop);
	prof_runtime_leave(&saved);
	return code;
}

/* ---- the code cache's side ---- */

void prof_version_request(uint32_t i, const struct prof_version *v, struct jit_request *r)
{
	memset(r, 0, sizeof *r);
	r->fn = i - 1;
	r->tier = v->tier;
	r->profiled = v->profiled;
	r->counted = v->tier == 2 && v->counted && !v->profiled;
	r->generic_cpu = v->generic_cpu;
	r->nspec = v->nspec;
	for (unsigned k = 0; k < v->nspec && k < PROF_MAX_ARGS; k++)
		r->spec_arg[k] = v->spec_arg[k], r->spec_value[k] = v->spec_value[k];
}

void prof_snapshot(uint32_t i, struct prof_snapshot *s)
{
	const struct prof_fn *f = &prof_fns[i];
	s->calls = f->calls;
	s->cycles = f->cycles;
	s->loops = f->loops;
	s->guard_misses = f->guard_misses;
	s->spec_calls = f->spec_calls;
	s->miss_trigger = f->miss_trigger;
	s->tier0_cpc = f->tier0_cpc;
	s->tier0_icpc = f->tier0_icpc;
	memcpy(s->args, f->args, sizeof s->args);
	/* a pointer's value was an address of that run: no use in another */
	for (unsigned k = 0; k < PROF_MAX_ARGS && k < f->fn->nparams; k++)
		if (f->fn->arg_kind[k] == JIT_ARG_PTR)
			memset(&s->args[k], 0, sizeof s->args[k]);
	s->experiment_done = f->experiment.state == EXPERIMENT_DONE;
	s->own_choice = f->experiment.own_choice;
}

void prof_restore(uint32_t i, const struct prof_snapshot *s, const struct jit_request *r,
		  void *slot, const struct jit_request *fr, void *fallback)
{
	struct prof_fn *f = &prof_fns[i];
	f->calls = s->calls;
	f->cycles = s->cycles;
	f->loops = s->loops;
	f->guard_misses = s->guard_misses;
	f->tier0_cpc = s->tier0_cpc;
	f->tier0_icpc = s->tier0_icpc;
	memcpy(f->args, s->args, sizeof f->args);
	if (s->experiment_done) /* measured last time: not again */
		f->experiment.state = EXPERIMENT_DONE;
	if (s->own_choice <= PROF_OWN_ANY_X86_64)
		f->experiment.own_choice = s->own_choice;
	/* A pointer it is specialized on was an address of the last run: its
	 * guard compares with that (or with the variable or function it named,
	 * as linked now) and sends other values to the fallback, but a compile of "the
	 * same" specialization now would not be the same: no experiment. */
	for (unsigned k = 0; k < r->nspec; k++)
		if (f->fn->arg_kind[r->spec_arg[k]] == JIT_ARG_PTR)
			f->experiment.state = EXPERIMENT_DONE;
	if (fallback) {
		prof_install(f, fr, fallback, 0, PROF_FALLBACK, NULL);
		f->versions[f->nversions - 1].cached = true;
		if (fr->tier == 2 && !fr->nspec) { /* generic -O3, as generic() makes */
			f->generic = fallback;
			f->generic_counted = fr->counted || fr->profiled;
		}
	} else {
		/* a guard's other values: tier 0's code behind the guard in the
		 * slot; else the slot's own (generic) code, for a guard of an
		 * earlier version that a batch member of it still calls directly
		 * (as generic() leaves it) */
		f->fallback = r->nspec ? f->code : slot;
	}
	from_cache = true;
	installed(f, i, r, slot, 0, PROF_SLOT, NULL, 0);
	from_cache = false;
	if (f->nversions)
		f->versions[f->nversions - 1].cached = true;
	if (r->nspec) { /* the guard's record goes on from the last run's */
		f->spec_calls = s->spec_calls <= f->calls ? s->spec_calls : f->calls;
		if (s->miss_trigger > f->guard_misses)
			f->miss_trigger = s->miss_trigger;
	}
}

void prof_restore_osr(uint32_t i, unsigned loop, int tier, void *code)
{
	struct prof_version *v = prof_new_version(&prof_fns[i]);
	if (!v)
		return;
	v->tier = tier;
	v->osr = true;
	v->loop = loop;
	v->code = code;
	v->cached = true;
	v->installed_at_call = prof_fns[i].calls;
	prof_fns[i].osr_learned = true;
	osr_in(&prof_fns[i]); /* before the first call: no call under way */
	if (P.verbose)
		prof_say("bareflow-rt: cached %s: OSR code for the loop at block %u\n",
			 prof_fns[i].fn->name, loop);
}

void prof_cost_model(double *n, double *log_ratio)
{
	*n = P.cost.n, *log_ratio = P.cost.log_ratio;
}

void prof_set_cost_model(double n, double log_ratio)
{
	if (n >= 0 && n < 1e9 && log_ratio == log_ratio && fabs(log_ratio) < 1e9 * (n + 1))
		P.cost.n = n, P.cost.log_ratio = log_ratio;
}

/* The tier-0 compile of a program of n IR instructions, hosted on a
 * current x86-64: about 10 ms and 12 us an instruction (bench/real's 19
 * programs, 800 to 3100 instructions, took 12 to 42 ms on a quiet Xeon,
 * rocketlake, the fastest of 3 runs each; this is just above every one of
 * them, so that hosted the ratio stays near or below 1). */
#define TIER0_FIXED_NS 10e6
#define TIER0_NS_PER_INSN 12e3

/*
 * The cost model starts from hosted figures, and learns the machine's only
 * from the tier-ups it makes. Under emulation the first ones, predicted
 * some 30 times too cheap, were made early and cost more than they saved
 * (bare-metal, bench/real's sort spent 2.4 s compiling a function at its
 * 148th call that ran 0.2% of the time). A cold run's tier-0 compile is a
 * measure of the machine already: its ratio to the hosted figure, never
 * below 1, is the prior the compiles then refine (prof_calibrate). Where
 * tier 0 was compiled on the host (the tier-0 file), its time there,
 * scaled by how much longer reading the same prepared program took here,
 * stands for it (prof_calibrate_by).
 */

/* The cost model's prior: compiles take ratio times the hosted figure
 * here (how, for --verbose). */
static void set_prior(double ratio, const char *how)
{
	if (P.cost.n > 0 || P.cost.log_ratio != 0 || !(ratio > 1))
		return;
	P.cost.log_ratio = COST_PRIOR_WEIGHT * log(ratio); /* the prior's weight, at ratio */
	if (P.verbose)
		prof_say("bareflow-rt: %s, %.1f times the hosted figure: compiles are predicted to "
			 "take as much longer\n",
			 how, ratio);
}

/* A tier-0 compile's ns for this many instructions, over the hosted figure. */
static double tier0_ratio(double ns, unsigned long instructions)
{
	return ns / (TIER0_FIXED_NS + TIER0_NS_PER_INSN * (double)instructions);
}

void prof_calibrate(uint64_t ns, unsigned long instructions)
{
	char how[80];
	snprintf(how, sizeof how, "the tier-0 compile took %.1f ms", prof_ms(ns));
	set_prior(tier0_ratio((double)ns, instructions), how);
}

/* The tier-0 file's tier 0 is optimized (JIT_TIER0_FILE_PASSES and
 * JIT_TIER0_FILE_LEVEL in jit/internal.h; measure again if they change):
 * bench/real's took 3 to 6 times as long on the host as the -O0 tier 0 the
 * hosted figures are for. */
#define TIER0_FILE_EFFORT 4.0

void prof_calibrate_by(uint64_t there_ns, uint64_t there_prep_ns, uint64_t prep_ns,
		       unsigned long instructions)
{
	char how[160];
	double slower = (double)prep_ns / (double)(there_prep_ns ? there_prep_ns : 1);
	snprintf(how, sizeof how,
		 "tier 0 came from the host (%.1f ms there); reading the program took %.1f "
		 "times as long here",
		 prof_ms(there_ns), slower);
	set_prior(tier0_ratio((double)there_ns / TIER0_FILE_EFFORT * slower, instructions), how);
}

bool prof_prefers_generic(void)
{
	return P.prefer_generic;
}

void prof_set_prefer_generic(bool generic)
{
	P.prefer_generic = generic;
}
