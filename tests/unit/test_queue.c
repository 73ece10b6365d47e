/* The runtime's compile queue (runtime/prof/queue.c, included whole for its
 * internals): its thread takes the most urgent waiting job, the first
 * submitted of equals, and the list stays whole as jobs leave it from any
 * place; after each install the waiting jobs are repriced, with the policy
 * lock held; stopped without waiting, it leaves the thread's compile
 * running and drops the jobs waiting. */
#include <pthread.h>
#include <string.h>

#include "harness.h"
#include "../../runtime/prof/queue.c"

struct job {
	struct queue_job q;
	double urgency;
	double repriced; /* the urgency reprice gives it (0: unchanged) */
	int id;
	int reprices, reprices_unlocked; /* reprice calls; of them, without both locks */
};

static double job_urgency(struct queue_job *q)
{
	return ((struct job *)q)->urgency;
}

static void append(struct job *j)
{
	j->q.next = NULL;
	if (Q.tail)
		Q.tail->next = &j->q;
	else
		Q.head = &j->q;
	Q.tail = &j->q;
	Q.waiting++;
}

static int take(void)
{
	return ((struct job *)take_most_urgent())->id;
}

TEST(queue_takes_the_most_urgent_first)
{
	struct job j[6] = {
	    {.urgency = 1, .id = 0}, {.urgency = 5, .id = 1}, {.urgency = 3, .id = 2},
	    {.urgency = 5, .id = 3}, {.urgency = 0, .id = 4}, {.id = 5},
	};
	for (int k = 0; k < 5; k++) {
		j[k].q.urgency = job_urgency;
		append(&j[k]);
	}
	CHECK_EQ(take(), 1); /* the first of the two at 5 */
	CHECK_EQ(take(), 3);
	CHECK_EQ(Q.waiting, 3);
	append(&j[5]); /* no urgency function: as urgent as any */
	CHECK_EQ(take(), 5); /* it was the tail: the list must end before it */
	CHECK(Q.tail == &j[4].q);
	CHECK_EQ(take(), 2);
	CHECK_EQ(take(), 0);
	CHECK(Q.head == &j[4].q && Q.tail == &j[4].q);
	CHECK_EQ(take(), 4);
	CHECK(Q.head == NULL && Q.tail == NULL);
	CHECK_EQ(Q.waiting, 0);
	Q.head = Q.tail = NULL; /* whatever a failed check left */
	Q.waiting = 0;
}

/* With the thread running: a first job holds it until released, four wait
 * behind it and are compiled most urgent first. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int order[8], norder, installed;
static int released;

/* Only the thread's jobs wait for the release: one run at once on the
 * test's thread (the queue judged the thread's share too low) would
 * otherwise wait for itself. */
static void compile(struct queue_job *q)
{
	pthread_mutex_lock(&lock);
	order[norder++] = ((struct job *)q)->id;
	while (q->background && !released)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
}

static int reprices_of[8], unlocked_of[8]; /* by id, at the install */

static void install(struct queue_job *q)
{
	struct job *j = (struct job *)q;
	pthread_mutex_lock(&lock);
	reprices_of[j->id] = j->reprices;
	unlocked_of[j->id] = j->reprices_unlocked;
	installed++;
	pthread_cond_broadcast(&changed);
	pthread_mutex_unlock(&lock);
}

static void reprice(struct queue_job *q)
{
	struct job *j = (struct job *)q;
	j->reprices++;
	if (pthread_mutex_trylock(&Q.policy) == 0) {
		j->reprices_unlocked++;
		pthread_mutex_unlock(&Q.policy);
	}
	if (pthread_mutex_trylock(&Q.lock) == 0) {
		j->reprices_unlocked++;
		pthread_mutex_unlock(&Q.lock);
	}
	if (j->repriced)
		j->urgency = j->repriced;
}

static struct job *new_job(int id, double urgency)
{
	struct job *j = calloc(1, sizeof *j);
	j->id = id;
	j->urgency = urgency;
	j->q.compile = compile;
	j->q.install = install;
	j->q.urgency = job_urgency;
	j->q.reprice = reprice;
	return j;
}

/* Without the thread (none started, or the queue stopped, whichever test
 * ran first), a job runs on its submitter's thread; its install reprices
 * the jobs waiting (one put in the list here), with both locks held. */
