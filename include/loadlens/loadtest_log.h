/* loadtest_log: what the load tester's own output means (DESIGN §2.2): its "Operation
 * failed" events as client failures, its header lines (name, seed, rate, configured
 * duration, endpoint, measured time) and the summary block of Report::summary() as a
 * struct ll_run_report. Parser layer: no SQL, no output, no file reading. Lines arrive
 * cleaned (ll_log_line_clean()) and events parsed (tracing_line); cJSON reads Engram's JSON
 * error bodies inside and no cJSON type leaves this module.
 *
 * Ownership: each struct here owns its strings; initialise with its _INIT macro and free
 * with its _release() (leaves it empty; a no-op on an empty value). The summary parser is
 * a heap object (ll_loadtest_summary_new/free). Out-parameters are written on success only.
 * Errors: LL_INPUT naming path:line and what was expected, found "..." (escaped, cut);
 * LL_NOMEM when memory runs out. */
#ifndef LOADLENS_LOADTEST_LOG_H
#define LOADLENS_LOADTEST_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"
#include "loadlens/report.h"
#include "loadlens/tracing_line.h"

/* client_events.error_class. */
enum ll_client_error_class {
	LL_CLIENT_ERROR_NONE = 0, /* not a failure */
	LL_CLIENT_ERROR_HTTP,     /* "<Op> failed with status NNN <reason>: <body>" */
	LL_CLIENT_ERROR_NETWORK,  /* exactly "<Op>: network error": refused, DNS and the 30 s
	                             timeout look the same (reqwest's cause is not logged) */
	LL_CLIENT_ERROR_OTHER,    /* anything else */
	LL_CLIENT_ERROR_COUNT
};

/* "http", "network", "other"; NULL for NONE or out of range. */
const char *ll_client_error_class_name(enum ll_client_error_class c);

struct ll_client_failure {
	char *op;                  /* "Store", ... from the operation= field (else the error text) */
	enum ll_client_error_class error_class;
	int status;                /* HTTP status 100..599; 0 unless error_class is HTTP */
	char *reason;              /* "Internal Server Error"; NULL unless HTTP */
	char *body;                /* the response body as logged, possibly ""; NULL unless HTTP */
	char *error_code;          /* error.code of Engram's JSON body, else NULL */
	char *error_message;       /* error.message of it (or "error" when that is a string) */
	char *request_id;          /* a request_id/req_id/x_request_id/trace_id field of the
	                              event, else such a key of the body (top level, "error",
	                              "error.details"), else NULL */
	char *error_text;          /* the whole error= value; NULL when the event had none */
};

#define LL_CLIENT_FAILURE_INIT { 0 }

void ll_client_failure_release(struct ll_client_failure *f);

/* The message of the load tester's failure event (main.rs: tracing::warn!(operation = ?op,
 * error = %e, "Operation failed")). */
#define LL_LOADTEST_FAILURE_MESSAGE "Operation failed"

/* Interprets one event. When its message is not "Operation failed", returns LL_OK with
 * *is_failure = false and *out untouched. Otherwise fills *out (which must be empty) and
 * sets *is_failure = true. LL_INPUT (where "operation") when neither the operation= field
 * nor the error text names the operation. path and line_no are only used in errors. */
enum ll_status ll_loadtest_failure_from_event(const struct ll_log_event *ev, const char *path,
                                              long line_no, struct ll_client_failure *out,
                                              bool *is_failure, struct ll_error *err);

/* The header lines of a run (the messages of the load tester's INFO events). has_* say
 * which were seen; a later line replaces an earlier value. */
struct ll_loadtest_header {
	char *name;                   /* "Starting load test: <name> (seed: N)" */
	bool has_seed;
	uint64_t seed;
	bool has_target_rate;
	double target_rate;           /* "Target rate: N ops/sec" (ops/s) */
	bool has_duration;
	int64_t configured_duration_s; /* "Duration: N seconds": configured, not measured */
	char *endpoint;               /* "Endpoint: URL" */
	bool has_completed;
	double completed_s;           /* "Load test completed in 60.01s" (measured) */
};

#define LL_LOADTEST_HEADER_INIT { 0 }

void ll_loadtest_header_release(struct ll_loadtest_header *h);

/* Offers one event message (msg need not be NUL-terminated). *matched tells whether it was
 * a header line; a line that starts like one but does not parse ("Target rate: fast
 * ops/sec") is not matched, so the caller stores it as an ordinary event. */
enum ll_status ll_loadtest_header_feed(struct ll_loadtest_header *h, const char *msg, size_t len,
                                       bool *matched, struct ll_error *err);

/* The summary block (report.rs Report::summary(), printed with println!, not through
 * tracing). A state machine fed every cleaned line of the file in order:
 *   Load Test Report: NAME
 *   Duration: 60.14s | Total Operations: 14555
 *   ━━━ (42 × U+2501)
 *   Overall Throughput: 242 ops/sec
 *   Overall Error Rate: 23.87%
 *   P50 Latency: 0.41ms / P95 Latency: ... / P99 Latency: ...
 *   (blank) Per-Operation Statistics: / ━━━
 *   then per operation, in any order: (blank) Store: / "  Count: N" / "  Throughput: N ops/sec" /
 *   "  P50: Xms" / "  P95: Xms" / "  P99: Xms" / "  Errors: N"
 * The block ends at the first line after an operation that is neither blank nor an
 * operation header (not consumed), or at the end of input. */
struct ll_loadtest_summary;

enum ll_status ll_loadtest_summary_new(struct ll_loadtest_summary **out, struct ll_error *err);
void ll_loadtest_summary_free(struct ll_loadtest_summary *s);

/* *consumed: the line belonged to the summary block (the caller does not parse it as an
 * event). A line that breaks the block's fixed layout is LL_INPUT with path:line
 * (where "summary"); after an error every later call returns it again. */
enum ll_status ll_loadtest_summary_feed(struct ll_loadtest_summary *s, const char *line,
                                        size_t len, const char *path, long line_no,
                                        bool *consumed, struct ll_error *err);

/* Call once, at the end of input. *found = false (and *out untouched) when no block was seen.
 * Otherwise *out (which must be empty) gets the report: source LL_SOURCE_TEXT_SUMMARY, ops
 * sorted by name with has_detail = false, per-operation latencies converted from the
 * rounded milliseconds to microseconds (rounded to nearest), success_count = count -
 * error_count, p999_us, max_us and mean_us 0 (unknown), total_errors = the sum of the
 * operations' errors (the block prints no total), error_rate_frac = the printed percent /
 * 100. A block cut off before its per-operation part is LL_INPUT naming path:line where it
 * stopped and what was expected. */
enum ll_status ll_loadtest_summary_finish(struct ll_loadtest_summary *s, const char *path,
                                          struct ll_run_report *out, bool *found,
                                          struct ll_error *err);

#endif
