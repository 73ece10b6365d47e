/* Recursion: deep, mutual, and branching; the exit status is computed. */
#include <stdio.h>
#include <stdlib.h>

static unsigned long ackermann(unsigned long m, unsigned long n)
{
	if (m == 0)
		return n + 1;
	if (n == 0)
		return ackermann(m - 1, 1);
	return ackermann(m - 1, ackermann(m, n - 1));
}

static long fib(int n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static int is_odd(unsigned n);
static int is_even(unsigned n)
{
	return n == 0 ? 1 : is_odd(n - 1);
}
static int is_odd(unsigned n)
{
	return n == 0 ? 0 : is_even(n - 1);
}

/* Depth n, one frame each: sum of 1..n. */
static long deep(long n)
{
	return n == 0 ? 0 : n + deep(n - 1);
}

static long hanoi(int n, int from, int to, int via, long *checksum)
{
	if (n == 0)
		return 0;
	long moves = hanoi(n - 1, from, via, to, checksum);
	*checksum = (*checksum * 31 + from * 3 + to) % 1000003;
	return moves + 1 + hanoi(n - 1, via, to, from, checksum);
}

/* Permutations of "abcd" in order, by recursion on a prefix. */
static void permute(char *s, int k, int n, int *count)
{
	if (k == n) {
		if (++*count <= 6)
			printf("perm %s\n", s);
		return;
	}
	for (int i = k; i < n; i++) {
		char t = s[k];
		s[k] = s[i];
		s[i] = t;
		permute(s, k + 1, n, count);
		t = s[k];
		s[k] = s[i];
		s[i] = t;
	}
}

int main(void)
{
	long sum = 0;
	int count = 0;
	char word[] = "abcd";

	printf("ackermann(2,3)=%lu ackermann(3,3)=%lu\n", ackermann(2, 3), ackermann(3, 3));
	printf("fib(24)=%ld\n", fib(24));
	printf("even(10001)=%d odd(7777)=%d\n", is_even(10001), is_odd(7777));
	printf("deep(50000)=%ld\n", deep(50000));
	printf("hanoi(16)=%ld", hanoi(16, 1, 3, 2, &sum));
	printf(" checksum %ld\n", sum);
	permute(word, 0, 4, &count);
	printf("permutations %d\n", count);
	return (int)(fib(24) % 100); /* 46368 % 100 = 68 */
}
