/*
 * Shared by the files of jit/ (the LLVM boundary) and nothing else: the
 * jit's state and the IR helpers its passes use.
 */
#ifndef BFRT_JIT_INTERNAL_H
#define BFRT_JIT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <llvm-c/Core.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/TargetMachine.h>

#include "clock.h"
#include "jit.h"

struct jit_def {
	LLVMValueRef f;
	size_t index; /* in the jit_fn list */
};
struct jit_sym {
	const char *sym;
	size_t index; /* in the jit_fn list */
};

/* A function symbol of a linked object, before its address is known. */
struct jit_pending {
	char *name;
	unsigned section;      /* its index */
	unsigned object;       /* which object */
	uint64_t offset, size; /* in its section */
};

/* What optimized code a function has (struct jit's compiled). Final: its
 * first version is generic -O3 code that counts nothing, from which no
 * later version will come (OSR code may inline it: whole.c). A later
 * version never makes a function final: generic code compiled for a
 * specialization's misses leaves the guard in the slot. */
enum jit_compiled { JIT_NOT_COMPILED, JIT_COMPILED, JIT_COMPILED_FINAL };
/* What compiling r would make of r->fn, from nothing. */
enum jit_compiled jit_request_state(const struct jit_request *r);

struct jit {
	char *cpu, *features, *triple;
	LLVMTargetMachineRef tm[4];	 /* one per backend optimization level */
	LLVMTargetMachineRef tm_generic; /* -O3 for any x86-64 (SSE2) */
	bool generic_cpu;		 /* the compile under way is for it */
	bool osr;			 /* the compile under way is OSR code */
	LLVMTargetDataRef layout;
	LLVMContextRef ctx;
	LLVMModuleRef module; /* the program as loaded, never compiled itself */
	LLVMOrcLLJITRef lljit;
	const struct jit_symbol *table; /* what the program may use */
	size_t ntable;
	bool *table_defined;	     /* its symbols in the JIT so far */
	unsigned files;		     /* jit_add_file's so far */
	struct jit_linking {	     /* files read, not yet linked into module */
		LLVMModuleRef m;     /* files first..first + n - 1, linked */
		unsigned first, n;
	} *linking;
	unsigned nlinking;
	char **paths; /* of the files, for the linker's errors */
	struct jit_init {	     /* llvm.global_ctors' and _dtors' functions */
		char *name;
		unsigned priority;
		size_t order; /* in its array */
	} *inits[2];		     /* [0] constructors, [1] destructors */
	size_t ninits[2];
	pthread_mutex_t defining;    /* for table_defined */
	struct jit_fn *fns; /* its defined functions, in module order */
	char **syms;	    /* their symbol names in the module */
	size_t nfns;
	LLVMValueRef *defs;	 /* their definitions in module */
	struct jit_def *by_addr; /* the same, sorted by address */
	struct jit_sym *by_sym;	 /* and by symbol name */
	unsigned char *compiled; /* per function: enum jit_compiled */
	atomic_uchar *final_coming; /* per function: final code asked for (jit_expect) */
	struct jit_var *vars;	 /* the program's variables by address (whole.c) */
	size_t nvars;
	struct jit_probes probes;
	/* the program's thread-local variables, emulated (ir_emulate_tls):
	 * each one's place in a thread's block, in module order */
	struct jit_tls {
		char *name;
		uint64_t offset, size;
	} * tls;
	size_t ntls;
	uint64_t tls_total; /* a thread's block: the variables, laid out */
	unsigned serial; /* numbers the versions' symbol names */
	/* what the last version compiled alone still calls (jit_version_calls) */
	unsigned char *vcalls;
	bool vcalls_known;
	uint64_t input_hash;
	char input_hex[17];
	/* kept object code (jit_keep_objects) and the versions' entries in it */
	bool keep;
	unsigned tier0_first, tier0_n; /* tier 0's objects among the kept */
	struct jit_helper *helper;     /* tier 0's other half, while wanted (helper.c) */
	bool quiet;		       /* the helper's: no warnings (the jit it helps says them) */
	char tier0_how[200];	       /* jit_tier0_how's */
	char tier0_why[512];	       /* why the helper did not help, if it did not */
	/* absolute symbols, defined once a run: a rollback leaves them */
	bool probes_defined, stubs_defined;
	/* the stubs, STUB_SIZE bytes each from stubs, and the function
	 * (jit_fn index) of each (jit_function_at) */
	const unsigned char *stubs;
	size_t nstubs;
	unsigned *stub_fn;
	bool tier0_loaded;
	bool tier0_any_cpu; /* tier 0 for any x86-64 (jit_tier0_for_any_cpu) */
	int remote;	    /* the compile server's fd (remote.c), or -1: compile here */
	bool remote_socket; /* it is a socket (hosted) */
	bool has_assembly;  /* the program holds some (ir_has_assembly), as prepared */
	int remote_pid;	    /* the process that opened it */
	void (*server_waits)(bool waiting); /* jit_on_server_wait's */
	bool vex_off;	    /* the AVX family off in features (jit_vex_off) */
	bool wants_vex;	    /* the program's own code asks for the AVX family */
	bool prepared_input; /* the module came prepared (jit_add_prepared) */
	bool keep_prepared;  /* jit_keep_prepared */
	LLVMMemoryBufferRef prepared_bc; /* its bitcode, once prepared */
	uint64_t prepared_read_ns;	 /* reading that back here */
	char *all_features; /* this CPU's, while vex_off */
	LLVMOrcResourceTrackerRef added; /* objects from an earlier run, since jit_mark */
	pthread_mutex_t kept; /* objs and made, for jit_freeze_kept */
	struct jit_object {
		void *bytes;
		size_t size;
	} * objs;
	size_t nobjs;
	struct jit_made {
		const void *addr;
		char *entry;
		unsigned obj;
	} * made;
	size_t nmade;
	struct jit_stats stats;
	jit_code_fn *code_fn; /* jit_on_code's */
	void *code_ctx;
	struct jit_pending *pending; /* code added and not yet told */
	size_t npending, cap_pending;
	unsigned objects;
	char err[4096];
	char unresolved[1024];	/* names the last link asked for and nothing defined */
	char session_err[1024]; /* what ORC reported while linking, last */
	char diag[1024];	/* LLVM's first error about the code being generated */
#define JIT_WARNED_MAX 32
	uint64_t warned[JIT_WARNED_MAX]; /* hashes of the warnings printed, each once */
	unsigned nwarned;
};

