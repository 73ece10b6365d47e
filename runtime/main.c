/*
 * bareflow-rt: JIT-compile a C program's LLVM bitcode for the CPU we run on
 * and run its main. The same static binary runs bare-metal under BareFlow
 * and as an ordinary Linux process.
 *
 *   bareflow-rt [--opt auto|0|1|2|3] [--verbose] [--report] [--profile FILE]
 *               FILE.bc... -- ARGV0 [ARGS...]
 *
 * Exit status: the program's own; 126 if its bitcode is malformed or cannot
 * be compiled; 127 if it uses a function or variable we do not provide;
 * 2 for a bad command line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime.h"

#define EXIT_USAGE 2
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NO_SYMBOL 127
#define OPT_AUTO 2 /* what "auto" means until tiered recompilation decides */

static const char usage[] =
    "usage: bareflow-rt [--opt auto|0|1|2|3] [--verbose] [--report] [--profile FILE]\n"
    "                   FILE.bc... -- ARGV0 [ARGS...]\n";

static struct {
	int opt;
	bool opt_auto, verbose, report;
	const char *profile;
	uint64_t start_ns, main_ns; /* runtime start; main entered */
	struct jit *jit;
} rt;

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static double ms(uint64_t ns) { return (double)ns / 1e6; }

/* A JSON string: quotes and backslashes escaped, control bytes as \u00XX. */
static void json_string(FILE *f, const char *s)
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

static void write_profile(int status)
{
	const struct jit_stats *s = jit_stats(rt.jit);
	FILE *f = fopen(rt.profile, "w");
	if (!f) {
		fprintf(stderr, "bareflow-rt: cannot write the profile to %s: %m\n", rt.profile);
		return;
	}
	fprintf(f, "{\n  \"cpu\": ");
	json_string(f, jit_cpu_name(rt.jit));
	fprintf(f, ",\n  \"features\": ");
	json_string(f, jit_cpu_features(rt.jit));
	fprintf(f, ",\n  \"opt\": %d,\n  \"opt_auto\": %s,\n", rt.opt, rt.opt_auto ? "true" : "false");
	fprintf(f, "  \"functions\": %u,\n  \"ir_instructions\": %lu,\n", s->functions, s->instructions);
	fprintf(f, "  \"load_us\": %lu,\n  \"optimize_us\": %lu,\n  \"codegen_us\": %lu,\n",
		(unsigned long)(s->load_ns / 1000), (unsigned long)(s->optimize_ns / 1000),
		(unsigned long)(s->codegen_ns / 1000));
	fprintf(f, "  \"compile_us\": %lu,\n  \"startup_us\": %lu,\n  \"run_us\": %lu,\n",
		(unsigned long)((s->optimize_ns + s->codegen_ns) / 1000),
		(unsigned long)((rt.main_ns - rt.start_ns) / 1000),
		(unsigned long)((now_ns() - rt.main_ns) / 1000));
	fprintf(f, "  \"exit_status\": %d\n}\n", status & 0xff);
	fclose(f);
}

static void print_report(int status)
{
	const struct jit_stats *s = jit_stats(rt.jit);
	uint64_t compile = s->optimize_ns + s->codegen_ns;
	fprintf(stderr, "bareflow-rt report\n");
	fprintf(stderr, "  %-22s %s\n", "cpu", jit_cpu_name(rt.jit));
	fprintf(stderr, "  %-22s %d%s\n", "optimization level", rt.opt, rt.opt_auto ? " (auto)" : "");
	fprintf(stderr, "  %-22s %u (%lu IR instructions)\n", "functions", s->functions,
		s->instructions);
	fprintf(stderr, "  %-22s %10.3f ms\n", "load and link", ms(s->load_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n", "optimize", ms(s->optimize_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n", "code generation", ms(s->codegen_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n", "compile per function",
		s->functions ? ms(compile) / s->functions : 0.0);
	fprintf(stderr, "  %-22s %10.3f ms\n", "start to main", ms(rt.main_ns - rt.start_ns));
	fprintf(stderr, "  %-22s %10.3f ms\n", "main to exit", ms(now_ns() - rt.main_ns));
	fprintf(stderr, "  %-22s %d\n", "exit status", status & 0xff);
}

/* Runs when the program exits, however it does (return from main or exit). */
static void finish(int status, void *arg)
{
	(void)arg;
	fflush(stdout);
	if (rt.report)
		print_report(status);
	if (rt.profile)
		write_profile(status);
}

static int usage_error(const char *why)
{
	fprintf(stderr, "bareflow-rt: %s\n%s", why, usage);
	return EXIT_USAGE;
}

int main(int argc, char **argv, char **envp)
{
	int i = 1, first_file;

	rt.start_ns = now_ns();
	rt.opt = OPT_AUTO, rt.opt_auto = true;
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--verbose")) {
			rt.verbose = true;
		} else if (!strcmp(a, "--report")) {
			rt.report = true;
		} else if (!strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "--profile") || !strcmp(a, "--opt")) {
			if (i + 1 == argc)
				return usage_error("an option needs a value");
			const char *v = argv[++i];
			if (a[2] == 'p') {
				rt.profile = v;
			} else if (!strcmp(v, "auto")) {
				rt.opt = OPT_AUTO, rt.opt_auto = true;
			} else if (v[0] >= '0' && v[0] <= '3' && !v[1]) {
				rt.opt = v[0] - '0', rt.opt_auto = false;
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
	if (i + 1 >= argc)
		return usage_error("no program name after \"--\"");

	char err[4096];
	rt.jit = jit_create(rt.opt, err, sizeof err);
	if (!rt.jit) {
		fprintf(stderr, "bareflow-rt: %s\n", err);
		return EXIT_CANNOT_EXECUTE;
	}
	if (rt.verbose)
		fprintf(stderr, "bareflow-rt: cpu %s, features %s\n", jit_cpu_name(rt.jit),
			jit_cpu_features(rt.jit));
	for (int f = first_file; f < i; f++)
		if (jit_add_file(rt.jit, argv[f])) {
			fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
			return EXIT_CANNOT_EXECUTE;
		}
	size_t nsyms;
	const struct jit_symbol *syms = runtime_symbols(&nsyms);
	int r = jit_provide(rt.jit, syms, nsyms);
	void *entry;
	r = jit_compile(rt.jit, "main", &entry);
	if (r) {
		fprintf(stderr, "bareflow-rt: %s\n", jit_error(rt.jit));
		return r == JIT_ENOSYM ? EXIT_NO_SYMBOL : EXIT_CANNOT_EXECUTE;
	}
	const struct jit_stats *s = jit_stats(rt.jit);
	if (rt.verbose)
		fprintf(stderr,
			"bareflow-rt: %u functions at -O%d: load %.3f ms, optimize %.3f ms, "
			"codegen %.3f ms\n",
			s->functions, rt.opt, ms(s->load_ns), ms(s->optimize_ns), ms(s->codegen_ns));
	on_exit(finish, NULL);
	int (*program)(int, char **, char **) = (int (*)(int, char **, char **))entry;
	rt.main_ns = now_ns();
	exit(program(argc - i - 1, argv + i + 1, envp));
}
