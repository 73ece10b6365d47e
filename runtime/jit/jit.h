/*
 * The LLVM boundary: everything the runtime asks of LLVM 19 goes through
 * these functions, and only the files of jit/ include LLVM's (C API) headers.
 * Errors come back as a negative code with a message in the jit's error
 * buffer (jit_error), never as LLVM objects.
 */
#ifndef BFRT_JIT_H
#define BFRT_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jit;

/* What went into compiling the program, for --verbose, --report, --profile. */
struct jit_stats {
	unsigned functions;	    /* defined in the program */
	unsigned long instructions; /* IR instructions in them, before optimizing */
	uint64_t load_ns;	    /* reading, parsing and linking the bitcode */
	uint64_t optimize_ns;	    /* the IR pass pipelines, so far */
	uint64_t codegen_ns;	    /* machine code generation and linking, so far */
	uint64_t remote_wait_ns;    /* waiting for the compile server's replies, so far */
};

/* A name the program may use, and where it is in this binary. */
struct jit_symbol {
	const char *name;
	void *addr;
	bool function;
	/* One of the library's functions LLVM knows and may call by itself
	 * (memset, fmod, puts for printf): a program's own definition of it
	 * stays external, as the one such calls reach, and is compiled
	 * without builtins (whole.c). */
	bool libcall;
};

enum {
	JIT_EBADCODE = -1,  /* the bitcode is malformed or does not verify */
	JIT_ENOSYM = -2,    /* the program needs symbols the runtime lacks */
	JIT_EINTERNAL = -3, /* LLVM failed otherwise */
	JIT_EUNFIT = -4	    /* this loop cannot be entered by OSR */
};

/* A JIT for this CPU (name and features as LLVM detects them). NULL if
 * LLVM cannot target this machine; the reason is written to err. */
struct jit *jit_create(char *err, size_t errlen);
/* The last error's message. */
const char *jit_error(const struct jit *j);
const char *jit_cpu_name(const struct jit *j);
/* Whether the JIT leaves the AVX family out of its code because this CPU
 * is QEMU's emulation, which runs it slowly (jit_cpu_features says so),
 * unless the program asks for it itself (known once it is prepared). */
bool jit_vex_off(const struct jit *j);
const char *jit_cpu_features(const struct jit *j);
/* From now on, send every optimizing compile (the tiers, OSR code) to the
 * compile server whose channel is at path (jit/remote.c): the guest's
 * /dev/hostjit, which `bareflow jit` connects to `bareflow-rt
 * --serve-compiles` on the host, or a Unix socket it listens on. 0, or
 * JIT_EINTERNAL if path cannot be opened. */
int jit_compile_remotely(struct jit *j, const char *path);
bool jit_compiles_remotely(const struct jit *j);
/* The compile server: compile each request read from fd in and write its
 * reply to out, until in ends (0); 1, with the reason on stderr, when a
 * request is malformed or a reply cannot be written. It also gives the
 * files[] (none when ready is -1), once a byte read from ready says they
 * are made (jit_fetch_file). */
int jit_serve(int in, int out, int ready, char **files, int nfiles);
/* The program's file at path from the compile server, written at path
 * here (its directories made): 0; 1 when the host made no such file; 2
 * when the host failed to make the program's files (it has said why);
 * else JIT_EINTERNAL, with the reason in jit_error. */
int jit_fetch_file(struct jit *j, const char *path);
/* waits(true) as a thread starts to wait for the compile server's reply
 * to a compile, waits(false) when the reply is in. */
void jit_on_server_wait(struct jit *j, void (*waits)(bool waiting));
/* Read a bitcode (or textual IR) file and link it into the program. */
int jit_add_file(struct jit *j, const char *path);
/* Link the files added into one program (jit_prepare does it too): 0, or
 * the linker's error naming the files. */
