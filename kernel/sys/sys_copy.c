/*
 * Copies the kernel makes between two descriptors: sendfile (a regular
 * file to any file, pipe or terminal; cp, web servers and busybox use it),
 * copy_file_range (between two regular files of one filesystem;
 * coreutils' cp tries it first), and splice, tee and vmsplice (a pipe on
 * one side at least). Bytes go through a kernel buffer of 64 KiB at a
 * time, with the buffer given to the files' own read and write (copy_*_user
 * accept it while the thread's kcopy is set), so every kind of file
 * behaves as with read and write; a short write (a full non-blocking pipe,
 * a signal) ends the copy with what was written, and the source's position
 * moves by that much, as Linux's. Into a pipe, sendfile and splice fill its
 * slots as Linux's page cache would (a slot per page of the file), and out
 * of one, bytes leave the pipe only once written.
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"

#define CHUNK 65536
#define MAX_RW_COUNT 0x7ffff000 /* Linux's most for one read or write */

static bool readable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_WRONLY;
}

static bool writable(const struct file *f)
{
	return !(f->flags & O_PATH) && (f->flags & O_ACCMODE) != O_RDONLY;
}

/* Up to n bytes of regular file f at off into the kernel buffer. */
static int64_t read_at(struct file *f, void *buf, uint64_t n, uint64_t off)
{
	if (!f->inode->dev)
		return inode_read(f->inode, (uint64_t)(uintptr_t)buf, n, off);
	uint64_t was = f->off; /* a generated file (/proc): read where asked */
	f->off = off;
	int64_t r = file_read(f, (uint64_t)(uintptr_t)buf, n);
	f->off = was;
	return r;
}

/* A copy through a kernel buffer under way (thread.kcopy). */
struct kernel_copy {
	uint8_t *buf;
	size_t len;
	struct file *in, *out; /* a reference to each, taken by the copy */
	void *owned;	       /* freed with it (a vmsplice's vector) */
};

bool kernel_copy_holds(const struct kernel_copy *k, uint64_t addr, size_t n)
{
	uint64_t base = (uint64_t)(uintptr_t)k->buf;
	return addr >= base && n <= k->len && addr - base <= k->len - n;
}

static void kernel_copy_end(struct thread *t)
{
	struct kernel_copy *k = t->kcopy;
	t->kcopy = NULL;
	kfree(k->buf);
	kfree(k->owned);
	file_put(k->out);
	file_put(k->in);
	kfree(k);
}

void kernel_copy_abandon(struct thread *t)
{
	if (t->kcopy)
		kernel_copy_end(t);
}

/* Start a copy between in and out through a buffer (*buf) for up to count
 * bytes at a time (none: 0): the thread's kcopy, holding a reference to
 * each file, as either may be closed by another thread during a wait (the
 * thread's exit lets them go). 0, or -ENOMEM. */
static int kernel_copy_begin(struct file *in, struct file *out, uint64_t count, uint8_t **buf)
{
	struct kernel_copy *k = kmalloc(sizeof *k);
	size_t len = count < CHUNK ? count : CHUNK;
	*buf = k && len ? kmalloc(len) : NULL;
	if (!k || (len && !*buf)) {
		kfree(k);
		return -ENOMEM;
	}
	*k = (struct kernel_copy){*buf, len, in, out, NULL};
	in->refs++;
	out->refs++;
	current_thread()->kcopy = k;
	return 0;
}

/* Copy up to count bytes of `in` from *pos through buf (the thread's
 * kernel copy, of min(count, CHUNK) bytes); write(out) is out's write at
 * its position, or at *out_pos. Returns the bytes written (pos and out_pos
 * moved by them), or a negative errno when none were. */
static int64_t copy(struct file *in, uint64_t *pos, struct file *out, uint64_t *out_pos,
		    uint64_t count, uint8_t *buf)
{
	int64_t done = 0, err = 0;
	while ((uint64_t)done < count) {
		uint64_t want = count - done < CHUNK ? count - done : CHUNK;
		int64_t got = read_at(in, buf, want, *pos);
		if (got <= 0) {
			err = got;
			break;
		}
		int64_t put = out_pos
				  ? inode_write(out->inode, (uint64_t)(uintptr_t)buf, got, *out_pos)
				  : file_write(out, (uint64_t)(uintptr_t)buf, got);
		if (put <= 0) {
			err = put;
			break;
		}
		*pos += put;
		if (out_pos)
			*out_pos += put;
		done += put;
		if (put < got)
			break;
	}
	return done ? done : err;
}

