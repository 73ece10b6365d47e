/* A process with no children: wait, waitpid, wait4 and waitid end with
 * ECHILD (the calls were unimplemented, ENOSYS), after their argument
 * checks: options they do not know, a pid of INT_MIN, an idtype or id
 * waitid refuses, a descriptor that is no pidfd. The status and rusage are
 * left alone; waitid clears the siginfo it is given whatever it returns,
 * and a siginfo it cannot write makes it EFAULT. A thread of the caller is
 * no child. Compared with Linux. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "result_name.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static long wait4_raw(long pid, void *status, long options, void *ru)
{
	return syscall(SYS_wait4, pid, status, options, ru);
}

static long waitid_raw(long which, long id, void *info, long options, void *ru)
{
	return syscall(SYS_waitid, which, id, info, options, ru);
}

static void show_wait4(const char *what, long pid, long options)
{
	int status = 0x5a5a;
	struct rusage ru;
	memset(&ru, 0x5a, sizeof ru);
	long r = wait4_raw(pid, &status, options, &ru);
	printf("wait4 %-28s %s, status %s, rusage %s\n", what, res(r),
	       status == 0x5a5a ? "untouched" : "written",
	       ((unsigned char *)&ru)[0] == 0x5a ? "untouched" : "written");
}

static void show_waitid(const char *what, long which, long id, long options)
{
	siginfo_t si;
	memset(&si, 0x5a, sizeof si);
	long r = waitid_raw(which, id, &si, options, NULL);
	printf("waitid %-27s %s, siginfo signo %d errno %d code %d pid %d uid %d status %d\n", what,
	       res(r), si.si_signo, si.si_errno, si.si_code, (int)si.si_pid, (int)si.si_uid,
	       si.si_status);
}

static void *idle(void *arg)
{
	return arg;
}

int main(void)
{
	int st;
	errno = 0;
	printf("wait                                %s\n", res(wait(&st)));
	printf("waitpid -1 WNOHANG                  %s\n", res(waitpid(-1, &st, WNOHANG)));
	printf("waitpid 0                           %s\n", res(waitpid(0, &st, 0)));
	printf("waitpid own pid                     %s\n", res(waitpid(getpid(), &st, 0)));
	show_wait4("-1", -1, 0);
	show_wait4("-1 WNOHANG|WUNTRACED", -1, WNOHANG | WUNTRACED);
	show_wait4("-1 __WALL|__WCLONE", -1, __WALL | __WCLONE);
	show_wait4("-1 WCONTINUED|__WNOTHREAD", -1, WCONTINUED | __WNOTHREAD);
	show_wait4("12345", 12345, 0);
	show_wait4("-12345 (a group)", -12345, 0);
	show_wait4("INT_MIN", INT_MIN, 0);
	show_wait4("-1 with options 0x100", -1, 0x100);
	show_wait4("-1 with WEXITED", -1, WEXITED);
	show_wait4("INT_MIN with bad options", INT_MIN, 0x100);
	printf("wait4 with NULL status and rusage   %s\n", res(wait4_raw(-1, NULL, 0, NULL)));
	printf("wait4 with unmapped status          %s\n",
	       res(wait4_raw(-1, (void *)16, WNOHANG, (void *)16)));

	show_waitid("P_ALL WEXITED", P_ALL, 0, WEXITED);
	show_waitid("P_ALL WEXITED|WNOHANG", P_ALL, 0, WEXITED | WNOHANG);
	show_waitid("P_ALL WSTOPPED|WNOWAIT", P_ALL, 0, WSTOPPED | WNOWAIT);
	show_waitid("P_ALL WCONTINUED|__WALL", P_ALL, 0, WCONTINUED | __WALL);
	show_waitid("P_ALL with no event", P_ALL, 0, WNOHANG);
	show_waitid("P_ALL with options 0x100", P_ALL, 0, WEXITED | 0x100);
	show_waitid("P_PID 12345", P_PID, 12345, WEXITED);
	show_waitid("P_PID own pid", P_PID, getpid(), WEXITED);
	show_waitid("P_PID 0", P_PID, 0, WEXITED);
	show_waitid("P_PID -1", P_PID, -1, WEXITED);
	show_waitid("P_PGID 0 (its own group)", P_PGID, 0, WEXITED);
	show_waitid("P_PGID -1", P_PGID, -1, WEXITED);
	show_waitid("P_PIDFD stdin", P_PIDFD, 0, WEXITED);
	show_waitid("P_PIDFD 999 (closed)", P_PIDFD, 999, WEXITED);
	show_waitid("P_PIDFD -1", P_PIDFD, -1, WEXITED);
	show_waitid("idtype 7", 7, 0, WEXITED);
	printf("waitid with NULL siginfo            %s\n",
	       res(waitid_raw(P_ALL, 0, NULL, WEXITED, NULL)));
	printf("waitid with unmapped siginfo        %s\n",
	       res(waitid_raw(P_ALL, 0, (void *)16, WEXITED, NULL)));
	/* a read-only page: cleared fields cannot be written */
	void *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro != MAP_FAILED)
		printf("waitid with read-only siginfo       %s\n",
		       res(waitid_raw(P_ALL, 0, ro, WEXITED, NULL)));

	/* a thread is not a child, running or ended */
	pthread_t t;
	if (pthread_create(&t, NULL, idle, NULL) == 0) {
		printf("wait4 -1 with a thread              %s\n",
		       res(wait4_raw(-1, NULL, __WALL | WNOHANG, NULL)));
		pthread_join(t, NULL);
		printf("wait4 -1 after the join             %s\n",
		       res(wait4_raw(-1, NULL, __WALL, NULL)));
	}
	return 0;
}
