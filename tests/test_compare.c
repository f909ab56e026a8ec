/* compare: safe deltas and regression verdicts over literal structs (DESIGN §5.2). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "loadlens/compare.h"


struct pct_case {
	const char *name;
	struct ll_opt b, c;
	enum ll_pct_state state;
	double pct;
	bool has_delta;
	double delta;
};

static const struct pct_case pct_cases[] = {
	{ "zero_to_zero_is_unchanged", { true, 0 }, { true, 0 }, LL_PCT_UNCHANGED, 0, true, 0 },
	{ "zero_to_five_is_baseline_zero", { true, 0 }, { true, 5 }, LL_PCT_BASELINE_ZERO, 0, true, 5 },
	{ "tiny_baseline_counts_as_zero", { true, 1e-13 }, { true, 2 }, LL_PCT_BASELINE_ZERO, 0, true, 2 - 1e-13 },
	{ "missing_base", { false, 0 }, { true, 5 }, LL_PCT_MISSING, 0, false, 0 },
	{ "missing_cand", { true, 5 }, { false, 0 }, LL_PCT_MISSING, 0, false, 0 },
	{ "nan_base", { true, NAN }, { true, 5 }, LL_PCT_MISSING, 0, false, 0 },
	{ "inf_cand", { true, 5 }, { true, INFINITY }, LL_PCT_MISSING, 0, false, 0 },
	{ "rise_of_ten_percent", { true, 100 }, { true, 110 }, LL_PCT_OK, 10, true, 10 },
	{ "fall_of_half", { true, 8 }, { true, 4 }, LL_PCT_OK, -50, true, -4 },
	{ "negative_baseline_uses_abs", { true, -4 }, { true, -2 }, LL_PCT_OK, 50, true, 2 },
	{ "negative_baseline_falls", { true, -4 }, { true, -6 }, LL_PCT_OK, -50, true, -2 },
	{ "equal_nonzero_is_unchanged", { true, 0.65 }, { true, 0.65 }, LL_PCT_UNCHANGED, 0, true, 0 },
};

Test(compare, pct_table)
{
	for (size_t i = 0; i < sizeof pct_cases / sizeof pct_cases[0]; i++) {
		const struct pct_case *k = &pct_cases[i];
		struct ll_pct p = ll_compare_pct(k->b, k->c);
		cr_expect_eq(p.state, k->state, "%s: state %d, want %d", k->name, p.state, k->state);
		cr_expect(fabs(p.pct - k->pct) < 1e-9, "%s: pct %g, want %g", k->name, p.pct, k->pct);
		cr_expect_eq(p.has_delta, k->has_delta, "%s: has_delta", k->name);
		cr_expect(fabs(p.delta - k->delta) < 1e-9, "%s: delta %g, want %g", k->name, p.delta, k->delta);
	}
}

/* A minimal valid report: one operation, consistent totals, 60 s. */
static struct ll_op_stats mk_op(const char *name, int64_t count, int64_t errors, int64_t p99_us)
{
	return (struct ll_op_stats){ .op = (char *)name, .count = count, .success_count = count - errors,
		                     .error_count = errors, .p50_us = p99_us / 2, .p95_us = p99_us * 9 / 10,
		                     .p99_us = p99_us, .p999_us = p99_us, .max_us = p99_us,
		                     .mean_us = (double)p99_us / 2, .has_detail = true };
}

static struct ll_run_report mk_run(struct ll_op_stats *ops, size_t n, double elapsed)
{
	struct ll_run_report r = { .config_name = (char *)"t", .elapsed_s = elapsed, .ops = ops,
		                   .n_ops = n, .source = LL_SOURCE_JSON };
	for (size_t i = 0; i < n; i++) {
		r.total_ops += ops[i].count;
		r.total_errors += ops[i].error_count;
		r.p50_ms = fmax(r.p50_ms, (double)ops[i].p50_us / 1000);
		r.p95_ms = fmax(r.p95_ms, (double)ops[i].p95_us / 1000);
		r.p99_ms = fmax(r.p99_ms, (double)ops[i].p99_us / 1000);
	}
	r.throughput = (double)r.total_ops / elapsed;
	r.error_rate_frac = r.total_ops ? (double)r.total_errors / (double)r.total_ops : 0;
	return r;
}

