# /dev/hostjit carries raw bytes both ways between the program and a host
# process on virtio-console port 2 (the compile server's channel; here the
# BAREFLOW_JIT_CHANNEL_CMD hook runs tests/io/hostjit_host.c there): a
# 3 MiB request goes out in one write, the host's 3 MiB answer (the bytes
# xor 0x5a and their hash) comes back whole, and once the host has closed
# its end the program reads the end of file and a write gives EPIPE.
# Both ways at once: with cat echoing on the host, a thread writing 4 MiB
# while another reads them back deadlocked, one CPU or two, when a writer
# waiting for the device kept the kernel lock (the reader could not empty
# the input buffers, so the host could not write, so it did not read).
# Without the channel the device cannot be opened (ENXIO), and the program
# says so.
. tests/boot/common.inc
clang-19 -static -O1 -Wall -Wextra -Werror -o "$TMP/hostjit" tests/io/hostjit.c ||
	fail "cannot build tests/io/hostjit.c"
cc -O1 -Wall -Wextra -Werror -o "$TMP/host" tests/io/hostjit_host.c ||
	fail "cannot build tests/io/hostjit_host.c"

BAREFLOW_JIT_CHANNEL_CMD="exec '$TMP/host'" run ./bareflow run --verbose --timeout 300 "$TMP/hostjit"
expect_status 0
expect_output "hostjit: sent 3145728 bytes, got them back transformed with the same hash, then the end of file"
expect_output "virtio-console: port 2 (/dev/hostjit)"
expect_output "virtserialport,chardev=jit,nr=2"
expect_output "virtio-serial-pci,max_ports=3"
expect_no_output "hostjit_host:"

cat >"$TMP/duplex.c" <<'END'
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#define SIZE (4 << 20)
static int fd;
static size_t got;
static void *reader(void *arg)
{
	static char b[1 << 16];
	ssize_t n;
	while (got < SIZE && (n = read(fd, b, sizeof b)) > 0)
		got += (size_t)n;
	return arg;
}
int main(void)
{
	pthread_t t;
	char *p = malloc(SIZE);
	fd = open("/dev/hostjit", O_RDWR);
	if (fd < 0 || !p || pthread_create(&t, NULL, reader, NULL))
		return 1;
	memset(p, 'a', SIZE);
	for (int i = 0; i < 4; i++)
		if (write(fd, p + i * (SIZE / 4), SIZE / 4) != SIZE / 4)
			return 2;
	pthread_join(t, NULL);
	printf("echoed %zu bytes\n", got);
	return got == SIZE ? 0 : 3;
}
END
clang-19 -static -O1 -pthread -o "$TMP/duplex" "$TMP/duplex.c" || fail "cannot build the program"
for cpus in 1 2; do
	BAREFLOW_JIT_CHANNEL_CMD="exec cat" run ./bareflow run --cpus $cpus --timeout 120 "$TMP/duplex"
	expect_status 0
	expect_output "echoed 4194304 bytes"
done

# A host process that ends at once (sh cannot run it): the program finds
# the host's end closed (the end of file), it does not wait.
BAREFLOW_JIT_CHANNEL_CMD="exec '$TMP/missing'" run ./bareflow run --timeout 300 "$TMP/hostjit"
expect_status 1
expect_output "hostjit: the host's end is closed"

# A host process that outlives the boot (it ignores SIGTERM and the end of
# its input) is killed a second later; the program's status is the CLI's.
printf 'int main(void) { return 7; }\n' >"$TMP/seven.c"
clang-19 -static -O1 -o "$TMP/seven" "$TMP/seven.c" || fail "cannot build the program"
start=$(date +%s)
BAREFLOW_JIT_CHANNEL_CMD="trap '' TERM; exec sleep 60" run ./bareflow run --timeout 300 "$TMP/seven"
expect_status 7
[ $(($(date +%s) - start)) -lt 30 ] || fail "the CLI waited for the host process"

run ./bareflow run --verbose --timeout 300 "$TMP/hostjit"
expect_status 3
expect_output "hostjit: open /dev/hostjit: No such device or address"
expect_output "virtio-serial-pci,max_ports=2"
expect_no_output "port 2"
echo "ok"
