/* buf: see include/loadlens/buf.h. */
#include "loadlens/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

void ll_buf_init(struct ll_buf *b)
{
	*b = (struct ll_buf)LL_BUF_INIT;
}

void ll_buf_release(struct ll_buf *b)
{
	free(b->data);
	ll_buf_init(b);
}

char *ll_buf_detach(struct ll_buf *b)
{
	char *s = b->data;
	if (!s && !b->failed) {
		s = malloc(1);
		if (s)
			s[0] = '\0';
	}
	ll_buf_init(b);
	return s;
}

const char *ll_buf_str(const struct ll_buf *b)
{
	return b->data ? b->data : "";
}

void ll_buf_reset(struct ll_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static bool grow(struct ll_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (extra > SIZE_MAX - b->len - 1) {
		b->failed = true;
		return false;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

bool ll_buf_append(struct ll_buf *b, const void *data, size_t len)
{
	if (!grow(b, len))
		return false;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return true;
}

bool ll_buf_puts(struct ll_buf *b, const char *s)
{
	return ll_buf_append(b, s, strlen(s));
}

bool ll_buf_putc(struct ll_buf *b, char c)
{
	return ll_buf_append(b, &c, 1);
}

bool ll_buf_printf(struct ll_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	bool ok = n >= 0 && grow(b, (size_t)n);
	if (ok) {
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
		b->len += (size_t)n;
	}
	va_end(ap);
	return ok;
}

bool ll_buf_put_escaped(struct ll_buf *b, const char *s, size_t len, size_t max_bytes)
{
	size_t n = len < max_bytes ? len : max_bytes;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			ll_buf_puts(b, "\\n");
		else if (c == '\t')
			ll_buf_puts(b, "\\t");
		else if (c == '\\')
			ll_buf_puts(b, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			ll_buf_printf(b, "\\x%02x", c);
		else
			ll_buf_putc(b, (char)c);
	}
	if (len > max_bytes)
		ll_buf_puts(b, "...");
	return !b->failed;
}
