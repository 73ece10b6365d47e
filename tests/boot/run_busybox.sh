# Debian's busybox-static, a program nobody here wrote: each applet reads a
# generated text on stdin (no files needed) and must write the same bytes
# with the same exit status natively and under `bareflow run`. On a
# mismatch the run is repeated with --strace to name the system calls that
# returned ENOSYS. With arguments (case names), only those cases run.
. tests/boot/common.inc
BB=/bin/busybox
[ -x "$BB" ] || fail "$BB is missing: run 'make setup' (package busybox-static)"
mkdir -p build/busybox
D=build/busybox
ONLY="$*"

# A few KB of text: 150 lines of number, two words and a decimal, from a
# fixed linear congruential sequence (stdin crosses the emulated serial line
# at about 16 KB/s, so it stays small).
set -- alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu
x=12345
i=0
while [ $i -lt 150 ]; do
	x=$(((x * 1103515245 + 12345) % 2147483648))
	eval "w1=\${$((x % 12 + 1))} w2=\${$((x / 16 % 12 + 1))}"
	printf '%03d %s %s %d.%02d\n' $((x % 1000)) "$w1" "$w2" $((x / 7 % 500)) $((x % 100))
	i=$((i + 1))
done >$D/input.txt
failures=0
cases=0

# check NAME INPUT STATUS APPLET [ARGS...]: run the applet on INPUT both
# ways; natively it must exit with STATUS (proof the case itself is right).
check() {
	name=$1 input=$2 want=$3
	shift 3
	if [ -n "$ONLY" ]; then
		case " $ONLY " in *" $name "*) ;; *) return ;; esac
	fi
	cases=$((cases + 1))
	env -i "$BB" "$@" <"$input" >$D/$name.native 2>$D/$name.native.err
	native=$?
	./bareflow run --timeout 120 "$BB" "$@" <"$input" >$D/$name.bare 2>$D/$name.bare.err
	bare=$?
	if [ "$native" -ne "$want" ]; then
		failures=$((failures + 1))
		echo "FAIL $name: natively status $native, not $want: the case is wrong on this host"
		head -3 $D/$name.native.err | sed 's/^/    stderr: /'
		return
	fi
	if [ "$native" -eq "$bare" ] && cmp -s $D/$name.native $D/$name.bare; then
		echo "ok   $name (status $bare)"
		return
	fi
	failures=$((failures + 1))
	printf 'FAIL %s: busybox %s: native status %s, bareflow status %s\n' "$name" "$*" "$native" "$bare"
	cmp $D/$name.native $D/$name.bare 2>&1 | head -1 | sed 's/^/    /'
	head -3 $D/$name.bare.err | sed 's/^/    stderr: /'
	./bareflow run --strace --timeout 120 "$BB" "$@" <"$input" >/dev/null 2>$D/$name.strace
	missing=$(sed -n 's/^\[strace\] \([a-z0-9_]*\)(.*) = -ENOSYS$/\1/p' $D/$name.strace | sort -u | tr '\n' ' ')
	echo "    returned ENOSYS: ${missing:-none}"
}

IN=$D/input.txt
EMPTY=$D/empty
: >$EMPTY
check cat $IN 0 cat
check cat-n $IN 0 cat -n
check head $IN 0 head -n 7
check tail $IN 0 tail -n 7
check tac $IN 0 tac
check wc $IN 0 wc
check wc-l $IN 0 wc -l
check sort $IN 0 sort
check sort-numeric-key $IN 0 sort -n -k4
check sort-reverse-unique $IN 0 sort -r -u -k2,2
check uniq-c $IN 0 uniq -c -f 1
check cut $IN 0 cut -d " " -f 2,3
check tr $IN 0 tr a-z A-Z
check tr-delete $IN 0 tr -d 0-9
check rev $IN 0 rev
check nl $IN 0 nl
check fold $IN 0 fold -w 17
check grep-count $IN 0 grep -c alpha
check grep-invert $IN 0 grep -v -E "alpha|beta"
check grep-numbered $IN 0 grep -n -i "^[0-9]* MU "
check grep-no-match $IN 1 grep nothing-matches-this
check sed $IN 0 sed "s/a/A/g;/zeta/d"
check sed-range $IN 0 sed -n "5,10p;\$="
check awk-sum $IN 0 awk '{ s += $4; n[$2]++ } END { printf "%.2f %d\n", s, NR; for (k in n) c++; print c }'
check awk-fields $IN 0 awk '$1 > 500 { print $3, $1 * 2, length($0) }'
check md5sum $IN 0 md5sum
check sha1sum $IN 0 sha1sum
check sha256sum $IN 0 sha256sum
check sha512sum $IN 0 sha512sum
check crc32 $IN 0 crc32
check base64 $IN 0 base64
check od $IN 0 od -A x -t x1 -N 512
check hexdump $IN 0 hexdump -C -n 256
check strings $IN 0 strings -n 8
check gzip $IN 0 gzip -c
check bzip2 $IN 0 bzip2 -c
# Compressed output must also be right: it decompresses to the input.
for z in gzip bzip2; do
	[ -s $D/$z.native ] || continue
	"$BB" $z -dc <$D/$z.native | cmp -s - $IN || { echo "FAIL $z: native output does not decompress"; failures=$((failures + 1)); }
done
[ -s $D/gzip.native ] && check gunzip $D/gzip.native 0 gzip -dc
[ -s $D/base64.native ] && check base64-decode $D/base64.native 0 base64 -d
# Applets that need no input.
check seq $EMPTY 0 seq 3 7 200
check printf $EMPTY 0 printf "%5.2f|%-6s|%x|%o|%e\n" 3.14159 ab 255 8 12345.678
check expr $EMPTY 0 expr 7 \* 6 + 1
check factor $EMPTY 0 factor 123456789 1000000007
check basename $EMPTY 0 basename /usr/lib/libfoo.so.1 .so.1
check true $EMPTY 0 true
check false $EMPTY 1 false
check test-status $EMPTY 1 test 3 -gt 5
check dc $EMPTY 0 dc -e "2 64 ^ p 10 k 1 3 / p"
check sh-arithmetic $EMPTY 0 sh -c 'x=6; y=7; echo $((x * y)) ${#x}; for i in 1 2 3; do printf "%s," $i; done; echo'
# stdin from a pipe, as in the README.
if [ -z "$ONLY" ] || case " $ONLY " in *" echo-pipe "*) true ;; *) false ;; esac; then
	cases=$((cases + 1))
	got=$(echo hi | ./bareflow run --timeout 60 "$BB" cat 2>$D/echo-pipe.err)
	if [ "$got" = hi ]; then
		echo "ok   echo-pipe"
	else
		echo "FAIL echo-pipe: 'echo hi | bareflow run busybox cat' printed '$got'"
		failures=$((failures + 1))
	fi
fi
echo "busybox: $((cases - failures)) of $cases cases the same"
[ "$failures" -eq 0 ]
