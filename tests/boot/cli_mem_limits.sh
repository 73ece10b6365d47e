# --mem limits, checked before QEMU starts (2, the limit named, and the
# --mem that would work): `--mem 50M` and `jit --mem 64M` once booted into a
# "too little RAM" panic printed on stdout, `--mem 1T` into a QEMU error,
# `demo --mem 1000G` into a panic, and a 600 MB --file into QEMU's "initrd is
# too large" (all 125). The minimum the CLI names must boot, and one MiB less
# must really be too little: a QEMU stand-in that shrinks the RAM shows the
# kernel's panic, which in a program's boot goes to stderr with the kernel
# log, never to stdout.
. tests/boot/common.inc
cat >"$TMP/hello.c" <<'END'
#include <stdio.h>
int main(void) { printf("hello\n"); return 0; }
END
clang-19 -static -O1 -o "$TMP/hello" "$TMP/hello.c" || fail "clang failed"

shrinking_qemu

# refused ARGS...: 2, one line and no QEMU; $need is the --mem it names.
refused() {
	rm -f "$TMP/started"
	run ./bareflow "$@"
	expect_status 2
	[ ! -e "$TMP/started" ] || fail "QEMU was started: $*"
	need=$(sed -n 's/.*use --mem \([0-9]*\)M or more$/\1/p' "$OUT")
}

# Too small, for the kernel alone: about 50M is its minimum (48 MiB free,
# the first MiB, its image of about 0.9 MiB, more as the kernel grows, and
# the firmware's), which boots, and one MiB less is refused.
refused demo --mem 32M
expect_output "^bareflow: --mem 32M is too small: the kernel needs 48 MiB free besides"
[ "$need" -ge 50 ] && [ "$need" -le 52 ] || fail "demo: expected a minimum of about 50M, got '$need'"
kernel_need=$need
refused demo --mem $((need - 1))M
run ./bareflow demo --mem "${kernel_need}M" --cmdline demo=banner --timeout 60
expect_status 0
expect_output "^BareFlow x86-64 unikernel"

# Too large: the kernel's direct map ends at 512 GiB; 511G boots.
for big in 1T 512G 1000G 2T 9999999G; do
	refused demo --mem "$big"
	expect_output "^bareflow: --mem $big is too large: the kernel maps RAM up to 512 GiB"
	expect_output "use at most --mem 511G$"
done
refused run --mem 1T "$TMP/hello"
run ./bareflow demo --mem 511G --timeout 60
expect_status 0
expect_output "^Usable RAM: 52[0-9][0-9][0-9][0-9] MiB managed"

# run and jit: the archive and the devices' buffers count, and for jit 8 MiB
# for the JIT runtime (LLVM's start and first compiles), which the kernel
# does not know of. The named minimum boots and runs the program; one MiB
# less than the kernel's own minimum panics (kernel log and panic on
# stderr, stdout empty, 125).
for cmd in "run $TMP/hello" "jit $TMP/hello.c"; do
	case $cmd in jit*) work=8 ;; *) work=0 ;; esac
	refused ${cmd%% *} --mem "${kernel_need}M" ${cmd#* }
	expect_output "MiB boot archive (the program and its files); use --mem [0-9]*M or more$"
	[ -n "$need" ] || fail "$cmd: no --mem named"
	[ "$work" = 0 ] || expect_output "8 MiB for the JIT runtime and the"
	run ./bareflow ${cmd%% *} --mem "${need}M" --timeout 120 ${cmd#* }
	expect_status 0
	expect_output "^hello$"
	SHRINK=$((need - work - 1)) ./bareflow ${cmd%% *} --mem "${need}M" --timeout 120 ${cmd#* } \
		>"$TMP/stdout" 2>"$OUT"
	STATUS=$?
	expect_status 125
	[ ! -s "$TMP/stdout" ] || fail "$cmd: the panic went to stdout: $(cat "$TMP/stdout")"
	# 48 MiB, and 1 for the streams' device; jit also has the code cache's disk
	case $cmd in jit*) at_least=50 ;; *) at_least=49 ;; esac
	expect_output "^BareFlow panic: pmm: too little RAM: $((at_least - 1)) MiB usable, BareFlow needs at least $at_least MiB"
	expect_output "^bareflow: kernel log:"
	[ "$(grep -c "^BareFlow panic" "$OUT")" -eq 2 ] || fail "$cmd: the panic is not in the log"
done

# An archive larger than --mem allows, or than fits below 4 GiB at all
# (sparse files: only their sizes are looked at). Besides the file and the
# program it holds the host's C.UTF-8 locale, about 0.4 MiB, when the host
# has one: hence N.7 or N+1.1 MiB.
truncate -s 600M "$TMP/big"
refused run --file "$TMP/big" "$TMP/hello"
expect_output "^bareflow: --mem 512M is too small: .* the 60[01]\.[17] MiB boot archive"
# 48 + 1 + 1 (the console's buffers) + the archive, the image (0.8 MiB,
# more as the kernel grows) and the page bitmap, rounded up
[ "$need" -ge 650 ] && [ "$need" -le 654 ] || fail "600M file: expected about 652M, got '$need'"
truncate -s 3500M "$TMP/big"
refused run --mem 8G --file "$TMP/big" "$TMP/hello"
expect_output "^bareflow: --mem 8192M is too large for the 350[01]\.[17] MiB boot archive: .* use --mem 355[2-4]M to 3583M$" # 1 MiB for the streams' device
truncate -s 3600M "$TMP/big"
refused run --mem 8G --file "$TMP/big" "$TMP/hello"
expect_output "^bareflow: the boot archive is 360[01]\.[17] MiB: QEMU loads it below 4 GiB, where at most 35[23][0-9] MiB fit"
# An ISO boots elsewhere: its archive is not held to --mem.
truncate -s 10M "$TMP/big"
rm -f "$TMP/started"
run ./bareflow run --mem "${kernel_need}M" --file "$TMP/big" --iso "$TMP/out.iso" "$TMP/hello"
expect_status 0
