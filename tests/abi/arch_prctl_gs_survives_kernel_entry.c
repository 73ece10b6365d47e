/* The program's own GS base (arch_prctl ARCH_SET_GS) survives system calls,
 * signals and timer interrupts, now that the kernel keeps its per-CPU data
 * behind GS too; ARCH_GET_GS reads it back, and FS stays independent. */
#include <asm/prctl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static uint64_t area[4] = {0x1111, 0x2222, 0x3333, 0x4444};
static volatile int ticks;

static uint64_t gs_read(int i)
{
	uint64_t v;
	__asm__ volatile("mov %%gs:(,%1,8), %0" : "=r"(v) : "r"((uint64_t)i));
	return v;
}

static uint64_t get_base(int code)
{
	uint64_t base = 0;
	if (syscall(SYS_arch_prctl, code, &base))
		return ~0ull;
	return base;
}

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

int main(void)
{
	uint64_t fs = get_base(ARCH_GET_FS);

	printf("initial GS base is zero: %d\n", get_base(ARCH_GET_GS) == 0);
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, (uint64_t)(uintptr_t)area)) {
		perror("ARCH_SET_GS");
		return 1;
	}
	printf("GET_GS matches: %d\n", get_base(ARCH_GET_GS) == (uint64_t)(uintptr_t)area);
	printf("FS unchanged: %d\n", get_base(ARCH_GET_FS) == fs);
	printf("gs:8 = %lx\n", (unsigned long)gs_read(1));
	for (int i = 0; i < 1000; i++)
		getppid();
	printf("after 1000 system calls gs:16 = %lx\n", (unsigned long)gs_read(2));

	signal(SIGALRM, on_alarm);
	struct itimerval it = {{0, 2000}, {0, 2000}};
	setitimer(ITIMER_REAL, &it, NULL);
	uint64_t bad = 0;
	while (ticks < 20)
		if (gs_read(3) != 0x4444)
			bad++;
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	printf("through signals and interrupts, wrong reads: %lu\n", (unsigned long)bad);
	printf("GET_GS still matches: %d\n", get_base(ARCH_GET_GS) == (uint64_t)(uintptr_t)area);

	printf("kernel base refused: %d\n", syscall(SYS_arch_prctl, ARCH_SET_GS, 0xffff800000000000ull) == -1);
	printf("bad code refused: %d\n", syscall(SYS_arch_prctl, 0x1234, 0) == -1);
	syscall(SYS_arch_prctl, ARCH_SET_GS, 0);
	printf("reset to zero: %d\n", get_base(ARCH_GET_GS) == 0);
	return 0;
}
