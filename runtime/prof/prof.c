/*
 * The profile: one struct prof_fn per function, which instrumented JIT code
 * updates, and the installing of new code in a function's slot. What to
 * compile, and when, is policy.c's.
 *
 * Old code is kept: a frame may still be running it (main stays in its
 * tier-0 frame while OSR code runs above it; recursion; a libc callback in
 * progress; another of the program's threads), and telling would take a
 * stack walk through code without frame pointers. Each function has at most a tier-1, a tier-2 (plus its
 * specialized clone and generic fallback) and one OSR version per loop
 * header, so what is kept is bounded by the program's size.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "codemap.h"
#include "internal.h"

struct prof_fn *prof_fns;
unsigned prof_nfns;
uint32_t prof_current;
uint64_t prof_stamp;
struct prof_state P;

/* A program thread is in the runtime (prof_runtime_enter to leave): the
 * cycles since the stamp are function 0's, whatever prof_current says. */
static _Atomic bool in_runtime;

/* The cycles since the last stamp are function who's. */
static void charge(uint32_t who)
{
	uint64_t now = rt_cycles();
	prof_fns[who].cycles += now - prof_stamp;
	prof_stamp = now;
}

/* The run is ending with a compile left running (prof_stop_leaving): the
 * policy lock is held for good, and probes decide nothing more. */
static _Atomic bool frozen;

void prof_block_outside_signals(sigset_t *old)
{
	sigset_t async;
	sigfillset(&async);
	static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGABRT, SIGSYS};
	for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++)
		sigdelset(&async, faults[k]);
	pthread_sigmask(SIG_BLOCK, &async, old);
}

bool prof_runtime_enter(struct prof_saved *s)
{
	if (atomic_load_explicit(&frozen, memory_order_acquire))
		return false;
	prof_block_outside_signals(&s->mask);
	fegetenv(&s->env);
	fesetenv(FE_DFL_ENV);
	queue_lock_policy();
	charge(prof_current);
	atomic_store_explicit(&in_runtime, true, memory_order_relaxed);
	return true;
}

void prof_runtime_leave(const struct prof_saved *s)
{
	atomic_store_explicit(&in_runtime, false, memory_order_relaxed);
	charge(0);
	queue_unlock_policy();
	fesetenv(&s->env);
	pthread_sigmask(SIG_SETMASK, &s->mask, NULL);
}

void prof_compiler_runs(bool runs)
{
	if (!prof_fns || !prof_stamp) /* not before counting starts */
		return;
	bool runtime = atomic_load_explicit(&in_runtime, memory_order_relaxed);
	charge(runs && !runtime ? prof_current : 0);
}

void prof_settle(void)
{
	if (!prof_fns)
		return;
	if (!prof_stamp) { /* the first time: counting starts now */
		prof_stamp = rt_cycles();
		P.main_ns = rt_now_ns();
	}
	charge(prof_current);
}

void prof_say(const char *fmt, ...)
{
	va_list ap;
	char *line;
	va_start(ap, fmt);
	int n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0) { /* no memory: on the stack after all */
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		return;
	}
	fputs(line, stderr);
	free(line);
}

double prof_ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

double prof_cycles_per_ns(void)
{
	uint64_t dns = rt_now_ns() - P.ns0, dtsc = rt_cycles() - P.tsc0;
	return dns ? (double)dtsc / (double)dns : 1.0;
}

uint64_t prof_compile_ns(void)
{
	return P.compile_ns;
}

int prof_init(struct jit *j, const struct prof_policy *policy, bool verbose)
{
	const struct jit_fn *fns;
	size_t n;
	P.jit = j;
	P.policy = *policy;
	P.tsc0 = rt_cycles();
	P.ns0 = rt_now_ns();
	P.verbose = verbose;
	prof_measure_slowdown();
	int err = jit_prepare(j, &fns, &n);
	if (err)
		return err;
	prof_fns = calloc(n + 1, sizeof *prof_fns);
	if (!prof_fns)
		return jit_out_of_memory(j);
	prof_nfns = (unsigned)n + 1;
	for (size_t i = 0; i < n; i++) {
		struct prof_fn *f = &prof_fns[i + 1];
		f->fn = &fns[i];
		f->call_trigger = policy->calls1;
		f->loop_trigger = policy->loops1;
		f->osr_trigger = policy->loops2;
		if (!fns[i].managed)
			f->call_trigger = f->loop_trigger = f->osr_trigger = PROF_NEVER;
	}
	return 0;
}

