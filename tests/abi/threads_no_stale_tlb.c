/* No lost TLB shootdown: one thread reads pages in a loop while another
 * unmaps them (then makes others PROT_NONE, then maps new data over them):
 * once the change has returned, the reader's next access must fault, or
 * see the new data, never the old pages. Run on two CPUs by
 * tests/boot/threads_smp.sh, where the reader runs on the other CPU. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define PAGES 16
#define PAGE 4096
#define ROUNDS 20

static volatile char *area;
static volatile int changed, reading, round_no = -1;
static sigjmp_buf jump;
static volatile int faults, stale, fresh, other;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(jump, 1);
}

enum { UNMAP, PROTECT, REMAP };
static int mode;

static void *reader(void *arg)
{
	struct sigaction sa = {.sa_handler = on_segv};
	sigaction(SIGSEGV, &sa, NULL);
	for (int r = 0; r < ROUNDS; r++) {
		while (round_no != r)
			;
		volatile char *p = area;
		reading = 1;
		if (sigsetjmp(jump, 1)) {
			faults++;
			continue;
		}
		for (;;) {
			int seen_change = changed;
			unsigned sum = 0;
			for (int i = 0; i < PAGES; i++)
				sum += (unsigned char)p[i * PAGE];
			if (seen_change) { /* read after the change returned */
				if (sum == PAGES * 1u)
					stale++;
				else if (sum == PAGES * 2u)
					fresh++;
				else
					other++;
				break;
			}
		}
	}
	return arg;
}

int main(void)
{
	pthread_t t;
	pthread_create(&t, NULL, reader, NULL);
	for (int r = 0; r < ROUNDS; r++) {
		mode = r % 3;
		char *m = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		for (int i = 0; i < PAGES; i++)
			m[i * PAGE] = 1;
		area = m;
		changed = reading = 0;
		round_no = r;
		while (!reading)
			;
		for (volatile int spin = 0; spin < 20000; spin++)
			;
		if (mode == UNMAP) {
			munmap(m, PAGES * PAGE);
		} else if (mode == PROTECT) {
			mprotect(m, PAGES * PAGE, PROT_NONE);
		} else {
			char *n = mmap(m, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			for (int i = 0; i < PAGES; i++)
				n[i * PAGE] = 2;
		}
		changed = 1;
		while /* the reader finishes the round */ (faults + stale + fresh + other < r + 1)
			;
		if (mode != UNMAP)
			munmap(m, PAGES * PAGE);
	}
	pthread_join(t, NULL);
	printf("rounds %d: faults %d, new data %d, stale data %d, other %d\n", ROUNDS, faults, fresh,
	       stale, other);
	return 0;
}
