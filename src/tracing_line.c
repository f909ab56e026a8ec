/* tracing_line: see include/loadlens/tracing_line.h. */
#include "loadlens/tracing_line.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <cjson/cJSON.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loadlens/buf.h"
#include "loadlens/banned.h"

/* The fmt header's timestamp as tracing-subscriber writes it (chrono/time RFC 3339). The
 * lookahead keeps "2025-11-09T06:53:18Zjunk" out. Ranges are checked after the match. */
static const char ts_pattern[] =
	"\\A\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:[Zz]|[+-]\\d{2}:\\d{2})(?= |\\z)";

struct ll_tracing_parser {
	pcre2_code *ts_re;
	pcre2_match_data *md;
	char **greedy; /* NULL-terminated */
};

static const char *const level_names[LL_LEVEL_COUNT] = {
	[LL_LEVEL_NONE] = NULL,     [LL_LEVEL_TRACE] = "TRACE", [LL_LEVEL_DEBUG] = "DEBUG",
	[LL_LEVEL_INFO] = "INFO",   [LL_LEVEL_WARN] = "WARN",   [LL_LEVEL_ERROR] = "ERROR",
};

const char *ll_level_name(enum ll_level level)
{
	if ((int)level < 0 || level >= LL_LEVEL_COUNT)
		return NULL;
	return level_names[level];
}

static enum ll_level level_from(const char *s, size_t n)
{
	for (int i = LL_LEVEL_TRACE; i < LL_LEVEL_COUNT; i++)
		if (strlen(level_names[i]) == n && memcmp(level_names[i], s, n) == 0)
			return (enum ll_level)i;
	return LL_LEVEL_NONE;
}

/* ---- memory helpers ------------------------------------------------------------------ */

static char *dupn(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		if (n)
			memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void fields_free(struct ll_log_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].key);
		free(f[i].value);
	}
	free(f);
}

void ll_log_event_init(struct ll_log_event *ev)
{
	*ev = (struct ll_log_event)LL_LOG_EVENT_INIT;
}

void ll_log_event_release(struct ll_log_event *ev)
{
	if (!ev)
		return;
	free(ev->target);
	free(ev->spans);
	for (size_t i = 0; i < ev->n_spans; i++) {
		free(ev->span_list[i].name);
		fields_free(ev->span_list[i].fields, ev->span_list[i].n_fields);
	}
	free(ev->span_list);
	free(ev->message);
	fields_free(ev->fields, ev->n_fields);
	free(ev->fields_json);
	free(ev->method);
	free(ev->path);
	free(ev->request_id);
	ll_log_event_init(ev);
}

const struct ll_log_field *ll_log_event_field(const struct ll_log_event *ev, const char *key)
{
	for (size_t i = 0; i < ev->n_fields; i++)
		if (strcmp(ev->fields[i].key, key) == 0)
			return &ev->fields[i];
	return NULL;
}

/* A growable field list; the parse owns it until it moves into the event. */
struct fieldvec {
	struct ll_log_field *v;
	size_t n, cap;
};

static bool fieldvec_push(struct fieldvec *fv, char *key, char *value, size_t value_len,
                          bool quoted)
{
	if (!key || !value)
		goto fail;
	if (fv->n == fv->cap) {
		size_t cap = fv->cap ? fv->cap * 2 : 8;
		struct ll_log_field *p = realloc(fv->v, cap * sizeof *p);
		if (!p)
			goto fail;
		fv->v = p;
		fv->cap = cap;
	}
	fv->v[fv->n++] = (struct ll_log_field){ key, value, value_len, quoted };
	return true;
fail:
	free(key);
	free(value);
	return false;
}

/* ---- parser object ------------------------------------------------------------------- */

void ll_tracing_parser_free(struct ll_tracing_parser *p)
{
	if (!p)
		return;
	pcre2_match_data_free(p->md);
	pcre2_code_free(p->ts_re);
	if (p->greedy)
		for (char **g = p->greedy; *g; g++)
			free(*g);
	free(p->greedy);
	free(p);
}

