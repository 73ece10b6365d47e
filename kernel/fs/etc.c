/*
 * The guest's system files: a minimal /etc/passwd and /etc/group naming
 * root (the program's user) and nobody, so that getpwuid, getgrgid, `id`
 * and `ls -l` find names as on a Linux system; the loopback's names in
 * /etc/hosts (localhost, and the host name uname gives, as Debian's), the
 * order the C library looks names up in (/etc/nsswitch.conf: files, then
 * DNS, which finds no server), and the protocols and the common services
 * in /etc/protocols and /etc/services, for getaddrinfo, getprotobyname
 * and getservbyname; and /proc/mounts (with
 * /etc/mtab linking to it, as on Debian) listing the tmpfs at / and at
 * /dev/shm, so that getmntent and `df` find the filesystems statfs
 * describes; and /sys/devices/system/cpu/online (the CPUs the program is
 * given: smp_program_cpus) and possible (all of them, a CPU kept for the
 * JIT runtime too: a thread may still be put there, and sched_getcpu
 * name it), where the C library and libgomp count the CPUs ("0" or "0-N"). A --file at the same
 * path replaces any of them (the boot archive is unpacked afterwards).
 */
#include "fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "printf.h"
#include "smp.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
			     "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char group[] = "root:x:0:\n"
			    "nogroup:x:65534:\n";
static const char hosts[] = "127.0.0.1\tlocalhost\n"
			    "127.0.1.1\tbareflow\n"
			    "::1\tlocalhost ip6-localhost ip6-loopback\n";
static const char nsswitch[] = "passwd: files\n"
			       "group: files\n"
			       "shadow: files\n"
			       "hosts: files dns\n"
			       "networks: files\n"
			       "protocols: files\n"
			       "services: files\n";
static const char protocols[] = "ip\t0\tIP\n"
				"icmp\t1\tICMP\n"
				"tcp\t6\tTCP\n"
				"udp\t17\tUDP\n"
				"ipv6\t41\tIPv6\n"
				"ipv6-icmp\t58\tIPv6-ICMP\n";
/* The well-known ports programs name most, TCP's and UDP's alike. */
static const char services[] = "echo\t7/tcp\necho\t7/udp\n"
			       "discard\t9/tcp\ndiscard\t9/udp\n"
			       "daytime\t13/tcp\ndaytime\t13/udp\n"
			       "ftp-data\t20/tcp\nftp\t21/tcp\n"
			       "ssh\t22/tcp\ntelnet\t23/tcp\nsmtp\t25/tcp\tmail\n"
			       "time\t37/tcp\ntime\t37/udp\n"
			       "domain\t53/tcp\ndomain\t53/udp\n"
			       "tftp\t69/udp\ngopher\t70/tcp\nfinger\t79/tcp\n"
			       "http\t80/tcp\twww\n"
			       "pop3\t110/tcp\tpop-3\nnntp\t119/tcp\n"
			       "ntp\t123/udp\nimap2\t143/tcp\timap\n"
			       "snmp\t161/tcp\nsnmp\t161/udp\n"
			       "ldap\t389/tcp\nhttps\t443/tcp\nhttps\t443/udp\n"
			       "submissions\t465/tcp\tssmtp smtps\n"
			       "syslog\t514/udp\nsubmission\t587/tcp\n"
			       "ldaps\t636/tcp\nimaps\t993/tcp\npop3s\t995/tcp\n"
			       "socks\t1080/tcp\nmysql\t3306/tcp\n"
			       "postgresql\t5432/tcp\tpostgres\n"
			       "x11\t6000/tcp\nhttp-alt\t8080/tcp\twebcache\n";
static const char mounts[] = "tmpfs / tmpfs rw,relatime 0 0\n"
			     "tmpfs /dev/shm tmpfs rw,nosuid,nodev,relatime 0 0\n";

/* A file (or with S_IFLNK a symlink) in dir holding the bytes of text
 * (borrowed: they are copied on the first write). */
static int add_file(struct inode *dir, const char *name, const char *text, uint32_t mode)
{
	struct inode *ip = inode_new(mode);
	if (!ip)
		return -ENOMEM;
	inode_set_data(ip, text, strlen(text), true);
	int err = dir_link(dir, name, strlen(name), ip);
	if (err)
		inode_put(ip);
	return err;
}

int etc_populate(void)
{
	struct inode *etc, *proc;
	static const struct {
		const char *name, *text;
		uint32_t mode;
	} files[] = {
	    {"passwd", passwd, S_IFREG | 0644},		{"group", group, S_IFREG | 0644},
	    {"hosts", hosts, S_IFREG | 0644},		{"nsswitch.conf", nsswitch, S_IFREG | 0644},
	    {"protocols", protocols, S_IFREG | 0644},	{"services", services, S_IFREG | 0644},
	    {"mtab", "../proc/mounts", S_IFLNK | 0777},
	};
	int err = path_mkdirs("/etc", &etc);
	for (size_t i = 0; !err && i < sizeof files / sizeof files[0]; i++)
		err = add_file(etc, files[i].name, files[i].text, files[i].mode);
	if (!err)
		err = path_mkdirs("/proc", &proc);
	if (!err)
		err = add_file(proc, "mounts", mounts, S_IFREG | 0444);
	struct inode *dev;
	if (!err)
		err = path_mkdirs("/dev", &dev);
	if (!err) /* as Linux's udev makes it */
		err = add_file(dev, "fd", "/proc/self/fd", S_IFLNK | 0777);
	static char online[16], possible[16];
	struct inode *cpu;
	unsigned n = smp_program_cpus(), all = smp_cpus();
	ksnprintf(online, sizeof online, n > 1 ? "0-%u\n" : "0\n", n - 1);
	ksnprintf(possible, sizeof possible, all > 1 ? "0-%u\n" : "0\n", all - 1);
	if (!err)
		err = path_mkdirs("/sys/devices/system/cpu", &cpu);
	if (!err)
		err = add_file(cpu, "online", online, S_IFREG | 0444);
	if (!err)
		err = add_file(cpu, "possible", possible, S_IFREG | 0444);
	return err;
}
