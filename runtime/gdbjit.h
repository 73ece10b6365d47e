/* gdb's JIT interface (gdbjit.c). */
#ifndef BFRT_GDBJIT_H
#define BFRT_GDBJIT_H

#include <stdint.h>

/* Tell gdb (when one is attached, hosted or through QEMU's stub) that the
 * function name's code is at [start, start + size): then `break name`
 * stops in every version of it, and bt names its frames. */
void gdbjit_add(uint64_t start, uint64_t size, const char *name);

#endif
