/* check: the rules of a usable baseline (DESIGN §5.1), over literal structs. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "loadlens/check.h"

static struct ll_op_stats mk_op(const char *name, int64_t count, int64_t errors, int64_t p50,
                                int64_t p95, int64_t p99)
{
	return (struct ll_op_stats){ .op = (char *)name, .count = count, .success_count = count - errors,
		                     .error_count = errors, .p50_us = p50, .p95_us = p95, .p99_us = p99,
		                     .p999_us = p99, .max_us = p99, .mean_us = (double)p50,
		                     .has_detail = true };
}

/* Totals, rate, throughput and overall percentiles derived as report.rs derives them. */
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
	r.throughput = elapsed > 0 ? (double)r.total_ops / elapsed : 0;
	r.error_rate_frac = r.total_ops ? (double)r.total_errors / (double)r.total_ops : 0;
	return r;
}

/* The M17 baseline of the context report. */
static struct ll_op_stats m17_ops[4];
static struct ll_run_report m17(void)
{
	m17_ops[0] = mk_op("PatternCompletion", 686, 686, 180, 291, 342);
	m17_ops[1] = mk_op("Recall", 5882, 1156, 301, 487, 602);
	m17_ops[2] = mk_op("Search", 683, 136, 220, 401, 533);
	m17_ops[3] = mk_op("Store", 7304, 1497, 412, 598, 650);
	return mk_run(m17_ops, 4, 60.143218431);
}

static struct ll_check_result run_check(const struct ll_run_report *r, const struct ll_check_params *p)
{
	struct ll_check_result res;
	struct ll_error err = LL_ERROR_INIT;
	cr_assert_eq(ll_check_run(r, p, &res, &err), LL_OK);
	return res;
}

static double value(const struct ll_finding *f, const char *name)
{
	for (size_t i = 0; i < f->n_values; i++)
		if (strcmp(f->values[i].name, name) == 0)
			return f->values[i].value;
	cr_assert_fail("finding %s has no value %s", f->rule, name);
	return NAN;
}

Test(check, m17_baseline_is_invalid_with_every_reason)
{
	struct ll_run_report r = m17();
	struct ll_check_params p;
	ll_check_params_default(&p);
	p.min_throughput = 800;
	struct ll_check_result res = run_check(&r, &p);
	cr_expect(!res.valid);
	cr_expect_eq(res.n_errors, 3);
	cr_expect_eq(res.n_warnings, 1);

	const struct ll_finding *f = ll_check_find(&res, "error_rate", NULL);
	cr_assert(f);
	cr_expect_str_eq(f->message, "error rate 23.87% (3475/14555) is above the limit 1.00%");
	cr_expect_eq(value(f, "errors"), 3475);
	cr_expect_eq(value(f, "operations"), 14555);
	cr_expect_float_eq(value(f, "error_rate"), 3475.0 / 14555, 1e-12);

	f = ll_check_find(&res, "op_all_failed", "PatternCompletion");
	cr_assert(f);
	cr_expect_eq(value(f, "errors"), 686);
	cr_expect_eq(value(f, "operations"), 686);

	f = ll_check_find(&res, "throughput", NULL);
	cr_assert(f);
	cr_expect_str_eq(f->message, "throughput 242 ops/s is below the minimum 800 ops/s");

	f = ll_check_find(&res, "shared_error_rate", NULL);
	cr_assert(f);
	cr_expect_eq(f->severity, LL_SEV_WARNING);
	cr_expect_str_eq(f->message,
	                 "3 operations fail at similar rates, within 0.8 points: Recall 19.7% "
	                 "(1156/5882), Search 19.9% (136/683), Store 20.5% (1497/7304); this "
	                 "suggests one shared cause");
	cr_expect_eq(value(f, "operations"), 3);
	ll_check_result_release(&res);
}

Test(check, clean_run_is_valid_with_no_findings)
{
	struct ll_op_stats ops[] = { mk_op("Store", 24000, 0, 400, 570, 690),
		                     mk_op("Recall", 19000, 0, 300, 460, 600) };
	struct ll_run_report r = mk_run(ops, 2, 60.0);
	struct ll_check_params p;
	ll_check_params_default(&p);
	struct ll_check_result res = run_check(&r, &p);
	cr_expect(res.valid);
	cr_expect_eq(res.n_findings, 0);
	ll_check_result_release(&res);
}

Test(check, all_zero_latency_is_unknown_never_fast)
{
	struct ll_op_stats ops[] = { mk_op("Store", 24000, 0, 400, 570, 690),
		                     mk_op("Search", 500, 0, 0, 0, 0) };
	struct ll_run_report r = mk_run(ops, 2, 60.0);
	struct ll_check_params p;
	ll_check_params_default(&p);
	struct ll_check_result res = run_check(&r, &p);
	cr_expect(!res.valid);
	const struct ll_finding *f = ll_check_find(&res, "latency_unknown", "Search");
	cr_assert(f);
	cr_expect_eq(f->severity, LL_SEV_ERROR);
	cr_expect_str_eq(f->message, "Search: 500 operations but every latency percentile is 0: all "
	                             "samples were over the load tester's 65535 us histogram ceiling "
	                             "and dropped, so the latency is unknown");
	cr_expect_null(ll_check_find(&res, "latency_unknown", "Store"));
	ll_check_result_release(&res);
}

