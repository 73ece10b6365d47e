/*
 * System V IPC: message queues (msgget, msgsnd, msgrcv, msgctl), semaphore
 * sets (semget, semop, semtimedop, semctl) and shared memory (shmget, shmat,
 * shmdt, shmctl), with Linux's ids (index + 32768 * sequence), key rules,
 * limits and errors. A shared memory segment is an in-memory file outside
 * the tree that shmat maps MAP_SHARED, so kernel/fs/shmap.c keeps every
 * attachment in step with it. There is one thread: an operation that would
 * block without IPC_NOWAIT waits out a semtimedop timeout (EAGAIN), or, with
 * none, could never end and ends the program (as a futex deadlock does).
 */
#include "fs.h"
#include "heap.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "pmm.h"
#include "proc.h"
#include "syscall.h"
#include "task.h"
#include "timer.h"

#define IPC_PRIVATE 0
#define IPC_CREAT 01000
#define IPC_EXCL 02000
#define IPC_NOWAIT 04000
#define IPC_RMID 0
#define IPC_SET 1
#define IPC_STAT 2
#define IPC_64 0x100 /* glibc's flag on every ctl command: the 64-bit layouts */
#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000
#define GETPID 11
#define GETVAL 12
#define GETALL 13
#define GETNCNT 14
#define GETZCNT 15
#define SETVAL 16
#define SETALL 17
#define SEM_UNDO 0x1000
#define SHM_RDONLY 010000
#define SHM_RND 020000
#define SHM_REMAP 040000
#define SHM_EXEC 0100000
#define SHM_LOCK 11
#define SHM_UNLOCK 12

#define IPCMNI 32768 /* ids: index + IPCMNI * sequence */
#define MAX_OBJECTS 256
#define MSGMAX 8192	/* largest message */
#define MSGMNB 16384	/* default bytes in a queue */
#define SEMMSL 32000	/* semaphores in a set */
#define SEMOPM 500	/* operations in one semop */
#define SEMVMX 32767	/* largest semaphore value */
#define SHMMAX (~0ul - (1ul << 24)) /* Linux's default: practically unlimited */
#define OUR_PID (current_proc()->pid)
#define NS 1000000000ll

enum kind { MSG, SEM, SHM };

struct ipc_perm_user { /* struct ipc64_perm, x86-64 */
	int32_t key;
	uint32_t uid, gid, cuid, cgid, mode;
	uint16_t seq, pad;
	uint64_t unused[2];
};

struct msg {
	struct msg *next;
	int64_t type;
	uint64_t len;
	uint8_t text[];
};

struct ipc_obj {
	enum kind kind;
	struct ipc_perm_user perm;
	int64_t ctime, otime, rtime; /* seconds: changed, last op (send/semop/attach), receive/detach */
	int last_pid, last_rpid;
	union {
		struct { /* MSG */
			struct msg *head;
			uint64_t qnum, cbytes, qbytes;
		};
		struct { /* SEM */
			uint16_t *vals;
			int32_t *pids;
			uint64_t nsems;
		};
		struct { /* SHM */
			struct inode *ip;
			uint64_t segsz, nattch;
			bool removed;
		};
	};
};

static struct ipc_obj *objs[MAX_OBJECTS];
static uint16_t seqs[MAX_OBJECTS];

static int64_t now_s(void) { return (int64_t)(time_realtime_ns() / NS); }

static int id_of(int i) { return i + IPCMNI * seqs[i]; }

/* The object with id, of that kind; NULL if there is none (EINVAL). */
static struct ipc_obj *lookup(enum kind k, int64_t id)
{
	if (id < 0 || id > INT32_MAX)
		return NULL;
	int i = (int)(id % IPCMNI);
	struct ipc_obj *o = i < MAX_OBJECTS ? objs[i] : NULL;
	return o && o->kind == k && id_of(i) == id ? o : NULL;
}