int jit_link_files(struct jit *j);
/* Instead of jit_add_file: the program as another process prepared it
 * (jit_keep_prepared), made whole and given its external names there, so
 * that jit_prepare only takes note of it. Each input file is still given
 * to jit_hash_file, in order, for jit_input_hash, and jit_forget_inputs
 * takes those back before jit_add_file is used instead. */
int jit_add_prepared(struct jit *j, const void *bitcode, size_t size, bool wants_vex);
int jit_hash_file(struct jit *j, const char *path);
void jit_forget_inputs(struct jit *j);
/* From now on, keep the program as jit_prepare leaves it, as bitcode:
 * jit_prepared_program gives it (false before), whether the program asks
 * for the AVX family (for jit_add_prepared), and how long reading it
 * takes here. */
void jit_keep_prepared(struct jit *j);
bool jit_prepared_program(const struct jit *j, const void **bitcode, size_t *size,
			  bool *wants_vex, uint64_t *read_ns);
/* The program's constructors (ctors) or destructors, compiled (after
 * jit_compile_tier0, jit_load_tier0 or jit_compile_fixed), in the order
 * they run: constructors by rising priority, destructors by falling
 * priority, each priority's in the order of its array (for destructors
 * the reverse), as ELF's init and fini arrays run them. *fns is malloc'd
 * (NULL when there are none). 0 or a JIT_E* code. */
int jit_init_functions(struct jit *j, bool ctors, void ***fns, size_t *n);
/* The address of the program's own definition of function name (its own
 * malloc, say), compiled as jit_init_functions's; NULL where it has none.
 * 0 or a JIT_E* code. */
int jit_own_function(struct jit *j, const char *name, void **addr);

/* The symbols the program may use (kept by reference), sorted by name. */
int jit_provide(struct jit *j, const struct jit_symbol *table, size_t n);

/* How an argument's value is profiled and specialized on: its bits, as a
 * 64-bit integer (sign-extended for integers, the address for pointers,
 * the IEEE bits for floating point). */
enum jit_arg_kind { JIT_ARG_OTHER, JIT_ARG_INT, JIT_ARG_PTR, JIT_ARG_FP };
#define JIT_MAX_ARGS 8

/* A function the program defines. Managed functions are called through a
 * slot and can be recompiled; the others keep their first code. */
struct jit_fn {
	const char *name; /* as the program spells it */
	bool managed;
	const char *unmanaged; /* why not, if not */
	unsigned nparams;
	unsigned char arg_kind[JIT_MAX_ARGS]; /* of the first parameters */
	unsigned long size;		      /* IR instructions, unoptimized */
	bool untimed;	/* small, no loops, no calls: tier 0 does not time it (below) */
	bool recursive; /* it calls itself directly */
	bool loops;	/* it has a loop */
	bool always_inline; /* the program asks for it (always_inline): inlined where offered */
	long only_caller; /* the function (jit_fn index) whose one call is the only use, or -1 */
	unsigned char labels; /* where its labels' addresses go (enum ir_labels) */
	/* What it may hand control to that counts its own cycles apart: the
	 * functions (jit_fn indexes) it calls directly, the first ncalled of
	 * callees, then those it takes the address of (a callback handed to
	 * the C library, say); and whether it calls through a pointer */
	unsigned *callees;
	unsigned ncallees, ncalled;
	bool indirect;
};

/* Ready the program for compiling: check that every external name it uses
 * is provided (JIT_ENOSYM names them all) and give every definition a name
 * the later tiers can refer to. Then *fns lists its functions. */
int jit_prepare(struct jit *j, const struct jit_fn **fns, size_t *n);

/* Compile the whole program once at optimization level opt (0-3), without
 * instrumentation; the address of entry. The program is used up: nothing
 * can be compiled from it afterwards. */
int jit_compile_fixed(struct jit *j, int opt, const char *entry, void **addr);

