#!/bin/sh
# Make sure the Debian packages BareFlow builds and boots with are installed.
# All present: silent, exit 0. Missing, as root: install them. Missing, not
# root: print the exact command to run and exit 1.
# usage: tools/setup.sh [PACKAGE...]   (default: the packages below; with
# arguments, those packages instead, e.g. a benchmark's own dependencies, or
# `make llm-train`'s: python3-torch fortunes libopenblas0-serial, needed only
# to retrain apps/llm's committed model)
PACKAGES="clang-19 lld-19 llvm-19 qemu-system-x86 grub-pc-bin grub-common xorriso mtools
	linux-libc-dev libc6-dev busybox-static bash-static llvm-19-dev zlib1g-dev libzstd-dev
	libclang-rt-19-dev dosfstools gdb python3 chromium golang-go"
[ $# -gt 0 ] && PACKAGES="$*"

if ! command -v dpkg-query >/dev/null 2>&1; then
	if [ $# -gt 0 ]; then
		echo "bareflow setup: this is not a Debian-like system (no dpkg-query), so the" >&2
		echo "packages cannot be checked or installed for you: install the equivalent of" >&2
		echo "Debian's $PACKAGES by hand." >&2
		exit 1
	fi
	echo "bareflow setup: this is not a Debian-like system (no dpkg-query), so the" >&2
	echo "packages cannot be checked or installed for you. Install by hand: clang 19," >&2
	echo "lld 19 and llvm-objcopy 19 (as clang-19, ld.lld-19, llvm-objcopy-19 in PATH)," >&2
	echo "qemu-system-x86_64, GRUB's grub-mkrescue and grub-file with the i386-pc" >&2
	echo "platform, xorriso and mtools; then run 'make'." >&2
	exit 1
fi

# missing: the packages of $PACKAGES that are not fully installed.
missing() {
	for p in $PACKAGES; do
		case "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" in
		*" ok installed") ;;
		*) printf ' %s' "$p" ;;
		esac
	done
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "bareflow setup: missing Debian packages:$need. Install them with:" >&2
	echo "sudo apt-get install -y$need" >&2
	exit 1
fi

echo "bareflow setup: installing:$need" >&2
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp) || exit 1
trap 'rm -f "$log"' EXIT
if ! apt-get update -q >"$log" 2>&1 ||
	! apt-get install -y -q --no-install-recommends $need >>"$log" 2>&1; then
	cat "$log" >&2
	echo "bareflow setup: apt-get failed (see above)" >&2
	exit 1
fi
need=$(missing)
if [ -n "$need" ]; then
	echo "bareflow setup: still missing after apt-get install:$need" >&2
	exit 1
fi
