/* System V IPC was not implemented: msgget, semget and shmget failed with
 * ENOSYS. Message queues (types, MSG_EXCEPT, negative types, MSG_NOERROR,
 * E2BIG, ENOMSG), semaphore sets (semop all or nothing, IPC_NOWAIT, zero
 * waits, semtimedop timing out, SETALL/GETALL, ERANGE) and shared memory
 * (two attachments see each other's writes, IPC_RMID while attached), with
 * the errors Linux gives. Ids are never printed: Linux numbers them by a
 * global sequence. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "result_name.h"

struct m {
	long type;
	char text[32];
};

static void messages(void)
{
	key_t key = 0x5e1f0001;
	int old = msgget(key, 0);
	if (old >= 0)
		msgctl(old, IPC_RMID, NULL);
	printf("msgget missing key: %s\n", res_value(msgget(key, 0600)));
	int q = msgget(key, IPC_CREAT | IPC_EXCL | 0640);
	printf("msgget IPC_CREAT|IPC_EXCL: %s\n", q >= 0 ? "ok" : res_value(q));
	printf("again with IPC_EXCL: %s, without: same id %s\n", res_value(msgget(key, IPC_CREAT | IPC_EXCL | 0600)),
	       msgget(key, 0) == q ? "yes" : "no");
	struct m a = {3, "three"}, b = {1, "one"}, c = {2, "two"}, d = {3, "three-b"}, r;
	printf("send: %s %s %s %s\n", res_value(msgsnd(q, &a, 6, 0)), res_value(msgsnd(q, &b, 4, 0)),
	       res_value(msgsnd(q, &c, 4, 0)), res_value(msgsnd(q, &d, 8, 0)));
	struct msqid_ds ds;
	msgctl(q, IPC_STAT, &ds);
	printf("IPC_STAT: qnum %lu, cbytes %lu, qbytes %lu, mode %o, lspid is us %s\n",
	       (unsigned long)ds.msg_qnum, (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qbytes,
	       (unsigned)ds.msg_perm.mode & 0777, ds.msg_lspid == getpid() ? "yes" : "no");
	printf("type 0 gives: %s", res_value(msgrcv(q, &r, sizeof r.text, 0, 0)));
	printf(" %ld %s\n", r.type, r.text);
	printf("type -2 gives: %s", res_value(msgrcv(q, &r, sizeof r.text, -2, 0)));
	printf(" %ld %s\n", r.type, r.text);
	printf("type 3 MSG_EXCEPT gives: %s", res_value(msgrcv(q, &r, sizeof r.text, 3, MSG_EXCEPT)));
	printf(" %ld %s\n", r.type, r.text);
	printf("type 3 into 4 bytes: %s", res_value(msgrcv(q, &r, 4, 3, 0)));
	printf(", with MSG_NOERROR: %s\n", res_value(msgrcv(q, &r, 4, 3, MSG_NOERROR)));
	printf("type 9, IPC_NOWAIT: %s\n", res_value(msgrcv(q, &r, sizeof r.text, 9, IPC_NOWAIT)));
	msgctl(q, IPC_STAT, &ds);
	printf("left: %lu\n", (unsigned long)ds.msg_qnum);
	a.type = 0;
	printf("type 0 send: %s, 8193 bytes: %s, bad id: %s, bad pointer: %s\n", res_value(msgsnd(q, &a, 4, 0)),
	       res_value(msgsnd(q, &b, 8193, 0)), res_value(msgsnd(q + 1, &b, 4, 0)),
	       res_value(msgsnd(q, (void *)8, 4, 0)));
	char big[16384 + 8];
	memset(big, 0, sizeof big);
	*(long *)big = 1;
	int n = 0;
	while (msgsnd(q, big, 8000, IPC_NOWAIT) == 0)
		n++;
	printf("8000-byte messages that fit: %d, then %s\n", n, res_value(-1));
	msgctl(q, IPC_STAT, &ds);
	ds.msg_qbytes = 16385;
	printf("IPC_SET qbytes 16385: %s", res_value(msgctl(q, IPC_SET, &ds)));
	ds.msg_qbytes = 100;
	ds.msg_perm.mode = 0600;
	printf(", 100: %s", res_value(msgctl(q, IPC_SET, &ds)));
	msgctl(q, IPC_STAT, &ds);
	printf(", now qbytes %lu, mode %o\n", (unsigned long)ds.msg_qbytes, (unsigned)ds.msg_perm.mode & 0777);
	printf("IPC_RMID: %s, then msgsnd: %s, msgctl: %s\n", res_value(msgctl(q, IPC_RMID, NULL)),
	       res_value(msgsnd(q, &b, 4, 0)), res_value(msgctl(q, IPC_STAT, &ds)));
	int p = msgget(IPC_PRIVATE, 0600), p2 = msgget(IPC_PRIVATE, 0600);
	printf("IPC_PRIVATE twice: distinct %s\n", p != p2 && p >= 0 ? "yes" : "no");
	msgctl(p, IPC_RMID, NULL), msgctl(p2, IPC_RMID, NULL);
}

static void semaphores(void)
{
	int s = semget(IPC_PRIVATE, 3, 0600);
	printf("semget 3: %s\n", s >= 0 ? "ok" : res_value(s));
	printf("semget 0 new: %s, -1: %s\n", res_value(semget(IPC_PRIVATE, 0, 0600)), res_value(semget(IPC_PRIVATE, -1, 0600)));
	unsigned short vals[3] = {1, 0, 5}, got[3];
	printf("SETALL: %s, GETALL: %s", res_value(semctl(s, 0, SETALL, vals)), res_value(semctl(s, 0, GETALL, got)));
	printf(" -> %u %u %u\n", got[0], got[1], got[2]);
	struct sembuf ops[2] = {{0, -1, 0}, {2, 2, 0}};
	printf("semop {0:-1, 2:+2}: %s, values %d %d %d\n", res_value(semop(s, ops, 2)), semctl(s, 0, GETVAL),
	       semctl(s, 1, GETVAL), semctl(s, 2, GETVAL));
	struct sembuf block[2] = {{2, -1, 0}, {0, -1, IPC_NOWAIT}};
	printf("semop that cannot all happen: %s, value 2 still %d\n", res_value(semop(s, block, 2)),
	       semctl(s, 2, GETVAL));
	struct sembuf zero = {2, 0, IPC_NOWAIT};
	printf("wait-for-zero on 7: %s\n", res_value(semop(s, &zero, 1)));
	zero.sem_num = 0;
	printf("wait-for-zero on 0: %s\n", res_value(semop(s, &zero, 1)));
	struct sembuf down = {1, -1, 0};
	struct timespec ts = {0, 30000000};
	printf("semtimedop that would block: %s\n", res_value(semtimedop(s, &down, 1, &ts)));
	ts.tv_nsec = 1000000000;
	printf("bad timeout: %s\n", res_value(semtimedop(s, &down, 1, &ts)));
	struct sembuf far = {3, 1, 0}, over = {2, 32767, 0};
	printf("semaphore 3: %s, past 32767: %s, 0 ops: %s, 501 ops: %s\n", res_value(semop(s, &far, 1)),
	       res_value(semop(s, &over, 1)), res_value(semop(s, &far, 0)), res_value(semop(s, &far, 501)));
	printf("SETVAL 40000: %s, SETVAL 9: %s, GETVAL: %d, GETVAL 3: %s, GETPID is us: %s\n",
	       res_value(semctl(s, 1, SETVAL, 40000)), res_value(semctl(s, 1, SETVAL, 9)), semctl(s, 1, GETVAL),
	       res_value(semctl(s, 3, GETVAL)), semctl(s, 1, GETPID) == getpid() ? "yes" : "no");
	printf("GETNCNT: %d, GETZCNT: %d\n", semctl(s, 0, GETNCNT), semctl(s, 0, GETZCNT));
	struct semid_ds ds;
	printf("IPC_STAT: %s, nsems %lu\n", res_value(semctl(s, 0, IPC_STAT, &ds)), (unsigned long)ds.sem_nsems);
	printf("IPC_RMID: %s, then GETVAL: %s\n", res_value(semctl(s, 0, IPC_RMID)), res_value(semctl(s, 0, GETVAL)));
}

static void shared_memory(void)
{
	int id = shmget(IPC_PRIVATE, 10000, 0600);
	printf("shmget 10000: %s, size 0: %s\n", id >= 0 ? "ok" : res_value(id), res_value(shmget(IPC_PRIVATE, 0, 0600)));
	char *a = shmat(id, NULL, 0), *b = shmat(id, NULL, 0);
	printf("two attachments: %s, distinct %s\n", a != (void *)-1 && b != (void *)-1 ? "ok" : res_value(-1),
	       a != b ? "yes" : "no");
	printf("zero-filled: %s\n", a[0] == 0 && a[9999] == 0 ? "yes" : "no");
	strcpy(a + 5000, "written through a");
	struct shmid_ds ds;
	shmctl(id, IPC_STAT, &ds);
	printf("b sees: %s; segsz %lu, nattch %lu\n", b + 5000, (unsigned long)ds.shm_segsz,
	       (unsigned long)ds.shm_nattch);
	printf("shmdt(b): %s, shmdt(b) again: %s, shmdt(a + 1): %s\n", res_value(shmdt(b)), res_value(shmdt(b)),
	       res_value(shmdt(a + 1)));
	char *c = shmat(id, NULL, SHM_RDONLY);
	printf("a read-only attachment sees: %s\n", c + 5000);
	printf("SHM_LOCK: %s, SHM_UNLOCK: %s\n", res_value(shmctl(id, SHM_LOCK, NULL)), res_value(shmctl(id, SHM_UNLOCK, NULL)));
	printf("IPC_RMID while attached: %s", res_value(shmctl(id, IPC_RMID, NULL)));
	shmctl(id, IPC_STAT, &ds);
	printf(", nattch %lu, marked for removal %s\n", (unsigned long)ds.shm_nattch,
	       ds.shm_perm.mode & SHM_DEST ? "yes" : "no");
	strcpy(a, "still usable");
	/* BareFlow keeps attachments in step at system calls (kernel/fs/shmap.c):
	 * c is read after the write that prints a. */
	printf("a still works: %s", a);
	fflush(stdout);
	printf(", c sees it: %s\n", c);
	shmdt(a), shmdt(c);
	printf("after the last shmdt: %s\n", res_value(shmctl(id, IPC_STAT, &ds)));
	printf("shmat of a bad id: %s, unaligned address: %s\n", res_value((long)shmat(12345678, NULL, 0)),
	       res_value((long)shmat(shmget(IPC_PRIVATE, 100, 0600), (void *)0x10001000123, 0)));
	key_t key = 0x5e1f0002;
	int k = shmget(key, 4096, IPC_CREAT | 0600);
	printf("bigger than the existing segment: %s\n", res_value(shmget(key, 8192, 0600)));
	shmctl(k, IPC_RMID, NULL);
}

int main(void)
{
	messages();
	semaphores();
	shared_memory();
	return 0;
}
