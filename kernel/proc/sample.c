/*
 * The sampling profiler: the LAPIC timer, run at the asked rate, calls
 * sample_tick, which records where the program is: its RIP and the
 * frame-pointer chain of its stack, under the kernel's own frames when the
 * interrupt came in the kernel (a system call's user registers are in its
 * frame). User memory is read only where the page tables map it for the
 * user, through the direct map: a sample never faults, whatever the stack
 * holds. Identical stacks share one counted entry of a fixed table, so
 * memory stays bounded and the dump at exit is short. Every CPU samples
 * the thread it runs, into the one table (under a lock, taken in the
 * interrupt only); a CPU with no thread of the program is not sampled.
 */
#include "sample.h"

#include "console.h"
#include "contract.h"
#include "heap.h"
#include "kernel.h"
#include "ksyms.h"
#include "kstring.h"
#include "percpu.h"
#include "printf.h"
#include "proc.h"
#include "spinlock.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"
#include "trap.h"
#include "vm.h"
#include "x86.h"

struct stack {
	uint64_t count;
	uint32_t depth;
	uint32_t hash;
	uint64_t pc[SAMPLE_DEPTH]; /* the leaf first */
};

static struct {
	struct stack *table; /* SAMPLE_STACKS, open addressing */
	unsigned used;
	uint64_t samples, dropped;
	uint64_t cycles; /* TSC cycles spent in sample_tick */
	const void *syscall[MAX_CPUS]; /* the handler a CPU's pending tick belongs to */
	struct spinlock lock; /* the table and counts */
} S = {.lock = SPINLOCK_INIT("sample", LOCK_RANK_SAMPLE)};

/* The user word at va, if the page tables map it for the user. */
static bool peek(uint64_t va, uint64_t *out)
{
	uint64_t pa;
	unsigned flags;

	if ((va & 7) || va >= USER_TOP || vm_lookup(proc_space(), va, &pa, &flags) ||
	    !(flags & VM_USER))
		return false;
	*out = *(const uint64_t *)phys_to_virt(pa);
	return true;
}

/* The user frames from rip up the chain at rbp (frames live above rsp, and
 * each is above the one before). */
static unsigned user_frames(uint64_t *pc, unsigned n, uint64_t rip, uint64_t rbp, uint64_t rsp)
{
	if (n == SAMPLE_DEPTH)
		return n;
	pc[n++] = rip;
	while (n < SAMPLE_DEPTH && rbp >= rsp) {
		uint64_t next, ret;
		if (!peek(rbp, &next) || !peek(rbp + 8, &ret) || !ret || ret >= USER_TOP)
			break;
		pc[n++] = ret - 1; /* inside the call */
		if (next <= rbp)
			break;
		rbp = next;
	}
	return n;
}

/* The kernel frames from the interrupted RIP up to the entry from user
 * mode (kernel code keeps frame pointers). */
static unsigned kernel_frames(uint64_t *pc, uint64_t rip, uint64_t rbp)
{
	struct trap_catcher c;
	volatile unsigned n = 0;
	const uint64_t first = rbp;

	pc[n++] = rip;
	if (trap_catch(&c)) /* a frame pointer into nothing ends the walk */
		return n;
	while (n < SAMPLE_DEPTH / 2 && rbp >= 0xffff800000000000ull && !(rbp & 7)) {
		const uint64_t *f = (const uint64_t *)(uintptr_t)rbp;
		if (f[1] < 0xffffffff80000000ull || !ksyms_lookup(f[1] - 1, &(uint64_t){0}))
			break;
		pc[n++] = f[1] - 1;
		/* up the stack, and within one kernel stack's size of where
		 * the walk began: the frame a system call entered from holds
		 * the program's own RBP, which may point anywhere */
		if (f[0] <= rbp || f[0] - first >= 65536)
			break;
		rbp = f[0];
	}
	trap_uncatch(&c);
	return n;
}

