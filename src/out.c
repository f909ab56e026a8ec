/* out: see include/loadlens/out.h. */
#include "loadlens/out.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

void ll_out_init_file(struct ll_out *o, FILE *fp)
{
	*o = (struct ll_out){ .fp = fp, .mem = LL_BUF_INIT, .status = LL_OK };
}

void ll_out_init_memory(struct ll_out *o)
{
	*o = (struct ll_out){ .fp = NULL, .mem = LL_BUF_INIT, .status = LL_OK };
}

void ll_out_release(struct ll_out *o)
{
	ll_buf_release(&o->mem);
}

char *ll_out_take_memory(struct ll_out *o)
{
	return ll_buf_detach(&o->mem);
}

enum ll_status ll_out_finish(struct ll_out *o, struct ll_error *err)
{
	if (o->status == LL_OK && o->fp && fflush(o->fp) != 0)
		o->status = LL_IO;
	if (o->status == LL_OK && !o->fp && o->mem.failed)
		o->status = LL_NOMEM;
	if (o->status != LL_OK)
		return ll_error_set(err, o->status, NULL, 0, NULL, "could not write the output");
	return LL_OK;
}

void ll_out_write(struct ll_out *o, const char *s, size_t len)
{
	if (o->status != LL_OK || len == 0)
		return;
	if (o->fp) {
		if (fwrite(s, 1, len, o->fp) != len)
			o->status = LL_IO;
	} else if (!ll_buf_append(&o->mem, s, len)) {
		o->status = LL_NOMEM;
	}
}

void ll_out_puts(struct ll_out *o, const char *s)
{
	ll_out_write(o, s, strlen(s));
}

void ll_out_printf(struct ll_out *o, const char *fmt, ...)
{
	if (o->status != LL_OK)
		return;
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	char small[256];
	int n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		o->status = LL_IO;
	} else if ((size_t)n < sizeof small) {
		ll_out_write(o, small, (size_t)n);
	} else {
		char *big = malloc((size_t)n + 1);
		if (!big) {
			o->status = LL_NOMEM;
		} else {
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			ll_out_write(o, big, (size_t)n);
			free(big);
		}
	}
	va_end(ap);
}

/* Writes s, replacing each byte for which repl() returns a string. Runs of plain bytes
 * are written in one call. */
static void write_mapped(struct ll_out *o, const char *s, const char *(*repl)(unsigned char, char *))
{
	if (!s)
		return;
	const char *run = s;
	char tmp[8];
	for (const char *p = s; *p; p++) {
		const char *r = repl((unsigned char)*p, tmp);
		if (r) {
			ll_out_write(o, run, (size_t)(p - run));
			ll_out_puts(o, r);
			run = p + 1;
		}
	}
	ll_out_write(o, run, strlen(run));
}

static const char *term_repl(unsigned char c, char *tmp)
{
	if (c == '\t')
		return NULL;
	if (c < 0x20 || c == 0x7f) {
		snprintf(tmp, 8, "\\x%02x", c);
		return tmp;
	}
	return NULL;
}

void ll_out_term_text(struct ll_out *o, const char *s)
{
	write_mapped(o, s, term_repl);
}

static const char *md_repl(unsigned char c, char *tmp)
{
	switch (c) {
	case '|': return "\\|";
	case '\n': case '\r': return " ";
	case '`': return "\\`";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '&': return "&amp;";
	case '\\': return "\\\\";
	case '*': return "\\*";
	case '_': return "\\_";
	case '[': return "\\[";
	case ']': return "\\]";
	default: return term_repl(c, tmp);
	}
}

void ll_out_md_cell(struct ll_out *o, const char *s)
{
	write_mapped(o, s, md_repl);
}

static const char *xml_repl(unsigned char c, char *tmp)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '\t': case '\n': return NULL;
	default:
		if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, 8, "\\x%02x", c);
			return tmp;
		}
		return NULL;
	}
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes there are not one
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

void ll_out_utf8(struct ll_out *o, const char *s)
{
	const char *run = s;
	const char *p = s;
	while (*p) {
		size_t n = utf8_seq((const unsigned char *)p);
		if (n) {
			p += n;
			continue;
		}
		ll_out_write(o, run, (size_t)(p - run));
		ll_out_puts(o, "\xEF\xBF\xBD"); /* U+FFFD */
		run = ++p;
	}
	ll_out_write(o, run, (size_t)(p - run));
}

void ll_out_xml_text(struct ll_out *o, const char *s)
{
	/* XML must be well-formed UTF-8: escape into memory, then repair the encoding */
	struct ll_out tmp;
	ll_out_init_memory(&tmp);
	write_mapped(&tmp, s, xml_repl);
	char *t = ll_out_take_memory(&tmp);
	if (!t) {
		o->status = LL_NOMEM;
		return;
	}
	ll_out_utf8(o, t);
	free(t);
}

void ll_out_num(struct ll_out *o, double v, int decimals)
{
	if (!isfinite(v))
		ll_out_puts(o, "n/a");
	else
		ll_out_printf(o, "%.*f", decimals, v);
}
