/* Process system calls: exit_group (exit, of one thread, is thread.c's). */
#include "proc.h"
#include "syscall.h"

SYSCALL_DEFINE1(exit_group, int, status)
{
	proc_exit(status & 0xff);
}
