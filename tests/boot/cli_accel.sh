# --accel auto|kvm|tcg: the choice and the QEMU command line it makes, seen by
# a stand-in for QEMU. No test may need KVM, so the device is replaced
# (BAREFLOW_TEST_KVM_DEVICE) by files that are not KVM: a missing path, a
# directory, /dev/null (no KVM_GET_API_VERSION) and, when not root, a file
# that cannot be opened. With any of them auto takes TCG and kvm is refused.
. tests/boot/common.inc
fake_qemu
root=$(pwd)
mkdir "$TMP/dir"
printf 'int main(void) { return 0; }\n' >"$TMP/p.c"
clang-19 -static -O1 -o "$TMP/p" "$TMP/p.c" || fail "clang failed"

# expect_tcg: QEMU was asked for TCG with the emulator's richest CPU.
expect_tcg() {
	expect_arg tcg
	expect_arg max
	grep -A1 -x -- -accel "$TMP/args" | grep -qx tcg || fail "-accel tcg expected"
	grep -A1 -x -- -cpu "$TMP/args" | grep -qx max || fail "-cpu max expected"
	! grep -qx -e kvm -e host "$TMP/args" || fail "KVM arguments without KVM"
}

for dev in "$TMP/none" "$TMP/dir" /dev/null; do
	export BAREFLOW_TEST_KVM_DEVICE="$dev"
	for cmd in "demo" "selftest" "run $TMP/p" "demo --accel auto"; do
		rm -f "$TMP/args"
		run ./bareflow $cmd
		expect_status 0
		expect_tcg
		expect_no_output accelerator # quiet by default
	done
	run ./bareflow demo --verbose
	expect_status 0
	expect_tcg
	expect_output "^bareflow: accelerator: tcg ($dev"

	rm -f "$TMP/args"
	run ./bareflow run --accel kvm "$TMP/p"
	expect_status 2
	expect_output "^bareflow: --accel kvm: KVM is not usable here ($dev"
	[ ! -e "$TMP/args" ] || fail "QEMU was started although KVM was refused"
done
BAREFLOW_TEST_KVM_DEVICE=$TMP/none run ./bareflow demo --accel kvm
expect_output "$TMP/none: No such file or directory"
BAREFLOW_TEST_KVM_DEVICE=$TMP/dir run ./bareflow selftest --accel kvm
expect_status 2
expect_output "$TMP/dir: Is a directory"
BAREFLOW_TEST_KVM_DEVICE=/dev/null run ./bareflow demo --accel=kvm
expect_status 2
expect_output "/dev/null does not answer KVM_GET_API_VERSION"
if [ "$(id -u)" -ne 0 ]; then # root opens any file
	: >"$TMP/locked"
	chmod 000 "$TMP/locked"
	BAREFLOW_TEST_KVM_DEVICE=$TMP/locked run ./bareflow demo --accel kvm
	expect_status 2
	expect_output "$TMP/locked: Permission denied"
fi

# tcg is never refused, whatever the device, and needs none.
for dev in "$TMP/none" /dev/kvm; do
	BAREFLOW_TEST_KVM_DEVICE=$dev run ./bareflow demo --accel tcg --verbose
	expect_status 0
	expect_tcg
	expect_output "^bareflow: accelerator: tcg (asked for with --accel tcg)"
done
run ./bareflow jit --accel tcg --compile-cpu off "$TMP/p.c" # one CPU: plain tcg
expect_status 0
expect_tcg

run ./bareflow demo --accel hvf
expect_status 2
expect_output "bad --accel 'hvf': use auto, kvm or tcg"
run ./bareflow jit --hosted --accel tcg "$TMP/p.c"
expect_status 2
expect_output "--accel needs a boot: not with --hosted"
