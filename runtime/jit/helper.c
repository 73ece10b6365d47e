/*
 * Tier 0 on two CPUs. LLVM compiles a context on one thread at a time, and
 * tier 0 is most of a cold start before main: 0.58 of brotli's 0.84 s
 * (copying the program 90 ms, instrumenting 30, verifying 60, generating
 * code 400), while the second CPU waits for the tiers' first compile. So
 * another struct jit, the helper, reads the same bytes into a context of
 * its own, on a thread of its own: each file as this jit reads it
 * (jit_add_file hands the helper a copy, which it checks as this jit does;
 * a file that fails here ends the run), then prepares the program as
 * jit_prepare does here, and compiles one part of tier 0 (the functions
 * from a split, in the program's order) beside this jit's part; or all of
 * it, where one function holds most of the program, in place (its program
 * is not needed after), while this jit, its own program prepared, waits
 * for it. The two make one program: the same bytes prepared the same way
 * name the same functions, in the same order, which the helper checks
 * (names, sizes, which are managed and their parameters' kinds) before it
 * compiles; one part defines the program's variables and lists its
 * constructors, the other declares them (jit_tier0_part).
 *
 * Not for a program whose tier 0 could not be split so: one with module
 * assembly (which could define a name twice), an alias or ifunc (which
 * must name a definition in its own module), or a label address (a
 * variable's initializer names a function's blocks). Whatever goes wrong
 * on the helper's side, this jit compiles that part itself, as it would
 * have without it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <llvm-c/LLJIT.h>

#include "internal.h"

/* As the compiler thread's (prof/queue.c): LLVM recurses on deep
 * expressions, and the default stack of a thread can be much smaller than
 * the main thread's. */
#define HELPER_STACK (16u << 20)

struct jit_helper {
	struct jit *j;	  /* the helper's own */
	struct jit *main; /* the one it helps */
	const struct jit_symbol *table; /* the names the program may use */
	size_t ntable;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct helper_file {
		char *path;
		void *bytes; /* NULL: no memory for a copy */
		size_t size;
	} * files;
	size_t nfiles, have; /* files expected; handed over so far */
	bool cancelled;	     /* not wanted: stop at the next step */
	bool detached;	     /* and nobody joins it: it frees itself */
	bool go;	     /* the main jit asks for its part, from first */
	size_t first;
	bool data;	/* its part defines the program's variables */
	bool any_cpu;	/* tier 0 for any x86-64 (jit_tier0_for_any_cpu) */
	bool done, ok;	/* the thread ended; with obj */
	bool failed;	/* it cannot help (before go) */
	LLVMMemoryBufferRef obj;
	uint64_t part_ns; /* its part's passes and code generation */
	char why[512];	  /* why not, if it could not */
};

/* The helpers' threads still running (a cancelled one ends at its next
 * step): the process must not run LLVM's static destructors meanwhile. */
static pthread_mutex_t alive_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t alive_cond = PTHREAD_COND_INITIALIZER;
static unsigned alive;

/* A forked child has none of its parent's helpers (fork copies only the
 * thread that called it): none runs there, and the lock is free. */
static void forked_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	alive_lock = fresh;
	alive = 0;
}

/* Wait until file number `file` is handed over (SIZE_MAX: until the main
 * jit asks for the part): true, unless the helper is not wanted any
 * more. */
static bool wait_for(struct jit_helper *h, size_t file)
{
	pthread_mutex_lock(&h->lock);
	while (!h->cancelled && (file < SIZE_MAX ? h->have <= file : !h->go))
		pthread_cond_wait(&h->cond, &h->lock);
	bool go_on = !h->cancelled;
	pthread_mutex_unlock(&h->lock);
	return go_on;
}

static bool cancelled(struct jit_helper *h)
{
	pthread_mutex_lock(&h->lock);
	bool c = h->cancelled;
	pthread_mutex_unlock(&h->lock);
	return c;
}

/* Whether the helper's prepared program is the main jit's, function for
 * function. */
static bool same_program(const struct jit *a, const struct jit *b)
{
	if (a->nfns != b->nfns)
		return false;
	for (size_t i = 0; i < a->nfns; i++)
		if (strcmp(a->syms[i], b->syms[i]) || a->fns[i].size != b->fns[i].size ||
		    a->fns[i].managed != b->fns[i].managed ||
		    memcmp(a->fns[i].arg_kind, b->fns[i].arg_kind, sizeof a->fns[i].arg_kind))
			return false;
	return true;
}

