/* Character I/O across the program's first thread. Alone, the program's
 * getc, putc and the like go without the stream locks under the JIT
 * (runtime/stdio.c), as glibc's do in a process of one thread; once it
 * starts a thread they must lock again: four threads then each putc one
 * letter 500,000 times into one stream, and reading it back with getc
 * must count exactly that many of each (unlocked, the threads' updates of
 * the stream's buffer pointer would lose and repeat characters). */
#include <pthread.h>
#include <stdio.h>

#define THREADS 4
#define EACH 500000

static FILE *shared;
static pthread_barrier_t together;

static void *writer(void *arg)
{
	int c = 'a' + (int)(long)arg;
	pthread_barrier_wait(&together); /* all at once */
	for (int i = 0; i < EACH; i++)
		putc(c, shared);
	return NULL;
}

static long count_letters(FILE *f, long counts[THREADS])
{
	long other = 0;
	int c;
	rewind(f);
	while ((c = getc(f)) != EOF) {
		if (c >= 'a' && c < 'a' + THREADS)
			counts[c - 'a']++;
		else
			other++;
	}
	return ferror(f) ? -1 : other;
}

int main(void)
{
	shared = tmpfile();
	if (!shared)
		return 1;
	/* one thread: the streams unlocked */
	for (int i = 0; i < EACH; i++)
		fputc('a' + i % THREADS, shared);
	long counts[THREADS] = {0};
	long other = count_letters(shared, counts);
	printf("alone: %ld %ld %ld %ld, other %ld, eof %d\n", counts[0], counts[1], counts[2],
	       counts[3], other, feof(shared) != 0);
	for (int i = 0; i < 5; i++)
		putchar("one.\n"[i]);

	rewind(shared);
	pthread_t t[THREADS];
	if (pthread_barrier_init(&together, NULL, THREADS))
		return 1;
	for (long k = 0; k < THREADS; k++)
		if (pthread_create(&t[k], NULL, writer, (void *)k))
			return 1;
	for (int k = 0; k < THREADS; k++)
		pthread_join(t[k], NULL);
	for (int k = 0; k < THREADS; k++)
		counts[k] = 0;
	other = count_letters(shared, counts);
	printf("threads: %ld %ld %ld %ld, other %ld\n", counts[0], counts[1], counts[2], counts[3],
	       other);
	fclose(shared);
	for (int k = 0; k < THREADS; k++)
		if (counts[k] != EACH)
			return 2;
	return other ? 3 : 0;
}
