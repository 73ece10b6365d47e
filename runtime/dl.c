/*
 * The dynamic loader's interface (dlfcn.h) for JIT-compiled programs.
 * BareFlow's JIT runs one program, linked whole from its bitcode with the
 * C library this binary provides, and loads no shared objects. So a
 * program that names these functions runs (an interpreter that can load
 * C modules, a plugin host), and one that calls them gets what a loader
 * finding nothing to load gives: dlopen and dlsym return NULL, dlclose
 * refuses a handle it never gave, and dlerror says why, once, per thread,
 * naming the file or symbol. Before, naming dlopen made the program fail
 * to start (exit 127).
 */
#include <stdio.h>

#include "runtime.h"

static __thread char dl_message[512];
static __thread int dl_pending;

static void dl_fail(const char *what, const char *name)
{
	snprintf(dl_message, sizeof dl_message,
		 "%s %s: BareFlow's JIT loads no shared objects (the program is linked whole "
		 "from its bitcode and the C library the runtime provides; give a library's "
		 "sources as inputs)",
		 what, name);
	dl_pending = 1;
}

void *rt_dlopen(const char *file, int mode)
{
	(void)mode;
	dl_fail("dlopen", file ? file : "(the program itself)");
	return NULL;
}

void *rt_dlsym(void *handle, const char *symbol)
{
	(void)handle;
	dl_fail("dlsym", symbol ? symbol : "(no name)");
	return NULL;
}

void *rt_dlvsym(void *handle, const char *symbol, const char *version)
{
	(void)version;
	return rt_dlsym(handle, symbol);
}

int rt_dlclose(void *handle)
{
	(void)handle;
	dl_fail("dlclose", "(a handle dlopen never gave)");
	return -1;
}

char *rt_dlerror(void)
{
	if (!dl_pending)
		return NULL;
	dl_pending = 0;
	return dl_message;
}
