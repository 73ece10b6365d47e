/* The map of the JIT's code (codemap.h). */
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../kernel/include/jitmap.h"
#include "codemap.h"
#include "gdbjit.h"

/* Read by the kernel from this process's memory: it must keep this name
 * and layout (jitmap.h). */
struct jitmap bareflow_jitmap __attribute__((used)) = {JITMAP_MAGIC, 0, 0};

/* What the label is made from, per entry. */
enum kind { PLAIN, TIER0, TIER1, TIER2, TIER2_SPEC, TIER2_GUARD, OSR };

struct meta {
	enum kind kind;
	unsigned serial;	 /* the version's number (.vN) */
	unsigned loop;		 /* OSR: its loop header */
	bool written;		 /* to the perf map */
	bool final;		 /* its label will not change */
	char base[JITMAP_LABEL]; /* the function's name */
};

static struct {
	struct jitmap_entry *e;
	struct meta *m;
	size_t cap;
	FILE *perf;
	bool gdb; /* tell gdb too (gdbjit.h) */
} M;

/* NAME.SUFFIX[.vN] -> base name (without the JIT's ".bfl" for a static
 * function), kind, serial, loop. */
static void parse(const char *sym, struct meta *m)
{
	size_t n = strlen(sym);
	const char *v = NULL, *k;
	m->kind = PLAIN;
	/* ".vN" at the end */
	const char *dot = strrchr(sym, '.');
	if (dot && dot[1] == 'v' && dot[2] && strspn(dot + 2, "0123456789") == strlen(dot + 2)) {
		v = dot;
		m->serial = (unsigned)strtoul(dot + 2, NULL, 10);
	}
	size_t end = v ? (size_t)(v - sym) : n;
	for (k = sym + end; k > sym && k[-1] != '.'; k--)
		;
	size_t klen = (size_t)(sym + end - k);
	if (k > sym) {
		if (!v && klen == 3 && !strncmp(k, "bf0", 3))
			m->kind = TIER0;
		else if (v && klen == 3 && !strncmp(k, "bf1", 3))
			m->kind = TIER1;
		else if (v && klen == 3 && !strncmp(k, "bf2", 3))
			m->kind = TIER2;
		else if (v && klen == 4 && !strncmp(k, "bf2s", 4))
			m->kind = TIER2_SPEC;
		else if (v && klen == 4 && !strncmp(k, "bf2g", 4))
			m->kind = TIER2_GUARD;
		else if (v && klen > 3 && !strncmp(k, "osr", 3) &&
			 strspn(k + 3, "0123456789") == klen - 3) {
			m->kind = OSR;
			m->loop = (unsigned)strtoul(k + 3, NULL, 10);
		}
	}
	size_t blen = m->kind == PLAIN ? n : (size_t)(k - 1 - sym);
	if (blen > 4 && !strncmp(sym + blen - 4, ".bfl", 4))
		blen -= 4;
	snprintf(m->base, sizeof m->base, "%.*s", (int)blen, sym);
}

/* The label of an entry, with what r says when it is known. */
static void label(char *out, const struct meta *m, const struct jit_request *r, bool fallback)
{
	static const char *const what[] = {"",	     "tier 0",	     "tier 1", "tier 2",
					   "tier 2", "tier 2 guard", "OSR"};
	int n;
	if (m->kind == PLAIN) {
		snprintf(out, JITMAP_LABEL, "%s", m->base);
		return;
	}
	if (m->kind == OSR)
		n = snprintf(out, JITMAP_LABEL, "%s [OSR at block %u", m->base, m->loop);
	else
		n = snprintf(out, JITMAP_LABEL, "%s [%s", m->base, what[m->kind]);
	if (r && r->generic_cpu && n > 0 && n < JITMAP_LABEL)
		n += snprintf(out + n, JITMAP_LABEL - (size_t)n, " for any x86-64");
	if (fallback && n > 0 && n < JITMAP_LABEL)
		n += snprintf(out + n, JITMAP_LABEL - (size_t)n, ", generic");
	for (unsigned k = 0; r && k < r->nspec && n > 0 && n < JITMAP_LABEL; k++) {
		long long v = (long long)r->spec_value[k];
		/* an address (or a value as large) in hex */
		n += snprintf(out + n, JITMAP_LABEL - (size_t)n,
			      v > 0xffffffffll || v < -0xffffffffll ? ", arg%u=%#llx"
								    : ", arg%u=%lld",
			      r->spec_arg[k], v);
	}
	if (n > 0 && n < JITMAP_LABEL)
		snprintf(out + n, JITMAP_LABEL - (size_t)n, "]");
}

