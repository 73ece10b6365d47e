# The compile server (runtime/jit/remote.c): the runtime's optimizing
# compiles sent to `bareflow-rt --serve-compiles` and the object code
# linked where they were asked for.
#
# 1. The code is the guest's own: hosted, the runtime alone, synchronous
#    and with fixed thresholds, so that the compiles come at the same calls
#    every run. guard.c (tier 1, tier 2 specialized, then generic code for
#    the guard's misses): the objects compiled here and by a server on a
#    Unix socket (BAREFLOW_RT_OBJECTS) are as many and define the same
#    functions. overlap.c: its no-overlap specialization sends the module
#    to the server for the passes its analysis needs, and takes it back.
#    osr_then_calls.c: OSR code. Each run's output is the clang build's.
# 2. A server that goes away: the runtime says so once and compiles itself
#    from then on; the output stays the clang build's.
# 3. The server refuses what is not a request of ours, and answers a
#    request whose bitcode it cannot read with an error, then serves on.
#    It gives the program's files it was started with, once they are made,
#    and no other.
# 4. Bare-metal `bareflow jit` uses the server by default (the guest's
#    /dev/hostjit), not with --compile-on guest; both give the clang build's
#    output, and the option's misuses are usage errors. The guest fetches
#    the bitcode and tier-0 files from the server: they are not in the boot
#    archive.
. tests/boot/common.inc
rt=build/runtime/bareflow-rt
thresholds=100,1000000,1000,2000000
args() { [ "$1" != osr_then_calls ] || echo 3000000; } # a shorter run
for p in guard overlap osr_then_calls; do
	clang-19 -O2 -o "$TMP/$p" "tests/jit/tiers/$p.c" || fail "clang failed"
	# shellcheck disable=SC2046 # none or one word
	"$TMP/$p" $(args $p) >"$TMP/$p.want" || fail "the clang build of $p failed"
	clang-19 -O2 -Xclang -disable-llvm-passes -emit-llvm -c -g0 -o "$TMP/$p.bc" \
		"tests/jit/tiers/$p.c" || fail "clang failed to make bitcode"
done

# listen.py SOCKET MODE RT: accept one connection on the Unix socket;
# "serve" runs the compile server on it, "drop" closes it at once.
cat >"$TMP/listen.py" <<'END'
import socket, subprocess, sys
path, mode, rt = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(path)
s.listen(1)
open(path + ".ready", "w").close()
c, _ = s.accept()
if mode == "serve":
    sys.exit(subprocess.run([rt, "--serve-compiles"], stdin=c.fileno(),
                            stdout=c.fileno()).returncode)
c.close()
END
listen() { # MODE: a listener on $TMP/sock, ready when this returns
	rm -f "$TMP/sock" "$TMP/sock.ready"
	python3 "$TMP/listen.py" "$TMP/sock" "$1" "$rt" 2>"$TMP/listen.err" &
	LISTENER=$!
	i=0
	while [ ! -e "$TMP/sock.ready" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e "$TMP/sock.ready" ] || fail "the listener did not start: $(cat "$TMP/listen.err")"
}
jit_alone() { # PROGRAM DIR [OPTIONS...]: the runtime alone, its objects in DIR
	p=$1 d=$2
	shift 2
	mkdir -p "$d"
	BAREFLOW_RT_OBJECTS=$d run "$rt" --cache off --compile-threads 0 --log-tiers \
		--thresholds $thresholds "$@" "$TMP/$p.bc" -- "$p" $(args "$p")
	expect_status 0
	grep -v '^bareflow-rt: ' "$OUT" >"$TMP/$p.got"
	cmp -s "$TMP/$p.want" "$TMP/$p.got" || fail "$p's output is not the clang build's"
}
with_server() { # PROGRAM DIR: jit_alone with a compile server
	listen serve
	jit_alone "$1" "$2" --compile-server "$TMP/sock"
	wait $LISTENER || fail "the compile server failed: $(cat "$TMP/listen.err")"
	expect_no_output "compiling here"
}

