#!/bin/sh
# Check that the Debian packages BareFlow builds and runs with are installed.
# As root, install what is missing; otherwise print the exact command to run.
PACKAGES="clang-19 lld-19 llvm-19 qemu-system-x86 grub-pc-bin grub-common xorriso mtools linux-libc-dev"

if ! command -v dpkg-query >/dev/null 2>&1; then
	echo "bareflow setup: this is not a Debian-like system (no dpkg-query)." >&2
	echo "Install by hand: clang 19, lld 19, qemu-system-x86_64, grub-mkrescue with the" >&2
	echo "i386-pc platform, xorriso and mtools." >&2
	exit 1
fi

missing=""
for p in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
	echo "bareflow setup: installing:$missing" >&2
	apt-get update -qq >&2 || exit 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >&2 || exit 1
	exit 0
fi
echo "bareflow setup: missing Debian packages:$missing" >&2
echo "Run this, then try again:" >&2
echo "  sudo apt-get install -y$missing" >&2
exit 1