bool prof_background(unsigned threads, bool first, int *why)
{
	/* the program's variables are listed now, while no compile runs: the
	 * policy looks them up under its own lock only, beside a compile on
	 * another thread, with a compiler thread or without */
	jit_is_variable(P.jit, 0);
	queue_on_first_runs(prof_compiler_runs);
	jit_on_server_wait(P.jit, queue_waits);
	return queue_start(threads, first, why);
}

void prof_compile_cpu(int cpu)
{
	queue_pin(cpu);
}

bool prof_compiler_first(void)
{
	struct queue_stats s;
	queue_get_stats(&s);
	return s.first;
}

static bool forked; /* this process is a child the program forked (prof_forked) */

/* The compile counts at the end, for --verbose (once; not a forked child's,
 * which are mostly its parent's). */
static void say_compiles(void)
{
	static bool said;
	if (forked)
		return;
	struct queue_stats s;
	queue_get_stats(&s);
	char where[48] = "", left[40] = ""; /* given a CPU: where its compiles ran */
	if (queue_cpu() >= 0)
		snprintf(where, sizeof where, " (on CPU %d)", queue_cpu());
	if (s.left_running)
		snprintf(left, sizeof left, ", %u left running at it", s.left_running);
	if (P.verbose && (s.background || s.dropped || s.left_running) && !said++)
		prof_say(
		    "bareflow-rt: compiles: %u in the background%s, %u on the program's threads "
		    "(%u with the queue full, %u at a low share), %u not started by the exit%s; "
		    "the program waited %.1f ms for the jit lock, the exit %.1f ms%s\n",
		    s.background, where, s.here, s.full, s.low_share, s.dropped, left,
		    prof_ms(s.jit_wait_ns), prof_ms(s.exit_wait_ns),
		    s.first && s.first_dropped
			? "; the compiler thread ran before the program until the compile server "
			  "went"
		    : s.first	      ? "; the compiler thread ran before the program"
		    : s.first_refused ? "; the compiler thread could not run before the program"
				      : "");
}

void prof_stop(void)
{
	queue_stop(true);
	prof_policy_stop();
	say_compiles();
}

bool prof_stop_leaving(void)
{
	if (atomic_load_explicit(&frozen, memory_order_acquire))
		return true; /* this thread again, from the tail of an exit (a fault's handler) */
	if (!queue_stop(false)) {
		prof_policy_stop();
		say_compiles();
		return false;
	}
	atomic_store_explicit(&frozen, true, memory_order_release);
	queue_hold_policy();
	prof_policy_stop_held();
	jit_freeze_kept(P.jit);
	say_compiles();
	return true;
}

static struct queue_job *orphans;

void prof_forked(struct queue_job *jobs)
{
	forked = true;
	/* after those its parent had not adopted yet (a child forking again
	 * before its first probe, or while another thread adopted them) */
	struct queue_job **end = &jobs;
	while (*end)
		end = &(*end)->next;
	*end = orphans;
	orphans = jobs;
	/* their functions' triggers (saved in the jobs and put back as they
	 * install; an OSR job's, set by osr_done) fire at the next call or
	 * loop, to enter the runtime */
	for (struct queue_job *q = jobs; q; q = q->next) {
		const struct prof_job *job = (const struct prof_job *)q;
		for (size_t b = 0; b < job->n; b++) {
			struct prof_fn *f = &prof_fns[job->who[b]];
			if (job->osr) {
				f->osr_trigger = f->loops + 1;
			} else {
				f->call_trigger = f->calls + 1;
				f->loop_trigger = f->loops + 1;
			}
		}
	}
}

bool prof_adopt_orphans(void)
{
	if (!orphans)
		return false;
	while (orphans) {
		struct queue_job *q = orphans;
		orphans = q->next;
		queue_submit(q);
	}
	return true;
}

void prof_probes(struct jit_probes *p)
{
	p->fns = prof_fns;
	p->fn_size = sizeof *prof_fns;
	p->current = &prof_current;
	p->stamp = &prof_stamp;
	p->hot = (void *)prof_hot;
	p->miss = (void *)prof_miss;
	p->osr = (void *)prof_osr;
}

struct prof_version *prof_new_version(struct prof_fn *f)
{
	if (f->nversions == PROF_MAX_VERSIONS)
		return NULL;
	struct prof_version *v = &f->versions[f->nversions++];
	memset(v, 0, sizeof *v);
	return v;
}

/* The version whose code is in g's slot; NULL for tier 0's. */
static const struct prof_version *slot_version(const struct prof_fn *g)
{
	for (unsigned k = g->nversions; k-- > 0;) {
		const struct prof_version *v = &g->versions[k];
		if (!v->osr && !v->fallback && v->code == g->code)
			return v;
	}
	return NULL;
}

