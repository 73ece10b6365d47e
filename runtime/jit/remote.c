/*
 * Compiling on the host: the compile server and its client.
 *
 * Under QEMU's emulation LLVM runs 40 to 100 times slower than on the host,
 * while the program's own code runs 7 to 12 times slower: bare-metal, a
 * tier-up of a 7-instruction function took 360 ms, and compiling was most of
 * a short program's run. So `bareflow jit` starts `bareflow-rt
 * --serve-compiles` on the host, its stdin and stdout a socket whose other
 * end is the guest's /dev/hostjit (a virtio-serial port), and the runtime in
 * the guest (--compile-server /dev/hostjit) sends it every optimizing
 * compile: the module it built (a version, OSR code), as bitcode, and how to
 * compile it. The server answers with the object file, which the guest links
 * as if it had generated it. The same LLVM (the same binary), the same module
 * and the same target machines make the same code as the guest would have
 * (bitcode does not keep the order of each value's uses, which can change a
 * choice of the code generator's, so not always the same bytes; and
 * thread-local accesses are emulated before the passes, where the guest
 * does it after them). Everything that needs the running program (its
 * profile, its values, the module's making, linking) stays in the guest.
 * Tier 0 never goes: it comes from the tier-0 file (cache.h), made on the
 * host while the guest boots, and fetched from the server (below).
 *
 * The server trusts nothing it reads: lengths are checked, the pass
 * pipelines are ours, named by number (any program in the guest can open
 * /dev/hostjit, and a pipeline's text could have LLVM write files), a
 * module must verify and hold no assembly (an assembler reads the files
 * .incbin names; the guest compiles such a module itself), and a frame it
 * cannot parse ends it with a message (the guest then sees the channel
 * end, says so and compiles itself). It never runs what it compiles. Its
 * limit is LLVM's: the bitcode reader is not hardened against hostile
 * input, so a crafted module may crash the server (the guest then compiles
 * itself) or worse; what it serves is the user's own program, whose source
 * clang on the same host compiled to bitcode in the first place.
 *
 * The protocol, one request and its reply at a time. A frame is REMOTE_MAGIC
 * (4 bytes), the body's size (u64), the body, in bytes.h's encoding (u32,
 * u64; a string is a u32 length and its bytes); a blob is a u64 length and
 * its bytes, a machine (what jit_machine_spec says) str cpu, str features,
 * u32 level, u32 small (the small code model, for which the server makes
 * the module ready first: jit_small_model).
 *   request: u32 output (REMOTE_OBJECT, or REMOTE_BITCODE: the module
 *     optimized, for the guest to go on with), u32 opt (-1: no -O
 *     pipeline), u32 pipeline (an index into pipelines[], run before),
 *     str triple, machine for the passes, machine for the code generator
 *     (with an object), str module's name, str watch ("" for none), blob
 *     bitcode
 *   reply: u32 status (0, JIT_EBADCODE, JIT_EINTERNAL, or REMOTE_FATAL when
 *     LLVM ended the server), str message, str warnings (one a line), str
 *     calls (the functions watch's code calls once optimized, a name a
 *     line: jit_reached_calls), u64 optimize_ns, u64 codegen_ns, blob
 *     object (or bitcode)
 *
 * The program's files. `bareflow jit` boots while clang is still compiling
 * the sources on the host: the bitcode files and the tier-0 file are not
 * in the boot archive, and the runtime asks the server for each
 * (jit_fetch_file) before it reads them. The server gives only the files
 * it was started with (--serve-compiles --files FD FILE...), once the
 * CLI's byte on FD says they are made (0) or not (anything else: the CLI
 * has said why; FD's end without a byte: the server says so).
 *   request: u32 REMOTE_FILE, str path
 *   reply: the reply above, its status 0 (the blob is the file's bytes),
 *     REMOTE_NO_FILE (the host made no such file: the tier-0 file when its
 *     compile failed), REMOTE_NOT_MADE, or JIT_EINTERNAL (not one of the
 *     files, or unreadable)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Core.h>
#include <llvm-c/ErrorHandling.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#include "bytes.h"
#include "internal.h"

#define REMOTE_MAGIC "BFJ1"
/* What a request asks to get back. */
#define REMOTE_OBJECT 0
#define REMOTE_BITCODE 1
#define REMOTE_FILE 2
#define REMOTE_FATAL 100
#define REMOTE_NO_FILE 101
#define REMOTE_NOT_MADE 102
/* A body larger than this is not a frame of ours. */
#define REMOTE_MAX_BODY (1ull << 30)

/* The pass pipelines the runtime runs before an -O level, by number. */
static const char *const pipelines[] = {NULL, "globaldce", JIT_EXTENT_PASSES, JIT_TIER1_PASSES};
#define NPIPELINES (sizeof pipelines / sizeof pipelines[0])