/* What Linux's sendfile writes to (files with a splice_write): regular
 * files, pipes, sockets, the terminal's streams, /dev/null, and (Linux 5.19
 * on) /dev/random and /dev/urandom. */
static bool splice_target(const struct file *f)
{
	const struct inode *ip = f->inode;
	if (ip->pipe || S_ISSOCK(ip->mode) || (S_ISREG(ip->mode) && !ip->dev && !ip->mq))
		return true;
	return (ip->mode & S_IFMT) == S_IFCHR && ip->dev &&
	       (ip->dev->stream || ip->rdev == ((1 << 8) | 3) || ip->rdev == ((1 << 8) | 8) ||
		ip->rdev == ((1 << 8) | 9)); /* a terminal, /dev/null, /dev/random, urandom */
}

static bool positioned(const struct inode *ip);
static int64_t splice_to_pipe(struct file *in, uint64_t *pos, struct file *out, uint64_t len,
			      bool nonblock, uint8_t *buf);

/* Linux's checks in its order: the offset is read first, then in_fd
 * (readable; an offset needs a file that can seek: ESPIPE), then out_fd
 * (writable), then what each is (EINVAL: in_fd not a regular file, out_fd
 * with no splice_write or O_APPEND). */
SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, uint64_t, uoff, size_t, count)
{
	int64_t off = 0;
	if (uoff && copy_from_user(&off, uoff, sizeof off))
		return -EFAULT;
	struct file *in = fd_get(in_fd);
	if (!in || !readable(in))
		return -EBADF;
	const struct inode *ip = in->inode;
	if (uoff && !positioned(ip))
		return -ESPIPE; /* (a terminal, an eventfd, an epoll... cannot pread) */
	uint64_t pos = uoff ? (uint64_t)off : in->off;
	if ((int64_t)pos < 0 || (int64_t)count < 0)
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	struct file *out = fd_get(out_fd);
	if (!out || !writable(out))
		return -EBADF;
	bool opipe = out->inode->pipe;
	if (!opipe && (!S_ISREG(ip->mode) || ip->dev || ip->mq)) /* a file only, but into a pipe */
		return -EINVAL;
	if (!opipe && (!splice_target(out) || out->flags & O_APPEND))
		return -EINVAL;
	uint8_t *buf; /* and the files held until the position is stored */
	if (kernel_copy_begin(in, out, count ? count : 1, &buf))
		return -ENOMEM;
	/* into a pipe, as splice (Linux's sendfile is splice_file_to_pipe) */
	int64_t r = opipe ? splice_to_pipe(in, &pos, out, count, out->flags & O_NONBLOCK, buf)
			  : copy(in, &pos, out, NULL, count, buf);
	if (r > 0 && !uoff)
		in->off = pos;
	kernel_copy_end(current_thread());
	if (r >= 0 && uoff && copy_to_user(uoff, &pos, sizeof pos))
		return -EFAULT;
	return r;
}

static int64_t file_range_checks(struct file *in, int64_t pos_in, struct file *out, int64_t pos_out,
				 uint64_t *len)
{
	struct inode *a = in->inode, *b = out->inode;
	if (S_ISDIR(a->mode) || S_ISDIR(b->mode))
		return -EISDIR;
	if (!S_ISREG(a->mode) || !S_ISREG(b->mode) || a->mq || b->mq)
		return -EINVAL;
	if (!readable(in) || !writable(out) || out->flags & O_APPEND)
		return -EBADF;
	if (a->sb != b->sb || a->dev || b->dev)
		return -EXDEV; /* (/proc is another filesystem) the caller copies itself, as with
				  two Linux filesystems */
	if ((uint64_t)pos_in + *len < (uint64_t)pos_in ||
	    (uint64_t)pos_out + *len < (uint64_t)pos_out)
		return -EOVERFLOW;
	if (pos_in < 0 || pos_out < 0)
		return -EINVAL;
	uint64_t size = a->size; /* no further than the source's end */
	*len = (uint64_t)pos_in >= size ? 0 : *len < size - pos_in ? *len : size - pos_in;
	if (a == b && (uint64_t)pos_out + *len > (uint64_t)pos_in &&
	    (uint64_t)pos_out < (uint64_t)pos_in + *len)
		return -EINVAL; /* overlapping ranges of one file */
	return 0;
}

