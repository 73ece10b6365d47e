/* Reading a file named on the command line (given to the guest with
 * --file): line, word and byte counts, seeking, reading it back in blocks,
 * and the errors for files that are not there. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: files FILE\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "r");
	if (!f) {
		printf("cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	char line[256];
	int lines = 0, words = 0;
	long bytes = 0;
	unsigned long hash = 5381;
	while (fgets(line, sizeof line, f)) {
		lines++;
		bytes += (long)strlen(line);
		int in_word = 0;
		for (char *p = line; *p; p++) {
			hash = hash * 33 + (unsigned char)*p;
			int space = *p == ' ' || *p == '\n' || *p == '\t';
			if (!space && !in_word)
				words++;
			in_word = !space;
		}
		if (lines <= 2)
			printf("line %d: %s", lines, line);
	}
	printf("%d lines, %d words, %ld bytes, hash %lu\n", lines, words, bytes, hash);

	struct stat st;
	if (stat(argv[1], &st) == 0)
		printf("stat size %lld, regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
	fseek(f, -10, SEEK_END);
	printf("tail at %ld: ", ftell(f));
	size_t n = fread(line, 1, 10, f);
	line[n] = 0;
	for (size_t i = 0; i < n; i++)
		printf("%02x", (unsigned char)line[i]);
	printf("\n");
	rewind(f);
	char block[100];
	size_t total = 0, blocks = 0;
	while ((n = fread(block, 1, sizeof block, f)) > 0) {
		total += n;
		blocks++;
	}
	printf("read back %zu bytes in %zu blocks, eof %d\n", total, blocks, feof(f) != 0);
	fclose(f);

	f = fopen("/no/such/file.txt", "r");
	printf("missing file: %s\n", f ? "opened?" : errno == ENOENT ? "ENOENT" : "other error");
	return lines % 100;
}
