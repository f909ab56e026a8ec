/* check: see include/loadlens/check.h. Rules follow DESIGN §5.1 in this order: structure,
 * values, consistency, thresholds, then warnings; findings keep that order. */
#include "loadlens/check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loadlens/banned.h"

void ll_check_params_default(struct ll_check_params *p)
{
	p->max_error_rate_frac = 0.01;
	p->min_throughput = NAN;
	p->max_p99_ms = NAN;
	p->min_ops = -1;
	p->shared_cause_pp = 3.0;
	p->short_run_s = 30.0;
}

const struct ll_check_rule ll_check_rules[] = {
	{ "no_operations", LL_SEV_ERROR, "the run has operations" },
	{ "elapsed_nonpositive", LL_SEV_ERROR, "the elapsed time is positive" },
	{ "invalid_value", LL_SEV_ERROR, "every number is finite and non-negative" },
	{ "totals_mismatch", LL_SEV_ERROR, "per-operation counts sum to the totals" },
	{ "op_counts_mismatch", LL_SEV_ERROR, "success + errors = count for each operation" },
	{ "percentiles_not_monotonic", LL_SEV_ERROR, "p50 <= p95 <= p99 <= p99.9 <= max" },
	{ "error_rate_mismatch", LL_SEV_ERROR, "overall_error_rate = errors / operations" },
	{ "throughput_mismatch", LL_SEV_ERROR, "overall_throughput = operations / elapsed" },
	{ "latency_mismatch", LL_SEV_ERROR, "overall percentiles = max over operations" },
	{ "error_rate", LL_SEV_ERROR, "error rate at most --max-error-rate" },
	{ "op_all_failed", LL_SEV_ERROR, "no operation fails 100%" },
	{ "latency_unknown", LL_SEV_ERROR, "no operation has all-zero latencies (all samples dropped)" },
	{ "throughput", LL_SEV_ERROR, "throughput at least --min-throughput" },
	{ "p99_latency", LL_SEV_ERROR, "p99 at most --max-p99-ms" },
	{ "min_ops", LL_SEV_ERROR, "at least --min-ops operations" },
	{ "shared_error_rate", LL_SEV_WARNING, "operations failing at similar rates (one shared cause?)" },
	{ "latency_ceiling", LL_SEV_WARNING, "a latency at the load tester's histogram ceiling" },
	{ "short_run", LL_SEV_WARNING, "the run is long enough for stable percentiles" },
	{ "text_summary_source", LL_SEV_WARNING, "the report comes from the JSON, not the rounded text summary" },
};
const size_t ll_check_n_rules = sizeof ll_check_rules / sizeof ll_check_rules[0];

const char *ll_severity_name(enum ll_severity s)
{
	return s == LL_SEV_ERROR ? "error" : "warning";
}

/* The accumulator records its first failure and then quietly refuses further work, so
 * rules add findings without checking each call. */
struct acc {
	struct ll_check_result *res;
	enum ll_status st;
	struct ll_error *err;
};

static struct ll_finding *add(struct acc *a, const char *rule, enum ll_severity sev,
                              const char *op, const char *fmt, ...) LL_PRINTF(5, 6);

static struct ll_finding *add(struct acc *a, const char *rule, enum ll_severity sev,
                              const char *op, const char *fmt, ...)
{
	if (a->st != LL_OK)
		return NULL;
	struct ll_check_result *res = a->res;
	struct ll_finding *grown = realloc(res->findings, (res->n_findings + 1) * sizeof *grown);
	if (!grown)
		goto nomem;
	res->findings = grown;
	struct ll_finding *f = &grown[res->n_findings];
	*f = (struct ll_finding){ .rule = rule, .severity = sev };
	res->n_findings++;
	va_list ap;
	va_start(ap, fmt);
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	f->message = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (f->message)
		vsnprintf(f->message, (size_t)n + 1, fmt, ap);
	va_end(ap);
	f->op = op ? strdup(op) : NULL;
	if (!f->message || (op && !f->op))
		goto nomem;
	if (sev == LL_SEV_ERROR) {
		res->n_errors++;
		res->valid = false;
	} else {
		res->n_warnings++;
	}
	return f;
nomem:
	a->st = ll_error_set(a->err, LL_NOMEM, NULL, 0, NULL, "out of memory");
	return NULL;
}

