/* file: see include/loadlens/file.h. */
#include "loadlens/file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

enum ll_status ll_file_read_all(const char *path, size_t cap, char **data, size_t *len,
                                struct ll_error *err)
{
	int is_stdin = strcmp(path, "-") == 0;
	int fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ll_error_set(err, LL_IO, path, 0, NULL, "cannot open: %s", strerror(errno));
	enum ll_status st = ll_file_read_fd(fd, path, cap, data, len, err);
	if (!is_stdin)
		close(fd);
	return st;
}

enum ll_status ll_file_read_fd(int fd, const char *path, size_t cap, char **data, size_t *len,
                               struct ll_error *err)
{
	enum ll_status st = LL_OK;
	struct ll_buf b = LL_BUF_INIT;
	struct stat sb;
	if (fstat(fd, &sb) != 0) {
		st = ll_error_set(err, LL_IO, path, 0, NULL, "cannot stat: %s", strerror(errno));
		goto done;
	}
	if (S_ISDIR(sb.st_mode)) {
		st = ll_error_set(err, LL_IO, path, 0, NULL, "is a directory, expected a file");
		goto done;
	}
	/* Checked before reading: the input may be hostile or simply huge. */
	if (S_ISREG(sb.st_mode) && (unsigned long long)sb.st_size > cap) {
		st = ll_error_set(err, LL_NOMEM, path, 0, NULL,
		                  "file is %lld bytes, more than the limit of %zu",
		                  (long long)sb.st_size, cap);
		goto done;
	}
	char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			st = ll_error_set(err, LL_IO, path, 0, NULL, "read failed: %s", strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > cap) {
			st = ll_error_set(err, LL_NOMEM, path, 0, NULL,
			                  "input is larger than the limit of %zu bytes", cap);
			goto done;
		}
		if (!ll_buf_append(&b, chunk, (size_t)n)) {
			st = ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory reading the file");
			goto done;
		}
	}
	*len = b.len;
	*data = ll_buf_detach(&b);
	if (!*data)
		st = ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
done:
	ll_buf_release(&b);
	return st;
}

char *ll_file_stem(const char *path, const char *suffix)
{
	if (strcmp(path, "-") == 0)
		path = "stdin";
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	size_t sl = suffix ? strlen(suffix) : 0;
	if (sl && n > sl && strcmp(base + n - sl, suffix) == 0)
		n -= sl;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, base, n);
		s[n] = '\0';
	}
	return s;
}

int ll_file_exists(const char *path)
{
	if (strcmp(path, "-") == 0)
		return 1;
	struct stat sb;
	/* Only "no such file" means absent; a file we may not read still exists, and
	 * reading it will say why. */
	return stat(path, &sb) == 0 || (errno != ENOENT && errno != ENOTDIR);
}

enum ll_status ll_file_atomic_open(const char *path, struct ll_atomic_file *f, struct ll_error *err)
{
	memset(f, 0, sizeof *f);
	size_t n = strlen(path);
	f->path = strdup(path);
	f->tmp = malloc(n + sizeof ".XXXXXX");
	if (!f->path || !f->tmp) {
		ll_file_atomic_abort(f);
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
	}
	memcpy(f->tmp, path, n);
	memcpy(f->tmp + n, ".XXXXXX", sizeof ".XXXXXX");
	int fd = mkstemp(f->tmp);
	if (fd < 0) {
		enum ll_status st = ll_error_set(err, LL_IO, path, 0, NULL, "cannot create a file next to it: %s",
		                                 strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		ll_file_atomic_abort(f);
		return st;
	}
	/* mkstemp makes the file 0600; an output file is for sharing like any other. */
	(void)fchmod(fd, 0644);
	if (!(f->fp = fdopen(fd, "w"))) {
		enum ll_status st = ll_error_set(err, LL_IO, path, 0, NULL, "%s", strerror(errno));
		close(fd);
		ll_file_atomic_abort(f);
		return st;
	}
	return LL_OK;
}

enum ll_status ll_file_atomic_commit(struct ll_atomic_file *f, struct ll_error *err)
{
	enum ll_status st = LL_OK;
	int fd = fileno(f->fp);
	if (fflush(f->fp) != 0 || fsync(fd) != 0)
		st = ll_error_set(err, LL_IO, f->path, 0, NULL, "cannot write: %s", strerror(errno));
	int rc = fclose(f->fp);
	f->fp = NULL;
	if (st == LL_OK && rc != 0)
		st = ll_error_set(err, LL_IO, f->path, 0, NULL, "cannot write: %s", strerror(errno));
	if (st == LL_OK && rename(f->tmp, f->path) != 0)
		st = ll_error_set(err, LL_IO, f->path, 0, NULL, "cannot replace: %s", strerror(errno));
	if (st == LL_OK) {
		free(f->tmp);
		f->tmp = NULL;
	}
	ll_file_atomic_abort(f);
	return st;
}

void ll_file_atomic_abort(struct ll_atomic_file *f)
{
	if (!f)
		return;
	if (f->fp)
		fclose(f->fp);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	free(f->path);
	memset(f, 0, sizeof *f);
}
