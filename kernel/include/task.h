/*
 * The process and its threads: everything that belongs to the running
 * program, in one place. A process (struct proc) owns the address space,
 * memory areas, descriptor table, working directory, umask, signal
 * actions and pending signals, timers, limits, CPU-time accounting and
 * credentials; a thread (struct thread) owns its registers' save areas,
 * signal mask and own pending set, TLS base and kernel stack. proc_create
 * makes a process with its first thread and proc_destroy frees it; nothing
 * else resets them.
 *
 * What stays global is shared by every process of the system: the inode
 * tree and its mounts (fs/, with /proc/self/exe: the tree is built for the
 * one program), System V IPC objects and POSIX message queues (namespaces
 * that outlive the process that made them), the console and its terminal
 * settings, devices, the profiler's table (sample.c) and the list of
 * unimplemented system calls reported at exit (syscall.c).
 */
#ifndef BF_TASK_H
#define BF_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "itimer.h"
#include "percpu.h"
#include "ksignal.h"
#include "proc.h"
#include "vmatree.h"

struct file;
struct inode;
struct shmap;
struct shm_attach;
struct sigqueued;

/* Signals sent and not yet delivered (signal.c): a thread's own (tkill,
 * tgkill, its faults) or its process's, which any thread may take (kill,
 * sigqueue, timers). */
struct sigpending {
	uint64_t set;
	struct ksiginfo info[SIGNAL_MAX + 1]; /* of a standard signal: the first sent */
	uint32_t queued[SIGNAL_MAX + 1];      /* instances of a pending real-time signal */
	uint64_t queued_total;
	struct sigqueued *head[SIGNAL_MAX + 1], *tail[SIGNAL_MAX + 1];
};

/* A thread's signal state (signal.c). */
struct thread_signals {
	uint64_t blocked;
	struct sigpending own;
	uint64_t waiting; /* sigtimedwait's set while it waits: these wake it */
	uint64_t poll_also; /* a signalfd's set while poll waits (signal_wait_also) */
	struct kstack alt;
	bool restored;	/* rt_sigreturn replaced every register */
	bool suspended; /* sigsuspend: `saved` goes back once a handler returns */
	uint64_t saved;
	bool exiting; /* takes no more signals (signal_thread_exit) */
	/* Set whenever pending signals, the blocked mask or a restored frame
	 * may need signal_return_to_user; false means it has nothing to do
	 * (the system call path checks this first). */
	bool attention;
};

/* A thread's life (sched.c): on a run queue, on a CPU, asleep, or gone. */
enum thread_state { THREAD_RUNNABLE, THREAD_RUNNING, THREAD_SLEEPING, THREAD_DEAD };

struct kernel_copy;
struct thread {
	/* The vector registers pass through here (signal frames); XSAVE needs
	 * 64-byte alignment, which thread_alloc checks. */
	uint8_t fpu[FPU_AREA_MAX] __attribute__((aligned(64)));
	/* The program's vector registers while another thread has the CPU. */
	uint8_t fpu_ctx[FPU_AREA_MAX] __attribute__((aligned(64)));
	struct proc *proc;
	int tid;
	struct thread_signals sig;
	uint64_t fs_base;	    /* the TLS base (arch_prctl ARCH_SET_FS) */
	uint64_t gs_base;	    /* the program's GS base (arch_prctl ARCH_SET_GS) */
	uint64_t kstack_top;	    /* TSS.RSP0 and the SYSCALL entry's stack */
	void *kstack;		    /* its base (thread_alloc's pages) */
	struct trapframe *frame;    /* registers of the system call being handled, or NULL */

	/* Threads (thread.c). */
	struct thread *next;	    /* in proc->threads */
	uint64_t clear_tid;	    /* CLONE_CHILD_CLEARTID, set_tid_address */
	uint64_t robust_list;	    /* set_robust_list's head, or 0 */
	bool killed;		    /* exit_group or a fatal signal: leave at the next chance */
	bool forever;		    /* in a wait only another thread could end (signal.c) */
	struct kernel_copy *kcopy; /* a copy through a kernel buffer under way (sys_copy.c) */
	bool io_nowait; /* preadv2/pwritev2's RWF_NOWAIT: pipes and sockets do not wait */

