/*
 * The code cache: what a run of a program compiled, kept for the next run
 * of the same program. At exit, each function's code as it is then (its
 * slot's version and a specialization's generic fallback, as object code),
 * with its profile, goes to one file per program; the next run links that
 * code before main, so each function starts where the last run left it.
 * The file is keyed by a hash of the program's bitcode, and records the
 * runtime's build, LLVM's version, the CPU and its features and the policy:
 * a file that does not match, or is damaged, is ignored with one warning.
 */
#ifndef BFRT_CACHE_H
#define BFRT_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/jit.h"
#include "prof/prof.h"

/* Use the cache in dir (NULL: $XDG_CACHE_HOME/bareflow, or
 * ~/.cache/bareflow) for the program loaded into j (prepared: prof_init),
 * run under policy: read the program's file if there is one (a warning if
 * it cannot be used), and keep the objects the JIT makes from now on. */
void cache_open(struct jit *j, const char *dir, const struct prof_policy *policy, bool verbose);
/* Whether cache_open would find a file for the program as read so far
 * (it may still not fit the program as prepared): before jit_prepare. */
bool cache_file_exists(struct jit *j, const char *dir, const struct prof_policy *policy);
/* Instead of compiling tier 0: link the stored tier-0 code (the probes p,
 * the address of main in *entry). False if there is none (compile it). */
bool cache_tier0(const struct jit_probes *p, void **entry);
/* After tier 0, before main: link the stored versions and restore the
 * profile. Returns the functions restored (0 on a miss or a bad file). */
unsigned cache_load(void);
/* At exit: store every function's code and profile (a temporary file,
 * renamed into place). A failure is one warning. */
void cache_save(void);
/* The stored requests of the program's functions (after cache_open; false
 * without a usable file): *n requests in *r (malloc'ed), with the calls
 * their guards passed and missed in *weights, and the code choice
 * (any x86-64 rather than this CPU). For `bareflow export`. */
bool cache_requests(struct jit_request **r, uint64_t (**weights)[2], size_t *n, bool *generic);
/* Empty the cache directory (dir as for cache_open) of the files it made.
 * Returns how many went, or -1 with a message. */
int cache_clear(const char *dir);
/*
 * The tier-0 file: a program's tier-0 code compiled by another process of
 * this runtime (`bareflow jit` makes it on the host, for any x86-64, for
 * the guest it boots), with the program as that process prepared it, and
 * the time reading the prepared program and compiling tier 0 took there.
 * It is keyed by the runtime's build, LLVM's version and the program's
 * bitcode; one that does not match, is damaged or malformed, or whose
 * program does not read is ignored with a warning, and the program is read
 * from its bitcode and tier 0 compiled here. Its code is for the program's
 * functions as they were prepared there (their shape): code that is not,
 * or does not link, is ignored with a warning, and tier 0 is compiled here
 * from the prepared program.
 */
/* Write the tier-0 code of j (compiled, its objects and its prepared
 * program kept) to path; 0, or -1 with a message. */
int cache_write_tier0(struct jit *j, const char *path, uint64_t tier0_ns);
/* Instead of the program's bitcode files (jit_hash_file'd, for the key):
 * the prepared program in the tier-0 file at path (jit_add_prepared). The
 * file is kept for cache_read_tier0. False, with a warning, if it cannot
 * be used. */
bool cache_tier0_program(struct jit *j, const char *path);
/* Then, once the program is prepared, instead of compiling tier 0: link
 * the code in the same file (the probes p, the address of main in
 * *entry), and give the times it records. False, with a warning, if it
 * cannot be used, and at once if cache_tier0_program was not. */
bool cache_read_tier0(struct jit *j, const struct jit_probes *p, void **entry, uint64_t *read_ns,
		      uint64_t *tier0_ns);
/* The file is no longer needed (cache_read_tier0 lets it go itself). */
void cache_tier0_done(void);
/* The file used, for the report ("" before cache_open). */
const char *cache_path(void);

#endif
