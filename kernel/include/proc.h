/* Running a program in ring 3: its address space, entry, exit and faults. */
#ifndef BF_PROC_H
#define BF_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trap.h"
#include "vm.h"

/* Saved kernel context (callee-saved registers, RSP, RIP, RFLAGS). */
struct kjmp {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};
int kjmp_save(struct kjmp *j) __attribute__((returns_twice));
__attribute__((noreturn)) void kjmp_restore(struct kjmp *j, int value);

/* Program the SYSCALL MSRs (STAR, LSTAR, SFMASK) and enable EFER.SCE:
 * syscall_init on the boot CPU (with int $0x80 and --strace), then
 * syscall_cpu_init on each other CPU. */
void syscall_init(void);
void syscall_cpu_init(void);
/* Forget every System V IPC object (sys_ipc.c), after fs_destroy. */
void ipc_reset(void);
/* The process ends: its System V segments are no longer attached. */
void shm_detach_all(void);
/* The process group the program is in (getpgrp). */
int task_pgid(void);
/* Take the program's stdin from COM1, woken by its receive interrupt. */
void stdin_init(void);

/*
 * Run user code of the current process (task.h) in `as` from `rip` with
 * stack pointer `rsp` until it exits or is killed by a fault; its heap
 * (brk) starts at `brk_start`.
 * Returns its exit status: the value given to exit, or 128 + signal for a
 * fault. The caller keeps ownership of `as`.
 */
int proc_run(struct vm_space *as, uint64_t rip, uint64_t rsp, uint64_t brk_start);

/*
 * Load the static ELF program file[0..size) into a new address space of the
 * current process and run it with argv and envp. Returns its exit status; 126 (after a message on
 * stderr) if the file cannot be executed; -ENOMEM if memory ran out before
 * it started. Every page it used is freed before returning.
 */
int proc_exec(const void *file, size_t size, int argc, char **argv, int envc, char **envp);

/* The program's ELF file (kept in memory by the caller) and its load bias,
 * so that fault reports can name functions. */
void proc_set_image(const void *file, size_t size, uint64_t bias);
/* The label a JIT in the program gives the code at pc (its code map,
 * jitmap.h), copied into label (JITMAP_LABEL bytes), and pc's offset in
 * it; NULL if there is none. Reads user memory through copy_from_user. */
const char *proc_jit_symbolize(uint64_t pc, char *label, uint64_t *off);

/* The running process's address space, and its program break. */
struct vm_space *proc_space(void);
uint64_t *proc_brk(uint64_t *start);
/* End the running process with `status`; back to proc_run's caller. */
__attribute__((noreturn)) void proc_exit(int status);
/* A CPU exception in ring 3: report it and end the process with 128+signal. */
/* A page of the process could not be backed: end it with SIGKILL (137) and
 * "out of memory: N MiB in use of M MiB; try a larger --mem" (oom.c). */
__attribute__((noreturn)) void proc_out_of_memory(const struct trapframe *tf);
__attribute__((noreturn)) void proc_fault(const struct trapframe *tf);
/* End the process as killed by signal sig (status 128+sig), with a report on
 * stderr: "Program killed by SIGNAME: <cause> at <RIP> in <function><extra>",
 * and when `full` the registers and a backtrace from tf. */
__attribute__((noreturn)) void proc_killed(const struct trapframe *tf, int sig, const char *cause,
					   const char *extra, bool full);

/*
 * Resource limits and CPU time of the running process (resource.c). Limits
 * are recorded and reported, not enforced (the stack is always 8 MiB), but
 * for RLIMIT_NOFILE, which the descriptor table obeys (file.c).
 */
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIMIT_NLIMITS 16
#define RLIM_INFINITY (~0ull)
struct krlimit {
	uint64_t cur, max;
};
/* resource must be below RLIMIT_NLIMITS. */
struct krlimit proc_rlimit(unsigned resource);
/* Set a limit (new may be NULL) and return the previous one in old (may be
 * NULL). -EINVAL for an unknown resource or cur > max; -EPERM for more than
 * 1048576 files (Linux's nr_open). The process is root: raising max is fine. */
int proc_set_rlimit(unsigned resource, const struct krlimit *new, struct krlimit *old);