TEST(queue_reprices_after_an_install_on_the_submitters_thread)
{
	bool running = Q.running, stopping = Q.stopping;
	Q.running = false;
	Q.stopping = false;
	struct job *waiting = new_job(7, 1);
	append(waiting);
	queue_lock_policy();
	queue_submit(&new_job(6, 1)->q); /* compiled and installed here, then freed */
	queue_unlock_policy();
	CHECK_EQ(installed, 1);
	CHECK_EQ(reprices_of[6], 0);
	CHECK_EQ(waiting->reprices, 1);
	CHECK_EQ(waiting->reprices_unlocked, 0);
	Q.head = Q.tail = NULL;
	Q.waiting = 0;
	free(waiting);
	Q.running = running;
	Q.stopping = stopping;
	norder = installed = 0; /* the other test counts its own */
}

/* Start the thread and give it job 0, which it holds until released. */
static void thread_holds_job0(void)
{
	int why = 0;
	CHECK(queue_start(1, false, &why));
	/* past the thread's first measure of its share, which a loaded host
	 * could make low: jobs would then run here, at once */
	pthread_mutex_lock(&Q.lock);
	while (!Q.probed) {
		pthread_mutex_unlock(&Q.lock);
		nanosleep(&(struct timespec){0, 1000000}, NULL);
		pthread_mutex_lock(&Q.lock);
	}
	Q.share = 1.0;
	pthread_mutex_unlock(&Q.lock);

	queue_lock_policy();
	queue_submit(&new_job(0, 1)->q);
	queue_unlock_policy();
	pthread_mutex_lock(&lock);
	while (norder < 1) { /* the thread holds job 0 */
		pthread_mutex_unlock(&lock);
		nanosleep(&(struct timespec){0, 1000000}, NULL);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
}

TEST(queue_thread_compiles_in_order_of_urgency)
{
	thread_holds_job0();
	/* job 1 learns, at job 0's install, that it is the most urgent */
	struct job *one = new_job(1, 2);
	one->repriced = 20;
	queue_lock_policy();
	queue_submit(&one->q);
	queue_submit(&new_job(2, 9)->q);
	queue_submit(&new_job(3, 4)->q);
	queue_submit(&new_job(4, 9)->q);
	queue_unlock_policy();
	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_broadcast(&changed);
	while (installed < 5)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	CHECK(!queue_stop(true));

	struct queue_stats s;
	queue_get_stats(&s);
	CHECK_EQ(s.background, 5);
	CHECK_EQ(norder, 5);
	CHECK_EQ(order[0], 0);
	CHECK_EQ(order[1], 1);
	CHECK_EQ(order[2], 2);
	CHECK_EQ(order[3], 4);
	CHECK_EQ(order[4], 3);
	/* repriced after each install while it waited, both locks held */
	CHECK_EQ(reprices_of[0], 0);
	CHECK_EQ(reprices_of[1], 1);
	CHECK_EQ(reprices_of[2], 2);
	CHECK_EQ(reprices_of[4], 3);
	CHECK_EQ(reprices_of[3], 4);
	for (int k = 0; k < 5; k++)
		CHECK_EQ(unlocked_of[k], 0);
}

/* A fresh queue, stopped or not before (the tests run in any order). */
static void fresh_queue(void)
{
	Q.head = Q.tail = NULL;
	Q.waiting = 0;
	Q.running = Q.stopping = Q.joined = Q.busy = Q.probed = false;
	Q.share = 1.0;
	memset(&Q.stats, 0, sizeof Q.stats);
	atomic_store(&probe_cut, false);
	norder = installed = released = 0;
}

/* queue_stop(false) while the thread compiles: true, the compile left
 * running (not joined), the job waiting dropped; released, the compile
 * goes in and the thread ends on its own. */
TEST(queue_stop_leaves_a_compile_running)
{
	fresh_queue();
	thread_holds_job0();
	queue_lock_policy();
	queue_submit(&new_job(1, 1)->q);
	queue_unlock_policy();

	CHECK(queue_stop(false));
	struct queue_stats s;
	queue_get_stats(&s);
	CHECK(s.left_running);
	CHECK_EQ(s.dropped, 1);
	CHECK(!Q.joined);
	CHECK_EQ(installed, 0);

	pthread_mutex_lock(&lock);
	released = 1;
	pthread_cond_broadcast(&changed);
	while (installed < 1)
		pthread_cond_wait(&changed, &lock);
	pthread_mutex_unlock(&lock);
	pthread_join(Q.thread, NULL); /* it ends: the queue is stopping */
	CHECK_EQ(norder, 1);
	CHECK_EQ(order[0], 0);
	CHECK(!Q.busy);
	fresh_queue();
}