SYSCALL_DEFINE6(copy_file_range, int, fd_in, uint64_t, uoff_in, int, fd_out, uint64_t, uoff_out,
		size_t, len, unsigned int, flags)
{
	struct file *in = fd_get(fd_in), *out = in ? fd_get(fd_out) : NULL;
	if (!in || !out || in->flags & O_PATH || out->flags & O_PATH)
		return -EBADF; /* (Linux never finds an O_PATH descriptor here) */
	int64_t pos_in = (int64_t)in->off, pos_out = (int64_t)out->off;
	if (uoff_in && copy_from_user(&pos_in, uoff_in, sizeof pos_in))
		return -EFAULT;
	if (uoff_out && copy_from_user(&pos_out, uoff_out, sizeof pos_out))
		return -EFAULT;
	if (flags)
		return -EINVAL;
	uint64_t n = len;
	int64_t r = file_range_checks(in, pos_in, out, pos_out, &n);
	if (r || !n)
		return r;
	if (n > MAX_RW_COUNT)
		n = MAX_RW_COUNT;
	uint64_t a = (uint64_t)pos_in, b = (uint64_t)pos_out;
	uint8_t *buf;
	if (kernel_copy_begin(in, out, n, &buf))
		return -ENOMEM;
	r = copy(in, &a, out, &b, n, buf);
	if (r > 0 && !uoff_in)
		in->off = a;
	if (r > 0 && !uoff_out)
		out->off = b;
	kernel_copy_end(current_thread());
	if (r <= 0)
		return r;
	if ((uoff_in && copy_to_user(uoff_in, &a, sizeof a)) ||
	    (uoff_out && copy_to_user(uoff_out, &b, sizeof b)))
		return -EFAULT;
	return r;
}

/* --- splice, tee and vmsplice: Linux's pipe calls, over pipe.c's slots --- */

#define SPLICE_F_NONBLOCK 0x02
#define SPLICE_F_ALL 0x0f /* MOVE, NONBLOCK, MORE, GIFT */

/* Files with a position that pread and pwrite take (Linux's FMODE_PREAD
 * and FMODE_PWRITE): not pipes, sockets, terminals, eventfds... */
static bool positioned(const struct inode *ip)
{
	return !ip->pipe && !S_ISSOCK(ip->mode) &&
	       !(ip->dev && (ip->dev->stream || ip->dev->pollers));
}

/* What splice reads into a pipe (files with a splice_read): regular files
 * and sockets. */
static bool splice_source(const struct file *f)
{
	const struct inode *ip = f->inode;
	return S_ISSOCK(ip->mode) || (S_ISREG(ip->mode) && !ip->dev && !ip->mq);
}

/* A socket's read as with MSG_DONTWAIT when nonblock (it cannot sleep so,
 * so no other thread sees the flag). */
static int64_t socket_read(struct file *f, void *buf, uint64_t n, bool nonblock)
{
	uint32_t added = nonblock ? O_NONBLOCK & ~f->flags : 0;
	f->flags |= added;
	int64_t r = file_read(f, (uint64_t)(uintptr_t)buf, n);
	f->flags &= ~added;
	return r;
}

/* splice from a file or socket into a pipe, Linux's splice_file_to_pipe:
 * wait for a free slot, then read at *pos (a file: a slot per page of it,
 * as its page cache would give; a socket: what one read gives) while
 * slots are free. The caller's kernel copy holds both files, and buf (of
 * min(len, CHUNK) bytes). */
static int64_t splice_to_pipe(struct file *in, uint64_t *pos, struct file *out, uint64_t len,
			      bool nonblock, uint8_t *buf)
{
	bool sock = S_ISSOCK(in->inode->mode);
	int64_t err = pipe_wait_writable(out, nonblock), done = 0;
	if (err)
		return err;
	uint64_t room = pipe_room_at(out, sock ? 0 : *pos);
	if (len > room)
		len = room;
	if (!sock && ((int64_t)*pos < 0 || (int64_t)(*pos + len) < 0))
		return -EINVAL;
	if (!splice_source(in))
		return -EINVAL;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	/* a socket's read may sleep: the pipe is held (no other thread fills
	 * or resizes it) and its pages are there before, so that nothing
	 * read from the socket can fail to go in */
	pipe_hold(out, true);
	while ((uint64_t)done < len) {
		uint64_t want = len - done < CHUNK ? len - done : CHUNK;
		if ((err = pipe_prepare(out, want, sock ? 0 : *pos)))
			break;
		int64_t got =
		    sock ? socket_read(in, buf, want, nonblock) : read_at(in, buf, want, *pos);
		if (got <= 0) {
			err = got;
			break;
		}
		int64_t put =
		    pipe_fill(out, (uint64_t)(uintptr_t)buf, (uint64_t)got, sock ? 0 : *pos);
		if (put <= 0) {
			err = put;
			break;
		}
		done += put;
		if (!sock)
			*pos += (uint64_t)put;
		if (sock || put < got)
			break;
	}
	pipe_hold(out, false);
	return done ? done : err;
}