static void write_perf(size_t i)
{
	if (!M.perf || M.m[i].written)
		return;
	M.m[i].written = true;
	fprintf(M.perf, "%lx %lx %s\n", (unsigned long)M.e[i].start, (unsigned long)M.e[i].size,
		M.e[i].label);
	fflush(M.perf);
}

static void add(void *ctx, uint64_t start, uint64_t size, const char *symbol)
{
	(void)ctx;
	size_t n = bareflow_jitmap.count;
	if (n == M.cap) {
		size_t cap = M.cap ? 2 * M.cap : 16;
		struct jitmap_entry *e = malloc(cap * sizeof *e);
		struct meta *m = realloc(M.m, cap * sizeof *m);
		if (!e || !m) {
			free(e);
			if (m)
				M.m = m;
			return;
		}
		if (n)
			memcpy(e, M.e, n * sizeof *e);
		/* the old array is never freed: a fault report (the kernel's,
		 * or another thread's signal handler) may still be reading
		 * it. Doubling keeps all of them within twice the last. */
		atomic_store_explicit((_Atomic uint64_t *)&bareflow_jitmap.entries,
				      (uint64_t)(uintptr_t)e, memory_order_release);
		M.e = e;
		M.m = m;
		M.cap = cap;
	}
	struct meta *m = &M.m[n];
	memset(m, 0, sizeof *m);
	parse(symbol, m);
	M.e[n].start = start;
	M.e[n].size = size;
	label(M.e[n].label, m, NULL, false);
	/* a tier-2 version's label awaits codemap_version */
	m->final = m->kind != TIER2 && m->kind != TIER2_SPEC && m->kind != TIER2_GUARD;
	atomic_store_explicit((_Atomic uint64_t *)&bareflow_jitmap.count, n + 1,
			      memory_order_release);
	if (m->final)
		write_perf(n);
	if (M.gdb)
		gdbjit_add(start, size, m->base);
}

/* Whether entry i is version `serial` of the function named base, of kind k. */
static bool is(size_t i, const char *base, unsigned serial, enum kind k)
{
	return M.m[i].kind == k && M.m[i].serial == serial && !strcmp(M.m[i].base, base);
}

void codemap_version(const struct jit_request *r, const void *code, bool fallback)
{
	size_t n = bareflow_jitmap.count;
	for (size_t i = n; i-- > 0;) {
		if (M.e[i].start != (uint64_t)(uintptr_t)code || M.m[i].final)
			continue;
		label(M.e[i].label, &M.m[i], r, fallback);
		M.m[i].final = true;
		write_perf(i);
		if (M.m[i].kind != TIER2_GUARD)
			return;
		for (size_t b = n; b-- > 0;) /* the guard's body */
			if (is(b, M.m[i].base, M.m[i].serial, TIER2_SPEC) && !M.m[b].final) {
				label(M.e[b].label, &M.m[b], r, fallback);
				M.m[b].final = true;
				write_perf(b);
			}
		return;
	}
}

const char *codemap_lookup(uint64_t addr, uint64_t *offset)
{
	size_t n =
	    atomic_load_explicit((_Atomic uint64_t *)&bareflow_jitmap.count, memory_order_acquire);
	const struct jitmap_entry *e =
	    (const struct jitmap_entry *)(uintptr_t)bareflow_jitmap.entries;
	for (size_t i = n; i-- > 0;) /* the newest first: memory may be reused */
		if (addr >= e[i].start && addr - e[i].start < e[i].size) {
			*offset = addr - e[i].start;
			return e[i].label;
		}
	return NULL;
}

/* At exit, what still waits for its label goes into the perf map as it is. */
static void flush_perf(void)
{
	for (size_t i = 0; i < bareflow_jitmap.count; i++)
		write_perf(i);
	if (M.perf)
		fflush(M.perf);
}

/* /tmp/perf-PID.map for this process, in M.perf: 0, or -1 after saying why. */
static int open_perf(void)
{
	char path[64];
	snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
	/* not through a link another user left in /tmp */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || !(M.perf = fdopen(fd, "w"))) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

int codemap_init(struct jit *j, bool perf_map, bool gdb)
{
	M.gdb = gdb;
	if (perf_map) {
		if (open_perf())
			return -1;
		atexit(flush_perf);
	}
	jit_on_code(j, add, NULL);
	return 0;
}

void codemap_forked(void)
{
	if (!M.perf)
		return;
	fclose(M.perf); /* empty: each entry is flushed as written */
	M.perf = NULL;
	if (open_perf())
		return; /* the child goes on without one, as said */
	for (size_t i = 0; i < bareflow_jitmap.count; i++)
		if (M.m[i].written) {
			M.m[i].written = false;
			write_perf(i);
		}
}