/* llvm.c */
/* FNV-1a (64 bits) of n bytes at p, from h (JIT_FNV_BASIS to start). */
#define JIT_FNV_BASIS 0xcbf29ce484222325ull
uint64_t jit_fnv1a(uint64_t h, const void *p, size_t n);
int jit_fail(struct jit *j, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* j's target machines and data layout, disposed. */
void jit_dispose_machines(struct jit *j);
/* jit_fail with LLVM's message for e (consumed) after what. */
int jit_fail_llvm(struct jit *j, int code, const char *what, LLVMErrorRef e);
/* Optimize m at level opt (-1: no IR passes), generate code at backend
 * level cg, and link it into the JIT; m is consumed. */
int jit_emit(struct jit *j, LLVMModuleRef m, int opt, int cg, const char *pre_passes);
/* The same, marking in calls (a flag per program function, by jit_fn
 * index, and one more: JIT_CALLS_*) the functions that function watch's
 * code still calls once optimized (jit_reached_calls): those not inlined
 * into it. */
int jit_emit_seen(struct jit *j, LLVMModuleRef m, int opt, int cg, const char *pre_passes,
		  const char *watch, unsigned char *calls);
/* Marks in calls the functions f calls directly (jit_direct_calls). */
void jit_mark_calls(const struct jit *j, LLVMValueRef f, unsigned char *calls);
/* Marks the function a name of jit_reached_calls's is, in calls. */
void jit_mark_name(const struct jit *j, const char *name, unsigned char *calls);
/* each(ctx, name, length) for every call in f to a named function but an
 * intrinsic. */
void jit_direct_calls(LLVMValueRef f, void (*each)(void *ctx, const char *name, size_t len),
		      void *ctx);
/* each(ctx, name, length) for every function f's code calls that is not
 * in its module: f's calls, and those of the module's definitions they
 * reach (a version's body, a private copy), to a declaration or to a
 * function offered to inline that was not; JIT_CALLS_INDIRECT once for
 * each call through a pointer (but the runtime's own), and
 * JIT_CALLS_UNKNOWN when out of memory. */
void jit_reached_calls(LLVMValueRef f, void (*each)(void *ctx, const char *name, size_t len),
		       void *ctx);
#define JIT_CALLS_INDIRECT "*"
#define JIT_CALLS_UNKNOWN "?"
/* jit_optimize's passes over *m, which is then a new module if they ran
 * on the compile server (jit_remote_passes); *m stays the caller's. */
int jit_transform(struct jit *j, LLVMModuleRef *m, int opt, const char *passes);
/* What the target machine that machine_for(j, opt) gives is made of (for
 * the compile server, which makes the same). */
struct jit_machine_spec {
	const char *cpu, *features;
	int level;
	bool small;
};
void jit_machine_spec(const struct jit *j, int opt, struct jit_machine_spec *s);
/* Whether m is generated in the small code model: the data it defines
 * and emits (available_externally copies are not) is within its reach.
 * A module that does not fit is generated in the large one. */
bool jit_fits_small_model(struct jit *j, LLVMModuleRef m);
/* Make m, optimized, ready for code generation in the small code model
 * (jit_target_machine's small): the available_externally copies, which
 * are not emitted, become declarations, and no declaration is dso_local
 * (ir_declarations_not_local), so that everything m does not define is
 * reached through the JIT linker's GOT and stubs, however far. */
LLVMErrorRef jit_small_model(LLVMModuleRef m, LLVMTargetMachineRef tm);
/* 0 if m, a module the JIT made (what names it), verifies; else
 * JIT_EINTERNAL, an internal error. */
int jit_verify(struct jit *j, LLVMModuleRef m, const char *what);
/* jit_emit's passes, here; m stays the caller's. */
int jit_optimize(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes);
/* Tier 0 of the functions lo to hi - 1 (jit_fn indexes) in a copy of the
 * program (the others declared, through their stubs), checked: *m. With
 * defines_data, the program's variables are defined there too; else
 * declared, and its constructor lists left out (the other part has them).
 * With in_place, tier 0 of all the functions is made of j's program
 * itself, not a copy: j has none left (the helper's, which is let go
 * after its part). */
int jit_tier0_part(struct jit *j, size_t lo, size_t hi, bool defines_data, bool in_place,
		   LLVMModuleRef *m);
/* helper.c: for jit_compile_tier0, the helper (started by
 * jit_helper_start) is asked to compile the functions from first on, its
 * part defining the program's variables if data: false if it cannot (it
 * is then let go). jit_helper_wait waits for its
 * object: true with *obj and the time its passes and code generation took
 * in *ns, false if it failed (the caller compiles that part itself); with
 * obj NULL, it lets the helper go instead. Each says why not in *why. */
bool jit_helper_go(struct jit *j, size_t first, bool data, const char **why);
/* jit_add_file is reading the file at path, the size bytes at bytes (a
 * malloc'd copy the helper takes; NULL if none could be made: the helper
 * stops then). */
void jit_helper_file(struct jit *j, const char *path, void *bytes, size_t size);
/* jit_add_file of size bytes at bytes, read from path. */
int jit_add_bytes(struct jit *j, const char *path, const void *bytes, size_t size);
bool jit_helper_wait(struct jit *j, LLVMMemoryBufferRef *obj, uint64_t *ns, const char **why);
/* Code generation here at level cg (m consumed): the object, *obj, not yet
 * linked. */
int jit_codegen_object(struct jit *j, LLVMModuleRef m, int cg, LLVMMemoryBufferRef *obj);
/* Link an object the JIT's code generator made (here or on the compile
 * server), keeping it if asked; obj is consumed. */
int jit_link_object(struct jit *j, LLVMMemoryBufferRef obj);
/* jit_optimize's pipeline: pre_passes (or none), then -Oopt (none if opt
 * is negative), with clang's vectorizer and unrolling settings; tm for
 * the target's costs. */
LLVMErrorRef jit_run_passes(LLVMModuleRef m, LLVMTargetMachineRef tm, int opt,
			    const char *pre_passes);
/*
 * A target machine for a CPU (by name and full feature string) at a
 * backend level, small-model and position-independent, or in the JIT's
 * large model; NULL with the reason in err.
 */
LLVMTargetMachineRef jit_target_machine(const char *triple, const char *cpu,
					const char *features, int opt, bool small, char *err,
					size_t errlen);
/* LLVM's message with names as the source gave them (the JIT's suffixes
 * taken off), and printed on stderr once a run as a warning. */
void jit_source_names(const char *llvm_msg, char *msg, size_t size);
void jit_warn_once(struct jit *j, const char *msg);
int jit_lookup(struct jit *j, const char *name, void **addr);
/* Whether f calls itself directly. */
bool jit_calls_itself(LLVMValueRef f);
/* Whether f calls nothing (intrinsics aside). */
bool jit_is_leaf(LLVMValueRef f);
/* Whether f has a loop (true when there is no memory for its blocks). */
bool jit_has_loops(LLVMValueRef f);
/* sections.c: the sections a program walks from __start_NAME to
 * __stop_NAME laid out, and those bounds defined (0, or JIT_EBADCODE for
 * one it cannot lay out). */
int jit_link_sections(struct jit *j);
/* Mark the variables in named sections of file number `file`'s module m
 * with their place, before it is linked with the files before it. */
void jit_note_section_order(struct jit *j, LLVMModuleRef m, unsigned file);
/* The runtime's symbol by that name (renamed or not), or NULL. */
const struct jit_symbol *jit_provided(const struct jit *j, const char *name);

/* code.c */
/* Note obj's functions (before the JIT takes it), to be told to code_fn by
 * jit_code_resolve once linked (after a lookup). */
void jit_code_note_object(struct jit *j, LLVMMemoryBufferRef obj);
void jit_code_resolve(struct jit *j);

/* whole.c */
/* Internalize every definition the program alone can name (not one its
 * assembly names, in_asm) and run the interprocedural passes over the
 * whole program (before promotion). */
struct ir_asm_names;
int jit_whole_program(struct jit *j, const struct ir_asm_names *in_asm);
/* Keep defs (the functions' definitions in jit_fn order; now owned by j)
 * and note, for each, the one function that calls it, if it has exactly
 * one direct call and no other use (and its name is not one the
 * program's assembly uses, in_asm). */
int jit_note_definitions(struct jit *j, LLVMValueRef *defs, const struct ir_asm_names *in_asm);
/* How a module of versions of the n functions fns offers function f to
 * the optimizer: f is one of them; a private copy, which the optimizer
 * inlines as it would a static function (f is reached only through a
 * chain of single calls, none of them in a function with optimized code
 * of its own, from the body of one of fns; or f, without loops, is
 * called once from one of fns' bodies, code of its own or not; or, f
 * being small, from a function offered to inline, through small ones;
 * in OSR code, see osr_offer in whole.c); an
 * available_externally copy to inline or not, calls reaching f's stub; or
 * only a declaration (f is too large to be inlined: not optimizing it
 * saves compile time). */
enum jit_offer { JIT_OFFER_OWN, JIT_OFFER_PRIVATE, JIT_OFFER_INLINE, JIT_OFFER_DECLARE };
#define JIT_INLINE_MAX 1000 /* unoptimized IR instructions */
enum jit_offer jit_offer(const struct jit *j, size_t f, const unsigned *fns, size_t n);
/* f's jit_fn index, if f is one of the program's definitions, else -1. */
long jit_def_index(const struct jit *j, LLVMValueRef f);
/* A section of its own for each function of m that has none (llvm.c). */
void jit_function_sections(LLVMModuleRef m);

/* ir.c */
struct ir {
	struct jit *j;
	LLVMModuleRef m;
	LLVMBuilderRef b;
	LLVMTypeRef i1, i8, i32, i64, ptr;
	bool fast_isel; /* m's code generation is FastISel's (tier 0's) */
};
void ir_open(struct ir *ir, struct jit *j, LLVMModuleRef m);
void ir_close(struct ir *ir);
/* A copy of m whose label addresses name the copy's own blocks. */
LLVMModuleRef ir_clone(LLVMModuleRef m);
/* All of f's uses go to `with` but its labels' addresses, which stay f's. */
void ir_replace_function(LLVMValueRef f, LLVMValueRef with);
/* Where the addresses of f's labels (GNU C's &&label) go, at worst: none
 * taken; only to jumps (indirectbr) in registers; into f's own frame (a
 * local variable or table, whose memory nothing takes out of the frame,
 * read back only for jumps); or somewhere a copy of f would not own (a
 * variable, a call, a local whose address leaves), when f must keep one
 * copy. Each copy of f (a version) has its own constant tables of them. */
enum ir_labels { IR_LABELS_NONE, IR_LABELS_JUMP, IR_LABELS_FRAME, IR_LABELS_SHARED };
enum ir_labels ir_labels(LLVMValueRef f);
/* A copy of the program in which the n functions fns (jit_fn indices) are
 * the only definitions that will be emitted (but for private copies, see
 * jit_offer): fns[k] is renamed to names[k], its definition returned in
 * bodies[k], and all uses of it go to a declaration of its old name (its
 * stub); other functions are offered as jit_offer says; variables are
 * declarations of the tier-0 ones, constants keep their values. The
 * nnamed functions and variables named (in the program's module), which
 * the versions will name once specialized on pointers to them, keep what
 * they reach as the versions' own bodies do. */
/* A definition's blocks, out of it while a copy of the module is made
 * (it is a declaration meanwhile, copied as one), and back after. */
struct ir_aside {
	LLVMValueRef f;
	LLVMBasicBlockRef *blocks;
	unsigned n;
};
bool ir_take_aside(LLVMValueRef f, struct ir_aside *a); /* false: out of memory */
void ir_put_back(struct ir_aside *aside, size_t n);
/* m's variables are defined in another module (tier 0's, or its other
 * part's): each becomes a declaration, but for constants, which keep their
 * values (available_externally) if keep_constants; the lists of
 * constructors and of names to keep (llvm.*) go, and so does module-level
 * assembly that makes a symbol global (ir_asm_exports), which that module
 * assembles: what it defines is defined once. (Other module assembly, a
 * macro or a constant the inline assembly uses, stays: local to each.) */
void ir_variables_elsewhere(LLVMModuleRef m, bool keep_constants);
LLVMModuleRef ir_versions_module(struct jit *j, const unsigned *fns, size_t n, char *const *names,
				 LLVMValueRef *bodies, const LLVMValueRef *named, size_t nnamed);
/* Only what roots[0..n) need stays in m, a version's module: the program's
 * other functions become declarations, or go if nothing calls them; its
 * other constants lose their values. The compile that follows then reads,
 * checks and writes no more than it uses. */
void ir_keep_reached(LLVMModuleRef m, const LLVMValueRef *roots, size_t n);
/*
 * The optimizer works on every body a module holds, inlined in the end or
 * not, and from one function of the Lua interpreter the offers reached
 * most of the interpreter through its error paths: a small function's
 * version, 300 bytes of code, optimized 169 bodies (11,800 instructions)
 * for 300 ms. So ir_keep_reached follows no call in a block that ends in
 * unreachable (after a call that does not return: abort, longjmp, an
 * interpreter's error function), where clang's inliner would not inline
 * anyway; and it walks breadth first, the bodies offered (private or
 * available_externally copies) that it reaches past the roots' own callees
 * counting against a budget, the larger of this and twice the roots' size:
 * past it, they are declarations (calls through their stubs).
 * jit_version_size, the cost model's size, estimates the same over calls
 * (its levels are calls', the walk's are values', so a function reached
 * only through a constant counts from an earlier level there; and a
 * batch's module has one budget where each member's estimate has its own).
 */
#define JIT_KEEP_BUDGET 2000 /* unoptimized IR instructions */
static inline size_t jit_keep_budget(size_t own)
{
	return 2 * own > JIT_KEEP_BUDGET ? 2 * own : JIT_KEEP_BUDGET;
}
/* f's IR instructions. */
size_t ir_instructions(LLVMValueRef f);
/* Whether call calls an intrinsic whose name starts with one of prefixes
 * (NULL-terminated). */
bool ir_calls_intrinsic(LLVMValueRef call, const char *const *prefixes);
/* Whether a function's body never reads its parameter p: no use of it, or
 * only its store into a local that nothing reads, as the front end spills
 * every parameter (a handler of a table that ignores its argument with
 * `(void)arg`). */
bool ir_unread(LLVMValueRef p);
/* Whether bb ends in unreachable. */
bool ir_dead_end(LLVMBasicBlockRef bb);
/* The same for one function. */
LLVMModuleRef ir_version_module(struct jit *j, unsigned fn, const char *name, LLVMValueRef *body);
/* Function f's blocks, in order (malloc'ed), and the loop headers among
 * such a list (the targets of retreating edges of a depth-first walk from
 * the first), as block numbers in headers (if not NULL); their count. */
LLVMBasicBlockRef *ir_blocks(LLVMValueRef f, unsigned *n);
unsigned ir_loop_headers(LLVMBasicBlockRef *blocks, unsigned n, unsigned *headers);
/* Pointer -> value, by open addressing on the pointer: room for n keys
 * (init; false without memory); get is false for a key not put. */
struct ir_ptrmap {
	const void **keys;
	uintptr_t *vals;
	size_t mask;
};
bool ir_ptrmap_init(struct ir_ptrmap *m, size_t n);
void ir_ptrmap_put(struct ir_ptrmap *m, const void *k, uintptr_t v);
bool ir_ptrmap_get(const struct ir_ptrmap *m, const void *k, uintptr_t *v);
void ir_ptrmap_free(struct ir_ptrmap *m);
/* Block -> its number in such a list; -1 for a block not in it. */
struct ir_blockmap {
	struct ir_ptrmap p;
};
bool ir_blockmap_init(struct ir_blockmap *m, LLVMBasicBlockRef *blocks, unsigned n);
long ir_blockmap_get(const struct ir_blockmap *m, LLVMBasicBlockRef b);
void ir_blockmap_free(struct ir_blockmap *m);
/* The blocks of such a list (nb, map) reachable from block from without
 * entering one set in stop (NULL: none), marked in mark; work has room
 * for nb block numbers. */
void ir_reachable(const struct ir_blockmap *map, LLVMBasicBlockRef *blocks, unsigned nb,
		  unsigned from, unsigned char *mark, const unsigned char *stop, unsigned *work);
/*
 * What OSR code (osr.c) entering a tier-0 call at a loop header needs of
 * the call besides its arguments and its static allocas (the frame's
 * first slots): the values computed outside the header's region (below)
 * and used in it, or computed where the header does not reach and used
 * where it does. Unoptimized code keeps values in registers from one
 * block to the next only for a variable-length array (its address, its
 * size, the stack pointer saved before it). Tier 0 stores them in the
 * frame's next slots, in the order ir_osr_live_ins gives, and the OSR code
 * loads them from there: both ask of the function's blocks in order
 * before anything changes them.
 *
 * A header's region: the blocks reachable from it without passing a block
 * above it (one on every path from the entry to it: the headers of the
 * loops around it among them), from the highest that computes a value the
 * region needs and a loop around it computes again on up (ir.c). The OSR
 * code enters a copy of the region, whose way out goes to the original
 * blocks past it, so that a loop around the header is entered at its own
 * header still (entered at the inner one, it was no loop LLVM's loop
 * passes know, and a stencil's rows were addressed anew at every step).
 */
struct ir_osr {
	LLVMBasicBlockRef *blocks;
	unsigned nb;
	struct ir_blockmap map;
	bool mapped;
	unsigned *idom;		/* immediate dominators, found once */
	LLVMValueRef *cands;	/* instructions used outside their block */
	unsigned ncands;
	unsigned char *reach;	/* the last header's: blocks reachable from it */
	unsigned char *region;	/* ... and its region */
	unsigned char *outer;	/* scratch: the blocks above it */
	unsigned *work;
};
/* blocks: the function's, in order (kept); false without memory. */
bool ir_osr_open(struct ir_osr *o, LLVMBasicBlockRef *blocks, unsigned nb);
void ir_osr_close(struct ir_osr *o);
/* For loop header `header` (a block number): its reach and region in o,
 * what it needs in out (room for o->ncands), their count, or -1 without
 * memory; *fit false if one cannot go in a slot (not an integer, pointer,
 * float or double, of 8 bytes at most). */
long ir_osr_live_ins(struct ir_osr *o, unsigned header, LLVMValueRef *out, bool *fit);
/* An argument's bits as an i64 (see enum jit_arg_kind): integers
 * sign-extended, a pointer's address, a float's or double's IEEE bits. */
LLVMValueRef ir_bits(struct ir *ir, LLVMValueRef v);
/* Whether v is a static alloca (constant size) in f's entry block. */
bool ir_is_static_alloca(LLVMValueRef v);
/* Whether m holds assembly: module-level, or an inline-assembly call. */
bool ir_has_assembly(LLVMModuleRef m);
/* The names m's assembly uses, as an assembler reads them: every identifier
 * in its module-level assembly and in its inline-assembly templates
 * (`names`), and the symbols its module-level assembly defines (`labels`:
 * an identifier followed by a colon or `=`, or defined by .set, .equ,
 * .equiv, .eqv, .comm or .lcomm). Strings and comments name nothing. Each
 * sorted; false without memory. */
struct ir_asm_names {
	char **names, **labels;
	size_t nnames, nlabels;
};
bool ir_asm_names(LLVMModuleRef m, struct ir_asm_names *out);
/* Whether m's module-level assembly makes a symbol global (.globl,
 * .global, .weak). */
bool ir_asm_exports(LLVMModuleRef m);
bool ir_asm_names_has(char *const *set, size_t n, const char *name);
void ir_asm_names_free(struct ir_asm_names *a);
/* Whether f calls a function that can return twice (setjmp). */
bool ir_calls_returns_twice(LLVMValueRef f);
/* Copy f's return and parameter attributes to g / to call site c. */
void ir_copy_param_attrs(LLVMValueRef from, LLVMValueRef to, bool call_site);
/* Make every declaration of m that is not thread-local a new one without
 * dso_local: code is generated in the small code model, where a dso_local
 * declaration (clang marks the program's own functions and variables so)
 * would be reached PC-relative, maybe out of range (this binary's libc,
 * another object's data); without it, the JIT's linker reaches it through
 * a GOT entry or a PLT stub. Thread-local ones are left as they are. */
void ir_declarations_not_local(LLVMModuleRef m);
/* The runtime's function that emulated thread-local access calls
 * (runtime/tls.c, by this name in symbols.def), and the table it is given:
 *   ptr __bareflow_tls_address(ptr table, i64 offset): the running
 *   thread's block + offset, the block made at its first call (a copy of
 *   every variable's initial value) from
 *   table = { i64 count, i64 total, [count x { ptr image, i64 offset,
 *   i64 size }] }, defined once, in the module that defines the variables. */
#define JIT_TLS_ADDRESS "__bareflow_tls_address"
#define JIT_TLS_TABLE "bf.tls.table"
/* Lay out the program's own thread-local variables in a thread's block
 * (j->tls), once it is prepared. 0, or JIT_EBADCODE for one aligned to
 * more than a page. */
int ir_tls_layout(struct jit *j);
/* Make m's thread-local variables ordinary ones that hold their initial
 * values and are never written, each llvm.threadlocal.address of one a
 * call to JIT_TLS_ADDRESS, and define or declare JIT_TLS_TABLE: LLVM 19's
 * JIT linker cannot link x86-64's thread-local relocations. 0, or a JIT_E
 * code: a thread-local variable the program does not define (the C
 * library's), or one used other than through the intrinsic or llvm.used. */
int ir_emulate_tls(struct jit *j, LLVMModuleRef m);

/* The program's variable holding address addr, as declared in module m,
 * and addr's offset in it; NULL if addr is in none of them, or is also
 * just past the end of another (which the program may mean). */
LLVMValueRef jit_variable_at(struct jit *j, LLVMModuleRef m, uint64_t addr, uint64_t *off);
/* The managed function (jit_fn index) whose stub is at addr, the address
 * the program has of it; -1 for none. */
long jit_function_at(const struct jit *j, uint64_t addr);

/* tiers.c: the probes' symbols (see const_addr), defined for the JIT. */
enum {
	JIT_PROBE_FNS,
	JIT_PROBE_CURRENT,
	JIT_PROBE_STAMP,
	JIT_PROBE_HOT,
	JIT_PROBE_MISS,
	JIT_PROBE_OSR,
	JIT_PROBES
};
int jit_define_probes(struct jit *j, const struct jit_probes *p);
/* stubs.c: every managed function's stub, under its name, jumping through
 * its slot among p's; once a run. */
int jit_define_stubs(struct jit *j, const struct jit_probes *p);

/* objects.c: keep the object just emitted (jit_codegen_object), and note a
 * version's entry in the last one kept. */
int jit_keep(struct jit *j, const void *bytes, size_t size);
int jit_made(struct jit *j, const void *addr, const char *entry);

/* extent.c: where a function reaches memory through its pointer
 * parameters. For each of the e->n parameters it accesses (e->arg[k]), the
 * byte range [p + lo[k], p + hi[k]) that every access based on it stays
 * in, and whether any writes. True only if every memory access of f is
 * accounted for (through a parameter, a local variable, a constant or the
 * profile), by ranges that follow from constants and loop bounds; false
 * (and e->n = 0) if any is not understood. The IR must be in the form
 * JIT_EXTENT_PASSES leave (promoted locals, rotated loops, canonical
 * induction variables), which -O3 makes first anyway. (A textual
 * "instcombine" checks that one round reached a fixpoint and ends the
 * process when it did not, which a real program's code met; -O3's own
 * instcombine does not check.) */
struct jit_extents {
	unsigned n;
	unsigned arg[JIT_MAX_ARGS];
	int64_t lo[JIT_MAX_ARGS], hi[JIT_MAX_ARGS];
	bool written[JIT_MAX_ARGS];
};
/*
 * Tier 0 in the tier-0 file (jit_tier0_for_any_cpu): made on the host while
 * the guest boots, which gives the host some 0.15 s before the guest asks
 * for it, so it is optimized lightly where tier 0 compiled in the runtime
 * is not at all (-O0 IR, the fast instruction selector): local variables
 * in registers where no OSR entry takes their address (a function with
 * loops keeps them in memory: its OSR entry passes them on, and the
 * optimizer must leave them there for it), redundancies and branches
 * folded, then the code generator at level 2. Its code is a third smaller,
 * and cold bare-metal runs of bench/real's lz, wordfreq and crc took 4 to
 * 9% less time; the host takes 3 to 6 times as long (60-150 ms), which
 * the cost model's prior allows for (TIER0_FILE_EFFORT, prof/policy.c).
 */
#define JIT_TIER0_FILE_PASSES "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)"
#define JIT_TIER0_FILE_LEVEL 2
/*
 * Tier 1, the quick tier (prof/policy.c says when): the always_inline
 * callees inlined (SIMD intrinsics' wrappers, which were otherwise calls
 * through their stubs, ten times slower than -O3's code) and the small
 * ones a version offers, which ir_inline_small marks so (not LLVM's
 * inliner: in Duktape's 11,400-instruction interpreter it inlined hundreds
 * of callees, and the compile took 0.68 s against 0.44 s), local
 * variables in registers, redundancies folded, no loop passes, then the
 * code generator at level 2. For a large function it costs a fraction of
 * -O3's compile for most of -O3's speed (bzip2's 1,600-line decompressor:
 * 0.16-0.21 s against 0.8 s standalone, and its code as fast as -O3's); it
 * keeps counting for the -O3 compile that may follow.
 */
#define JIT_TIER1_PASSES                                                                           \
	"always-inline,globaldce,function(sroa,early-cse,instcombine<no-verify-fixpoint>)"
#define JIT_TIER1_INLINE_MAX 40 /* unoptimized IR instructions */
/* Marks always_inline every function of m with a body but keep (a
 * version's offered callees, and private copies) that is not noinline and
 * comes to at most max instructions with what it would inline. */
void ir_inline_small(LLVMModuleRef m, LLVMValueRef keep, size_t max);
#define JIT_TIER1_LEVEL 2
/* tiers.c: tier 1's compile of m (taken), whose function named name is the
 * version: its small callees marked (ir_inline_small), the quick passes
 * and the code generator in one jit_emit_seen (on the compile server, one
 * request), which marks in calls, if given, what the optimized version
 * calls. A version and OSR code alike. */
int jit_emit_quick(struct jit *j, LLVMModuleRef m, const char *name, unsigned char *calls);
#define JIT_EXTENT_PASSES                                                                          \
	"function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,"                         \
	"loop(loop-rotate,indvars))"
bool jit_param_extents(struct jit *j, LLVMValueRef f, struct jit_extents *e);
/* Whether the parameters r leaves unspecialized in its body include two
 * pointers (a specialization at tier 2): then their extents are worth
 * finding. */
bool jit_has_pointer_pair(const struct jit_request *r, LLVMValueRef body);
/*
 * The no-overlap specialization: when the specialized body reaches memory
 * only through its pointer parameters, each within a range that the
 * values it is specialized on (sizes, loop bounds) fix, and one of them at
 * least writes, those parameters become noalias in body and e holds their
 * ranges, which the guard must check (jit_apart) before it calls body.
 * The optimizer can then keep what it loads through one pointer in
 * registers across stores through another (a matrix product's output row
 * across the whole inner product). Otherwise e->n = 0.
 */
void jit_no_overlap(struct ir *ir, LLVMValueRef body, struct jit_extents *e);
/* In a guard being built (at the builder): whether the ranges of e, at the
 * guard's own parameters, are apart, pair by pair where one of the two is
 * written: p + hi <= q + lo or q + hi <= p + lo (an i1). */
LLVMValueRef jit_apart(struct ir *ir, LLVMValueRef guard, const struct jit_extents *e);

/* remote.c: jit_emit_seen on the compile server (j->remote): m goes as
 * bitcode, the object comes back and is linked here. */
int jit_remote_compile(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes, int cg,
		       const char *watch, unsigned char *calls);
/* Whether m's compile goes to the compile server: not in a child the
 * program forked, which compiles itself from then on, nor with assembly
 * in m, which the server refuses (an assembler reads files: .incbin). */
bool jit_remote_usable(struct jit *j, LLVMModuleRef m);
/* jit_optimize's passes run over *m on the compile server, which sends the
 * module back: *m is then that one (the old disposed); on an error *m is
 * left as it was. */
int jit_remote_passes(struct jit *j, LLVMModuleRef *m, int opt, const char *passes);

/* osr.c */
int jit_build_osr(struct jit *j, LLVMModuleRef m, LLVMValueRef body, unsigned loop,
		  const char *name);

#endif
