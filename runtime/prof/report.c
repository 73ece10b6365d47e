/* The profile at exit: a table for people (--report) and JSON (--profile). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof.h"

static int by_cycles(const void *a, const void *b)
{
	const struct prof_fn *x = &prof_fns[*(const unsigned *)a],
			     *y = &prof_fns[*(const unsigned *)b];
	if (x->cycles != y->cycles)
		return x->cycles < y->cycles ? 1 : -1;
	return x->calls < y->calls ? 1 : x->calls > y->calls ? -1 : 0;
}

/* Function numbers, most cycles first; *n of them. */
static unsigned *sorted(unsigned *n)
{
	unsigned *order = malloc((prof_nfns + 1) * sizeof *order);
	*n = 0;
	if (!order)
		return NULL;
	for (unsigned i = 1; i < prof_nfns; i++)
		order[(*n)++] = i;
	qsort(order, *n, sizeof *order, by_cycles);
	return order;
}

/* Whether the code in f's slot still counts calls and cycles. */
static bool counting(const struct prof_fn *f)
{
	const struct prof_version *v = prof_in_slot(f);
	return !v || v->counted;
}

static void history(const struct prof_fn *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "0");
	for (unsigned k = 0; k < f->nversions && n > 0 && (size_t)n < len; k++) {
		const struct prof_version *v = &f->versions[k];
		if (v->osr)
			n += snprintf(buf + n, len - (size_t)n,
				      ", OSR in call %llu at block %u (-O%d)",
				      (unsigned long long)v->installed_at_call, v->loop,
				      jit_tier_opt(v->tier));
		else if (v->fallback)
			n += snprintf(buf + n, len - (size_t)n,
				      ", generic -O3 for the misses from call %llu%s",
				      (unsigned long long)v->installed_at_call,
				      v->cached ? " (cached)" : "");
		else
			n += snprintf(buf + n, len - (size_t)n, " -> %d@call %llu (%s-O%d%s%s",
				      v->tier, (unsigned long long)v->installed_at_call,
				      v->cached ? "cached " : "", jit_tier_opt(v->tier),
				      v->generic_cpu ? " for any x86-64" : "",
				      v->tier == 2 && !v->counted ? ", uncounted" : "");
		for (unsigned s = 0; s < v->nspec && n > 0 && (size_t)n < len; s++)
			n += snprintf(buf + n, len - (size_t)n, "%sarg%u=%lld", s ? "," : ", ",
				      v->spec_arg[s], (long long)v->spec_value[s]);
		if (!v->osr && !v->fallback && n > 0 && (size_t)n < len)
			n += snprintf(buf + n, len - (size_t)n, ")");
	}
	const struct prof_experiment *e = &f->experiment;
	double here, any;
	bool kept_any;
	prof_experiment_result(e, &here, &any, &kept_any);
	if (e->other && e->host2_cpc && n > 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n,
			      "; measured: %.0f cycles a call for this CPU, %.0f for any x86-64: "
			      "kept %s",
			      here, any, kept_any ? "any x86-64's" : "this CPU's");
	if (!f->fn->managed && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " (not recompiled: %s)", f->fn->unmanaged);
}

void prof_table(FILE *out, unsigned max_rows)
{
	unsigned n;
	unsigned *order = sorted(&n);
	uint64_t total = 0;
	char hist[1024];
	if (!order)
		return;
	for (unsigned i = 0; i < prof_nfns; i++)
		total += prof_fns[i].cycles;
	double cpms = prof_cycles_per_ns() * 1e6;
	fprintf(out, "  %-24s %12s %14s %8s %5s %9s %9s  %s\n", "function", "calls", "loop iter.",
		"cycles", "tier", "compile", "saved", "tier history (guard misses)");
	for (unsigned r = 0; r < n && r < max_rows; r++) {
		const struct prof_fn *f = &prof_fns[order[r]];
		if (!f->calls && !f->cycles)
			continue;
		history(f, hist, sizeof hist);
		char calls[32];
		snprintf(calls, sizeof calls, "%llu%s", (unsigned long long)f->calls,
			 counting(f) ? "" : "+");
		uint64_t compile_ns = 0;
		for (unsigned k = 0; k < f->nversions; k++)
			compile_ns += f->versions[k].compile_ns;
		char saved[32] = "-";
		double c;
		if (!prof_fn_saved(f, &c))
			snprintf(saved, sizeof saved, "?");
		else if (f->nversions)
			snprintf(saved, sizeof saved, "%.1fms", c / cpms);
		fprintf(out, "  %-24.24s %12s %14llu %7.2f%% %5d %7.1fms %9s  %s", f->fn->name,
			calls, (unsigned long long)f->loops,
			total ? 100.0 * (double)f->cycles / (double)total : 0.0, f->tier,
			(double)compile_ns / 1e6, saved, hist);
		if (f->guard_misses)
			fprintf(out, " (%llu)", (unsigned long long)f->guard_misses);
		fputc('\n', out);
	}
	if (n > max_rows)
		fprintf(out, "  ... %u more functions\n", n - max_rows);
	bool plus = false;
	for (unsigned r = 0; r < n; r++)
		plus |= !counting(&prof_fns[order[r]]) && prof_fns[order[r]].calls;
	fprintf(out, "  %-24s %12s %14s %7.2f%%\n", "(the runtime: compiling)", "", "",
		total ? 100.0 * (double)prof_fns[0].cycles / (double)total : 0.0);
	if (plus)
		fprintf(
		    out,
		    "  N+: counted until an uncounted -O3 version went in (one averaging under "
		    "%llu\n"
		    "  cycles a call, where counting would cost more than the work); its later\n"
		    "  cycles are its callers'.\n",
		    (unsigned long long)prof_default_policy.counted_min);
	fprintf(out,
		"  saved: the calls since the function's first recompile, at its tier-0 cycles per\n"
		"  call (with its callees' while all their cycles are its code's: inlined, or\n"
		"  counting nothing), less the cycles they took. An estimate that leaves out\n"
		"  OSR code, code that counts nothing (?), and the times when only some of its\n"
		"  callees' cycles were its code's.\n");
	free(order);
}

