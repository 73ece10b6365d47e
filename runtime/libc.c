/*
 * The rest of the C library for JIT code: the names of libc.def (written
 * by tools/libc-names.py: what glibc's headers declare and its archives
 * define, beyond symbols.def's). Only their addresses are taken, so they
 * are declared here as bare names rather than through their headers, whose
 * prototypes, across the feature macros a program may compile under,
 * would not all agree with one another (this file builds with
 * -fno-builtin, so that none is taken for a compiler builtin either).
 */
#include "jit/jit.h" /* and no header declaring the names */

const struct jit_symbol *libc_symbols(size_t *n);

#define F(name) extern void name(void);
#define L(name) extern void name(void);
#define D(name) extern char name[];
#include "libc.def"
#undef F
#undef L
#undef D

#define F(name) {#name, (void *)&name, true, false},
#define L(name) {#name, (void *)&name, true, true},
#define D(name) {#name, (void *)name, false, false},
static const struct jit_symbol table[] = {
#include "libc.def"
};
#undef F
#undef L
#undef D

const struct jit_symbol *libc_symbols(size_t *n)
{
	*n = sizeof table / sizeof table[0];
	return table;
}
