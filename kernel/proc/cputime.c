/*
 * CPU time of threads and of the process. A thread's time is the TSC time of
 * its stints on a CPU (sched.c's run), less the time its CPU halted while it
 * was the current thread (a short device wait); the process's is the sum
 * over its live threads plus what the exited ones had. Each CPU's timer
 * tick samples whether its thread ran user code or the kernel, and a time
 * is split into user and system time in that ratio (as Linux splits its
 * exact runtime): nothing runs on the system call path. The tick also
 * enforces RLIMIT_CPU on the summed time.
 */
#include "kerrno.h"
#include "ksignal.h"
#include "proc.h"
#include "task.h"
#include "timer.h"
#include "x86.h"

#define NS 1000000000ull

/* The writer's side of t's sequence count, on t's CPU with interrupts off
 * (a tick on the same CPU reads it, and must never see it odd). */
static void seq_write(struct thread *t)
{
	__atomic_store_n(&t->cpu_seq, t->cpu_seq + 1, __ATOMIC_RELEASE); /* after the changes */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);			     /* before the next ones */
}

void cputime_stint_begin(struct thread *t)
{
	uint64_t flags = irq_save();

	seq_write(t);
	t->on_tsc = rdtsc();
	seq_write(t);
	irq_restore(flags);
}

void cputime_stint_end(struct thread *t)
{
	uint64_t flags = irq_save();

	seq_write(t);
	t->ran_tsc += rdtsc() - t->on_tsc;
	t->on_tsc = 0;
	seq_write(t);
	irq_restore(flags);
}

bool cputime_pause(void)
{
	struct thread *t = this_cpu()->thread;

	if (!t || !__atomic_load_n(&t->on_tsc, __ATOMIC_RELAXED))
		return false;
	cputime_stint_end(t);
	return true;
}

void cputime_resume(bool paused)
{
	if (paused)
		cputime_stint_begin(this_cpu()->thread);
}

uint64_t thread_cpu_tsc(const struct thread *t)
{
	for (;;) {
		uint32_t seq = __atomic_load_n(&t->cpu_seq, __ATOMIC_ACQUIRE);
		if (seq & 1) {
			cpu_relax();
			continue;
		}
		uint64_t ran = __atomic_load_n(&t->ran_tsc, __ATOMIC_RELAXED);
		uint64_t on = __atomic_load_n(&t->on_tsc, __ATOMIC_RELAXED), now = rdtsc();
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&t->cpu_seq, __ATOMIC_RELAXED) == seq)
			return ran + (on && now > on ? now - on : 0); /* TSCs of CPUs may differ a little */
	}
}

void cputime_tick(const struct trapframe *tf)
{
	struct thread *t = this_cpu()->thread;

	if (!t || !__atomic_load_n(&t->on_tsc, __ATOMIC_RELAXED))
		return; /* a scheduler loop, or halted */
	if (tf->cs & 3)
		t->user_ticks++;
	else
		t->sys_ticks++;
}

/* Split total ns in the ratio of user to kernel ticks; with no kernel tick
 * (or none at all), all of it is user time. */
static void split(uint64_t total, uint64_t user_ticks, uint64_t sys_ticks, uint64_t *user_ns,
		  uint64_t *sys_ns)
{
	uint64_t n = user_ticks + sys_ticks, k = sys_ticks;

	*sys_ns = k ? total / n * k + total % n * k / n : 0;
	*user_ns = total - *sys_ns;
}

void thread_cputime(const struct thread *t, uint64_t *user_ns, uint64_t *sys_ns)
{
	split(time_tsc_to_ns(thread_cpu_tsc(t)), t->user_ticks, t->sys_ticks, user_ns, sys_ns);
}

void proc_cputime(uint64_t *user_ns, uint64_t *sys_ns)
{
	const struct proc *p = current_proc();
	uint64_t tsc = p->cpu.exited_tsc, u = p->cpu.exited_user_ticks;
	uint64_t k = p->cpu.exited_sys_ticks;

	for (const struct thread *t = p->threads; t; t = t->next) {
		tsc += thread_cpu_tsc(t);
		u += t->user_ticks;
		k += t->sys_ticks;
	}
	split(time_tsc_to_ns(tsc), u, k, user_ns, sys_ns);
}

void cputime_exit(struct thread *t)
{
	struct proc *p = t->proc;

	p->cpu.exited_tsc += thread_cpu_tsc(t);
	p->cpu.exited_user_ticks += t->user_ticks;
	p->cpu.exited_sys_ticks += t->sys_ticks;
}

void cputime_limit_poll(void)
{
	struct proc *p = current_proc();
	struct krlimit *lim = &p->rlimit[RLIMIT_CPU];
	uint64_t user, sys;

	if (lim->cur == RLIM_INFINITY)
		return;
	proc_cputime(&user, &sys);
	uint64_t secs = (user + sys) / NS;
	struct ksiginfo info = {.signo = SIGXCPU, .code = SI_KERNEL};
	if (lim->max != RLIM_INFINITY && secs >= lim->max) {
		info.signo = SIGKILL; /* the hard limit: no more warnings */
		signal_send_info(&info);
		return;
	}
	if (secs < lim->cur)
		return;
	/* As Linux: another SIGXCPU each further second, up to the hard limit. */
	if (lim->cur < lim->max)
		lim->cur++;
	signal_send_info(&info);
}

/*
 * A CPU-time clock id (negative, as clock_getcpuclockid and
 * pthread_getcpuclockid make them): ~pid << 3, bit 2 for a thread's clock,
 * and in the low bits PROF (0: all CPU time), VIRT (1: user time) or SCHED
 * (2: all, to the nanosecond); 3 is a descriptor's clock, which we lack.
 * Pid 0 is the caller (or its process). A thread's clock must name a thread
 * of the process; a process's, the process, or (when reading) the caller.
 */
#define CPUCLOCK_PERTHREAD 4
#define CPUCLOCK_VIRT 1
#define CPUCLOCK_SCHED 2

int cputime_clock_decode(int id, bool reading, struct thread **t, bool *user_only)
{
	int pid = ~(id >> 3), which = id & 3;
	struct thread *self = current_thread();

	if (id >= 0 || which == 3)
		return -EINVAL;
	*user_only = which == CPUCLOCK_VIRT;
	*t = NULL;
	if (id & CPUCLOCK_PERTHREAD) {
		*t = pid ? thread_find(pid) : self;
		return *t ? 0 : -EINVAL;
	}
	if (pid && pid != current_proc()->pid && !(reading && pid == self->tid))
		return -EINVAL;
	return 0;
}

int cputime_clock_ns(int id, bool reading, uint64_t *ns, uint64_t *res_ns)
{
	struct thread *t;
	bool user_only;
	uint64_t user, sys;

	if (cputime_clock_decode(id, reading, &t, &user_only))
		return -EINVAL;
	if (t)
		thread_cputime(t, &user, &sys);
	else
		proc_cputime(&user, &sys);
	*ns = user_only ? user : user + sys;
	/* SCHED reads the TSC; PROF and VIRT are tick-sampled, as Linux's. */
	*res_ns = (id & 3) == CPUCLOCK_SCHED ? 1 : NS / TIMER_HZ;
	return 0;
}