Test(check, inconsistencies_are_errors)
{
	struct ll_op_stats ops[] = { mk_op("Store", 1000, 10, 400, 570, 690) };
	struct ll_check_params p;
	ll_check_params_default(&p);
	static const struct {
		const char *name, *rule;
	} cases[] = {
		{ "totals", "totals_mismatch" },       { "success", "op_counts_mismatch" },
		{ "rate", "error_rate_mismatch" },     { "throughput", "throughput_mismatch" },
		{ "monotonic", "percentiles_not_monotonic" }, { "overall_p99", "latency_mismatch" },
		{ "elapsed", "elapsed_nonpositive" },  { "nan", "invalid_value" },
		{ "empty", "no_operations" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ll_op_stats o = ops[0];
		struct ll_run_report r = mk_run(&o, 1, 10.0);
		switch (i) {
		case 0: r.total_ops = 1001; r.throughput = 100.1; r.error_rate_frac = 10.0 / 1001; break;
		case 1: o.success_count = 989; break;
		case 2: r.error_rate_frac = 0.02; break;
		case 3: r.throughput = 101; break;
		case 4: o.p95_us = 300; break;
		case 5: r.p99_ms = 0.7; break;
		case 6: r.elapsed_s = 0; r.throughput = 0; break;
		case 7: r.p50_ms = NAN; break;
		case 8: r.n_ops = 0; r.total_ops = 0; r.total_errors = 0; r.throughput = 0; r.error_rate_frac = 0; break;
		}
		struct ll_check_result res = run_check(&r, &p);
		cr_expect(!res.valid, "%s", cases[i].name);
		const struct ll_finding *f = ll_check_find(&res, cases[i].rule, NULL);
		cr_expect(f, "%s: no %s finding", cases[i].name, cases[i].rule);
		if (f)
			cr_expect_eq(f->severity, LL_SEV_ERROR, "%s", cases[i].name);
		ll_check_result_release(&res);
	}
}

Test(check, thresholds_fire_only_when_given)
{
	struct ll_op_stats ops[] = { mk_op("Store", 1000, 5, 400, 570, 690) };
	struct ll_run_report r = mk_run(ops, 1, 40.0);
	struct ll_check_params p;
	ll_check_params_default(&p);
	struct ll_check_result res = run_check(&r, &p);
	cr_expect(res.valid);
	cr_expect_eq(res.n_findings, 0);
	ll_check_result_release(&res);

	p.max_p99_ms = 0.5;
	p.min_ops = 2000;
	p.min_throughput = 25.01;
	p.max_error_rate_frac = 0.004;
	res = run_check(&r, &p);
	cr_expect_eq(res.n_errors, 4);
	cr_expect_str_eq(ll_check_find(&res, "p99_latency", NULL)->message,
	                 "p99 latency 0.69 ms is above the maximum 0.50 ms");
	cr_expect_str_eq(ll_check_find(&res, "min_ops", NULL)->message,
	                 "1000 operations is fewer than the minimum 2000");
	cr_expect(ll_check_find(&res, "throughput", NULL));
	cr_expect(ll_check_find(&res, "error_rate", NULL));
	ll_check_result_release(&res);

	/* exactly at each limit passes */
	p.max_p99_ms = 0.69;
	p.min_ops = 1000;
	p.min_throughput = 25;
	p.max_error_rate_frac = 0.005;
	res = run_check(&r, &p);
	cr_expect_eq(res.n_errors, 0);
	ll_check_result_release(&res);
}

Test(check, warnings_ceiling_short_run_text_summary)
{
	struct ll_op_stats ops[] = { mk_op("Store", 1000, 0, 400, 570, 65535) };
	struct ll_run_report r = mk_run(ops, 1, 12.5);
	r.source = LL_SOURCE_TEXT_SUMMARY;
	r.ops[0].has_detail = false;
	struct ll_check_params p;
	ll_check_params_default(&p);
	struct ll_check_result res = run_check(&r, &p);
	cr_expect(res.valid);
	cr_expect_eq(res.n_warnings, 3);
	cr_expect(ll_check_find(&res, "latency_ceiling", "Store"));
	cr_expect_str_eq(ll_check_find(&res, "short_run", NULL)->message,
	                 "the run lasted 12.50 s, less than 30 s: too short for stable percentiles");
	cr_expect(ll_check_find(&res, "text_summary_source", NULL));
	ll_check_result_release(&res);
}

Test(check, dissimilar_error_rates_give_no_shared_cause_warning)
{
	struct ll_op_stats ops[] = { mk_op("Store", 1000, 200, 400, 570, 690),
		                     mk_op("Recall", 1000, 50, 300, 460, 600) };
	struct ll_run_report r = mk_run(ops, 2, 60.0);
	struct ll_check_params p;
	ll_check_params_default(&p);
	struct ll_check_result res = run_check(&r, &p);
	cr_expect_null(ll_check_find(&res, "shared_error_rate", NULL));
	ll_check_result_release(&res);
}

Test(check, every_finding_rule_is_in_the_rule_table)
{
	struct ll_run_report r = m17();
	struct ll_check_params p;
	ll_check_params_default(&p);
	p.min_throughput = 800;
	struct ll_check_result res = run_check(&r, &p);
	for (size_t i = 0; i < res.n_findings; i++) {
		bool known = false;
		for (size_t k = 0; k < ll_check_n_rules; k++)
			known |= strcmp(ll_check_rules[k].id, res.findings[i].rule) == 0 &&
			         ll_check_rules[k].severity == res.findings[i].severity;
		cr_expect(known, "rule %s missing from ll_check_rules", res.findings[i].rule);
	}
	ll_check_result_release(&res);
}
