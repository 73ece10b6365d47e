# Users and groups under the JIT (runtime/users.c): pwd.h's and grp.h's
# lookups, walks and reentrant calls, read from /etc/passwd and
# /etc/group, glibc's name-service modules being shared objects a static
# binary cannot load. Before, a program naming one (SQLite's shell, tree)
# failed to start (exit 127). tests/jit/users/users.c prints every entry
# and each lookup; hosted, and bare-metal with this machine's two files
# given to the guest, it must print what the clang build prints with
# glibc (a group's lookup, too, leaves the last user's entry as it was).
. tests/boot/common.inc
src=tests/jit/users/users.c
clang-19 -O1 -o "$TMP/oracle" "$src" || fail "clang failed"
"$TMP/oracle" >"$TMP/want" || fail "the clang build failed"
run ./bareflow jit --hosted --cache off "$src"
expect_status 0
cmp -s "$TMP/want" "$OUT" || fail "hosted: not the clang build's output"
run ./bareflow jit --cache off --timeout 600 --file /etc/passwd:/etc/passwd \
	--file /etc/group:/etc/group "$src"
expect_status 0
# the guest's console adds carriage returns
tr -d '\r' <"$OUT" >"$TMP/got"
cmp -s "$TMP/want" "$TMP/got" || fail "bare-metal: not the clang build's output"

# Files of our own, read as glibc's files module reads them (its
# fgetpwent and fgetgrent, on the host, are the oracle): a missing field at
# the end is empty, the last takes the rest of the line, a member's leading
# blanks go; comments, a line whose id is no number, and one short of the
# group id are skipped; and NIS's + and - lines, which glibc would read as
# entries and BareFlow, without NIS, skips.
printf '%s\n' '# users' 'ada:x:1000:100:Ada L.,,,:/home/ada:/bin/sh' '+nis::::::' \
	'bad:x:12a:100::/:/bin/sh' 'short:x:7:7:/:/bin/sh' 'four:x:8:8' 'three:x:9' \
	'trail:x:5:5:g:/h:/bin/sh:' 'sp:x: 6:6::/:' 'big:x:4294967295:1::/:' \
	'bob:*:1001:101::/home/bob:' >"$TMP/passwd"
printf '%s\n' 'staff:x:100:ada,,bob' '-nis' 'none:x:101:' 'odd:x:-1:ada' 'nomem:x:102' 'two:x' \
	'col:y:105:a:b' 'spc:x:106: ada , bob' >"$TMP/group"
cat >"$TMP/files.c" <<'EOF'
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
int main(int argc, char **argv)
{
	FILE *f = fopen(argv[1], "r"), *g = fopen(argv[2], "r");
	struct passwd *pw;
	struct group *gr;
	while (f && (pw = fgetpwent(f)))
		if (pw->pw_name[0] != '+' && pw->pw_name[0] != '-')
			printf("user: %s uid %u gid %u gecos '%s' dir %s shell %s\n", pw->pw_name,
			       (unsigned)pw->pw_uid, (unsigned)pw->pw_gid, pw->pw_gecos, pw->pw_dir,
			       pw->pw_shell);
	while (g && (gr = fgetgrent(g))) {
		if (gr->gr_name[0] == '+' || gr->gr_name[0] == '-')
			continue;
		printf("group: %s gid %u members", gr->gr_name, (unsigned)gr->gr_gid);
		for (char **m = gr->gr_mem; *m; m++)
			printf(" %s", *m);
		printf("\n");
	}
	return 0;
}
EOF
clang-19 -o "$TMP/files" "$TMP/files.c" || fail "clang failed on the oracle"
"$TMP/files" "$TMP/passwd" "$TMP/group" >"$TMP/want-files" || fail "the oracle failed"
grep -q "^user: trail .* shell /bin/sh:\$" "$TMP/want-files" || fail "oracle: $(cat "$TMP/want-files")"
run ./bareflow jit --cache off --timeout 600 --file "$TMP/passwd:/etc/passwd" \
	--file "$TMP/group:/etc/group" "$src"
expect_status 0
tr -d '\r' <"$OUT" | grep -E '^(user|group): ' >"$TMP/got-files"
cmp -s "$TMP/want-files" "$TMP/got-files" ||
	fail "bare-metal, our files: not glibc's reading: $(diff "$TMP/want-files" "$TMP/got-files")"
expect_output "^by uid: ada uid 1000"
expect_output "^by gid: staff gid 100 members ada bob"
expect_output "^user still ada, group staff"
expect_output "^getpwuid_r, 8 bytes: ERANGE, none"
echo ok