static void destroy(int i)
{
	struct ipc_obj *o = objs[i];
	if (o->kind == MSG) {
		while (o->head) {
			struct msg *m = o->head;
			o->head = m->next;
			kfree(m);
		}
	} else if (o->kind == SEM) {
		kfree(o->vals);
		kfree(o->pids);
	} else {
		o->ip->nlink = 0;
		inode_get(o->ip); /* and put: freed unless still mapped */
		inode_put(o->ip);
	}
	kfree(o);
	objs[i] = NULL;
	seqs[i] = (uint16_t)((seqs[i] + 1) % (INT32_MAX / IPCMNI));
}

/* Take back an object ipcget just made and make() refused: its id was
 * never seen, so the sequence does not move. */
static int64_t unmake(int i, int64_t err)
{
	kfree(objs[i]);
	objs[i] = NULL;
	return err;
}

static int index_of(const struct ipc_obj *o)
{
	for (int i = 0; i < MAX_OBJECTS; i++)
		if (objs[i] == o)
			return i;
	return -1;
}

/* Linux's ipcget: a private key always makes a new object; another key
 * finds its object (EEXIST with IPC_CREAT|IPC_EXCL; check() may refuse
 * it), or makes one with IPC_CREAT (ENOENT without). Returns the index, or
 * -(errno); *made tells whether make() must fill a new object. */
static int ipcget(enum kind k, int32_t key, int flags, bool *made)
{
	*made = false;
	if (key != IPC_PRIVATE) {
		for (int i = 0; i < MAX_OBJECTS; i++) {
			struct ipc_obj *o = objs[i];
			if (!o || o->kind != k || o->perm.key != key || (k == SHM && o->removed))
				continue;
			if ((flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL))
				return -EEXIST;
			return i;
		}
		if (!(flags & IPC_CREAT))
			return -ENOENT;
	}
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (objs[i])
			continue;
		struct ipc_obj *o = kzalloc(sizeof *o);
		if (!o)
			return -ENOMEM;
		o->kind = k;
		o->perm = (struct ipc_perm_user){.key = key, .mode = (uint32_t)flags & 0777,
						 .seq = seqs[i]};
		o->perm.uid = o->perm.cuid = (uint32_t)sys_geteuid(0, 0, 0, 0, 0, 0);
		o->perm.gid = o->perm.cgid = (uint32_t)sys_getegid(0, 0, 0, 0, 0, 0);
		o->ctime = now_s();
		objs[i] = o;
		*made = true;
		return i;
	}
	return -ENOSPC;
}

/* IPC_SET: the owner, group and permission bits. */
static void set_perm(struct ipc_obj *o, const struct ipc_perm_user *p)
{
	o->perm.uid = p->uid, o->perm.gid = p->gid;
	o->perm.mode = (o->perm.mode & ~0777u) | (p->mode & 0777);
	o->ctime = now_s();
}

/* The checks msgctl and shmctl share, in Linux's order: the command
 * (IPC_STAT, IPC_SET or IPC_RMID), IPC_SET's buffer read into ds, the id.
 * Returns the command or -errno. */
static int ctl_start(enum kind k, int id, int cmd, uint64_t ubuf, void *ds, size_t size,
		     struct ipc_obj **o)
{
	int c = cmd & ~IPC_64;
	if (c != IPC_STAT && c != IPC_SET && c != IPC_RMID)
		return -EINVAL;
	if (c == IPC_SET && copy_from_user(ds, ubuf, size))
		return -EFAULT;
	*o = lookup(k, id);
	return *o ? c : -EINVAL;
}

/* ------------------------------------------------------------ messages */

SYSCALL_DEFINE2(msgget, int32_t, key, int, flags)
{
	bool made;
	int i = ipcget(MSG, key, flags, &made);
	if (i < 0)
		return i;
	if (made)
		objs[i]->qbytes = MSGMNB;
	return id_of(i);
}

