/* The guest had no /etc/passwd or /etc/group: getpwuid(0) and getgrgid(0)
 * found nothing, so `id`, `ls -l` and `whoami` printed numbers or failed.
 * The files are read with fgetpwent and fgetgrent (getpwuid in a static
 * program loads the host's NSS modules natively, which may crash); only
 * what any Linux system has is printed. */
#define _GNU_SOURCE
#include <grp.h>
#include <pwd.h>
#include <stdio.h>

int main(void)
{
	FILE *f = fopen("/etc/passwd", "r");
	printf("/etc/passwd: %s\n", f ? "readable" : "missing");
	for (struct passwd *pw; f && (pw = fgetpwent(f));)
		if (pw->pw_uid == 0)
			printf("uid 0: %s, gid %u, home %s\n", pw->pw_name, pw->pw_gid, pw->pw_dir);
	f = fopen("/etc/group", "r");
	printf("/etc/group: %s\n", f ? "readable" : "missing");
	for (struct group *gr; f && (gr = fgetgrent(f));)
		if (gr->gr_gid == 0)
			printf("gid 0: %s\n", gr->gr_name);
	return 0;
}
