#!/usr/bin/env python3
"""Writes runtime/libc.def: every function and variable that the C library's
headers declare and its static archives (libc.a, libm.a) define, under the
link name a program compiled against those headers refers to, less the
names runtime/symbols.def already lists and the families left out below.
The runtime builds its symbol table from both files (symbols.c, libc.c).
Functions LLVM knows as library functions (its TargetLibraryInfo) are
marked L: its optimizer and code generator may call them by themselves.

Run it again after the C library changes (Debian 12: glibc 2.36):
    python3 tools/libc-names.py > runtime/libc.def

How: for each of a few feature-macro settings (a program may define
_GNU_SOURCE, or ask for strict C, or for X/Open, and glibc's headers then
redirect some names, e.g. strerror_r to __xpg_strerror_r), clang's AST of a
file including the headers gives the declared names; a second file taking
each one's address, compiled to an object, gives the names as linked; nm of
the archives says which of those glibc defines, as code or as data.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

CC = "clang-19"
LIBDIR = "/usr/lib/x86_64-linux-gnu"
ARCHIVES = ["libc.a", "libm-2.36.a"]

HEADERS = """
assert complex ctype dirent errno fcntl fenv fnmatch getopt glob inttypes
langinfo libgen limits locale malloc math poll pthread regex sched search
semaphore setjmp signal stdio stdlib string strings termios time unistd utime
wchar wctype uchar stdint endian byteswap err error sysexits ftw stdio_ext
threads spawn monetary wordexp ucontext argz envz obstack printf nl_types
syslog arpa/inet netinet/in net/if ifaddrs aio mqueue iconv execinfo
sys/ioctl sys/mman sys/random sys/resource sys/select sys/stat sys/statvfs
sys/sysinfo sys/time sys/times sys/uio sys/utsname sys/wait sys/file
sys/auxv sys/prctl sys/timerfd sys/eventfd sys/epoll sys/socket sys/un
sys/shm sys/sem sys/msg sys/ipc sys/sendfile sys/xattr sys/vfs sys/mount
sys/personality sys/signalfd sys/inotify sys/syscall sys/sysmacros
sys/timeb sys/poll sys/statfs sys/fsuid sys/klog sys/swap sys/reboot
""".split()

# feature-macro settings a program may compile under
MODES = [
    ["-D_GNU_SOURCE"],
    [],
    ["-std=c11"],
    ["-std=c99", "-D_XOPEN_SOURCE=700"],
    ["-std=c99", "-D_POSIX_C_SOURCE=200809L"],
    ["-D_DEFAULT_SOURCE", "-D_FILE_OFFSET_BITS=64"],
]

# Left out, so that a program using them fails to start with their names
# (exit 127) rather than misbehaving: loading shared objects (a static
# binary cannot; dlfcn.h's names are the runtime's own, runtime/dl.c,
# which load nothing), the name-service functions (glibc loads NSS modules
# for them at run time; pwd.h's and grp.h's are the runtime's own,
# runtime/users.c, from /etc/passwd and /etc/group), and the calls that
# make a process other than fork, vfork and daemon (symbols.def's, with
# the runtime's handlers: runtime/fork.c): _Fork runs no fork handlers, and
# clone would start the program's code without the runtime's set-up.
LEFT_OUT_HEADERS = re.compile(r"/(dlfcn|pwd|grp|shadow|netdb|utmpx?|aliases|gshadow)\.h$|/rpc/")
LEFT_OUT = {
    "_Fork", "clone", "clone3", "forkpty",
}


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def declared(tmp, mode):
    """(name, file) of every extern function and variable the headers declare."""
    src = os.path.join(tmp, "h.c")
    with open(src, "w") as f:
        f.write("".join(f"#include <{h}.h>\n" for h in HEADERS))
    ast = json.loads(run([CC, "-fsyntax-only", "-w", *mode, "-Xclang", "-ast-dump=json", src]))
    names, cur = {}, None
    for n in ast["inner"]:
        loc = n.get("loc", {})
        cur = loc.get("file") or loc.get("spellingLoc", {}).get("file") or cur
        if n.get("kind") not in ("FunctionDecl", "VarDecl") or not n.get("name"):
            continue
        if n.get("storageClass") == "static" or n.get("isImplicit"):
            continue
        names.setdefault(n["name"], cur or "")
    macros = set(re.findall(r"^#define (\w+) ", run([CC, "-E", "-dM", "-w", *mode, src]), re.M))
    return {k: v for k, v in names.items() if k not in macros}, src


def linked(tmp, mode, names):
    """The name each declared one is linked by, as an object refers to it."""
    src = os.path.join(tmp, "r.c")
    with open(src, "w") as f:
        f.write("".join(f"#include <{h}.h>\n" for h in HEADERS))
        f.write("void *refs[] = {\n")
        f.write("".join(f"\t(void *)&({n}),\n" for n in sorted(names)))
        f.write("};\n")
    obj = os.path.join(tmp, "r.o")
    run([CC, "-c", "-w", "-O0", "-fno-builtin", *mode, src, "-o", obj])
    return set(run(["nm", "-u", obj]).split()[1::2])


def defined():
    """Names the archives define: 'F' for code, 'D' for data."""
    kinds = {}
    for a in ARCHIVES:
        out = run(["nm", "-g", "--defined-only", os.path.join(LIBDIR, a)])
        for line in out.splitlines():
            parts = line.split()
            if len(parts) != 3:
                continue
            t, name = parts[1], parts[2]
            if t in "TWi":
                kinds.setdefault(name, "F")
            elif t in "DBRV":
                kinds.setdefault(name, "D")
    return kinds


def llvm_library_functions():
    """The C library functions LLVM knows by name (its TargetLibraryInfo),
    which its optimizer and code generator may call by themselves."""
    path = "/usr/lib/llvm-19/include/llvm/Analysis/TargetLibraryInfo.def"
    with open(path) as f:
        return set(re.findall(r'TLI_DEFINE_STRING_INTERNAL\("([^"]+)"\)', f.read()))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "runtime", "symbols.def")) as f:
        listed = set(re.findall(r"\b[FDR]\((\w+)", f.read()))
    kinds = defined()
    chosen = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in MODES:
            names, _ = declared(tmp, mode)
            names = {k for k, v in names.items() if not LEFT_OUT_HEADERS.search(v)}
            for n in linked(tmp, mode, names):
                if n in kinds and n not in listed and n not in LEFT_OUT:
                    chosen[n] = kinds[n]
    # math.h declares each function twice, as name and __name: the second
    # only as glibc's internal alias
    for n in [n for n in chosen if n.startswith("__")]:
        if n[2:] in chosen or n[2:] in listed:
            del chosen[n]
    known = llvm_library_functions()
    for n in chosen:
        if chosen[n] == "F" and n in known:
            chosen[n] = "L"
    out = sys.stdout
    out.write("/* Generated by tools/libc-names.py from glibc 2.36's headers and\n"
              " * archives: what else of the C library JIT code may use (symbols.def\n"
              " * lists the rest, and the runtime's own). F: code, L: code LLVM knows\n"
              " * as a library function, D: data. */\n")
    line = ""
    for n in sorted(chosen):
        item = f"{chosen[n]}({n})"
        if line and len(line) + 1 + len(item) > 96:
            out.write(line + "\n")
            line = ""
        line = f"{line} {item}" if line else item
    if line:
        out.write(line + "\n")


if __name__ == "__main__":
    main()