/* Whether g's code counts the cycles it runs as its own: if not, they are
 * the caller's (an uncounted -O3 version, tier 0's untimed functions). */
static bool times_itself(const struct prof_fn *g)
{
	const struct prof_version *v = slot_version(g);
	return v ? v->counted : !g->fn->untimed;
}

enum { FOLD_UNKNOWN, FOLD_WALKING, FOLD_ALL, FOLD_NOT };

static bool folds_all(unsigned char *memo, uint32_t i);

/* Whether function g's cycles, and all it calls, are its caller's. */
static bool folded(unsigned char *memo, uint32_t g)
{
	return g < prof_nfns && !times_itself(&prof_fns[g]) && folds_all(memo, g);
}

/* What function i's code in the slot calls, if known (else NULL: what it
 * calls as the program wrote it, jit_fn's callees). */
static const struct prof_calls *slot_calls(uint32_t i)
{
	const struct prof_version *v = slot_version(&prof_fns[i]);
	return v && v->calls.known ? &v->calls : NULL;
}

/* Whether every function that function i's code may hand control to, and
 * every one they may, counts no cycles of its own, so that all of them
 * are i's: then its code's cycles compare with tier 0's cycles per call
 * with its callees'. Not through a pointer, where the callee is not
 * known, nor in a recursion, whose inner calls tier 0's inclusive count
 * has counted again. */
static bool folds_all(unsigned char *memo, uint32_t i)
{
	if (memo[i] == FOLD_WALKING)
		return false;
	if (memo[i] != FOLD_UNKNOWN)
		return memo[i] == FOLD_ALL;
	memo[i] = FOLD_WALKING;
	/* A function that calls itself does not (a generic version's own
	 * calls are to its body, which the list of what its code calls walks
	 * into). */
	const struct jit_fn *d = prof_fns[i].fn;
	const struct prof_calls *c = slot_calls(i);
	bool all = !d->recursive && (c ? !c->indirect : !d->indirect);
	for (unsigned k = 0; all && k < (c ? c->n : d->ncalled); k++)
		all = folded(memo, (c ? c->fn[k] : d->callees[k]) + 1);
	for (unsigned k = d->ncalled; all && k < d->ncallees; k++) /* its callbacks */
		all = folded(memo, d->callees[k] + 1);
	memo[i] = all ? FOLD_ALL : FOLD_NOT;
	return all;
}

/* Whether function i's code in the slot counts none of its callees'
 * cycles as its own: it still calls each that tier 0 timed apart (none
 * inlined), and each of those times itself. Calls through a pointer are
 * taken to reach code that does, as at tier 0. */
static bool folds_none(uint32_t i)
{
	const struct jit_fn *d = prof_fns[i].fn;
	const struct prof_calls *c = slot_calls(i);
	for (unsigned k = 0; k < d->ncallees; k++) {
		uint32_t g = d->callees[k];
		if (g + 1 >= prof_nfns || prof_fns[g + 1].fn->untimed)
			continue; /* its cycles were the caller's at tier 0 too */
		if (!times_itself(&prof_fns[g + 1]))
			return false;
		bool called = !c || k >= d->ncalled;
		for (unsigned m = 0; c && !called && m < c->n; m++)
			called = c->fn[m] == g;
		if (!called)
			return false;
	}
	return true;
}

static bool recheck_held, recheck_owed; /* prof_saved_hold */

/* The code in a slot changed, which may change which cycles others count:
 * each function whose saving is figured otherwise from now on ends the
 * period it was in. */
static void saved_recheck(void)
{
	if (recheck_held) {
		recheck_owed = true;
		return;
	}
	unsigned char *memo = calloc(prof_nfns, 1);
	if (!memo)
		return; /* the periods run on as they were */
	for (uint32_t i = 1; i < prof_nfns; i++) {
		struct prof_fn *f = &prof_fns[i];
		int mode = folds_all(memo, i) ? PROF_SAVED_INCLUSIVE
			   : folds_none(i)    ? PROF_SAVED_OWN
					      : PROF_SAVED_UNKNOWN;
		if (mode == f->saved_mode)
			continue;
		double saved;
		prof_fn_saved(f, &saved);
		f->saved = saved;
		f->saved_calls = f->calls, f->saved_cycles = f->cycles;
		f->saved_mode = mode;
	}
	free(memo);
}

void prof_saved_hold(bool hold)
{
	recheck_held = hold;
	if (!hold && recheck_owed) {
		recheck_owed = false;
		saved_recheck();
	}
}

