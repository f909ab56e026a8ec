/* ingest: one input file -> the store, in one transaction. Pipeline layer: it drives the
 * parsers (report_json, log_reader, tracing_line, loadtest_log, template) and feeds
 * store.c; it prints nothing (progress is a callback the CLI passes in).
 *
 * Kinds: a load-test JSON report, the load tester's output (`loadtest run ... | tee`), or
 * a server log (tracing text or tracing JSON lines). ll_ingest_detect() tells them apart
 * from the first bytes; the CLI's --kind overrides.
 *
 * Logs: every physical line is read (any length, CRLF, NUL, invalid UTF-8), cleaned of
 * ANSI escapes and progress redraws, and either starts an event (a timestamp or a JSON
 * object), continues the previous event (folded into its message or last field), or is a
 * stray line: "unstamped" before the first event, "unparsed" when it looks like an event
 * but does not parse. Stray lines are counted (inputs.skipped) and the first
 * LL_STORE_MAX_STRAY are stored. A load tester's summary block becomes the run's report
 * when the run has no JSON report, and is cross-checked against it otherwise.
 *
 * Ownership: struct ll_ingest_stats owns its strings; release with ll_ingest_stats_release().
 * Errors: LL_INPUT / LL_IO naming file and line; LL_DB; an interrupt (the progress callback
 * returning false) is LL_IO "interrupted". On any error nothing of the file is stored. */
#ifndef LOADLENS_INGEST_H
#define LOADLENS_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"
#include "loadlens/store.h"

enum ll_input_kind { LL_KIND_AUTO = 0, LL_KIND_REPORT, LL_KIND_LOADTEST_LOG, LL_KIND_SERVER_LOG };

/* "report", "loadtest-log", "server-log" ("auto" for LL_KIND_AUTO). */
const char *ll_input_kind_name(enum ll_input_kind k);
/* The kind of a file from its first bytes; LL_KIND_AUTO when it is none of them (no JSON,
 * no load tester line, no timestamped line). */
enum ll_input_kind ll_ingest_detect(const char *head, size_t len);

#define LL_INGEST_SHOW_SKIPPED 5

struct ll_ingest_stats {
	enum ll_input_kind kind;
	enum ll_ingest_outcome outcome;
	long lines;             /* physical lines */
	long events;            /* events stored (server or client) */
	long failures;          /* of which load tester failures */
	long skipped;           /* stray lines: unstamped + unparsed */
	struct {
		long line;
		char *reason;
	} first_skipped[LL_INGEST_SHOW_SKIPPED];
	size_t n_first_skipped;
	bool summary_found;     /* a load tester summary block was read */
	bool summary_is_report; /* ...and became the run's report */
	size_t n_mismatches;    /* summary vs JSON report disagreements (stored) */
	char *mismatches;       /* "field: report X, summary Y; ..." or NULL */
	uint64_t bytes;
	int64_t report_ops;     /* for reports: total operations, number of operation types */
	size_t report_op_types;
};

void ll_ingest_stats_release(struct ll_ingest_stats *st);

/* Called about every 64K lines; return false to interrupt (the file is rolled back). */
typedef bool (*ll_ingest_progress_fn)(void *ctx, uint64_t bytes, long lines);

struct ll_ingest_request {
	const char *path;        /* "-" reads stdin */
	enum ll_input_kind kind; /* LL_KIND_AUTO: detect */
	const char *run;         /* NULL: the file's stem (reports only; logs need a run) */
	const char *label;       /* NULL: keep */
	bool replace;            /* reports: replace a different report of the run */
	ll_ingest_progress_fn progress;
	void *progress_ctx;
};

enum ll_status ll_ingest_file(struct ll_store *s, const struct ll_ingest_request *req,
                              struct ll_ingest_stats *stats, struct ll_error *err);

#endif
