/* helpers: what the Criterion suites share: running the loadlens binary with captured
 * stdout/stderr and exit code, scratch directories, file helpers. Test code only. */
#ifndef LOADLENS_TEST_HELPERS_H
#define LOADLENS_TEST_HELPERS_H

#include <stddef.h>

/* Result of one run of the binary. Strings are malloc'd; free with ll_test_run_release(). */
struct ll_test_run {
	int exit_code;    /* -1 when killed by a signal */
	int signal;       /* the signal, or 0 */
	char *out;        /* stdout */
	size_t out_len;
	char *err;        /* stderr */
};

/* Runs LOADLENS_BIN with argv (NULL-terminated, without argv[0]) in directory cwd (NULL:
 * the current one), stdin from stdin_path (NULL: /dev/null), and extra environment
 * "NAME=value" strings (NULL-terminated list or NULL). Aborts the test on spawn failure. */
struct ll_test_run ll_test_run_loadlens(const char *cwd, const char *stdin_path,
                                        const char *const *env, const char *const *argv);
/* The same, run as user uid (>= 0, needs root; -1 = as is): for "unreadable file" tests,
 * since root reads any file whatever its mode. */
struct ll_test_run ll_test_run_loadlens_as(int uid, const char *cwd, const char *stdin_path,
                                           const char *const *env, const char *const *argv);
void ll_test_run_release(struct ll_test_run *r);

/* A fresh scratch directory under the build tree; malloc'd path. */
char *ll_test_tmpdir(const char *name);
/* path joined: malloc'd "a/b". */
char *ll_test_path(const char *dir, const char *file);
/* LL_SOURCE_DIR "/" rel, malloc'd. */
char *ll_test_src(const char *rel);
/* Writes len bytes to path (aborts the test on failure). */
void ll_test_write_file(const char *path, const void *data, size_t len);
/* Reads a whole file; malloc'd, NUL-terminated; *len may be NULL. NULL if unreadable. */
char *ll_test_read_file(const char *path, size_t *len);
/* Row counts of every table of the database at db ("runs=..;op_stats=..;..."), via the
 * store module; malloc'd. A missing database gives "absent". */
char *ll_test_db_fingerprint(const char *db);

#endif
