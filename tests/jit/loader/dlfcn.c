/* dlfcn.h under the JIT, which loads no shared objects (runtime/dl.c):
 * dlopen and dlsym fail, dlerror says so once. With an argument, the
 * message goes to stderr. */
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	void *h = dlopen("libdemo.so", RTLD_NOW);
	const char *e = dlerror();
	printf("dlopen: %s, error %s\n", h ? "handle" : "NULL", e ? "set" : "none");
	printf("dlerror again: %s\n", dlerror() ? "set" : "none");
	void *s = dlsym(RTLD_DEFAULT, "main");
	e = dlerror();
	printf("dlsym: %s, error %s\n", s ? "address" : "NULL", e ? "set" : "none");
	if (argc > 1 && e)
		fprintf(stderr, "%s\n", e);
	return 0;
}
