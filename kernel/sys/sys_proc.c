/* Process system calls: exit and exit_group. */
#include "proc.h"
#include "syscall.h"

int64_t sys_exit(uint64_t status, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	proc_exit((int)(status & 0xff));
}

/* One thread per process: exit_group and exit are the same. */
int64_t sys_exit_group(uint64_t status, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		       uint64_t a5)
{
	proc_exit((int)(status & 0xff));
}

