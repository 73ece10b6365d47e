/* fork under the JIT: the parent's hot code before the fork, the child's
 * work (hot functions only the child calls, which its copy of the runtime,
 * without the parent's compiler thread, compiles on the child's own
 * thread), its exit status, vfork and exec, and the parent's work after.
 * Where fork fails (bare-metal: the kernel makes no new process) it says
 * so and goes on. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long mix(unsigned long x)
{
	x ^= x >> 31;
	x *= 0x9E3779B97F4A7C15ul;
	return x ^ x >> 29;
}

static unsigned long in_parent(long n)
{
	unsigned long h = 1;
	for (long i = 0; i < n; i++)
		h = mix(h + (unsigned long)i);
	return h;
}

/* hot only in the child */
static unsigned long step(unsigned long h, long i)
{
	return (h << 7 | h >> 57) ^ (unsigned long)(i * 31);
}

static unsigned long in_child(long n)
{
	unsigned long h = 7;
	for (long i = 0; i < n; i++)
		h = step(h, i);
	return h;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0;
	if (n < 1000)
		n = 3000000;
	printf("parent before: %lx\n", in_parent(n));
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		printf("fork failed: %s\n", strerror(errno));
		printf("instead: %lx\n", in_child(n)); /* the same work, here */
	} else if (pid == 0) {
		printf("child: %lx\n", in_child(n));
		exit(3);
	} else {
		int status;
		if (waitpid(pid, &status, 0) != pid)
			printf("waitpid failed: %s\n", strerror(errno));
		else
			printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	fflush(stdout);
	pid = vfork();
	if (pid < 0) {
		printf("vfork failed: %s\n", strerror(errno));
	} else if (pid == 0) {
		execl("/bin/echo", "echo", "exec'd from the vfork child", (char *)NULL);
		_exit(127);
	} else {
		int status;
		waitpid(pid, &status, 0);
		printf("vfork child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
	printf("parent after: %lx\n", in_parent(n / 2));
	return 0;
}
