/* report: the in-memory form of one load-test result report (DESIGN §2.1), shared by the
 * parsers that produce it (report_json, and the load tester's text summary), the store
 * that saves and loads it, and the analyses (check, compare) that read it. Model layer:
 * no I/O.
 *
 * Units are in the names: _s seconds, _ms and _us milli- and microseconds, _frac a
 * fraction 0..1. Per-operation latencies are integer microseconds as the load tester
 * writes them; overall latencies are milliseconds and are the MAX over operations.
 *
 * Ownership: a struct ll_run_report owns its strings and its ops array. Initialise with
 * LL_RUN_REPORT_INIT, free with ll_run_report_release() (leaves it empty; a no-op on an
 * empty value). */
#ifndef LOADLENS_REPORT_H
#define LOADLENS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadlens/error.h"

/* tag: histogram-ceiling. The load tester's HDR histogram is built with bounds 1..60,000 µs
 * and 3 significant digits, which HDR rounds up to 65,535 µs; slower samples (timeouts
 * included) are silently dropped. A percentile at or above LL_HIST_NEAR_CEILING_US means
 * the true tail is unknown. */
#define LL_HIST_CEILING_US 65535
#define LL_HIST_NEAR_CEILING_US 60000

enum ll_report_source {
	LL_SOURCE_NONE = 0,     /* no report for this run (only logs) */
	LL_SOURCE_JSON,         /* the load tester's --output JSON */
	LL_SOURCE_TEXT_SUMMARY, /* the rounded summary block of its stdout */
};

struct ll_op_stats {
	char *op;               /* "Store", "Recall", ... any key of per_operation_stats */
	int64_t count;
	int64_t success_count;
	int64_t error_count;
	int64_t p50_us, p95_us, p99_us, p999_us, max_us;
	double mean_us;
	bool has_detail;        /* false when read from the text summary: success_count,
	                           p999_us, max_us and mean_us are then unknown */
};

struct ll_run_report {
	char *config_name;
	double elapsed_s;
	int64_t total_ops;
	int64_t total_errors;
	double throughput;      /* ops/s as written in the report */
	double error_rate_frac; /* as written in the report, 0..1 */
	double p50_ms, p95_ms, p99_ms;
	struct ll_op_stats *ops;
	size_t n_ops;
	enum ll_report_source source;
};

#define LL_RUN_REPORT_INIT { 0 }

void ll_run_report_release(struct ll_run_report *r);

/* Appends a copy of op (its name is duplicated). LL_NOMEM on allocation failure. */
enum ll_status ll_run_report_add_op(struct ll_run_report *r, const struct ll_op_stats *op,
                                    struct ll_error *err);

/* The op named name, or NULL. The pointer lives until the report changes. */
const struct ll_op_stats *ll_run_report_find_op(const struct ll_run_report *r, const char *name);

/* Sorts ops by name (strcmp) so every output lists them in a stable order. */
void ll_run_report_sort_ops(struct ll_run_report *r);

const char *ll_report_source_name(enum ll_report_source s); /* "json", "text_summary", NULL */

#endif
