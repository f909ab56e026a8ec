/* tracing_line: one cleaned log line -> struct ll_log_event (DESIGN §2.3). Parser layer: no
 * SQL, no output, no file reading (log_reader does that, and ll_log_line_clean() must have
 * removed ANSI escapes and progress redraws first). It does not fold continuation lines:
 * the caller uses ll_tracing_line_is_stamped() for that.
 *
 * Two formats of tracing-subscriber:
 * - `fmt` default ("full"): TIMESTAMP LEVEL [span{k=v ...}:span2{...}: ]target: message[ k=v ...]
 *   The timestamp is RFC 3339 with 0-9 fraction digits and 'Z' or +-hh:mm; the level is
 *   right-aligned to five characters. The message comes first; fields follow as " k=v".
 *   A field starts at " ident=" (ident: [A-Za-z_][A-Za-z0-9_.]*). Debug-quoted values
 *   (`k="a \"b\""`) are unescaped. Display values run to the next field start that is
 *   outside brackets ({[( ... )]}) and double quotes, so `snapshot={"a": 1, "b=c": 2}` and
 *   `Foo { x: 1 }` stay whole; an unbalanced value runs to the end of the line. Fields whose
 *   names are in the parser's "greedy" list run to the end of the line whatever follows:
 *   the load tester's `error=Store failed with status 400 Bad Request: {"a=b": ...}` is
 *   Display-formatted and may hold anything (DESIGN §2.2).
 *   Ambiguity kept on purpose: a single span without fields directly followed by the target
 *   ("span: target: msg") reads as target "span" (tracing writes the two alike).
 * - JSON (one object per line: timestamp, level, target, fields{message, ...}, span, spans),
 *   read with cJSON.
 *
 * PCRE2 (8-bit, JIT) is used inside, compiled once per parser object; no PCRE2 or cJSON
 * type leaves this module. A parser object is not thread-safe (it owns its match data);
 * use one per thread.
 *
 * Ownership: ll_tracing_parser_new() gives a heap object freed by ll_tracing_parser_free()
 * (NULL is a no-op). A struct ll_log_event owns all its strings and arrays: initialise with
 * LL_LOG_EVENT_INIT or ll_log_event_init(), free with ll_log_event_release() (leaves it
 * empty and reusable; a no-op on an empty value). The parse functions take an empty event
 * and fill it on success only.
 * Errors: a line that is not an event is LL_INPUT with err->path = path, err->line =
 * line_no, err->where = the part that failed ("timestamp", "level", "target", "json") and a
 * reason: `expected RFC 3339 timestamp, found "2025-11-09 06:53"`, `unknown level "FOO"`.
 * LL_NOMEM when memory runs out. */
#ifndef LOADLENS_TRACING_LINE_H
#define LOADLENS_TRACING_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"

enum ll_level {
	LL_LEVEL_NONE = 0,
	LL_LEVEL_TRACE,
	LL_LEVEL_DEBUG,
	LL_LEVEL_INFO,
	LL_LEVEL_WARN,
	LL_LEVEL_ERROR,
	LL_LEVEL_COUNT
};

/* "TRACE" ... "ERROR"; NULL for LL_LEVEL_NONE or out of range. */
const char *ll_level_name(enum ll_level level);

struct ll_log_field {
	char *key;
	char *value;      /* unescaped when quoted; may hold a NUL from "\0" (see value_len) */
	size_t value_len;
	bool quoted;      /* was Debug-quoted ("...") in the line, or a JSON string */
};

struct ll_log_span {
	char *name;
	struct ll_log_field *fields;
	size_t n_fields;
};

enum ll_log_format {
	LL_LOG_FORMAT_TEXT = 0, /* tracing-subscriber fmt, default ("full") format */
	LL_LOG_FORMAT_JSON,     /* tracing-subscriber fmt().json() */
};

struct ll_log_event {
	int64_t ts_us;            /* microseconds since the Unix epoch, UTC; nanoseconds truncated */
	enum ll_level level;
	char *target;             /* "engram_core::store" */
	char *spans;              /* the span chain as written, root first, without the
	                             trailing ':' ("req{id=7}:db"); NULL when there is none */
	struct ll_log_span *span_list; /* the same chain, parsed, root first */
	size_t n_spans;
	char *message;            /* may be empty or start with a space; may hold NUL bytes */
	size_t message_len;
	struct ll_log_field *fields; /* the event's fields in order (not the span fields) */
	size_t n_fields;
	char *fields_json;        /* the event's fields as one JSON object (cJSON-built): text
	                             values as strings; JSON lines keep their value types; "{}"
	                             when none. Never NULL after a successful parse. */
	/* Taken from the event's fields first, then from the spans innermost first; NULL / 0
	 * when nothing carries them (today's Engram logs none; DESIGN §2.3). */
	char *method;             /* fields method, http.method, http.request.method */
	char *path;               /* fields path, uri, url, http.target, http.route, url.path;
	                             the query string (from '?') is cut off */
	int status;               /* fields status, status_code, http.status_code,
	                             http.response.status_code: 100..599, else 0 */
	char *request_id;         /* fields request_id, req_id, x_request_id, trace_id */
	enum ll_log_format format;
};

#define LL_LOG_EVENT_INIT { 0 }

void ll_log_event_init(struct ll_log_event *ev);
void ll_log_event_release(struct ll_log_event *ev);

/* The value of the event field named key (first match), or NULL; borrowed from ev. */
const struct ll_log_field *ll_log_event_field(const struct ll_log_event *ev, const char *key);

struct ll_tracing_parser;

/* greedy: NULL-terminated list of field names whose Display values run to the end of the
 * line, copied by the parser; NULL means LL_TRACING_GREEDY_DEFAULT. */
enum ll_status ll_tracing_parser_new(const char *const *greedy, struct ll_tracing_parser **out,
                                     struct ll_error *err);
void ll_tracing_parser_free(struct ll_tracing_parser *p);

/* The load tester's error (DESIGN §2.2), Engram's panic hook backtrace and its metrics
 * snapshot: values that may contain anything. */
#define LL_TRACING_GREEDY_DEFAULT { "error", "backtrace", "snapshot", NULL }

/* Parses one cleaned line of the fmt format. line need not be NUL-terminated. path and
 * line_no are only used in errors. */
enum ll_status ll_tracing_parse_text(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err);

/* Parses one line of the JSON format. */
enum ll_status ll_tracing_parse_json(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err);

/* Either, by the first non-blank byte: '{' is JSON, anything else text. */
enum ll_status ll_tracing_parse_line(struct ll_tracing_parser *p, const char *line, size_t len,
                                     const char *path, long line_no, struct ll_log_event *out,
                                     struct ll_error *err);

/* The format a file's first event line suggests ('{' first: JSON). */
enum ll_log_format ll_tracing_sniff(const char *line, size_t len);

/* True when the cleaned line starts with "YYYY-MM-DDTHH:MM:SS" (a record of the fmt format)
 * or is a JSON object line. Lines that are not are continuations of the previous event, or
 * unstamped lines before the first one (DESIGN §2.3). */
bool ll_tracing_line_is_stamped(const char *line, size_t len);

/* RFC 3339 "2025-11-09T06:53:18.123456Z" (0-9 fraction digits, 'Z' or +-hh:mm; 't'/'z'
 * accepted) -> microseconds since the epoch, UTC. The whole of s[0..len) must be the
 * timestamp. False on any other text or an impossible date/time. No locale, no timegm. */
bool ll_rfc3339_parse(const char *s, size_t len, int64_t *ts_us);

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
int64_t ll_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