/* splice from a pipe to a file, socket or stream, Linux's splice_write:
 * wait for bytes, then write what the pipe holds, up to len; bytes leave
 * the pipe only once written. Files and buf as for splice_to_pipe. */
static int64_t splice_from_pipe(struct file *in, struct file *out, uint64_t *pos, uint64_t len,
				bool nonblock, uint8_t *buf)
{
	const struct inode *op = out->inode;
	bool at = S_ISREG(op->mode) && !op->dev;
	int64_t err = pipe_wait_readable(in, nonblock), done = 0;
	if (err)
		return err;
	pipe_hold(in, true); /* a socket's write may sleep */
	while ((uint64_t)done < len) {
		uint64_t want = len - done < CHUNK ? len - done : CHUNK;
		if (want > pipe_bytes(in))
			want = pipe_bytes(in);
		if (!want)
			break;
		uint64_t kbuf = (uint64_t)(uintptr_t)buf;
		int64_t got = pipe_take(in, kbuf, want, true);
		if (got <= 0) {
			err = got;
			break;
		}
		int64_t put = at ? inode_write(out->inode, kbuf, (uint64_t)got, *pos)
				 : file_write(out, kbuf, (uint64_t)got);
		if (put <= 0) {
			err = put;
			break;
		}
		pipe_take(in, kbuf, (uint64_t)put, false); /* the same bytes, now gone */
		done += put;
		if (at)
			*pos += (uint64_t)put;
		if (put < got)
			break;
	}
	pipe_hold(in, false);
	return done ? done : err;
}

/* Between two pipes (tee: keep), both held by a kernel copy meanwhile. */
static int64_t between_pipes(struct file *in, struct file *out, uint64_t len, bool nonblock,
			     bool keep)
{
	uint8_t *buf;
	if (kernel_copy_begin(in, out, 0, &buf))
		return -ENOMEM;
	int64_t r = pipe_splice(in, out, len, nonblock, keep);
	kernel_copy_end(current_thread());
	return r;
}

/* Linux's checks in its order: flags, the descriptors (EBADF), an offset
 * given for a pipe (ESPIPE), the offsets read, the access modes, then per
 * direction: pipe to pipe, pipe to file (an offset needs a file that
 * pwrite takes, no O_APPEND, the length and position as a write's, a file
 * that splice writes), file to pipe (an offset needs pread). */
SYSCALL_DEFINE6(splice, int, fd_in, uint64_t, uoff_in, int, fd_out, uint64_t, uoff_out, size_t, len,
		unsigned int, flags)
{
	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = fd_get(fd_in), *out = in ? fd_get(fd_out) : NULL;
	if (!in || !out || in->flags & O_PATH || out->flags & O_PATH)
		return -EBADF;
	bool ipipe = in->inode->pipe, opipe = out->inode->pipe,
	     nonblock = flags & SPLICE_F_NONBLOCK;
	if ((ipipe && uoff_in) || (opipe && uoff_out))
		return -ESPIPE;
	int64_t off = 0;
	if ((uoff_out && copy_from_user(&off, uoff_out, sizeof off)) ||
	    (uoff_in && copy_from_user(&off, uoff_in, sizeof off)))
		return -EFAULT;
	if (!readable(in) || !writable(out))
		return -EBADF;
	if (ipipe && opipe) {
		if (in->inode->pipe == out->inode->pipe)
			return -EINVAL;
		return between_pipes(in, out, len,
				     nonblock || (in->flags | out->flags) & O_NONBLOCK, false);
	}
	uint64_t pos;
	if (ipipe) {
		if (uoff_out && !positioned(out->inode))
			return -EINVAL;
		pos = uoff_out ? (uint64_t)off : out->off;
		if (out->flags & O_APPEND || (int64_t)len < 0)
			return -EINVAL;
		if (positioned(out->inode) && ((int64_t)pos < 0 || (int64_t)(pos + len) < 0))
			return -EINVAL;
		if (!splice_target(out))
			return -EINVAL;
	} else if (opipe) {
		if (uoff_in && !positioned(in->inode))
			return -EINVAL;
		pos = uoff_in ? (uint64_t)off : in->off;
	} else {
		return -EINVAL;
	}
	/* both files held from here (another thread may close either while
	 * this one waits) until the position is stored */
	uint8_t *buf;
	if (kernel_copy_begin(in, out, len, &buf))
		return -ENOMEM;
	int64_t r = ipipe ? splice_from_pipe(in, out, &pos, len, nonblock || in->flags & O_NONBLOCK, buf)
			  : splice_to_pipe(in, &pos, out, len, nonblock || out->flags & O_NONBLOCK, buf);
	uint64_t given = ipipe ? uoff_out : uoff_in;
	if (r >= 0 && !given)
		(ipipe ? out : in)->off = pos;
	kernel_copy_end(current_thread());
	if (r >= 0 && given && copy_to_user(given, &pos, sizeof pos))
		return -EFAULT;
	return r;
}