/* Whether tier 0 of j's prepared program can be compiled in two parts. */
static bool splits(struct jit *j)
{
	size_t len = 0;
	LLVMGetModuleInlineAsm(j->module, &len);
	if (len || LLVMGetFirstGlobalAlias(j->module) || LLVMGetFirstGlobalIFunc(j->module))
		return false;
	for (size_t i = 0; i < j->nfns; i++)
		if (j->fns[i].labels != IR_LABELS_NONE)
			return false;
	return true;
}

/* What the helper's jit holds of LLVM's, given back once it is done (its
 * object is a buffer of its own): the program twice over, for the rest of
 * the run, was 80 MB of 350 for a program of 4,500 functions. */
static void drop(struct jit *j)
{
	for (unsigned k = 0; k < j->nlinking; k++)
		LLVMDisposeModule(j->linking[k].m);
	j->nlinking = 0;
	if (j->module)
		LLVMDisposeModule(j->module);
	j->module = NULL;
	jit_dispose_machines(j);
	if (j->lljit)
		LLVMOrcDisposeLLJIT(j->lljit);
	LLVMContextDispose(j->ctx);
}

/* h's memory, once its thread is gone. */
static void free_helper(struct jit_helper *h)
{
	if (h->obj)
		LLVMDisposeMemoryBuffer(h->obj);
	for (size_t f = 0; f < h->nfiles; f++)
		free(h->files[f].path), free(h->files[f].bytes);
	free(h->files);
	free(h);
}

/*
 * The helper reads each file as the runtime does, at the same time, and
 * LLVM's bitcode reader can crash on a damaged file: the runtime reports
 * that as a bad file (main.c's load_bitcode). So while the helper reads,
 * the signals of a crash reach the runtime's handler on its thread too,
 * on an alternate stack of its own (the crash may be a stack overflow);
 * blocked, a crash would end the process without a word. The reader is
 * the same on both threads, so the runtime, reading the same file, would
 * have crashed on it as well.
 */
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define CRASH_STACK (1u << 16)

static int add_bytes(struct jit_helper *h, size_t f, void *altstack)
{
	sigset_t crashes;
	stack_t ss = {.ss_sp = altstack, .ss_size = CRASH_STACK}, off = {.ss_flags = SS_DISABLE};
	sigemptyset(&crashes);
	for (size_t k = 0; k < sizeof crash_signals / sizeof crash_signals[0]; k++)
		sigaddset(&crashes, crash_signals[k]);
	bool caught = altstack && !sigaltstack(&ss, NULL);
	if (caught)
		pthread_sigmask(SIG_UNBLOCK, &crashes, NULL);
	int err = jit_add_bytes(h->j, h->files[f].path, h->files[f].bytes, h->files[f].size);
	if (caught) {
		pthread_sigmask(SIG_BLOCK, &crashes, NULL);
		sigaltstack(&off, NULL);
	}
	return err;
}

static void *helper_thread(void *arg)
{
	struct jit_helper *h = arg;
	const struct jit_fn *fns;
	size_t nfns;
	bool ok = true;
	void *altstack = malloc(CRASH_STACK);
	for (size_t f = 0; f < h->nfiles && ok; f++) {
		ok = wait_for(h, f) && h->files[f].bytes && !add_bytes(h, f, altstack);
		free(h->files[f].bytes);
		h->files[f].bytes = NULL;
	}
	free(altstack);
	ok = ok && !jit_link_files(h->j) && !cancelled(h);
	if (ok) {
		jit_provide(h->j, h->table, h->ntable);
		ok = !jit_prepare(h->j, &fns, &nfns);
	}
	if (!ok) {
		pthread_mutex_lock(&h->lock);
		h->failed = true;
		snprintf(h->why, sizeof h->why, "the helper failed: %s",
			 h->j->err[0] ? jit_error(h->j) : "a file was not read");
		pthread_mutex_unlock(&h->lock);
	}
	ok = ok && wait_for(h, SIZE_MAX);
	/* from go on, the main jit's program is prepared and read only */
	if (ok && !same_program(h->j, h->main)) {
		snprintf(h->why, sizeof h->why, "the helper prepared another program");
		ok = false;
	}
	LLVMModuleRef m;
	LLVMMemoryBufferRef obj = NULL;
	uint64_t before = h->j->stats.optimize_ns + h->j->stats.codegen_ns;
	if (ok) {
		h->j->probes = h->main->probes;
		ok = (!h->any_cpu || !jit_tier0_for_any_cpu(h->j)) &&
		     !jit_tier0_part(h->j, h->first, h->j->nfns, h->data, true, &m) &&
		     !jit_optimize(h->j, m, -1, h->any_cpu ? JIT_TIER0_FILE_PASSES : NULL) &&
		     !jit_codegen_object(h->j, m, 0, &obj);
		if (!ok)
			snprintf(h->why, sizeof h->why, "the helper failed: %s", jit_error(h->j));
	}
	uint64_t part_ns = h->j->stats.optimize_ns + h->j->stats.codegen_ns - before;
	drop(h->j);
	pthread_mutex_lock(&h->lock);
	h->done = true, h->ok = ok, h->obj = obj, h->part_ns = part_ns;
	bool detached = h->detached;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (detached) /* nobody will read it */
		free_helper(h);
	pthread_mutex_lock(&alive_lock);
	alive--;
	pthread_cond_broadcast(&alive_cond);
	pthread_mutex_unlock(&alive_lock);
	return NULL;
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, forked_child);
}

