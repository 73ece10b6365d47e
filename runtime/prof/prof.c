/*
 * The tier policy: what to compile when a function's counters reach their
 * triggers, and installing the result in its slot.
 *
 * Compiling is synchronous, on the program's own thread: BareFlow gives a
 * program one CPU, so a background compiler thread would only take turns
 * with it. The call that reached the trigger waits for the compile and
 * then runs the new code (tier 0 and 1 tail-call the slot again).
 *
 * Old code is kept: a frame may still be running it (main stays in its
 * tier-0 frame while OSR code runs above it; recursion; a libc callback in
 * progress), and telling would take a stack walk through code without
 * frame pointers. Each function has at most a tier-1, a tier-2 (plus its
 * specialized clone) and one OSR version per loop header, so what is kept
 * is bounded by the program's size.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "prof.h"

const struct prof_policy prof_default_policy = {
    .calls1 = 200,
    .loops1 = 2000,
    .calls2 = 5000,
    .loops2 = 15000,
    .min_samples = 16,
    .dominance_pct = 90,
    .counted_min = 2000,
};

struct prof_fn *prof_fns;
unsigned prof_nfns;
uint32_t prof_current;
uint64_t prof_stamp;

static struct {
	struct jit *jit;
	struct prof_policy policy;
	bool verbose;
	uint64_t compile_ns;
	uint64_t tsc0, ns0;	       /* for cycles per nanosecond */
	uint64_t top_ns, top_compiles; /* -O3 compile times so far */
} P;

/* The runtime's own work (compiling) is function 0's time, not that of the
 * function that happened to be running: */
static uint64_t runtime_enter(void)
{
	uint64_t now = rt_cycles();
	prof_fns[prof_current].cycles += now - prof_stamp;
	prof_stamp = now;
	return now;
}

void prof_settle(void)
{
	if (!prof_fns)
		return;
	if (!prof_stamp) /* the first time: counting starts now */
		prof_stamp = rt_cycles();
	runtime_enter();
}

static void runtime_leave(void)
{
	uint64_t now = rt_cycles();
	prof_fns[0].cycles += now - prof_stamp;
	prof_stamp = now;
}

/* What an -O3 compile is expected to cost, in cycles: the mean so far, or
 * 10 ms before the first. */