/* Attaches a named number to a finding (NULL-safe, so add()'s result chains in). */
static struct ll_finding *val(struct ll_finding *f, const char *name, double v)
{
	if (f && f->n_values < LL_CHECK_MAX_VALUES)
		f->values[f->n_values++] = (struct ll_check_value){ name, isfinite(v) ? v : 0.0 };
	return f;
}

static double frac(int64_t part, int64_t whole)
{
	return whole > 0 ? (double)part / (double)whole : 0.0;
}

static bool all_latency_zero(const struct ll_op_stats *o)
{
	return o->p50_us == 0 && o->p95_us == 0 && o->p99_us == 0 &&
	       (!o->has_detail || (o->p999_us == 0 && o->max_us == 0));
}

static void rule_structure(struct acc *a, const struct ll_run_report *r)
{
	if (r->total_ops == 0 || r->n_ops == 0)
		val(add(a, "no_operations", LL_SEV_ERROR, NULL,
		        "the run has no operations (total_operations %lld, %zu operation types)",
		        (long long)r->total_ops, r->n_ops),
		    "operations", (double)r->total_ops);
	if (!(r->elapsed_s > 0))
		val(add(a, "elapsed_nonpositive", LL_SEV_ERROR, NULL,
		        "elapsed time is %g s: expected more than 0", r->elapsed_s),
		    "elapsed_seconds", r->elapsed_s);
}

