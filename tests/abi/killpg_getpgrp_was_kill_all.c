/* With pid, process group and session all 1, killpg(getpgrp()) became
 * kill(-1) (every process but init and the caller: ESRCH), and kill(-1)
 * with a bad signal gave ESRCH instead of EINVAL. The program runs as one
 * started by a shell without job control: in a group it does not lead,
 * which it can leave (setpgid), return to, and leave for a session of its
 * own (setsid). Natively the group it starts in is its shell's, so the
 * signal sent to the group is SIGURG, which the others ignore by default. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "result_name.h"

static volatile sig_atomic_t hits;
static void on_urg(int sig) { hits++; }

static const char *yes(int c) { return c ? "yes" : "no"; }

static void signals_to_group(const char *when)
{
	hits = 0;
	printf("%s: killpg(getpgrp(), SIGURG): %s", when, res(killpg(getpgrp(), SIGURG)));
	printf(", kill(0, SIGURG): %s", res(kill(0, SIGURG)));
	printf(", kill(-getpgrp(), SIGURG): %s", res(kill(-getpgrp(), SIGURG)));
	printf(", handler ran %d times\n", (int)hits);
	printf("%s: kill(-getpgrp(), 0): %s, kill(-getpgrp(), 65): %s, kill(0, 65): %s\n", when,
	       res(kill(-getpgrp(), 0)), res(kill(-getpgrp(), 65)), res(kill(0, 65)));
}

int main(void)
{
	pid_t start = getpgrp(), pid = getpid();

	signal(SIGURG, on_urg);
	printf("kill(-1, 65): %s, kill(-1, -1): %s\n", res(kill(-1, 65)), res(kill(-1, -1)));
	printf("getpgid(0) is getpgrp(): %s, getpgid(getpid()) too: %s\n", yes(getpgid(0) == start),
	       yes(getpgid(pid) == start));
	printf("getsid(0) is getsid(getpid()): %s\n", yes(getsid(0) == getsid(pid)));
	printf("leads its group: %s, its session: %s\n", yes(start == pid), yes(getsid(0) == pid));
	printf("getpgid(-1): %s, getpgid(99999999): %s, getsid(99999999): %s\n", res(getpgid(-1)),
	       res(getpgid(99999999)), res(getsid(99999999)));
	printf("setpgid(0, -1): %s, setpgid(99999999, 0): %s\n", res(setpgid(0, -1)),
	       res(setpgid(99999999, 0)));
	signals_to_group("started");

	printf("setpgid(0, 0): %s, now leads its group: %s\n", res(setpgid(0, 0)), yes(getpgrp() == pid));
	printf("setsid as a group leader: %s\n", res(setsid()));
	printf("setpgid(0, the group it left): %s, back: %s\n", res(setpgid(0, start)),
	       yes(getpgrp() == start));
	signals_to_group("back");

	pid_t s = setsid();
	printf("setsid: %s, returns its pid: %s, getsid(0) is its pid: %s, group too: %s\n", res(s),
	       yes(s == pid), yes(getsid(0) == pid), yes(getpgrp() == pid));
	printf("setsid again: %s, setpgid(0, 0): %s, setpgid(0, the old group): %s\n", res(setsid()),
	       res(setpgid(0, 0)), res(setpgid(0, start)));
	return 0;
}