enum ll_status ll_tracing_parser_new(const char *const *greedy, struct ll_tracing_parser **out,
                                     struct ll_error *err)
{
	static const char *const default_greedy[] = LL_TRACING_GREEDY_DEFAULT;
	if (!greedy)
		greedy = default_greedy;
	struct ll_tracing_parser *p = calloc(1, sizeof *p);
	if (!p)
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	size_t n = 0;
	while (greedy[n])
		n++;
	p->greedy = calloc(n + 1, sizeof *p->greedy);
	if (!p->greedy)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (!(p->greedy[i] = dupn(greedy[i], strlen(greedy[i]))))
			goto nomem;
	int code;
	PCRE2_SIZE off;
	p->ts_re = pcre2_compile((PCRE2_SPTR)ts_pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!p->ts_re) {
		ll_tracing_parser_free(p);
		return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "PCRE2 compile failed (%d)", code);
	}
	/* JIT is an optimisation: without it (unsupported CPU) pcre2_match interprets. */
	(void)pcre2_jit_compile(p->ts_re, PCRE2_JIT_COMPLETE);
	p->md = pcre2_match_data_create_from_pattern(p->ts_re, NULL);
	if (!p->md)
		goto nomem;
	*out = p;
	return LL_OK;
nomem:
	ll_tracing_parser_free(p);
	return ll_error_set(err, LL_NOMEM, NULL, 0, NULL, "out of memory");
}

static bool is_greedy(const struct ll_tracing_parser *p, const char *key, size_t n)
{
	for (char **g = p->greedy; *g; g++)
		if (strlen(*g) == n && memcmp(*g, key, n) == 0)
			return true;
	return false;
}

/* ---- time ---------------------------------------------------------------------------- */

int64_t ll_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = m > 2 ? (int64_t)m - 3 : (int64_t)m + 9;
	int64_t doy = (153 * mp + 2) / 5 + (int64_t)d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

