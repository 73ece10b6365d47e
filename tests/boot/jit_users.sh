# Users and groups under the JIT (runtime/users.c): pwd.h's and grp.h's
# lookups, walks and reentrant calls, read from /etc/passwd and
# /etc/group, glibc's name-service modules being shared objects a static
# binary cannot load. Before, a program naming one (SQLite's shell, tree)
# failed to start (exit 127). tests/jit/users/users.c prints every entry
# and each lookup; hosted, and bare-metal with this machine's two files
# given to the guest, it must print what the clang build prints with
# glibc. Then bare-metal with files of our own: comments, NIS lines, a
# line whose id is no number and one short of a field are skipped, an
# empty member list and empty members are none.
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

printf '%s\n' '# users' 'ada:x:1000:100:Ada L.,,,:/home/ada:/bin/sh' '+nis::::::' \
	'bad:x:12a:100::/:/bin/sh' 'short:x:7:7:/:/bin/sh' 'bob:*:1001:101::/home/bob:' >"$TMP/passwd"
printf '%s\n' 'staff:x:100:ada,,bob' '-nis' 'none:x:101:' 'odd:x:-1:ada' >"$TMP/group"
run ./bareflow jit --cache off --timeout 600 --file "$TMP/passwd:/etc/passwd" \
	--file "$TMP/group:/etc/group" "$src"
expect_status 0
expect_output "^user: ada uid 1000 gid 100 gecos 'Ada L.,,,' dir /home/ada shell /bin/sh"
expect_output "^user: bob uid 1001 gid 101 gecos '' dir /home/bob shell "
expect_no_output "bad uid\|short uid\|nis"
expect_output "^group: staff gid 100 members ada bob"
expect_output "^group: none gid 101 members"
expect_no_output "^group: odd"
expect_output "^by uid: ada uid 1000"
expect_output "^by gid: staff gid 100 members ada bob"
expect_output "^getpwuid_r, 8 bytes: ERANGE, none"
echo ok
