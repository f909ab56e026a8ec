/* error: the one error type of loadlens, and the status codes every fallible call returns.
 * Leaf module: no I/O, no dependencies but libc.
 *
 * Convention: every fallible function returns enum ll_status (LL_OK == 0) and takes a
 * struct ll_error *err as its last argument. On failure it fills *err once; an error that
 * is already set is kept (the root cause wins), so outer layers may call ll_error_set()
 * freely and add context with ll_error_prefix().
 *
 * Ownership: the strings inside struct ll_error are malloc'd and owned by it;
 * ll_error_release() frees them and leaves the value empty and reusable. A value that was
 * never set releases as a no-op. */
#ifndef LOADLENS_ERROR_H
#define LOADLENS_ERROR_H

#include <stdarg.h>
#include <stddef.h>

/* Append-only: never renumber. main.c maps each status to an exit code (DESIGN §5.4). */
enum ll_status {
	LL_OK = 0,          /* exit 0 */
	LL_FINDING,         /* exit 1: invalid run, regression */
	LL_USAGE,           /* exit 2: bad command line */
	LL_INPUT,           /* exit 3: an input file is malformed */
	LL_IO,              /* exit 3: a file could not be read or written */
	LL_DB,              /* exit 3: the database failed or holds something unexpected */
	LL_NOMEM,           /* exit 3: out of memory, or a size cap was hit */
	LL_NOT_MEANINGFUL,  /* exit 4: a compared run failed check */
	LL_STATUS_COUNT
};

struct ll_error {
	enum ll_status code; /* LL_OK while unset */
	char *path;          /* input file, "-" for stdin, NULL when not about a file */
	long line;           /* 1-based line, 0 when not line-oriented */
	char *where;         /* JSON path or field name, NULL when none */
	char *msg;           /* one line, no newline */
};

#define LL_ERROR_INIT { LL_OK, NULL, 0, NULL, NULL }

#if defined(__GNUC__)
#define LL_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LL_PRINTF(a, b)
#endif

/* Records an error unless one is already set. Returns code, so a failure path is
 * `return ll_error_set(err, LL_INPUT, path, line, "where", "expected %s", x);`.
 * path and where may be NULL. Control bytes in the result are kept; printers escape. */
enum ll_status ll_error_set(struct ll_error *err, enum ll_status code, const char *path,
                            long line, const char *where, const char *fmt, ...) LL_PRINTF(6, 7);

/* Prepends "<context>: " to the message of a set error; no-op when unset. */
void ll_error_prefix(struct ll_error *err, const char *fmt, ...) LL_PRINTF(2, 3);

/* Writes "path:line: where: msg" (parts omitted when absent) into buf, always
 * NUL-terminated, truncated to size. Returns buf. */
char *ll_error_format(const struct ll_error *err, char *buf, size_t size);

void ll_error_release(struct ll_error *err);

/* Short lower-case name of a status ("input error"). Never NULL. */
const char *ll_status_name(enum ll_status code);

/* The process exit code for a status (DESIGN §5.4). */
int ll_status_exit_code(enum ll_status code);

#endif