static int pipeline_number(const char *passes)
{
	for (unsigned k = 0; k < NPIPELINES; k++)
		if (passes == pipelines[k] || (passes && pipelines[k] && !strcmp(passes, pipelines[k])))
			return (int)k;
	return -1;
}

/* ---- frames ---- */

static void put_blob(struct bytes *o, const void *d, size_t n)
{
	bytes_u64(o, n);
	bytes_put(o, d, n);
}

/* A frame's header, before its body (end_frame fills in the size). */
static void begin_frame(struct bytes *o)
{
	o->n = 0;
	bytes_put(o, REMOTE_MAGIC, 4);
	bytes_u64(o, 0);
}

static void end_frame(struct bytes *o)
{
	uint64_t size = o->n - 12;
	if (!o->failed)
		memcpy(o->p + 4, &size, 8);
}

/* A string, NUL-ended in a copy (free it); NULL (and i->bad) if the body
 * ends first or memory does. */
static char *get_str(struct reader *i)
{
	uint32_t n = read_u32(i);
	const unsigned char *b = read_take(i, n);
	char *s = b ? malloc((size_t)n + 1) : NULL;
	if (!s) {
		i->bad = true;
		return NULL;
	}
	memcpy(s, b, n);
	s[n] = 0;
	return s;
}

static const unsigned char *get_blob(struct reader *i, size_t *n)
{
	uint64_t len = read_u64(i);
	*n = (size_t)len;
	return read_take(i, (size_t)len);
}

static void put_machine(struct bytes *o, const struct jit_machine_spec *m)
{
	bytes_str(o, m->cpu);
	bytes_str(o, m->features);
	bytes_u32(o, (uint32_t)m->level);
	bytes_u32(o, m->small);
}

/* A machine as put_machine wrote it (its strings malloc'ed). */
static void get_machine(struct reader *i, struct jit_machine_spec *m)
{
	m->cpu = get_str(i);
	m->features = get_str(i);
	m->level = (int)read_u32(i);
	m->small = read_u32(i) != 0;
	if (m->level < 0 || m->level > 3)
		i->bad = true;
}

static bool is_socket(int fd)
{
	struct stat st;
	return !fstat(fd, &st) && S_ISSOCK(st.st_mode);
}

/* All n bytes to fd: 0 or -errno. A socket (hosted) whose other end has
 * gone fails the write rather than end the program with SIGPIPE. */
static int write_all(int fd, bool socket, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n) {
		ssize_t k = socket ? send(fd, b, n, MSG_NOSIGNAL) : write(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		b += k, n -= (size_t)k;
	}
	return 0;
}

/* 0, 1 at the end of input before the first byte, or -errno (-EPIPE for an
 * end inside). */
static int read_all(int fd, void *p, size_t n)
{
	unsigned char *b = p;
	size_t got = 0;
	while (got < n) {
		ssize_t k = read(fd, b + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			return got ? -EPIPE : 1;
		got += (size_t)k;
	}
	return 0;
}

/* A whole frame's body (malloc'ed) from fd: 0, 1 at the end of input, or
 * -errno (-EPROTO for what is not a frame of ours). */
static int read_frame(int fd, unsigned char **body, size_t *size)
{
	unsigned char h[12];
	int r = read_all(fd, h, sizeof h);
	if (r)
		return r;
	uint64_t n = 0;
	for (int k = 0; k < 8; k++)
		n |= (uint64_t)h[4 + k] << (8 * k);
	if (memcmp(h, REMOTE_MAGIC, 4) || n > REMOTE_MAX_BODY)
		return -EPROTO;
	*body = malloc(n ? (size_t)n : 1);
	if (!*body)
		return -ENOMEM;
	*size = (size_t)n;
	r = read_all(fd, *body, (size_t)n);
	if (r) {
		free(*body);
		return r > 0 ? -EPIPE : r;
	}
	return 0;
}

/* ---- the client, in the runtime that runs the program ---- */

/* A reply, as read from its frame's body (read_reply): its strings
 * malloc'ed (free_reply), the object, bitcode or file in the body. */
struct got_reply {
	int status;
	char *msg, *warnings, *calls;
	uint64_t optimize_ns, codegen_ns;
	const unsigned char *out;
	size_t nout;
	bool cut; /* the body ended before all of it was read */
};

/* The reply send_reply wrote in body: whether it is whole, and no more. */
static bool read_reply(const unsigned char *body, size_t size, struct got_reply *g)
{
	struct reader i = {body, body + size, false};
	g->status = (int)read_u32(&i);
	g->msg = get_str(&i);
	g->warnings = get_str(&i);
	g->calls = get_str(&i);
	g->optimize_ns = read_u64(&i);
	g->codegen_ns = read_u64(&i);
	g->out = get_blob(&i, &g->nout);
	g->cut = i.bad;
	return !i.bad && i.p == i.end;
}

static void free_reply(struct got_reply *g)
{
	free(g->msg);
	free(g->warnings);
	free(g->calls);
}

/* A Unix socket's path (the server listening on it for a hosted run, as
 * tests/boot/jit_compile_server.sh does): connected, or -1 with errno. */
static int connect_unix(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof a.sun_path)
		return errno = ENAMETOOLONG, -1;
	strcpy(a.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a)) {
		int e = errno;
		close(fd);
		return errno = e, -1;
	}
	return fd;
}

