/* The kernel's own symbol table, for symbolized backtraces. */
#ifndef BF_KSYMS_H
#define BF_KSYMS_H

#include <stdint.h>

/* Find the function containing addr. Returns its name and sets *offset, or
 * returns NULL if addr is outside every known function. */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);
/* Address of the function called name, or 0. */
uint64_t ksyms_address(const char *name);
/* Print a backtrace by walking frame pointers from rbp, starting with rip. */
void ksyms_backtrace(uint64_t rip, uint64_t rbp);

#endif
