/* Timers of the running process (kernel/proc/itimer.c): setitimer's three
 * and the POSIX timers of timer_create, checked at every LAPIC tick. */
#ifndef BF_ITIMER_H
#define BF_ITIMER_H

#include <stdbool.h>
#include <stdint.h>

/* Timer handles: setitimer's which (0..2), or ITIMER_POSIX + a timer id. */
#define ITIMER_REAL 0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF 2
#define ITIMER_POSIX 3
#define ITIMER_POSIX_MAX 1024 /* timers a process may create */

/* What a timer counts: wall time (CLOCK_MONOTONIC, CLOCK_REALTIME ...), or
 * the process's CPU time in user mode, or in user and kernel mode. */
enum { ITIMER_CLOCK_WALL, ITIMER_CLOCK_USER, ITIMER_CLOCK_CPU };

/* sigev_notify values. */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4

/* Nanoseconds: value until the next expiry (0: disarmed), and the period. */
struct itimer_spec {
	uint64_t value, interval;
};

#define ITIMER_COUNT (ITIMER_POSIX + ITIMER_POSIX_MAX)

struct itimer {
	bool used; /* a POSIX timer that exists (setitimer's always do) */
	int clock;
	int tid; /* a CPU-time clock's thread, or 0: the process's */
	int notify, signo;
	int target;	  /* SIGEV_THREAD_ID: the thread its signal goes to; 0: the process */
	uint64_t value;	  /* sigval */
	uint64_t expires; /* on its clock; 0 when disarmed */
	uint64_t interval;
	bool sent;	       /* its signal may still be pending */
	uint32_t overrun;      /* expirations while it was */
	uint32_t overrun_last; /* counted at the last delivery */
	uint32_t seq;	       /* counts settings: a signal of an older one is stale */
};

/* A process's timers (in struct proc). */
struct itimer_set {
	struct itimer timer[ITIMER_COUNT];
	int top;	   /* every timer in use is below: the tick looks no further */
	int armed;	   /* timers with an expiry, so that most ticks do nothing */
	uint32_t settings; /* every timer_settime, so that no two share a seq */
	uint8_t clock_id[ITIMER_POSIX_MAX]; /* each POSIX timer's clock id (sys_timer.c) */
};

/* No timer armed or created: a new process. */
void itimer_reset(void);

/* Create a POSIX timer on clock (ITIMER_CLOCK_*; a CPU-time clock counts
 * thread tid's CPU time, or the process's if tid is 0) that sends signo with
 * *value (NULL: the timer's id) when it expires, unless notify is
 * SIGEV_NONE: to the process, or to thread `target` (SIGEV_THREAD_ID; none
 * once that thread has ended, as Linux). Returns the timer id (0 up), or
 * -EAGAIN when ITIMER_POSIX_MAX exist. */
int itimer_create(int clock, int tid, int notify, int signo, int target, const uint64_t *value);
/* -EINVAL unless id is a created timer. */
int itimer_delete(int id);

/*
 * Arm (new->value nonzero) or disarm timer t (a handle, see above), and
 * return the previous setting in old (may be NULL). With absolute, value is
 * a time on the timer's clock (realtime: wall-clock nanoseconds since the
 * epoch). -EINVAL if t is not a timer.
 */
int itimer_settime(int t, bool absolute, bool realtime, const struct itimer_spec *new,
		   struct itimer_spec *old);
/* Time left and period of timer t; -EINVAL if t is not a timer. */
int itimer_gettime(int t, struct itimer_spec *cur);
/* Expirations missed before the last delivered signal of POSIX timer id
 * (timer_getoverrun); -EINVAL if id is not a created timer. */
int itimer_getoverrun(int id);

/* Send the signals of every timer that has expired (the timer interrupt;
 * interrupts disabled). */
void itimer_poll(void);
/* True if an armed wall-clock timer will send one of the signals in set:
 * a wait for them can end. */
bool itimer_may_signal(uint64_t set);
/* The signal of POSIX timer id, sent while its setting was number seq, is
 * delivered now: returns the expirations it missed since it was sent
 * (si_overrun) and lets it send again; -1 if the timer was deleted or set
 * again since (the signal is dropped). */
int64_t itimer_delivered(int id, uint32_t seq);

#endif