void prof_install(struct prof_fn *f, const struct jit_request *r, void *code, uint64_t ns,
		  enum prof_place place, const struct prof_calls *calls)
{
	bool fallback = place == PROF_FALLBACK;
	double saved; /* by the code in the slot until now */
	prof_fn_saved(f, &saved);
	if (f->tier == 0 && !fallback && !f->tier0_code)
		f->tier0_code = f->code;
	struct prof_version *v = prof_new_version(f);
	if (v) {
		v->tier = r->tier;
		v->nspec = r->nspec;
		memcpy(v->spec_arg, r->spec_arg, sizeof v->spec_arg);
		memcpy(v->spec_value, r->spec_value, sizeof v->spec_value);
		v->compile_ns = ns;
		v->installed_at_call = f->calls + 1;
		v->code = code;
		v->counted = r->tier == 1 || r->counted || r->profiled;
		v->fallback = fallback;
		v->generic_cpu = r->generic_cpu;
		v->profiled = r->profiled;
		if (calls)
			v->calls = *calls;
	}
	codemap_version(r, code, fallback);
	if (fallback) {
		atomic_store_explicit((_Atomic(void *) *)&f->fallback, code, memory_order_release);
		return;
	}
	atomic_store_explicit((_Atomic(void *) *)&f->code, code, memory_order_release);
	f->saved = saved;
	f->tier_calls = f->saved_calls = f->calls;
	f->tier_cycles = f->saved_cycles = f->cycles;
	if (place == PROF_SLOT_CALL_PENDING && r->tier == 2 && !r->counted && !r->nspec)
		f->calls++; /* the new code will not count that call (a guard would) */
	saved_recheck();
}

void prof_reinstall(struct prof_fn *f, void *code)
{
	double saved;
	prof_fn_saved(f, &saved);
	atomic_store_explicit((_Atomic(void *) *)&f->code, code, memory_order_release);
	f->saved = saved;
	f->tier_calls = f->saved_calls = f->calls;
	f->tier_cycles = f->saved_cycles = f->cycles;
	saved_recheck();
}

void prof_describe(const struct jit_request *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "-O%d%s", jit_tier_opt(r->tier),
			 r->generic_cpu ? " for any x86-64" : "");
	for (unsigned k = 0; k < r->nspec && n > 0 && (size_t)n < len; k++)
		n += snprintf(buf + n, len - (size_t)n, "%s arg%u=%lld",
			      k ? "," : ", specialized:", r->spec_arg[k],
			      (long long)r->spec_value[k]);
}

const struct prof_version *prof_in_slot(const struct prof_fn *f)
{
	for (unsigned k = f->nversions; k-- > 0;)
		if (!f->versions[k].osr && !f->versions[k].fallback)
			return &f->versions[k];
	return NULL;
}

/* The code in the slot, against tier 0: the calls it ran, at tier 0's
 * cycles per call, less the cycles they took. Known only for code that
 * counts its calls and cycles. Tier 0's figure is its own cycles while its
 * code runs none of its callees' (saved_recheck), with theirs while it runs
 * all of theirs (sha256's file hasher, its update and final steps inlined
 * or counting nothing, came out 0.4 s slower than its tier 0 by its own
 * figure, in a run tier 0 alone took 9 s longer), and the calls are left
 * out while it runs some. */
bool prof_fn_saved(const struct prof_fn *f, double *cycles)
{
	const struct prof_version *v = prof_in_slot(f);
	*cycles = f->saved;
	if (!v || !v->counted || !f->tier0_cpc)
		return v == NULL && f->nversions == 0;
	if (f->saved_mode == PROF_SAVED_UNKNOWN)
		return true;
	uint64_t per_call = f->saved_mode == PROF_SAVED_INCLUSIVE && f->tier0_icpc > f->tier0_cpc
				? f->tier0_icpc
				: f->tier0_cpc;
	double calls = (double)prof_since(f->calls, f->saved_calls);
	*cycles += calls * (double)per_call - (double)prof_since(f->cycles, f->saved_cycles);
	return true;
}

void prof_experiment_result(const struct prof_experiment *e, double *this_cpu, double *any_x86_64,
			    bool *kept_any)
{
	*this_cpu = e->other_generic ? e->host2_cpc : e->other_cpc;
	*any_x86_64 = e->other_generic ? e->other_cpc : e->host2_cpc;
	*kept_any = e->other_generic == e->kept_other;
}

double prof_experiment_ratio(const struct prof_experiment *e)
{
	if (e->other_generic || !e->median_ratio)
		return e->median_ratio;
	return 1 / e->median_ratio;
}

double prof_saved_cycles(void)
{
	double saved = 0, c;
	for (unsigned i = 1; i < prof_nfns; i++)
		if (prof_fn_saved(&prof_fns[i], &c))
			saved += c;
	return saved;
}