/* A function of at most this many IR instructions, without loops or
 * calls, is not timed at tier 0: two cycle-counter reads per call cost
 * more than its work (they made tier-0 code twice as slow on a JPEG
 * codec's pixel helpers); its cost is estimated from its calls and size,
 * and its cycles count as its caller's. */
#define JIT_UNTIMED_MAX 64

/* Where instrumented code keeps its counters (see prof/prof.h): function
 * number k's struct prof_fn is at fns + k * fn_size; k = jit_fn index + 1. */
struct jit_probes {
	void *fns;
	size_t fn_size;
	void *current, *stamp; /* uint32_t, uint64_t */
	void *hot;	       /* void hot(uint32_t fn) */
	void *miss;	       /* void miss(uint32_t fn): a guard's misses */
	void *osr;	       /* void *osr(uint32_t fn, uint32_t loop) */
};

/* Tier 0: every function compiled cheaply (no IR passes, the backend's
 * lowest level) and instrumented, managed ones behind a slot (their
 * struct prof_fn's code field, filled in here). The address of entry.
 * With a helper (below), its second half is compiled on another thread,
 * or all of it where one function holds most of the program. */
int jit_compile_tier0(struct jit *j, const struct jit_probes *p, const char *entry, void **addr);
/* How jit_compile_tier0 compiled it, for --verbose ("" before). */
const char *jit_tier0_how(const struct jit *j);
/* Start a helper for jit_compile_tier0 (jit/helper.c): a thread with a
 * struct jit of its own, which reads the bytes of each of the nfiles files
 * jit_add_file reads next, as it reads them, prepares the program
 * with the names of table as jit_prepare does here, and compiles part of
 * tier 0 when jit_compile_tier0 asks. Before the first file is added; 0,
 * or -1 if it cannot be had (tier 0 is then this jit's alone). */
int jit_helper_start(struct jit *j, size_t nfiles, const struct jit_symbol *table, size_t ntable);
/* Tier 0 does not come from jit_compile_tier0 after all (the code cache,
 * a tier-0 file): the helper stops at its next step. */
void jit_helper_cancel(struct jit *j);
/* The same, and wait until no helper's thread runs: before the process
 * exits by exit (LLVM's static destructors must not run under one). */
void jit_helper_end(struct jit *j);
/* Whether a helper's thread still runs (one let go ends at its next step). */
bool jit_helpers_running(void);

/* The optimization level each tier is named by, here alone: tier 0 none
 * (the backend's lowest), tier 1 -O1 (ours: JIT_TIER1_PASSES, a quarter of
 * -O3's compile for most of its speed where a function is large), tier 2
 * -O3. */
static inline int jit_tier_opt(int tier)
{
	return tier <= 0 ? 0 : tier == 1 ? 1 : 3;
}

/* A new version of one function (index into the jit_fn list). */
struct jit_request {
	unsigned fn;
	int tier;	  /* 1: -O1 (ours), instrumented; 2: -O3 */
	bool counted;	  /* tier 2: keep counting calls and cycles */
	bool profiled;	  /* tier 2, generic: also profile values and check triggers */
	bool generic_cpu; /* tier 2: code for any x86-64 (SSE2), not for this CPU */
	unsigned nspec;	  /* tier 2: arguments fixed to values, behind a guard */
	unsigned spec_arg[JIT_MAX_ARGS];
	int64_t spec_value[JIT_MAX_ARGS];
};
/* Whether addr is inside one of the program's variables (so that a
 * pointer argument specialized on it names that variable). */
bool jit_is_variable(struct jit *j, uint64_t addr);
/* Whether addr is one of the program's functions, as the program has its
 * address (its stub: so that a pointer argument specialized on it names
 * that function, and calls through it can be direct, even inlined). */
bool jit_is_function(const struct jit *j, uint64_t addr);
/* The IR instructions a version of fn compiles: its own and those of the
 * functions its version module offers for inlining. */