static uint32_t hash_of(const uint64_t *pc, unsigned n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (unsigned i = 0; i < n; i++)
		h = (h ^ pc[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ (h >> 32));
}

static void count(const uint64_t *pc, unsigned n)
{
	uint32_t h = hash_of(pc, n);
	S.samples++;
	for (unsigned i = 0; i < SAMPLE_STACKS; i++) {
		struct stack *s = &S.table[(h + i) % SAMPLE_STACKS];
		if (!s->count) {
			if (S.used * 4 >= SAMPLE_STACKS * 3) /* keep probes short */
				break;
			S.used++;
			s->hash = h;
			s->depth = n;
			memcpy(s->pc, pc, n * sizeof *pc);
			s->count = 1;
			return;
		}
		if (s->hash == h && s->depth == n && !memcmp(s->pc, pc, n * sizeof *pc)) {
			s->count++;
			return;
		}
	}
	S.dropped++;
}

static void sample_tick(struct trapframe *tf)
{
	uint64_t pc[SAMPLE_DEPTH], t0 = rdtsc();
	unsigned n = 0;

	unsigned id = this_cpu()->id;
	if (!proc_active() || !current_thread())
		return; /* this CPU waits for a thread: nothing of the program runs */
	if (tf->cs & 3) {
		if (S.syscall[id]) /* the tick came during that system call */
			pc[n++] = (uint64_t)(uintptr_t)S.syscall[id];
		S.syscall[id] = NULL;
		n = user_frames(pc, n, tf->rip, tf->rbp, tf->rsp);
	} else {
		n = kernel_frames(pc, tf->rip, tf->rbp);
		const struct trapframe *u = syscall_frame(); /* the program, below */
		if (u)
			n = user_frames(pc, n, u->rip, u->rbp, u->rsp);
	}
	spin_lock(&S.lock); /* interrupts are off in the handler */
	count(pc, n);
	S.cycles += rdtsc() - t0;
	spin_unlock(&S.lock);
}

void sample_syscall_done(const void *fn)
{
	if (S.table && fn && timer_pending())
		S.syscall[this_cpu()->id] = fn;
}

void sample_init(void)
{
	char val[16];
	if (!cmdline_get(CONTRACT_WORD_SAMPLE, val, sizeof val))
		return;
	unsigned long hz = 0;
	for (const char *p = val; *p >= '0' && *p <= '9'; p++)
		hz = hz * 10 + (unsigned long)(*p - '0');
	if (hz < SAMPLE_HZ_MIN || hz > SAMPLE_HZ_MAX) {
		kprintf("sample: ignoring sample=%s (%d to %d)\n", val, SAMPLE_HZ_MIN,
			SAMPLE_HZ_MAX);
		return;
	}
	if (!(S.table = kzalloc(SAMPLE_STACKS * sizeof *S.table))) {
		kprintf("sample: no memory for the sample table\n");
		return;
	}
	timer_sample(hz, sample_tick);
	kprintf("sample: %lu Hz\n", hz);
}

/* Append the frame's token to line (len bytes, *n used). */
static void frame(char *line, size_t len, size_t *n, uint64_t pc)
{
	char label[128];
	uint64_t off;
	const char *name;
	int w;

	if (pc >= 0xffff800000000000ull)
		w = (name = ksyms_lookup(pc, &off)) ? ksnprintf(line + *n, len - *n, "k:%s", name)
						    : ksnprintf(line + *n, len - *n, "k:?");
	else if ((name = proc_jit_symbolize(pc, label, &off)))
		w = ksnprintf(line + *n, len - *n, "j:%s", name);
	else
		w = ksnprintf(line + *n, len - *n, "u:%lx", pc);
	if (w > 0 && *n + (size_t)w < len)
		*n += (size_t)w;
}

void sample_dump(void)
{
	static char line[SAMPLE_DEPTH * 136];

	if (!S.table)
		return;
	timer_sample(0, NULL); /* and every CPU has left sample_tick */
	for (unsigned i = 0; i < SAMPLE_STACKS; i++) {
		const struct stack *s = &S.table[i];
		if (!s->count)
			continue;
		size_t n = (size_t)ksnprintf(line, sizeof line, CONTRACT_SAMPLE_LINE "%lu ", s->count);
		for (unsigned d = s->depth; d-- > 0 && n + 2 < sizeof line;) {
			frame(line, sizeof line - 1, &n, s->pc[d]);
			if (d && n + 2 < sizeof line)
				line[n++] = ';';
		}
		line[n++] = '\n';
		debugcon_write(line, n);
	}
	int n = ksnprintf(line, sizeof line, CONTRACT_SAMPLE_END "%lu %lu %lu\n", S.samples,
			  S.dropped, S.cycles);
	debugcon_write(line, (size_t)n);
	memset(S.table, 0, SAMPLE_STACKS * sizeof *S.table);
	S.used = 0;
	S.samples = S.dropped = S.cycles = 0;
}
