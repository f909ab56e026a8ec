/* log_reader: a streaming line reader for log files of any line length (DESIGN §2.2, §2.3),
 * and the cleaning of one physical line (ANSI escapes, carriage-return progress redraws).
 * I/O layer: reads bytes, knows nothing of log formats. It does not fold continuation lines
 * or parse events; the caller does that with tracing_line.
 *
 * A line is (ptr, len), not a C string: NUL bytes and invalid UTF-8 are kept as they are.
 * The terminator ("\n" or "\r\n") is not part of the line; a last line without a newline is
 * a line; an empty file has no lines. Memory is constant: the buffer grows only to the
 * longest line seen (plus one read chunk), never beyond the caller's cap.
 *
 * Ownership: a reader is a heap object from ll_log_reader_open_*(), freed with
 * ll_log_reader_free() (NULL is a no-op). It does not own the fd or FILE * it reads (the
 * caller closes them) and copies the memory backend's bytes as it goes, so the caller's
 * memory must only live as long as the reader. path is copied; it is only used in errors.
 * Errors: LL_IO naming the path and strerror for a failed read (a read interrupted by a
 * signal handler is such an error, not retried); LL_INPUT naming path:line
 * for a line longer than the cap; LL_NOMEM when memory runs out. After an error every later
 * call returns the same status (the error is reported once). */
#ifndef LOADLENS_LOG_READER_H
#define LOADLENS_LOG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "loadlens/error.h"

/* 64 MiB: far above any real line (a metrics snapshot is ~100 KB, a Recall URL ~10 KB),
 * low enough that a file without newlines cannot exhaust memory. */
#define LL_LOG_LINE_CAP_DEFAULT ((size_t)64 << 20)

struct ll_log_reader;

struct ll_log_line {
	char *ptr;    /* the line's bytes, writable (ll_log_line_clean() works in place),
	                 followed by a NUL that is not counted. Valid until the next call to
	                 ll_log_reader_next() or ll_log_reader_free(). */
	size_t len;
	long line_no; /* 1-based physical line number */
};

/* max_line: the longest accepted line in bytes, terminator excluded; 0 means
 * LL_LOG_LINE_CAP_DEFAULT. */
enum ll_status ll_log_reader_open_fd(int fd, const char *path, size_t max_line,
                                     struct ll_log_reader **out, struct ll_error *err);
enum ll_status ll_log_reader_open_file(FILE *fp, const char *path, size_t max_line,
                                       struct ll_log_reader **out, struct ll_error *err);
/* For tests and fuzzing: data[0..len) read as a file. */
enum ll_status ll_log_reader_open_mem(const char *data, size_t len, const char *path,
                                      size_t max_line, struct ll_log_reader **out,
                                      struct ll_error *err);
void ll_log_reader_free(struct ll_log_reader *r);

/* Called with every chunk of raw bytes as it is read from the source, in order and before
 * any line is handed out or cleaned, so a caller can hash the exact input (sha256) in the
 * same pass. data is borrowed for the call only. Set it before the first
 * ll_log_reader_next(); tap NULL removes it. */
typedef void (*ll_log_reader_tap_fn)(void *ctx, const char *data, size_t len);
void ll_log_reader_set_tap(struct ll_log_reader *r, ll_log_reader_tap_fn tap, void *ctx);

/* Reads the next line into *line. Returns LL_OK with *got = true for a line, LL_OK with
 * *got = false at end of input, or an error (then *line and *got are untouched). */
enum ll_status ll_log_reader_next(struct ll_log_reader *r, struct ll_log_line *line, bool *got,
                                  struct ll_error *err);

/* Bytes consumed from the source so far (for progress), including terminators. */
uint64_t ll_log_reader_bytes(const struct ll_log_reader *r);
/* The number of the last line returned (0 before the first). */
long ll_log_reader_line_no(const struct ll_log_reader *r);

/* Cleans one physical line in place and returns its new length (<= len):
 * 1. Removes ANSI escape sequences: CSI (ESC '[' parameters intermediates final byte),
 *    OSC and other string sequences (ESC ']' / 'P' / '_' / '^' ... BEL or ESC '\'), and the
 *    other two- or three-byte ESC sequences. Only the byte 0x1b starts one: the literal
 *    four characters `\x1b` that tracing-subscriber >= 0.3.20 writes for escaped control
 *    bytes are text and stay.
 * 2. Drops carriage-return redraws (indicatif progress bars): the line is cut at each '\r'
 *    into segments and only one is kept: the last segment that starts like a log record
 *    (a "YYYY-MM-DD" date or a '{'), else the last non-empty segment. So
 *    "[00:00:01] ==> 1/60s\r\x1b[2K2025-11-09T06:53:18Z  WARN ..." keeps the log record, and
 *    "2025-... INFO x\r[00:00:02] ==>" (a redraw drawn after the record) keeps it too.
 * A NUL is written at the new end when the line shrank. */
size_t ll_log_line_clean(char *s, size_t len);

#endif
