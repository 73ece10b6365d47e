/*
 * The policy's compiles as jobs for the compile queue (queue.h): marking
 * their functions pending, compiling them through jit/ (with the jit
 * lock), and giving their triggers back before the policy installs the
 * code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "internal.h"

struct prof_job *prof_new_job(void)
{
	return calloc(1, sizeof(struct prof_job));
}

/* A compile's time is what it cost the machine: in the background, where
 * the program's threads and others take turns with it, the compiler
 * thread's CPU time, not the wall time jit/ measures (under load that was
 * several times more, and the cost model then put tier-ups off); and the
 * time it waited for the compile server (cpu counts it), which is the
 * host's CPU time, and which a job waiting behind it waits for too. */
static void cpu_time_only(struct prof_job *job, uint64_t wall, uint64_t cpu)
{
	if (!job->q.background || cpu >= wall)
		return;
	for (size_t b = 0; b < job->n; b++)
		job->ns[b] = (uint64_t)((double)job->ns[b] * (double)cpu / (double)wall);
}

/* What who[0]'s code, compiled alone, still calls. */
static void take_calls(struct prof_job *job)
{
	const unsigned char *calls = jit_version_calls(P.jit);
	size_t n = prof_nfns - 1;
	struct prof_calls *c = &job->calls;
	c->known = calls && !(calls[n] & JIT_CALLS_NOT_KNOWN);
	c->indirect = calls && (calls[n] & JIT_CALLS_THROUGH_POINTER);
	c->n = 0;
	for (size_t k = 0; c->known && k < n; k++) {
		if (!calls[k])
			continue;
		if (c->n == PROF_CALLS_MAX)
			c->known = false;
		else
			c->fn[c->n++] = (uint32_t)k;
	}
}

/* A batch that fails is compiled again as who[0] alone. */
static void compile_now(struct prof_job *job)
{
	for (size_t b = 0; !job->osr && b < job->n; b++) /* made now, or never */
		jit_expect(P.jit, &job->r[b], false);
	if (job->code[0])
		return; /* compiled before: the generic code a guard's job reuses, or a
			 * forked child's job that its parent compiled */
	if (job->osr) {
		/* what it inlined only for --log-tiers, which prints it */
		job->err = jit_compile_osr(P.jit, job->r[0].fn, job->loop, job->r[0].tier,
					   &job->code[0], &job->ns[0], job->inlined,
					   P.verbose ? sizeof job->inlined : 0);
		if (job->err)
			snprintf(job->error, sizeof job->error, "%s", jit_error(P.jit));
		return;
	}
	/* a request that waited in the queue while its values changed is
	 * compiled generic: its guard would send every call to the old code */
	for (size_t b = 0; b < job->n; b++)
		if (prof_spec_stale(job, b)) {
			job->r[b].nspec = 0;
			job->unspecialized[b] = true;
		}
	if (job->n == 1) {
		job->err = jit_compile_version(P.jit, job->r, job->code, job->ns);
	} else if ((job->err = jit_compile_versions(P.jit, job->r, job->n, job->code, job->ns))) {
		uint64_t spent = 0;
		for (size_t b = 0; b < job->n; b++)
			spent += job->ns[b], job->ns[b] = 0;
		snprintf(job->error, sizeof job->error, "%s", jit_error(P.jit));
		job->alone = true;
		job->err = jit_compile_version(P.jit, job->r, job->code, job->ns);
		job->ns[0] += spent;
	}
	if (job->err)
		snprintf(job->error, sizeof job->error, "%s", jit_error(P.jit));
	else if (job->n == 1 || job->alone)
		take_calls(job);
}

/* The compile (the jit lock held). */
static void compile(struct queue_job *q)
{
	struct prof_job *job = (struct prof_job *)q;
	uint64_t wall = rt_now_ns(), cpu = rt_thread_cpu_ns();
	uint64_t away = jit_stats(P.jit)->remote_wait_ns;
	if (!jit_compiles_remotely(P.jit))
		queue_compiling_here();
	compile_now(job);
	q->away_ns = jit_stats(P.jit)->remote_wait_ns - away;
	if (!jit_compiles_remotely(P.jit)) /* the server went during this one */
		queue_compiling_here();
	cpu_time_only(job, rt_now_ns() - wall, rt_thread_cpu_ns() - cpu + q->away_ns);
}

