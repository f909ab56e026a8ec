/* check: is this run a usable baseline? (DESIGN §5.1). Analysis layer: a pure function
 * over a struct ll_run_report; no I/O, no printing, no clock, no environment.
 *
 * Each rule has a stable id (the JSON contract), a severity and a message with the
 * numbers; the numbers are also kept as named values for machine output. The run is
 * invalid when any finding has severity error.
 *
 * Ownership: ll_check_run() fills an empty struct ll_check_result the caller releases
 * with ll_check_result_release() (then empty and reusable). Rule ids and value names are
 * static strings. Errors: LL_NOMEM only. */
#ifndef LOADLENS_CHECK_H
#define LOADLENS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "loadlens/error.h"
#include "loadlens/report.h"

enum ll_severity { LL_SEV_ERROR, LL_SEV_WARNING };

/* Thresholds. A NaN double or a negative min_ops means "not given". */
struct ll_check_params {
	double max_error_rate_frac;  /* default 0.01 */
	double min_throughput;       /* ops/s; NaN = no rule */
	double max_p99_ms;           /* NaN = no rule */
	long long min_ops;           /* < 0 = no rule */
	double shared_cause_pp;      /* error rates within this many points suggest one cause */
	double short_run_s;          /* runs shorter than this get a warning */
};

/* The defaults of DESIGN §5.1. */
void ll_check_params_default(struct ll_check_params *p);

#define LL_CHECK_MAX_VALUES 6
struct ll_check_value {
	const char *name;  /* static: "error_rate", "errors", ... */
	double value;
};

struct ll_finding {
	const char *rule;        /* static id: "error_rate", "op_all_failed", ... */
	enum ll_severity severity;
	char *op;                /* the operation concerned, or NULL */
	char *message;           /* one line, with the numbers */
	struct ll_check_value values[LL_CHECK_MAX_VALUES];
	size_t n_values;
};

struct ll_check_result {
	bool valid;
	size_t n_errors, n_warnings;
	struct ll_finding *findings;
	size_t n_findings;
};

#define LL_CHECK_RESULT_INIT { true, 0, 0, NULL, 0 }

enum ll_status ll_check_run(const struct ll_run_report *r, const struct ll_check_params *p,
                            struct ll_check_result *out, struct ll_error *err);
void ll_check_result_release(struct ll_check_result *res);

/* The first finding with this rule id (and op, when op is not NULL), or NULL. */
const struct ll_finding *ll_check_find(const struct ll_check_result *res, const char *rule,
                                       const char *op);

const char *ll_severity_name(enum ll_severity s); /* "error", "warning" */

/* Every rule check knows, in evaluation order: the JUnit renderer makes one testcase per
 * rule, and the README lists them. */
struct ll_check_rule {
	const char *id;
	enum ll_severity severity;
	const char *summary;
};
extern const struct ll_check_rule ll_check_rules[];
extern const size_t ll_check_n_rules;

#endif