unsigned long jit_version_size(struct jit *j, unsigned fn);
/* Compile it; the address to put in the slot and the time it took. A
 * specialized version is a guard that sends other values to the code in
 * the function's fallback field (struct prof_fn), and calls the miss probe
 * when its misses reach miss_trigger. Counted tier-2 code calls the hot
 * probe when its calls reach call_trigger. */
int jit_compile_version(struct jit *j, const struct jit_request *r, void **addr, uint64_t *ns);
/* The same for n requests at once, in one module (one set-up and one
 * object for all, the cost of a compile that does not grow with its size):
 * all at tier 2 and for the same CPU, or a single one. The time is shared
 * out by the functions' sizes. */
int jit_compile_versions(struct jit *j, const struct jit_request *r, size_t n, void **addrs,
			 uint64_t *ns);
/* After a jit_compile_version: the program's functions its code still
 * calls once optimized, calls[k] for jit_fn k (not those it inlined, nor
 * private copies, whose own calls count), and in calls[n], n the number of
 * functions, JIT_CALLS_THROUGH_POINTER if it calls through a pointer and
 * JIT_CALLS_NOT_KNOWN if they could not all be listed. NULL when not
 * known (after a batch, or a compile that failed). */
const unsigned char *jit_version_calls(const struct jit *j);
#define JIT_CALLS_THROUGH_POINTER 1
#define JIT_CALLS_NOT_KNOWN 2
/* An on-stack-replacement entry at tier-0 loop header `loop` (a block
 * number) of function fn: code taking the function's arguments and its
 * tier-0 frame, running the rest of the call at tier's level (2: -O3; 1:
 * the quick tier's, uncounted, for a large function). JIT_EUNFIT if that
 * loop cannot be entered this way (the reason is in the error). In
 * inlined (size bytes), the names of the program's functions the loop
 * called that its optimized code calls no more (inlined, or found to be
 * dead), comma-separated; "" for none. A size below 4 asks for no list
 * (and saves looking for it). */
int jit_compile_osr(struct jit *j, unsigned fn, unsigned loop, int tier, void **addr, uint64_t *ns,
		    char *inlined, size_t size);

const struct jit_stats *jit_stats(const struct jit *j);
/* Fail with "out of memory" (for code outside jit/ that allocates for it):
 * JIT_EINTERNAL, with the message in jit_error. */
int jit_out_of_memory(struct jit *j);

/* Called with each function the JIT links from now on, as it is linked:
 * its code's address range and its symbol name (the program's name with
 * the JIT's suffix: NAME.bf0 tier 0, NAME.bf1.vN and NAME.bf2.vN tiers 1
 * and 2, NAME.bf2s.vN a specialized body and NAME.bf2g.vN its guard,
 * NAME.osrL.vN OSR code from loop header L; a plain name for a fixed
 * compile or a private copy). */
typedef void jit_code_fn(void *ctx, uint64_t start, uint64_t size, const char *symbol);
void jit_on_code(struct jit *j, jit_code_fn *fn, void *ctx);

/* The appliance (bareflow export): write to path an object file of the
 * whole program at -O3, for this CPU or (generic_cpu) any x86-64, with
 * each of the n tier-2 requests r that is specialized on integer or
 * floating-point values behind a guard (weights: the calls the profile saw
 * take the specialized path and the others, for the branch's weights);
 * no instrumentation, nothing of the runtime. */
int jit_export(struct jit *j, const struct jit_request *r, const uint64_t (*weights)[2], size_t n,
	       bool generic_cpu, const char *path);

/* ---- for the code cache (cache/) ---- */

/* LLVM's version ("19.1.7"). */
const char *jit_llvm_version(void);
/* A hash of the bitcode jit_add_file read, in order (16 hex digits). */
const char *jit_input_hash(const struct jit *j);
/* A hash of the prepared program's functions as tier 0 sees them (names,
 * sizes, which are managed, their parameters' kinds...): tier-0 code made
 * by another process is for this program only if its shape was this. */