int jit_compile_remotely(struct jit *j, const char *path)
{
	struct stat st;
	int fd = !stat(path, &st) && S_ISSOCK(st.st_mode) ? connect_unix(path)
							  : open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return jit_fail(j, JIT_EINTERNAL, "cannot open the compile server's channel %s: %s",
				path, strerror(errno));
	j->remote = fd;
	j->remote_socket = is_socket(fd);
	j->remote_pid = getpid();
	return 0;
}

void jit_on_server_wait(struct jit *j, void (*waits)(bool waiting))
{
	j->server_waits = waits;
}

bool jit_compiles_remotely(const struct jit *j)
{
	return j->remote >= 0;
}

bool jit_remote_usable(struct jit *j, LLVMModuleRef m)
{
	if (j->remote < 0)
		return false;
	if (getpid() != j->remote_pid) {
		/* a child the program forked: the channel is its parent's, whose
		 * requests and replies its own would cut into; it compiles
		 * itself */
		j->remote = -1;
		return false;
	}
	return !j->has_assembly || !ir_has_assembly(m);
}

/* The reply's warnings, each printed once as a local compile's are, and
 * the functions watch calls, marked. */
static void take_lists(struct jit *j, char *warnings, char *calls, unsigned char *marks)
{
	for (char *s = warnings, *nl; s && *s; s = nl ? nl + 1 : NULL) {
		if ((nl = strchr(s, '\n')))
			*nl = 0;
		if (*s)
			jit_warn_once(j, s);
	}
	for (char *s = calls, *nl; marks && s && *s; s = nl ? nl + 1 : NULL) {
		if ((nl = strchr(s, '\n')))
			*nl = 0;
		jit_mark_name(j, s, marks);
	}
}

/*
 * The channel failed (r: read_frame's or write_all's error): the server
 * has gone, or never was one. Said once; from then on, and for this
 * module (read back from its bitcode), the JIT compiles here, as with
 * --compile-on guest, rather than leave the program at tier 0.
 */
static int compile_here(struct jit *j, LLVMMemoryBufferRef bc, int r, int opt,
			const char *pre_passes, int cg, const char *watch, unsigned char *calls,
			LLVMModuleRef *back)
{
	LLVMModuleRef m;
	fprintf(stderr, "bareflow-rt: the compile server on the host %s: compiling here from now "
			"on\n",
		r == 1 || r == -EPIPE || r == -ECONNRESET ? "has gone"
		: r == -EPROTO				  ? "sent what is not a reply"
							  : strerror(-r));
	close(j->remote);
	j->remote = -1;
	int bad = LLVMParseBitcodeInContext2(j->ctx, bc, &m); /* takes no ownership */
	LLVMDisposeMemoryBuffer(bc);
	if (bad)
		return jit_fail(j, JIT_EINTERNAL, "cannot read back a module written as bitcode");
	/* sent unverified (the server verifies): here it is checked */
	if (jit_verify(j, m, LLVMGetModuleIdentifier(m, &(size_t){0}))) {
		LLVMDisposeModule(m);
		return JIT_EINTERNAL;
	}
	if (!back)
		return jit_emit_seen(j, m, opt, cg, pre_passes, watch, calls);
	int err = jit_optimize(j, m, opt, pre_passes);
	if (err) {
		LLVMDisposeModule(m);
		return err;
	}
	LLVMDisposeModule(*back);
	*back = m;
	return 0;
}

/*
 * One request: m (as bitcode; disposed, unless back) optimized at opt after
 * pre_passes; with back, the module comes back in its place (*back, m
 * disposed only then), else it is compiled at level cg and the object
 * linked, watch's callees marked in calls.
 */