/* tee: flags first, then the length, the descriptors and their access
 * modes (EBADF), then two different pipes (EINVAL). */
SYSCALL_DEFINE4(tee, int, fd_in, int, fd_out, size_t, len, unsigned int, flags)
{
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	struct file *in = fd_get(fd_in), *out = in ? fd_get(fd_out) : NULL;
	if (!in || !out || in->flags & O_PATH || out->flags & O_PATH || !readable(in) ||
	    !writable(out))
		return -EBADF;
	if (!in->inode->pipe || !out->inode->pipe || in->inode->pipe == out->inode->pipe)
		return -EINVAL;
	bool nonblock = flags & SPLICE_F_NONBLOCK || (in->flags | out->flags) & O_NONBLOCK;
	return between_pipes(in, out, len, nonblock, true);
}

/* vmsplice: user memory into a pipe (a write end: a slot per page of it,
 * after waiting for a free one), or a pipe into user memory (a read end);
 * only SPLICE_F_NONBLOCK keeps it from waiting (EAGAIN), not the pipe's
 * O_NONBLOCK, as Linux. The vector is checked as readv's first. */
SYSCALL_DEFINE4(vmsplice, int, fd, uint64_t, uiov, uint64_t, nr_segs, unsigned int, flags)
{
	struct iovec_user *iov;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f || f->flags & O_PATH)
		return -EBADF;
	bool to_pipe = writable(f);
	if (!to_pipe && !readable(f))
		return -EBADF;
	if (nr_segs > IOV_MAX)
		return -EINVAL;
	iov = kmalloc(nr_segs ? nr_segs * sizeof *iov : 1);
	if (!iov)
		return -ENOMEM;
	uint64_t total = 0;
	int64_t r = copy_from_user(iov, uiov, nr_segs * sizeof *iov)
			? -EFAULT
			: iovec_check_parts(iov, nr_segs, &total); /* as readv's */
	if (!r && total && !f->inode->pipe)
		r = -EBADF;
	uint8_t *none;
	if (r || !total || (r = kernel_copy_begin(f, f, 0, &none))) {
		kfree(iov);
		return r;
	}
	current_thread()->kcopy->owned = iov; /* freed with it, even at a deadlock's exit */
	bool nonblock = flags & SPLICE_F_NONBLOCK; /* not O_NONBLOCK, either way (Linux's) */
	r = to_pipe ? pipe_wait_writable(f, nonblock) : pipe_wait_readable(f, nonblock);
	int64_t done = 0;
	for (uint64_t i = 0; !r && i < nr_segs && done < MAX_RW_COUNT; i++) {
		/* (Linux cuts the vector at MAX_RW_COUNT bytes in all) */
		uint64_t len =
		    iov[i].len < (uint64_t)(MAX_RW_COUNT - done) ? iov[i].len : MAX_RW_COUNT - done;
		if (!len)
			continue;
		int64_t n = to_pipe ? pipe_fill(f, iov[i].base, len, iov[i].base)
				    : pipe_take(f, iov[i].base, len, false);
		if (n < 0 && !done)
			r = n;
		if (n > 0)
			done += n;
		if (n < (int64_t)len)
			break;
	}
	kernel_copy_end(current_thread());
	return done ? done : r;
}