SYSCALL_DEFINE4(msgsnd, int, id, uint64_t, umsg, size_t, size, int, flags)
{
	int64_t type;
	if (copy_from_user(&type, umsg, sizeof type))
		return -EFAULT;
	if ((int64_t)size > MSGMAX || (int64_t)size < 0 || id < 0)
		return -EINVAL;
	if (type < 1)
		return -EINVAL;
	struct msg *m = kmalloc(sizeof *m + size);
	if (!m)
		return -ENOMEM;
	if (copy_from_user(m->text, umsg + sizeof type, size)) {
		kfree(m);
		return -EFAULT;
	}
	struct ipc_obj *q = lookup(MSG, id);
	if (!q) {
		kfree(m);
		return -EINVAL;
	}
	if (q->cbytes + size > q->qbytes || q->qnum + 1 > q->qbytes) {
		kfree(m);
		if (flags & IPC_NOWAIT)
			return -EAGAIN;
		/* Nothing else reads it: only a signal handler can, and a
		 * signal ends the call (SysV calls are never restarted). */
		return signal_wait_or_end(SIGNAL_NO_DEADLINE,
					  "msgsnd to a full queue that only it reads (a deadlock)");
	}
	m->type = type, m->len = size, m->next = NULL;
	struct msg **pp = &q->head;
	while (*pp)
		pp = &(*pp)->next;
	*pp = m;
	q->qnum++, q->cbytes += size;
	q->last_pid = OUR_PID, q->otime = now_s();
	return 0;
}

/* The message msgrcv takes: the first (type 0), the first of that type
 * (type > 0; with MSG_EXCEPT the first of another), or the first of the
 * lowest type up to -type. */
static struct msg **pick(struct ipc_obj *q, int64_t type, int flags)
{
	struct msg **best = NULL;
	for (struct msg **pp = &q->head; *pp; pp = &(*pp)->next) {
		int64_t t = (*pp)->type;
		if (type == 0)
			return pp;
		if (type > 0 && ((flags & MSG_EXCEPT) ? t != type : t == type))
			return pp;
		if (type < 0 && t <= -type && (!best || t < (*best)->type))
			best = pp;
	}
	return best;
}

SYSCALL_DEFINE5(msgrcv, int, id, uint64_t, umsg, size_t, size, int64_t, type, int, flags)
{
	if ((int64_t)size < 0 || id < 0)
		return -EINVAL;
	if (flags & MSG_COPY)
		return -ENOSYS; /* a checkpoint/restore feature, not supported here */
	struct ipc_obj *q = lookup(MSG, id);
	if (!q)
		return -EINVAL;
	struct msg **pp = pick(q, type, flags);
	if (!pp) {
		if (flags & IPC_NOWAIT)
			return -ENOMSG;
		return signal_wait_or_end(SIGNAL_NO_DEADLINE,
					  "msgrcv from a queue that only it writes (a deadlock)");
	}
	struct msg *m = *pp;
	if (m->len > size && !(flags & MSG_NOERROR))
		return -E2BIG;
	uint64_t n = m->len < size ? m->len : size;
	*pp = m->next;
	q->qnum--, q->cbytes -= m->len;
	q->last_rpid = OUR_PID, q->rtime = now_s();
	int64_t r = (int64_t)n;
	/* As on Linux, a message that cannot be stored is lost. */
	if (copy_to_user(umsg, &m->type, sizeof m->type) ||
	    copy_to_user(umsg + sizeof m->type, m->text, n))
		r = -EFAULT;
	kfree(m);
	return r;
}

struct msqid_user { /* struct msqid64_ds, x86-64 */
	struct ipc_perm_user perm;
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int32_t lspid, lrpid;
	uint64_t unused[2];
};

SYSCALL_DEFINE3(msgctl, int, id, int, cmd, uint64_t, ubuf)
{
	struct msqid_user ds;
	struct ipc_obj *q;
	int c = ctl_start(MSG, id, cmd, ubuf, &ds, sizeof ds, &q);
	if (c < 0)
		return c;
	switch (c) {
	case IPC_STAT:
		ds = (struct msqid_user){.perm = q->perm, .stime = q->otime, .rtime = q->rtime,
					 .ctime = q->ctime, .cbytes = q->cbytes, .qnum = q->qnum,
					 .qbytes = q->qbytes, .lspid = q->last_pid,
					 .lrpid = q->last_rpid};
		return copy_to_user(ubuf, &ds, sizeof ds);
	case IPC_SET:
		if (ds.qbytes > MSGMNB)
			return -EPERM; /* beyond msgmnb needs CAP_SYS_RESOURCE, as mq_open's limits */
		set_perm(q, &ds.perm);
		q->qbytes = ds.qbytes;
		return 0;
	default:
		destroy(index_of(q));
		return 0;
	}
}

