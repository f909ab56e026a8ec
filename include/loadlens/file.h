/* file: whole-file reads with a size cap and errors that name the file. I/O layer.
 *
 * Ownership: on success *data is malloc'd, NUL-terminated (the NUL is not counted in
 * *len) and belongs to the caller, who free()s it. On failure *data is untouched.
 * Errors: LL_IO naming the path and strerror (missing, unreadable, a directory),
 * LL_NOMEM when the file is larger than the cap. "-" reads standard input. */
#ifndef LOADLENS_FILE_H
#define LOADLENS_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "loadlens/error.h"

enum ll_status ll_file_read_all(const char *path, size_t cap, char **data, size_t *len,
                                struct ll_error *err);

/* The same from an open descriptor, read from its current offset; path names it in errors.
 * Does not close fd. */
enum ll_status ll_file_read_fd(int fd, const char *path, size_t cap, char **data, size_t *len,
                               struct ll_error *err);

/* The base name of path without a trailing suffix (".json"); malloc'd, caller frees.
 * "-" gives "stdin". NULL when out of memory. */
char *ll_file_stem(const char *path, const char *suffix);

/* True when path names something that exists (file, directory, one we may not read) or
 * is "-". Does not open it. */
int ll_file_exists(const char *path);

/* An output file written atomically: data goes to a temporary file next to path, which
 * ll_file_atomic_commit() flushes, syncs and renames over path; on any failure, or with
 * ll_file_atomic_abort(), the temporary file is removed and path is untouched. The FILE
 * belongs to the struct: write to it, never close it. Both functions leave *f empty;
 * abort is a no-op on an empty value. Errors: LL_IO naming path, LL_NOMEM. */
struct ll_atomic_file {
	FILE *fp;
	char *path, *tmp;
};
enum ll_status ll_file_atomic_open(const char *path, struct ll_atomic_file *f, struct ll_error *err);
enum ll_status ll_file_atomic_commit(struct ll_atomic_file *f, struct ll_error *err);
void ll_file_atomic_abort(struct ll_atomic_file *f);

#endif