static const struct ll_compare_row *row(const struct ll_compare_result *res, const char *scope,
                                        const char *metric)
{
	const struct ll_compare_row *r = ll_compare_find(res, scope, metric);
	cr_assert(r, "no row %s/%s", scope, metric);
	return r;
}

Test(compare, p99_exactly_at_threshold_is_not_a_regression_just_over_is)
{
	struct ll_op_stats bo[] = { mk_op("Store", 10000, 0, 1000) };
	struct ll_op_stats at[] = { mk_op("Store", 10000, 0, 1050) };   /* +5.0% */
	struct ll_op_stats over[] = { mk_op("Store", 10000, 0, 1051) }; /* +5.1% */
	struct ll_run_report b = mk_run(bo, 1, 60), c1 = mk_run(at, 1, 60), c2 = mk_run(over, 1, 60);
	struct ll_compare_params p;
	ll_compare_params_default(&p, false);
	struct ll_compare_result res;
	struct ll_error err = LL_ERROR_INIT;

	cr_assert_eq(ll_compare_runs(&b, &c1, &p, &res, &err), LL_OK);
	cr_expect_eq(res.verdict, LL_VERDICT_PASS);
	cr_expect(fabs(row(&res, "overall", "p99_ms")->pct.pct - 5.0) < 1e-9);
	cr_expect(!row(&res, "overall", "p99_ms")->regression);
	ll_compare_result_release(&res);

	cr_assert_eq(ll_compare_runs(&b, &c2, &p, &res, &err), LL_OK);
	cr_expect_eq(res.verdict, LL_VERDICT_REGRESSION);
	cr_expect(row(&res, "overall", "p99_ms")->regression);
	cr_expect(row(&res, "Store", "p99_ms")->regression);
	cr_expect_eq(res.n_regressions, 2);
	ll_compare_result_release(&res);

	/* --competitive: 10% */
	ll_compare_params_default(&p, true);
	cr_assert_eq(ll_compare_runs(&b, &c2, &p, &res, &err), LL_OK);
	cr_expect_eq(res.verdict, LL_VERDICT_PASS);
	ll_compare_result_release(&res);
}

Test(compare, throughput_fall_and_error_rate_points_gate)
{
	struct ll_op_stats bo[] = { mk_op("Store", 10000, 0, 1000) };
	struct ll_op_stats at[] = { mk_op("Store", 9500, 95, 1000) };   /* -5% ops, +1.00 pp */
	struct ll_op_stats over[] = { mk_op("Store", 9499, 96, 1000) }; /* just over both */
	struct ll_run_report b = mk_run(bo, 1, 100), c1 = mk_run(at, 1, 100), c2 = mk_run(over, 1, 100);
	struct ll_compare_params p;
	ll_compare_params_default(&p, false);
	p.check.max_error_rate_frac = 0.05; /* both candidates stay valid runs */
	struct ll_compare_result res;
	struct ll_error err = LL_ERROR_INIT;

	cr_assert_eq(ll_compare_runs(&b, &c1, &p, &res, &err), LL_OK);
	cr_expect(fabs(row(&res, "overall", "throughput")->pct.pct + 5.0) < 1e-9);
	cr_expect(!row(&res, "overall", "throughput")->regression);
	cr_expect(fabs(row(&res, "overall", "error_rate_pct")->pct.delta - 1.0) < 1e-9);
	cr_expect_eq(row(&res, "overall", "error_rate_pct")->pct.state, LL_PCT_BASELINE_ZERO);
	cr_expect(!row(&res, "overall", "error_rate_pct")->regression);
	cr_expect_eq(res.verdict, LL_VERDICT_PASS);
	ll_compare_result_release(&res);

	cr_assert_eq(ll_compare_runs(&b, &c2, &p, &res, &err), LL_OK);
	cr_expect(row(&res, "overall", "throughput")->regression);
	cr_expect(row(&res, "overall", "error_rate_pct")->regression);
	/* Per-operation throughput is shown but never gates. */
	cr_expect(!row(&res, "Store", "throughput")->regression);
	cr_expect_eq(row(&res, "Store", "throughput")->gate, LL_GATE_NONE);
	cr_expect_eq(res.verdict, LL_VERDICT_REGRESSION);
	ll_compare_result_release(&res);
}