/*
 * CPU time (cputime.c): a thread's is its time on a CPU, less halts while
 * it was current; the process's is the sum over its live threads plus the
 * exited ones'. Each is split into user and system time in the ratio of
 * the timer ticks that found the thread in user code or in the kernel.
 */
struct thread;
/* The running process's CPU time; under the kernel lock (its threads). */
void proc_cputime(uint64_t *user_ns, uint64_t *sys_ns);
/* A thread's CPU time (any thread of the process, running or not). */
void thread_cputime(const struct thread *t, uint64_t *user_ns, uint64_t *sys_ns);
/* Its TSC cycles on a CPU so far. */
uint64_t thread_cpu_tsc(const struct thread *t);
/* t starts and ends a stint on this CPU (sched.c), interrupts off. */
void cputime_stint_begin(struct thread *t);
void cputime_stint_end(struct thread *t);
/* This CPU halts or spins waiting (timer.c): end its thread's stint, if one
 * runs (true); cputime_resume(that) starts it again. */
bool cputime_pause(void);
void cputime_resume(bool paused);
/* From each CPU's timer tick: sample user against kernel time. */
void cputime_tick(const struct trapframe *tf);
/* The current thread t leaves: its time stays the process's. Kernel lock. */
void cputime_exit(struct thread *t);
/* From a timer tick, under the kernel lock: past RLIMIT_CPU's soft limit
 * SIGXCPU, once per further second; at the hard limit SIGKILL (Linux's). */
void cputime_limit_poll(void);
/* A CPU-time clock's reading and resolution in ns: a negative clock id as
 * clock_getcpuclockid and pthread_getcpuclockid make them (Linux's
 * encoding; reading: clock_gettime rather than clock_getres). -EINVAL for
 * another id, or a thread or process that is not ours. */
int cputime_clock_ns(int id, bool reading, uint64_t *ns, uint64_t *res_ns);
/* What such an id names: *t the thread whose CPU time it counts, or NULL
 * for the process's; *user_only for user time alone (VIRT). -EINVAL as
 * cputime_clock_ns. */
int cputime_clock_decode(int id, bool reading, struct thread **t, bool *user_only);

/*
 * Memory areas of the running process (vma.c): ranges of the user half with
 * their access (VM_READ/WRITE/EXEC plus VM_USER), sorted, never overlapping.
 * Pages inside an area are mapped zeroed on first touch.
 */
/* -EINVAL on overlap or past TASK_SIZE */
int vma_add(uint64_t start, uint64_t end, unsigned flags);
/* An area mapping the file ip from offset off: the file's bytes are copied
 * in now (pages past its end are demand-zero). A shared one is kept in step
 * with the file by shmap.c (written back never past the file's end, at the
 * latest on msync, munmap and MADV_DONTNEED; the file's changes show
 * through); later writes to the file do not show through a private one.
 * Takes a reference to ip. -EINVAL on overlap; -ENOMEM or -ENOSPC (nothing
 * added) without memory. */
struct inode;
int vma_add_file(uint64_t start, uint64_t end, unsigned flags, struct inode *ip, uint64_t off,
		 bool shared);
/* An area for a program segment's file bytes, image[off..image_end) at
 * start: each page is backed with its bytes at its first touch
 * (vma_fault), and again after MADV_DONTNEED; image must outlive the
 * process and never change. */
int vma_add_image(uint64_t start, uint64_t end, unsigned flags, const void *image, uint64_t off,
		  uint64_t image_end);
/* Grow the area ending at end to new_end, with the same access and backing
 * (a file mapping's new part is read from the file). -EINVAL if no area
 * ends at end or the range is taken; -ENOMEM. */
int vma_extend(uint64_t end, uint64_t new_end);
/* The stack's area at exec: USER_STACK_SIZE below USER_STACK_TOP. */
int vma_add_stack(void);
/* Grow the stack down to `size` bytes below USER_STACK_TOP (at most
 * USER_STACK_MAX) from its lowest address (proc's stack_lo), as far as a
 * mapping below allows, a guard page left above it; never shrinks it. 0,
 * or -ENOMEM when it could not grow at all (a mapping right below, or no
 * anonymous stack area at its bottom any more). */