bool ll_rfc3339_parse(const char *s, size_t len, int64_t *ts_us)
{
	int y, mo, d, h, mi, sec;
	if (len < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &sec))
		return false;
	size_t i = 19;
	int64_t frac_us = 0;
	if (i < len && s[i] == '.') {
		i++;
		size_t nd = 0;
		int64_t scale = 100000;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			/* digits past the sixth are below a microsecond: truncated */
			if (nd < 6) {
				frac_us += (s[i] - '0') * scale;
				scale /= 10;
			}
			nd++;
			i++;
		}
		if (nd < 1 || nd > 9)
			return false;
	}
	int64_t offset_s = 0;
	if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i + 6 == len && (s[i] == '+' || s[i] == '-')) {
		int oh, om;
		if (!digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || !digits(s + i + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return false;
		offset_s = (int64_t)oh * 3600 + om * 60;
		if (s[i] == '-')
			offset_s = -offset_s;
		i += 6;
	} else {
		return false;
	}
	if (i != len)
		return false;
	static const int dim[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > dim[mo - 1] || (mo == 2 && d == 29 && !leap) ||
	    h > 23 || mi > 59 || sec > 60)
		return false;
	int64_t days = ll_days_from_civil(y, (unsigned)mo, (unsigned)d);
	int64_t secs = days * 86400 + (int64_t)h * 3600 + mi * 60 + sec - offset_s;
	*ts_us = secs * 1000000 + frac_us;
	return true;
}

/* ---- errors -------------------------------------------------------------------------- */

/* `<what>, found "<first bytes, escaped>"` as STYLE asks: quoted, escaped, cut. */
static enum ll_status reject(const char *path, long line_no, const char *where, const char *what,
                             const char *found, size_t found_len, struct ll_error *err)
{
	struct ll_buf b = LL_BUF_INIT;
	ll_buf_put_escaped(&b, found, found_len, 40);
	ll_error_set(err, LL_INPUT, path, line_no, where, "%s, found \"%s\"", what, ll_buf_str(&b));
	ll_buf_release(&b);
	return LL_INPUT;
}

static enum ll_status nomem(const char *path, long line_no, struct ll_error *err)
{
	return ll_error_set(err, LL_NOMEM, path, line_no, NULL, "out of memory");
}

/* ---- text format scanning ------------------------------------------------------------ */

static bool is_ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

/* If s[i..end) starts with "ident=", returns the index of '='; else 0 (i is never the '='). */
static size_t field_key_end(const char *s, size_t i, size_t end)
{
	if (i >= end || !is_ident_start(s[i]))
		return 0;
	size_t k = i + 1;
	while (k < end && is_ident_char(s[k]))
		k++;
	return k < end && s[k] == '=' ? k : 0;
}

/* End of a Debug-quoted string that opens at s[i] == '"': the index of the closing quote, or
 * 0 when it is not closed before end. */
static size_t quoted_end(const char *s, size_t i, size_t end)
{
	for (size_t k = i + 1; k < end; k++) {
		if (s[k] == '\\')
			k++;
		else if (s[k] == '"')
			return k;
	}
	return 0;
}

static void put_utf8(struct ll_buf *b, unsigned long cp)
{
	if (cp < 0x80) {
		ll_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		ll_buf_putc(b, (char)(0xc0 | (cp >> 6)));
		ll_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		ll_buf_putc(b, (char)(0xe0 | (cp >> 12)));
		ll_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		ll_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		ll_buf_putc(b, (char)(0xf0 | (cp >> 18)));
		ll_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		ll_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		ll_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Rust's Debug escapes for str: \" \\ \' \n \r \t \0 \u{X..}. Anything else after a
 * backslash is kept as written. */
static char *unescape(const char *s, size_t n, size_t *out_len)
{
	struct ll_buf b = LL_BUF_INIT;
	ll_buf_append(&b, "", 0);
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			ll_buf_putc(&b, s[i]);
			continue;
		}
		char c = s[++i];
		switch (c) {
		case 'n': ll_buf_putc(&b, '\n'); break;
		case 'r': ll_buf_putc(&b, '\r'); break;
		case 't': ll_buf_putc(&b, '\t'); break;
		case '0': ll_buf_putc(&b, '\0'); break;
		case '"': case '\\': case '\'': ll_buf_putc(&b, c); break;
		case 'u': {
			size_t k = i + 1;
			unsigned long cp = 0;
			bool ok = k < n && s[k] == '{';
			size_t nd = 0;
			for (k++; ok && k < n && s[k] != '}'; k++, nd++) {
				char h = s[k];
				int v = h >= '0' && h <= '9' ? h - '0'
				      : h >= 'a' && h <= 'f' ? h - 'a' + 10
				      : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
				if (v < 0 || nd >= 6)
					ok = false;
				else
					cp = cp * 16 + (unsigned long)v;
			}
			if (ok && k < n && nd > 0 && cp <= 0x10ffff) {
				put_utf8(&b, cp);
				i = k;
			} else {
				ll_buf_putc(&b, '\\');
				ll_buf_putc(&b, 'u');
			}
			break;
		}
		default:
			ll_buf_putc(&b, '\\');
			ll_buf_putc(&b, c);
		}
	}
	if (b.failed) {
		ll_buf_release(&b);
		return NULL;
	}
	*out_len = b.len;
	return ll_buf_detach(&b);
}

/* End of a Display value that starts at s[i]: the next " ident=" outside brackets and
 * double quotes, or end. *balanced tells whether the scan ended outside them. */
static size_t display_end(const char *s, size_t i, size_t end, bool *balanced)
{
	/* The bytes the scan acts on; the rest (most of a message) is skipped in a tight loop:
	 * this scan runs over every message and was the parser's largest cost. */
	static const bool special[256] = {
		['"'] = true, ['\\'] = true, ['{'] = true, ['['] = true, ['('] = true,
		['}'] = true, [']'] = true, [')'] = true, [' '] = true,
	};
	int depth = 0;
	bool inq = false;
	for (size_t k = i; k < end; k++) {
		while (k < end && !special[(unsigned char)s[k]])
			k++;
		if (k == end)
			break;
		char c = s[k];
		if (inq) {
			if (c == '\\')
				k++;
			else if (c == '"')
				inq = false;
			continue;
		}
		switch (c) {
		case '"': inq = true; break;
		case '{': case '[': case '(': depth++; break;
		case '}': case ']': case ')': if (depth > 0) depth--; break;
		case ' ':
			if (depth == 0 && field_key_end(s, k + 1, end))
				return k;
			break;
		default: break;
		}
	}
	*balanced = depth == 0 && !inq;
	return end;
}

/* The first " ident=" after i with no regard to brackets, or end. */
static size_t plain_field_start(const char *s, size_t i, size_t end)
{
	for (size_t k = i; k < end; k++)
		if (s[k] == ' ' && field_key_end(s, k + 1, end))
			return k;
	return end;
}

/* Parses "k=v k2=v2 ..." in s[i..end) (i at a field start, or not: then the rest is one
 * field with an empty key). greedy_ok: the parser's greedy names apply. */
static bool parse_fields(const struct ll_tracing_parser *p, const char *s, size_t i, size_t end,
                         bool greedy_ok, struct fieldvec *fv)
{
	while (i < end) {
		size_t eq = field_key_end(s, i, end);
		if (!eq) {
			size_t n = end - i;
			return fieldvec_push(fv, dupn("", 0), dupn(s + i, n), n, false);
		}
		char *key = dupn(s + i, eq - i);
		size_t v = eq + 1;
		if (v < end && s[v] == '"') {
			size_t q = quoted_end(s, v, end);
			/* Quoted only when the string is the whole value. */
			if (q && (q + 1 == end || (s[q + 1] == ' ' && field_key_end(s, q + 2, end)))) {
				size_t ulen = 0;
				char *val = unescape(s + v + 1, q - v - 1, &ulen);
				if (!fieldvec_push(fv, key, val, ulen, true))
					return false;
				i = q + 2;
				continue;
			}
		}
		size_t stop;
		if (greedy_ok && is_greedy(p, s + i, eq - i)) {
			stop = end;
		} else {
			bool balanced = true;
			stop = display_end(s, v, end, &balanced);
		}
		if (!fieldvec_push(fv, key, dupn(s + v, stop - v), stop - v, false))
			return false;
		i = stop + 1;
	}
	return true;
}

/* Index of the '}' matching s[i] == '{', quote-aware; 0 when none. */
static size_t brace_end(const char *s, size_t i, size_t end)
{
	int depth = 0;
	for (size_t k = i; k < end; k++) {
		char c = s[k];
		if (c == '"') {
			size_t q = quoted_end(s, k, end);
			if (!q)
				return 0;
			k = q;
		} else if (c == '{') {
			depth++;
		} else if (c == '}' && --depth == 0) {
			return k;
		}
	}
	return 0;
}

/* A span name or target: up to ' ', '{' or a ':' that is not part of "::". */
static size_t name_end(const char *s, size_t i, size_t end)
{
	while (i < end && s[i] != ' ' && s[i] != '{') {
		if (s[i] == ':') {
			if (i + 1 < end && s[i + 1] == ':')
				i += 2;
			else
				break;
		} else {
			i++;
		}
	}
	return i;
}

/* The target that follows a span chain ("target: "): on success its bounds, and *i just
 * past its ':'; false (nothing changed) when there is none at *i. */
static bool take_target(const char *s, size_t *i, size_t end, size_t *start, size_t *stop)
{
	size_t te = name_end(s, *i, end);
	if (te == *i || te == end || s[te] != ':')
		return false;
	*start = *i;
	*stop = te;
	*i = te + 1;
	return true;
}

struct spanvec {
	struct ll_log_span *v;
	size_t n, cap;
};

static void spanvec_free(struct spanvec *sv)
{
	for (size_t i = 0; i < sv->n; i++) {
		free(sv->v[i].name);
		fields_free(sv->v[i].fields, sv->v[i].n_fields);
	}
	free(sv->v);
}

static bool spanvec_push(const struct ll_tracing_parser *p, struct spanvec *sv, const char *s,
                         size_t name_start, size_t name_stop, size_t fields_start,
                         size_t fields_stop)
{
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 4;
		struct ll_log_span *np = realloc(sv->v, cap * sizeof *np);
		if (!np)
			return false;
		sv->v = np;
		sv->cap = cap;
	}
	struct fieldvec fv = { 0 };
	char *name = dupn(s + name_start, name_stop - name_start);
	if (!name || !parse_fields(p, s, fields_start, fields_stop, false, &fv)) {
		free(name);
		fields_free(fv.v, fv.n);
		return false;
	}
	sv->v[sv->n++] = (struct ll_log_span){ name, fv.v, fv.n };
	return true;
}

