/* A system call parameter that Linux declares as an int (or unsigned int)
 * takes only the low 32 bits of its register: the high bits are ignored,
 * never used. The bug this caught: semctl checked a semaphore number's low
 * 32 bits against the set's size and then indexed the set with all 64. */
#include "edge.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HIGH (1L << 32)

int main(void)
{
	int id = semget(IPC_PRIVATE, 2, 0600);
	edge_check("semget", id >= 0, "%s", edge_errname(errno));
	if (id >= 0) {
		long r = syscall(SYS_semctl, id, 1, SETVAL, 7);
		edge_check("semctl-setval", r == 0, "returned %ld, errno %s", r, edge_errname(errno));
		r = syscall(SYS_semctl, id, HIGH | 1, GETVAL, 0);
		edge_check("semctl-getval-num-high-bits", r == 7, "returned %ld, errno %s; expected 7",
			   r, edge_errname(errno));
		r = syscall(SYS_semctl, id, HIGH | 1, SETVAL, 9);
		long v = syscall(SYS_semctl, id, 1, GETVAL, 0);
		edge_check("semctl-setval-num-high-bits", r == 0 && v == 9,
			   "returned %ld, then semaphore 1 is %ld; expected 0 and 9", r, v);
		semctl(id, 0, IPC_RMID);
	}

	/* dup3's two fds are equal once cut to 32 bits: EINVAL. */
	EXPECT_ERRNO("dup3-newfd-high-bits", syscall(SYS_dup3, 1, HIGH | 1, 0), EINVAL);

	/* lseek's whence is SEEK_SET once cut (a regular file: every position
	 * of /dev/null is the same). */
	int fd = open("/proc/self/exe", O_RDONLY);

	long r = syscall(SYS_lseek, fd, 0, HIGH | SEEK_SET);
	edge_check("lseek-whence-high-bits", r == 0, "returned %ld, errno %s; expected 0", r,
		   edge_errname(errno));
	close(fd);

	/* poll's count is 0 once cut: nothing to wait for. */
	r = syscall(SYS_poll, NULL, HIGH, 0);
	edge_check("poll-nfds-high-bits", r == 0, "returned %ld, errno %s; expected 0", r,
		   edge_errname(errno));
	edge_exit();
}