Test(compare, operation_on_one_side_is_added_or_removed)
{
	struct ll_op_stats bo[] = { mk_op("Recall", 5000, 0, 900), mk_op("Store", 5000, 0, 1000) };
	struct ll_op_stats co[] = { mk_op("Search", 5000, 0, 900), mk_op("Store", 5000, 0, 1000) };
	struct ll_run_report b = mk_run(bo, 2, 60), c = mk_run(co, 2, 60);
	struct ll_compare_params p;
	ll_compare_params_default(&p, false);
	struct ll_compare_result res;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_compare_runs(&b, &c, &p, &res, &err), LL_OK);
	const struct ll_compare_row *r = row(&res, "Recall", "p99_ms");
	cr_expect_eq(r->pct.state, LL_PCT_REMOVED);
	cr_expect(r->base.present && !r->cand.present);
	r = row(&res, "Search", "p99_ms");
	cr_expect_eq(r->pct.state, LL_PCT_ADDED);
	cr_expect(!r->base.present && r->cand.present);
	cr_expect(!r->regression);
	cr_expect_eq(row(&res, "Store", "p99_ms")->pct.state, LL_PCT_UNCHANGED);
	/* 6 metrics for overall and for each of the 3 operations */
	cr_expect_eq(res.n_rows, 24);
	ll_compare_result_release(&res);
}

Test(compare, invalid_run_is_not_meaningful_unless_allowed)
{
	struct ll_op_stats bo[] = { mk_op("Store", 10000, 2390, 650) }; /* 23.9% errors */
	struct ll_op_stats co[] = { mk_op("Store", 10000, 0, 650) };
	struct ll_run_report b = mk_run(bo, 1, 60), c = mk_run(co, 1, 60);
	struct ll_compare_params p;
	ll_compare_params_default(&p, false);
	struct ll_compare_result res;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_compare_runs(&b, &c, &p, &res, &err), LL_OK);
	cr_expect_eq(res.verdict, LL_VERDICT_NOT_MEANINGFUL);
	cr_expect(!res.base_valid);
	cr_expect(res.cand_valid);
	cr_expect_eq(res.n_rows, 0);
	ll_compare_result_release(&res);

	p.allow_invalid = true;
	cr_assert_eq(ll_compare_runs(&b, &c, &p, &res, &err), LL_OK);
	cr_expect_eq(res.verdict, LL_VERDICT_PASS);
	cr_expect(res.compared_invalid);
	cr_expect(fabs(row(&res, "overall", "error_rate_pct")->pct.delta + 23.9) < 1e-9);
	ll_compare_result_release(&res);
}

Test(compare, unknown_latency_is_missing_not_zero)
{
	struct ll_op_stats bo[] = { mk_op("Store", 10000, 0, 1000) };
	struct ll_op_stats co[] = { mk_op("Store", 10000, 0, 0) };
	co[0].p50_us = co[0].p95_us = co[0].p999_us = co[0].max_us = 0;
	struct ll_run_report b = mk_run(bo, 1, 60), c = mk_run(co, 1, 60);
	struct ll_compare_params p;
	ll_compare_params_default(&p, false);
	p.allow_invalid = true; /* the candidate fails check (latency_unknown) */
	struct ll_compare_result res;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_compare_runs(&b, &c, &p, &res, &err), LL_OK);
	cr_expect(!res.cand_valid);
	const struct ll_compare_row *r = row(&res, "Store", "p99_ms");
	cr_expect_eq(r->pct.state, LL_PCT_MISSING);
	cr_expect(!r->cand.present);
	ll_compare_result_release(&res);
}
