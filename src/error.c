/* error: see include/loadlens/error.h. */
#include "loadlens/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

static const struct {
	const char *name;
	int exit_code;
} status_info[] = {
	[LL_OK] = { "ok", 0 },
	[LL_FINDING] = { "finding", 1 },
	[LL_USAGE] = { "usage error", 2 },
	[LL_INPUT] = { "input error", 3 },
	[LL_IO] = { "I/O error", 3 },
	[LL_DB] = { "database error", 3 },
	[LL_NOMEM] = { "out of memory", 3 },
	[LL_NOT_MEANINGFUL] = { "not meaningful", 4 },
};
_Static_assert(sizeof status_info / sizeof status_info[0] == LL_STATUS_COUNT,
               "status_info must have one row per enum ll_status");

static char *dup_or_null(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* The format attribute lets clang check callers and accept the non-literal format here. */
LL_PRINTF(1, 0)
static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	/* A message is one line: fold any newline that came from input. */
	for (char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return s;
}

enum ll_status ll_error_set(struct ll_error *err, enum ll_status code, const char *path,
                            long line, const char *where, const char *fmt, ...)
{
	if (!err || err->code != LL_OK)
		return code;
	err->code = code;
	err->path = dup_or_null(path);
	err->line = line;
	err->where = dup_or_null(where);
	va_list ap;
	va_start(ap, fmt);
	err->msg = vformat(fmt, ap);
	va_end(ap);
	return code;
}

void ll_error_prefix(struct ll_error *err, const char *fmt, ...)
{
	if (!err || err->code == LL_OK)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *ctx = vformat(fmt, ap);
	va_end(ap);
	if (!ctx)
		return;
	const char *old = err->msg ? err->msg : "";
	size_t n = strlen(ctx) + 2 + strlen(old) + 1;
	char *joined = malloc(n);
	if (joined) {
		snprintf(joined, n, "%s: %s", ctx, old);
		free(err->msg);
		err->msg = joined;
	}
	free(ctx);
}

char *ll_error_format(const struct ll_error *err, char *buf, size_t size)
{
	if (size == 0)
		return buf;
	buf[0] = '\0';
	size_t used = 0;
#define APPEND(...)                                                                   \
	do {                                                                          \
		if (used < size) {                                                    \
			int n_ = snprintf(buf + used, size - used, __VA_ARGS__);      \
			if (n_ > 0)                                                   \
				used += (size_t)n_;                                   \
		}                                                                     \
	} while (0)
	if (err->path) {
		APPEND("%s:", err->path);
		if (err->line > 0)
			APPEND("%ld:", err->line);
		APPEND(" ");
	}
	if (err->where)
		APPEND("%s: ", err->where);
	APPEND("%s", err->msg ? err->msg : ll_status_name(err->code));
#undef APPEND
	return buf;
}

void ll_error_release(struct ll_error *err)
{
	if (!err)
		return;
	free(err->path);
	free(err->where);
	free(err->msg);
	*err = (struct ll_error)LL_ERROR_INIT;
}

const char *ll_status_name(enum ll_status code)
{
	if ((int)code < 0 || code >= LL_STATUS_COUNT)
		return "unknown status";
	return status_info[code].name;
}

int ll_status_exit_code(enum ll_status code)
{
	if ((int)code < 0 || code >= LL_STATUS_COUNT)
		return 3;
	return status_info[code].exit_code;
}
