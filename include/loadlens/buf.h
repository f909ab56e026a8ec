/* buf: a growable byte string, always NUL-terminated. Leaf module: no I/O.
 *
 * Invariants: data is NULL while nothing was appended (ll_buf_str() still returns "");
 * otherwise data[len] == '\0' and len < cap. A failed append (out of memory) sets the
 * sticky `failed` flag and every later append is refused, so a caller may append many
 * times and check once.
 *
 * Ownership: ll_buf_release() frees data and leaves an empty, reusable buffer;
 * ll_buf_detach() hands the malloc'd string to the caller (free() it) and empties the
 * buffer. */
#ifndef LOADLENS_BUF_H
#define LOADLENS_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include "loadlens/error.h"

struct ll_buf {
	char *data;
	size_t len;
	size_t cap;
	bool failed; /* sticky: an allocation failed */
};

#define LL_BUF_INIT { NULL, 0, 0, false }

void ll_buf_init(struct ll_buf *b);
void ll_buf_release(struct ll_buf *b);
char *ll_buf_detach(struct ll_buf *b); /* never NULL unless allocation failed */
const char *ll_buf_str(const struct ll_buf *b);
void ll_buf_reset(struct ll_buf *b); /* len = 0, keeps the allocation */

/* Each returns false when the buffer has failed (now or earlier). */
bool ll_buf_append(struct ll_buf *b, const void *data, size_t len);
bool ll_buf_puts(struct ll_buf *b, const char *s);
bool ll_buf_putc(struct ll_buf *b, char c);
bool ll_buf_printf(struct ll_buf *b, const char *fmt, ...) LL_PRINTF(2, 3);

/* Appends s with control bytes and every byte >= 0x7f written as \xNN (or \n, \t,
 * \\), then cut to at most max_bytes of input with "..." appended: quoted input in a
 * message is plain ASCII whatever the input was. */
bool ll_buf_put_escaped(struct ll_buf *b, const char *s, size_t len, size_t max_bytes);

#endif