int vma_grow_stack(uint64_t size);
/* msync: write the shared file mappings in [start, end) back to their
 * files (shmap_writeback); -ENOMEM if part of the range is in no area. */
int vma_sync(uint64_t start, uint64_t end);
/* Drop [start, end) from the areas and free any pages mapped there (a
 * shared file mapping's pages are written back first). */
int vma_remove(uint64_t start, uint64_t end);
/* Change the access of [start, end) (VM_NORESERVE and VM_NOMAYWRITE are
 * kept); -ENOMEM if part of it is in no area, or if a piece larger than RAM
 * would become writable and count against overcommit (vma_may_commit);
 * -EACCES if write access is asked of a VM_NOMAYWRITE area. */
int vma_protect(uint64_t start, uint64_t end, unsigned flags);
/* Highest start address below `top` for len free bytes, or 0. */
uint64_t vma_find_gap(uint64_t len, uint64_t top);
/* Back the page at addr if an area allows this access. Returns 0 when the
 * faulting access can be retried, -EFAULT or -ENOMEM otherwise; -ENOMEM
 * also sets vma_out_of_memory() until the next process starts. */
int vma_fault(uint64_t addr, bool write, bool exec);
/* True once a page of the running process could not be backed: a user copy
 * that hit it failed with -EFAULT, and the process must be killed. */
bool vma_out_of_memory(void);
/* False if an accounted mapping of `bytes` (writable, private or anonymous)
 * could never fit: larger than all of RAM, as Linux's heuristic overcommit
 * refuses one (there is no swap). Smaller ones may overcommit. */
bool vma_may_commit(uint64_t bytes);
/* End of the mapping holding addr: the run of adjacent areas with the same
 * access that starts with addr's area (what Linux calls one mapping), and
 * that access in *flags; 0 if addr is in no area. */
uint64_t vma_mapping_end(uint64_t addr, unsigned *flags);
/* True if [start, end) is a non-empty range below TASK_SIZE that no area touches. */
bool vma_unused(uint64_t start, uint64_t end);
/*
 * Move [from, from+len), which must lie in one mapping, to the unused range
 * [to, to+new_len) (new_len >= len; the part past len is new, demand-zero):
 * the page-table entries of backed pages move, no data is copied. keep_old
 * leaves the old areas in place, empty (demand-zero again). Returns 0;
 * -EINVAL if the ranges are not as required; -ENOMEM (nothing changed) if a
 * page table or an area record cannot be allocated.
 */
int vma_move(uint64_t from, uint64_t len, uint64_t to, uint64_t new_len, bool keep_old);
/* True if every page of [start, end) is in some area. */
bool vma_covers(uint64_t start, uint64_t end);
/* Free the backed pages of [start, end), keeping the areas: the next touch
 * gets a zeroed page, or for a file mapping the file's bytes again (a shared
 * one's writes reach the file first). -ENOMEM if part of the range is in no
 * area (the rest is still discarded). */
int vma_discard(uint64_t start, uint64_t end);

/* Page counts of the running process, for getrusage. */
struct vma_usage {
	uint64_t resident; /* user pages backed now */
	uint64_t peak;     /* the most backed at once */
	uint64_t faults;   /* pages backed on first touch */
};
/* Start counting for a process about to run from the pages its areas hold now. */
void vma_usage_reset(void);
struct vma_usage vma_usage(void);
/* Forget every area (the address space itself is freed separately);
 * proc_destroy's. */
void vma_clear(void);
/* True while a process runs (its page faults may be demand faults). */
bool proc_active(void);

/* Copy between kernel memory and the current process's user half. Both
 * return 0, or -EFAULT if any byte is outside the user half or unmapped (or,
 * for copy_to_user, read-only). */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
/* Atomically (against every CPU) replace the 32-bit user word at uaddr, if
 * it still holds *expected, by desired. Returns 0 when replaced; -EAGAIN
 * with the word's value in *expected when not; -EFAULT if uaddr is not
 * 4-byte aligned, outside the user half, unmapped or read-only. */
int cmpxchg_user(uint64_t uaddr, uint32_t *expected, uint32_t desired);

#endif
