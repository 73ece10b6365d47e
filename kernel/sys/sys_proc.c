/* Process system calls: exit and exit_group. */
#include "proc.h"
#include "syscall.h"

SYSCALL_DEFINE1(exit, int, status)
{
	proc_exit(status & 0xff);
}

/* One thread per process: exit_group and exit are the same. */
SYSCALL_DEFINE1(exit_group, int, status)
{
	proc_exit(status & 0xff);
}