/* ---------------------------------------------------------- semaphores */

SYSCALL_DEFINE3(semget, int32_t, key, int, nsems, int, flags)
{
	bool made;
	if (nsems < 0 || nsems > SEMMSL)
		return -EINVAL;
	int i = ipcget(SEM, key, flags, &made);
	if (i < 0)
		return i;
	struct ipc_obj *s = objs[i];
	if (made) { /* a new set needs semaphores; an existing one may be opened with 0 */
		if (!nsems)
			return unmake(i, -EINVAL);
		s->nsems = (uint64_t)nsems;
		s->vals = kzalloc(s->nsems * sizeof *s->vals);
		s->pids = kzalloc(s->nsems * sizeof *s->pids);
		if (!s->vals || !s->pids) {
			kfree(s->vals), kfree(s->pids);
			return unmake(i, -ENOMEM);
		}
	} else if ((uint64_t)nsems > s->nsems) {
		return -EINVAL;
	}
	return id_of(i);
}

struct sembuf_user {
	uint16_t num;
	int16_t op, flg;
};

/* One pass over the operations, all or nothing: 0 when applied, 1 when one
 * must wait (which, with IPC_NOWAIT, is EAGAIN), or -errno. */
static int try_ops(struct ipc_obj *s, const struct sembuf_user *ops, uint64_t n, uint16_t *tmp)
{
	memcpy(tmp, s->vals, s->nsems * sizeof *tmp);
	for (uint64_t k = 0; k < n; k++) {
		int v = tmp[ops[k].num] + ops[k].op;
		if (ops[k].op == 0 ? tmp[ops[k].num] != 0 : v < 0)
			return ops[k].flg & IPC_NOWAIT ? -EAGAIN : 1;
		if (v > SEMVMX)
			return -ERANGE;
		tmp[ops[k].num] = (uint16_t)v;
	}
	return 0;
}

static int64_t semop_common(int id, uint64_t usops, unsigned int nsops, uint64_t uts)
{
	struct sembuf_user ops[SEMOPM];
	uint64_t deadline = SIGNAL_NO_DEADLINE, ns;

	if (id < 0)
		return -EINVAL;
	if (nsops < 1)
		return -EINVAL;
	if (nsops > SEMOPM)
		return -E2BIG;
	if (copy_from_user(ops, usops, nsops * sizeof ops[0]))
		return -EFAULT;
	if (uts) {
		int err = timespec_from_user(uts, 1, &ns);
		if (err)
			return err;
		deadline = deadline_after(ns);
	}
	struct ipc_obj *s = lookup(SEM, id);
	if (!s)
		return -EINVAL;
	for (uint64_t k = 0; k < nsops; k++)
		if (ops[k].num >= s->nsems)
			return -EFBIG;
	uint16_t *tmp = kmalloc(s->nsems * sizeof *tmp);
	if (!tmp)
		return -ENOMEM;
	int r = try_ops(s, ops, nsops, tmp);
	if (r == 0) {
		memcpy(s->vals, tmp, s->nsems * sizeof *tmp);
		for (uint64_t k = 0; k < nsops; k++)
			s->pids[ops[k].num] = OUR_PID;
		s->otime = now_s();
	}
	kfree(tmp);
	if (r == 1) {
		int err = signal_wait_or_end(deadline,
					     "semop that only it could let through (a deadlock)");
		return err ? err : -EAGAIN; /* Linux's answer to a semtimedop timeout */
	}
	return r;
}

SYSCALL_DEFINE3(semop, int, id, uint64_t, sops, unsigned int, nsops)
{
	return semop_common(id, sops, nsops, 0);
}

SYSCALL_DEFINE4(semtimedop, int, id, uint64_t, sops, unsigned int, nsops, uint64_t, ts)
{
	return semop_common(id, sops, nsops, ts);
}

struct semid_user { /* struct semid64_ds, x86-64 */
	struct ipc_perm_user perm;
	int64_t otime;
	uint64_t unused1;
	int64_t ctime;
	uint64_t unused2, nsems, unused3, unused4;
};

