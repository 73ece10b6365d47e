# A program that names the dynamic loader's functions runs under the JIT,
# which loads no shared objects (runtime/dl.c): dlopen returns NULL and
# dlerror says why, once (a second call returns NULL); dlsym returns NULL
# with its own message, naming the symbol. Before, naming dlopen made the
# program fail to start (exit 127: a function the runtime does not
# provide). Hosted and bare-metal.
. tests/boot/common.inc
src=tests/jit/loader/dlfcn.c
for where in --hosted ""; do
	run ./bareflow jit $where --cache off --timeout 600 "$src" -- verbose
	expect_status 0
	for line in "dlopen: NULL, error set" "dlerror again: none" "dlsym: NULL, error set"; do
		expect_output "^$line\$"
	done
	expect_output "dlsym main: BareFlow's JIT loads no shared objects"
done
echo ok
