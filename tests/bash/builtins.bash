# Run by tests/boot/run_bash.sh as `bash -s`, with this file on stdin, natively
# and under bareflow; stdout and the exit status (3) must be the same.
# Builtins only: no command runs in a child, so nothing needs fork or exec.
RANDOM=42
echo "random: $RANDOM $RANDOM $RANDOM"
n=17 m=5
echo "arith: $((n + m)) $((n - m)) $((n * m)) $((n / m)) $((n % m)) $((-n % m)) $((n ** 3)) $((2 ** 62)) $((2 ** 63)) $((16#ff)) $((2#1011)) $((n > m ? n : m)) $((n & m)) $((n | m)) $((n ^ m)) $((n << 3)) $((~n))"
(( n += 3, m *= 2 ))
let "k = n * m" "j = k / 7"
echo "compound: n=$n m=$m k=$k j=$j"
x="The quick brown fox jumps over the lazy dog"
echo "length ${#x}; sub ${x:4:5}; tail ${x: -3}; replace ${x//o/0}; first ${x/the/THE}"
echo "prefix ${x#* }; longest ${x##* }; suffix ${x% *}; longest ${x%% *}"
echo "upper ${x^^}; lower ${x,,}; cap ${x^}"
path=/usr/local/lib/libfoo.so.1.2
echo "dir ${path%/*} base ${path##*/} ext ${path#*.}"
unset maybe
echo "defaults: ${maybe:-fallback} ${maybe:+set} ${x:+set} ${#maybe[@]}"
: "${assigned:=now set}"
echo "assigned: $assigned"
a=(zero one two three four five)
a+=(six "seven eight")
echo "array: ${#a[@]} items; [${a[3]}] [${a[-1]}] [${a[@]:2:3}] indexes ${!a[*]}"
unset 'a[1]'
echo "after unset: ${#a[@]} items, indexes ${!a[*]}"
declare -A color=([apple]=red [banana]=yellow [grape]=purple)
color[lime]=green
keys=("${!color[@]}")
sorted=()
for k in "${keys[@]}"; do # insertion sort, so the order is ours
	i=${#sorted[@]}
	sorted+=("$k")
	while ((i > 0)) && [[ ${sorted[i - 1]} > $k ]]; do
		sorted[i]=${sorted[i - 1]}
		((i--))
	done
	sorted[i]=$k
done
for k in "${sorted[@]}"; do printf '%s=%s ' "$k" "${color[$k]}"; done
echo "(${#color[@]} keys)"
fib_into() { # fib_into VAR N: VAR=fib(N), without a subshell
	local -n out=$1
	local a=0 b=1 i
	for ((i = 0; i < $2; i++)); do
		((b += a, a = b - a))
	done
	out=$a
}
fib_into f 90
echo "fib(90) = $f"
fact() { # recursive, the result in $result
	if (($1 <= 1)); then
		result=1
	else
		fact $(($1 - 1))
		result=$((result * $1))
	fi
}
fact 20
echo "20! = $result"
count_args() { echo "$# args: $*"; shift 2; echo "after shift: $1"; }
count_args "a b" c d "e f"
check() { return $(($1 % 3)); }
for i in 1 2 3; do
	if check $i; then echo "$i: status 0"; else echo "$i: status $?"; fi
done
i=0
until ((i >= 5)); do ((i++)); ((i == 2)) && continue; printf '%d ' $i; done
echo
for w in apple Banana cherry 42 x.tar.gz ""; do
	case $w in
	[A-Z]*) kind=capital ;;
	*.tar.gz | *.tgz) kind=tarball ;;
	[0-9]*) kind=number ;;
	"") kind=empty ;;
	a* | c*) kind="starts with a or c" ;;
	*) kind=other ;;
	esac
	printf '%-10s %s\n' "[$w]" "$kind"
done
if [[ "version 5.2.15 release" =~ ([0-9]+)\.([0-9]+)\.([0-9]+) ]]; then
	echo "regex: ${BASH_REMATCH[0]} major ${BASH_REMATCH[1]} patch ${BASH_REMATCH[3]}"
fi
[[ foo.c == *.c && ! -z foo ]] && echo "glob match"
printf '|%5d|%-5d|%05d|%x|%X|%o|%e|%.3f|%10.4s|%c|%%|\n' 42 42 42 255 255 8 1234.5 3.14159 abcdefgh xyz
printf -v formatted '%s-%03d' item 7
echo "printf -v: $formatted"
printf '%s,' {1..5} {a,b}{x,y} {10..0..5}
echo
declare -i counter=10
counter+=5
echo "declare -i: $counter"
set -- one two three
echo "positional: $# $2 ${@: -1}"
OPTIND=1
while getopts "ab:c" opt -a -b value -c extra; do printf 'opt %s %s; ' "$opt" "${OPTARG:-}"; done
echo
eval 'evaluated=$((6 * 7))'
echo "eval: $evaluated"
prefix_one=1 prefix_two=2
echo "indirect: ${!prefix_@}"
ref=prefix_two
echo "by name: ${!ref}"
# The loop's read takes the six lines after the loop of this very script: bash reads
# its script from a pipe one byte at a time, so they are the loop's data.
total=0 lines=0 longest=
while ((lines < 6)) && read -r num w1 w2 val; do
	((lines++))
	total=$((total + 10#$num))
	((${#w1} > ${#longest})) && longest=$w1
	echo "read: $num ${w2^^} ${val%.*}"
done
606 lambda mu 372.06
775 mu zeta 467.75
924 epsilon lambda 203.24
573 zeta delta 296.73
178 gamma epsilon 454.78
099 beta alpha 11.10
echo "read $lines lines, total $total, longest word $longest"
echo "done with status"
exit 3
