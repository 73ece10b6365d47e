/* The runtime's parts, as main.c sees them. */
#ifndef BFRT_RUNTIME_H
#define BFRT_RUNTIME_H

#include <stddef.h>

#include "jit/jit.h"

/* symbols.c: what JIT code may call in this binary (symbols.def). */
const struct jit_symbol *runtime_symbols(size_t *n);

#endif