/* ---- field extraction ---------------------------------------------------------------- */

static const char *const method_keys[] = { "method", "http.method", "http.request.method", NULL };
static const char *const path_keys[] = { "path", "uri", "url", "http.target", "http.route",
	                                  "url.path", NULL };
static const char *const status_keys[] = { "status", "status_code", "http.status_code",
	                                    "http.response.status_code", NULL };
static const char *const request_id_keys[] = { "request_id", "req_id", "x_request_id",
	                                        "trace_id", NULL };

static const struct ll_log_field *find_in(const struct ll_log_field *f, size_t n,
                                          const char *const *keys)
{
	for (const char *const *k = keys; *k; k++)
		for (size_t i = 0; i < n; i++)
			if (strcmp(f[i].key, *k) == 0 && f[i].value_len > 0)
				return &f[i];
	return NULL;
}

/* Event fields first, then spans innermost first. */
static const struct ll_log_field *lookup(const struct ll_log_event *ev, const char *const *keys)
{
	const struct ll_log_field *f = find_in(ev->fields, ev->n_fields, keys);
	for (size_t i = ev->n_spans; !f && i > 0; i--)
		f = find_in(ev->span_list[i - 1].fields, ev->span_list[i - 1].n_fields, keys);
	return f;
}

static bool extract(struct ll_log_event *ev)
{
	const struct ll_log_field *f;
	if ((f = lookup(ev, method_keys)) && !(ev->method = dupn(f->value, strlen(f->value))))
		return false;
	if ((f = lookup(ev, path_keys))) {
		const char *v = f->value;
		size_t n = strcspn(v, "?");
		/* A full URL: keep its path ("http://h:1/api/v1/memories?x" -> "/api/v1/memories"). */
		const char *scheme = strstr(v, "://");
		if (scheme && (size_t)(scheme - v) < n) {
			const char *slash = strchr(scheme + 3, '/');
			if (slash && (size_t)(slash - v) < n) {
				n -= (size_t)(slash - v);
				v = slash;
			} else {
				v = "/";
				n = 1;
			}
		}
		if (!(ev->path = dupn(v, n)))
			return false;
	}
	if ((f = lookup(ev, status_keys))) {
		int st = 0;
		if (strlen(f->value) == 3 && digits(f->value, 3, &st) && st >= 100 && st <= 599)
			ev->status = st;
	}
	if ((f = lookup(ev, request_id_keys)) &&
	    !(ev->request_id = dupn(f->value, strlen(f->value))))
		return false;
	return true;
}