uint64_t jit_program_shape(const struct jit *j);
/* From now on tier 0 is compiled for any x86-64 rather than this CPU (the
 * tier-0 file, made on a host for a guest whose CPU it does not know), and
 * optimized lightly (JIT_TIER0_FILE_PASSES): the host has the time, the
 * guest boots meanwhile. After jit_prepare. 0, or JIT_EINTERNAL with the
 * reason. */
int jit_tier0_for_any_cpu(struct jit *j);
/* Where this process compiles (no compile server), make the target
 * machines of the levels above 0 and for any x86-64 now, before the
 * program runs, rather than in its first compiles (a compile otherwise
 * makes the one it needs when first asked). */
void jit_make_machines(struct jit *j);
/* From now on, keep every version's object code for jit_version_object. */
void jit_keep_objects(struct jit *j);
/* At an exit that leaves a compile running: no object is kept from now on
 * (a compile that would keep one waits for good), so that what was kept
 * can be read while it runs. */
void jit_freeze_kept(struct jit *j);
/* The version whose entry is at addr: the object holding it (its bytes,
 * and a number shared by the versions of one batch) and the entry's
 * symbol. False if it was not kept (tier 0 and OSR code never are). */
bool jit_version_object(const struct jit *j, const void *addr, const void **obj, size_t *size,
			unsigned *id, const char **entry);
/* Whether tier 0 came from objects of an earlier run (jit_load_tier0): its
 * frames are then those that run's OSR code was made to enter. */
bool jit_tier0_loaded(const struct jit *j);
/* Tier 0 from the objects of an earlier run's tier 0 (instead of
 * jit_compile_tier0; the same probes and entry). */
int jit_load_tier0(struct jit *j, const struct jit_probes *p, const void *const *objs,
		   const size_t *sizes, unsigned n, const char *entry, void **addr);
/* The kept objects of tier 0 (numbered as jit_kept_object's); false if
 * none were kept. OSR code is kept too (jit_version_object). */
bool jit_tier0_objects(const struct jit *j, unsigned *first, unsigned *n);
/* Kept object number id (as jit_version_object numbers them). */
bool jit_kept_object(const struct jit *j, unsigned id, const void **obj, size_t *size);
/* Objects from an earlier run go in as a group that can be taken out again
 * whole: jit_mark starts one, jit_rollback removes what was added (and
 * kept) since, e.g. when something in it does not link. */
struct jit_mark {
	size_t objs, made;
};
struct jit_mark jit_mark(struct jit *j);
void jit_rollback(struct jit *j, struct jit_mark m);
/* Link object code from an earlier run of the same program into the group
 * (kept again, as if compiled now); 0, or JIT_EINTERNAL with the reason. */
int jit_add_object(struct jit *j, const void *obj, size_t size);
/* The address of a version's entry (linking what it needs), noted for
 * jit_version_object as in the object added last, which must hold it. */
int jit_find_version(struct jit *j, const char *entry, void **addr);
/* Function r->fn has optimized code now, r's version (from an object
 * added above). */
void jit_adopt(struct jit *j, const struct jit_request *r);
/* Whether r's compile is coming (asked for, not yet made): OSR code
 * compiled meanwhile inlines a small r->fn without code of its own yet,
 * whose first code r makes final, as it would with that code in
 * (jit_offer). Any thread, any lock. */
void jit_expect(struct jit *j, const struct jit_request *r, bool coming);
/* The symbol name of function fn, and the function with a symbol name
 * (-1 if none). */
const char *jit_fn_symbol(const struct jit *j, unsigned fn);
long jit_fn_by_symbol(const struct jit *j, const char *sym);
/* The number the next version's symbols get; versions from an earlier
 * run keep their names, so new ones must start past them. */
unsigned jit_next_serial(const struct jit *j);
void jit_skip_serials(struct jit *j, unsigned next);

#endif
