/* pwd.h and grp.h, as a program that looks up users and groups uses them:
 * the runtime's own, from /etc/passwd and /etc/group (runtime/users.c),
 * against the C library's on Linux (glibc with the files module, for the
 * oracle). Prints each entry the walks see, the lookups by name and by id
 * of the first of each, one that fails, and the reentrant lookups with
 * too small a buffer (ERANGE) and with enough. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

static void show_user(const char *how, const struct passwd *pw)
{
	if (!pw) {
		printf("%s: none\n", how);
		return;
	}
	printf("%s: %s uid %u gid %u gecos '%s' dir %s shell %s\n", how, pw->pw_name,
	       (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, pw->pw_gecos, pw->pw_dir, pw->pw_shell);
}

static void show_group(const char *how, const struct group *gr)
{
	if (!gr) {
		printf("%s: none\n", how);
		return;
	}
	printf("%s: %s gid %u members", how, gr->gr_name, (unsigned)gr->gr_gid);
	for (char **m = gr->gr_mem; *m; m++)
		printf(" %s", *m);
	printf("\n");
}

int main(void)
{
	char first[256] = "", group_first[256] = "";
	unsigned first_uid = 0, first_gid = 0, n = 0;
	struct passwd *pw;
	struct group *gr;
	setpwent();
	while ((pw = getpwent())) {
		if (!n++) {
			snprintf(first, sizeof first, "%s", pw->pw_name);
			first_uid = (unsigned)pw->pw_uid;
		}
		show_user("user", pw);
	}
	endpwent();
	n = 0;
	setgrent();
	while ((gr = getgrent())) {
		if (!n++) {
			snprintf(group_first, sizeof group_first, "%s", gr->gr_name);
			first_gid = (unsigned)gr->gr_gid;
		}
		show_group("group", gr);
	}
	endgrent();

	show_user("by name", getpwnam(first));
	show_user("by uid", getpwuid(first_uid));
	show_user("no such name", getpwnam("no-such-user-here"));
	show_group("by name", getgrnam(group_first));
	show_group("by gid", getgrgid(first_gid));
	show_group("no such gid", getgrgid(4000000000u));

	/* a group's lookup leaves the user's entry as it was */
	pw = getpwuid(first_uid);
	gr = getgrgid(first_gid);
	printf("user still %s, group %s\n", pw ? pw->pw_name : "(none)", gr ? gr->gr_name : "(none)");

	struct passwd pwbuf, *found = &pwbuf;
	char small[8], big[4096];
	int r = getpwuid_r(first_uid, &pwbuf, small, sizeof small, &found);
	printf("getpwuid_r, 8 bytes: %s, %s\n", r == ERANGE ? "ERANGE" : r ? strerror(r) : "0",
	       found ? "found" : "none");
	r = getpwnam_r(first, &pwbuf, big, sizeof big, &found);
	printf("getpwnam_r: %d\n", r);
	show_user("  it", found);
	struct group grbuf, *gfound = &grbuf;
	r = getgrgid_r(first_gid, &grbuf, small, sizeof small, &gfound);
	printf("getgrgid_r, 8 bytes: %s, %s\n", r == ERANGE ? "ERANGE" : r ? strerror(r) : "0",
	       gfound ? "found" : "none");
	r = getgrnam_r(group_first, &grbuf, big, sizeof big, &gfound);
	printf("getgrnam_r: %d\n", r);
	show_group("  it", gfound);
	return 0;
}
