/* log_reader: see include/loadlens/log_reader.h. */
#include "loadlens/log_reader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "loadlens/banned.h"

/* One read() asks for this much; the buffer keeps at least this much room free. */
#define CHUNK ((size_t)1 << 16)

enum backend { FROM_FD, FROM_FILE, FROM_MEM };

struct ll_log_reader {
	enum backend kind;
	int fd;
	FILE *fp;
	const char *mem;
	size_t mem_left;
	char *path;
	size_t max_line;

	char *buf;
	size_t cap;
	size_t start; /* first byte of the next line */
	size_t end;   /* end of the bytes read; buf[end] is always writable */
	size_t scan;  /* [start, scan) holds no '\n': a long line is searched once */
	bool eof;
	enum ll_status failed; /* sticky */

	uint64_t bytes;
	long line_no;

	ll_log_reader_tap_fn tap;
	void *tap_ctx;
};

static enum ll_status open_common(enum backend kind, const char *path, size_t max_line,
                                  struct ll_log_reader **out, struct ll_error *err)
{
	struct ll_log_reader *r = calloc(1, sizeof *r);
	if (!r)
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
	r->kind = kind;
	r->fd = -1;
	r->max_line = max_line ? max_line : LL_LOG_LINE_CAP_DEFAULT;
	const char *p = path ? path : "-";
	size_t n = strlen(p) + 1;
	r->path = malloc(n);
	r->cap = CHUNK + 1;
	r->buf = malloc(r->cap);
	if (!r->path || !r->buf) {
		ll_log_reader_free(r);
		return ll_error_set(err, LL_NOMEM, path, 0, NULL, "out of memory");
	}
	memcpy(r->path, p, n);
	*out = r;
	return LL_OK;
}

enum ll_status ll_log_reader_open_fd(int fd, const char *path, size_t max_line,
                                     struct ll_log_reader **out, struct ll_error *err)
{
	enum ll_status st = open_common(FROM_FD, path, max_line, out, err);
	if (st == LL_OK)
		(*out)->fd = fd;
	return st;
}

enum ll_status ll_log_reader_open_file(FILE *fp, const char *path, size_t max_line,
                                       struct ll_log_reader **out, struct ll_error *err)
{
	enum ll_status st = open_common(FROM_FILE, path, max_line, out, err);
	if (st == LL_OK)
		(*out)->fp = fp;
	return st;
}

enum ll_status ll_log_reader_open_mem(const char *data, size_t len, const char *path,
                                      size_t max_line, struct ll_log_reader **out,
                                      struct ll_error *err)
{
	enum ll_status st = open_common(FROM_MEM, path, max_line, out, err);
	if (st == LL_OK) {
		(*out)->mem = data;
		(*out)->mem_left = len;
	}
	return st;
}

void ll_log_reader_free(struct ll_log_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->path);
	free(r);
}

void ll_log_reader_set_tap(struct ll_log_reader *r, ll_log_reader_tap_fn tap, void *ctx)
{
	r->tap = tap;
	r->tap_ctx = ctx;
}

uint64_t ll_log_reader_bytes(const struct ll_log_reader *r)
{
	return r->bytes;
}

long ll_log_reader_line_no(const struct ll_log_reader *r)
{
	return r->line_no;
}

static enum ll_status fail(struct ll_log_reader *r, enum ll_status st)
{
	r->failed = st;
	return st;
}

/* Makes room for at least CHUNK more bytes after end (plus the NUL slot), compacting
 * before growing so the buffer stays near the longest line. */
static enum ll_status make_room(struct ll_log_reader *r, struct ll_error *err)
{
	if (r->cap - r->end - 1 >= CHUNK)
		return LL_OK;
	if (r->start > 0) {
		size_t keep = r->end - r->start;
		memmove(r->buf, r->buf + r->start, keep);
		r->scan -= r->start;
		r->end = keep;
		r->start = 0;
		if (r->cap - r->end - 1 >= CHUNK)
			return LL_OK;
	}
	size_t need = r->end + CHUNK + 1;
	size_t cap = r->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(r->buf, cap);
	if (!p)
		return fail(r, ll_error_set(err, LL_NOMEM, r->path, r->line_no + 1, NULL,
		                            "out of memory reading a %zu-byte line", r->end - r->start));
	r->buf = p;
	r->cap = cap;
	return LL_OK;
}

static enum ll_status fill(struct ll_log_reader *r, struct ll_error *err)
{
	enum ll_status st = make_room(r, err);
	if (st != LL_OK)
		return st;
	char *dst = r->buf + r->end;
	size_t room = r->cap - r->end - 1;
	size_t got = 0;
	switch (r->kind) {
	case FROM_MEM:
		got = r->mem_left < room ? r->mem_left : room;
		memcpy(dst, r->mem, got);
		r->mem += got;
		r->mem_left -= got;
		break;
	case FROM_FILE:
		got = fread(dst, 1, room, r->fp);
		if (got == 0 && ferror(r->fp))
			return fail(r, ll_error_set(err, LL_IO, r->path, 0, NULL, "read failed: %s",
			                            strerror(errno)));
		break;
	case FROM_FD: {
		/* EINTR is not retried: only a handler installed without SA_RESTART (the CLI's
		 * SIGINT/SIGTERM) makes read() fail so, and it means "stop now", even while
		 * blocked on a pipe that sends nothing more. */
		ssize_t n = read(r->fd, dst, room);
		if (n < 0)
			return fail(r, ll_error_set(err, LL_IO, r->path, 0, NULL, "read failed: %s",
			                            errno == EINTR ? "interrupted by a signal" : strerror(errno)));
		got = (size_t)n;
		break;
	}
	}
	if (got == 0)
		r->eof = true;
	else if (r->tap)
		r->tap(r->tap_ctx, dst, got);
	r->end += got;
	return LL_OK;
}