static int request(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes, int cg,
		   const char *watch, unsigned char *calls, LLVMModuleRef *back)
{
	uint64_t t0 = rt_now_ns();
	size_t len;
	char name[256];
	snprintf(name, sizeof name, "%s", LLVMGetModuleIdentifier(m, &len));
	/* thread-local accesses are emulated as jit_codegen_object does, here before
	 * the passes (the server knows nothing of the program's layout; the
	 * optimizer treats the emulation's calls as the intrinsic's: ir.c) */
	int pipeline = pipeline_number(pre_passes);
	int err = pipeline < 0 ? jit_fail(j, JIT_EINTERNAL,
					  "internal error: a pipeline the compile server does not "
					  "run: %s",
					  pre_passes)
		  : back     ? 0
			     : ir_emulate_tls(j, m);
	if (err) {
		if (!back)
			LLVMDisposeModule(m);
		return err;
	}
	struct jit_machine_spec passes, codegen;
	jit_machine_spec(j, opt < 0 ? 0 : opt, &passes);
	jit_machine_spec(j, cg, &codegen);
	if (!back && !jit_fits_small_model(j, m)) /* as jit_codegen_object decides */
		codegen.small = false;
	LLVMMemoryBufferRef bc = LLVMWriteBitcodeToMemoryBuffer(m);
	if (!back)
		LLVMDisposeModule(m);
	if (!bc)
		return jit_fail(j, JIT_EINTERNAL, "cannot write %s as bitcode", name);
	struct bytes o = {0};
	begin_frame(&o);
	bytes_u32(&o, back ? REMOTE_BITCODE : REMOTE_OBJECT);
	bytes_u32(&o, (uint32_t)opt);
	bytes_u32(&o, (uint32_t)pipeline);
	bytes_str(&o, j->triple);
	put_machine(&o, &passes);
	put_machine(&o, &codegen);
	bytes_str(&o, name);
	bytes_str(&o, watch);
	put_blob(&o, LLVMGetBufferStart(bc), LLVMGetBufferSize(bc));
	end_frame(&o);
	if (o.failed) {
		free(o.p);
		LLVMDisposeMemoryBuffer(bc);
		return jit_out_of_memory(j);
	}
	uint64_t sent = rt_now_ns(), sent_cpu = rt_thread_cpu_ns();
	int r = write_all(j->remote, j->remote_socket, o.p, o.n);
	free(o.p);
	unsigned char *body = NULL;
	size_t size = 0;
	if (!r && j->server_waits)
		j->server_waits(true);
	if (!r) {
		r = read_frame(j->remote, &body, &size);
		if (j->server_waits)
			j->server_waits(false);
	}
	if (r)
		return compile_here(j, bc, r, opt, pre_passes, cg, watch, calls, back);
	LLVMDisposeMemoryBuffer(bc);
	uint64_t done = rt_now_ns(), done_cpu = rt_thread_cpu_ns();
	struct got_reply g;
	if (!read_reply(body, size, &g))
		err = jit_fail(j, JIT_EINTERNAL, "the compile server's reply for %s is malformed",
			       name);
	else if (g.status == REMOTE_FATAL) {
		/* as if LLVM had failed here: the same message and status */
		fflush(stdout);
		fprintf(stderr, "bareflow-rt: %s (on the host)\n", g.msg);
		fflush(stderr);
		_exit(126);
	} else if (g.status)
		err = jit_fail(j, g.status == JIT_EBADCODE ? JIT_EBADCODE : JIT_EINTERNAL, "%s",
			       g.msg);
	if (!g.cut)
		take_lists(j, g.warnings, g.calls, calls);
	free_reply(&g);
	/* the guest's share (writing the bitcode, linking) counts as code
	 * generation, the host's as it was spent there */
	uint64_t host = g.optimize_ns + g.codegen_ns, trip = done - sent,
		 trip_cpu = done_cpu - sent_cpu;
	j->stats.remote_wait_ns += trip > trip_cpu ? trip - trip_cpu : 0; /* not sending, reading */
	j->stats.optimize_ns += g.optimize_ns;
	j->stats.codegen_ns += (sent - t0) + (trip > host ? trip - host : 0) + g.codegen_ns;
	uint64_t t1 = rt_now_ns();
	LLVMMemoryBufferRef ob =
	    err ? NULL
		: LLVMCreateMemoryBufferWithMemoryRangeCopy((const char *)g.out, g.nout, name);
	free(body);
	if (err)
		return err;
	if (back) {
		LLVMModuleRef got;
		int bad = LLVMParseBitcodeInContext2(j->ctx, ob, &got);
		LLVMDisposeMemoryBuffer(ob);
		if (bad)
			err = jit_fail(j, JIT_EINTERNAL, "the compile server's %s is not bitcode",
				       name);
		else {
			LLVMDisposeModule(*back);
			*back = got;
		}
	} else {
		err = jit_link_object(j, ob);
	}
	j->stats.codegen_ns += rt_now_ns() - t1;
	return err;
}