# 1. the same code
jit_alone guard "$TMP/objs.here"
with_server guard "$TMP/objs.there"
expect_output "scale: tier 0 -> 1"
expect_output "scale: tier 1 -> 2 (-O3, specialized"
expect_output "scale: generic -O3 code"
n=$(ls "$TMP/objs.here" | wc -l)
[ "$n" -ge 4 ] || fail "only $n objects compiled here"
[ "$(ls "$TMP/objs.there" | wc -l)" -eq "$n" ] ||
	fail "$n objects compiled here, $(ls "$TMP/objs.there" | wc -l) with the server"
same=0
for o in "$TMP"/objs.here/*.o; do
	t=$TMP/objs.there/$(basename "$o")
	# bitcode does not keep the order of a value's uses, which can change
	# a choice of the code generator's: the same functions, not always
	# the same bytes
	[ "$(nm --defined-only "$o" | cut -c18-)" = "$(nm --defined-only "$t" | cut -c18-)" ] ||
		fail "object $(basename "$o") defines other symbols than the one compiled here"
	! cmp -s "$o" "$t" || same=$((same + 1))
done
echo "objects: $n, the same bytes: $same"
with_server overlap "$TMP/objs.overlap"
expect_output "step: tier 1 -> 2 (-O3, specialized"
with_server osr_then_calls "$TMP/objs.osr"
expect_output "OSR mix: tier 0 -> 2"

# inline assembly: compiled here (the server refuses it), and right
clang-19 -O2 -o "$TMP/inline_asm" tests/jit/inline_asm.c || fail "clang failed"
"$TMP/inline_asm" >"$TMP/inline_asm.want" || fail "the clang build of inline_asm failed"
clang-19 -O2 -Xclang -disable-llvm-passes -emit-llvm -c -g0 -o "$TMP/inline_asm.bc" \
	tests/jit/inline_asm.c || fail "clang failed to make bitcode"
with_server inline_asm "$TMP/objs.asm"
expect_output "bit_length: tier 1 -> 2"
expect_no_output "cannot compile"

# 2. the server goes away: compiled here from then on
listen drop
jit_alone guard "$TMP/objs.dropped" --compile-server "$TMP/sock"
wait $LISTENER
expect_output "the compile server on the host has gone: compiling here from now on"
[ "$(grep -c "compiling here from now on" "$OUT")" -eq 1 ] || fail "said more than once"
expect_output "scale: tier 1 -> 2 (-O3, specialized"
# a path that is no channel: said, and compiled here
jit_alone guard "$TMP/objs.none" --compile-server "$TMP/nonexistent"
expect_output "cannot open the compile server's channel $TMP/nonexistent: No such file or directory: compiling here"
expect_output "scale: tier 1 -> 2 (-O3, specialized"

# 3. what is not a request
printf 'GET / HTTP/1.1\r\n\r\n' >"$TMP/junk"
serve() { # INPUT: the server alone on INPUT, its replies in $TMP/reply
	"$rt" --serve-compiles <"$1" >"$TMP/reply" 2>"$OUT"
	STATUS=$?
}
serve "$TMP/junk"
expect_status 1
expect_output "compile server: a request that is not a frame of ours"
# a frame cut short
printf 'BFJ1\100\0\0\0\0\0\0\0abc' >"$TMP/short"
serve "$TMP/short"
expect_status 1
expect_output "compile server: a request cut short"
# a request whose bitcode is not bitcode: an error reply, then the end of
# input ends the server with 0. Body (69 bytes): output 0 (an object), opt
# -1, pipeline 0 (none), triple "", the passes' machine ("", "", level 0,
# not small), the code generator's ("", "", level 3, not small), the name
# "m", watch "", and a blob of 4 bytes.
{
	printf 'BFJ1\105\0\0\0\0\0\0\0'
	printf '\0\0\0\0\377\377\377\377\0\0\0\0\0\0\0\0'
	printf '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0'
	printf '\0\0\0\0\0\0\0\0\003\0\0\0\0\0\0\0'
	printf '\001\0\0\0m\0\0\0\0'
	printf '\004\0\0\0\0\0\0\0junk'
} >"$TMP/badbc"
serve "$TMP/badbc"
expect_status 0
[ "$(head -c 4 "$TMP/reply")" = BFJ1 ] || fail "no reply frame"
# status JIT_EINTERNAL (-3), then the message
[ "$(od -An -tx1 -j12 -N4 "$TMP/reply" | tr -d ' \n')" = fdffffff ] ||
	fail "the reply's status is not JIT_EINTERNAL: $(od -An -tx1 -N24 "$TMP/reply")"
grep -q "the host could not read m's bitcode" "$TMP/reply" || fail "no message in the reply"
# assembly from the guest (whose .incbin would read a host file into the
# object): refused, as a module that does not verify is. frame.py MODULE
# NAME: a request for an object of MODULE's bitcode at -O2.
cat >"$TMP/frame.py" <<'END'
import struct, sys
def s(b): return struct.pack("<I", len(b)) + b
bc = open(sys.argv[1], "rb").read()
machine = s(b"x86-64") + s(b"") + struct.pack("<II", 2, 0)
body = (struct.pack("<Iii", 0, 2, 0) + s(b"x86_64-pc-linux-gnu") + machine + machine +
        s(sys.argv[2].encode()) + s(b"") + struct.pack("<Q", len(bc)) + bc)
sys.stdout.buffer.write(b"BFJ1" + struct.pack("<Q", len(body)) + body)
END
printf 'int grab(void) { __asm__(".incbin \\"/etc/hostname\\""); return 1; }\n' >"$TMP/grab.c"
clang-19 -O2 -emit-llvm -c -g0 -o "$TMP/grab.bc" "$TMP/grab.c" || fail "clang failed on grab.c"
python3 "$TMP/frame.py" "$TMP/grab.bc" grab >"$TMP/grab.frame" || fail "cannot make the frame"
serve "$TMP/grab.frame"
expect_status 0
grep -q "grab holds assembly, which the host does not compile" "$TMP/reply" ||
	fail "assembly was not refused: $(od -c "$TMP/reply" | head -5)"
# the same frame without the assembly is compiled: an ELF object comes back
printf 'int grab(void) { return 1; }\n' >"$TMP/plain.c"
clang-19 -O2 -emit-llvm -c -g0 -o "$TMP/plain.bc" "$TMP/plain.c" || fail "clang failed on plain.c"
python3 "$TMP/frame.py" "$TMP/plain.bc" plain >"$TMP/plain.frame" || fail "cannot make the frame"
serve "$TMP/plain.frame"
expect_status 0
grep -q "ELF" "$TMP/reply" || fail "no object for a plain module: $(od -c "$TMP/reply" | head -5)"
# a pass pipeline that is not one of the runtime's (its number, 7): refused
cp "$TMP/badbc" "$TMP/pipeline"
printf '\007' | dd of="$TMP/pipeline" bs=1 seek=20 conv=notrunc 2>/dev/null
serve "$TMP/pipeline"
expect_status 0
expect_output "compile server: a malformed request"
grep -q "the compile server got a malformed request" "$TMP/reply" || fail "no error reply"

# The program's files (--files FD FILE...): a file request (REMOTE_FILE, 2)
# is answered with the file's bytes once the byte on FD is 0; with
# REMOTE_NOT_MADE (102) when it is not; with REMOTE_NO_FILE (101) for a
# listed file the host did not make; and a file not listed is refused,
# whatever exists at its path.
cat >"$TMP/fetch.py" <<'END'
import struct, sys
for path in sys.argv[1:]:
    body = struct.pack("<II", 2, len(path)) + path.encode()
    sys.stdout.buffer.write(b"BFJ1" + struct.pack("<Q", len(body)) + body)
END
# replies REPLY: each reply's status and blob, a line each
cat >"$TMP/replies.py" <<'END'
import struct, sys
d = open(sys.argv[1], "rb").read()
at = 0
while at < len(d):
    assert d[at:at + 4] == b"BFJ1", "not a frame"
    n, = struct.unpack_from("<Q", d, at + 4)
    b = d[at + 12:at + 12 + n]
    at += 12 + n
    status, = struct.unpack_from("<i", b, 0)
    i = 4
    texts = []
    for _ in range(3):
        k, = struct.unpack_from("<I", b, i)
        texts.append(b[i + 4:i + 4 + k].decode())
        i += 4 + k
    i += 16
    k, = struct.unpack_from("<Q", b, i)
    blob = b[i + 8:i + 8 + k]
    assert i + 8 + k == len(b), "a reply of another length"
    print(status, repr(blob.decode(errors="replace")), texts[0])
END
printf 'int x;\n' >"$TMP/given.c"
python3 "$TMP/fetch.py" "$TMP/given.c" "$TMP/missing.bc" /etc/hostname >"$TMP/fetch.req"
printf '\0' >"$TMP/made"
"$rt" --serve-compiles --files 3 "$TMP/given.c" "$TMP/missing.bc" <"$TMP/fetch.req" \
	>"$TMP/reply" 2>"$OUT" 3<"$TMP/made"
STATUS=$?
expect_status 0
python3 "$TMP/replies.py" "$TMP/reply" >"$OUT" || fail "the replies cannot be read"
expect_output "^0 'int x;\\\\n' $"
expect_output "^101 '' the host made no such file$"
expect_output "^-3 '' not one of the files this compile server gives$"
[ "$(wc -l <"$OUT")" = 3 ] || fail "not three replies"
printf '\1' >"$TMP/failed"
"$rt" --serve-compiles --files 3 "$TMP/given.c" <"$TMP/fetch.req" >"$TMP/reply" 2>"$OUT" \
	3<"$TMP/failed"
expect_status 0
python3 "$TMP/replies.py" "$TMP/reply" >"$OUT" || fail "the replies cannot be read"
expect_output "^102 '' the host did not make the program's files$"
expect_no_output "int x"
# the CLI's process gone without its byte: not made either, and said
"$rt" --serve-compiles --files 3 "$TMP/given.c" <"$TMP/fetch.req" >"$TMP/reply" 2>"$OUT" \
	3</dev/null
expect_status 0
expect_output "compile server: no word whether the program's files were made (its maker ended)"
python3 "$TMP/replies.py" "$TMP/reply" >"$OUT" || fail "the replies cannot be read"
expect_output "^102 '' the host did not make the program's files$"
run "$rt" --serve-compiles --files 0 "$TMP/given.c"
expect_status 2
# the runtime's side: --fetch only with the server, for a run
run "$rt" --fetch "$TMP/given.c" "$TMP/guard.bc" -- guard
expect_status 2
expect_output "--fetch takes files from the compile server, for a run"
run "$rt" --serve-compiles --files x
expect_status 2
expect_output "--serve-compiles takes only --files FD FILE..."

# 4. bare-metal
src=tests/jit/tiers/osr_then_calls.c
run ./bareflow jit --cache off --verbose --log-tiers "$src" -- 3000000
expect_status 0
expect_output "^$(cat "$TMP/osr_then_calls.want")\$"
expect_output "compiles go to the compile server at /dev/hostjit"
expect_output "OSR mix: tier 0 -> 2"
expect_no_output "compiling here from now on"
expect_output "bareflow-rt: 2 of the program's files came from the host in "
# (at fixed thresholds: under the adaptive policy, whether a compile here
# pays back in this short run depends on how slowly the machine runs the
# guest's compiles, which the runtime measures as it starts)
run ./bareflow jit --cache off --verbose --log-tiers --compile-on guest \
	--thresholds $thresholds "$src" -- 3000000
expect_status 0
expect_output "^$(cat "$TMP/osr_then_calls.want")\$"
expect_no_output "compile server"
expect_output "tier-up mix: tier 0 -> 1"
expect_output "tier-up walk: tier 1 -> 2"
run ./bareflow jit --compile-on host --hosted "$src"
expect_status 2
expect_output "not with --hosted"
run ./bareflow jit --compile-on elsewhere "$src"
expect_status 2
expect_output "bad --compile-on 'elsewhere': use host or guest"
echo ok