static void rule_values(struct acc *a, const struct ll_run_report *r)
{
	const struct {
		const char *name;
		double v;
	} vals[] = {
		{ "overall_throughput", r->throughput }, { "overall_error_rate", r->error_rate_frac },
		{ "p50_latency_ms", r->p50_ms },         { "p95_latency_ms", r->p95_ms },
		{ "p99_latency_ms", r->p99_ms },
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (!isfinite(vals[i].v) || vals[i].v < 0)
			val(add(a, "invalid_value", LL_SEV_ERROR, NULL,
			        "%s is %g: expected a finite, non-negative number", vals[i].name,
			        vals[i].v),
			    vals[i].name, vals[i].v);
	for (size_t i = 0; i < r->n_ops; i++) {
		const struct ll_op_stats *o = &r->ops[i];
		if (o->has_detail && (!isfinite(o->mean_us) || o->mean_us < 0))
			val(add(a, "invalid_value", LL_SEV_ERROR, o->op,
			        "%s: mean latency is %g us: expected a finite, non-negative number",
			        o->op, o->mean_us),
			    "mean_latency_us", o->mean_us);
	}
}

/* Tolerances: the JSON report carries full f64 precision, the text summary rounds
 * (error rate to 0.01 %, throughput to 1 op/s, elapsed to 0.01 s, latencies to 0.01 ms). */
static void rule_consistency(struct acc *a, const struct ll_run_report *r)
{
	bool text = r->source == LL_SOURCE_TEXT_SUMMARY;
	int64_t sum_count = 0, sum_errors = 0;
	for (size_t i = 0; i < r->n_ops; i++) {
		sum_count += r->ops[i].count;
		sum_errors += r->ops[i].error_count;
	}
	if (r->n_ops > 0 && (sum_count != r->total_ops || sum_errors != r->total_errors))
		val(val(val(val(add(a, "totals_mismatch", LL_SEV_ERROR, NULL,
		                    "per-operation counts sum to %lld operations and %lld errors, "
		                    "but the totals say %lld and %lld",
		                    (long long)sum_count, (long long)sum_errors,
		                    (long long)r->total_ops, (long long)r->total_errors),
		                "sum_operations", (double)sum_count),
		            "sum_errors", (double)sum_errors),
		        "total_operations", (double)r->total_ops),
		    "total_errors", (double)r->total_errors);
	if (r->total_errors > r->total_ops)
		add(a, "totals_mismatch", LL_SEV_ERROR, NULL,
		    "total_errors %lld exceeds total_operations %lld", (long long)r->total_errors,
		    (long long)r->total_ops);

	for (size_t i = 0; i < r->n_ops; i++) {
		const struct ll_op_stats *o = &r->ops[i];
		if (o->has_detail && o->success_count + o->error_count != o->count)
			val(val(val(add(a, "op_counts_mismatch", LL_SEV_ERROR, o->op,
			                "%s: success %lld + errors %lld != count %lld", o->op,
			                (long long)o->success_count, (long long)o->error_count,
			                (long long)o->count),
			            "success_count", (double)o->success_count),
			        "error_count", (double)o->error_count),
			    "count", (double)o->count);
		else if (o->error_count > o->count)
			add(a, "op_counts_mismatch", LL_SEV_ERROR, o->op, "%s: errors %lld > count %lld",
			    o->op, (long long)o->error_count, (long long)o->count);
		int64_t p[5] = { o->p50_us, o->p95_us, o->p99_us, o->p999_us, o->max_us };
		int np = o->has_detail ? 5 : 3;
		for (int k = 1; k < np; k++)
			if (p[k] < p[k - 1]) {
				add(a, "percentiles_not_monotonic", LL_SEV_ERROR, o->op,
				    "%s: latency percentiles decrease (p50 %lld, p95 %lld, p99 %lld%s us)",
				    o->op, (long long)p[0], (long long)p[1], (long long)p[2],
				    o->has_detail ? ", then p99.9 and max" : "");
				break;
			}
	}
	if (r->p50_ms > r->p95_ms || r->p95_ms > r->p99_ms)
		add(a, "percentiles_not_monotonic", LL_SEV_ERROR, NULL,
		    "overall latency percentiles decrease (p50 %g, p95 %g, p99 %g ms)", r->p50_ms,
		    r->p95_ms, r->p99_ms);

	if (r->total_ops > 0 && isfinite(r->error_rate_frac)) {
		double want = frac(r->total_errors, r->total_ops);
		double tol = text ? 0.00005 + 1e-9 : 1e-9;
		if (fabs(r->error_rate_frac - want) > tol)
			val(val(add(a, "error_rate_mismatch", LL_SEV_ERROR, NULL,
			            "overall_error_rate %.6f != total_errors/total_operations = %.6f",
			            r->error_rate_frac, want),
			        "reported", r->error_rate_frac),
			    "computed", want);
	}
	if (r->elapsed_s > 0 && isfinite(r->throughput)) {
		double want = (double)r->total_ops / r->elapsed_s;
		double tol = text ? 0.5 + want * 0.005 / r->elapsed_s + 1e-9 : 1e-6 * (want + 1);
		if (fabs(r->throughput - want) > tol)
			val(val(add(a, "throughput_mismatch", LL_SEV_ERROR, NULL,
			            "overall_throughput %.3f != total_operations/elapsed_seconds = %.3f",
			            r->throughput, want),
			        "reported", r->throughput),
			    "computed", want);
	}
	if (r->n_ops > 0) {
		/* The overall percentiles are the MAX over operations (report.rs), in ms. */
		int64_t mx[3] = { 0, 0, 0 };
		for (size_t i = 0; i < r->n_ops; i++) {
			const struct ll_op_stats *o = &r->ops[i];
			mx[0] = o->p50_us > mx[0] ? o->p50_us : mx[0];
			mx[1] = o->p95_us > mx[1] ? o->p95_us : mx[1];
			mx[2] = o->p99_us > mx[2] ? o->p99_us : mx[2];
		}
		double got[3] = { r->p50_ms, r->p95_ms, r->p99_ms };
		static const char *const names[3] = { "p50", "p95", "p99" };
		double tol = text ? 0.005 + 1e-9 : 1e-9;
		for (int k = 0; k < 3; k++)
			if (fabs(got[k] - (double)mx[k] / 1000.0) > tol)
				add(a, "latency_mismatch", LL_SEV_ERROR, NULL,
				    "overall %s %.3f ms != the maximum per-operation %s %.3f ms", names[k],
				    got[k], names[k], (double)mx[k] / 1000.0);
	}
}

static void rule_thresholds(struct acc *a, const struct ll_run_report *r,
                            const struct ll_check_params *p)
{
	double rate = r->total_ops > 0 ? frac(r->total_errors, r->total_ops) : r->error_rate_frac;
	if (rate > p->max_error_rate_frac)
		val(val(val(val(add(a, "error_rate", LL_SEV_ERROR, NULL,
		                    "error rate %.2f%% (%lld/%lld) is above the limit %.2f%%",
		                    rate * 100, (long long)r->total_errors, (long long)r->total_ops,
		                    p->max_error_rate_frac * 100),
		                "error_rate", rate),
		            "errors", (double)r->total_errors),
		        "operations", (double)r->total_ops),
		    "limit", p->max_error_rate_frac);
	for (size_t i = 0; i < r->n_ops; i++) {
		const struct ll_op_stats *o = &r->ops[i];
		if (o->count > 0 && o->error_count == o->count)
			val(val(add(a, "op_all_failed", LL_SEV_ERROR, o->op,
			            "%s: %lld/%lld operations failed (100%%): a broken endpoint or a "
			            "request/API mismatch",
			            o->op, (long long)o->error_count, (long long)o->count),
			        "errors", (double)o->error_count),
			    "operations", (double)o->count);
		/* tag: histogram-ceiling. All-zero percentiles with count > 0 mean every sample
		 * was dropped above the histogram's ceiling: latency unknown, never "fast". */
		if (o->count > 0 && all_latency_zero(o))
			val(val(add(a, "latency_unknown", LL_SEV_ERROR, o->op,
			            "%s: %lld operations but every latency percentile is 0: all samples "
			            "were over the load tester's %d us histogram ceiling and dropped, so "
			            "the latency is unknown",
			            o->op, (long long)o->count, LL_HIST_CEILING_US),
			        "operations", (double)o->count),
			    "ceiling_us", LL_HIST_CEILING_US);
	}
	if (isfinite(p->min_throughput) && r->throughput < p->min_throughput)
		val(val(add(a, "throughput", LL_SEV_ERROR, NULL,
		            "throughput %.0f ops/s is below the minimum %.0f ops/s", r->throughput,
		            p->min_throughput),
		        "throughput", r->throughput),
		    "limit", p->min_throughput);
	if (isfinite(p->max_p99_ms) && r->p99_ms > p->max_p99_ms)
		val(val(add(a, "p99_latency", LL_SEV_ERROR, NULL,
		            "p99 latency %.2f ms is above the maximum %.2f ms", r->p99_ms, p->max_p99_ms),
		        "p99_ms", r->p99_ms),
		    "limit", p->max_p99_ms);
	if (p->min_ops >= 0 && r->total_ops < p->min_ops)
		val(val(add(a, "min_ops", LL_SEV_ERROR, NULL,
		            "%lld operations is fewer than the minimum %lld", (long long)r->total_ops,
		            p->min_ops),
		        "operations", (double)r->total_ops),
		    "limit", (double)p->min_ops);
}

static int cmp_rate(const void *x, const void *y)
{
	const struct ll_op_stats *const *a = x, *const *b = y;
	double ra = frac((*a)->error_count, (*a)->count), rb = frac((*b)->error_count, (*b)->count);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strcmp((*a)->op, (*b)->op);
}

/* Several operations failing at nearly the same partial rate suggests one shared cause
 * (M17: Store 20.5%, Recall 19.7%, Search 19.9%). Finds the largest set of operations,
 * each failing above the error-rate limit but not at 100%, whose rates lie within
 * shared_cause_pp points of each other. */
static void rule_shared_cause(struct acc *a, const struct ll_run_report *r,
                              const struct ll_check_params *p)
{
	const struct ll_op_stats **cand = calloc(r->n_ops ? r->n_ops : 1, sizeof *cand);
	if (!cand) {
		a->st = ll_error_set(a->err, LL_NOMEM, NULL, 0, NULL, "out of memory");
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < r->n_ops; i++) {
		double rate = frac(r->ops[i].error_count, r->ops[i].count);
		if (rate > p->max_error_rate_frac && rate < 1.0)
			cand[n++] = &r->ops[i];
	}
	qsort(cand, n, sizeof *cand, cmp_rate);
	size_t best_lo = 0, best_len = 0;
	for (size_t lo = 0, hi = 0; lo < n; lo++) {
		if (hi < lo)
			hi = lo;
		while (hi + 1 < n && (frac(cand[hi + 1]->error_count, cand[hi + 1]->count) -
		                      frac(cand[lo]->error_count, cand[lo]->count)) * 100 <=
		                             p->shared_cause_pp + 1e-9)
			hi++;
		if (hi - lo + 1 > best_len) {
			best_len = hi - lo + 1;
			best_lo = lo;
		}
	}
	if (best_len >= 2) {
		char list[512];
		size_t used = 0;
		list[0] = '\0';
		for (size_t k = best_lo; k < best_lo + best_len && used < sizeof list; k++) {
			const struct ll_op_stats *o = cand[k];
			int w = snprintf(list + used, sizeof list - used, "%s%s %.1f%% (%lld/%lld)",
			                 k > best_lo ? ", " : "", o->op,
			                 frac(o->error_count, o->count) * 100,
			                 (long long)o->error_count, (long long)o->count);
			if (w > 0)
				used += (size_t)w;
		}
		double lo_rate = frac(cand[best_lo]->error_count, cand[best_lo]->count);
		double hi_rate = frac(cand[best_lo + best_len - 1]->error_count,
		                      cand[best_lo + best_len - 1]->count);
		val(val(val(add(a, "shared_error_rate", LL_SEV_WARNING, NULL,
		                "%zu operations fail at similar rates, within %.1f points: %s; "
		                "this suggests one shared cause",
		                best_len, (hi_rate - lo_rate) * 100, list),
		            "operations", (double)best_len),
		        "min_error_rate", lo_rate),
		    "max_error_rate", hi_rate);
	}
	free(cand);
}

static void rule_warnings(struct acc *a, const struct ll_run_report *r,
                          const struct ll_check_params *p)
{
	rule_shared_cause(a, r, p);
	for (size_t i = 0; i < r->n_ops; i++) {
		const struct ll_op_stats *o = &r->ops[i];
		int64_t top = o->has_detail ? (o->max_us > o->p99_us ? o->max_us : o->p99_us) : o->p99_us;
		/* tag: histogram-ceiling */
		if (top >= LL_HIST_NEAR_CEILING_US)
			val(val(add(a, "latency_ceiling", LL_SEV_WARNING, o->op,
			            "%s: latency reaches %lld us, at the load tester's histogram ceiling "
			            "(%d us); slower samples were dropped, so the true tail is unknown",
			            o->op, (long long)top, LL_HIST_CEILING_US),
			        "latency_us", (double)top),
			    "ceiling_us", LL_HIST_CEILING_US);
	}
	if (r->elapsed_s > 0 && r->elapsed_s < p->short_run_s)
		val(val(add(a, "short_run", LL_SEV_WARNING, NULL,
		            "the run lasted %.2f s, less than %.0f s: too short for stable percentiles",
		            r->elapsed_s, p->short_run_s),
		        "elapsed_seconds", r->elapsed_s),
		    "limit", p->short_run_s);
	if (r->source == LL_SOURCE_TEXT_SUMMARY)
		add(a, "text_summary_source", LL_SEV_WARNING, NULL,
		    "read from the load tester's rounded text summary, not its JSON report: "
		    "latencies to 0.01 ms, throughput to 1 op/s, error rate to 0.01%%");
}

enum ll_status ll_check_run(const struct ll_run_report *r, const struct ll_check_params *p,
                            struct ll_check_result *out, struct ll_error *err)
{
	struct ll_check_result res = LL_CHECK_RESULT_INIT;
	struct acc a = { &res, LL_OK, err };
	rule_structure(&a, r);
	rule_values(&a, r);
	rule_consistency(&a, r);
	rule_thresholds(&a, r, p);
	rule_warnings(&a, r, p);
	if (a.st != LL_OK) {
		ll_check_result_release(&res);
		return a.st;
	}
	*out = res;
	return LL_OK;
}

void ll_check_result_release(struct ll_check_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_findings; i++) {
		free(res->findings[i].op);
		free(res->findings[i].message);
	}
	free(res->findings);
	*res = (struct ll_check_result)LL_CHECK_RESULT_INIT;
}

const struct ll_finding *ll_check_find(const struct ll_check_result *res, const char *rule,
                                       const char *op)
{
	for (size_t i = 0; i < res->n_findings; i++) {
		const struct ll_finding *f = &res->findings[i];
		if (strcmp(f->rule, rule) == 0 && (!op || (f->op && strcmp(f->op, op) == 0)))
			return f;
	}
	return NULL;
}
