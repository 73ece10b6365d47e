/* /proc/self/status, statm, stat, cmdline and environ and /proc/meminfo,
 * which programs read for their memory (VmRSS, VmHWM), their thread count
 * and their arguments, were missing. Their values differ between machines,
 * so this checks what must hold on any: each agrees with the calls that
 * say the same thing, with the others, and with what the program did
 * (threads started, 8 MiB touched, argv rewritten). Compared with Linux. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile int stop;

static void *idle(void *arg)
{
	while (!stop)
		usleep(1000);
	return arg;
}

/* The file's text (NULs kept), its length in *n. */
static char *slurp(const char *path, size_t *n)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	*n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
	buf[*n] = 0;
	if (f)
		fclose(f);
	return f ? buf : NULL;
}

/* The number after key in /proc/self/status (kB for Vm lines), or -1. */
static long status_field(const char *key)
{
	size_t n;
	char *s = slurp("/proc/self/status", &n), *at;
	if (!s || !(at = strstr(s, key)))
		return -1;
	return strtol(at + strlen(key), NULL, 10);
}

/* Field k (1-based, after the comm in parentheses counts as field 2) of
 * /proc/self/stat. */
static long stat_field(int k, char *comm, size_t size)
{
	size_t n;
	char *s = slurp("/proc/self/stat", &n);
	char *open = s ? strchr(s, '(') : NULL, *close = s ? strrchr(s, ')') : NULL;
	if (!open || !close)
		return -1;
	if (comm)
		snprintf(comm, size, "%.*s", (int)(close - open - 1), open + 1);
	if (k == 1)
		return strtol(s, NULL, 10);
	char *p = close + 2; /* field 3 */
	for (int i = 3; i < k && p; i++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	return p ? strtol(p, NULL, 10) : -1;
}

static const char *yes(int c)
{
	return c ? "yes" : "no";
}

int main(int argc, char **argv)
{
	prctl(PR_SET_NAME, "statusprobe");
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, idle, NULL);
	char name[64] = {0};
	long threads = status_field("Threads:");
	size_t n;
	mode_t mask = umask(027);
	char *text = slurp("/proc/self/status", &n), *at = text ? strstr(text, "Umask:\t") : NULL;
	printf("status: the name is the first thread's: %s, the umask: %s\n",
	       yes(text && strstr(text, "Name:\tstatusprobe\n")),
	       yes(at && strtol(at + 7, NULL, 8) == 027));
	umask(mask);
	printf("status: Pid is getpid: %s, Uid is getuid: %s\n",
	       yes(status_field("\nPid:") == getpid()), yes(status_field("\nUid:") == (long)getuid()));
	printf("status: threads %ld\n", threads);

	long rss0 = status_field("VmRSS:");
	size_t big = 8 << 20;
	char *p = malloc(big);
	memset(p, 1, big);
	__asm__ volatile("" : : "r"(p) : "memory"); /* the pages are touched */
	long rss1 = status_field("VmRSS:"), hwm = status_field("VmHWM:"),
	     size = status_field("VmSize:");
	printf("status: VmRSS grew by 8 MiB or more: %s, VmHWM at least VmRSS: %s, VmSize at "
	       "least VmRSS: %s\n",
	       yes(rss1 - rss0 >= 8192), yes(hwm >= rss1), yes(size >= rss1));

	long m[7];
	char *s = slurp("/proc/self/statm", &n);
	int got = s ? sscanf(s, "%ld %ld %ld %ld %ld %ld %ld", &m[0], &m[1], &m[2], &m[3], &m[4],
			     &m[5], &m[6])
		    : 0;
	long page_kb = sysconf(_SC_PAGESIZE) / 1024;
	printf("statm: 7 numbers: %s, resident near VmRSS: %s, size at least resident: %s\n",
	       yes(got == 7), yes(labs(m[1] * page_kb - status_field("VmRSS:")) < 1024),
	       yes(m[0] >= m[1]));

	long pid = stat_field(1, name, sizeof name), nthreads = stat_field(20, NULL, 0),
	     nice = stat_field(19, NULL, 0), rss_pages = stat_field(24, NULL, 0);
	printf("stat: pid %s, comm %s, threads %ld, nice is getpriority's: %s, rss near statm's: "
	       "%s\n",
	       yes(pid == getpid()), name, nthreads, yes(nice == getpriority(PRIO_PROCESS, 0)),
	       yes(labs(rss_pages - m[1]) < 256));

	s = slurp("/proc/meminfo", &n);
	long total = -1, freemem = -1, avail = -1;
	if (s && (at = strstr(s, "MemTotal:")))
		total = strtol(at + 9, NULL, 10);
	if (s && (at = strstr(s, "MemFree:")))
		freemem = strtol(at + 8, NULL, 10);
	if (s && (at = strstr(s, "MemAvailable:")))
		avail = strtol(at + 13, NULL, 10);
	printf("meminfo: total above free: %s, available at most total: %s, in kB: %s\n",
	       yes(total > freemem && freemem > 0), yes(avail > 0 && avail <= total),
	       yes(s && strstr(s, "MemTotal:") && strstr(strstr(s, "MemTotal:"), " kB\n")));

	s = slurp("/proc/self/cmdline", &n);
	size_t want = 0;
	for (int i = 0; i < argc; i++)
		want += strlen(argv[i]) + 1;
	int same = s && n == want;
	for (size_t off = 0, i = 0; same && i < (size_t)argc; off += strlen(argv[i]) + 1, i++)
		same = !strcmp(s + off, argv[i]);
	printf("cmdline: argv with NULs: %s\n", yes(same));
	if (argc > 1 && argv[1][0]) {
		argv[1][0] = '#';
		s = slurp("/proc/self/cmdline", &n);
		printf("cmdline: shows argv rewritten: %s\n", yes(s && s[strlen(s) + 1] == '#'));
	}
	s = slurp("/proc/self/environ", &n);
	int a1 = 0;
	for (size_t off = 0; s && off < n; off += strlen(s + off) + 1)
		a1 |= !strcmp(s + off, "A=1");
	printf("environ: holds A=1: %s\n", yes(a1));

	stop = 1;
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("status: threads after the joins %ld\n", status_field("Threads:"));
	return 0;
}
