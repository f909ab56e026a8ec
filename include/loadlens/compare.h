/* compare: baseline vs candidate with safe percentage deltas and regression verdicts
 * (DESIGN §5.2). Analysis layer: pure functions over struct ll_run_report; no I/O, no
 * printing. Missing or undefined values are states (enum ll_pct_state), never NaN, so a
 * number that is not finite cannot reach an output.
 *
 * Ownership: ll_compare_runs() fills an empty struct ll_compare_result that the caller
 * releases with ll_compare_result_release(). Metric names and units are static strings.
 * Errors: LL_NOMEM only (an invalid run is a verdict, not an error). */
#ifndef LOADLENS_COMPARE_H
#define LOADLENS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "loadlens/check.h"
#include "loadlens/error.h"
#include "loadlens/report.h"

/* |baseline| below this counts as zero. */
#define LL_PCT_EPSILON 1e-12

enum ll_pct_state {
	LL_PCT_OK,            /* pct is (c-b)/|b|*100 */
	LL_PCT_UNCHANGED,     /* c == b (pct 0, including both ~0) */
	LL_PCT_BASELINE_ZERO, /* b ~ 0 and c is not: no percentage, delta still shown */
	LL_PCT_MISSING,       /* a side is absent or not finite */
	LL_PCT_ADDED,         /* the operation exists only in the candidate */
	LL_PCT_REMOVED,       /* the operation exists only in the baseline */
};

/* A possibly absent number. */
struct ll_opt {
	bool present;
	double v;
};

struct ll_pct {
	enum ll_pct_state state;
	double pct;     /* meaningful for OK and UNCHANGED, else 0 */
	bool has_delta; /* c - b is known */
	double delta;   /* c - b */
};

/* The safe percentage change from b to c. */
struct ll_pct ll_compare_pct(struct ll_opt b, struct ll_opt c);

const char *ll_pct_state_name(enum ll_pct_state s); /* "ok", "unchanged", "baseline_zero", ... */

enum ll_compare_verdict { LL_VERDICT_PASS, LL_VERDICT_REGRESSION, LL_VERDICT_NOT_MEANINGFUL };
const char *ll_compare_verdict_name(enum ll_compare_verdict v); /* "pass", ... */

struct ll_compare_params {
	double latency_threshold_pct;    /* p99 may rise this much; default 5, competitive 10 */
	double throughput_threshold_pct; /* throughput may fall this much; same defaults */
	double max_error_rate_increase_pp; /* default 1 */
	bool allow_invalid;              /* compare even when a run fails check */
	struct ll_check_params check;    /* used to decide whether each run is valid */
};

void ll_compare_params_default(struct ll_compare_params *p, bool competitive);

/* How a metric is gated. */
enum ll_gate { LL_GATE_NONE, LL_GATE_HIGHER_WORSE_PCT, LL_GATE_LOWER_WORSE_PCT, LL_GATE_HIGHER_WORSE_PP };

struct ll_compare_row {
	char *scope;          /* "overall" or the operation name (owned) */
	const char *metric;   /* "p50_ms", "p95_ms", "p99_ms", "throughput", "errors", "error_rate_pct" */
	struct ll_opt base, cand;
	struct ll_pct pct;
	enum ll_gate gate;
	double threshold;     /* in % or pp per gate; meaningless for LL_GATE_NONE */
	bool regression;
};

struct ll_compare_result {
	enum ll_compare_verdict verdict;
	bool base_valid, cand_valid;
	bool compared_invalid;  /* a run failed check but --allow-invalid compared anyway */
	struct ll_check_result base_check, cand_check;
	struct ll_compare_row *rows;
	size_t n_rows;
	size_t n_regressions;
};

enum ll_status ll_compare_runs(const struct ll_run_report *base, const struct ll_run_report *cand,
                               const struct ll_compare_params *p, struct ll_compare_result *out,
                               struct ll_error *err);
void ll_compare_result_release(struct ll_compare_result *res);

/* The row for (scope, metric), or NULL. */
const struct ll_compare_row *ll_compare_find(const struct ll_compare_result *res,
                                             const char *scope, const char *metric);

#endif
