/* out: the one output sink of the renderers, with a FILE backend and a memory backend
 * (so tests render into memory), and one escaping helper per output context.
 * Renderer layer: formats only, computes nothing.
 *
 * Errors are sticky: the first failed write is remembered in `status` and later writes
 * do nothing; ll_out_finish() reports it once. Every value that came from input goes
 * through one of the ll_out_*_text helpers; never pass input as a format string.
 *
 * Ownership: a FILE sink borrows the FILE (the caller closes it); a memory sink owns its
 * buffer, taken with ll_out_take_memory() or freed by ll_out_release(). */
#ifndef LOADLENS_OUT_H
#define LOADLENS_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "loadlens/buf.h"
#include "loadlens/error.h"

struct ll_out {
	FILE *fp;           /* NULL for the memory backend */
	struct ll_buf mem;  /* memory backend */
	bool utf8;          /* the terminal/locale can show UTF-8 (sparklines, rules) */
	bool color;         /* ANSI colour allowed (TTY and no NO_COLOR) */
	enum ll_status status;
};

void ll_out_init_file(struct ll_out *o, FILE *fp);
void ll_out_init_memory(struct ll_out *o);
void ll_out_release(struct ll_out *o);
/* Memory backend: hands over the NUL-terminated text (free() it); the sink is empty after. */
char *ll_out_take_memory(struct ll_out *o);
/* Flushes; returns the sticky status, filling err once on failure. */
enum ll_status ll_out_finish(struct ll_out *o, struct ll_error *err);

void ll_out_write(struct ll_out *o, const char *s, size_t len);
void ll_out_puts(struct ll_out *o, const char *s); /* trusted text, as is */
void ll_out_printf(struct ll_out *o, const char *fmt, ...) LL_PRINTF(2, 3);

/* Untrusted text for a terminal or plain text file: control bytes (ESC included) and DEL
 * become \xNN, so log content can neither move the cursor nor change colours. */
void ll_out_term_text(struct ll_out *o, const char *s);
/* A Markdown table cell: as term text, plus `|` -> `\|`, newlines -> space, and
 * backticks, `<`, `>` and `&` made inert. */
void ll_out_md_cell(struct ll_out *o, const char *s);
/* XML/HTML text and attribute values: & < > " ' as entities; control bytes other than
 * tab and newline (not allowed in XML 1.0) as the visible text `\xNN`; invalid UTF-8 as
 * U+FFFD, so the document stays well-formed whatever the log held. */
void ll_out_xml_text(struct ll_out *o, const char *s);
#define ll_out_xml_attr ll_out_xml_text
#define ll_out_html_text ll_out_xml_text

/* Text as is, except that every byte that is not part of valid UTF-8 becomes U+FFFD
 * (JSON and XML must be valid UTF-8). */
void ll_out_utf8(struct ll_out *o, const char *s);

/* A number for people: finite values with the given decimals, otherwise "n/a". */
void ll_out_num(struct ll_out *o, double v, int decimals);

#endif
