# --strace names the signal system calls and shows each delivery the way
# strace does ("--- SIGUSR1 {...} ---"), with the handler's rt_sigreturn.
. tests/boot/common.inc
mkdir -p build/abi
bin=build/abi/signals_handler
if [ ! -x "$bin" ] || [ tests/abi/signals_handler.c -nt "$bin" ]; then
	clang-19 -static -O1 -fno-omit-frame-pointer -o "$bin" tests/abi/signals_handler.c || fail "cannot build $bin"
fi
./bareflow run --strace --timeout 60 "$bin" >"$OUT.stdout" 2>"$OUT" </dev/null
STATUS=$?
expect_status 0
expect_output '^\[strace\] rt_sigaction(0xa, 0x'
expect_output '^\[strace\] rt_sigprocmask(0, '
expect_output '^\[strace\] tgkill(0x1, 0x1, 0xa, '
expect_output '^\[strace\] kill(0x1, 0xa, '
expect_output '^\[strace\] sigaltstack('
expect_output '^\[strace\] rt_sigpending('
expect_output '^\[strace\] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=1, si_uid=0} ---$'
expect_output '^\[strace\] --- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=1, si_uid=0} ---$'
expect_output '^\[strace\] rt_sigreturn('
expect_no_output 'sig[a-z]*(.*= -ENOSYS'
! grep -q strace "$OUT.stdout" || fail "strace lines reached stdout"
grep -q '^done$' "$OUT.stdout" || fail "the program did not finish"
rm -f "$OUT.stdout"
# A CPU fault's delivery shows si_code and si_addr, and setitimer's signal
# SI_KERNEL.
for name in signals_fault_reaches_handler timers_alarm_setitimer; do
	bin=build/abi/$name
	if [ ! -x "$bin" ] || [ tests/abi/$name.c -nt "$bin" ]; then
		clang-19 -static -O1 -fno-omit-frame-pointer -o "$bin" tests/abi/$name.c || fail "cannot build $bin"
	fi
	./bareflow run --strace --timeout 60 "$bin" >/dev/null 2>"$OUT" </dev/null
	STATUS=$?
	case $name in
	signals_fault*)
		expect_status 139
		expect_output '^\[strace\] --- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---$'
		expect_output '^\[strace\] --- SIGFPE {si_signo=SIGFPE, si_code=FPE_INTDIV, si_addr=0x'
		expect_output '^\[strace\] --- SIGTRAP {si_signo=SIGTRAP, si_code=SI_KERNEL, si_addr=0} ---$'
		;;
	*)
		expect_status 0
		expect_output '^\[strace\] setitimer('
		expect_output '^\[strace\] --- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---$'
		;;
	esac
done