static enum ll_status too_long(struct ll_log_reader *r, struct ll_error *err)
{
	return fail(r, ll_error_set(err, LL_INPUT, r->path, r->line_no + 1, NULL,
	                            "line longer than the cap of %zu bytes", r->max_line));
}

/* Hands out buf[start, stop) (stop excludes the '\n'), minus a trailing '\r'. */
static void emit(struct ll_log_reader *r, size_t stop, size_t consumed, struct ll_log_line *line)
{
	size_t len = stop - r->start;
	char *p = r->buf + r->start;
	if (len > 0 && p[len - 1] == '\r')
		len--;
	p[len] = '\0';
	line->ptr = p;
	line->len = len;
	line->line_no = ++r->line_no;
	r->bytes += consumed;
	r->start += consumed;
	r->scan = r->start;
}

enum ll_status ll_log_reader_next(struct ll_log_reader *r, struct ll_log_line *line, bool *got,
                                  struct ll_error *err)
{
	if (r->failed != LL_OK)
		return r->failed;
	for (;;) {
		char *nl = memchr(r->buf + r->scan, '\n', r->end - r->scan);
		if (nl) {
			size_t stop = (size_t)(nl - r->buf);
			size_t len = stop - r->start;
			if (len > 0 && r->buf[stop - 1] == '\r')
				len--;
			if (len > r->max_line)
				return too_long(r, err);
			emit(r, stop, stop + 1 - r->start, line);
			*got = true;
			return LL_OK;
		}
		r->scan = r->end;
		/* +1: the pending bytes may end in the '\r' of a CRLF. */
		if (r->end - r->start > r->max_line + 1)
			return too_long(r, err);
		if (r->eof) {
			if (r->start == r->end) {
				*got = false;
				return LL_OK;
			}
			size_t len = r->end - r->start;
			if (len > 0 && r->buf[r->end - 1] == '\r')
				len--;
			if (len > r->max_line)
				return too_long(r, err);
			emit(r, r->end, r->end - r->start, line);
			*got = true;
			return LL_OK;
		}
		enum ll_status st = fill(r, err);
		if (st != LL_OK)
			return st;
	}
}

/* ---- cleaning ---------------------------------------------------------------------- */

#define ESC 0x1b

/* Length of the escape sequence at s[0] == ESC (at least 1, never past len). ECMA-48:
 * CSI = ESC '[' params(0x30-0x3f)* intermediates(0x20-0x2f)* final(0x40-0x7e); string
 * sequences (OSC, DCS, APC, PM, SOS) end at BEL or ESC '\'; the rest is ESC
 * intermediates* final(0x30-0x7e). A sequence cut off by the end of the line is dropped
 * whole: it carries no text. */
static size_t escape_len(const unsigned char *s, size_t len)
{
	if (len < 2)
		return len;
	unsigned char c = s[1];
	size_t i = 2;
	if (c == '[') {
		while (i < len && s[i] >= 0x30 && s[i] <= 0x3f)
			i++;
		while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
			i++;
		if (i < len && s[i] >= 0x40 && s[i] <= 0x7e)
			i++;
		return i;
	}
	if (c == ']' || c == 'P' || c == '_' || c == '^' || c == 'X') {
		while (i < len) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == ESC && i + 1 < len && s[i + 1] == '\\')
				return i + 2;
			i++;
		}
		return len;
	}
	i = 1;
	while (i < len && s[i] >= 0x20 && s[i] <= 0x2f)
		i++;
	if (i < len && s[i] >= 0x30 && s[i] <= 0x7e)
		i++;
	return i;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" (a tracing fmt record) or '{' (a tracing JSON record). */
static bool looks_like_record(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len >= 1 && u[0] == '{')
		return true;
	return len >= 10 && is_digit(u[0]) && is_digit(u[1]) && is_digit(u[2]) && is_digit(u[3]) &&
	       u[4] == '-' && is_digit(u[5]) && is_digit(u[6]) && u[7] == '-' && is_digit(u[8]) &&
	       is_digit(u[9]);
}

size_t ll_log_line_clean(char *s, size_t len)
{
	unsigned char *u = (unsigned char *)s;
	size_t w = 0;
	/* Text between escapes moves in runs found with memchr: a coloured line has a dozen
	 * escapes in ~200 bytes, and a byte-at-a-time copy was the reader's main cost. */
	for (size_t i = 0; i < len;) {
		const unsigned char *esc = memchr(u + i, ESC, len - i);
		size_t stop = esc ? (size_t)(esc - u) : len;
		if (w != i)
			memmove(u + w, u + i, stop - i);
		w += stop - i;
		i = stop;
		if (esc)
			i += escape_len(u + i, len - i);
	}
	if (memchr(u, '\r', w)) {
		size_t best_start = 0, best_len = 0;
		bool best_is_record = false, have = false;
		size_t seg = 0;
		for (size_t i = 0; i <= w; i++) {
			if (i < w && u[i] != '\r')
				continue;
			size_t n = i - seg;
			bool rec = looks_like_record(s + seg, n);
			/* A later segment wins unless it would replace a record with a redraw. */
			if (n > 0 && (!have || rec || !best_is_record)) {
				best_start = seg;
				best_len = n;
				best_is_record = rec;
				have = true;
			}
			seg = i + 1;
		}
		if (best_start > 0)
			memmove(s, s + best_start, best_len);
		w = best_len;
	}
	if (w < len)
		s[w] = '\0';
	return w;
}