int jit_remote_compile(struct jit *j, LLVMModuleRef m, int opt, const char *pre_passes, int cg,
		       const char *watch, unsigned char *calls)
{
	return request(j, m, opt, pre_passes, cg, watch, calls, NULL);
}

int jit_remote_passes(struct jit *j, LLVMModuleRef *m, int opt, const char *passes)
{
	return request(j, *m, opt, passes, 0, NULL, NULL, m);
}

/* Make path's directories, as mkdir -p does: 0 or -errno. */
static int make_parents(const char *path)
{
	char d[4096];
	if (strlen(path) >= sizeof d)
		return -ENAMETOOLONG;
	strcpy(d, path);
	for (char *s = strchr(d + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = 0;
		if (mkdir(d, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int jit_fetch_file(struct jit *j, const char *path)
{
	struct bytes o = {0};
	if (j->remote < 0)
		return jit_fail(j, JIT_EINTERNAL, "cannot get %s: no compile server", path);
	begin_frame(&o);
	bytes_u32(&o, REMOTE_FILE);
	bytes_str(&o, path);
	end_frame(&o);
	if (o.failed) {
		free(o.p);
		return jit_out_of_memory(j);
	}
	int r = write_all(j->remote, j->remote_socket, o.p, o.n);
	free(o.p);
	unsigned char *body = NULL;
	size_t size = 0;
	if (!r)
		r = read_frame(j->remote, &body, &size);
	if (r)
		return jit_fail(j, JIT_EINTERNAL, "cannot get %s from the host: %s", path,
				r == 1 || r == -EPIPE ? "the compile server has gone"
				: r == -EPROTO	      ? "it sent what is not a reply"
						      : strerror(-r));
	struct got_reply g;
	int err = 0;
	if (!read_reply(body, size, &g))
		err = jit_fail(j, JIT_EINTERNAL, "the compile server's reply for %s is malformed",
			       path);
	else if (g.status == REMOTE_NO_FILE || g.status == REMOTE_NOT_MADE)
		err = g.status == REMOTE_NO_FILE ? 1 : 2;
	else if (g.status)
		err = jit_fail(j, JIT_EINTERNAL, "cannot get %s from the host: %s", path, g.msg);
	int fd = -1;
	if (!err && ((r = make_parents(path)) ||
		     (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0 ||
		     (r = write_all(fd, false, g.out, g.nout))))
		err = jit_fail(j, JIT_EINTERNAL, "cannot write %s: %s", path,
			       strerror(r ? -r : errno));
	if (fd >= 0 && close(fd) && !err)
		err = jit_fail(j, JIT_EINTERNAL, "cannot write %s: %s", path, strerror(errno));
	free_reply(&g);
	free(body);
	return err;
}

/* ---- the server, on the host ---- */

/* A target machine the server made, kept for the next request. */
struct machine {
	char *triple, *cpu, *features;
	int level;
	bool small;
	LLVMTargetMachineRef tm;
};

static struct {
	int in, out;		/* requests come from in, replies go to out */
	bool out_socket;
	char compiling[256];	/* the module, for a fatal error's reply */
	struct machine machines[16];
	unsigned nmachines, next; /* kept; the one to replace next */
	char diag[1024];	  /* LLVM's first error about the code */
	struct bytes warnings;	  /* its warnings, one a line */
	int ready;		  /* the CLI's byte on it says the files are made */
	int made;		  /* -1 until it has said; then 0 (made) or 1 */
	char **files;		  /* the only files given (REMOTE_FILE) */
	int nfiles;
} S;

/* What a reply says (the rest of its fields empty when NULL or 0). */
struct reply {
	int status;
	const char *msg;
	const struct bytes *warnings, *calls; /* a line each */
	uint64_t optimize_ns, codegen_ns;
	LLVMMemoryBufferRef out; /* the object or the bitcode */
};

static void put_text(struct bytes *o, const struct bytes *b)
{
	bytes_u32(o, b ? (uint32_t)b->n : 0);
	if (b)
		bytes_put(o, b->p, b->n);
}

/* Send r: 0, or -errno. Out of memory for it, an error reply instead. */
static int send_reply(const struct reply *r)
{
	struct bytes o = {0};
	begin_frame(&o);
	bytes_u32(&o, (uint32_t)r->status);
	bytes_str(&o, r->msg);
	put_text(&o, r->warnings);
	put_text(&o, r->calls);
	bytes_u64(&o, r->optimize_ns);
	bytes_u64(&o, r->codegen_ns);
	if (r->out)
		put_blob(&o, LLVMGetBufferStart(r->out), LLVMGetBufferSize(r->out));
	else
		put_blob(&o, "", 0);
	end_frame(&o);
	bool lost = o.failed || (r->warnings && r->warnings->failed) ||
		    (r->calls && r->calls->failed);
	static const char oom[] = "out of memory on the host";
	int err = lost ? 0 : write_all(S.out, S.out_socket, o.p, o.n);
	free(o.p);
	if (lost && r->msg != oom) /* an error this small may still fit */
		return send_reply(&(struct reply){.status = JIT_EINTERNAL, .msg = oom});
	return lost ? -ENOMEM : err;
}

static int reply_error(int status, const char *msg)
{
	return send_reply(&(struct reply){.status = status, .msg = msg});
}

/* LLVM ends the process on an error it cannot return: tell the guest,
 * whose runtime ends as it would have had LLVM failed there. QEMU drops
 * what it has not read from a socket whose other end closed, so the reply
 * is followed by the end of our output only, and the server waits for the
 * guest to end (the CLI ends it at the latest) before it exits. */
static void server_fatal(const char *reason)
{
	char msg[1024], sink[4096];
	snprintf(msg, sizeof msg, "LLVM failed while compiling %s: %s",
		 S.compiling[0] ? S.compiling : "a module", reason);
	fprintf(stderr, "bareflow-rt: compile server: %s\n", msg);
	ssize_t k;
	if (!reply_error(REMOTE_FATAL, msg) && !shutdown(S.out, SHUT_WR))
		while ((k = read(S.in, sink, sizeof sink)) > 0 || (k < 0 && errno == EINTR))
			;
	_exit(126);
}

static void server_diagnose(LLVMDiagnosticInfoRef d, void *ctx)
{
	(void)ctx;
	LLVMDiagnosticSeverity sev = LLVMGetDiagInfoSeverity(d);
	if (sev != LLVMDSError && sev != LLVMDSWarning)
		return;
	if (sev == LLVMDSError && S.diag[0])
		return;
	char *llvm_msg = LLVMGetDiagInfoDescription(d);
	if (sev == LLVMDSWarning) {
		char msg[1024];
		jit_source_names(llvm_msg, msg, sizeof msg);
		bytes_put(&S.warnings, msg, strlen(msg));
		bytes_put(&S.warnings, "\n", 1);
	} else {
		jit_source_names(llvm_msg, S.diag, sizeof S.diag);
	}
	LLVMDisposeMessage(llvm_msg);
}

#define MACHINES 16

/* The machine for spec, made once; never the one in keep (another made
 * for the same request), when one must make room. */
static LLVMTargetMachineRef server_machine(const char *triple, const struct jit_machine_spec *spec,
					   LLVMTargetMachineRef keep, char *err, size_t errlen)
{
	for (unsigned k = 0; k < S.nmachines; k++) {
		struct machine *m = &S.machines[k];
		if (m->level == spec->level && m->small == spec->small && !strcmp(m->cpu, spec->cpu) &&
		    !strcmp(m->features, spec->features) && !strcmp(m->triple, triple))
			return m->tm;
	}
	LLVMTargetMachineRef tm = jit_target_machine(triple, spec->cpu, spec->features,
						     spec->level, spec->small, err, errlen);
	char *t = strdup(triple), *c = strdup(spec->cpu), *f = strdup(spec->features);
	if (!tm || !t || !c || !f) {
		if (tm) {
			snprintf(err, errlen, "out of memory");
			LLVMDisposeTargetMachine(tm);
		}
		free(t);
		free(c);
		free(f);
		return NULL;
	}
	unsigned k = S.nmachines < MACHINES ? S.nmachines++ : S.next++ % MACHINES;
	if (keep && S.machines[k].tm == keep)
		k = S.next++ % MACHINES;
	struct machine *m = &S.machines[k];
	if (m->tm) {
		LLVMDisposeTargetMachine(m->tm);
		free(m->triple);
		free(m->cpu);
		free(m->features);
	}
	*m = (struct machine){t, c, f, spec->level, spec->small, tm};
	return tm;
}

static void add_line(void *out, const char *name, size_t len)
{
	bytes_put(out, name, len);
	bytes_put(out, "\n", 1);
}

struct request {
	int output, opt, pipeline;
	char *triple, *name, *watch;
	struct jit_machine_spec passes, codegen;
	const unsigned char *bitcode;
	size_t size;
};

static void free_request(struct request *q)
{
	free(q->triple), free(q->name), free(q->watch);
	free((char *)q->passes.cpu), free((char *)q->passes.features);
	free((char *)q->codegen.cpu), free((char *)q->codegen.features);
}

/* Compile q and send the reply: 0, or -errno when the reply cannot go. */
static int serve_one(const struct request *q)
{
	char err[1024] = "";
	uint64_t t0 = rt_now_ns(), t1 = t0, t2 = t0;
	struct bytes calls = {0};
	LLVMMemoryBufferRef out = NULL;
	LLVMTargetMachineRef tm_pass = NULL, tm_cg = NULL;
	bool object = q->output == REMOTE_OBJECT;
	int status = 0;

	snprintf(S.compiling, sizeof S.compiling, "%s", q->name);
	S.diag[0] = 0;
	S.warnings.n = 0;
	S.warnings.failed = false;
	LLVMContextRef ctx = LLVMContextCreate();
	LLVMContextSetDiagnosticHandler(ctx, server_diagnose, NULL);
	LLVMModuleRef m = NULL;
	LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
	    (const char *)q->bitcode, q->size, q->name, 0);
	if (LLVMParseBitcodeInContext2(ctx, buf, &m)) {
		snprintf(err, sizeof err, "the host could not read %s's bitcode", q->name);
		status = JIT_EINTERNAL;
		m = NULL;
	}
	LLVMDisposeMemoryBuffer(buf);
	char *why = NULL;
	if (!status && LLVMVerifyModule(m, LLVMReturnStatusAction, &why)) {
		snprintf(err, sizeof err, "%s does not verify on the host: %s", q->name,
			 why ? why : "");
		status = JIT_EINTERNAL;
	} else if (!status && ir_has_assembly(m)) {
		/* an assembler reads what .incbin and .include name: a module
		 * from the guest must not read the host's files */
		snprintf(err, sizeof err, "%s holds assembly, which the host does not compile",
			 q->name);
		status = JIT_EINTERNAL;
	}
	if (why)
		LLVMDisposeMessage(why);
	if (!status && !(tm_pass = server_machine(q->triple, &q->passes, NULL, err, sizeof err)))
		status = JIT_EINTERNAL;
	if (!status && object &&
	    !(tm_cg = server_machine(q->triple, &q->codegen, tm_pass, err, sizeof err)))
		status = JIT_EINTERNAL;
	const char *pre = pipelines[q->pipeline];
	if (!status && (q->opt >= 0 || pre)) {
		LLVMErrorRef e = jit_run_passes(m, tm_pass, q->opt, pre);
		if (e) {
			char *msg = LLVMGetErrorMessage(e);
			snprintf(err, sizeof err, "the optimizer failed: %s", msg);
			LLVMDisposeErrorMessage(msg);
			status = JIT_EINTERNAL;
		}
	}
	t1 = rt_now_ns();
	LLVMValueRef w = !status && *q->watch ? LLVMGetNamedFunction(m, q->watch) : NULL;
	if (w)
		jit_reached_calls(w, add_line, &calls);
	if (!status && !object) {
		if (!(out = LLVMWriteBitcodeToMemoryBuffer(m))) {
			snprintf(err, sizeof err, "cannot write %s as bitcode", q->name);
			status = JIT_EINTERNAL;
		}
	} else if (!status) {
		char *msg = NULL;
		LLVMErrorRef e = q->codegen.small ? jit_small_model(m, tm_cg) : NULL;
		if (e) {
			msg = LLVMGetErrorMessage(e);
			snprintf(err, sizeof err, "cannot prepare the code for generation: %s", msg);
			LLVMDisposeErrorMessage(msg);
			status = JIT_EINTERNAL;
		} else if (LLVMTargetMachineEmitToMemoryBuffer(tm_cg, m, LLVMObjectFile, &msg,
							       &out)) {
			snprintf(err, sizeof err, "code generation failed: %s", msg);
			LLVMDisposeMessage(msg);
			status = JIT_EINTERNAL;
			out = NULL;
		} else if (S.diag[0]) {
			snprintf(err, sizeof err, "cannot compile the program's code: %s", S.diag);
			status = JIT_EBADCODE;
		}
	}
	t2 = rt_now_ns();
	if (m)
		LLVMDisposeModule(m);
	LLVMContextDispose(ctx);
	S.compiling[0] = 0;

	int r = send_reply(&(struct reply){status, err, &S.warnings, &calls, t1 - t0, t2 - t1,
					    status ? NULL : out});
	if (out)
		LLVMDisposeMemoryBuffer(out);
	free(calls.p);
	return r;
}

/* A request's body, read into q (its strings malloc'ed, its bitcode in
 * the body): whether it is one of ours. */
static bool parse_request(struct reader *i, struct request *q)
{
	q->output = (int)read_u32(i);
	q->opt = (int)read_u32(i);
	q->pipeline = (int)read_u32(i);
	q->triple = get_str(i);
	get_machine(i, &q->passes);
	get_machine(i, &q->codegen);
	q->name = get_str(i);
	q->watch = get_str(i);
	q->bitcode = get_blob(i, &q->size);
	bool object = q->output == REMOTE_OBJECT;
	return !i->bad && i->p == i->end && q->opt >= -1 && q->opt <= 3 && q->pipeline >= 0 &&
	       q->pipeline < (int)NPIPELINES && (object || q->output == REMOTE_BITCODE) &&
	       (!object || q->codegen.level >= 1);
}

/* Send path, when it is one of S.files: 0, or -errno when the reply
 * cannot go. The first request waits for the CLI to say the files are
 * made. */
static int serve_file(const char *path)
{
	bool listed = false;
	for (int k = 0; k < S.nfiles && !listed; k++)
		listed = !strcmp(S.files[k], path);
	if (!listed)
		return reply_error(JIT_EINTERNAL, "not one of the files this compile server gives");
	if (S.made < 0) {
		unsigned char c = 1;
		ssize_t k;
		while ((k = read(S.ready, &c, 1)) < 0 && errno == EINTR)
			;
		S.made = k == 1 && c == 0 ? 0 : 1;
		if (k != 1) /* the CLI's process ended without a word */
			fprintf(stderr,
				"bareflow-rt: compile server: no word whether the program's files "
				"were made (%s)\n",
				k < 0 ? strerror(errno) : "its maker ended");
		close(S.ready);
	}
	if (S.made)
		return reply_error(REMOTE_NOT_MADE, "the host did not make the program's files");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 && errno == ENOENT)
		return reply_error(REMOTE_NO_FILE, "the host made no such file");
	char msg[512];
	unsigned char *data = NULL;
	int r = fd < 0 || fstat(fd, &st) ? -errno : 0;
	if (!r && !(data = malloc(st.st_size ? (size_t)st.st_size : 1)))
		r = -ENOMEM;
	if (!r && (r = read_all(fd, data, (size_t)st.st_size)) > 0)
		r = -EPIPE; /* shorter than it was: not ours to send */
	if (fd >= 0)
		close(fd);
	if (r) {
		free(data);
		snprintf(msg, sizeof msg, "the host cannot read it: %s", strerror(-r));
		return reply_error(JIT_EINTERNAL, msg);
	}
	LLVMMemoryBufferRef b =
	    LLVMCreateMemoryBufferWithMemoryRange((const char *)data, (size_t)st.st_size, path, 0);
	r = send_reply(&(struct reply){.out = b});
	LLVMDisposeMemoryBuffer(b);
	free(data);
	return r;
}

/* A REMOTE_FILE request's path (malloc'ed), or NULL when the body is not
 * one. */
static char *file_request(const unsigned char *body, size_t size)
{
	struct reader i = {body, body + size, false};
	if (read_u32(&i) != REMOTE_FILE)
		return NULL;
	char *path = get_str(&i);
	if (path && (i.bad || i.p != i.end || strlen(path) != size - 8)) {
		free(path);
		path = NULL;
	}
	return path;
}

int jit_serve(int in, int out, int ready, char **files, int nfiles)
{
	S.ready = ready;
	S.made = ready < 0 ? 1 : -1;
	S.files = files;
	S.nfiles = nfiles;
	/* the replies go to out alone: whatever writes to stdout (LLVM's
	 * own messages) goes to stderr instead */
	S.in = in;
	S.out = out == 1 ? dup(1) : out;
	if (S.out < 0 || (out == 1 && dup2(2, 1) < 0)) {
		fprintf(stderr, "bareflow-rt: compile server: %s\n", strerror(errno));
		return 1;
	}
	S.out_socket = is_socket(S.out);
	signal(SIGPIPE, SIG_IGN); /* a guest gone: write fails, and the loop ends */
	LLVMInstallFatalErrorHandler(server_fatal);
	if (LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ||
	    LLVMInitializeNativeAsmParser()) {
		fprintf(stderr, "bareflow-rt: compile server: LLVM has no code generator here\n");
		return 1;
	}
	for (;;) {
		unsigned char *body;
		size_t size;
		int r = read_frame(in, &body, &size);
		if (r == 1)
			return 0; /* the guest is done */
		if (r) {
			fprintf(stderr, "bareflow-rt: compile server: %s\n",
				r == -EPROTO  ? "a request that is not a frame of ours"
				: r == -EPIPE ? "a request cut short"
					      : strerror(-r));
			return 1;
		}
		struct reader i = {body, body + size, false};
		struct request q = {0};
		char *path = file_request(body, size);
		if (path) {
			r = serve_file(path);
			free(path);
		} else if (parse_request(&i, &q)) {
			r = serve_one(&q);
		} else {
			fprintf(stderr, "bareflow-rt: compile server: a malformed request\n");
			r = reply_error(JIT_EINTERNAL, "the compile server got a malformed request");
		}
		free_request(&q);
		free(body);
		if (r) {
			fprintf(stderr, "bareflow-rt: compile server: cannot reply: %s\n",
				strerror(-r));
			return 1;
		}
	}
}