	/* Scheduling (sched.c), under its lock. */
	enum thread_state state;
	struct thread *rq_next;	    /* on a run queue */
	uint64_t rsp;		    /* the saved kernel context while not running */
	uint64_t ran_tsc;	    /* TSC ticks on a CPU before the current stint */
	uint64_t on_tsc;	    /* rdtsc() when the current stint began, 0 off a CPU */
	uint32_t cpu_seq;	    /* odd while ran_tsc and on_tsc change (cputime.c) */
	uint64_t user_ticks, sys_ticks; /* timer ticks that found it in user code, the kernel */
	unsigned cpu;		    /* where it runs, or last ran */
	uint64_t affinity;	    /* CPUs it may run on (bit n: CPU n) */
	bool tick_wake;		    /* asleep until the next interrupt of its CPU, too */
	unsigned slice;		    /* timer ticks left of its time slice */
	int policy;		    /* SCHED_OTHER, _FIFO, _RR, _BATCH or _IDLE (sched.h) */
	unsigned rt_priority;	    /* 1-99 for _FIFO and _RR, else 0; raised while it holds a
				       priority-inheritance futex a higher one waits for */
	unsigned base_priority;	    /* rt_priority as the program set it */
	bool reset_on_fork;	    /* the threads it makes start as SCHED_OTHER */
	int nice;		    /* -20..19 (setpriority): a SCHED_OTHER slice's length */

	char comm[16]; /* its name (prctl, /proc/self/task/TID/comm) */
	bool comm_set; /* else comm is the program file's (task_comm) */
};

/* Credentials: real, effective, saved and filesystem ids (sys_id.c). */
struct ids {
	uint32_t r, e, s, fs;
};

struct proc {
	int pid;
	struct thread *thread;	/* the first thread (its tid is the pid) */
	struct thread *threads; /* every thread that has not exited, the first included */
	unsigned nthreads;	/* threads not yet dead (sched.c's run loop waits for 0); atomic */
	int next_tid;

	/* Running (proc.c). */
	int status;
	bool running;
	bool exiting; /* exit_group: status is final, the threads are leaving */
	const void *image; /* the ELF file, for symbolizing fault reports */
	size_t image_size;
	uint64_t bias;
	uint64_t jitmap; /* where a JIT publishes its code map (jitmap.h), or 0 */
	bool jitmap_sought; /* jitmap is known: looked up at the first report */

	/* Memory (proc.c, vma.c). */
	struct vm_space *as;
	uint64_t brk_start, brk;
	struct vma_tree areas;
	uint64_t stack_lo; /* the stack's lowest address (exec, vma_grow_stack) */
	uint64_t arg_start, arg_end, env_end; /* argv's and envp's strings (exec) */
	struct shmap *shmaps;	/* shared file mappings (shmap.c) */
	unsigned shmap_multi;	/* files with more than one of them */
	struct shm_attach *shm_attaches; /* System V segments attached (sys_ipc.c) */
	struct vma_usage usage;
	bool out_of_memory; /* a page could not be backed: the process must die */

	/* Files (file.c, path.c, sys_file.c). */
	struct file **fdtab;
	bool *cloexec;
	int fdcap; /* slots in fdtab and cloexec */
	struct inode *cwd;
	uint32_t umask;

	/* Signals and timers (signal.c, itimer.c). */
	struct ksigaction sigact[SIGNAL_MAX + 1];
	struct sigpending sigshared; /* sent to the process: for any of its threads */
	struct itimer_set timers;

	/* Limits and accounting (resource.c). */
	struct krlimit rlimit[RLIMIT_NLIMITS];
	struct {
		uint64_t exited_tsc; /* CPU time of the threads that have exited */
		uint64_t exited_user_ticks, exited_sys_ticks;
	} cpu;

	/* Identity (sys_id.c, sys_task.c). */
	struct ids uid, gid;
	uint32_t *groups; /* supplementary groups, kmalloc'd */
	uint32_t ngroups;
	int pgid, sid;
	int dumpable, no_new_privs, pdeathsig;
	unsigned membarrier; /* its membarrier REGISTER_ commands (sys_membarrier.c) */
	uint32_t personality; /* as set (sys_info.c): PER_LINUX, 0, unless changed */
	int mempolicy;	      /* set_mempolicy's mode with its flags (sys_numa.c) */
	bool mempolicy_node0; /* its node mask: node 0, the only one */
};

/*
 * The thread running on this CPU (per-CPU data), NULL in a CPU's scheduler
 * loop; before the program starts and after it ends, CPU 0's boot context
 * counts as the first thread.
 */
