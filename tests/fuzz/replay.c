/* replay: runs a libFuzzer target's LLVMFuzzerTestOneInput over corpus files without
 * libFuzzer, so the normal test suite (and its ASan + UBSan build) keeps every seed and
 * every past crasher fixed. Linked with one tests/fuzz/fuzz_<target>.c per executable
 * (tests/CMakeLists.txt registers replay_<target> with ctest).
 *
 * Usage: replay_<target> PATH...   (a directory means its regular files, in name order;
 * names starting with '.' are skipped)
 *
 * Each input runs in a child process of its own, so an abort, a sanitizer report or a
 * leak (LeakSanitizer checks at the child's exit) fails that input alone and the run goes
 * on. The input is copied into a buffer of exactly its size, so ASan sees an overread by
 * one byte. Prints a line for each failed input and, last, "N passed, M failed"; the exit
 * status is 0 only when nothing failed and at least one input ran. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "loadlens/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct tally {
	unsigned long passed;
	unsigned long failed;
};

/* Reads the whole file into a malloc'd buffer of exactly its size (at least 1 byte, so
 * an empty input is a valid pointer as libFuzzer passes it). NULL on failure. */
static uint8_t *slurp(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	uint8_t *data = NULL;
	size_t len = 0, cap = 0;
	for (;;) {
		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *p = realloc(data, ncap);
			if (!p)
				goto fail;
			data = p;
			cap = ncap;
		}
		size_t got = fread(data + len, 1, cap - len, fp);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	/* exact size: the tail of a larger buffer would hide an overread from ASan */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(data);
		return NULL;
	}
	if (len)
		memcpy(exact, data, len);
	free(data);
	*size = len;
	return exact;
fail:
	free(data);
	fclose(fp);
	return NULL;
}

static void run_one(const char *path, struct tally *t)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "replay: %s: fork failed\n", path);
		t->failed++;
		return;
	}
	if (pid == 0) {
		size_t size = 0;
		uint8_t *data = slurp(path, &size);
		if (!data) {
			fprintf(stderr, "replay: %s: cannot read\n", path);
			_exit(2);
		}
		(void)LLVMFuzzerTestOneInput(data, size);
		free(data);
		exit(0); /* exit, not _exit: atexit handlers and LeakSanitizer run */
	}
	int status = 0;
	if (waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "replay: %s: waitpid failed\n", path);
		t->failed++;
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		t->passed++;
	} else if (WIFSIGNALED(status)) {
		printf("FAILED %s: killed by signal %d\n", path, WTERMSIG(status));
		t->failed++;
	} else {
		printf("FAILED %s: exit status %d\n", path, WEXITSTATUS(status));
		t->failed++;
	}
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void run_dir(const char *dir, struct tally *t)
{
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAILED %s: cannot open directory\n", dir);
		t->failed++;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **p = realloc(names, ncap * sizeof *p);
			if (!p)
				break;
			names = p;
			cap = ncap;
		}
		size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
		if (!(names[n] = malloc(len)))
			break;
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode))
			run_one(names[i], t);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	struct tally t = { 0, 0 };
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		if (stat(argv[i], &sb) != 0) {
			printf("FAILED %s: no such file or directory\n", argv[i]);
			t.failed++;
		} else if (S_ISDIR(sb.st_mode)) {
			run_dir(argv[i], &t);
		} else {
			run_one(argv[i], &t);
		}
	}
	printf("%lu passed, %lu failed\n", t.passed, t.failed);
	return t.failed == 0 && t.passed > 0 ? 0 : 1;
}
