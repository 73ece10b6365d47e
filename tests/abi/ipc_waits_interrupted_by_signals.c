/* A signal ends the waits that System V IPC and POSIX message queues make
 * when only the program itself could end them (they were a deadlock kill,
 * or an uninterruptible sleep, before): semop, semtimedop, msgsnd and
 * msgrcv end with EINTR, SA_RESTART or not (Linux never restarts them);
 * mq_receive restarts after an SA_RESTART handler, which here sends the
 * message it then receives, and ends with EINTR without one. Timeouts too
 * long to add to the clock wait instead of wrapping round to the past:
 * nanosleep and semtimedop of INT64_MAX seconds end with EINTR. select
 * carries a million microseconds or more into the seconds, as Linux does. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/select.h>
#include <sys/sem.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

static volatile int alrm;
static mqd_t mq = (mqd_t)-1;

static void handler(int sig)
{
	(void)sig;
	alrm++;
	if (mq != (mqd_t)-1)
		mq_send(mq, "from the handler", 17, 0);
}

static void arm(int restart)
{
	struct sigaction sa;
	struct itimerval v = {{0, 0}, {0, 30000}};

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	alrm = 0;
	setitimer(ITIMER_REAL, &v, NULL);
}

static void show(const char *what, long r)
{
	printf("%-36s %s, handler ran: %s\n", what, res(r), alrm == 1 ? "yes" : "no");
}

int main(void)
{
	struct timespec forever = {INT64_MAX, 0};
	struct sembuf down = {0, -1, 0};
	struct {
		long type;
		char text[8];
	} msg = {1, "x"};
	char buf[64];

	setvbuf(stdout, NULL, _IONBF, 0);
	int sem = semget(IPC_PRIVATE, 1, 0600);
	int q = msgget(IPC_PRIVATE, 0600);
	if (sem < 0 || q < 0) {
		printf("cannot make the IPC objects: %s\n", strerror(errno));
		return 1;
	}
	struct msqid_ds ds;
	msgctl(q, IPC_STAT, &ds);
	ds.msg_qbytes = 8; /* one message fills it */
	msgctl(q, IPC_SET, &ds);

	for (int restart = 0; restart <= 1; restart++) {
		printf("-- %s\n", restart ? "SA_RESTART" : "no SA_RESTART");
		arm(restart);
		show("semop on a zero semaphore:", semop(sem, &down, 1));
		arm(restart);
		show("semtimedop, INT64_MAX s:", semtimedop(sem, &down, 1, &forever));
		arm(restart);
		show("msgrcv from an empty queue:", msgrcv(q, &msg, sizeof msg.text, 0, 0));
		show("msgsnd of 8 bytes:", msgsnd(q, &msg, 8, 0));
		arm(restart);
		show("msgsnd to the full queue:", msgsnd(q, &msg, 8, 0));
		show("msgrcv of it:", msgrcv(q, &msg, sizeof msg.text, 0, 0));
		arm(restart);
		show("nanosleep INT64_MAX s:", nanosleep(&forever, NULL));
		arm(restart);
		struct timeval tv = {0, 2500000}; /* 2.5 s, carried */
		show("select, 2500000 us:", select(0, NULL, NULL, NULL, &tv));
	}

	struct mq_attr attr = {0, 4, 32, 0};
	char name[64];
	snprintf(name, sizeof name, "/ipc_waits_%d", (int)getpid());
	mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (mq == (mqd_t)-1) {
		printf("mq_open: %s\n", strerror(errno));
		return 1;
	}
	mq_unlink(name);
	for (int restart = 0; restart <= 1; restart++) {
		arm(restart);
		long r = mq_receive(mq, buf, sizeof buf, NULL);
		printf("mq_receive, %-22s %s, handler ran: %s%s%s\n",
		       restart ? "SA_RESTART:" : "no SA_RESTART:", res(r), alrm == 1 ? "yes" : "no",
		       r > 0 ? ", got: " : "", r > 0 ? buf : "");
		if (r < 0) /* take the handler's message, so the next wait waits */
			mq_receive(mq, buf, sizeof buf, NULL);
	}
	semctl(sem, 0, IPC_RMID);
	msgctl(q, IPC_RMID, NULL);
	return 0;
}