static char *fields_to_json(const struct ll_log_field *f, size_t n)
{
	/* Most events have no fields; building and printing an empty cJSON tree for each cost
	 * more than the rest of their parse. */
	if (n == 0)
		return dupn("{}", 2);
	cJSON *obj = cJSON_CreateObject();
	if (!obj)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		cJSON *v = cJSON_CreateString(f[i].value);
		if (!v || !cJSON_AddItemToObject(obj, f[i].key, v)) {
			cJSON_Delete(v);
			cJSON_Delete(obj);
			return NULL;
		}
	}
	char *s = cJSON_PrintUnformatted(obj);
	cJSON_Delete(obj);
	return s;
}

/* ---- text format --------------------------------------------------------------------- */

enum ll_status ll_tracing_parse_text(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err)
{
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	struct spanvec sv = { 0 };
	struct fieldvec fv = { 0 };
	enum ll_status st = LL_OK;
	const char *s = line;
	size_t end = len;

	int rc = pcre2_match(p->ts_re, (PCRE2_SPTR)s, len, 0, 0, p->md, NULL);
	if (rc < 0) {
		st = reject(path, line_no, "timestamp", "expected RFC 3339 timestamp", s, len, err);
		goto done;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
	size_t ts_end = ov[1];
	if (!ll_rfc3339_parse(s, ts_end, &ev.ts_us)) {
		st = reject(path, line_no, "timestamp", "impossible date or time", s, ts_end, err);
		goto done;
	}

	/* "{timestamp} {level:>5} ": one separator space, then up to four of padding. */
	size_t i = ts_end;
	while (i < end && s[i] == ' ')
		i++;
	size_t lv = i;
	while (i < end && s[i] != ' ')
		i++;
	if (i == lv) {
		st = reject(path, line_no, "level", "expected a level", s + lv, end - lv, err);
		goto done;
	}
	ev.level = level_from(s + lv, i - lv);
	if (ev.level == LL_LEVEL_NONE) {
		struct ll_buf b = LL_BUF_INIT;
		ll_buf_put_escaped(&b, s + lv, i - lv, 40);
		st = ll_error_set(err, LL_INPUT, path, line_no, "level", "unknown level \"%s\"",
		                  ll_buf_str(&b));
		ll_buf_release(&b);
		goto done;
	}
	if (i < end)
		i++;

	/* Spans, then the target. Each span is "name{fields}:" or "name:"; the chain ends at
	 * ": " (DESIGN §2.3; tracing-subscriber's Full formatter). */
	size_t chain_start = i, chain_stop = 0;
	bool in_chain = false; /* the previous span ended with ':' and no space */
	size_t target_start = 0, target_stop = 0;
	for (;;) {
		size_t ns = i;
		size_t ne = name_end(s, i, end);
		if (ne == ns || ne == end || s[ne] == ' ') {
			st = reject(path, line_no, "target", "expected \"target: \" after the level",
			            s + ns, end - ns, err);
			goto done;
		}
		if (s[ne] == '{') {
			size_t be = brace_end(s, ne, end);
			if (!be || be + 1 >= end || s[be + 1] != ':') {
				st = reject(path, line_no, "spans", "expected span{fields}:", s + ns,
				            end - ns, err);
				goto done;
			}
			if (!spanvec_push(p, &sv, s, ns, ne, ne + 1, be)) {
				st = nomem(path, line_no, err);
				goto done;
			}
			chain_stop = be + 1;
			i = be + 2;
			if (i < end && s[i] == ' ') {
				i++;
				in_chain = false;
				/* the target follows */
				if (!take_target(s, &i, end, &target_start, &target_stop)) {
					st = reject(path, line_no, "target", "expected \"target: \" after the spans",
					            s + i, end - i, err);
					goto done;
				}
				break;
			}
			in_chain = true;
			continue;
		}
		/* s[ne] == ':' */
		if (ne + 1 < end && s[ne + 1] != ' ') {
			/* "name:next..." - a span without fields inside a chain */
			if (!spanvec_push(p, &sv, s, ns, ne, ne, ne)) {
				st = nomem(path, line_no, err);
				goto done;
			}
			chain_stop = ne;
			i = ne + 1;
			in_chain = true;
			continue;
		}
		if (in_chain) {
			/* "...:last: target: msg" - the chain's last span, without fields */
			if (!spanvec_push(p, &sv, s, ns, ne, ne, ne)) {
				st = nomem(path, line_no, err);
				goto done;
			}
			chain_stop = ne;
			/* A line may end right after the last span's ':' ("a:b:"); i must not pass
			 * end, or the rejection below reads beyond the line (fuzz crasher
			 * crash-chain-ends-at-colon). */
			i = ne + 1 < end ? ne + 2 : end;
			if (!take_target(s, &i, end, &target_start, &target_stop)) {
				st = reject(path, line_no, "target", "expected \"target: \" after the spans",
				            s + i, end - i, err);
				goto done;
			}
			break;
		}
		target_start = ns;
		target_stop = ne;
		i = ne + 1;
		break;
	}
	/* i is just past the target's ':'; one space separates it from the message. */
	if (i < end && s[i] == ' ')
		i++;

	/* The message, then the fields. */
	size_t msg_stop;
	if (field_key_end(s, i, end)) {
		msg_stop = i; /* no message: the first field has no leading space */
	} else {
		bool balanced = true;
		msg_stop = display_end(s, i, end, &balanced);
		if (!balanced)
			msg_stop = plain_field_start(s, i, end);
	}
	ev.message = dupn(s + i, msg_stop - i);
	ev.message_len = msg_stop - i;
	ev.target = dupn(s + target_start, target_stop - target_start);
	if (sv.n)
		ev.spans = dupn(s + chain_start, chain_stop - chain_start);
	size_t fs = msg_stop < end && s[msg_stop] == ' ' ? msg_stop + 1 : msg_stop;
	if (!ev.message || !ev.target || (sv.n && !ev.spans) ||
	    !parse_fields(p, s, fs, end, true, &fv)) {
		st = nomem(path, line_no, err);
		goto done;
	}
	ev.fields = fv.v;
	ev.n_fields = fv.n;
	fv = (struct fieldvec){ 0 };
	ev.span_list = sv.v;
	ev.n_spans = sv.n;
	sv = (struct spanvec){ 0 };
	ev.format = LL_LOG_FORMAT_TEXT;
	if (!(ev.fields_json = fields_to_json(ev.fields, ev.n_fields)) || !extract(&ev)) {
		st = nomem(path, line_no, err);
		goto done;
	}
	*out = ev;
	ev = (struct ll_log_event)LL_LOG_EVENT_INIT;
done:
	ll_log_event_release(&ev);
	spanvec_free(&sv);
	fields_free(fv.v, fv.n);
	return st;
}

/* ---- JSON format --------------------------------------------------------------------- */

/* A JSON value as field text: strings as they are, anything else as compact JSON. */
static char *json_value_text(const cJSON *v, bool *quoted)
{
	*quoted = cJSON_IsString(v);
	if (*quoted)
		return dupn(v->valuestring, strlen(v->valuestring));
	return cJSON_PrintUnformatted(v);
}

static bool json_fields(const cJSON *obj, const char *const *skip, struct fieldvec *fv)
{
	for (const cJSON *c = obj ? obj->child : NULL; c; c = c->next) {
		bool skipped = false;
		for (const char *const *k = skip; *k && !skipped; k++)
			skipped = c->string && strcmp(c->string, *k) == 0;
		if (skipped || !c->string)
			continue;
		bool q;
		char *val = json_value_text(c, &q);
		if (!fieldvec_push(fv, dupn(c->string, strlen(c->string)), val, val ? strlen(val) : 0, q))
			return false;
	}
	return true;
}

/* Span text in the fmt format's shape: name{k=v k2="s"}. */
static bool json_span(const cJSON *sp, struct spanvec *sv, struct ll_buf *chain)
{
	static const char *const skip[] = { "name", NULL };
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(sp, "name");
	const char *nm = cJSON_IsString(name) ? name->valuestring : "";
	struct fieldvec fv = { 0 };
	if (!json_fields(sp, skip, &fv))
		goto fail;
	if (sv->n == sv->cap) {
		size_t cap = sv->cap ? sv->cap * 2 : 4;
		struct ll_log_span *np = realloc(sv->v, cap * sizeof *np);
		if (!np)
			goto fail;
		sv->v = np;
		sv->cap = cap;
	}
	char *nmd = dupn(nm, strlen(nm));
	if (!nmd)
		goto fail;
	if (chain->len)
		ll_buf_putc(chain, ':');
	ll_buf_puts(chain, nm);
	if (fv.n) {
		ll_buf_putc(chain, '{');
		size_t k = 0;
		for (const cJSON *c = sp->child; c; c = c->next) {
			if (!c->string || strcmp(c->string, "name") == 0)
				continue;
			char *t = cJSON_PrintUnformatted(c);
			if (k++)
				ll_buf_putc(chain, ' ');
			ll_buf_printf(chain, "%s=%s", c->string, t ? t : "");
			free(t);
		}
		ll_buf_putc(chain, '}');
	}
	sv->v[sv->n++] = (struct ll_log_span){ nmd, fv.v, fv.n };
	return !chain->failed;
fail:
	fields_free(fv.v, fv.n);
	return false;
}

enum ll_status ll_tracing_parse_json(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err)
{
	(void)p;
	struct ll_log_event ev = LL_LOG_EVENT_INIT;
	struct spanvec sv = { 0 };
	struct fieldvec fv = { 0 };
	struct ll_buf chain = LL_BUF_INIT;
	cJSON *rest = NULL;
	enum ll_status st = LL_OK;
	cJSON *root = cJSON_ParseWithLength(line, len);
	if (!cJSON_IsObject(root)) {
		st = reject(path, line_no, "json", "expected a JSON object", line, len, err);
		goto done;
	}
	const cJSON *ts = cJSON_GetObjectItemCaseSensitive(root, "timestamp");
	if (!cJSON_IsString(ts)) {
		st = ll_error_set(err, LL_INPUT, path, line_no, "timestamp", "missing or not a string");
		goto done;
	}
	if (!ll_rfc3339_parse(ts->valuestring, strlen(ts->valuestring), &ev.ts_us)) {
		st = reject(path, line_no, "timestamp", "expected RFC 3339 timestamp", ts->valuestring,
		            strlen(ts->valuestring), err);
		goto done;
	}
	const cJSON *lvl = cJSON_GetObjectItemCaseSensitive(root, "level");
	if (!cJSON_IsString(lvl)) {
		st = ll_error_set(err, LL_INPUT, path, line_no, "level", "missing or not a string");
		goto done;
	}
	ev.level = level_from(lvl->valuestring, strlen(lvl->valuestring));
	if (ev.level == LL_LEVEL_NONE) {
		struct ll_buf b = LL_BUF_INIT;
		ll_buf_put_escaped(&b, lvl->valuestring, strlen(lvl->valuestring), 40);
		st = ll_error_set(err, LL_INPUT, path, line_no, "level", "unknown level \"%s\"",
		                  ll_buf_str(&b));
		ll_buf_release(&b);
		goto done;
	}
	const cJSON *tgt = cJSON_GetObjectItemCaseSensitive(root, "target");
	if (!cJSON_IsString(tgt)) {
		st = ll_error_set(err, LL_INPUT, path, line_no, "target", "missing or not a string");
		goto done;
	}
	/* fields{...}, or flattened onto the top level (fmt().json().flatten_event(true)). */
	static const char *const top_keys[] = { "timestamp", "level", "target", "span", "spans",
		                                "threadName", "threadId", "filename", "line_number",
		                                "fields", NULL };
	static const char *const no_keys[] = { NULL };
	const cJSON *fields = cJSON_GetObjectItemCaseSensitive(root, "fields");
	const char *const *skip = no_keys;
	if (!cJSON_IsObject(fields)) {
		fields = root;
		skip = top_keys;
	}
	rest = cJSON_CreateObject();
	if (!rest)
		goto oom;
	for (const cJSON *c = fields->child; c; c = c->next) {
		bool skipped = false;
		for (const char *const *k = skip; *k && !skipped; k++)
			skipped = strcmp(c->string, *k) == 0;
		if (skipped)
			continue;
		if (strcmp(c->string, "message") == 0 && !ev.message) {
			bool q;
			ev.message = json_value_text(c, &q);
			if (!ev.message)
				goto oom;
			ev.message_len = strlen(ev.message);
			continue;
		}
		bool q;
		char *val = json_value_text(c, &q);
		cJSON *dup = cJSON_Duplicate(c, 1);
		if (!dup || !cJSON_AddItemToObject(rest, c->string, dup)) {
			cJSON_Delete(dup);
			free(val);
			goto oom;
		}
		if (!fieldvec_push(&fv, dupn(c->string, strlen(c->string)), val, val ? strlen(val) : 0, q))
			goto oom;
	}
	if (!ev.message && !(ev.message = dupn("", 0)))
		goto oom;
	const cJSON *spans = cJSON_GetObjectItemCaseSensitive(root, "spans");
	const cJSON *span = cJSON_GetObjectItemCaseSensitive(root, "span");
	if (cJSON_IsArray(spans)) {
		for (const cJSON *c = spans->child; c; c = c->next)
			if (cJSON_IsObject(c) && !json_span(c, &sv, &chain))
				goto oom;
	} else if (cJSON_IsObject(span)) {
		if (!json_span(span, &sv, &chain))
			goto oom;
	}
	ev.target = dupn(tgt->valuestring, strlen(tgt->valuestring));
	ev.fields_json = cJSON_PrintUnformatted(rest);
	if (!ev.target || !ev.fields_json || (sv.n && !(ev.spans = ll_buf_detach(&chain))))
		goto oom;
	ev.fields = fv.v;
	ev.n_fields = fv.n;
	fv = (struct fieldvec){ 0 };
	ev.span_list = sv.v;
	ev.n_spans = sv.n;
	sv = (struct spanvec){ 0 };
	ev.format = LL_LOG_FORMAT_JSON;
	if (!extract(&ev))
		goto oom;
	*out = ev;
	ev = (struct ll_log_event)LL_LOG_EVENT_INIT;
	goto done;
oom:
	st = nomem(path, line_no, err);
done:
	cJSON_Delete(root);
	cJSON_Delete(rest);
	ll_buf_release(&chain);
	ll_log_event_release(&ev);
	spanvec_free(&sv);
	fields_free(fv.v, fv.n);
	return st;
}

enum ll_log_format ll_tracing_sniff(const char *line, size_t len)
{
	size_t i = 0;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	return i < len && line[i] == '{' ? LL_LOG_FORMAT_JSON : LL_LOG_FORMAT_TEXT;
}

enum ll_status ll_tracing_parse_line(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err)
{
	if (ll_tracing_sniff(line, len) == LL_LOG_FORMAT_JSON)
		return ll_tracing_parse_json(p, line, len, path, line_no, out, err);
	return ll_tracing_parse_text(p, line, len, path, line_no, out, err);
}

bool ll_tracing_line_is_stamped(const char *line, size_t len)
{
	if (ll_tracing_sniff(line, len) == LL_LOG_FORMAT_JSON)
		return true;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	if (len < sizeof shape - 1)
		return false;
	for (size_t i = 0; i < sizeof shape - 1; i++) {
		char c = line[i];
		if (shape[i] == 'd' ? !(c >= '0' && c <= '9')
		                    : shape[i] == 'T' ? (c != 'T' && c != 't') : c != shape[i])
			return false;
	}
	return true;
}
