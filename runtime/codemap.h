/*
 * The map of the JIT's code: every function it links, with its address
 * range and a label a person reads ("matmul [tier 2, arg3=96]"). It is
 * published at the symbol bareflow_jitmap (kernel/include/jitmap.h) for
 * BareFlow's fault reports, read by the hosted fault report (fault.c), and
 * written as a perf map (/tmp/perf-PID.map) on request.
 */
#ifndef BFRT_CODEMAP_H
#define BFRT_CODEMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/jit.h"

/* Start mapping what j links from now on; with perf_map, also write
 * /tmp/perf-PID.map (a line per function: start and size in hex, label)
 * as functions are installed; with gdb, register each function with gdb's
 * JIT interface (gdbjit.h). Returns 0, or -1 after printing why the map
 * cannot be written. */
int codemap_init(struct jit *j, bool perf_map, bool gdb);
/* In a forked child (fork.c): --perf-map's file is the child's own,
 * /tmp/perf-PID.map with the entries written so far. */
void codemap_forked(void);

/* The version compiled for r is installed (code: its entry, the guard of a
 * specialized version; fallback: as a guard's fallback): its label gets
 * what the symbol does not say (the values specialized on, the target). */
void codemap_version(const struct jit_request *r, const void *code, bool fallback);

/* The label of the code holding addr and addr's offset in it, or NULL.
 * Async-signal-safe (a fault report's). */
const char *codemap_lookup(uint64_t addr, uint64_t *offset);

#endif
