/*
 * Copies the kernel makes between two descriptors: sendfile (a regular
 * file to any file, pipe or terminal; cp, web servers and busybox use it)
 * and copy_file_range (between two regular files of one filesystem;
 * coreutils' cp tries it first). Bytes go through a kernel buffer of 64
 * KiB at a time, with the buffer given to the files' own read and write
 * (copy_*_user accept it while the thread's kernel_io is set), so every
 * kind of file behaves as with read and write; a short write (a full
 * non-blocking pipe, a signal) ends the copy with what was written, and
 * the source's position moves by that much, as Linux's.
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

/* Copy up to count bytes of `in` from *pos; write(out) is out's write at
 * its position, or at *out_pos. Returns the bytes written (pos and out_pos
 * moved by them), or a negative errno when none were. */
struct kernel_copy {
	uint8_t *buf;
	size_t len;
	struct file *in, *out; /* a reference to each, taken by the copy */
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
	file_put(k->out);
	file_put(k->in);
	kfree(k);
}

void kernel_copy_abandon(struct thread *t)
{
	if (t->kcopy)
		kernel_copy_end(t);
}

/* Copy up to count bytes of `in` from *pos; write(out) is out's write at
 * its position, or at *out_pos. Takes a reference to each file for the
 * copy. Returns the bytes written (pos and out_pos moved by them), or a
 * negative errno when none were. */
static int64_t copy(struct file *in, uint64_t *pos, struct file *out, uint64_t *out_pos,
		    uint64_t count)
{
	struct kernel_copy *k = kmalloc(sizeof *k);
	size_t len = count < CHUNK ? (count ? count : 1) : CHUNK;
	uint8_t *buf = k ? kmalloc(len) : NULL;
	if (!buf) {
		kfree(k);
		return -ENOMEM;
	}
	*k = (struct kernel_copy){buf, len, in, out};
	in->refs++; /* either may be closed by another thread during a wait */
	out->refs++;
	struct thread *t = current_thread();
	t->kcopy = k;
	int64_t done = 0, err = 0;
	while ((uint64_t)done < count) {
		uint64_t want = count - done < CHUNK ? count - done : CHUNK;
		if (out->inode->pipe && !out_pos) { /* one fill of the pipe */
			uint32_t room = pipe_room(out);
			if (!room && done)
				break;
			want = room ? (want < room ? want : room) : 1; /* 1: wait for room */
		}
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
	kernel_copy_end(t);
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
	if (uoff &&
	    (ip->pipe || S_ISSOCK(ip->mode) || (ip->dev && (ip->dev->stream || ip->dev->pollers))))
		return -ESPIPE; /* (a terminal, an eventfd, an epoll... cannot pread) */
	uint64_t pos = uoff ? (uint64_t)off : in->off;
	if ((int64_t)pos < 0 || (int64_t)count < 0)
		return -EINVAL;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	struct file *out = fd_get(out_fd);
	if (!out || !writable(out))
		return -EBADF;
	if (!S_ISREG(ip->mode) || ip->dev || ip->mq) /* nothing but a file can be read this way */
		return -EINVAL;
	if (!splice_target(out) || (out->flags & O_APPEND && !out->inode->pipe))
		return -EINVAL;
	int64_t r = copy(in, &pos, out, NULL, count);
	if (r > 0 && !uoff)
		in->off = pos;
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
	r = copy(in, &a, out, &b, n);
	if (r <= 0)
		return r;
	if (!uoff_in)
		in->off = a;
	if (!uoff_out)
		out->off = b;
	if ((uoff_in && copy_to_user(uoff_in, &a, sizeof a)) ||
	    (uoff_out && copy_to_user(uoff_out, &b, sizeof b)))
		return -EFAULT;
	return r;
}