SYSCALL_DEFINE4(semctl, int, id, int, num, int, cmd, uint64_t, arg)
{
	int c = cmd & ~IPC_64;
	if (id < 0)
		return -EINVAL;
	if (c == SETVAL && ((int)arg < 0 || (int)arg > SEMVMX))
		return -ERANGE;
	struct ipc_obj *s = lookup(SEM, id);
	if (!s)
		return -EINVAL;
	bool one = c == GETVAL || c == SETVAL || c == GETPID || c == GETNCNT || c == GETZCNT;
	if (one && (uint32_t)num >= s->nsems)
		return -EINVAL;
	switch (c) {
	case GETVAL: return s->vals[num];
	case GETPID: return s->pids[num];
	case GETNCNT:
	case GETZCNT: return 0; /* nobody else can be waiting */
	case SETVAL:
		if ((int)arg < 0 || (int)arg > SEMVMX)
			return -ERANGE; /* Linux checks it before the id, too */
		s->vals[num] = (uint16_t)(int)arg;
		s->pids[num] = OUR_PID;
		s->ctime = now_s();
		return 0;
	case GETALL: return copy_to_user(arg, s->vals, s->nsems * sizeof *s->vals);
	case SETALL: {
		uint16_t *v = kmalloc(s->nsems * sizeof *v);
		if (!v)
			return -ENOMEM;
		int err = copy_from_user(v, arg, s->nsems * sizeof *v);
		for (uint64_t k = 0; !err && k < s->nsems; k++)
			if (v[k] > SEMVMX)
				err = -ERANGE;
		if (!err) {
			memcpy(s->vals, v, s->nsems * sizeof *v);
			for (uint64_t k = 0; k < s->nsems; k++)
				s->pids[k] = OUR_PID;
			s->ctime = now_s();
		}
		kfree(v);
		return err;
	}
	case IPC_STAT: {
		struct semid_user ds = {.perm = s->perm, .otime = s->otime, .ctime = s->ctime,
					.nsems = s->nsems};
		return copy_to_user(arg, &ds, sizeof ds);
	}
	case IPC_SET: {
		struct semid_user ds;
		if (copy_from_user(&ds, arg, sizeof ds))
			return -EFAULT;
		set_perm(s, &ds.perm);
		return 0;
	}
	case IPC_RMID: destroy(index_of(s)); return 0;
	default: return -EINVAL;
	}
}

/* -------------------------------------------------------- shared memory */

/* Where each segment is attached, a list in the process (task.h): shmdt
 * gets only the address. */
struct shm_attach {
	uint64_t addr, size;
	struct ipc_obj *seg;
	struct shm_attach *next;
};

SYSCALL_DEFINE3(shmget, int32_t, key, size_t, size, int, flags)
{
	bool made;
	int i = ipcget(SHM, key, flags, &made);
	if (i < 0)
		return i;
	struct ipc_obj *s = objs[i];
	if (!made)
		return size > s->segsz ? -EINVAL : id_of(i);
	if (size < 1 || size > SHMMAX)
		return unmake(i, -EINVAL);
	s->segsz = size;
	s->ip = inode_new(S_IFREG | ((uint32_t)flags & 0777));
	if (!s->ip || inode_truncate(s->ip, (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))) {
		if (s->ip)
			inode_put(s->ip);
		return unmake(i, -ENOMEM);
	}
	s->ip->nlink = 1; /* held by the segment */
	return id_of(i);
}

/* The segment goes once it is removed and nothing has it attached. */
static void maybe_destroy(struct ipc_obj *s)
{
	if (s->removed && !s->nattch)
		destroy(index_of(s));
}

#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4
#define MAP_SHARED 0x01
#define MAP_FIXED 0x10
#define MAP_FIXED_NOREPLACE 0x100000