static void install(struct queue_job *q)
{
	struct prof_job *job = (struct prof_job *)q;
	for (size_t b = 0; b < job->n; b++) {
		struct prof_fn *g = &prof_fns[job->who[b]];
		if (job->osr) {
			/* its trigger stays off until osr_done sets it, on
			 * every path: the one from before the compile, back in
			 * the meantime, let a header into the runtime, where it
			 * waited for the lock and entered the code at the very
			 * count osr_done gives as the install's */
			g->osr_pending = false;
			continue;
		}
		g->pending = false;
		g->call_trigger = job->trigger[b][0];
		g->loop_trigger = job->trigger[b][1];
		P.compile_ns += job->ns[b];
	}
	if (job->osr)
		P.compile_ns += job->ns[0];
	if (job->alone) {
		if (P.verbose)
			prof_say("bareflow-rt: a batch of %zu failed (%s); %s alone\n", job->n,
				 job->error, prof_fns[job->who[0]].fn->name);
		/* which member LLVM rejected is not known: each goes on alone,
		 * or the one rejected would fail every batch it joined */
		for (size_t b = 1; b < job->n; b++)
			prof_fns[job->who[b]].solo = true;
		job->n = 1;
	}
	job->done(job);
}

/*
 * The order of the jobs waiting for the compiler thread. While a job
 * waits, its functions run on in slower code; the thread takes first the
 * job whose wait costs the most per unit of the compile time it takes
 * (Smith's rule for weighted waiting times): the cycles a ns its functions
 * ran in the code it replaces since the queue last looked (a compile ago,
 * or since it was asked for: a helper of the program's first phase,
 * asked for then, is no longer urgent in the next), times the share of
 * them its code is expected to save, over its predicted compile. OSR
 * first of all: only its code can end a tier-0 loop in the call that
 * asked (a compressor's OSR waited for five tier-ups of its helpers, and
 * its one long call ran at tier 0 to the end); and code compiled before
 * costs no compile.
 */
static bool first_of_all(const struct prof_job *job)
{
	return job->osr || job->code[0]; /* code[0]: compile_now's "compiled before" */
}

static double urgency(struct queue_job *q)
{
	struct prof_job *job = (struct prof_job *)q;
	if (first_of_all(job))
		return HUGE_VAL;
	double spent = 0;
	for (size_t b = 0; b < job->n; b++) {
		uint64_t now = prof_spent_cycles(&prof_fns[job->who[b]]);
		if (now > job->seen_spent[b]) /* not when its slot changed since */
			spent += (double)(now - job->seen_spent[b]);
		job->seen_spent[b] = now;
	}
	uint64_t now = rt_now_ns();
	double waited = (double)(now - job->seen_ns) + 1;
	job->seen_ns = now;
	return spent / waited * job->gain / job->predicted_ns;
}

/* The compile's prediction again: at the submission, the compiler thread
 * held the jit lock mostly, and the size was the function's own, not the
 * callees its version inlines (a 100 ms compile of a JPEG encoder's block
 * loop, predicted at 12, went before a decoder's helpers, which waited for
 * it). Found once, the size stays; the cost's scale is the latest. */
static void reprice(struct queue_job *q)
{
	struct prof_job *job = (struct prof_job *)q;
	if (!first_of_all(job))
		job->predicted_ns = prof_predict_job_ns(job);
}

void prof_submit(struct prof_job *job)
{
	job->seen_ns = job->asked_ns = rt_now_ns();
	if (!first_of_all(job)) /* urgency's figures */
		job->predicted_ns = prof_predict_job_ns(job);
	for (size_t b = 0; b < job->n; b++) {
		struct prof_fn *g = &prof_fns[job->who[b]];
		job->seen_spent[b] = prof_spent_cycles(g);
		job->asked_calls[b] = g->calls;
		job->asked_loops[b] = g->loops;
		if (job->may_generalize) /* prof_spec_stale's "then" */
			memcpy(job->asked_args[b], g->args, sizeof g->args);
		if (job->osr) {
			g->osr_pending = true;
			g->osr_trigger = PROF_NEVER;
			continue;
		}
		g->pending = true;
		jit_expect(P.jit, &job->r[b], true);
		job->trigger[b][0] = g->call_trigger;
		job->trigger[b][1] = g->loop_trigger;
		g->call_trigger = g->loop_trigger = PROF_NEVER;
	}
	job->q.compile = compile;
	job->q.install = install;
	job->q.urgency = urgency;
	job->q.reprice = reprice;
	queue_submit(&job->q);
}

void prof_job_times(const struct prof_job *job, char *buf, size_t size)
{
	uint64_t now = rt_now_ns(), asked = job->asked_ns;
	snprintf(buf, size, " (asked at %.1f ms, in at %.1f ms)",
		 prof_ms(asked > P.main_ns ? asked - P.main_ns : 0),
		 prof_ms(now > P.main_ns ? now - P.main_ns : 0));
}

enum prof_place prof_job_place(const struct prof_job *job, size_t b)
{
	return b == 0 && job->call_pending && !job->q.background ? PROF_SLOT_CALL_PENDING
								 : PROF_SLOT;
}
