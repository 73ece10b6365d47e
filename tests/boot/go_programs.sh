# An outside program's runtime: Go's, as every statically linked Go binary
# brings it (threads started with clone, futexes, signals on alternate
# stacks, epoll with an eventfd, nonblocking Unix sockets, timers).
# tests/go/main.go, built with Debian's golang-go (tools/setup.sh installs
# it), runs natively, the oracle, and bare-metal on one CPU and on two
# (GOMAXPROCS follows them); everything it prints, stderr included, must be
# the same: goroutines' work, channels, timers, atomics, files, net/http
# over a Unix socket, a signal to signal.Notify, and net/http, echoes and
# datagrams over TCP and UDP on the loopback (IPv4, IPv6, "localhost").
. tests/boot/common.inc
command -v go >/dev/null 2>&1 || fail "go is missing: tools/setup.sh installs golang-go"
mkdir -p build/go
GOCACHE=$PWD/build/go/cache GOPATH=$PWD/build/go/path GOPROXY=off CGO_ENABLED=0
export GOCACHE GOPATH GOPROXY CGO_ENABLED
(cd tests/go && go build -o ../../build/go/runtime .) >"$OUT" 2>&1 || fail "go build failed"
build/go/runtime >"$TMP/want" 2>&1 || fail "the program failed natively: $(cat "$TMP/want")"
grep -q "^done$" "$TMP/want" || fail "natively the program did not finish: $(cat "$TMP/want")"
for cpus in 1 2; do
	run ./bareflow run --cpus $cpus --timeout 120 build/go/runtime
	expect_status 0
	cmp -s "$TMP/want" "$OUT" ||
		fail "on $cpus CPU(s) the output differs from Linux's: $(diff "$TMP/want" "$OUT" | head -20)"
	echo "ok: the same on $cpus CPU(s)"
done