SYSCALL_DEFINE3(shmat, int, id, uint64_t, addr, int, flags)
{
	if (id < 0)
		return -EINVAL;
	struct ipc_obj *s = lookup(SHM, id);
	if (!s)
		return -EINVAL;
	if (addr & (PAGE_SIZE - 1)) {
		if (!(flags & SHM_RND))
			return -EINVAL;
		addr &= ~(PAGE_SIZE - 1);
	}
	struct shm_attach *at = kmalloc(sizeof *at);
	struct file *f = at ? file_open_inode(s->ip, flags & SHM_RDONLY ? O_RDONLY : O_RDWR) : NULL;
	int fd = f ? fd_install(f, 0, true) : -ENOMEM;
	if (fd < 0) {
		if (f)
			file_put(f);
		kfree(at);
		return fd;
	}
	/* mmap does the rest: a MAP_SHARED mapping of the segment's file. */
	uint64_t size = (s->segsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	uint64_t prot = PROT_READ | (flags & SHM_RDONLY ? 0 : PROT_WRITE) |
			(flags & SHM_EXEC ? PROT_EXEC : 0);
	uint64_t how = MAP_SHARED | (addr ? (flags & SHM_REMAP ? MAP_FIXED : MAP_FIXED_NOREPLACE) : 0);
	int64_t r = sys_mmap(addr, size, prot, how, (uint64_t)fd, 0);
	fd_close(fd);
	if (r < 0) {
		kfree(at);
		return r == -EEXIST ? -EINVAL : r;
	}
	*at = (struct shm_attach){(uint64_t)r, size, s, current_proc()->shm_attaches};
	current_proc()->shm_attaches = at;
	s->nattch++;
	s->last_pid = OUR_PID, s->otime = now_s();
	return r;
}

SYSCALL_DEFINE1(shmdt, uint64_t, addr)
{
	for (struct shm_attach **pp = &current_proc()->shm_attaches; *pp; pp = &(*pp)->next) {
		struct shm_attach *at = *pp;
		if (at->addr != addr)
			continue;
		*pp = at->next;
		sys_munmap(at->addr, at->size, 0, 0, 0, 0);
		struct ipc_obj *s = at->seg;
		s->nattch--;
		s->last_pid = OUR_PID, s->rtime = now_s();
		kfree(at);
		maybe_destroy(s);
		return 0;
	}
	return -EINVAL;
}

struct shmid_user { /* struct shmid64_ds, x86-64 */
	struct ipc_perm_user perm;
	uint64_t segsz;
	int64_t atime, dtime, ctime;
	int32_t cpid, lpid;
	uint64_t nattch, unused[2];
};

#define SHM_DEST 01000 /* in the mode IPC_STAT shows: removed, still attached */

SYSCALL_DEFINE3(shmctl, int, id, int, cmd, uint64_t, ubuf)

{
	struct shmid_user ds;
	struct ipc_obj *s;
	if ((cmd & ~IPC_64) == SHM_LOCK || (cmd & ~IPC_64) == SHM_UNLOCK)
		return lookup(SHM, id) ? 0 : -EINVAL; /* nothing is ever swapped out */
	int c = ctl_start(SHM, id, cmd, ubuf, &ds, sizeof ds, &s);
	if (c < 0)
		return c;
	switch (c) {
	case IPC_STAT:
		ds = (struct shmid_user){.perm = s->perm, .segsz = s->segsz, .atime = s->otime,
					 .dtime = s->rtime, .ctime = s->ctime, .cpid = OUR_PID,
					 .lpid = s->last_pid, .nattch = s->nattch};
		if (s->removed)
			ds.perm.mode |= SHM_DEST, ds.perm.key = IPC_PRIVATE;
		return copy_to_user(ubuf, &ds, sizeof ds);
	case IPC_SET: set_perm(s, &ds.perm); return 0;
	default:
		s->removed = true;
		maybe_destroy(s);
		return 0;
	}
}

void shm_detach_all(void)
{
	struct proc *p = current_proc();

	while (p->shm_attaches) {
		struct shm_attach *at = p->shm_attaches;
		p->shm_attaches = at->next;
		at->seg->nattch--;
		kfree(at);
	}
}

/* Forget every object at the end of a program, after fs_destroy freed the
 * segments' files. */
void ipc_reset(void)
{
	for (int i = 0; i < MAX_OBJECTS; i++) {
		if (objs[i] && objs[i]->kind == SHM)
			objs[i]->ip = NULL; /* fs_destroy frees every inode */
		if (objs[i] && objs[i]->kind != SHM)
			destroy(i);
		else if (objs[i])
			kfree(objs[i]), objs[i] = NULL;
		seqs[i] = 0;
	}
}