static inline struct thread *current_thread(void) { return this_cpu()->thread; }
/* The process (there is one at a time); only while one exists. */
extern struct proc *the_proc;
static inline struct proc *current_proc(void) { return the_proc; }

/*
 * A new process with one thread, made the current one, in the state Linux
 * gives a program at exec: no files, the root directory as its working
 * directory once the filesystem sets one, umask 022, every signal at
 * SIG_DFL, no timer, Linux's default limits, root credentials, the
 * starter's process group and session. NULL if memory ran out. One process
 * at a time: there must be no current one. Its first thread (tid 1) is
 * CPU 0's current one until proc_run starts it.
 */
struct proc *proc_create(void);
/* Free everything p holds except its address space (proc_run's caller owns
 * it): descriptors, working directory, memory areas, queued signals,
 * timers, groups and the first thread (the others are freed as they
 * die). No process is current afterwards. */
void proc_destroy(struct proc *p);

/*
 * Threads (thread.c). At most THREADS_MAX at once: clone fails with EAGAIN
 * past it (each has a 64 KiB kernel stack and about 9 KiB of state).
 */
#define THREADS_MAX 512
/* A thread of p with its kernel stack (an unmapped guard page below it,
 * kmalloc_guarded), asleep, no tid, every CPU allowed;
 * NULL if memory ran out. thread_free gives it all back, but keeps up to
 * 32 threads with their stacks for threads to come (thread_cache_release). */
struct thread *thread_alloc(struct proc *p);
void thread_free(struct thread *t);
/* Free the threads and stacks kept for reuse by threads to come. */
void thread_cache_release(void);
/* t starts (on its first run) by returning to ring 3 with regs. */
void thread_set_start(struct thread *t, const struct trapframe *regs);
/* Count p's first thread among its threads. */
void thread_attach_first(struct proc *p, struct thread *t);
/* The live thread with this tid, or NULL. */
struct thread *thread_find(int tid);
/* True if every thread of the process waits for something only another
 * thread's futex wake or signal could end (thread.forever). */
bool proc_all_forever(void);
/* One step of a wait that another thread ends with sched_wake (a futex
 * wake, a pipe's other end), the caller on that thread's list of waiters:
 * -EINTR if a signal the thread does not block is pending; -ETIMEDOUT at
 * the deadline (THREAD_NO_DEADLINE: none); -EDEADLK without a deadline
 * when no signal can come and every thread of the process waits so; else
 * it sleeps until woken (with a deadline, also until its CPU's next tick)
 * and returns 0, and the caller looks again. The kernel lock is held, and
 * dropped while it sleeps. */
#define THREAD_NO_DEADLINE UINT64_MAX
int thread_wait_step(uint64_t deadline);
/* The current thread ends (sys_exit): the last one ends the process. Its
 * clear-tid word is zeroed and woken, its robust futexes released. */
__attribute__((noreturn)) void thread_exit(void);
/* exit_group: every other thread leaves at its next chance. */
void thread_kill_others(void);
/* The futex word of a lock (Linux's uapi/linux/futex.h): the owner's tid,
 * and bits that say a waiter sleeps in the kernel, and that an owner died
 * with it (robust lists). */
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu
/* Wake up to n waiters of the futex at uaddr whose bitset meets bitset
 * (sys_futex.c); the number woken, or -EINVAL if a waiter there waits for
 * a priority-inheritance lock, as Linux. */
int futex_wake(uint64_t uaddr, int n, uint32_t bitset);
/* A thread that held priority-inheritance futexes ends: each that it (or
 * a robust list's release, which leaves the owner 0) left with waiters goes
 * to the highest priority of them, with OWNER_DIED (sys_futex.c). */
void futex_pi_exit(struct thread *t);
/* t's rt_priority: its base_priority, or the highest of the threads that
 * wait for priority-inheritance futexes it holds; and so on for the holder
 * of the one t waits for, along the chain. */
void futex_pi_update(struct thread *t);

/* Each subsystem's part of proc_create, on a zeroed process (zero ids are
 * root's, with no supplementary groups). */
void rlimit_init(struct proc *p);		/* resource.c */
void signal_init(struct thread *t);		/* signal.c */
void itimer_init(struct itimer_set *timers); /* itimer.c */
void task_init(struct proc *p);			/* sys_task.c */
/* t's name: what it was given, else the program file's name, cut to 15
 * (sys_task.c). */
const char *task_comm(struct thread *t);

#endif
