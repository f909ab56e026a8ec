/* template: a log message -> its template, the variable parts masked, so messages that
 * differ only in values group together ("Embedding must be exactly 768 dimensions, got 1"
 * and "... got 384" both become "Embedding must be exactly <num> dimensions, got <num>").
 * Parser layer: pure, no I/O, no state. Level and target are not part of a template: the
 * caller keeps them beside it.
 *
 * Masks, each only at a word boundary (the bytes before and after are not [A-Za-z0-9_],
 * so "v2", "ipv4" and "HTTP/1.1"'s "HTTP" stay):
 *   <str>   a double-quoted string with backslash escapes, or a single-quoted one
 *           ('abc', not the apostrophe of "don't"); `backticked` names stay
 *   <uuid>  8-4-4-4-12 hex digits
 *   <id>    mem_ followed by [A-Za-z0-9_-]+ (Engram memory ids)
 *   <hex>   0x[0-9a-fA-F]+; or a run of hex digits holding both a digit and a letter a-f,
 *           of at least 4 bytes when it starts with a digit, else at least 8
 *   <dur>   a number with a duration unit (ns us µs ms s m h), also chained ("1m30s")
 *   <num>   an integer or decimal number ("1", "0.41", "-" is not part of it)
 * Every other byte is copied as is (invalid UTF-8 and NUL included).
 *
 * Ownership: the template is appended to the caller's buffer.
 * Errors: LL_NOMEM when the buffer cannot grow. */
#ifndef LOADLENS_TEMPLATE_H
#define LOADLENS_TEMPLATE_H

#include <stddef.h>

#include "loadlens/buf.h"
#include "loadlens/error.h"

enum ll_status ll_template_make(const char *msg, size_t len, struct ll_buf *out,
                                struct ll_error *err);

#endif