void prof_json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void prof_json_functions(FILE *out)
{
	unsigned n;
	unsigned *order = sorted(&n);
	fprintf(out, "  \"functions\": [");
	for (unsigned r = 0; order && r < n; r++) {
		const struct prof_fn *f = &prof_fns[order[r]];
		fprintf(out, "%s\n    {\"name\": ", r ? "," : "");
		prof_json_string(out, f->fn->name);
		fprintf(out,
			", \"calls\": %llu, \"cycles\": %llu, \"tier0_inclusive_cycles\": %llu, "
			"\"counted_to_exit\": %s, "
			"\"loop_iterations\": %llu, \"tier\": %d, "
			"\"recompiled\": %s, \"guard_misses\": %llu,\n     \"versions\": [",
			(unsigned long long)f->calls, (unsigned long long)f->cycles,
			(unsigned long long)f->inclusive, counting(f) ? "true" : "false",
			(unsigned long long)f->loops, f->tier, f->fn->managed ? "true" : "false",
			(unsigned long long)f->guard_misses);
		for (unsigned k = 0; k < f->nversions; k++) {
			const struct prof_version *v = &f->versions[k];
			fprintf(out,
				"%s\n       {\"tier\": %d, \"opt\": %d, \"cpu\": \"%s\", "
				"\"specialization\": ",
				k ? "," : "", v->tier, jit_tier_opt(v->tier),
				v->generic_cpu ? "x86-64" : "host");
			if (!v->nspec)
				fprintf(out, "null");
			for (unsigned s = 0; s < v->nspec; s++)
				fprintf(out, "%s{\"arg\": %u, \"value\": %lld}%s", s ? ", " : "[",
					v->spec_arg[s], (long long)v->spec_value[s],
					s + 1 == v->nspec ? "]" : "");
			fprintf(out, ", \"osr_block\": ");
			if (v->osr)
				fprintf(out, "%u", v->loop);
			else
				fprintf(out, "null");
			fprintf(out,
				", \"counted\": %s, \"fallback\": %s, \"cached\": %s, "
				"\"compile_ms\": %.3f, \"code\": \"%#lx\", \"installed_at_call\": %llu}",
				v->counted ? "true" : "false", v->fallback ? "true" : "false",
				v->cached ? "true" : "false", (double)v->compile_ns / 1e6,
				(unsigned long)(uintptr_t)v->code,
				(unsigned long long)v->installed_at_call);
		}
		fprintf(out, "%s]", f->nversions ? "\n     " : "");
		const struct prof_experiment *e = &f->experiment;
		double here, any;
		bool kept_any;
		prof_experiment_result(e, &here, &any, &kept_any);
		if (e->other && e->host2_cpc)
			fprintf(out,
				",\n     \"cpu_experiment\": {\"host_cycles_per_call\": %.0f, "
				"\"x86_64_cycles_per_call\": %.0f, \"rounds\": %d, "
				"\"paired_ratio\": %.4f, \"kept\": \"%s\"}",
				here, any, e->rounds, prof_experiment_ratio(e),
				kept_any ? "x86-64" : "host");
		fprintf(out, "}");
	}
	fprintf(out, "\n  ]");
	free(order);
}