int jit_helper_start(struct jit *j, size_t nfiles, const struct jit_symbol *table, size_t ntable)
{
	char err[256];
	struct jit_helper *h = calloc(1, sizeof *h);
	if (!h || !(h->files = calloc(nfiles ? nfiles : 1, sizeof *h->files)) ||
	    !(h->j = jit_create(err, sizeof err))) {
		if (h)
			free(h->files);
		free(h);
		return -1; /* (a jit made is kept: the run has other troubles) */
	}
	h->j->quiet = true; /* what it would say, this jit says */
	h->main = j, h->table = table, h->ntable = ntable, h->nfiles = nfiles;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cond, NULL);
	pthread_once(&atfork_once, register_atfork);
	/* no signal of the program's for it, ever: it runs no code of theirs */
	sigset_t all, old;
	sigfillset(&all);
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, HELPER_STACK);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_mutex_lock(&alive_lock);
	int e = pthread_create(&h->thread, &attr, helper_thread, h);
	alive += !e;
	pthread_mutex_unlock(&alive_lock);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (e)
		return -1;
	j->helper = h;
	return 0;
}

void jit_helper_file(struct jit *j, const char *path, void *bytes, size_t size)
{
	struct jit_helper *h = j->helper;
	char *p = strdup(path);
	pthread_mutex_lock(&h->lock);
	if (h->have < h->nfiles && p) {
		h->files[h->have++] = (struct helper_file){p, bytes, size};
		p = NULL, bytes = NULL;
	}
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	free(p);
	free(bytes);
}

void jit_helper_cancel(struct jit *j)
{
	struct jit_helper *h = j->helper;
	if (!h)
		return;
	j->helper = NULL;
	pthread_mutex_lock(&h->lock);
	pthread_t thread = h->thread;
	bool done = h->done;
	if (!done) /* it ends at its next step, and frees itself: h is its own from here */
		h->cancelled = h->detached = true;
	pthread_cond_broadcast(&h->cond);
	pthread_mutex_unlock(&h->lock);
	if (!done) {
		pthread_detach(thread);
		return;
	}
	pthread_join(thread, NULL); /* it has ended, or is about to */
	free_helper(h);
}

bool jit_helpers_running(void)
{
	pthread_mutex_lock(&alive_lock);
	bool running = alive > 0;
	pthread_mutex_unlock(&alive_lock);
	return running;
}

void jit_helper_end(struct jit *j)
{
	jit_helper_cancel(j);
	pthread_mutex_lock(&alive_lock);
	while (alive)
		pthread_cond_wait(&alive_cond, &alive_lock);
	pthread_mutex_unlock(&alive_lock);
}

bool jit_helper_go(struct jit *j, size_t first, bool data, const char **why)
{
	struct jit_helper *h = j->helper;
	if (!h)
		return false;
	if (!splits(j)) {
		*why = "the program has module assembly, aliases or label addresses";
		return false;
	}
	pthread_mutex_lock(&h->lock);
	bool can = !h->failed && !h->done;
	if (can) {
		h->go = true, h->first = first, h->data = data, h->any_cpu = j->tier0_any_cpu;
		pthread_cond_broadcast(&h->cond);
	} else {
		snprintf(j->tier0_why, sizeof j->tier0_why, "%s", h->why);
		*why = j->tier0_why;
	}
	pthread_mutex_unlock(&h->lock);
	return can;
}

bool jit_helper_wait(struct jit *j, LLVMMemoryBufferRef *obj, uint64_t *ns, const char **why)
{
	struct jit_helper *h = j->helper;
	if (!h)
		return false;
	if (!obj) {
		jit_helper_cancel(j);
		return false;
	}
	pthread_mutex_lock(&h->lock);
	while (!h->done)
		pthread_cond_wait(&h->cond, &h->lock);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	*obj = h->obj;
	*ns = h->part_ns;
	if (!h->ok) {
		snprintf(j->tier0_why, sizeof j->tier0_why, "%s", h->why);
		*why = j->tier0_why;
	}
	bool ok = h->ok;
	h->obj = NULL; /* the caller's now */
	free_helper(h);
	j->helper = NULL;
	return ok;
}
