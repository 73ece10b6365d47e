/*
 * membarrier (liburcu, some garbage collectors and language runtimes): a
 * memory barrier on every CPU that runs a thread of the program, so that a
 * thread may leave out the fence in its hot path and have the rare path
 * pay for both. The one process's threads run on the CPUs that have its
 * address space loaded (vm_space.cpus); a cross-call runs a full fence on
 * each, and its return from the interrupt (IRET) serializes the core too,
 * which is what the SYNC_CORE commands ask on x86. The commands that need
 * restartable sequences are refused (EINVAL) as on a Linux built without
 * them: rseq is not here (sys_sched.c).
 */
#include "kerrno.h"
#include "proc.h"
#include "smp.h"
#include "syscall.h"
#include "task.h"
#include "vm.h"

/* Linux's uapi/linux/membarrier.h */
#define CMD_QUERY 0
#define CMD_GLOBAL 1
#define CMD_GLOBAL_EXPEDITED 2
#define CMD_REGISTER_GLOBAL_EXPEDITED 4
#define CMD_PRIVATE_EXPEDITED 8
#define CMD_REGISTER_PRIVATE_EXPEDITED 16
#define CMD_PRIVATE_EXPEDITED_SYNC_CORE 32
#define CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE 64
#define CMD_GET_REGISTRATIONS 512

#define SUPPORTED                                                                                  \
	(CMD_GLOBAL | CMD_GLOBAL_EXPEDITED | CMD_REGISTER_GLOBAL_EXPEDITED |                       \
	 CMD_PRIVATE_EXPEDITED | CMD_REGISTER_PRIVATE_EXPEDITED |                                  \
	 CMD_PRIVATE_EXPEDITED_SYNC_CORE | CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE |              \
	 CMD_GET_REGISTRATIONS)

static void fence(void *arg)
{
	(void)arg;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* A fence here and on every other CPU in mask, waited for. */
static void barrier_on(uint64_t mask)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mask &= ~(1ull << smp_cpu_id());
	if (mask)
		smp_call_mask(mask, fence, NULL);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

SYSCALL_DEFINE3(membarrier, int, cmd, unsigned, flags, int, cpu_id)
{
	struct proc *p = current_proc();
	(void)cpu_id; /* only for the rseq command */
	if (flags)
		return -EINVAL;
	switch (cmd) {
	case CMD_QUERY:
		return SUPPORTED;
	case CMD_GLOBAL:
		barrier_on(smp_online_mask());
		return 0;
	case CMD_GLOBAL_EXPEDITED: /* the registered processes: this one, if it did */
		if (p->membarrier & CMD_REGISTER_GLOBAL_EXPEDITED)
			barrier_on(__atomic_load_n(&p->as->cpus, __ATOMIC_ACQUIRE));
		return 0;
	case CMD_PRIVATE_EXPEDITED:
	case CMD_PRIVATE_EXPEDITED_SYNC_CORE:
		if (!(p->membarrier & (cmd << 1))) /* its REGISTER_ command */
			return -EPERM;
		barrier_on(__atomic_load_n(&p->as->cpus, __ATOMIC_ACQUIRE));
		return 0;
	case CMD_REGISTER_GLOBAL_EXPEDITED:
	case CMD_REGISTER_PRIVATE_EXPEDITED:
	case CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE:
		p->membarrier |= (unsigned)cmd;
		return 0;
	case CMD_GET_REGISTRATIONS: /* as Linux, SYNC_CORE's implies the plain one's */
		return p->membarrier | (p->membarrier & CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE
					    ? CMD_REGISTER_PRIVATE_EXPEDITED
					    : 0);
	default:
		return -EINVAL;
	}
}
