/* Process system calls: exit and exit_group. */
#include "proc.h"
#include "syscall.h"

SYSCALL_DEFINE1(exit, uint64_t, status)
{
	proc_exit((int)(status & 0xff));
}

/* One thread per process: exit_group and exit are the same. */
SYSCALL_DEFINE1(exit_group, uint64_t, status)
{
	proc_exit((int)(status & 0xff));
}