static uint64_t top_compile_cycles(uint64_t now)
{
	uint64_t ns = P.top_compiles ? P.top_ns / P.top_compiles : 10000000;
	uint64_t dns = rt_now_ns() - P.ns0, dtsc = now - P.tsc0;
	return dns ? (uint64_t)((double)ns * ((double)dtsc / (double)dns)) : ns;
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
	int err = jit_prepare(j, &fns, &n);
	if (err)
		return err;
	prof_fns = calloc(n + 1, sizeof *prof_fns);
	if (!prof_fns)
		return JIT_EINTERNAL;
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

void prof_probes(struct jit_probes *p)
{
	p->fns = prof_fns;
	p->fn_size = sizeof *prof_fns;
	p->current = &prof_current;
	p->stamp = &prof_stamp;
	p->hot = (void *)prof_hot;
	p->osr = (void *)prof_osr;
}

static double ms(uint64_t ns)
{
	return (double)ns / 1e6;
}

static struct prof_version *new_version(struct prof_fn *f)
{
	if (f->nversions == PROF_MAX_VERSIONS)
		return NULL;
	struct prof_version *v = &f->versions[f->nversions++];
	memset(v, 0, sizeof *v);
	return v;
}

/* Tier 2's specialization: the integer arguments one value dominated
 * while tier 1 profiled them. */
static void choose_specialization(struct prof_fn *f, struct jit_request *r)
{
	for (unsigned k = 0; k < f->fn->nparams && k < PROF_MAX_ARGS; k++) {
		const struct prof_arg *a = &f->args[k];
		if (!(f->fn->int_params >> k & 1) || a->same < P.policy.min_samples)
			continue;
		if (a->same * 100 < (a->same + a->other) * P.policy.dominance_pct)
			continue;
		r->spec_arg[r->nspec] = k;
		r->spec_value[r->nspec++] = a->value;
	}
}

/* Record the code compiled for r as f's newest version and put it in f's
 * slot, from the call that asked for it on (that call not counted yet). */
static void install(struct prof_fn *f, const struct jit_request *r, void *code, uint64_t ns)
{
	struct prof_version *v = new_version(f);
	if (v) {
		v->tier = r->tier;
		v->nspec = r->nspec;
		memcpy(v->spec_arg, r->spec_arg, sizeof v->spec_arg);
		memcpy(v->spec_value, r->spec_value, sizeof v->spec_value);
		v->compile_ns = ns;
		v->installed_at_call = f->calls + 1;
		v->code = code;
		v->counted = r->tier == 1 || r->counted;
	}
	atomic_store_explicit((_Atomic(void *) *)&f->code, code, memory_order_release);
	if (r->tier == 2 && !r->counted && !r->nspec)
		f->calls++; /* the new code will not count the call itself (a guard would) */
}

/* What r asks for, for the log: "-O3, specialized: arg3=96". */
static void describe(const struct jit_request *r, char *buf, size_t len)
{
	int n = snprintf(buf, len, "-O%d", r->tier == 1 ? 2 : 3);
	for (unsigned k = 0; k < r->nspec && n > 0 && (size_t)n < len; k++)
		n += snprintf(buf + n, len - (size_t)n, "%s arg%u=%lld",
			      k ? "," : ", specialized:", r->spec_arg[k],
			      (long long)r->spec_value[k]);
}

static void hot(uint32_t i);
static void despecialize(struct prof_fn *f, uint32_t i);

void prof_hot(uint32_t i)
{
	runtime_enter();
	hot(i);
	runtime_leave();
}

static void hot(uint32_t i)
{
	struct prof_fn *f = &prof_fns[i];
	char what[160];

	if (!f->fn->managed) {
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		return;
	}
	if (f->tier >= 2) { /* only a guard calls now, for a call not counted yet */
		/* a specialization guard's misses: if other values have become
		 * common, the generic -O3 code replaces the guard */
		uint64_t since = f->calls - f->spec_calls;
		if (!f->miss_trigger || f->guard_misses * 4 < since) {
			f->miss_trigger = f->miss_trigger && f->miss_trigger < PROF_NEVER / 2
					      ? f->miss_trigger * 2
					      : PROF_NEVER;
			return;
		}
		f->miss_trigger = PROF_NEVER;
		despecialize(f, i);
		return;
	}
	uint64_t call = f->calls--; /* this call's number; it runs again, through the slot */
	if (f->tier == 1 && call < P.policy.calls2 &&
	    f->calls - f->tier1_calls < P.policy.min_samples) {
		/* hot by its loops, but its arguments are not profiled enough
		 * yet: again when they are (this call counts itself again) */
		f->call_trigger = f->tier1_calls + P.policy.min_samples + 1;
		f->loop_trigger = PROF_NEVER;
		return;
	}
	struct jit_request r = {.fn = i - 1, .tier = f->tier + 1};
	if (r.tier == 2) {
		uint64_t calls = f->calls - f->tier1_calls;
		r.counted = calls && (f->cycles - f->tier1_cycles) / calls >= P.policy.counted_min;
		choose_specialization(f, &r);
		r.fallback = f->tier1_code;
	}
	void *code;
	uint64_t ns = 0;
	int err = jit_compile_version(P.jit, &r, &code, &ns);
	P.compile_ns += ns;
	if (!err && r.tier == 2)
		P.top_ns += ns, P.top_compiles++;
	if (err) {
		fprintf(stderr,
			"bareflow-rt: cannot recompile %s at tier %d, so it keeps its tier-%d "
			"code: %s\n",
			f->fn->name, r.tier, f->tier, jit_error(P.jit));
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		return;
	}
	if (P.verbose) {
		describe(&r, what, sizeof what);
		fprintf(stderr,
			"bareflow-rt: tier-up %s: tier %d -> %d (%s) from call %llu (%llu loop "
			"iterations), compiled in %.2f ms\n",
			f->fn->name, f->tier, r.tier, what, (unsigned long long)f->calls + 1,
			(unsigned long long)f->loops, ms(ns));
	}
	install(f, &r, code, ns);
	f->tier = r.tier;
	if (r.tier == 1) {
		f->tier1_calls = f->calls;
		f->tier1_cycles = f->cycles;
		f->tier1_code = code;
		f->call_trigger = P.policy.calls2;
		f->loop_trigger = P.policy.loops2;
	} else {
		f->call_trigger = f->loop_trigger = PROF_NEVER;
		f->spec_calls = f->calls;
		f->miss_trigger = P.policy.calls2; /* look at the misses after this many */
	}
}

static void *osr(uint32_t i, uint32_t loop, uint64_t now);

void *prof_osr(uint32_t i, uint32_t loop)
{
	uint64_t now = runtime_enter();
	void *code = osr(i, loop, now);
	runtime_leave();
	return code;
}

/* OSR pays when the loop will run longer than compiling it takes, which
 * cannot be known; so, as in renting skis until their price is spent, it
 * is compiled once the function has run as long as a compile is expected
 * to take, which costs at most twice the best choice made in hindsight. */
static void *osr(uint32_t i, uint32_t loop, uint64_t now)
{
	struct prof_fn *f = &prof_fns[i];
	for (unsigned k = 0; k < f->nversions; k++)
		if (f->versions[k].osr && f->versions[k].loop == loop)
			return f->versions[k].code;
	for (unsigned k = 0; k < f->nunfit; k++)
		if (f->unfit[k] == loop) {
			f->osr_trigger = f->loops * 2; /* back off */
			return NULL;
		}
	if (f->cycles < top_compile_cycles(now)) {
		f->osr_trigger = f->loops * 2; /* not yet worth it: look again later */
		return NULL;
	}
	struct prof_version *v = new_version(f);
	if (!v) {
		f->osr_trigger = PROF_NEVER;
		return NULL;
	}
	void *code;
	uint64_t ns = 0;
	int err = jit_compile_osr(P.jit, i - 1, loop, &code, &ns);
	P.compile_ns += ns;
	if (!err)
		P.top_ns += ns, P.top_compiles++;
	if (err) {
		f->nversions--;
		if (err != JIT_EUNFIT)
			fprintf(stderr,
				"bareflow-rt: cannot compile %s's loop (block %u) for OSR: %s\n",
				f->fn->name, loop, jit_error(P.jit));
		else if (P.verbose)
			fprintf(stderr, "bareflow-rt: no OSR for %s's loop at block %u: %s\n",
				f->fn->name, loop, jit_error(P.jit));
		if (f->nunfit < sizeof f->unfit / sizeof f->unfit[0])
			f->unfit[f->nunfit++] = loop;
		f->osr_trigger = f->loops * 2;
		return NULL;
	}
	v->tier = 2;
	v->osr = true;
	v->loop = loop;
	v->compile_ns = ns;
	v->installed_at_call = f->calls;
	v->code = code;
	if (P.verbose)
		fprintf(stderr,
			"bareflow-rt: OSR %s: tier 0 -> 2 (-O3) in the loop at block %u, in call "
			"%llu after %llu loop iterations, compiled in %.2f ms\n",
			f->fn->name, loop, (unsigned long long)f->calls,
			(unsigned long long)f->loops, ms(ns));
	return code;
}

/* The guard of a specialized version has missed on at least a quarter of
 * the calls since it went in: the values have changed for good, so the
 * function gets generic -O3 code without a guard. */
static void despecialize(struct prof_fn *f, uint32_t i)
{
	struct jit_request r = {.fn = i - 1, .tier = 2};
	void *code;
	uint64_t ns = 0;
	const struct prof_version *last = f->nversions ? &f->versions[f->nversions - 1] : NULL;
	r.counted = last && last->counted;
	int err = jit_compile_version(P.jit, &r, &code, &ns);
	P.compile_ns += ns;
	if (err) {
		fprintf(stderr,
			"bareflow-rt: cannot recompile %s without its specialization, so it "
			"keeps its guard: %s\n",
			f->fn->name, jit_error(P.jit));
		return;
	}
	if (P.verbose)
		fprintf(stderr,
			"bareflow-rt: tier-up %s: tier 2 -> 2 (-O3, generic: %llu of %llu calls "
			"missed the specialization) from call %llu, compiled in %.2f ms\n",
			f->fn->name, (unsigned long long)f->guard_misses,
			(unsigned long long)(f->calls - f->spec_calls),
			(unsigned long long)f->calls + 1, ms(ns));
	install(f, &r, code, ns);
}
